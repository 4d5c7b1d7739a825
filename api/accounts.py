"""Sign-up, sign-in and sign-out for the phone app: the portal's forms and services, a device token instead of a
session cookie."""
import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from citizens.forms import ForgotPasswordForm, SignInForm, SignUpFinishForm, SignUpForm
from citizens.models import SmsMessage, User
from citizens.services.accounts import citizen_authenticate, signup_finish, signup_start
from citizens.services.sms_codes import code_resend
from citizens.services.devices import device_token_issue, device_token_revoke
from registry.http import client_ip

from .problems import ApiProblem

router = Router(tags=["accounts"])


class SignUpIn(Schema):
    full_name: str
    phone: str


class CodeSent(Schema):
    phone: str
    detail: str


class PhoneIn(Schema):
    phone: str


class SignUpVerifyIn(Schema):
    phone: str
    code: str
    password: str
    device_name: str


class SignInIn(Schema):
    phone: str
    password: str
    device_name: str


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    device_id: int
    device_name: str


class DeviceOut(Schema):
    id: int
    name: str
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    current: bool


def form_cleaned(form_class, data: dict):
    form = form_class(data)
    if not form.is_valid():
        raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
    return form.cleaned_data


def _device_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ValidationError({"device_name": _("Name the device in 1 to 80 characters.")})
    return name


def _pending(phone: str) -> User:
    phone = form_cleaned(ForgotPasswordForm, {"phone": phone})["phone"]
    user = User.objects.filter(phone=phone, is_active=False, is_staff=False).first()
    if user is None:
        raise ApiProblem(404, "no-pending-sign-up", _("No sign-up is waiting for this number. Sign up first."))
    return user


def _token(user: User, name: str) -> TokenOut:
    device, raw = device_token_issue(user=user, name=name)
    return TokenOut(token=raw, device_id=device.pk, device_name=device.name)


@router.post("/signup", auth=None, response={202: CodeSent},
             summary="Sign up, step 1: name and number; sends a code by SMS (the password comes with the code)")
def signup(request, payload: SignUpIn):
    data = form_cleaned(SignUpForm, {"full_name": payload.full_name, "phone": payload.phone})
    user = signup_start(full_name=data["full_name"], phone=data["phone"], ip=client_ip(request))
    return Status(202, CodeSent(phone=user.phone,
                                detail=_("We have sent a code to %(phone)s.") % {"phone": user.phone}))


@router.post("/signup/resend", auth=None, response={202: CodeSent}, summary="Send the sign-up code again")
def signup_resend(request, payload: PhoneIn):
    user = _pending(payload.phone)
    code_resend(user=user, purpose=SmsMessage.Purpose.SIGNUP, ip=client_ip(request))
    return Status(202, CodeSent(phone=user.phone, detail=_("We have sent a new code.")))


@router.post("/signup/verify", auth=None, response={201: TokenOut},
             summary="Sign up, step 2: the code and the new password; returns a token")
def signup_verify(request, payload: SignUpVerifyIn):
    name = _device_name(payload.device_name)
    user = _pending(payload.phone)
    data = form_cleaned(SignUpFinishForm, {"code": payload.code, "password1": payload.password,
                                           "password2": payload.password})
    user = signup_finish(user=user, code=data["code"].strip(), password=data["password1"])
    return Status(201, _token(user, name))


@router.post("/signin", auth=None, response={201: TokenOut}, summary="Sign in with phone and password")
def signin(request, payload: SignInIn):
    name = _device_name(payload.device_name)
    data = form_cleaned(SignInForm, {"phone": payload.phone, "password": payload.password})
    user = citizen_authenticate(request, phone=data["phone"], password=data["password"], ip=client_ip(request))
    return Status(201, _token(user, name))


@router.post("/signout", response={204: None}, summary="Sign this device out (its token stops working)")
def signout(request):
    device_token_revoke(actor=request.user, device_id=request.user.api_device.pk)
    return Status(204, None)


@router.get("/devices", response=list[DeviceOut], summary="Devices signed in to this account")
def devices(request):
    from citizens.selectors import device_tokens_for

    current = request.user.api_device.pk
    return [DeviceOut(id=d.pk, name=d.name, created_at=d.created_at, last_used_at=d.last_used_at,
                      current=d.pk == current) for d in device_tokens_for(request.user)]


@router.delete("/devices/{device_id}", response={204: None}, summary="Sign a device out")
def device_revoke(request, device_id: int):
    if not device_token_revoke(actor=request.user, device_id=device_id):
        raise Http404
    return Status(204, None)
