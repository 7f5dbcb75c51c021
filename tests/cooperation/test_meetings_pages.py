"""Meetings pages: the whole flow through plain form posts (in Kazakh), who sees what, forms keeping input
on error, the minutes PDF in kk and ru (docs/cooperation.md#meetings-and-minutes)."""

import io
import re

import pytest
from sqlalchemy import select

from grants.cooperation.models import Meeting, MeetingState, Recommendation, RecommendationStatus
from grants.extensions import db
from tests.cooperation.meeting_fixtures import government_bodies, kept_councils, meeting_in
from tests.helpers import login, pdf_text, user, visible_text


@pytest.fixture(autouse=True)
def request_context(app):
    """The builders call operations that translate (recommendations.draft): a request around each test."""
    with app.test_request_context("/?lang=en"):
        yield


def text(response) -> str:
    return visible_text(response.get_data(as_text=True))


def meeting_id_of(response) -> int:
    match = re.search(r"/meetings/(\d+)", response.headers.get("Location", ""))
    assert match, response.headers.get("Location")
    return int(match.group(1))


def test_secretary_runs_a_joint_meeting_through_the_forms_in_kazakh(client):
    astana, mvd = kept_councils()
    police, akimat = government_bodies(2)
    login(client, "chair@example.kz")

    page = client.get("/meetings/new?lang=kk")
    assert page.status_code == 200
    assert 'name="councils"' in page.get_data(as_text=True)
    scheduled = client.post(
        "/meetings/new?lang=kk",
        data={
            "title_kk": "Кәмелетке толмағандар арасындағы құқық бұзушылықтардың алдын алу",
            "title_ru": "О профилактике правонарушений среди несовершеннолетних",
            "starts_at": "2026-12-10T10:00",
            "place": "Астана, Бейбітшілік к-сі, 11",
            "number": "3",
            "chaired_by": "Абдрахманова Д. С.",
            "councils": [str(astana.id), str(mvd.id)],
        },
    )
    assert scheduled.status_code == 302, text(scheduled)
    meeting_id = meeting_id_of(scheduled)
    base = f"/meetings/{meeting_id}"

    added = client.post(
        f"{base}/agenda/new?lang=kk",
        data={
            "title_kk": "Астана қаласы полиция департаментінің есебі",
            "title_ru": "Отчёт департамента полиции города Астаны",
            "speaker_name": "Ахметов Ерлан Сапарович",
            "speaker_position": "Начальник департамента полиции",
            "speaker_organisation_id": str(police.id),
            "links": "https://police.gov.kz/report.pdf",
        },
    )
    assert added.status_code == 302, text(added)
    assert client.post(f"{base}/held?lang=kk").status_code == 302

    attendance = client.get(f"{base}/attendance?lang=kk")
    ids = [int(i) for i in re.findall(r'name="present" value="(\d+)"', attendance.get_data(as_text=True))]
    assert len(ids) == 7  # 4 + 3 members
    assert client.post(f"{base}/attendance?lang=kk", data={"present": ids[:-1]}).status_code == 302

    meeting = db.session.get(Meeting, meeting_id)
    item = meeting.agenda[0]
    assert item.speaker_organisation_id == police.id
    assert [m.url for m in item.materials] == ["https://police.gov.kz/report.pdf"]
    saved = client.post(
        f"{base}/agenda/{item.id}/minutes?lang=kk",
        data={"heard": "Полиция есебі тыңдалды.", "discussed": "Талқыланды.", "decided": "Назарға алынсын."},
    )
    assert saved.status_code == 302, text(saved)

    decided = client.post(
        f"{base}/decisions/new?lang=kk",
        data={
            "text": "Профилактикалық жұмысты күшейту ұсынылсын.",
            "agenda_item_id": str(item.id),
            "recommendations-0-council_id": str(astana.id),
            "recommendations-0-addressee_id": str(police.id),
            "recommendations-0-text": "Мектептерде профилактикалық кездесулер өткізу.",
            "recommendations-0-due_date": "2027-03-01",
            "recommendations-1-council_id": str(mvd.id),
            "recommendations-1-addressee_id": str(akimat.id),
            "recommendations-1-text": "Жасөспірімдерге арналған үйірмелер ашу.",
            "recommendations-1-due_date": "2027-04-01",
            "recommendations-2-council_id": str(astana.id),
        },
    )
    assert decided.status_code == 302, text(decided)
    page = client.get(f"{base}?lang=kk")
    assert "Мектептерде профилактикалық кездесулер өткізу." in text(page)
    assert 'id="publish-minutes"' in page.get_data(as_text=True)

    published = client.post(f"{base}/publish?lang=kk")
    assert published.status_code == 302, text(published)

    meeting = db.session.get(Meeting, meeting_id)
    assert meeting.state == MeetingState.published
    recs = db.session.scalars(select(Recommendation).where(Recommendation.meeting_id == meeting_id)).all()
    assert sorted(r.addressee_id for r in recs) == sorted([police.id, akimat.id])
    assert {r.council_id for r in recs} == {astana.id, mvd.id}
    assert all(r.status == RecommendationStatus.sent and r.is_published for r in recs)

    outsider = client.application.test_client()
    public = outsider.get(f"{base}?lang=kk")
    assert public.status_code == 200
    body = text(public)
    assert "Ахметов Ерлан Сапарович" in body and "Жасөспірімдерге арналған үйірмелер ашу." in body
    assert "6" in body  # present 3 of 4 / 3 of 3 shown per council
    kk = pdf_text(outsider.get(f"{base}/minutes.pdf?lang=kk").data)
    assert "Кәмелетке толмағандар арасындағы құқық бұзушылықтардың алдын алу" in " ".join(kk.split())
    assert "Полиция есебі тыңдалды." in kk
    assert "№ 3" in kk and "Абдрахманова Д. С." in kk
    assert "Мектептерде профилактикалық кездесулер өткізу." in " ".join(kk.split())


def test_minutes_pdf_in_russian_lists_attendance_quorum_and_decisions(client, reports_in_all_languages):
    meeting = meeting_in("published", with_recommendations=2)
    meeting_id = meeting.id
    db.session.commit()
    response = client.get(f"/meetings/{meeting_id}/minutes.pdf?lang=ru")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    content = " ".join(pdf_text(response.data).split())
    assert "О профилактике правонарушений среди несовершеннолетних" in content
    assert "Общественный совет города Астаны" in content
    assert "Заслушан отчёт." in content and "Принять к сведению." in content
    assert "Рекомендация 1" in content and "Рекомендация 2" in content
    assert user("member1").full_name in content
    assert client.get(f"/meetings/{meeting_id}/minutes.pdf?lang=xx").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        (None, 404),
        ("ngo", 404),
        ("member2", 404),
        ("member1", 200),
        ("member3", 200),
        ("chair", 200),
        ("admin", 200),
    ],
)
def test_an_unpublished_meeting_is_hidden_from_outsiders(client, who, status):
    meeting = meeting_in("held")
    meeting_id, title = meeting.id, meeting.title_ru
    if who:
        login(client, f"{who}@example.kz")
    assert client.get(f"/meetings/{meeting_id}?lang=ru").status_code == status
    assert client.get(f"/meetings/{meeting_id}/minutes.pdf?lang=ru").status_code == status
    listed = title in text(client.get("/meetings/?lang=ru"))
    assert listed == (status == 200)


def test_published_minutes_are_public(client):
    meeting = meeting_in("published", with_recommendations=1)
    meeting_id = meeting.id
    response = client.get(f"/meetings/{meeting_id}?lang=ru")
    assert response.status_code == 200
    assert "Рекомендация 1" in text(response)
    assert "О профилактике правонарушений среди несовершеннолетних" in text(client.get("/meetings/?lang=ru"))


@pytest.mark.parametrize("who", ["member1", "ngo", "member2"])
def test_only_keepers_change_a_meeting(client, who):
    meeting = meeting_in("held")
    meeting_id, item_id = meeting.id, meeting.agenda[0].id
    login(client, f"{who}@example.kz")
    expected = 403 if who == "member1" else 404  # the member sees the meeting, the others do not
    for url in (
        f"/meetings/{meeting_id}/attendance",
        f"/meetings/{meeting_id}/publish",
        f"/meetings/{meeting_id}/decisions/new",
        f"/meetings/{meeting_id}/agenda/{item_id}/minutes",
        f"/meetings/{meeting_id}/agenda/new",
    ):
        assert client.post(url, data={}).status_code == expected, url
    assert db.session.get(Meeting, meeting_id).state == MeetingState.held


def test_anonymous_is_sent_to_log_in(client):
    assert client.get("/meetings/new").status_code == 302
    assert client.post("/meetings/1/publish").status_code == 302


def test_a_member_who_keeps_nothing_cannot_schedule(client):
    login(client, "member1@example.kz")
    assert client.get("/meetings/new").status_code == 403


def test_the_meeting_form_keeps_input_on_error(client):
    astana, mvd = kept_councils()
    login(client, "chair@example.kz")
    response = client.post(
        "/meetings/new?lang=kk",
        data={"title_kk": "Бірлескен отырыс туралы", "place": "Ақорда", "councils": [str(astana.id)]},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="Бірлескен отырыс туралы"' in html and 'value="Ақорда"' in html
    boxes = re.findall(r'<input[^>]*name="councils"[^>]*>', html)
    assert [b for b in boxes if "checked" in b] == [b for b in boxes if f'value="{astana.id}"' in b]
    assert 'id="error-summary"' in html


def test_the_decision_form_puts_each_recommendations_message_beside_its_row(client):
    meeting = meeting_in("ready")
    meeting_id = meeting.id
    astana = meeting.councils[0]
    police = government_bodies(1)[0]
    login(client, "chair@example.kz")
    response = client.post(
        f"/meetings/{meeting_id}/decisions/new?lang=ru",
        data={
            "text": "Решение о профилактике",
            "recommendations-0-council_id": str(astana.id),
            "recommendations-0-addressee_id": str(police.id),
            "recommendations-0-text": "Первая рекомендация",
            "recommendations-0-due_date": "2027-01-01",
            "recommendations-2-council_id": str(astana.id),
            "recommendations-2-text": "Без адресата",
            "recommendations-2-due_date": "2027-02-01",
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="recommendations-2-addressee_id-error"' in html
    assert 'id="recommendations-0-addressee_id-error"' not in html
    assert "Первая рекомендация" in html and "Без адресата" in html and "Решение о профилактике" in html
    assert (
        db.session.scalars(select(Recommendation).where(Recommendation.meeting_id == meeting_id)).all() == []
    )


def test_publishing_an_incomplete_meeting_answers_409_with_the_reason(client):
    meeting = meeting_in("held")
    meeting_id = meeting.id
    login(client, "chair@example.kz")
    response = client.post(f"/meetings/{meeting_id}/publish?lang=en")
    assert response.status_code == 409
    assert "Record the attendance first." in text(response)


def test_filters_of_the_list(client):
    meeting = meeting_in("published")
    astana, mvd = meeting.councils
    title = meeting.title_ru
    assert title in text(client.get(f"/meetings/?council={mvd.id}&year=2026&state=published&lang=ru"))
    assert title not in text(client.get("/meetings/?year=2025&lang=ru"))
    assert title not in text(client.get("/meetings/?state=scheduled&lang=ru"))
    assert client.get("/meetings/?council=abc&year=x&state=zzz").status_code == 200


def test_materials_files_are_served_to_those_who_see_the_meeting(client):
    meeting = meeting_in("scheduled")
    meeting_id, item_id = meeting.id, meeting.agenda[0].id
    login(client, "chair@example.kz")
    pdf = b"%PDF-1.4\n% report of the police department\n%%EOF\n"
    response = client.post(
        f"/meetings/{meeting_id}/agenda/{item_id}/edit",
        data={
            "title_ru": "Отчёт департамента полиции",
            "speaker_name": "Ахметов Е. С.",
            "files": (io.BytesIO(pdf), "report.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text(response)
    material = db.session.get(Meeting, meeting_id).agenda[0].materials[0]
    assert material.filename == "report.pdf"
    download = client.get(f"/meetings/materials/{material.id}")
    try:
        assert download.data == pdf
    finally:
        download.close()
    assert client.application.test_client().get(f"/meetings/materials/{material.id}").status_code == 404


def test_edit_a_scheduled_meeting_and_cancel_it(client):
    meeting = meeting_in("scheduled")
    meeting_id = meeting.id
    astana = meeting.councils[0]
    login(client, "chair@example.kz")
    form = client.get(f"/meetings/{meeting_id}/edit?lang=ru")
    assert form.status_code == 200 and 'value="2026-12-10T10:00"' in form.get_data(as_text=True)
    saved = client.post(
        f"/meetings/{meeting_id}/edit",
        data={
            "title_ru": "Новое название",
            "starts_at": "2026-12-11T15:30",
            "off_site": "y",
            "councils": [str(astana.id)],
        },
    )
    assert saved.status_code == 302, text(saved)
    meeting = db.session.get(Meeting, meeting_id)
    assert (meeting.title_ru, meeting.off_site, [c.id for c in meeting.councils]) == (
        "Новое название",
        True,
        [astana.id],
    )
    assert client.post(f"/meetings/{meeting_id}/cancel").status_code == 302
    assert db.session.get(Meeting, meeting_id).state == MeetingState.cancelled
    assert client.post(f"/meetings/{meeting_id}/held").status_code == 409
    assert client.get(f"/meetings/{meeting_id}/edit").status_code == 200  # shown, but saving is refused
    refused = client.post(
        f"/meetings/{meeting_id}/edit",
        data={"title_ru": "Ещё", "starts_at": "2026-12-11T15:30", "councils": [str(astana.id)]},
    )
    assert refused.status_code == 409


def test_invite_a_person_keeps_input_on_error(client):
    meeting = meeting_in("scheduled")
    meeting_id = meeting.id
    login(client, "chair@example.kz")
    refused = client.post(f"/meetings/{meeting_id}/participants", data={"position": "Акимат"})
    assert refused.status_code == 422 and 'value="Акимат"' in refused.get_data(as_text=True)
    added = client.post(
        f"/meetings/{meeting_id}/participants",
        data={"name": "Садыкова А. Б.", "position": "Управление образования"},
    )
    assert added.status_code == 302
    assert "Садыкова А. Б." in text(client.get(f"/meetings/{meeting_id}"))


def test_a_meeting_needs_a_council(client):
    kept_councils()
    login(client, "chair@example.kz")
    response = client.post(
        "/meetings/new?lang=en", data={"title_ru": "Заседание", "starts_at": "2026-12-10T10:00"}
    )
    assert response.status_code == 422
    assert 'id="councils-error"' in response.get_data(as_text=True)
    assert "Choose at least one council." in text(response)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_form_of_a_held_meeting_renders(client, lang):
    meeting = meeting_in("held")
    meeting_id, item_id = meeting.id, meeting.agenda[0].id
    login(client, "chair@example.kz")
    for url in (
        f"/meetings/{meeting_id}",
        f"/meetings/{meeting_id}/agenda/new",
        f"/meetings/{meeting_id}/agenda/{item_id}/edit",
        f"/meetings/{meeting_id}/attendance",
        f"/meetings/{meeting_id}/agenda/{item_id}/minutes",
        f"/meetings/{meeting_id}/decisions/new",
        "/meetings/",
        "/meetings/new",
    ):
        response = client.get(f"{url}?lang={lang}")
        assert response.status_code == 200, url
        assert f'<html lang="{lang}"' in response.get_data(as_text=True), url
    html = client.get(f"/meetings/{meeting_id}/decisions/new?lang={lang}").get_data(as_text=True)
    for name in ("text", "agenda_item_id", "recommendations-0-addressee_id", "recommendations-1-due_date"):
        assert f'name="{name}"' in html and f'id="{name}"' in html, name
