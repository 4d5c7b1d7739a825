"""The API's frame: the OpenAPI document, docs without a CDN or inline script, errors as problem details."""
import re


def test_openapi_document_is_openapi_3_and_documents_problem_details(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    person = schema["paths"]["/api/v1/people/{person_id}"]["get"]
    assert "application/problem+json" in person["responses"]["404"]["content"]
    assert schema["components"]["securitySchemes"]["DeviceBearer"]["scheme"] == "bearer"


def test_docs_page_loads_swagger_from_our_own_static_files_without_inline_script(client, db):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and all('src="/static/' in tag for tag in scripts), scripts
    assert "cdn" not in page.lower() and "https://" not in page
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    from django.contrib.staticfiles import finders
    assert finders.find("ninja/swagger-ui-bundle.js") and finders.find("js/api-docs.js")


def test_unknown_object_is_a_problem_in_vietnamese_by_default(client, auth):
    response = client.get("/api/v1/people/999999", **auth)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 404 and body["type"].endswith("/not-found")
    assert body["title"] == "Không tìm thấy."
    assert "không phải của bạn" in body["detail"]


def test_accept_language_english_gets_english_problems(client, auth):
    body = client.get("/api/v1/people/999999", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8", **auth).json()
    assert body["title"] == "Not found."


def test_no_token_or_a_made_up_one_is_401_with_a_bearer_challenge(client, db):
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer ssk_made-up"}):
        response = client.get("/api/v1/me", **headers)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["detail"].startswith("Gửi mã thiết bị hợp lệ")


def test_a_wrong_body_names_the_field(client, auth):
    response = client.post("/api/v1/declarations", data={"person_id": "x"}, content_type="application/json", **auth)
    assert response.status_code == 422
    body = response.json()
    assert set(body["errors"]) >= {"person_id", "contact_confirmed"}
    assert "person_id" in body["detail"]
