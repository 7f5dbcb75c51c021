"""The ministry's review: a draft on finalizing, return with comments, re-finalizing, acceptance (pages and API)."""

import pytest

from grants.monitoring.models import EvaluationState
from grants.reports.models import ReportKind
from tests.api.test_openapi import conforms
from tests.conftest import DEMO_PASSWORD, login, visible_text
from tests.reports import (
    audit_actions,
    audit_count,
    consolidation,
    decisions_of,
    in_review,
    other_ministry,
    reload,
    reports_of,
    scored,
)

COMMENT = "Уточните вывод по устойчивости: нет данных о финансировании после гранта."


def signed_in(app, who: str):
    client = app.test_client()
    if who != "anonymous":
        login(client, who if "@" in who else f"{who}@example.kz")
    return client


def bearer(client, who: str) -> dict:
    email = who if "@" in who else f"{who}@example.kz"
    answer = client.post("/api/v1/auth/token", json={"email": email, "password": DEMO_PASSWORD})
    token = answer.get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def chair_refinalizes_in_the_page(app, evaluation):
    chair = signed_in(app, "chair")
    payload = consolidation(evaluation)
    form = {f"conclusion_{code}": text for code, text in payload["conclusions"].items()} | {
        "findings": payload["findings"],
        "recommendations": payload["recommendations"],
        "action": "finalize",
    }
    response = chair.post(f"/evaluations/{evaluation.id}/consolidate?lang=en", data=form)
    assert response.status_code == 302, visible_text(response.get_data(as_text=True))[:2000]


def test_finalizing_issues_a_draft_pdf(app, db):
    evaluation = in_review()
    (draft,) = reports_of(evaluation)
    assert (draft.kind, draft.version, draft.lang) == (ReportKind.draft, 1, "ru")
    assert draft.content.startswith(b"%PDF") and draft.size == len(draft.content)
    assert reload(evaluation).state == EvaluationState.in_review
    assert "evaluation.finalize" in audit_actions(evaluation)
    assert "report.issue_draft" in audit_actions(evaluation)


def test_return_refinalize_and_accept_through_the_pages(app, db):
    evaluation = in_review()
    ministry = signed_in(app, "ministry")

    queue = ministry.get("/reviews/?lang=en")
    assert queue.status_code == 200
    assert f'href="/reviews/{evaluation.id}"' in queue.get_data(as_text=True)
    page = ministry.get(f"/reviews/{evaluation.id}?lang=en").get_data(as_text=True)
    (draft,) = reports_of(evaluation)
    assert f'<object data="/reports/{draft.id}.pdf"' in page, "the draft is embedded for reading"
    assert "data-index>83.3<" in page and 'name="decision" value="return"' in page

    response = ministry.post(
        f"/reviews/{evaluation.id}?lang=en", data={"decision": "return", "comment": COMMENT}
    )
    assert response.status_code == 302
    assert reload(evaluation).state == EvaluationState.returned
    (decision,) = decisions_of(evaluation)
    assert (decision.decision, decision.comment, decision.report_id) == ("return", COMMENT, draft.id)
    assert "evaluation.return" in audit_actions(evaluation)

    chair = signed_in(app, "chair")
    for url in (f"/evaluations/{evaluation.id}/consolidate?lang=en", f"/evaluations/{evaluation.id}?lang=en"):
        page = chair.get(url).get_data(as_text=True)
        assert "data-review-comment" in page and COMMENT in page, url
    # The other members are not shown the ministry's comment on the evaluation page.
    assert COMMENT not in signed_in(app, "member1").get(f"/evaluations/{evaluation.id}").get_data(
        as_text=True
    )

    chair_refinalizes_in_the_page(app, evaluation)
    assert reload(evaluation).state == EvaluationState.in_review
    assert [(r.version, r.kind) for r in reports_of(evaluation)] == [
        (1, ReportKind.draft),
        (2, ReportKind.draft),
    ]
    page = ministry.get(f"/reviews/{evaluation.id}?lang=en").get_data(as_text=True)
    second = reports_of(evaluation)[-1]
    assert f'<object data="/reports/{second.id}.pdf"' in page and COMMENT in page  # past decision listed

    response = ministry.post(f"/reviews/{evaluation.id}?lang=en", data={"decision": "accept", "comment": ""})
    assert response.status_code == 302
    assert reload(evaluation).state == EvaluationState.accepted
    final = reports_of(evaluation)[-1]
    assert (final.kind, final.version) == (ReportKind.final, 3)
    assert final.content.startswith(b"%PDF")
    actions = audit_actions(evaluation)
    assert {"evaluation.accept", "report.issue_final"} <= set(actions)
    assert actions.index("evaluation.accept") > actions.index("evaluation.return")

    page = ministry.get(f"/reviews/{evaluation.id}?lang=en").get_data(as_text=True)
    assert f'href="/reports/{final.id}.pdf"' in page
    assert f'action="/reviews/{evaluation.id}/publish"' in page
    assert 'name="decision"' not in page, "no second decision once accepted"
    queue = ministry.get("/reviews/?lang=en").get_data(as_text=True)
    assert 'data-state="accepted"' in queue
    # The chair's evaluation page links the issued reports.
    page = chair.get(f"/evaluations/{evaluation.id}?lang=en").get_data(as_text=True)
    assert f'href="/reports/{final.id}.pdf"' in page and f'href="/reports/{draft.id}.pdf"' in page


def test_return_refinalize_and_accept_through_the_api(app, client, db):
    evaluation = in_review()
    ministry, chair = bearer(client, "ministry"), bearer(client, "chair")
    document = client.get("/api/v1/openapi.json").get_json()
    url = f"/api/v1/evaluations/{evaluation.id}"

    returned = client.post(f"{url}/review", json={"decision": "return", "comment": COMMENT}, headers=ministry)
    assert returned.status_code == 200, returned.get_data(as_text=True)
    body = returned.get_json()
    assert body["state"] == "returned" and body["reviews"][-1]["comment"] == COMMENT
    assert conforms(document, "ReviewedEvaluation", body) == []

    finalized = client.post(f"{url}/finalize", json=consolidation(evaluation), headers=chair)
    assert finalized.status_code == 200 and finalized.get_json()["state"] == "in_review"

    accepted = client.post(f"{url}/review", json={"decision": "accept"}, headers=ministry)
    assert accepted.status_code == 200, accepted.get_data(as_text=True)
    body = accepted.get_json()
    assert body["state"] == "accepted"
    assert [(r["version"], r["kind"]) for r in body["reports"]] == [(3, "final"), (2, "draft"), (1, "draft")]
    assert [d["decision"] for d in body["reviews"]] == ["return", "accept"]
    assert conforms(document, "ReviewedEvaluation", body) == []
    final = reports_of(evaluation)[-1]
    assert (final.kind, final.version) == (ReportKind.final, 3)

    pdf = client.get(f"{url}/report.pdf?lang=ru", headers=ministry)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data == final.content

    again = client.post(f"{url}/review", json={"decision": "accept"}, headers=ministry)
    assert again.status_code == 409 and conforms(document, "Error", again.get_json()) == []
    assert set(audit_actions(evaluation)) >= {"evaluation.return", "evaluation.accept", "report.issue_final"}


def test_returning_without_a_comment_is_refused_and_changes_nothing(app, client, db):
    evaluation = in_review()
    before = (audit_count(), len(reports_of(evaluation)))
    ministry = signed_in(app, "ministry")
    response = ministry.post(
        f"/reviews/{evaluation.id}?lang=en", data={"decision": "return", "comment": "   "}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-error="422"' in page and "A returned evaluation needs a comment." in page
    response = client.post(
        f"/api/v1/evaluations/{evaluation.id}/review",
        json={"decision": "return", "comment": ""},
        headers=bearer(client, "ministry"),
    )
    assert response.status_code == 422 and "comment" in response.get_json()["error"]["fields"]
    for body in (
        {"decision": "maybe"},
        {"decision": None},
        {"decision": "accept", "comment": 5},
        {"decision": "accept", "x": 1},
        [],
    ):
        response = client.post(
            f"/api/v1/evaluations/{evaluation.id}/review", json=body, headers=bearer(client, "ministry")
        )
        assert response.status_code == 422, body
    response = ministry.post(f"/reviews/{evaluation.id}?lang=en", data={"decision": "perhaps"})
    assert response.status_code == 422
    assert reload(evaluation).state == EvaluationState.in_review
    assert decisions_of(evaluation) == []
    assert (audit_count(), len(reports_of(evaluation))) == before


# Who may review: staff of the campaign's organiser. Viewers (the group, admins) get 403; nobody else
# learns the evaluation exists (404); anonymous visitors of the pages are sent to log in.
PAGE_STATUS = {"member1": 403, "chair": 403, "admin": 403, "ngo": 404, "other": 404, "anonymous": 302}
API_STATUS = {"member1": 403, "chair": 403, "admin": 403, "ngo": 404, "other": 404, "anonymous": 404}


@pytest.mark.parametrize("who", list(PAGE_STATUS))
def test_only_the_organisers_staff_review(app, client, db, who):
    evaluation = in_review()
    email = other_ministry().email if who == "other" else who
    before = (audit_count(), len(reports_of(evaluation)))
    page = signed_in(app, email)
    for method, url, data in (
        ("get", f"/reviews/{evaluation.id}", None),
        ("post", f"/reviews/{evaluation.id}", {"decision": "accept"}),
        ("post", f"/reviews/{evaluation.id}", {"decision": "return", "comment": COMMENT}),
        ("post", f"/reviews/{evaluation.id}/publish", None),
    ):
        response = getattr(page, method)(url, data=data)
        assert response.status_code == PAGE_STATUS[who], f"{who} {method} {url}"
    headers = bearer(client, email) if who != "anonymous" else {}
    for tail, body in (
        ("review", {"decision": "accept"}),
        ("review", {"decision": "return", "comment": COMMENT}),
        ("publish", None),
    ):
        response = client.post(f"/api/v1/evaluations/{evaluation.id}/{tail}", json=body, headers=headers)
        assert response.status_code == API_STATUS[who], f"{who} {tail}: {response.get_data(as_text=True)}"
    assert reload(evaluation).state == EvaluationState.in_review
    assert decisions_of(evaluation) == []
    assert (audit_count(), len(reports_of(evaluation))) == before


@pytest.mark.parametrize("who", ["member1", "chair", "ngo", "admin"])
def test_the_review_queue_is_for_ministry_staff(app, db, who):
    assert signed_in(app, who).get("/reviews/").status_code == 403
    assert signed_in(app, "anonymous").get("/reviews/").status_code == 302


def test_the_queue_shows_only_the_organisers_evaluations_and_the_nav_link(app, db):
    evaluation = in_review()
    page = signed_in(app, "ministry").get("/reviews/?lang=en").get_data(as_text=True)
    assert f'data-evaluation="{evaluation.id}"' in page and 'href="/reviews/"' in page
    other = signed_in(app, other_ministry().email).get("/reviews/?lang=en").get_data(as_text=True)
    assert f'data-evaluation="{evaluation.id}"' not in other
    assert 'href="/reviews/"' not in signed_in(app, "chair").get("/").get_data(as_text=True)


def test_a_decision_before_review_is_refused_with_409(app, client, db):
    evaluation = scored()
    ministry = signed_in(app, "ministry")
    assert ministry.get(f"/reviews/{evaluation.id}?lang=en").status_code == 200
    response = ministry.post(f"/reviews/{evaluation.id}?lang=en", data={"decision": "accept"})
    assert response.status_code == 409 and "The evaluation is not in review." in response.get_data(
        as_text=True
    )
    response = client.post(
        f"/api/v1/evaluations/{evaluation.id}/review",
        json={"decision": "accept"},
        headers=bearer(client, "ministry"),
    )
    assert response.status_code == 409
    assert reload(evaluation).state == EvaluationState.scoring and reports_of(evaluation) == []
