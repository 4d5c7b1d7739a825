import ipaddress

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters


def credentials_page(view):
    """For a page where people type a password or a code: no cache (browser or proxy) keeps a copy, and what
    was posted is left out of error reports."""
    return never_cache(sensitive_post_parameters()(view))


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


def too_many_requests(request, resets_at, *, json_body: dict | None = None):
    """The answer once a limit is reached: 429 with Retry-After, as a page in the person's language, or as JSON
    (`{"status": "rate_limited", "retry_after": seconds, **json_body}`) when `json_body` is given.

    `resets_at` is when the limit's window ends (`registry.throttle.Hit.resets_at`).
    """
    import math

    from django.http import JsonResponse
    from django.shortcuts import render
    from django.utils import timezone

    retry_after = max(1, math.ceil((resets_at - timezone.now()).total_seconds()))
    if json_body is not None:
        response = JsonResponse({"status": "rate_limited", "retry_after": retry_after, **json_body}, status=429)
    else:
        response = render(request, "429.html", {"retry_at": timezone.localtime(resets_at)}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
