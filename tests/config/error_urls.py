"""The site's URLs plus views that fail on purpose, to show the error pages a person would see."""
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def server_error(request):
    raise RuntimeError("a fault the person must not see")


def permission_denied(request):
    raise PermissionDenied


def bad_request(request):
    raise SuspiciousOperation("a malformed request")


urlpatterns = [
    path("failing/500/", server_error),
    path("failing/403/", permission_denied),
    path("failing/400/", bad_request),
    *site_urlpatterns,
]
