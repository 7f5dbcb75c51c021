"""The OpenAPI document is valid, covers every API route and matches what the API answers."""

import re

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate
from sqlalchemy import select

from grants.lots.models import Lot
from grants.projects.models import Project
from tests.conftest import DEMO_PASSWORD

IGNORED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    return response.get_json()


def openapi_path(rule: str) -> str:
    """'/api/v1/lots/<int(max=5):lot_id>' -> '/api/v1/lots/{lot_id}'."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


def conforms(document: dict, schema_name: str, instance) -> list[str]:
    """Validation errors of instance against a component schema of the document."""
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in OAS31Validator(schema).iter_errors(instance)
    ]


def test_document_is_valid_openapi(document):
    assert document["openapi"].startswith("3.")
    validate(document)
    schemas = document["components"]["schemas"]
    for name in ("Lot", "LotDetail", "Project", "Error", "TokenRequest", "TokenResponse", "Me"):
        assert name in schemas
    bearer = document["components"]["securitySchemes"]["bearerAuth"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")
    region = query_parameter(document, "/api/v1/lots", "region")
    assert region["schema"]["pattern"] == r"^[0-9]{9}$"


def query_parameter(document: dict, path: str, name: str) -> dict:
    (found,) = [
        p for p in document["paths"][path]["get"]["parameters"] if p["in"] == "query" and p["name"] == name
    ]
    return found


def test_documented_operations_are_exactly_the_routes(app, document):
    """Generated from the routes themselves: every documented method exists and every route is documented."""
    routes = {
        (openapi_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        for method in rule.methods - IGNORED_METHODS
    }
    documented = {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert documented <= routes, documented - routes
    api_routes = {(path, method) for path, method in routes if path.startswith("/api/v1/")}
    assert api_routes - documented == {("/api/v1/openapi.json", "get")}


def test_validation_messages_are_translated(client):
    """Field messages come in the reader's language, marshmallow's own ones included."""
    messages = {}
    for lang in ("en", "ru", "kk"):
        response = client.get(f"/api/v1/lots?year=abc&lang={lang}")
        unknown = client.post(
            f"/api/v1/auth/token?lang={lang}", json={"email": "a@b.kz", "password": "x", "x": 1}
        )
        messages[lang] = (
            response.get_json()["error"]["fields"]["year"],
            unknown.get_json()["error"]["fields"]["x"],
        )
    assert messages["en"] == ("Must be a four-digit year.", "Unknown field.")
    assert len({messages[lang][0] for lang in messages}) == 3
    assert len({messages[lang][1] for lang in messages}) == 3


def test_pages_keep_their_html_error_pages(client):
    """The API framework's JSON error handlers stay out of the pages."""
    page = client.get("/lots/999999999")
    assert page.status_code == 404 and page.mimetype == "text/html"
    api = client.get("/api/v1/lots/999999999")
    assert api.status_code == 404 and set(api.get_json()["error"]) == {"code", "message", "fields"}


def test_every_api_route_is_documented(app, document):
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")]
    assert len(rules) >= 5
    missing = []
    for rule in rules:
        if rule.rule == "/api/v1/openapi.json":
            continue
        operations = document["paths"].get(openapi_path(rule.rule), {})
        missing += [
            f"{method} {rule.rule}"
            for method in rule.methods - IGNORED_METHODS
            if method.lower() not in operations
        ]
    assert not missing, f"not in openapi.json: {missing}"
    assert "get" in document["paths"]["/healthz"]


def test_documented_paths_exist(app, document):
    routes = {openapi_path(rule.rule) for rule in app.url_map.iter_rules()}
    assert set(document["paths"]) <= routes


def test_live_lot_listing_matches_the_schema(client, document):
    body = client.get("/api/v1/lots?per_page=50").get_json()
    assert body["items"], "the demo data has no lots"
    required = document["components"]["schemas"]["Lot"]["required"]
    assert {"id", "title", "title_kk", "budget", "budget_formatted", "region", "url", "html_url"} <= set(
        required
    )
    for item in body["items"]:
        assert not set(required) - set(item), f"lot {item['id']} lacks {set(required) - set(item)}"
    assert conforms(document, "LotPage", body) == []
    assert not set(body["items"][0]) - set(document["components"]["schemas"]["Lot"]["properties"])


def test_live_details_match_the_schemas(client, db, document):
    lot_ids = db.session.scalars(select(Lot.id).where(Lot.id.in_(select(Project.lot_id))).limit(5)).all()
    project_ids = db.session.scalars(select(Project.id).limit(5)).all()
    assert lot_ids and project_ids
    for lot_id in lot_ids:
        assert conforms(document, "LotDetail", client.get(f"/api/v1/lots/{lot_id}").get_json()) == []
    for project_id in project_ids:
        assert conforms(document, "Project", client.get(f"/api/v1/projects/{project_id}").get_json()) == []


def test_live_auth_and_errors_match_the_schemas(client, document):
    token = client.post("/api/v1/auth/token", json={"email": "ngo@example.kz", "password": DEMO_PASSWORD})
    assert conforms(document, "TokenResponse", token.get_json()) == []
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.get_json()['token']}"})
    assert conforms(document, "Me", me.get_json()) == []
    for response in (
        client.get("/api/v1/lots?year=abc"),
        client.get("/api/v1/lots/999999999"),
        client.post("/api/v1/auth/token", json={}),
        client.get("/api/v1/me"),
    ):
        assert response.status_code >= 400
        assert conforms(document, "Error", response.get_json()) == []
    assert conforms(document, "Health", client.get("/healthz").get_json()) == []


def test_a_schema_mismatch_is_detected(document):
    """The helper above really validates: a lot with a float budget fails."""
    assert conforms(document, "Lot", {"id": 1, "budget": 8250000.0})
