"""Information work and the public feed (docs/cooperation.md#working-groups-experts-and-information-work)."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from grants.cooperation import information as ops
from grants.cooperation.models import (
    InformationItem,
    InformationKind,
    MeetingState,
    Recommendation,
    RecommendationStatus,
)
from grants.core.errors import RuleViolation
from grants.extensions import db
from grants.organisations.models import Organisation
from tests.cooperation.groups_setup import make_meeting, make_people, make_plan
from tests.cooperation.test_groups import actions
from tests.factories import any_of, count, text_of
from tests.helpers import login


@pytest.fixture
def people(app):
    with app.test_request_context("/"):
        yield make_people()


def item_data(people, **changes) -> dict:
    data = {
        "kind": "explanatory_meeting",
        "title_ru": "Встреча в школе №5",
        "title_kk": "№5 мектептегі кездесу",
        "title_en": "Meeting at school 5",
        "held_on": date(2026, 3, 10),
        "audience": "Pupils of grades 8-11",
        "reach": 120,
        "url": "https://example.kz/news/5",
        "council_id": people.council_a.id,
        "activity_id": None,
    }
    data.update(changes)
    return data


def form_data(people, **changes) -> dict:
    data = {k: ("" if v is None else v) for k, v in item_data(people).items()}
    data["held_on"] = "2026-03-10"
    data.update(changes)
    return data


# --- operations --------------------------------------------------------------------------------------------


def test_a_keeper_records_and_publishes_an_item_once(people):
    _plan, activity = make_plan(people)
    item = ops.create_item(people.secretary_a, item_data(people, activity_id=activity.id))
    assert (
        item.kind == InformationKind.explanatory_meeting and item.reach == 120 and item.published_at is None
    )
    ops.publish_item(item, people.secretary_a)
    assert item.published_at is not None
    with pytest.raises(RuleViolation) as refused:
        ops.publish_item(item, people.secretary_a)
    assert refused.value.status == 409
    assert actions(item) == ["information.create", "information.publish"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reach": -1}, "reach"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "ftp://example.kz/x"}, "url"),
        ({"kind": "rumour"}, "kind"),
        ({"title_ru": " "}, "title_ru"),
        ({"held_on": None}, "held_on"),
        ({"council_id": None}, "council_id"),
    ],
)
def test_invalid_items_are_refused(people, changes, field):
    with pytest.raises(RuleViolation) as refused:
        ops.create_item(people.secretary_a, item_data(people, **changes))
    assert refused.value.status == 422 and field in refused.value.fields


def test_only_the_councils_keepers_record_and_publish(people):
    with pytest.raises(RuleViolation) as refused:
        ops.create_item(people.secretary_b, item_data(people))  # council A is not B's secretary's
    assert "council_id" in refused.value.fields
    with pytest.raises(RuleViolation):
        ops.create_item(people.member_a, item_data(people))
    item = ops.create_item(people.secretary_a, item_data(people))
    for who in (people.secretary_b, people.member_a):
        with pytest.raises(RuleViolation) as refused:
            ops.publish_item(item, who)
        assert refused.value.status == 403


def test_an_activity_must_be_of_a_plan_of_the_council(people):
    _plan, activity = make_plan(people)
    activity.plan.councils = [people.council_b]
    with pytest.raises(RuleViolation) as refused:
        ops.create_item(people.secretary_a, item_data(people, activity_id=activity.id))
    assert "activity_id" in refused.value.fields


# --- pages -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees_draft", "may_edit"),
    [
        ("anonymous", False, False),
        ("member_a", True, False),
        ("secretary_a", True, True),
        ("secretary_b", False, False),  # the other council's secretary
    ],
)
def test_the_list_shows_drafts_to_the_councils_people_only(client, people, who, sees_draft, may_edit):
    draft = ops.create_item(people.secretary_a, item_data(people, title_ru="Черновик", title_en="Draft item"))
    published = ops.publish_item(
        ops.create_item(
            people.secretary_a, item_data(people, title_ru="Опубликовано", title_en="Published item")
        ),
        people.secretary_a,
    )
    db.session.commit()
    if who != "anonymous":
        login(client, people.email(who))
    html = text_of(client.get("/information/?lang=en"))
    assert ("Черновик" in html or "Draft item" in html) == sees_draft
    assert "Опубликовано" in html or "Published item" in html
    assert (f"/information/{draft.id}/edit" in html) == may_edit
    expected = 200 if may_edit else (302 if who == "anonymous" else (404 if not sees_draft else 403))
    assert client.get(f"/information/{draft.id}/edit").status_code == expected
    response = client.post(f"/information/{published.id}/publish")
    assert response.status_code in ((302,) if who == "anonymous" else (409, 403))


def test_the_form_keeps_the_input_on_error_and_saves(client, people):
    db.session.commit()
    login(client, people.email("secretary_a"))
    assert client.get("/information/new").status_code == 200
    response = client.post(
        "/information/new", data=form_data(people, reach="-5", url="nota url", audience="Typed audience")
    )
    assert response.status_code == 422
    html = text_of(response)
    assert "Typed audience" in html and "nota url" in html and "error-summary" in html
    assert count(InformationItem, InformationItem.audience == "Typed audience") == 0
    response = client.post("/information/new", data=form_data(people, url="javascript:alert(1)"))
    assert response.status_code == 422 and "javascript:alert(1)" in text_of(response)
    response = client.post("/information/new", data=form_data(people))
    assert response.status_code == 302
    item = db.session.scalar(select(InformationItem).where(InformationItem.title_en == "Meeting at school 5"))
    assert item.reach == 120 and item.council_id == people.council_a.id
    assert client.post(f"/information/{item.id}/publish").status_code == 302
    assert db.session.get(InformationItem, item.id).published_at is not None
    assert client.post(f"/information/{item.id}/publish").status_code == 409


def test_members_and_outsiders_may_not_record(client, people):
    db.session.commit()
    assert client.get("/information/new").status_code == 302
    login(client, people.email("member_a"))
    assert client.get("/information/new").status_code == 403
    assert client.post("/information/new", data=form_data(people)).status_code == 403


# --- the public feed ---------------------------------------------------------------------------------------


def at(days: int) -> datetime:
    """Moments after anything the demo holds, so that the test's entries come first in the feed."""
    return datetime(2036, 11, 1, 12, tzinfo=UTC) + timedelta(days=days)


def fill_feed(people):
    """One entry of each kind at known moments, and one unpublished thing of each kind."""
    info = ops.create_item(people.secretary_a, item_data(people, title_en="Feed info", title_ru="Лента инфо"))
    info.published_at = at(1)
    ops.create_item(
        people.secretary_a, item_data(people, title_en="Unpublished info", title_ru="Неопубл. инфо")
    )
    minutes = make_meeting(people)
    minutes.title_ru, minutes.title_en = "Протокол ленты", "Feed minutes"
    minutes.state, minutes.published_at = MeetingState.published, at(3)
    held = make_meeting(people)
    held.title_ru, held.title_en, held.state = "Проведено", "Held meeting", MeetingState.held
    plan, _activity = make_plan(people, published=True)
    plan.title_ru, plan.title_en, plan.published_at = "План ленты", "Feed plan", at(2)
    draft_plan, _ = make_plan(people)
    draft_plan.title_ru, draft_plan.title_en = "Черновой план", "Draft plan"
    addressee = any_of(Organisation)

    def rec(text, status, published=None, responded=None):
        item = Recommendation(
            council=people.council_a,
            addressee=addressee,
            text=text,
            status=status,
            published_at=published,
            responded_at=responded,
            response="Answer" if responded else None,
        )
        db.session.add(item)
        return item

    rec("Feed answered recommendation", RecommendationStatus.answered, published=at(0), responded=at(4))
    rec("Feed unanswered recommendation", RecommendationStatus.sent, published=at(5))
    rec("Feed unpublished recommendation", RecommendationStatus.implemented, responded=at(6))
    db.session.flush()


def test_the_feed_holds_published_work_newest_first(app, people):
    fill_feed(people)
    entries, total = ops.feed(1, 50)
    ours = [e for e in entries if e.at >= at(0)]
    titles = [getattr(e.obj, "title_en", None) or e.obj.text for e in ours]
    assert titles == ["Feed answered recommendation", "Feed minutes", "Feed plan", "Feed info"]
    assert [e.kind for e in ours] == ["recommendation", "minutes", "plan", "information"]
    assert total >= 4
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)


def test_the_feed_page_is_public_paginated_and_translated(client, people):
    fill_feed(people)
    db.session.commit()
    html = text_of(client.get("/feed?lang=en"))
    for shown in ("Feed info", "Feed minutes", "Feed plan", "Feed answered recommendation"):
        assert shown in html
    for hidden in (
        "Unpublished info",
        "Held meeting",
        "Draft plan",
        "unanswered",
        "unpublished recommendation",
    ):
        assert hidden not in html
    assert html.index("Feed answered recommendation") < html.index("Feed minutes") < html.index("Feed plan")
    ru = text_of(client.get("/feed?lang=ru"))
    assert "Протокол ленты" in ru and "План ленты" in ru
    kk = client.get("/feed?lang=kk")
    assert kk.status_code == 200
    assert client.get("/feed?page=999").status_code == 404
    assert client.get("/feed?page=abc").status_code == 200  # a bad page number is the first page


def test_the_feed_as_json(client, people):
    fill_feed(people)
    db.session.commit()
    document = client.get("/feed.json?lang=en").get_json()
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    ours = [i for i in document["items"] if i["date_published"] >= at(0).isoformat()]
    assert [i["title"] for i in ours] == [
        "Feed answered recommendation",
        "Feed minutes",
        "Feed plan",
        "Feed info",
    ]
    assert ours[-1]["url"] == "https://example.kz/news/5" and ours[-1]["tags"] == ["information"]
    assert all("unpublished" not in i["title"].lower() for i in document["items"])


def test_editing_an_item_through_the_form(client, people):
    item = ops.create_item(people.secretary_a, item_data(people))
    db.session.commit()
    login(client, people.email("secretary_a"))
    page = text_of(client.get(f"/information/{item.id}/edit"))
    assert "Pupils of grades 8-11" in page
    assert re.search(
        r"<option selected value=\"explanatory_meeting\"|value=\"explanatory_meeting\" selected", page
    ), page[:0]
    response = client.post(f"/information/{item.id}/edit", data=form_data(people, kind="media", reach="abc"))
    assert response.status_code == 422
    response = client.post(f"/information/{item.id}/edit", data=form_data(people, kind="media", reach="300"))
    assert response.status_code == 302
    changed = db.session.get(InformationItem, item.id)
    assert changed.kind == InformationKind.media and changed.reach == 300
    assert actions(changed) == ["information.create", "information.edit"]
