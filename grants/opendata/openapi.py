"""OpenAPI paths and schemas of this package, merged into /api/v1/openapi.json by grants.api.openapi."""

from grants.api.openapi import json_content, obj, ref
from grants.lots.models import LotStatus, Unit
from grants.projects.models import ProjectStatus

FILTERS = ("Year", "Region", "Administrator", "Sphere", "Status", "Q", "Lang")
NUMBER = {"type": "number"}
NULLABLE_NUMBER = {"type": ["number", "null"]}
TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}
DATE_TIME = {"type": "string", "format": "date-time"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
VALUE = {"$ref": "#/components/schemas/OcdsValue"}


def _optional(properties: dict) -> dict:
    """An object whose members may be absent (empty members are left out, as OCDS asks)."""
    return {"type": "object", "properties": properties}


def _filter_parameters() -> list[dict]:
    return [ref(name, "parameters") for name in FILTERS]


def _file(operation_id: str, tag: str, summary: str, description: str, mimetype: str, filename: str) -> dict:
    return {
        "get": {
            "operationId": operation_id,
            "tags": [tag],
            "summary": summary,
            "description": description,
            "security": [{}],
            "parameters": _filter_parameters(),
            "responses": {
                "200": {
                    "description": f"The whole file (`{filename}`), as an attachment.",
                    "content": {mimetype: {"schema": {"type": "string", "contentMediaType": mimetype}}},
                    "headers": {
                        "Content-Disposition": {
                            "schema": {"type": "string"},
                            "description": f'attachment; filename="{filename}"',
                        }
                    },
                },
                "422": ref("ValidationError", "responses"),
            },
        }
    }


CSV_RULES = (
    "Public data only: the index and band are those of the latest *published* evaluation, empty "
    "otherwise. UTF-8 with a BOM, `;` as delimiter, CRLF line ends, RFC 4180 quoting; the header row is in "
    "the request language (`lang` or Accept-Language). Money has two decimals and a dot (`12500000.00`), "
    "dates are ISO 8601 (`2025-03-01`); a text cell starting with `=`, `+`, `-`, `@`, a tab or CR is "
    "prefixed with `'` so that no spreadsheet evaluates it. Same filters (and 422s) as GET /api/v1/lots, "
    "without paging. Columns are listed in the README (Open data)."
)
XLSX_RULES = (
    "The same rows and headers as the CSV in one sheet, numbers as numbers and dates as dates; text cells "
    "are neutralised as in the CSV and stored as text, never as formulas. Errors of this page download are "
    "HTML pages (422 for a bad filter)."
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def paths() -> dict:
    return {
        "/api/v1/export/lots.csv": _file(
            "exportLotsCsv",
            "opendata",
            "The lot registry as CSV, with the latest published relevance index and band",
            CSV_RULES,
            "text/csv",
            "lots.csv",
        ),
        "/api/v1/export/projects.csv": _file(
            "exportProjectsCsv",
            "opendata",
            "Projects (contracts) of the selected lots as CSV, with the latest published effectiveness "
            "index and band",
            CSV_RULES + " The filters select lots; every project of a selected lot is listed.",
            "text/csv",
            "projects.csv",
        ),
        "/export/lots.xlsx": _file(
            "exportLotsXlsx",
            "opendata",
            "The lot export as an Excel workbook (the registry page's download button)",
            XLSX_RULES,
            XLSX,
            "lots.xlsx",
        ),
        "/export/projects.xlsx": _file(
            "exportProjectsXlsx",
            "opendata",
            "The project export as an Excel workbook",
            XLSX_RULES,
            XLSX,
            "projects.xlsx",
        ),
        "/api/v1/export/results.json": {
            "get": {
                "operationId": "exportResultsJson",
                "tags": ["opendata"],
                "summary": "Lots, awards and contracts as an OCDS 1.1 release package, with published "
                "evaluation results",
                "description": "One compiled release per selected lot (ocid `ocds-grantskz-<lot id>`): the lot "
                "is the tender, each contract is an award and a contract whose supplier is the NGO (identifier "
                "scheme KZ-BIN), with IATI-style indicators (baseline, target, actual). Published evaluations "
                "only are added under `grantskz_evaluations`: on the release for lot relevance, on each contract "
                "for project effectiveness; an unpublished evaluation appears nowhere. Amounts are JSON numbers "
                "in KZT, dates ISO 8601. Same filters (and 422s) as GET /api/v1/lots, without paging. Every "
                "field is documented in the README (Open data).",
                "security": [{}],
                "parameters": _filter_parameters(),
                "responses": {
                    "200": {
                        "description": "The release package.",
                        "content": json_content(ref("OcdsReleasePackage")),
                    },
                    "422": ref("ValidationError", "responses"),
                },
            }
        },
    }


def _texts(key: str, languages=("ru", "kk", "en")) -> dict:
    return {key: NULLABLE_TEXT, **{f"{key}_{lang}": NULLABLE_TEXT for lang in languages}}


def schemas() -> dict:
    identifier = obj(
        {
            "scheme": {"type": "string", "const": "KZ-BIN"},
            "id": ref("Bin"),
            "legalName": TEXT,
        },
        required=["scheme", "id"],
    )
    organisation_ref = obj(
        {"id": {"type": "string", "pattern": r"^KZ-BIN-\d{12}$"}, "name": TEXT, "identifier": identifier}
    )
    period = _optional({"startDate": DATE_TIME, "endDate": DATE_TIME})
    indicator_value = obj({"value": NULLABLE_NUMBER})
    units = [u.value for u in Unit]
    return {
        "OcdsValue": obj(
            {"amount": NUMBER, "currency": {"type": "string", "const": "KZT"}},
            description="An amount of money: a JSON number in tenge.",
        ),
        "OcdsOrganisationRef": organisation_ref,
        "OcdsParty": obj(
            {
                **organisation_ref["properties"],
                "address": obj({"region": TEXT, "countryName": TEXT}),
                "contactPoint": obj({"url": TEXT}),
                "roles": {
                    "type": "array",
                    "items": {"type": "string", "enum": ["buyer", "procuringEntity", "supplier"]},
                },
            },
            required=["id", "name", "identifier", "roles"],
        ),
        "OcdsIndicator": obj(
            {
                "id": TEXT,
                "title": TEXT,
                "measure": {"type": "string", "enum": units},
                "measureTitle": TEXT,
                "periodStart": NULLABLE_DATE,
                "periodEnd": NULLABLE_DATE,
                "baseline": indicator_value,
                "target": indicator_value,
                "actual": indicator_value,
                "achievementPercent": {
                    **NULLABLE_NUMBER,
                    "description": "actual / target × 100, one decimal.",
                },
            },
            description="An IATI-style result indicator of a contract for one period.",
        ),
        "GrantsKzEvaluation": obj(
            {
                "id": {"type": "integer"},
                "kind": {"type": "string", "enum": ["project", "lot"]},
                "campaign": obj({"id": {"type": "integer"}, "name": TEXT}),
                "group": obj({"id": {"type": "integer"}, "name": TEXT}),
                "methodology": obj(
                    {
                        "code": TEXT,
                        "version": {"type": "integer"},
                        "name": TEXT,
                        "scaleMin": {"type": "integer"},
                        "scaleMax": {"type": "integer"},
                    }
                ),
                "index": {**NULLABLE_NUMBER, "minimum": 0, "maximum": 100},
                "band": {"oneOf": [obj({"code": TEXT, "title": TEXT}), {"type": "null"}]},
                "officialTotal": {"type": "integer"},
                "scorecards": {"type": "integer", "description": "Submitted scorecards that count."},
                "criteria": {
                    "type": "array",
                    "items": obj(
                        {
                            "code": TEXT,
                            "name": TEXT,
                            "weight": NUMBER,
                            "mean": NULLABLE_NUMBER,
                            "officialSum": {"type": ["integer", "null"]},
                            "conclusion": NULLABLE_TEXT,
                        }
                    ),
                },
                "findings": NULLABLE_TEXT,
                "recommendations": NULLABLE_TEXT,
                "publishedDate": {"type": ["string", "null"], "format": "date-time"},
                "reports": {
                    "type": "array",
                    "items": obj(
                        {
                            "language": {"type": "string", "enum": ["kk", "ru", "en"]},
                            "version": {"type": "integer"},
                            "url": TEXT,
                            "sha256": {"type": "string", "pattern": r"^[0-9a-f]{64}$"},
                            "verifyUrl": TEXT,
                            "issuedDate": DATE_TIME,
                        }
                    ),
                },
                "remarks": obj(
                    {
                        "made": {"type": "integer"},
                        "accepted": {"type": "integer"},
                        "rejected": {"type": "integer"},
                    }
                ),
                "replies": {
                    "type": "array",
                    "items": obj(
                        {
                            "criterion": NULLABLE_TEXT,
                            "finding": NULLABLE_TEXT,
                            "text": TEXT,
                            "ruling": {"type": "string", "enum": ["accepted", "rejected"]},
                            "reason": NULLABLE_TEXT,
                            "ruledDate": {"type": ["string", "null"], "format": "date-time"},
                        }
                    ),
                },
            },
            description="A published evaluation (extension `grantskz_evaluations`); unpublished ones never appear.",
        ),
        "OcdsAward": obj(
            {
                "id": TEXT,
                "title": TEXT,
                "status": {"type": "string", "enum": ["active"]},
                "date": DATE_TIME,
                "value": VALUE,
                "suppliers": {"type": "array", "items": ref("OcdsOrganisationRef"), "minItems": 1},
                "contractPeriod": period,
            },
            required=["id", "status", "value", "suppliers"],
        ),
        "OcdsContract": obj(
            {
                "id": TEXT,
                "awardID": TEXT,
                **_texts("title"),
                "description": TEXT,
                "status": {"type": "string", "enum": ["active", "terminated"]},
                "statusDetails": {"type": "string", "enum": [s.value for s in ProjectStatus]},
                "value": VALUE,
                "dateSigned": DATE_TIME,
                "period": period,
                "implementation": _optional(
                    {
                        "grantskz_actualValue": VALUE,
                        "grantskz_actualEndDate": DATE_TIME,
                        "grantskz_beneficiaries": {"type": "integer"},
                    }
                ),
                "indicators": {"type": "array", "items": ref("OcdsIndicator")},
                "grantskz_url": TEXT,
                "grantskz_evaluations": {"type": "array", "items": ref("GrantsKzEvaluation")},
            },
            required=["id", "awardID", "status", "value", "dateSigned"],
        ),
        "OcdsTender": obj(
            {
                "id": TEXT,
                **_texts("title"),
                **_texts("description", ("ru", "kk")),
                "status": {"type": "string", "enum": ["planned", "active", "complete", "cancelled"]},
                "statusDetails": {"type": "string", "enum": [s.value for s in LotStatus]},
                "value": VALUE,
                "procurementMethod": TEXT,
                "procurementMethodDetails": TEXT,
                "mainProcurementCategory": TEXT,
                "contractPeriod": period,
                "items": {
                    "type": "array",
                    "items": obj(
                        {
                            "id": TEXT,
                            "description": TEXT,
                            "classification": obj({"scheme": TEXT, "id": TEXT, "description": TEXT}),
                            "deliveryAddress": obj({"region": TEXT, "countryName": TEXT}),
                            "deliveryLocation": obj(
                                {
                                    "gazetteer": obj(
                                        {
                                            "scheme": {"type": "string", "const": "KATO"},
                                            "identifiers": {"type": "array", "items": TEXT},
                                        }
                                    ),
                                    "description": TEXT,
                                }
                            ),
                        },
                        required=["id"],
                    ),
                },
                "grantskz_lotNumber": TEXT,
                "grantskz_year": {"type": "integer"},
                "grantskz_specification": _optional(
                    {
                        **_texts("goal", ("ru", "kk")),
                        **_texts("tasks", ("ru", "kk")),
                        **_texts("expectedResults", ("ru", "kk")),
                        **_texts("targetGroup", ("ru", "kk")),
                        "beneficiaries": {"type": "integer"},
                        "plannedIndicators": {
                            "type": "array",
                            "items": obj(
                                {
                                    "title": TEXT,
                                    "measure": {"type": "string", "enum": units},
                                    "target": indicator_value,
                                }
                            ),
                        },
                        "publicNeeds": {
                            "type": "array",
                            "items": obj({"id": {"type": "integer"}, "title": TEXT}),
                        },
                    }
                ),
            },
            required=["id", "title", "status", "value", "items"],
        ),
        "OcdsRelease": obj(
            {
                "ocid": {"type": "string", "pattern": r"^ocds-grantskz-\d+$"},
                "id": TEXT,
                "date": DATE_TIME,
                "tag": {
                    "type": "array",
                    "items": {
                        "type": "string",
                        "enum": ["planning", "tender", "award", "contract", "implementation"],
                    },
                },
                "initiationType": {"type": "string", "const": "tender"},
                "language": {"type": "string", "enum": ["kk", "ru", "en"]},
                "parties": {"type": "array", "items": ref("OcdsParty")},
                "buyer": ref("OcdsOrganisationRef"),
                "tender": ref("OcdsTender"),
                "awards": {"type": "array", "items": ref("OcdsAward")},
                "contracts": {"type": "array", "items": ref("OcdsContract")},
                "grantskz_url": TEXT,
                "grantskz_evaluations": {"type": "array", "items": ref("GrantsKzEvaluation")},
            },
            required=[
                "ocid",
                "id",
                "date",
                "tag",
                "initiationType",
                "language",
                "parties",
                "buyer",
                "tender",
            ],
            description="One lot with its contracts, as a compiled OCDS release.",
        ),
        "OcdsReleasePackage": obj(
            {
                "uri": TEXT,
                "version": {"type": "string", "const": "1.1"},
                "publishedDate": DATE_TIME,
                "publisher": obj({"name": TEXT, "uri": TEXT}),
                "license": TEXT,
                "releases": {"type": "array", "items": ref("OcdsRelease")},
            },
            description="results.json: an OCDS 1.1 release package of public data.",
        ),
    }
