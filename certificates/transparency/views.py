"""The public log's JSON endpoints: no sign-in, bounded parameters, a JSON problem (RFC 9457) for bad ones.

They read from the replica: the log only grows, so a lagging copy serves an older head with proofs that hold."""
from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from registry.replica import replica_reads

from . import selectors

MAX_SIZE = 2 ** 62  # far beyond any log; keeps every number inside the database's 64-bit integers
MAX_UVCI_CHARS = 80


def _json(data: dict, *, status: int = 200, **headers) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"  # public data: any web verifier or monitor may read it
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _problem(status: int, title: str, detail: str, **headers) -> JsonResponse:
    response = _json({"type": "about:blank", "title": title, "status": status, "detail": detail}, status=status,
                     **headers)
    response["Content-Type"] = "application/problem+json"
    return response


def _bad(detail: str) -> JsonResponse:
    return _problem(400, _("Bad request"), detail)


def _not_found(detail: str) -> JsonResponse:
    return _problem(404, _("Not found"), detail)


def _size_parameter(request, name: str, *, required: bool = True):
    """(value, None) or (None, problem) for a query parameter that must be a tree size."""
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return (None, _bad(_("The parameter “%(name)s” is required.") % {"name": name})) if required else (None, None)
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 19 or int(raw) > MAX_SIZE:
        return None, _bad(_("The parameter “%(name)s” must be a whole number from 0 to %(max)s.")
                          % {"name": name, "max": MAX_SIZE})
    return int(raw), None


def _no_head():
    return _not_found(_("The log has no signed tree head yet."))


@require_GET
@cache_control(max_age=60, public=True)
@replica_reads
def sth_latest(request):
    sth = selectors.tree_head_latest()
    return _json(sth.as_json()) if sth else _no_head()


@require_GET
@cache_control(max_age=60, public=True)
@replica_reads
def sth_of_size(request, size: int):
    sth = selectors.tree_head_of_size(size) if size <= MAX_SIZE else None
    if sth is None:
        return _not_found(_("No tree head of size %(size)s was signed.") % {"size": size})
    return _json(sth.as_json())


@require_GET
@cache_control(max_age=60, public=True)
@replica_reads
def proof(request, uvci: str):
    tree_size, problem = _size_parameter(request, "tree_size", required=False)
    if problem:
        return problem
    if tree_size is not None and selectors.tree_head_of_size(tree_size) is None:
        return _not_found(_("No tree head of size %(size)s was signed.") % {"size": tree_size})
    answer = selectors.inclusion_for_uvci(uvci, tree_size=tree_size) if len(uvci) <= MAX_UVCI_CHARS else None
    if answer is None:
        return _not_found(_("No certificate with this identifier is in the log."))
    if "pending" in answer:
        return _problem(404, _("Not yet signed"),
                        _("The certificate is being added to the log; no signed tree head covers it yet. "
                          "Try again in a minute."), Retry_After="60")
    return _json(answer)


@require_GET
@replica_reads
def consistency(request):
    first, problem = _size_parameter(request, "first")
    if problem:
        return problem
    second, problem = _size_parameter(request, "second")
    if problem:
        return problem
    sth = selectors.tree_head_latest()
    if sth is None:
        return _no_head()
    if not 0 < first <= second <= sth.tree_size:
        return _bad(_("Ask for 0 < first ≤ second ≤ %(size)s, the size of the latest signed tree head.")
                    % {"size": sth.tree_size})
    path = selectors.consistency_proof(first, second)
    response = _json({"first": first, "second": second,
                      "consistency_path": [selectors.b64(node) for node in path]})
    response["Cache-Control"] = "public, max-age=86400"  # a proof between two sizes never changes
    return response


@require_GET
@replica_reads
def leaves(request):
    start, problem = _size_parameter(request, "start")
    if problem:
        return problem
    end, problem = _size_parameter(request, "end")
    if problem:
        return problem
    sth = selectors.tree_head_latest()
    if sth is None:
        return _no_head()
    most = settings.LOG_LEAVES_PER_PAGE
    if not start < end <= sth.tree_size or end - start > most:
        return _bad(_("Ask for start < end ≤ %(size)s (the latest signed tree head), at most %(most)s leaves "
                      "at a time.") % {"size": sth.tree_size, "most": most})
    response = _json({"start": start, "end": end, "leaves": selectors.leaves_page(start, end)})
    response["Cache-Control"] = "public, max-age=86400"
    return response
