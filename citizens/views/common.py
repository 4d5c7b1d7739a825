from functools import wraps

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def citizen_required(view):
    """Signed in with a citizen account (staff accounts use the console)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated or request.user.is_staff:
            return redirect(f"/signin/?next={request.get_full_path()}")
        return view(request, *args, **kwargs)

    return wrapper


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def form_error(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when it names one, else on the whole form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default
