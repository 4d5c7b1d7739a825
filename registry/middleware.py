from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestOrigin:
    ip: str | None
    user_agent: str


_origin: ContextVar[RequestOrigin | None] = ContextVar("request_origin", default=None)


def current_origin() -> RequestOrigin | None:
    """Where the request being served came from, for the audit log; None outside a request."""
    return _origin.get()


class RequestContextMiddleware:
    """Remembers the client address for the length of a request so services can audit it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .http import client_ip

        token = _origin.set(
            RequestOrigin(
                ip=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
            )
        )
        try:
            return self.get_response(request)
        finally:
            _origin.reset(token)


class LanguageMiddleware:
    """Vietnamese unless the person chose English with the switch (kept in the language cookie).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: a phone set to
    English still opens the national portal in Vietnamese until its user picks English.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation
        from django.utils.cache import patch_vary_headers

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
