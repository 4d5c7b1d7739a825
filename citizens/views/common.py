from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError

from registry.http import client_ip, credentials_page, safe_next  # noqa: F401 - re-exported for the views


def citizen_required(view):
    """Signed in with a citizen account (staff accounts use the console)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated or request.user.is_staff:
            return redirect_to_login(request.get_full_path(), "/signin/")
        return view(request, *args, **kwargs)

    return wrapper


def form_error(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when it names one, else on the whole form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
