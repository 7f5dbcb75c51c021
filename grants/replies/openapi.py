"""OpenAPI paths and schemas of the right of reply, merged into /api/v1/openapi.json by grants.api.openapi."""

from grants.api.openapi import json_content, ref

AUTHENTICATED = [{"bearerAuth": []}, {"sessionCookie": []}]
PUBLIC = [{}, {"bearerAuth": []}, {"sessionCookie": []}]


def _errors(*codes: str) -> dict:
    names = {
        "400": "BadRequest",
        "401": "Unauthorized",
        "403": "Forbidden",
        "404": "NotFound",
        "409": "Conflict",
        "422": "ValidationError",
    }
    return {code: ref(names[code], "responses") for code in codes}


def paths() -> dict:
    eid = ref("EvaluationId", "parameters")
    lang = ref("Lang", "parameters")
    reply_id = {"name": "reply_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
    return {
        "/api/v1/evaluations/{evaluation_id}/replies": {
            "get": {
                "operationId": "listReplies",
                "tags": ["replies"],
                "summary": "Replies of the NGO to a published evaluation, with the chair's rulings",
                "description": "Public while the evaluation is published: everybody sees the ruled replies; the NGO "
                "concerned and those who may view the evaluation also see pending ones. 404 for an evaluation "
                "that was never published.",
                "security": PUBLIC,
                "parameters": [eid, lang],
                "responses": {
                    "200": {"description": "The replies.", "content": json_content(ref("ReplyList"))},
                    **_errors("404"),
                },
            },
            "post": {
                "operationId": "createReply",
                "tags": ["replies"],
                "summary": "The NGO replies to one criterion or to a finding (right of reply)",
                "description": "Only users with the ngo role of the evaluated NGO (a lot evaluation: an NGO holding "
                "one of its projects), 403 otherwise; 409 `reply_window_closed` after the reply window (working "
                "days after publication, set per campaign) or while the evaluation is being revised; 422 unless "
                "exactly one of `criterion` (a code of the methodology) and `finding` is given and `text` is "
                "not empty. Files are attached on the page; `links` attaches links. Audited as reply.submit; "
                "the chair is notified.",
                "security": AUTHENTICATED,
                "parameters": [eid, lang],
                "requestBody": {"required": True, "content": json_content(ref("ReplyRequest"))},
                "responses": {
                    "201": {"description": "The reply.", "content": json_content(ref("Reply"))},
                    **_errors("400", "401", "403", "404", "409", "422"),
                },
            },
        },
        "/api/v1/replies/{reply_id}/ruling": {
            "post": {
                "operationId": "ruleReply",
                "tags": ["replies"],
                "summary": "The chair accepts or rejects a reply",
                "description": "Only the chair of the evaluating group (403); 409 if already ruled; 422 for a "
                "decision other than accepted/rejected, a rejection without a reason, or `changes_score` with a "
                "rejection. An accepted reply with `changes_score: true` sends the evaluation back to "
                "consolidation (then review and publication again). Otherwise, once no reply is pending, a new "
                "version of the final report is issued listing every ruling. Audited as reply.rule; the NGO is "
                "notified.",
                "security": AUTHENTICATED,
                "parameters": [reply_id, lang],
                "requestBody": {"required": True, "content": json_content(ref("RulingRequest"))},
                "responses": {
                    "200": {"description": "The ruled reply.", "content": json_content(ref("Reply"))},
                    **_errors("400", "401", "403", "404", "409", "422"),
                },
            }
        },
    }


def schemas() -> dict:
    nullable_text = {"type": ["string", "null"]}
    return {
        "ReplyRequest": {
            "type": "object",
            "additionalProperties": False,
            "required": ["text"],
            "properties": {
                "criterion": {**nullable_text, "description": "A criterion code of the evaluation's methodology."},
                "finding": {**nullable_text, "description": "The finding answered (quote or number)."},
                "text": {"type": "string", "maxLength": 5000},
                "links": {"type": "array", "items": {"type": "string", "format": "uri"}, "maxItems": 5},
            },
        },
        "RulingRequest": {
            "type": "object",
            "additionalProperties": False,
            "required": ["decision"],
            "properties": {
                "decision": {"type": "string", "enum": ["accepted", "rejected"]},
                "reason": {**nullable_text, "description": "Required for a rejection."},
                "changes_score": {"type": "boolean", "default": False},
            },
        },
        "Reply": {
            "type": "object",
            "required": ["id", "evaluation_id", "organisation", "text", "submitted_at", "ruling"],
            "properties": {
                "id": {"type": "integer"},
                "evaluation_id": {"type": "integer"},
                "organisation": {
                    "type": "object",
                    "properties": {"bin": {"type": "string"}, "name": {"type": "string"}},
                },
                "criterion": nullable_text,
                "finding": nullable_text,
                "text": {"type": "string"},
                "submitted_at": {"type": "string", "format": "date-time"},
                "attachments": {
                    "type": "array",
                    "items": {"type": "object", "properties": {"filename": nullable_text, "url": {"type": "string"}}},
                },
                "ruling": {"type": ["string", "null"], "enum": ["accepted", "rejected", None]},
                "reason": nullable_text,
                "changes_score": {"type": "boolean"},
                "ruled_at": {"type": ["string", "null"], "format": "date-time"},
                "report_version": {
                    "type": ["integer", "null"],
                    "description": "The version of the final report that first printed the ruling.",
                },
            },
        },
        "ReplyList": {
            "type": "object",
            "required": ["evaluation_id", "items"],
            "properties": {
                "evaluation_id": {"type": "integer"},
                "reply_deadline": {"type": ["string", "null"], "format": "date"},
                "can_reply": {"type": "boolean"},
                "items": {"type": "array", "items": ref("Reply")},
            },
        },
    }
