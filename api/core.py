"""The /api/v1/ instance: device-token auth, problem details, docs served from our own static files."""
import copy

from django.conf import settings
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase
from ninja.security import HttpBearer

from citizens.services.devices import device_token_user

from . import problems

# Statuses any operation may answer with besides its own; the document says so, so clients (and schemathesis)
# know every answer's shape.
COMMON_PROBLEMS = (400, 401, 404, 405, 422, 429)


class DeviceBearer(HttpBearer):
    def authenticate(self, request, token):
        user = device_token_user(token)
        if user is not None:
            request.user = user
        return user


class OwnDocs(DocsBase):
    """Swagger UI from ninja's vendored files and a static start script: no CDN, no inline script."""

    def render_page(self, request, api, **kwargs):
        return render(request, "api/docs.html", {"api": api, "openapi_url": self.get_openapi_url(api, kwargs)})


class Api(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        problem_ref = {"$ref": "#/components/schemas/Problem"}
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = copy.deepcopy(
            problems.Problem.model_json_schema())
        schema["components"].setdefault("securitySchemes", {})
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                responses = operation.setdefault("responses", {})
                for status in COMMON_PROBLEMS:
                    responses.setdefault(str(status), {"description": "Problem"})
                for status, response in responses.items():
                    if int(status) >= 400:
                        response["content"] = {problems.PROBLEM_CONTENT_TYPE: {"schema": problem_ref}}
        return schema


api = Api(
    title="Sổ sức khỏe điện tử API", version="1.0.0", urls_namespace="api",
    description="The citizen's electronic health book for the phone app. Sign in for a device token, then send "
                "Authorization: Bearer <token>. Errors are RFC 9457 problem details in the language of "
                "Accept-Language (Vietnamese unless English is asked for).",
    auth=DeviceBearer(), docs=OwnDocs(), docs_url="/docs/", openapi_url="/openapi.json",
)
problems.install(api)


def paginate(queryset, *, limit: int, offset: int) -> dict:
    """limit/offset with an explicit ceiling (API_PAGE_MAX); `count` is the whole list's length."""
    limit = max(1, min(limit, settings.API_PAGE_MAX))
    offset = max(0, offset)
    return {"count": queryset.count(), "limit": limit, "offset": offset,
            "items": list(queryset[offset:offset + limit])}
