import ipaddress

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str) -> str:
    """The `next` page asked for, if it is on this site; otherwise `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def client_ip(request) -> str | None:
    """The client's address, for limits, audit rows and the SMS outbox.

    With no trusted proxy (TRUSTED_PROXY_COUNT=0) it is the socket's peer and X-Forwarded-For is ignored,
    since anyone can send that header. Behind N proxies that each append the address they saw, the client
    is the N-th address from the right of X-Forwarded-For: what a client wrote to the left is not trusted.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(chain) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(chain[-proxies]))
    except ValueError:
        return remote
