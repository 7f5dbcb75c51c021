"""Recommendations tracked to an answer: overdue on the home pages and reminded once (acceptance 2), who
sees and answers what (acceptance 3), the assessment's rules, drafts from an evaluation
(docs/cooperation.md#recommendations)."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from grants.cooperation import recommendations as ops
from grants.cooperation.models import Recommendation, RecommendationStatus
from grants.core.errors import today_local
from grants.extensions import db
from grants.monitoring.models import Evaluation, EvaluationState
from grants.notifications.models import OutboxMessage
from tests.cooperation.recommendation_world import build_world, sent
from tests.helpers import login, visible_text
from tests.helpers import user as demo_user


@pytest.fixture
def world():
    made = build_world()
    db.session.commit()
    return made


def reminders_of(rec) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.object_type == "Recommendation", OutboxMessage.object_id == rec.id)
            .order_by(OutboxMessage.id)
        )
    )


def send_reminders(app) -> str:
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    return result.output


def home_task(client, rec) -> str | None:
    """The home page's task line of rec ('<li …>…' as HTML), or None when it is not there."""
    html = client.get("/?lang=en").get_data(as_text=True)
    start = html.find(f'data-recommendation="{rec.id}"')
    if start < 0:
        return None
    return html[html.rfind("<li", 0, start) : html.find("</li>", start)]


# --- acceptance 2 ----------------------------------------------------------------------------------


def test_overdue_shows_on_the_addressees_chairs_and_secretarys_home_and_is_reminded_once(app, client, world):
    rec = sent(world, world.body_a, "Усилить профилактику правонарушений среди несовершеннолетних", due_in=20)
    rec.due_date = today_local() - timedelta(days=1)  # the due date passed without a response
    db.session.commit()
    assert rec.is_overdue(today_local())

    for person in (world.official_a, world.chair, world.secretary):
        login(client, person.email)
        task = home_task(client, rec)
        assert task is not None, person.email
        assert "Усилить профилактику" in task and "data-overdue" in task, person.email
        assert "overdue" in visible_text(task), person.email
        client.post("/logout")
    login(client, world.official_b.email)
    assert home_task(client, rec) is None
    client.post("/logout")

    send_reminders(app)
    send_reminders(app)  # a second run queues nothing more
    messages = reminders_of(rec)
    recipients = sorted(m.recipient_email for m in messages)
    assert recipients == sorted([world.official_a.email, world.chair.email, world.secretary.email])
    assert all(m.dedupe_key.startswith(f"overdue_recommendation:{rec.id}:") for m in messages)
    assert all(f"/recommendations/{rec.id}" in m.body for m in messages)
    assert db.session.get(Recommendation, rec.id).overdue_notified_at is not None

    login(client, world.official_a.email)
    response = client.post(
        f"/recommendations/{rec.id}/respond", data={"text": "Проведены рейды и беседы в школах."}
    )
    assert response.status_code == 302
    rec = db.session.get(Recommendation, rec.id)
    assert rec.status == RecommendationStatus.answered
    assert not rec.is_overdue(today_local())
    assert home_task(client, rec) is None  # nothing left to answer
    client.post("/logout")
    login(client, world.chair.email)
    task = home_task(client, rec)
    assert "data-overdue" not in task and "overdue" not in visible_text(task)
    assert "Assess the response" in visible_text(task)  # the chair is asked to assess it now
    assert (
        db.session.scalars(
            select(Recommendation).where(
                Recommendation.id == rec.id, Recommendation.overdue_on(today_local())
            )
        ).all()
        == []
    )
    send_reminders(app)
    assert len(reminders_of(rec)) == 3


def test_a_reminder_before_the_due_date_goes_once_to_the_addressee(app, world):
    rec = sent(world, world.body_a, "Провести разъяснительную работу", due_in=2)
    later = sent(world, world.body_a, "Срок ещё далеко", due_in=40)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["send-reminders", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"reminder_recommendation: {world.official_a.email} · recommendation {rec.id}" in result.output
    assert reminders_of(rec) == [] and db.session.get(Recommendation, rec.id).reminded_at is None
    send_reminders(app)
    send_reminders(app)
    messages = reminders_of(rec)
    assert [m.recipient_email for m in messages] == [world.official_a.email]
    assert (
        messages[0].dedupe_key
        == f"reminder_recommendation:{rec.id}:{world.official_a.id}:{rec.due_date.isoformat()}"
    )
    assert db.session.get(Recommendation, rec.id).reminded_at is not None
    assert reminders_of(later) == []


# --- acceptance 3 ----------------------------------------------------------------------------------


def test_an_official_sees_and_answers_only_their_bodys_unpublished_recommendations(client, world):
    mine = sent(world, world.body_a, "Рекомендация органу А")
    theirs = sent(world, world.body_b, "Рекомендация органу Б")
    draft_a = ops.draft(world.council, world.body_a, "Черновик органу А", None, world.secretary)
    db.session.commit()

    login(client, world.official_a.email)
    register = visible_text(client.get("/recommendations/").get_data(as_text=True))
    assert "Рекомендация органу А" in register
    assert "Рекомендация органу Б" not in register
    assert "Черновик органу А" not in register
    assert client.get(f"/recommendations/{mine.id}").status_code == 200
    assert client.get(f"/recommendations/{theirs.id}").status_code == 404
    assert client.get(f"/recommendations/{draft_a.id}").status_code == 404
    response = client.post(f"/recommendations/{theirs.id}/respond", data={"text": "Чужой ответ"})
    assert response.status_code == 404
    assert db.session.get(Recommendation, theirs.id).response is None


def test_an_official_cannot_answer_another_bodys_published_recommendation(client, world):
    theirs = sent(world, world.body_b, "Опубликованная рекомендация органу Б", publish=True)
    db.session.commit()
    login(client, world.official_a.email)
    page = client.get(f"/recommendations/{theirs.id}")
    assert page.status_code == 200
    assert 'name="text"' not in page.get_data(as_text=True)  # no response form
    response = client.post(f"/recommendations/{theirs.id}/respond", data={"text": "Чужой ответ"})
    assert response.status_code == 403
    assert db.session.get(Recommendation, theirs.id).response is None


def test_anonymous_sees_only_published_recommendations(client, world):
    public = sent(world, world.body_b, "Публичная рекомендация", publish=True)
    hidden = sent(world, world.body_a, "Неопубликованная рекомендация")
    db.session.commit()
    register = visible_text(client.get("/recommendations/").get_data(as_text=True))
    assert "Публичная рекомендация" in register
    assert "Неопубликованная рекомендация" not in register
    assert client.get(f"/recommendations/{public.id}").status_code == 200
    assert client.get(f"/recommendations/{hidden.id}").status_code == 404
    by_addressee = visible_text(
        client.get(f"/recommendations/?addressee={world.body_b.bin}").get_data(as_text=True)
    )
    assert "Публичная рекомендация" in by_addressee
    assert client.get(f"/recommendations/?addressee={world.body_a.id}").status_code == 200
    assert "Публичная рекомендация" not in visible_text(
        client.get(f"/recommendations/?addressee={world.body_a.id}").get_data(as_text=True)
    )


# --- drafting, sending, publishing, the assessment ----------------------------------------------


def test_the_secretary_drafts_edits_sends_and_publishes(client, world):
    login(client, world.secretary.email)
    form = {"council_id": world.council.id, "addressee_id": "", "text": "Новая рекомендация", "due_date": ""}
    response = client.post("/recommendations/new", data=form)
    assert response.status_code == 422
    assert "Новая рекомендация" in response.get_data(as_text=True)  # what was typed is kept
    form["addressee_id"] = world.body_a.id
    response = client.post("/recommendations/new", data=form)
    assert response.status_code == 302
    rec = db.session.scalar(select(Recommendation).where(Recommendation.text == "Новая рекомендация"))
    assert rec.status == RecommendationStatus.draft
    response = client.post(f"/recommendations/{rec.id}/send", data={})
    assert response.status_code == 422  # no due date yet
    due = today_local() + timedelta(days=14)
    response = client.post(
        f"/recommendations/{rec.id}/edit",
        data={
            "addressee_id": world.body_a.id,
            "text": "Новая рекомендация, уточнено",
            "due_date": due.isoformat(),
        },
    )
    assert response.status_code == 302
    assert client.post(f"/recommendations/{rec.id}/send", data={}).status_code == 302
    rec = db.session.get(Recommendation, rec.id)
    assert rec.status == RecommendationStatus.sent and rec.due_date == due and not rec.is_published
    assert client.get(f"/recommendations/{rec.id}/edit").status_code == 403
    assert client.post(f"/recommendations/{rec.id}/send", data={}).status_code == 409
    assert client.post(f"/recommendations/{rec.id}/publish", data={}).status_code == 302
    assert db.session.get(Recommendation, rec.id).is_published
    assert client.post(f"/recommendations/{rec.id}/publish", data={}).status_code == 409


def test_officials_cannot_draft(client, world):
    login(client, world.official_a.email)
    assert client.get("/recommendations/new").status_code == 403


def test_assessment_rules(client, world):
    rec = sent(world, world.body_a, "Оценить ответ")
    unanswered = sent(world, world.body_a, "Без ответа")
    db.session.commit()
    login(client, world.chair.email)
    assert (
        client.post(f"/recommendations/{unanswered.id}/assess", data={"status": "implemented"}).status_code
        == 409
    )
    client.post("/logout")

    login(client, world.official_a.email)
    assert (
        client.post(f"/recommendations/{rec.id}/respond", data={"text": "Выполнено частично."}).status_code
        == 302
    )
    assert client.post(f"/recommendations/{rec.id}/respond", data={"text": "Ещё раз"}).status_code == 409
    assert client.post(f"/recommendations/{rec.id}/assess", data={"status": "implemented"}).status_code == 403
    client.post("/logout")

    login(client, world.chair.email)
    response = client.post(
        f"/recommendations/{rec.id}/assess", data={"status": "rejected", "assessment": "Ответ формальный"}
    )
    assert response.status_code == 422  # rejected needs the reason
    assert "Ответ формальный" in response.get_data(as_text=True)
    assert db.session.get(Recommendation, rec.id).status == RecommendationStatus.answered
    assert client.post(f"/recommendations/{rec.id}/assess", data={"status": "answered"}).status_code == 422
    response = client.post(
        f"/recommendations/{rec.id}/assess",
        data={"status": "not_implemented", "assessment": "Ответ формальный", "reason": "Меры не приняты"},
    )
    assert response.status_code == 302
    rec = db.session.get(Recommendation, rec.id)
    assert rec.status == RecommendationStatus.not_implemented
    assert rec.status_reason == "Меры не приняты" and rec.assessed_by_id == world.chair.id
    assert client.post(f"/recommendations/{rec.id}/assess", data={"status": "implemented"}).status_code == 409
    page = visible_text(client.get(f"/recommendations/{rec.id}").get_data(as_text=True))
    assert "Меры не приняты" in page and "Выполнено частично." in page


def test_attachments_of_a_response_download_for_those_who_see_it(client, world):
    rec = sent(world, world.body_a, "С вложением")
    db.session.commit()
    login(client, world.official_a.email)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = client.post(
        f"/recommendations/{rec.id}/respond",
        data={
            "text": "Ответ с файлом",
            "files": [(io.BytesIO(pdf), "otvet.pdf")],
            "links": "https://example.kz/doc",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    rec = db.session.get(Recommendation, rec.id)
    files = [a for a in rec.attachments if a.storage_key]
    assert len(files) == 1 and len(rec.attachments) == 2
    download = client.get(f"/recommendations/attachments/{files[0].id}")
    assert download.status_code == 200 and download.get_data() == pdf
    download.close()
    client.post("/logout")
    assert client.get(f"/recommendations/attachments/{files[0].id}").status_code == 404  # not published
    login(client, world.official_b.email)
    assert client.get(f"/recommendations/attachments/{files[0].id}").status_code == 404


def test_register_filters(client, world):
    overdue = sent(world, world.body_a, "Просроченная рекомендация", publish=True)
    overdue.due_date = today_local() - timedelta(days=3)
    sent(world, world.body_b, "Рекомендация в срок", publish=True)
    db.session.commit()
    text = visible_text(client.get("/recommendations/?overdue=1").get_data(as_text=True))
    assert "Просроченная рекомендация" in text and "Рекомендация в срок" not in text
    text = visible_text(
        client.get(f"/recommendations/?addressee={world.body_b.id}&status=sent").get_data(as_text=True)
    )
    assert "Рекомендация в срок" in text and "Просроченная рекомендация" not in text
    text = visible_text(client.get("/recommendations/?status=answered").get_data(as_text=True))
    assert "Рекомендация в срок" not in text


# --- from an evaluation ----------------------------------------------------------------------------


def test_an_evaluations_recommendations_become_drafts_each_with_an_addressee(client, world):
    evaluation = db.session.scalars(
        select(Evaluation).where(Evaluation.state == EvaluationState.published).order_by(Evaluation.id)
    ).first()
    assert evaluation is not None, "the demo has a published evaluation"
    evaluation.recommendations = "1. Расширить охват подростков\n\n- Публиковать отчёты ежеквартально\n"
    chair = evaluation.group.chair
    db.session.commit()
    assert ops.split_items(evaluation.recommendations) == [
        "Расширить охват подростков",
        "Публиковать отчёты ежеквартально",
    ]
    login(client, chair.email)
    link = f"/recommendations/from-evaluation/{evaluation.id}"
    assert link in client.get(f"/evaluations/{evaluation.id}").get_data(as_text=True)
    page = client.get(link)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Расширить охват подростков" in html and "Публиковать отчёты ежеквартально" in html
    default = ops.default_addressee(evaluation)
    council = evaluation.group.councils[0]
    due = (today_local() + timedelta(days=30)).isoformat()
    data = {
        "council_id": council.id,
        "items-0-keep": "y",
        "items-0-text": "Расширить охват подростков",
        "items-0-addressee_id": default.id,
        "items-0-due_date": due,
        "items-1-keep": "y",
        "items-1-text": "Публиковать отчёты ежеквартально",
        "items-1-addressee_id": world.body_a.id,
        "items-1-due_date": due,
    }
    before = set(
        db.session.scalars(select(Recommendation.id).where(Recommendation.evaluation_id == evaluation.id))
    )
    response = client.post(f"/recommendations/from-evaluation/{evaluation.id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    made = db.session.scalars(
        select(Recommendation)
        .where(Recommendation.evaluation_id == evaluation.id, Recommendation.id.not_in(before))
        .order_by(Recommendation.id)
    ).all()
    assert [(r.text, r.addressee_id, r.status) for r in made] == [
        ("Расширить охват подростков", default.id, RecommendationStatus.draft),
        ("Публиковать отчёты ежеквартально", world.body_a.id, RecommendationStatus.draft),
    ]
    assert all(r.council_id == council.id for r in made)
    page = client.get(f"/recommendations/{made[0].id}")
    assert page.status_code == 200
    assert f"/evaluations/{evaluation.id}" in page.get_data(as_text=True)  # the source
    client.post("/logout")
    login(client, world.official_a.email)
    assert client.get(f"/recommendations/from-evaluation/{evaluation.id}").status_code in (403, 404)


# --- route × role ----------------------------------------------------------------------------------


def test_routes_by_role(client, world):
    """Who may open each page: 200, 403 (may see it, not do it), 404 (may not know it), 302 (log in)."""
    sent_a = sent(world, world.body_a, "Отправлено органу А")
    draft = ops.draft(world.council, world.body_a, "Черновик А", None, world.secretary)
    db.session.commit()
    routes = {
        "/recommendations/": {"anonymous": 200, "official_a": 200, "official_b": 200, "secretary": 200, "chair": 200, "admin": 200},
        f"/recommendations/{sent_a.id}": {"anonymous": 404, "official_a": 200, "official_b": 404, "secretary": 200, "chair": 200, "admin": 200},
        f"/recommendations/{draft.id}": {"anonymous": 404, "official_a": 404, "official_b": 404, "secretary": 200, "chair": 200, "admin": 200},
        "/recommendations/new": {"anonymous": 302, "official_a": 403, "official_b": 403, "secretary": 200, "chair": 200, "admin": 200},
        f"/recommendations/{draft.id}/edit": {"anonymous": 302, "official_a": 404, "official_b": 404, "secretary": 200, "chair": 200, "admin": 200},
        f"/recommendations/{sent_a.id}/edit": {"anonymous": 302, "official_a": 403, "official_b": 404, "secretary": 403, "chair": 403, "admin": 403},
    }  # fmt: skip
    people = {
        "official_a": world.official_a.email,
        "official_b": world.official_b.email,
        "secretary": world.secretary.email,
        "chair": world.chair.email,
        "admin": "admin@example.kz",
    }
    for role in ("anonymous", *people):
        if role != "anonymous":
            login(client, people[role])
        for url, expected in routes.items():
            assert client.get(url).status_code == expected[role], f"{role} GET {url}"
        if role != "anonymous":
            client.post("/logout")


def test_odd_filters_find_nothing_rather_than_fail(client, api_token, world):
    for query in (
        "year=0000",
        "year=9999",
        "addressee=99999999999",
        "addressee=2147483648",
        "council=99999999999",
        "status=nope",
        "topic=abc",
    ):
        assert client.get(f"/recommendations/?{query}").status_code == 200, query
    for query in ("year=9999", "addressee=99999999999", "addressee=2147483648"):
        answer = client.get(f"/api/v1/recommendations?{query}")
        assert answer.status_code == 200 and answer.get_json()["total"] == 0, query


def test_an_ngo_addressee_finds_its_recommendations_in_its_own_panel(client, world):
    ngo_user = demo_user("ngo")
    rec = sent(world, ngo_user.organisation, "Рекомендация НПО")
    rec.due_date = today_local() - timedelta(days=1)
    db.session.commit()
    login(client, ngo_user.email)
    task = home_task(client, rec)
    assert task is not None and "data-overdue" in task
    html = client.get("/?lang=en").get_data(as_text=True)
    assert html.find('data-role="ngo"') < html.find(f'data-recommendation="{rec.id}"')
    assert 'data-role="official"' not in html
