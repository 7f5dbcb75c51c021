"""Right of reply: the NGO replies to a published evaluation, the chair rules, the report prints the rulings."""

import io
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from grants.accounts.models import Role, User, UserRole
from grants.audit.models import AuditEvent
from grants.extensions import db
from grants.monitoring.models import Campaign, Evaluation, EvaluationState, SubjectKind
from grants.organisations.models import Organisation, OrganisationKind
from grants.replies.models import Reply
from grants.replies.window import add_working_days, days_off, reply_deadline
from grants.reports.models import Report, ReportKind
from grants.reports.summary import remarks_counts, render_summary_pdf
from tests.conftest import DEMO_PASSWORD
from tests.helpers import bearer
from tests.reports.report_helpers import pdf_text, user

SUMMARY_REMARKS = "Сделано замечаний: 2 · Отклонено замечаний: 1"


def published_project_evaluation() -> Evaluation:
    ngo = user("ngo")
    for evaluation in db.session.scalars(
        select(Evaluation).where(
            Evaluation.state == EvaluationState.published, Evaluation.kind == SubjectKind.project
        )
    ):
        if evaluation.project.ngo_id == ngo.organisation_id:
            return evaluation
    raise AssertionError("the demo has no published evaluation of the demo NGO's project")


def latest_final(evaluation: Evaluation) -> Report:
    return db.session.scalar(
        select(Report)
        .where(Report.evaluation_id == evaluation.id, Report.kind == ReportKind.final, Report.lang == "ru")
        .order_by(Report.version.desc())
    )


def test_working_days_skip_weekends_and_holidays():
    assert date(2026, 12, 16) in days_off(2026) and date(2026, 12, 17) not in days_off(2026)
    # Friday 11 December 2026 + 10 working days: 14, 15, 17, 18, 21, 22, 23, 24, 25, 28 (16 is Independence Day)
    assert add_working_days(date(2026, 12, 11), 10) == date(2026, 12, 28)
    assert date(2026, 5, 27) in days_off(2026)  # Kurban Ait
    # 21–22 March 2026 fall on a weekend: the days off move to the next working days (24 and 25 March)
    assert {date(2026, 3, 24), date(2026, 3, 25)} <= days_off(2026)
    assert add_working_days(date(2026, 3, 20), 1) == date(2026, 3, 26)


def test_demo_ngo_replies_chair_rules_and_the_new_report_lists_both(client, api_token):
    """Acceptance 2 through the JSON API (README.md, "HTTP API")."""
    evaluation = published_project_evaluation()
    campaign = evaluation.campaign
    before = latest_final(evaluation)
    ngo = api_token("ngo")
    code = evaluation.methodology.codes[2]
    first = client.post(
        f"/api/v1/evaluations/{evaluation.id}/replies",
        json={"criterion": code, "text": "Показатель подтверждён актами выполненных работ, приложены."},
        headers=bearer(ngo),
    )
    assert first.status_code == 201, first.get_json()
    second = client.post(
        f"/api/v1/evaluations/{evaluation.id}/replies",
        json={"finding": "3", "text": "Клубы продолжают работу за счёт спонсоров; договоры приложены."},
        headers=bearer(ngo),
    )
    assert second.status_code == 201
    assert first.get_json()["ruling"] is None and second.get_json()["finding"] == "3"

    chair = api_token("chair")
    rejected = client.post(
        f"/api/v1/replies/{first.get_json()['id']}/ruling",
        json={"decision": "rejected", "reason": "Акты не содержат данных о результатах."},
        headers=bearer(chair),
    )
    assert rejected.status_code == 200, rejected.get_json()
    assert rejected.get_json()["ruling"] == "rejected" and rejected.get_json()["report_version"] is None
    assert latest_final(evaluation).id == before.id  # one reply still pending: no new version yet

    accepted = client.post(
        f"/api/v1/replies/{second.get_json()['id']}/ruling",
        json={"decision": "accepted", "reason": "Подтверждено договорами."},
        headers=bearer(chair),
    )
    assert accepted.status_code == 200
    db.session.expire_all()
    newest = latest_final(evaluation)
    assert newest.version == before.version + 1
    assert accepted.get_json()["report_version"] == newest.version
    text = " ".join(pdf_text(newest.content).split())
    assert "Акты не содержат данных о результатах." in text
    assert "Подтверждено договорами." in text
    assert "Ответ отклонён" in text and "Ответ принят" in text

    evaluations = db.session.scalars(select(Evaluation).where(Evaluation.campaign_id == campaign.id)).all()
    assert remarks_counts(evaluations) == (2, 1)
    summary = " ".join(pdf_text(render_summary_pdf(campaign, "ru")).split())
    assert SUMMARY_REMARKS in summary

    listed = client.get(
        f"/api/v1/evaluations/{evaluation.id}/replies"
    ).get_json()  # anonymous: public once ruled
    assert [item["ruling"] for item in listed["items"]] == ["rejected", "accepted"]
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("reply.%"))).all()
    assert actions.count("reply.submit") == 2 and actions.count("reply.rule") == 2


def _other_ngo_user() -> User:
    other = db.session.scalar(
        select(Organisation).where(
            Organisation.kind == OrganisationKind.ngo, Organisation.id != user("ngo").organisation_id
        )
    )
    person = User(email="other-ngo@example.kz", full_name="Другая НПО", organisation_id=other.id, active=True)
    person.set_password(DEMO_PASSWORD)
    person.role_rows.append(UserRole(role=Role.ngo))
    db.session.add(person)
    db.session.commit()
    return person


def test_another_ngo_and_late_replies_are_refused(client, api_token):
    evaluation = published_project_evaluation()
    _other_ngo_user()
    other = api_token("other-ngo@example.kz")
    body = {"criterion": evaluation.methodology.codes[0], "text": "Не согласны."}
    refused = client.post(f"/api/v1/evaluations/{evaluation.id}/replies", json=body, headers=bearer(other))
    assert refused.status_code == 403
    assert "может только НПО, деятельность которой оценивалась" in refused.get_json()["error"]["message"]

    evaluation.published_at = datetime.now(UTC) - timedelta(days=40)
    db.session.commit()
    late = client.post(
        f"/api/v1/evaluations/{evaluation.id}/replies", json=body, headers=bearer(api_token("ngo"))
    )
    assert late.status_code == 409
    assert late.get_json()["error"]["code"] == "reply_window_closed"
    assert str(reply_deadline(evaluation).year) in late.get_json()["error"]["message"]
    assert db.session.scalar(select(func.count(Reply.id))) == 0


@pytest.mark.parametrize(
    "body, field",
    [
        ({"text": "Без предмета"}, "criterion"),
        ({"criterion": "relevance", "finding": "1", "text": "Оба"}, "criterion"),
        ({"criterion": "no_such_code", "text": "Неизвестный"}, "criterion"),
        ({"criterion": "relevance", "text": "   "}, "text"),
        ({"criterion": "relevance", "text": "x" * 5001}, "text"),
        ({"criterion": "relevance", "text": "ok", "color": "red"}, "color"),
    ],
)
def test_invalid_replies_answer_422_with_the_field(client, api_token, body, field):
    evaluation = published_project_evaluation()
    response = client.post(
        f"/api/v1/evaluations/{evaluation.id}/replies", json=body, headers=bearer(api_token("ngo"))
    )
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]
    assert db.session.scalar(select(func.count(Reply.id))) == 0


def _reply(client, token, evaluation) -> int:
    response = client.post(
        f"/api/v1/evaluations/{evaluation.id}/replies",
        json={"criterion": evaluation.methodology.codes[0], "text": "Возражаем."},
        headers=bearer(token),
    )
    assert response.status_code == 201
    return response.get_json()["id"]


def test_rulings_are_the_chairs_and_need_a_reason_to_reject(client, api_token):
    evaluation = published_project_evaluation()
    reply_id = _reply(client, api_token("ngo"), evaluation)
    url = f"/api/v1/replies/{reply_id}/ruling"
    assert client.post(url, json={"decision": "rejected", "reason": "Нет"}).status_code == 401
    assert (
        client.post(
            url, json={"decision": "rejected", "reason": "Нет"}, headers=bearer(api_token("member1"))
        ).status_code
        == 403
    )
    assert (
        client.post(
            url, json={"decision": "rejected", "reason": "Нет"}, headers=bearer(api_token("ngo"))
        ).status_code
        == 403
    )
    chair = bearer(api_token("chair"))
    no_reason = client.post(url, json={"decision": "rejected"}, headers=chair)
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["error"]["fields"]
    bad = client.post(url, json={"decision": "maybe"}, headers=chair)
    assert bad.status_code == 422 and "decision" in bad.get_json()["error"]["fields"]
    odd = client.post(
        url, json={"decision": "rejected", "reason": "Нет", "changes_score": True}, headers=chair
    )
    assert odd.status_code == 422 and "changes_score" in odd.get_json()["error"]["fields"]
    assert db.session.get(Reply, reply_id).ruling is None
    assert client.post(url, json={"decision": "accepted"}, headers=chair).status_code == 200
    assert (
        client.post(url, json={"decision": "rejected", "reason": "Передумали"}, headers=chair).status_code
        == 409
    )


def test_pending_replies_are_not_public(client, api_token):
    evaluation = published_project_evaluation()
    _reply(client, api_token("ngo"), evaluation)
    anonymous = client.get(f"/api/v1/evaluations/{evaluation.id}/replies").get_json()
    assert anonymous["items"] == [] and anonymous["can_reply"] is False
    mine = client.get(
        f"/api/v1/evaluations/{evaluation.id}/replies", headers=bearer(api_token("ngo"))
    ).get_json()
    assert len(mine["items"]) == 1 and mine["can_reply"] is True


def test_a_ruling_that_changes_a_score_goes_back_through_consolidation_and_review(client, api_token):
    evaluation = published_project_evaluation()
    reply_id = _reply(client, api_token("ngo"), evaluation)
    response = client.post(
        f"/api/v1/replies/{reply_id}/ruling",
        json={"decision": "accepted", "reason": "Оценка будет пересмотрена.", "changes_score": True},
        headers=bearer(api_token("chair")),
    )
    assert response.status_code == 200
    db.session.expire_all()
    evaluation = db.session.get(Evaluation, evaluation.id)
    assert evaluation.state == EvaluationState.consolidation
    # No longer public while revised; the NGO still sees its replies; nobody may reply meanwhile.
    assert client.get(f"/api/v1/evaluations/{evaluation.id}/replies").status_code == 404
    assert (
        client.get(
            f"/api/v1/evaluations/{evaluation.id}/replies", headers=bearer(api_token("ngo"))
        ).status_code
        == 200
    )
    again = client.post(
        f"/api/v1/evaluations/{evaluation.id}/replies",
        json={"criterion": evaluation.methodology.codes[0], "text": "Ещё"},
        headers=bearer(api_token("ngo")),
    )
    assert again.status_code == 409
    # The chair finalizes again, the ministry accepts: the new final report prints the ruling.
    chair = bearer(api_token("chair"))
    codes = evaluation.methodology.codes
    final = client.post(
        f"/api/v1/evaluations/{evaluation.id}/finalize",
        json={
            "findings": "Пересмотрено",
            "recommendations": "—",
            "conclusions": {c: "Да" for c in codes},
            "consensus_notes": {},
        },
        headers=chair,
    )
    assert final.status_code == 200, final.get_json()
    ministry = bearer(api_token("ministry"))
    assert (
        client.post(
            f"/api/v1/evaluations/{evaluation.id}/review", json={"decision": "accept"}, headers=ministry
        ).status_code
        == 200
    )
    db.session.expire_all()
    newest = latest_final(db.session.get(Evaluation, evaluation.id))
    assert "Оценка будет пересмотрена." in " ".join(pdf_text(newest.content).split())
    assert db.session.get(Reply, reply_id).report_version == newest.version
    assert client.post(f"/api/v1/evaluations/{evaluation.id}/publish", headers=ministry).status_code == 200


def test_pages_reply_and_ruling(client, login_as):
    evaluation = published_project_evaluation()
    page = f"/evaluations/{evaluation.id}/replies"
    assert client.get(page).status_code == 200  # public while published
    assert client.post(page, data={"target": "relevance", "text": "x"}).status_code == 302  # to the login
    login_as("ngo")
    shown = client.get(page)
    assert b'id="reply-form"' in shown.data
    missing = client.post(page, data={"target": "__finding__", "text": "Нет вывода"})
    assert missing.status_code == 422
    assert db.session.scalar(select(func.count(Reply.id))) == 0
    sent = client.post(
        page,
        data={
            "target": evaluation.methodology.codes[1],
            "text": "Выполнено в срок, см. акт.",
            "link": "https://example.kz/akt.pdf",
            "files": (io.BytesIO(b"%PDF-1.4 act of work"), "akt.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    reply = db.session.scalar(select(Reply))
    stored = next(item for item in reply.attachments if item.storage_key)
    assert {item.url for item in reply.attachments} == {None, "https://example.kz/akt.pdf"}
    with client.get(f"/replies/attachments/{stored.id}") as download:
        assert download.data == b"%PDF-1.4 act of work"
    client.post("/logout")
    login_as("chair")
    assert f'data-ruling-form="{reply.id}"'.encode() in client.get(page).data
    ruled = client.post(
        f"/replies/{reply.id}/ruling", data={f"r{reply.id}-decision": "rejected", f"r{reply.id}-reason": ""}
    )
    assert ruled.status_code == 302
    db.session.expire_all()
    assert db.session.get(Reply, reply.id).ruling is None  # a rejection needs a reason
    ruled = client.post(
        f"/replies/{reply.id}/ruling",
        data={f"r{reply.id}-decision": "rejected", f"r{reply.id}-reason": "Акт не подписан."},
    )
    assert ruled.status_code == 302
    db.session.expire_all()
    assert db.session.get(Reply, reply.id).ruling.value == "rejected"
    client.post("/logout")
    public = client.get(page + "?lang=kk")
    assert "Акт не подписан." in public.get_data(as_text=True)
    with client.get(f"/replies/attachments/{stored.id}") as download:
        assert download.status_code == 200  # public once ruled


def test_member_cannot_rule_through_the_page(client, login_as, api_token):
    evaluation = published_project_evaluation()
    reply_id = _reply(client, api_token("ngo"), evaluation)
    login_as("member1")
    response = client.post(f"/replies/{reply_id}/ruling", data={f"r{reply_id}-decision": "accepted"})
    assert response.status_code == 403
    assert db.session.get(Reply, reply_id).ruling is None


def test_campaign_without_replies_counts_zero():
    campaign = db.session.scalar(select(Campaign).order_by(Campaign.id))
    assert remarks_counts(campaign.evaluations) == (0, 0)


def test_chair_finds_pending_replies_from_the_home_page_and_the_evaluation(client, api_token, login_as):
    evaluation = published_project_evaluation()
    _reply(client, api_token("ngo"), evaluation)
    login_as("chair")
    home = client.get("/?lang=en").get_data(as_text=True)
    assert re.search(r"NGO replies awaiting your ruling</a></span><span class=\"badge[^\"]*\">1<", home)
    page = client.get(f"/evaluations/{evaluation.id}").get_data(as_text=True)
    assert 'data-pending-replies="1"' in page and f"/evaluations/{evaluation.id}/replies" in page


def test_no_ruling_while_the_revised_evaluation_is_in_review(client, api_token):
    evaluation = published_project_evaluation()
    ngo = api_token("ngo")
    first, second = _reply(client, ngo, evaluation), _reply(client, ngo, evaluation)
    chair = bearer(api_token("chair"))
    assert (
        client.post(
            f"/api/v1/replies/{first}/ruling",
            json={"decision": "accepted", "changes_score": True},
            headers=chair,
        ).status_code
        == 200
    )
    codes = evaluation.methodology.codes
    finalized = client.post(
        f"/api/v1/evaluations/{evaluation.id}/finalize",
        json={
            "findings": "Пересмотрено",
            "recommendations": "—",
            "conclusions": {c: "Да" for c in codes},
            "consensus_notes": {},
        },
        headers=chair,
    )
    assert finalized.status_code == 200
    refused = client.post(
        f"/api/v1/replies/{second}/ruling", json={"decision": "rejected", "reason": "Нет"}, headers=chair
    )
    assert refused.status_code == 409
    assert db.session.get(Reply, second).ruling is None
    # Published again, the pending reply is ruled and a new final version prints both rulings.
    ministry = bearer(api_token("ministry"))
    assert (
        client.post(
            f"/api/v1/evaluations/{evaluation.id}/review", json={"decision": "accept"}, headers=ministry
        ).status_code
        == 200
    )
    assert client.post(f"/api/v1/evaluations/{evaluation.id}/publish", headers=ministry).status_code == 200
    assert (
        client.post(
            f"/api/v1/replies/{second}/ruling", json={"decision": "rejected", "reason": "Нет"}, headers=chair
        ).status_code
        == 200
    )
    db.session.expire_all()
    newest = latest_final(db.session.get(Evaluation, evaluation.id))
    assert {db.session.get(Reply, first).report_version, db.session.get(Reply, second).report_version} <= {
        newest.version - 1,
        newest.version,
    }
    assert db.session.get(Reply, second).report_version == newest.version


def test_pending_replies_are_not_counted_in_public_outputs(client, api_token):
    evaluation = published_project_evaluation()
    _reply(client, api_token("ngo"), evaluation)
    assert remarks_counts([evaluation]) == (0, 0)
    document = client.get("/api/v1/export/results.json").get_json()
    blocks = [
        block
        for release in document["releases"]
        for contract in release.get("contracts", [])
        for block in contract.get("grantskz_evaluations", [])
        if block.get("id") == evaluation.id or block.get("evaluation_id") == evaluation.id
    ]
    assert blocks and all(block.get("remarks", {}).get("made", 0) == 0 for block in blocks)


def test_a_bad_attachment_names_the_replys_own_field(client, api_token, login_as):
    evaluation = published_project_evaluation()
    response = client.post(
        f"/api/v1/evaluations/{evaluation.id}/replies",
        json={
            "criterion": evaluation.methodology.codes[0],
            "text": "Возражаем.",
            "links": ["ftp://example.kz/a"],
        },
        headers=bearer(api_token("ngo")),
    )
    assert response.status_code == 422 and "links" in response.get_json()["error"]["fields"]
    login_as("ngo")
    stored_before = set(Path(client.application.config["EVIDENCE_DIR"]).iterdir())
    page = client.post(
        f"/evaluations/{evaluation.id}/replies",
        data={
            "target": evaluation.methodology.codes[0],
            "text": "Возражаем.",
            "files": [
                (io.BytesIO(b"%PDF-1.4 fine"), "fine.pdf"),
                (io.BytesIO(b"MZ\x90\x00 not a pdf"), "virus.pdf"),
            ],
        },
        content_type="multipart/form-data",
    )
    assert page.status_code == 422
    # The first file was written before the second was refused; the rollback removed it.
    assert set(Path(client.application.config["EVIDENCE_DIR"]).iterdir()) == stored_before
    assert 'class="invalid-feedback d-block"' in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Reply.id))) == 0
