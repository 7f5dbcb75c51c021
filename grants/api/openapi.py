"""The OpenAPI 3.1 document of /api/v1 (served at /api/v1/openapi.json), kept as plain Python data.

When an endpoint is added to grants/api/views.py, describe it here: tests/api/test_openapi.py fails
for any API route missing from this document.
"""

from grants.lots.models import LotStatus, Unit
from grants.lots.operations import DEFAULT_SORT, SORTS
from grants.projects.models import ProjectStatus

API_VERSION = "1.0.0"
MONEY_PATTERN = r"^-?\d+\.\d{2}$"
DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
MONEY = {"type": "string", "pattern": MONEY_PATTERN, "description": "Decimal amount in tenge, 2 decimals."}
NULLABLE_MONEY = {"type": ["string", "null"], "pattern": MONEY_PATTERN}
NULLABLE_TEXT = {"type": ["string", "null"]}
PUBLIC_INDEX = {"type": ["string", "null"], "pattern": r"^\d+\.\d$"}
MONEY_LIKE = {"type": "string", "pattern": MONEY_PATTERN, "description": "Decimal, 2 places."}


def ref(name: str, kind: str = "schemas") -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def nullable(name: str) -> dict:
    return {"oneOf": [ref(name), {"type": "null"}]}


def obj(properties: dict, required=None, description: str | None = None) -> dict:
    schema = {"type": "object", "properties": properties, "required": list(required or properties)}
    if description:
        schema["description"] = description
    return schema


def json_content(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def _response(description: str, schema_name: str = "Error") -> dict:
    return {"description": description, "content": json_content(ref(schema_name))}


def _localized_text(field: str, languages=("ru", "kk")) -> dict:
    props = {field: {**NULLABLE_TEXT, "description": f"{field} in the request language (with fallback)."}}
    for lang in languages:
        props[f"{field}_{lang}"] = NULLABLE_TEXT
    return props


def _schemas() -> dict:
    lot_statuses = [s.value for s in LotStatus]
    project_statuses = [s.value for s in ProjectStatus]
    units = [u.value for u in Unit]

    lot_properties = {
        "id": {"type": "integer"},
        "number": {"type": "string"},
        "year": {"type": "integer"},
        "title": {"type": "string", "description": "Title in the request language."},
        "title_ru": {"type": "string"},
        "title_kk": NULLABLE_TEXT,
        "title_en": NULLABLE_TEXT,
        "region": ref("RegionRef"),
        "administrator": ref("OrganisationRef"),
        "sphere": nullable("SphereRef"),
        "budget": MONEY,
        "budget_formatted": {"type": "string", "description": "Budget formatted for the request language."},
        "currency": {"type": "string", "const": "KZT"},
        "status": {"type": "string", "enum": lot_statuses},
        "status_title": {"type": "string"},
        "start_date": NULLABLE_DATE,
        "end_date": NULLABLE_DATE,
        "url": {"type": "string", "description": "Path of this lot in the API."},
        "html_url": {"type": "string", "description": "Path of the lot's page."},
        "latest_index": {
            **PUBLIC_INDEX,
            "description": "Index of the lot's latest published relevance evaluation; null when none is published.",
        },
        "latest_band": nullable("Band"),
    }
    lot_detail_properties = {
        **_localized_text("description"),
        **_localized_text("goal"),
        **_localized_text("tasks"),
        **_localized_text("expected_results"),
        **_localized_text("target_group"),
        "beneficiaries": {"type": ["integer", "null"]},
        "indicators": {"type": "array", "items": ref("LotIndicator")},
        "public_needs": {"type": "array", "items": ref("PublicNeedRef")},
        "projects": {"type": "array", "items": ref("ProjectRef")},
        "results": {
            "type": "array",
            "items": ref("PublishedResult"),
            "description": "Published evaluations of the lot and of its projects, newest first; empty when none "
            "is published. Evaluations not yet published never appear.",
        },
    }
    return {
        "Error": obj(
            {
                "error": obj(
                    {
                        "code": {"type": "string", "examples": ["validation_error", "not_found"]},
                        "message": {
                            "type": "string",
                            "description": "Human-readable, in the request language.",
                        },
                        "fields": {
                            "type": "object",
                            "additionalProperties": {"type": "string"},
                            "description": "Message per invalid field or query parameter.",
                        },
                    }
                )
            }
        ),
        "TokenRequest": obj(
            {
                "email": {"type": "string", "format": "email", "maxLength": 254},
                "password": {"type": "string", "format": "password", "maxLength": 1024},
            }
        ),
        "TokenResponse": obj(
            {
                "token": {"type": "string", "description": "Send as `Authorization: Bearer <token>`."},
                "expires_at": {"type": "string", "format": "date-time"},
            }
        ),
        "Me": obj(
            {
                "id": {"type": "integer"},
                "email": {"type": "string", "format": "email"},
                "full_name": {"type": "string"},
                "roles": {
                    "type": "array",
                    "items": {"type": "string", "enum": ["admin", "ministry", "chair", "member", "ngo"]},
                },
                "organisation": {
                    "oneOf": [
                        obj({"id": {"type": "integer"}, "bin": ref("Bin"), "name": {"type": "string"}}),
                        {"type": "null"},
                    ]
                },
                "language": {"type": ["string", "null"], "enum": ["kk", "ru", "en", None]},
            }
        ),
        "Bin": {"type": "string", "pattern": r"^\d{12}$", "description": "Business identification number."},
        "Kato": {"type": "string", "pattern": r"^\d{9}$", "description": "KATO territorial code."},
        "OrganisationRef": obj({"bin": ref("Bin"), "name": {"type": "string"}}),
        "RegionRef": obj({"kato": ref("Kato"), "name": {"type": "string"}}),
        "SphereRef": obj({"code": {"type": "string"}, "name": {"type": "string"}}),
        "Lot": obj(lot_properties, description="A lot of the state social order."),
        "LotDetail": {
            "allOf": [ref("Lot"), obj(lot_detail_properties)],
            "description": "A lot with its technical specification, public needs and contracts.",
        },
        "LotPage": obj(
            {
                "items": {"type": "array", "items": ref("Lot")},
                "page": {"type": "integer", "minimum": 1},
                "pages": {"type": "integer", "minimum": 0},
                "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
                "total": {"type": "integer", "minimum": 0},
            }
        ),
        "LotIndicator": obj(
            {
                "name": {"type": "string"},
                "unit": {"type": "string", "enum": units},
                "unit_title": {"type": "string"},
                "target": NULLABLE_MONEY,
            }
        ),
        "PublicNeedRef": obj({"id": {"type": "integer"}, "title": {"type": "string"}}),
        "ProjectRef": obj(
            {
                "id": {"type": "integer"},
                "contract_number": {"type": "string"},
                "ngo": ref("OrganisationRef"),
                "amount": MONEY,
                "status": {"type": "string", "enum": project_statuses},
                "url": {"type": "string"},
                "latest_index": {
                    **PUBLIC_INDEX,
                    "description": "Index of the project's latest published effectiveness evaluation, or null.",
                },
                "latest_band": nullable("Band"),
            }
        ),
        "Band": obj({"code": {"type": "string"}, "title": {"type": "string"}}, description="A rating band."),
        "PublishedCriterion": obj(
            {
                "code": {"type": "string"},
                "name": {"type": "string"},
                "weight": MONEY_LIKE,
                "mean": {
                    "type": ["string", "null"],
                    "pattern": r"^\d+\.\d{2}$",
                    "description": "Mean of the counted members' scores, 2 decimals (half up).",
                },
                "sum": {"type": "integer", "description": "The official sum of the members' points."},
                "conclusion": {**NULLABLE_TEXT, "description": "The group's verbal conclusion."},
            }
        ),
        "PublishedResult": obj(
            {
                "id": {"type": "integer", "description": "Id of the evaluation."},
                "evaluation_id": {"type": "integer", "description": "Id of the evaluation (same as id)."},
                "kind": {"type": "string", "enum": ["project", "lot"]},
                "kind_title": {"type": "string"},
                "campaign": obj({"id": {"type": "integer"}, "name": {"type": "string"}}),
                "project": {
                    "oneOf": [
                        obj(
                            {
                                "id": {"type": "integer"},
                                "contract_number": {"type": "string"},
                                "ngo": ref("OrganisationRef"),
                                "url": {"type": "string"},
                            }
                        ),
                        {"type": "null"},
                    ],
                    "description": "The evaluated project; null for a lot's relevance evaluation.",
                },
                "methodology": obj(
                    {"code": {"type": "string"}, "version": {"type": "integer"}, "name": {"type": "string"}}
                ),
                "index": {**PUBLIC_INDEX, "description": "0–100, one decimal (half up)."},
                "band": nullable("Band"),
                "criteria": {"type": "array", "items": ref("PublishedCriterion")},
                "official_total": {"type": "integer", "description": "Sum of all counted points."},
                "findings": NULLABLE_TEXT,
                "recommendations": NULLABLE_TEXT,
                "published_at": {"type": ["string", "null"], "format": "date-time"},
                "reports": {
                    "type": "object",
                    "additionalProperties": obj(
                        {
                            "url": {"type": "string", "description": "Path of the PDF."},
                            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                        }
                    ),
                    "description": "The final report by language (kk, ru, en): the newest issued version.",
                },
            },
            description="A published evaluation as the public sees it: the group's means, sums and conclusions; "
            "never an individual member's scores or the ministry's review comments.",
        ),
        "ProjectIndicator": obj(
            {
                "name": {"type": "string"},
                "unit": {"type": "string", "enum": units},
                "unit_title": {"type": "string"},
                "period_start": NULLABLE_DATE,
                "period_end": NULLABLE_DATE,
                "baseline": NULLABLE_MONEY,
                "target": MONEY,
                "actual": NULLABLE_MONEY,
                "achievement_percent": {
                    "type": ["string", "null"],
                    "pattern": r"^-?\d+\.\d$",
                    "description": "actual / target × 100, one decimal; null until reported.",
                },
            }
        ),
        "Project": obj(
            {
                "id": {"type": "integer"},
                "contract_number": {"type": "string"},
                "contract_date": DATE,
                "amount": MONEY,
                "amount_formatted": {"type": "string"},
                "actual_amount": NULLABLE_MONEY,
                "currency": {"type": "string", "const": "KZT"},
                "start_date": DATE,
                "end_date": DATE,
                "actual_end_date": NULLABLE_DATE,
                "status": {"type": "string", "enum": project_statuses},
                "status_title": {"type": "string"},
                "title": {"type": "string"},
                "lot": obj(
                    {
                        "id": {"type": "integer"},
                        "number": {"type": "string"},
                        "year": {"type": "integer"},
                        "title": {"type": "string"},
                        "url": {"type": "string"},
                    }
                ),
                "ngo": ref("OrganisationRef"),
                "beneficiaries_actual": {"type": ["integer", "null"]},
                "indicators": {"type": "array", "items": ref("ProjectIndicator")},
                "public_needs": {
                    "type": "array",
                    "items": ref("PublicNeedRef"),
                    "description": "Public needs linked to the project's lot.",
                },
                "results": {
                    "type": "array",
                    "items": ref("PublishedResult"),
                    "description": "Published evaluations of the project, newest first; empty when none is published.",
                },
                "url": {"type": "string"},
                "html_url": {"type": "string"},
            },
            description="A contract under which an NGO implements a lot.",
        ),
        "Health": obj(
            {
                "status": {"type": "string", "enum": ["ok", "error"]},
                "database": {"type": "string"},
                "lots": {"type": "integer"},
                "redis": {"type": "string", "description": "Only with REDIS_URL: ok or the error's name."},
                "queues": {
                    "type": "object",
                    "description": "Only with REDIS_URL: per RQ queue, jobs queued, started and failed.",
                    "additionalProperties": obj(
                        {"queued": {"type": "integer"}, "started": {"type": "integer"}, "failed": {"type": "integer"}}
                    ),
                },
            },
            required=["status", "database"],
        ),
    }


def _parameters() -> dict:
    def query(name, schema, description):
        return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}

    def path(name, description):
        return {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
            "description": description,
        }

    return {
        "Lang": query(
            "lang",
            {"type": "string", "enum": ["kk", "ru", "en"]},
            "Language of texts and messages; otherwise Accept-Language, else Russian.",
        ),
        "Year": query("year", {"type": "integer", "minimum": 1000, "maximum": 9999}, "Year of the lot."),
        "Region": query("region", {"type": "string", "pattern": r"^\d{9}$"}, "KATO code of the region."),
        "Administrator": query(
            "administrator", {"type": "string", "pattern": r"^\d{12}$"}, "BIN of the lot's administrator."
        ),
        "Sphere": query(
            "sphere",
            {"type": "string", "pattern": r"^[A-Za-z0-9_.-]{1,40}$"},
            "Code of the sphere (direction).",
        ),
        "Status": query(
            "status", {"type": "string", "enum": [s.value for s in LotStatus]}, "Status of the lot."
        ),
        "Q": query(
            "q",
            {"type": "string", "maxLength": 200},
            "Case-insensitive search in the titles (all languages), number and goal.",
        ),
        "Sort": query(
            "sort",
            {"type": "string", "enum": list(SORTS), "default": DEFAULT_SORT},
            "Order of the lots: number, year, budget, title or index (the latest published relevance index; "
            "lots without one come last); a leading '-' sorts descending. Any other value answers 422.",
        ),
        "Page": query("page", {"type": "integer", "minimum": 1, "default": 1}, "Page number, from 1."),
        "PerPage": query(
            "per_page", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}, "Items per page."
        ),
        "LotId": path("lot_id", "Id of the lot."),
        "ProjectId": path("project_id", "Id of the project."),
    }


def _responses() -> dict:
    return {
        "BadRequest": _response("Bad request, e.g. a missing or invalid CSRF token for a session caller."),
        "Unauthorized": _response("Not authenticated or wrong credentials."),
        "NotFound": _response("No such object."),
        "ValidationError": _response("Invalid input; `error.fields` names each invalid field or parameter."),
        "TooManyRequests": {
            **_response("Too many failed attempts; retry after the number of seconds in Retry-After."),
            "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
        },
    }


def _paths() -> dict:
    lang = ref("Lang", "parameters")
    public = [{}, {"bearerAuth": []}, {"sessionCookie": []}]
    authenticated = [{"bearerAuth": []}, {"sessionCookie": []}]
    return {
        "/api/v1/auth/token": {
            "post": {
                "operationId": "createToken",
                "tags": ["auth"],
                "summary": "Exchange email and password for a bearer token",
                "description": "The same 401 answers an unknown email and a wrong password. After 10 failed "
                "attempts for one email within 15 minutes the endpoint answers 429.",
                "security": [{}],
                "parameters": [lang],
                "requestBody": {"required": True, "content": json_content(ref("TokenRequest"))},
                "responses": {
                    "200": {"description": "A new token.", "content": json_content(ref("TokenResponse"))},
                    "401": ref("Unauthorized", "responses"),
                    "422": ref("ValidationError", "responses"),
                    "429": ref("TooManyRequests", "responses"),
                },
            },
            "delete": {
                "operationId": "revokeToken",
                "tags": ["auth"],
                "summary": "Revoke the bearer token of this request (session callers: every token of the user)",
                "description": "Session callers must send the CSRF token in the X-CSRFToken header.",
                "security": authenticated,
                "parameters": [lang],
                "responses": {
                    "204": {"description": "Revoked."},
                    "400": ref("BadRequest", "responses"),
                    "401": ref("Unauthorized", "responses"),
                },
            },
        },
        "/api/v1/me": {
            "get": {
                "operationId": "getMe",
                "tags": ["auth"],
                "summary": "The authenticated caller",
                "security": authenticated,
                "parameters": [lang],
                "responses": {
                    "200": {"description": "The caller.", "content": json_content(ref("Me"))},
                    "401": ref("Unauthorized", "responses"),
                },
            }
        },
        "/api/v1/lots": {
            "get": {
                "operationId": "listLots",
                "tags": ["lots"],
                "summary": "The lot registry, newest year first (see `sort`)",
                "security": public,
                "parameters": [
                    ref(name, "parameters")
                    for name in (
                        "Year",
                        "Region",
                        "Administrator",
                        "Sphere",
                        "Status",
                        "Q",
                        "Sort",
                        "Page",
                        "PerPage",
                        "Lang",
                    )
                ],
                "responses": {
                    "200": {"description": "One page of lots.", "content": json_content(ref("LotPage"))},
                    "422": ref("ValidationError", "responses"),
                },
            }
        },
        "/api/v1/lots/{lot_id}": {
            "get": {
                "operationId": "getLot",
                "tags": ["lots"],
                "summary": "A lot with its specification, public needs and contracts",
                "security": public,
                "parameters": [ref("LotId", "parameters"), lang],
                "responses": {
                    "200": {"description": "The lot.", "content": json_content(ref("LotDetail"))},
                    "404": ref("NotFound", "responses"),
                },
            }
        },
        "/api/v1/projects/{project_id}": {
            "get": {
                "operationId": "getProject",
                "tags": ["projects"],
                "summary": "A project (contract) with its result indicators",
                "security": public,
                "parameters": [ref("ProjectId", "parameters"), lang],
                "responses": {
                    "200": {"description": "The project.", "content": json_content(ref("Project"))},
                    "404": ref("NotFound", "responses"),
                },
            }
        },
        "/api/v1/openapi.json": {
            "get": {
                "operationId": "getOpenApi",
                "tags": ["meta"],
                "summary": "This document",
                "security": [{}],
                "responses": {
                    "200": {
                        "description": "The OpenAPI document.",
                        "content": json_content({"type": "object"}),
                    }
                },
            }
        },
        "/healthz": {
            "get": {
                "operationId": "health",
                "tags": ["meta"],
                "summary": "Liveness: database, and with REDIS_URL Redis and the job queues",
                "security": [{}],
                "responses": {
                    "200": {"description": "Healthy.", "content": json_content(ref("Health"))},
                    "503": {
                        "description": "The database, or a configured Redis, does not answer.",
                        "content": json_content(ref("Health")),
                    },
                },
            }
        },
    }


def _package_paths() -> dict:
    from grants.opendata import openapi as opendata
    from grants.portal import openapi as portal
    from grants.replies import openapi as replies

    return {**portal.paths(), **replies.paths(), **opendata.paths()}


def _package_schemas() -> dict:
    from grants.opendata import openapi as opendata
    from grants.portal import openapi as portal
    from grants.replies import openapi as replies

    return {**portal.schemas(), **replies.schemas(), **opendata.schemas()}


def build_document() -> dict:
    """The OpenAPI document, built afresh on each call (callers may modify it)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Grants monitoring API",
            "version": API_VERSION,
            "description": "Lots and projects of Kazakhstan's state social order and their joint "
            'public-council evaluation. Errors are `{"error": {"code", "message", "fields"}}`; '
            "money is a decimal string in tenge; texts follow `?lang=kk|ru|en` or Accept-Language.",
        },
        "servers": [{"url": "/"}],
        "tags": [
            {"name": "auth", "description": "Tokens and the caller"},
            {"name": "lots", "description": "The lot registry"},
            {"name": "projects", "description": "Contracts and their results"},
            {
                "name": "evaluations",
                "description": "Scoring by monitoring groups and the chair's consolidation",
            },
            {
                "name": "reports",
                "description": "The ministry's review, publication, issued PDFs and their verification",
            },
            {"name": "replies", "description": "The NGO's right of reply and the chair's rulings"},
            {"name": "opendata", "description": "Open data exports of public data only (CSV, OCDS JSON)"},
            {"name": "meta", "description": "Service metadata"},
        ],
        "security": [{}, {"bearerAuth": []}, {"sessionCookie": []}],
        "paths": {**_paths(), **_evaluation_paths(), **_report_paths(), **_package_paths()},
        "components": {
            "schemas": {**_schemas(), **_evaluation_schemas(), **_report_schemas(), **_package_schemas()},
            "parameters": {**_parameters(), **_evaluation_parameters(), **_report_parameters()},
            "responses": {**_responses(), **_evaluation_responses()},
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from POST /api/v1/auth/token.",
                },
                "sessionCookie": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "session",
                    "description": "The browser session; writes also need the X-CSRFToken header.",
                },
            },
        },
    }


# --- evaluations (grants/api/evaluations.py) ----------------------------------------------------

EVALUATION_STATES = ["draft", "scoring", "consolidation", "in_review", "returned", "accepted", "published"]
SCORECARD_STATUSES = ["not_declared", "draft", "submitted", "not_submitted", "recused"]
NULLABLE_DATETIME = {"type": ["string", "null"], "format": "date-time"}
DECIMAL_2 = {"type": "string", "pattern": r"^\d+\.\d{2}$"}
INDEX = {"type": ["string", "null"], "pattern": r"^\d+\.\d$", "description": "0–100, one decimal (half up)."}
TEXT_BY_CODE = {
    "type": "object",
    "additionalProperties": NULLABLE_TEXT,
    "description": "Text per criterion code.",
}


def _evaluation_schemas() -> dict:
    score_entry = obj({"score": {"type": ["integer", "null"]}, "comment": NULLABLE_TEXT})
    scores = {
        "type": "object",
        "additionalProperties": ref("ScoreEntry"),
        "description": "By criterion code.",
    }
    summary = {
        "id": {"type": "integer"},
        "kind": {"type": "string", "enum": ["project", "lot"]},
        "state": {"type": "string", "enum": EVALUATION_STATES},
        "state_title": {"type": "string"},
        "deadline": DATE,
        "title": {"type": "string"},
        "campaign": ref("NamedRef"),
        "group": ref("NamedRef"),
        "url": {"type": "string"},
    }
    detail = {
        **{k: v for k, v in summary.items() if k != "group"},
        "group": obj(
            {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "chair": nullable("Person"),
                "members": {"type": "array", "items": ref("Person")},
            }
        ),
        "subject": {"oneOf": [ref("ProjectSubject"), ref("LotSubject")]},
        "methodology": ref("Methodology"),
        "scoring_closed_at": NULLABLE_DATETIME,
        "finalized_at": NULLABLE_DATETIME,
        "my_scorecard": nullable("Scorecard"),
        "permissions": obj(
            {
                "score": {"type": "boolean"},
                "chair": {"type": "boolean"},
                "consolidate": {"type": "boolean"},
                "edit_needs": {"type": "boolean"},
            }
        ),
    }
    scores_part = {
        "aggregates": {"type": "object", "additionalProperties": ref("CriterionAggregate")},
        "index": INDEX,
        "band": NULLABLE_TEXT,
        "band_title": NULLABLE_TEXT,
        "official_total": {"type": "integer", "description": "The official sum of all members' points."},
        "quorum": {"type": "integer"},
        "quorum_met": {"type": "boolean"},
        "submitted": {"type": "integer", "description": "Scorecards that count (submitted, not recused)."},
        "recused": {"type": "integer"},
        "scorecards": {"type": "array", "items": ref("MemberScorecard")},
    }
    consolidation_part = {
        "conclusions": TEXT_BY_CODE,
        "consensus_notes": TEXT_BY_CODE,
        "findings": NULLABLE_TEXT,
        "recommendations": NULLABLE_TEXT,
    }
    consolidation_request = {
        "conclusions": {**TEXT_BY_CODE, "description": "The group's verbal conclusion per criterion."},
        "consensus_notes": {**TEXT_BY_CODE, "description": "Needed for every flagged criterion."},
        "findings": {"type": ["string", "null"], "maxLength": 20000},
        "recommendations": {"type": ["string", "null"], "maxLength": 20000},
    }
    return {
        "NamedRef": obj({"id": {"type": "integer"}, "name": {"type": "string"}}),
        "Person": obj({"id": {"type": "integer"}, "full_name": {"type": "string"}}),
        "ScoreEntry": score_entry,
        "EvaluationSummary": obj(
            {
                **summary,
                "scorecard_status": {
                    "type": ["string", "null"],
                    "enum": [*SCORECARD_STATUSES, None],
                    "description": "The caller's scorecard; null when the caller is not in the group.",
                },
            }
        ),
        "EvaluationPage": obj(
            {
                "items": {"type": "array", "items": ref("EvaluationSummary")},
                "page": {"type": "integer", "minimum": 1},
                "pages": {"type": "integer", "minimum": 0},
                "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
                "total": {"type": "integer", "minimum": 0},
            }
        ),
        "Criterion": obj(
            {
                "code": {"type": "string"},
                "name": {"type": "string"},
                "short": {"type": "string"},
                "weight": DECIMAL_2,
                "descriptors": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": 'Anchor descriptors by score level ("1", "3", "5").',
                },
            }
        ),
        "Methodology": obj(
            {
                "id": {"type": "integer"},
                "code": {"type": "string"},
                "version": {"type": "integer"},
                "kind": {"type": "string", "enum": ["project", "lot"]},
                "name": {"type": "string"},
                "scale_min": {"type": "integer"},
                "scale_max": {"type": "integer"},
                "quorum": {"type": "integer"},
                "disagreement_threshold": {"type": "integer"},
                "comment_required_scores": {"type": "array", "items": {"type": "integer"}},
                "criteria": {"type": "array", "items": ref("Criterion")},
                "bands": {
                    "type": "array",
                    "items": obj({"min": DECIMAL_2, "code": {"type": "string"}, "title": {"type": "string"}}),
                },
            }
        ),
        "ProjectSubject": obj(
            {
                "id": {"type": "integer"},
                "contract_number": {"type": "string"},
                "title": {"type": "string"},
                "ngo": ref("OrganisationRef"),
                "lot": obj(
                    {
                        "id": {"type": "integer"},
                        "number": {"type": "string"},
                        "year": {"type": "integer"},
                        "title": {"type": "string"},
                    }
                ),
                "url": {"type": "string"},
            }
        ),
        "LinkedNeed": obj({"id": {"type": "integer"}, "title": {"type": "string"}, "reason": NULLABLE_TEXT}),
        "LotSubject": obj(
            {
                "id": {"type": "integer"},
                "number": {"type": "string"},
                "year": {"type": "integer"},
                "title": {"type": "string"},
                "public_needs": {"type": "array", "items": ref("LinkedNeed")},
                "url": {"type": "string"},
            }
        ),
        "Scorecard": obj(
            {
                "member": ref("Person"),
                "status": {"type": "string", "enum": SCORECARD_STATUSES},
                "conflict_of_interest": {"type": ["boolean", "null"], "description": "null until declared."},
                "conflict_note": NULLABLE_TEXT,
                "declared_at": NULLABLE_DATETIME,
                "recused": {"type": "boolean"},
                "recusal_reason": {"type": ["string", "null"], "enum": ["declared", "affiliation", None]},
                "recusal_reason_title": NULLABLE_TEXT,
                "submitted_at": NULLABLE_DATETIME,
                "reopened_at": NULLABLE_DATETIME,
                "scores": scores,
            },
            description="The caller's own scorecard, drafts included.",
        ),
        "MemberScorecard": obj(
            {
                "member": ref("Person"),
                "status": {"type": "string", "enum": SCORECARD_STATUSES},
                "submitted": {"type": "boolean"},
                "submitted_at": NULLABLE_DATETIME,
                "recused": {"type": "boolean"},
                "scores": {**scores, "description": "Empty unless submitted and not recused."},
            },
            description="Another member's scorecard; drafts are never shown.",
        ),
        "CriterionAggregate": obj(
            {
                "mean": {"type": ["string", "null"], "pattern": r"^\d+\.\d{2}$"},
                "total": {"type": "integer"},
                "min": {"type": ["integer", "null"]},
                "max": {"type": ["integer", "null"]},
                "n": {"type": "integer"},
                "flagged": {
                    "type": "boolean",
                    "description": "max − min reaches the disagreement threshold.",
                },
            }
        ),
        "Evaluation": obj(
            {**detail, **scores_part, **consolidation_part},
            required=list(detail),
            description="An evaluation as the caller may see it. The score fields appear only when the caller "
            "may see others' scores: a member once they submitted their own or scoring closed (never when "
            "recused), staff outside the group from review on. The consolidation fields appear with them "
            "once scoring has closed.",
        ),
        "ScorecardRequest": obj(
            {
                "conflict_of_interest": {
                    "type": "boolean",
                    "description": "Required until declared; true recuses the caller (scores are then ignored).",
                },
                "conflict_note": {"type": ["string", "null"], "maxLength": 5000},
                "scores": {
                    "type": "object",
                    "additionalProperties": obj(
                        {
                            "score": {"type": ["integer", "null"]},
                            "comment": {"type": ["string", "null"], "maxLength": 5000},
                        },
                        required=[],
                    ),
                },
            },
            required=[],
        ),
        "ConsolidationRequest": obj(consolidation_request, required=[]),
        "ReasonRequest": obj({"reason": {"type": "string", "maxLength": 2000}}),
        "NeedLinkRequest": obj(
            {"need_id": {"type": "integer", "minimum": 1}, "reason": {"type": "string", "maxLength": 2000}}
        ),
        "LotNeeds": obj(
            {"lot_id": {"type": "integer"}, "public_needs": {"type": "array", "items": ref("LinkedNeed")}}
        ),
    }


def _evaluation_parameters() -> dict:
    def path(name, description):
        return {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
            "description": description,
        }

    def query(name, schema, description):
        return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}

    return {
        "EvaluationId": path("evaluation_id", "Id of the evaluation."),
        "MemberId": path("member_id", "User id of the group member whose scorecard it is."),
        "NeedId": path("need_id", "Id of the public need."),
        "Mine": query(
            "mine",
            {"type": "string", "enum": ["1", "0", "true", "false"]},
            "1: only evaluations of the groups the caller sits in (not drafts).",
        ),
        "EvaluationState": query("state", {"type": "string", "enum": EVALUATION_STATES}, "State."),
        "EvaluationKind": query("kind", {"type": "string", "enum": ["project", "lot"]}, "Kind of subject."),
        "CampaignFilter": query("campaign", {"type": "integer", "minimum": 1}, "Id of the campaign."),
    }


def _evaluation_responses() -> dict:
    return {
        "Forbidden": _response("Not allowed: e.g. not the chair, not a member of the group, or recused."),
        "Conflict": _response(
            "Not in this state (code `conflict`), or `quorum_not_met` / `consensus_missing`; "
            "`error.fields` names each flagged criterion (consensus_notes.<code>)."
        ),
    }


def _evaluation_paths() -> dict:
    authenticated = [{"bearerAuth": []}, {"sessionCookie": []}]
    lang = ref("Lang", "parameters")
    eid = ref("EvaluationId", "parameters")

    def errors(*codes):
        names = {
            "400": "BadRequest",
            "401": "Unauthorized",
            "403": "Forbidden",
            "404": "NotFound",
            "409": "Conflict",
            "422": "ValidationError",
        }
        return {code: ref(names[code], "responses") for code in codes}

    def operation(
        operation_id, summary, description, schema, request=None, params=(), codes=(), status="200"
    ):
        op = {
            "operationId": operation_id,
            "tags": ["evaluations"],
            "summary": summary,
            "description": description,
            "security": authenticated,
            "parameters": [eid, *params, lang],
            "responses": {
                status: {"description": "Done.", "content": json_content(ref(schema))},
                **errors("400", "404", *codes),
            },
        }
        if request:
            op["requestBody"] = {"required": True, "content": json_content(ref(request))}
        return op

    private = "Answers 404 to anyone who may not view the evaluation (its existence is private)."
    return {
        "/api/v1/evaluations": {
            "get": {
                "operationId": "listEvaluations",
                "tags": ["evaluations"],
                "summary": "Evaluations the caller may view, by deadline",
                "description": "Group members see their groups' evaluations, ministry staff those of their "
                "organisation's campaigns, admins all. With mine=1 each item carries the caller's scorecard "
                "status.",
                "security": authenticated,
                "parameters": [
                    ref(name, "parameters")
                    for name in (
                        "Mine",
                        "EvaluationState",
                        "EvaluationKind",
                        "CampaignFilter",
                        "Page",
                        "PerPage",
                    )
                ]
                + [lang],
                "responses": {
                    "200": {"description": "One page.", "content": json_content(ref("EvaluationPage"))},
                    **errors("401", "422"),
                },
            }
        },
        "/api/v1/evaluations/{evaluation_id}": {
            "get": {
                "operationId": "getEvaluation",
                "tags": ["evaluations"],
                "summary": "An evaluation: methodology, state, the caller's scorecard and, when allowed, scores",
                "description": f"{private} Opening it creates a member's scorecard, which recuses a member "
                "affiliated with the NGO at once. After the deadline an evaluation whose quorum is met moves to "
                "consolidation.",
                "security": authenticated,
                "parameters": [eid, lang],
                "responses": {
                    "200": {"description": "The evaluation.", "content": json_content(ref("Evaluation"))},
                    **errors("404"),
                },
            }
        },
        "/api/v1/evaluations/{evaluation_id}/scorecard": {
            "put": operation(
                "saveScorecard",
                "Declare a conflict of interest (or its absence) and save draft scores",
                f"{private} conflict_of_interest is required until declared; true recuses the caller and "
                "the answer is the recused scorecard. Scores are checked for codes and scale "
                "(fields like scores.relevance.score), not for completeness.",
                "Scorecard",
                request="ScorecardRequest",
                codes=("403", "409", "422"),
            )
        },
        "/api/v1/evaluations/{evaluation_id}/scorecard/submit": {
            "post": operation(
                "submitScorecard",
                "Submit the caller's scorecard (locks it)",
                f"{private} 422 names every missing score and every 0/1/5 without a comment.",
                "Scorecard",
                codes=("403", "409", "422"),
            )
        },
        "/api/v1/evaluations/{evaluation_id}/close-scoring": {
            "post": operation(
                "closeScoring",
                "Close scoring (chair) once the quorum is met",
                f"{private} 409 with code quorum_not_met before the quorum.",
                "Evaluation",
                codes=("403", "409"),
            )
        },
        "/api/v1/evaluations/{evaluation_id}/scorecards/{member_id}/reopen": {
            "post": operation(
                "reopenScorecard",
                "Reopen a member's submitted scorecard (chair), with a reason",
                f"{private} Brings the evaluation back to scoring; the reason is audited.",
                "Scorecard",
                request="ReasonRequest",
                params=(ref("MemberId", "parameters"),),
                codes=("403", "409", "422"),
            )
        },
        "/api/v1/evaluations/{evaluation_id}/consolidation": {
            "put": operation(
                "saveConsolidation",
                "Save the chair's draft conclusions, consensus notes, findings and recommendations",
                f"{private} Only in consolidation (or returned).",
                "Evaluation",
                request="ConsolidationRequest",
                codes=("403", "409", "422"),
            )
        },
        "/api/v1/evaluations/{evaluation_id}/finalize": {
            "post": operation(
                "finalizeEvaluation",
                "Finalize (chair): close scoring if open, fix index and band, send for review",
                f"{private} 409 quorum_not_met, or consensus_missing with consensus_notes.<code> in fields "
                "for each flagged criterion; 422 when a conclusion, the findings or the recommendations are "
                "missing.",
                "Evaluation",
                request="ConsolidationRequest",
                codes=("403", "409", "422"),
            )
        },
        "/api/v1/evaluations/{evaluation_id}/needs": {
            "post": operation(
                "linkNeed",
                "Link a public need to the evaluated lot (group members), with a reason",
                f"{private} Lot relevance evaluations only (409 otherwise); audited.",
                "LotNeeds",
                request="NeedLinkRequest",
                codes=("403", "409", "422"),
            )
        },
        "/api/v1/evaluations/{evaluation_id}/needs/{need_id}": {
            "delete": operation(
                "unlinkNeed",
                "Unlink a public need from the evaluated lot (group members), with a reason",
                f"{private} The reason comes in the JSON body (or ?reason=); audited.",
                "LotNeeds",
                request="ReasonRequest",
                params=(ref("NeedId", "parameters"),),
                codes=("403", "409", "422"),
            )
        },
    }


# --- review, publication and reports (grants/api/reports.py, grants/reports/views.py) ----------

REPORT_LANGS = ["kk", "ru", "en"]
SHA256 = {"type": "string", "pattern": r"^[0-9a-f]{64}$"}


def _report_schemas() -> dict:
    return {
        "ReviewRequest": obj(
            {
                "decision": {"type": "string", "enum": ["accept", "return"]},
                "comment": {
                    "type": ["string", "null"],
                    "maxLength": 5000,
                    "description": "Required when returning: what the group must revise.",
                },
            },
            required=["decision"],
        ),
        "ReviewDecision": obj(
            {
                "decision": {"type": "string", "enum": ["accept", "return"]},
                "comment": NULLABLE_TEXT,
                "reviewer": ref("Person"),
                "decided_at": {"type": "string", "format": "date-time"},
                "report_version": {
                    "type": ["integer", "null"],
                    "description": "The draft version the decision was taken on.",
                },
            }
        ),
        "Report": obj(
            {
                "id": {"type": "integer"},
                "kind": {"type": "string", "enum": ["draft", "final"]},
                "version": {"type": "integer", "minimum": 1},
                "lang": {"type": "string", "enum": REPORT_LANGS},
                "sha256": {
                    "type": ["string", "null"],
                    "pattern": SHA256["pattern"],
                    "description": "SHA-256 of the PDF file; null while the PDF is being prepared.",
                },
                "status": {
                    "type": "string",
                    "enum": ["pending", "ready", "failed"],
                    "description": "The PDF is rendered after the decision commits: pending until it exists.",
                },
                "fingerprint": {
                    **SHA256,
                    "description": "The verification code printed in the PDF and its QR code.",
                },
                "size": {"type": ["integer", "null"], "description": "Bytes; null while being prepared."},
                "issued_at": {"type": "string", "format": "date-time"},
                "url": {
                    "type": "string",
                    "description": "Path of the PDF (the stored bytes, never re-rendered); 409 while being prepared.",
                },
                "verify_url": {"type": "string", "description": "Path of the public verification page."},
            },
            description="An issued PDF report; it never changes.",
        ),
        "ReviewedEvaluation": {
            "allOf": [
                ref("Evaluation"),
                obj(
                    {
                        "reviews": {"type": "array", "items": ref("ReviewDecision")},
                        "reports": {
                            "type": "array",
                            "items": ref("Report"),
                            "description": "Every issued report the caller may read, newest version first.",
                        },
                    }
                ),
            ],
            "description": "The evaluation after the ministry's decision, with its decisions and reports.",
        },
        "Verification": obj(
            {
                "found": {"type": "boolean"},
                "message": {"type": "string"},
                "matched": {"type": "string", "enum": ["sha256", "fingerprint"]},
                "kind": {"type": "string", "enum": ["draft", "final"]},
                "version": {"type": "integer"},
                "lang": {"type": "string", "enum": REPORT_LANGS},
                "evaluation_kind": {"type": "string", "enum": ["project", "lot"]},
                "subject": {"type": "string"},
                "lot": obj({"number": {"type": "string"}, "year": {"type": "integer"}}),
                "ngo": nullable("OrganisationRef"),
                "campaign": {"type": "string"},
                "group": {"type": "string"},
                "issued_at": {"type": "string", "format": "date-time"},
                "issued_by": NULLABLE_TEXT,
                "sha256": SHA256,
                "fingerprint": SHA256,
                "newer_version_exists": {"type": "boolean"},
                "published": {"type": "boolean"},
                "newest_final_url": {
                    **NULLABLE_TEXT,
                    "description": "Newest public final report, when newer.",
                },
                "index": {**INDEX, "description": "Only for the final report of a published evaluation."},
                "band": NULLABLE_TEXT,
            },
            required=["found"],
            description="What the public may learn about an issued report; no scores of drafts or unpublished ones.",
        ),
    }


def _report_parameters() -> dict:
    return {
        "ReportLang": {
            "name": "lang",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "enum": REPORT_LANGS, "default": "ru"},
            "description": "Language of the report (and of error messages); 422 for any other value.",
        },
        "VerificationValue": {
            "name": "value",
            "in": "path",
            "required": True,
            "schema": {"type": "string"},
            "description": "The PDF file's SHA-256 or the verification code printed in it (64 hex digits).",
        },
    }


def _report_paths() -> dict:
    authenticated = [{"bearerAuth": []}, {"sessionCookie": []}]
    public = [{}, {"bearerAuth": []}, {"sessionCookie": []}]
    lang = ref("Lang", "parameters")
    eid = ref("EvaluationId", "parameters")
    private = "Answers 404 to anyone who may not view the evaluation, 403 to viewers who are not staff of the campaign's organiser."

    def decision(operation_id, summary, description, request=None):
        op = {
            "operationId": operation_id,
            "tags": ["reports"],
            "summary": summary,
            "description": f"{private} {description}",
            "security": authenticated,
            "parameters": [eid, lang],
            "responses": {
                "200": {"description": "Done.", "content": json_content(ref("ReviewedEvaluation"))},
                **{
                    code: ref(name, "responses")
                    for code, name in (
                        ("400", "BadRequest"),
                        ("403", "Forbidden"),
                        ("404", "NotFound"),
                        ("409", "Conflict"),
                        ("422", "ValidationError"),
                    )
                },
            },
        }
        if request:
            op["requestBody"] = {"required": True, "content": json_content(ref(request))}
        return op

    pdf = {"application/pdf": {"schema": {"type": "string", "contentMediaType": "application/pdf"}}}
    return {
        "/api/v1/evaluations/{evaluation_id}/review": {
            "post": decision(
                "reviewEvaluation",
                "Accept the evaluation (the final report is issued) or return it to the chair with a comment",
                "409 unless in review; 422 for a decision other than accept/return or a return without a "
                "comment. Audited as evaluation.accept / evaluation.return (and report.issue_final).",
                request="ReviewRequest",
            )
        },
        "/api/v1/evaluations/{evaluation_id}/publish": {
            "post": decision(
                "publishEvaluation",
                "Publish an accepted evaluation: its result and final report become public",
                "409 unless accepted. Audited as evaluation.publish.",
            )
        },
        "/api/v1/evaluations/{evaluation_id}/report.pdf": {
            "get": {
                "operationId": "getEvaluationReport",
                "tags": ["reports"],
                "summary": "The newest issued report of the evaluation in a language, as stored",
                "description": "Drafts and unpublished reports for those who may see the evaluation's scores; "
                "the final reports of a published evaluation for everybody. Anyone else gets 404, as does a "
                "language in which nothing was issued. The ETag is the file's SHA-256.",
                "security": public,
                "parameters": [eid, ref("ReportLang", "parameters")],
                "responses": {
                    "200": {
                        "description": "The PDF.",
                        "content": pdf,
                        "headers": {
                            "ETag": {"schema": {"type": "string"}, "description": "The quoted SHA-256."},
                            "Content-Disposition": {"schema": {"type": "string"}},
                        },
                    },
                    "304": {"description": "Not modified (If-None-Match)."},
                    "404": ref("NotFound", "responses"),
                    "422": ref("ValidationError", "responses"),
                },
            }
        },
        "/verify/{value}": {
            "get": {
                "operationId": "verifyReport",
                "tags": ["reports"],
                "summary": "Public verification of an issued report by its SHA-256 or printed code",
                "description": "An HTML page; JSON when the Accept header prefers application/json. Says what "
                "the report is and whether a newer version exists; 404 when no such report was issued here.",
                "security": [{}],
                "parameters": [ref("VerificationValue", "parameters")],
                "responses": {
                    "200": {
                        "description": "Issued by this service.",
                        "content": {
                            **json_content(ref("Verification")),
                            "text/html": {"schema": {"type": "string"}},
                        },
                    },
                    "404": {
                        "description": "No report with this code was issued by this service.",
                        "content": {
                            **json_content(ref("Verification")),
                            "text/html": {"schema": {"type": "string"}},
                        },
                    },
                },
            }
        },
    }
