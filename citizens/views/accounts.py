from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.drawn import drawn_page, shaped, visitor_without_state

from ..forms import (
    CodeForm, ForgotPasswordForm, PhoneChangeForm, ResetPasswordForm, SignInForm, SignUpFinishForm, SignUpForm,
)
from ..models import SmsMessage, User
from ..services.accounts import (
    citizen_authenticate, password_reset_finish, password_reset_start, phone_change_finish, phone_change_start,
    signup_finish, signup_start,
)
from ..services.sms_codes import code_resend
from .common import citizen_required, client_ip, credentials_page, form_error, safe_next

Purpose = SmsMessage.Purpose
PHONE_BACKEND = "citizens.backends.PhoneBackend"
# The account a sign-up in this browser is waiting to confirm, in a signed cookie rather than a session: the first
# step of a sign-up rush then writes no session row. The account is still read and checked to be pending.
SIGNUP_COOKIE, SIGNUP_SALT, SIGNUP_SECONDS = "signup_pending", "citizens.signup.pending", 24 * 3600


@credentials_page
def signup_view(request):
    if request.method != "POST" and visitor_without_state(request):  # the first page of every sign-up in a rush
        return HttpResponse(drawn_page(request, "citizens/signup.html", (), lambda: {"form": SignUpForm()}, {}))
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = signup_start(full_name=form.cleaned_data["full_name"], phone=form.cleaned_data["phone"],
                                ip=client_ip(request))
        except ValidationError as error:
            form_error(form, error)
        else:
            response = redirect("citizens:signup_verify")
            response.set_signed_cookie(SIGNUP_COOKIE, user.pk, salt=SIGNUP_SALT, max_age=SIGNUP_SECONDS,
                                       secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")
            return response
    return render(request, "citizens/signup.html", {"form": form})


def _pending_signup(request) -> User | None:
    user_id = request.get_signed_cookie(SIGNUP_COOKIE, default=None, salt=SIGNUP_SALT, max_age=SIGNUP_SECONDS)
    if not (user_id or "").isdigit():
        return None
    return User.objects.filter(pk=int(user_id), is_active=False, is_staff=False).first()


@credentials_page
def signup_verify_view(request):
    user = _pending_signup(request)
    if user is None:
        return redirect("citizens:signup")
    form = SignUpFinishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = signup_finish(user=user, code=form.cleaned_data["code"].strip(),
                                 password=form.cleaned_data["password1"])
        except ValidationError as error:
            form_error(form, error)
        else:
            login(request, user, backend=PHONE_BACKEND)
            request.session.set_expiry(settings.CITIZEN_SESSION_SECONDS)
            messages.success(request, _("Your account is ready. Welcome to your electronic health book."))
            response = redirect("citizens:book")
            response.delete_cookie(SIGNUP_COOKIE, samesite="Lax")
            return response
    return render(request, "citizens/code_verify.html", {
        "form": form, "phone": user.phone, "resend_url": reverse("citizens:signup_resend"),
        "title": _("Confirm your number"), "note": _("Then choose the password you will sign in with."),
    })


@credentials_page
@require_POST
def signup_resend_view(request):
    user = _pending_signup(request)
    if user is None:
        return redirect("citizens:signup")
    _resend(request, user, Purpose.SIGNUP)
    return redirect("citizens:signup_verify")


def _resend(request, user, purpose):
    try:
        code_resend(user=user, purpose=purpose, ip=client_ip(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.info(request, _("We have sent a new code."))


@credentials_page
def signin_view(request):
    if request.method != "POST" and visitor_without_state(request):
        fills: dict = {}
        shape, shown = shaped({"next": safe_next(request, "")}, "signin", fills)
        return HttpResponse(drawn_page(request, "citizens/signin.html", shape,
                                       lambda: {"form": SignInForm(), **shown}, fills))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = citizen_authenticate(request, **form.cleaned_data, ip=client_ip(request))
        except ValidationError as error:
            form_error(form, error)
        else:
            login(request, user, backend=PHONE_BACKEND)
            request.session.set_expiry(settings.CITIZEN_SESSION_SECONDS)
            return redirect(safe_next(request, reverse("citizens:book")))
    return render(request, "citizens/signin.html", {"form": form, "next": safe_next(request, "")})


@require_POST
def signout_view(request):
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("citizens:home")


@credentials_page
def password_forgot_view(request):
    form = ForgotPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_reset_start(phone=form.cleaned_data["phone"], ip=client_ip(request))
        except ValidationError as error:
            form_error(form, error)
        else:
            request.session["reset_phone"] = form.cleaned_data["phone"]
            messages.info(request, _("If this number has an account, we have sent it a code."))
            return redirect("citizens:password_reset")
    return render(request, "citizens/password_forgot.html", {"form": form})


@credentials_page
def password_reset_view(request):
    phone = request.session.get("reset_phone")
    if not phone:
        return redirect("citizens:password_forgot")
    form = ResetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_reset_finish(phone=phone, code=form.cleaned_data["code"].strip(),
                                  password=form.cleaned_data["password1"])
        except ValidationError as error:
            form_error(form, error)
        else:
            del request.session["reset_phone"]
            messages.success(request, _("Your password is changed. Sign in with the new password."))
            return redirect("citizens:signin")
    return render(request, "citizens/password_reset.html", {"form": form, "phone": phone})


@credentials_page
@citizen_required
def phone_change_view(request):
    form = PhoneChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            phone_change_start(user=request.user, new_phone=form.cleaned_data["new_phone"],
                               password=form.cleaned_data["password"], ip=client_ip(request))
        except ValidationError as error:
            form_error(form, error)
        else:
            return redirect("citizens:phone_change_verify")
    return render(request, "citizens/phone_change.html", {"form": form})


@credentials_page
@citizen_required
def phone_change_verify_view(request):
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            phone_change_finish(user=request.user, code=form.cleaned_data["code"].strip())
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Your mobile number is changed. Sign in with the new number from now on."))
            return redirect("citizens:book")
    return render(request, "citizens/code_verify.html", {
        "form": form, "phone": None, "resend_url": reverse("citizens:phone_change_resend"),
        "title": _("Confirm your new number"),
    })


@credentials_page
@require_POST
@citizen_required
def phone_change_resend_view(request):
    _resend(request, request.user, Purpose.PHONE_CHANGE)
    return redirect("citizens:phone_change_verify")
