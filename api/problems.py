"""Errors as RFC 9457 problem details (application/problem+json), their message in the caller's language."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

PROBLEM_TYPE = "/api/v1/problems/{name}"
PROBLEM_CONTENT_TYPE = "application/problem+json"


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: dict[str, list[str]] | None = None


class ApiProblem(Exception):
    """A refusal a route answers with, e.g. ApiProblem(409, "conflict", _("…"))."""

    def __init__(self, status: int, name: str, detail: str, errors: dict | None = None, headers: dict | None = None):
        super().__init__(detail)
        self.status, self.name, self.detail, self.errors, self.headers = status, name, detail, errors, headers or {}


def _titles() -> dict[int, str]:
    return {
        400: _("The request is not valid."),
        401: _("Sign in first."),
        403: _("You may not do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        409: _("This conflicts with the current state."),
        413: _("The request is too large."),
        422: _("Some of what was sent is not valid."),
        429: _("Too many requests."),
        500: _("Something went wrong on our side."),
    }


def problem_response(status: int, name: str, detail: str, *, errors: dict | None = None,
                     headers: dict | None = None) -> JsonResponse:
    body = {"type": PROBLEM_TYPE.format(name=name), "title": _titles().get(status, name), "status": status,
            "detail": detail}
    if errors:
        body["errors"] = errors
    response = JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE,
                            json_dumps_params={"ensure_ascii": False})
    for header, value in (headers or {}).items():
        response[header] = value
    return response


def validation_problem(error: DjangoValidationError) -> JsonResponse:
    """A service's or a form's refusal; errors keyed by field name when it names fields ("__all__" otherwise)."""
    status = 429 if getattr(error, "code", None) in ("rate_limited", "locked") else 422
    if hasattr(error, "error_dict"):
        errors = {field: [str(m) for m in messages] for field, messages in error.message_dict.items()}
        detail = " ".join(m for messages in errors.values() for m in messages)
    else:
        errors, detail = None, " ".join(str(m) for m in error.messages)
    return problem_response(status, "rate-limited" if status == 429 else "invalid", detail, errors=errors)


def install(api) -> None:
    @api.exception_handler(ApiProblem)
    def _api_problem(request, exc: ApiProblem):
        return problem_response(exc.status, exc.name, exc.detail, errors=exc.errors, headers=exc.headers)

    @api.exception_handler(DjangoValidationError)
    def _service_refusal(request, exc):
        return validation_problem(exc)

    @api.exception_handler(NinjaValidationError)
    def _schema_refusal(request, exc: NinjaValidationError):
        errors: dict[str, list[str]] = {}
        for item in exc.errors:
            loc = [str(part) for part in item.get("loc", ()) if part not in ("body", "payload", "query", "path")]
            field = ".".join(loc) or "__all__"
            errors.setdefault(field, []).append(_("This value is missing or not valid."))
        names = ", ".join(errors)
        return problem_response(422, "invalid", _("These fields are missing or not valid: %(fields)s.")
                                % {"fields": names}, errors=errors)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return problem_response(401, "unauthenticated", _("Send a valid device token: Authorization: Bearer <token>."),
                                headers={"WWW-Authenticate": 'Bearer realm="api"'})

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return problem_response(404, "not-found", _("There is nothing here, or it is not yours to see."))

    @api.exception_handler(HttpError)
    def _http_error(request, exc: HttpError):
        return problem_response(exc.status_code, "http-error", _titles().get(exc.status_code, str(exc)))
