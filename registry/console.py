"""The gate every staff console view goes through."""
from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.shortcuts import redirect

from .auth import confirmed_devices
from .selectors import jurisdiction_of, otp_required


def console_view(permission: str | None = None):
    """Signed-in staff with a role, past the second factor where it is required, holding `permission`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated or not user.is_staff:
                return redirect_to_login(request.get_full_path(), settings.CONSOLE_LOGIN_PATH)
            if otp_required(user) and not user.is_verified():
                if confirmed_devices(user):
                    return redirect("console:otp_verify")
                return redirect("console:otp_setup")
            if permission and not (jurisdiction_of(user).is_staff and user.has_perm(permission)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def paginate(request, queryset):
    """One page of a console list; the page size is the CONSOLE_PAGE_SIZE setting."""
    return Paginator(queryset, settings.CONSOLE_PAGE_SIZE).get_page(request.GET.get("page"))


def form_errors_as_messages(request, form) -> None:
    """For forms posted from a page that redirects back: each error as a message naming its field."""
    from django.contrib import messages

    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))


class UncountedPage:
    """One page of a list too long to count on every request (a province's million registrations): it fetches one
    row more than it shows to know whether a next page exists. Rendered by partials/pagination_uncounted.html."""

    def __init__(self, rows: list, number: int, size: int):
        self.object_list, self.number = rows[:size], number
        self.has_next, self.has_previous = len(rows) > size, number > 1

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def page_number(request) -> int:
    """The page a list's `page` parameter asks for, from 1 to CONSOLE_MAX_PAGE (anything else is page 1)."""
    raw = request.GET.get("page", "1")
    # An offset costs what it skips: deep pages are bounded (filters, not paging, find a row far down).
    return min(int(raw), settings.CONSOLE_MAX_PAGE) if raw.isdigit() and int(raw) > 0 else 1


def uncounted_slice(request, queryset):
    """The rows of `queryset` that the page `request` asks for reads: the page's and one more."""
    number, size = page_number(request), settings.CONSOLE_PAGE_SIZE
    return queryset[(number - 1) * size: number * size + 1]


def paginate_uncounted(request, queryset, read=list) -> UncountedPage:
    """Like `paginate`, without counting the rows; page numbers past the end give an empty page. `read` turns the
    page's slice of the queryset into its rows (registry.db.values_read for a prepared read)."""
    return UncountedPage(read(uncounted_slice(request, queryset)), page_number(request), settings.CONSOLE_PAGE_SIZE)
