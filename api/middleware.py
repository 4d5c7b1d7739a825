from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header


class ApiLanguageMiddleware:
    """The API answers in the language of Accept-Language (Vietnamese unless English is asked for): a phone app
    has no language cookie, and its user chose the language in the phone's settings."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        supported = dict(settings.LANGUAGES)
        language = settings.LANGUAGE_CODE
        for tag, _q in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")[:200]):
            base = tag.split("-")[0]
            if base in supported:
                language = base
                break
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers["Content-Language"] = language
        return response
