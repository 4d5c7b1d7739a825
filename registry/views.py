from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from .audit import audit_trail
from .auth import (
    confirmed_devices, staff_authenticate, staff_otp_enrol, staff_otp_verify, staff_sign_in_error,
    totp_device_for_enrolment, totp_qr_svg, totp_secret,
)
from .console import console_view, paginate
from .http import client_ip, credentials_page, safe_next
from .forms import ListFilterForm, OtpTokenForm, StaffLoginForm
from .models import Facility
from .selectors import audit_event_list, facility_list, jurisdiction_of, organisation_list
from .services import organisation_confirm


def _next_url(request) -> str:
    return safe_next(request, "/console/")


@credentials_page
def login_view(request):
    form = StaffLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = staff_authenticate(request, **form.cleaned_data, ip=client_ip(request))
        if result.user is not None:
            login(request, result.user, backend="django.contrib.auth.backends.ModelBackend")
            request.session.set_expiry(settings.STAFF_SESSION_SECONDS)
            return redirect(_next_url(request))
        form.add_error(None, staff_sign_in_error(result))
    return render(request, "registry/console_login.html", {"form": form, "next": _next_url(request)})


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("console:login")


def _staff_only(request):
    return request.user.is_authenticated and request.user.is_staff


@credentials_page
def otp_setup_view(request):
    if not _staff_only(request):
        return redirect("console:login")
    if confirmed_devices(request.user):
        return redirect("console:otp_verify")
    device = totp_device_for_enrolment(request.user)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = staff_otp_enrol(user=request.user, token=form.cleaned_data["token"])
        if check.device is not None:
            otp_login(request, check.device)
            messages.success(request, _("Your authenticator is set up. You will need a code each time you sign in."))
            return redirect("console:home")
        form.add_error("token", check.error)
    return render(request, "registry/console_otp_setup.html", {
        "form": form, "qr_svg": totp_qr_svg(device), "secret": totp_secret(device),
    })


@credentials_page
def otp_verify_view(request):
    if not _staff_only(request):
        return redirect("console:login")
    devices = confirmed_devices(request.user)
    if not devices:
        return redirect("console:otp_setup")
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = staff_otp_verify(user=request.user, token=form.cleaned_data["token"])
        if check.device is not None:
            otp_login(request, check.device)
            return redirect(_next_url(request))
        form.add_error("token", check.error)
    return render(request, "registry/console_otp_verify.html", {"form": form, "next": _next_url(request)})


@console_view()
def home_view(request):
    jurisdiction = jurisdiction_of(request.user)
    return render(request, "registry/console_home.html", {"jurisdiction": jurisdiction})


@console_view("registry.view_facility")
def facility_list_view(request):
    form = ListFilterForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    kind = request.GET.get("kind") if request.GET.get("kind") in Facility.Kind.values else None
    page = paginate(request, facility_list(user=request.user, kind=kind, query=query))
    return render(request, "registry/facility_list.html", {
        "form": form, "page": page, "kinds": Facility.Kind.choices, "kind": kind or "",
    })


@console_view("registry.view_facility")
def facility_detail_view(request, pk: int):
    facility = get_object_or_404(facility_list(user=request.user), pk=pk)
    return render(request, "registry/facility_detail.html", {"facility": facility})


@console_view("registry.view_organisation")
def organisation_list_view(request):
    form = ListFilterForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = paginate(request, organisation_list(user=request.user, query=query))
    return render(request, "registry/organisation_list.html", {"form": form, "page": page})


@console_view("registry.view_organisation")
def organisation_detail_view(request, pk: int):
    organisation = get_object_or_404(organisation_list(user=request.user), pk=pk)
    return render(request, "registry/organisation_detail.html", {
        "organisation": organisation, "trail": audit_trail(organisation)[:20],
    })


@require_POST
@console_view("registry.change_organisation")
def organisation_confirm_view(request, pk: int):
    get_object_or_404(organisation_list(user=request.user), pk=pk)
    try:
        organisation = organisation_confirm(actor=request.user, organisation_id=pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is confirmed.") % {"name": organisation.name})
    return redirect("console:organisation_detail", pk=pk)


@console_view("registry.view_auditevent")
def audit_list_view(request):
    page = paginate(request, audit_event_list(user=request.user))
    return render(request, "registry/audit_list.html", {"page": page})
