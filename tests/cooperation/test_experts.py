"""Expert support: experts attached to an activity, a meeting or an evaluation, with their conclusions
(docs/cooperation.md#working-groups-experts-and-information-work)."""

from datetime import timedelta

import pytest
from flask import render_template_string
from flask_login import login_user, logout_user
from sqlalchemy import select

from grants.cooperation import experts as ops
from grants.cooperation.models import Expert
from grants.core.errors import RuleViolation, today_local
from grants.extensions import db
from tests.cooperation.groups_setup import make_meeting, make_people, make_plan
from tests.cooperation.test_groups import actions
from tests.factories import count, text_of
from tests.helpers import login, user


@pytest.fixture
def people(app):
    with app.test_request_context("/"):
        yield make_people()


def test_a_keeper_attaches_a_member_and_an_invited_expert_to_an_activity(people):
    _plan, activity = make_plan(people)
    member = ops.add_expert(
        activity, people.secretary_b, member_id=people.member_a.id, qualification="Lawyer"
    )
    invited = ops.add_expert(
        activity,
        people.secretary_a,
        name="Dr. Invited",
        qualification="Narcologist",
        conclusion="Prevention works in schools.",
        links=["https://example.kz/conclusion.pdf"],
    )
    assert member.display_name == "Член А" and member.activity_id == activity.id
    assert invited.display_name == "Dr. Invited" and invited.concluded_on == today_local()
    assert [d.url for d in invited.documents] == ["https://example.kz/conclusion.pdf"]


def test_an_expert_is_a_member_or_a_name_and_the_rest_is_checked(people):
    meeting = make_meeting(people)
    with pytest.raises(RuleViolation) as refused:
        ops.add_expert(meeting, people.secretary_a)
    assert refused.value.status == 422 and "name" in refused.value.fields
    with pytest.raises(RuleViolation) as refused:
        ops.add_expert(meeting, people.secretary_a, member_id=people.member_a.id, name="Both")
    assert "name" in refused.value.fields
    with pytest.raises(RuleViolation) as refused:
        ops.add_expert(
            meeting,
            people.secretary_a,
            name="X",
            conclusion="C",
            concluded_on=today_local() + timedelta(days=1),
        )
    assert "concluded_on" in refused.value.fields
    with pytest.raises(RuleViolation) as refused:
        ops.add_expert(meeting, people.secretary_a, name="X" * 301)
    assert "name" in refused.value.fields


def test_only_the_owners_keepers_attach_experts(people):
    meeting = make_meeting(people, councils=[people.council_a])
    for who in (people.secretary_b, people.member_a, people.outsider):
        with pytest.raises(RuleViolation) as refused:
            ops.add_expert(meeting, who, name="Someone")
        assert refused.value.status == 403
    assert ops.add_expert(meeting, people.secretary_a, name="Someone").meeting_id == meeting.id


def test_an_evaluations_experts_are_attached_by_the_groups_chair_or_an_admin(app, people):
    evaluation = db.session.scalars(
        select(ops.Evaluation)
        .where(ops.Evaluation.group.has(chair_id=user("chair").id))
        .order_by(ops.Evaluation.id)
    ).first()
    assert evaluation is not None
    assert not ops.may_attach(evaluation, user("member1"))
    assert not ops.may_attach(evaluation, people.secretary_a)
    assert ops.may_attach(evaluation, user("admin"))
    expert = ops.add_expert(evaluation, user("chair"), name="Auditor", conclusion="Sound.")
    assert expert.evaluation_id == evaluation.id
    assert ops.experts_of(evaluation) == [expert]
    assert actions(expert) == ["expert.add"]


def test_conclude_and_remove(people):
    meeting = make_meeting(people)
    expert = ops.add_expert(meeting, people.secretary_a, name="Late expert")
    ops.conclude(expert, people.secretary_a, "Written later.")
    assert expert.conclusion == "Written later." and expert.concluded_on == today_local()
    with pytest.raises(RuleViolation):
        ops.conclude(expert, people.secretary_b, "Other")
    expert_id = expert.id
    ops.remove_expert(expert, people.secretary_a)
    assert count(Expert, Expert.id == expert_id) == 0


def test_the_partial_lists_experts_and_offers_the_form_to_keepers(app, people):
    meeting = make_meeting(people)
    expert = ops.add_expert(
        meeting,
        people.secretary_a,
        name="Dr. Partial",
        qualification="Sociologist",
        conclusion="Fine.",
        links=["https://example.kz/c.pdf"],
    )
    source = "{% include 'cooperation/_experts.html' %}"
    with app.test_request_context("/"):
        login_user(people.secretary_a)
        html = render_template_string(source, experts=[expert], owner=meeting)
    assert "Dr. Partial" in html and "Sociologist" in html and "Fine." in html
    assert f"/experts/{expert.id}/documents/" in html
    assert f"/experts/new/meeting/{meeting.id}" in html
    with app.test_request_context("/"):
        logout_user()
        html = render_template_string(source, experts=[expert], owner=meeting)
    assert f"/experts/new/meeting/{meeting.id}" not in html  # anonymous: no link


@pytest.mark.parametrize(
    ("who", "status"),
    [("secretary_a", 200), ("secretary_b", 200), ("member_a", 403), ("outsider", 403)],
)
def test_who_opens_the_add_expert_form_of_an_activity(client, people, who, status):
    _plan, activity = make_plan(people)
    db.session.commit()
    login(client, people.email(who))
    # The plan is a draft: people of its councils see it (403 to forbid), others do not (404).
    expected = 404 if who == "outsider" else status
    assert client.get(f"/experts/new/activity/{activity.id}").status_code == expected


def test_the_form_keeps_the_input_and_attaches(client, people):
    meeting = make_meeting(people)
    db.session.commit()
    assert client.get(f"/experts/new/meeting/{meeting.id}").status_code == 302  # anonymous: log in
    login(client, people.email("secretary_a"))
    response = client.post(
        f"/experts/new/meeting/{meeting.id}",
        data={
            "user_id": "",
            "name": "",
            "qualification": "Typed qualification",
            "conclusion": "Typed conclusion",
        },
    )
    assert response.status_code == 422
    html = text_of(response)
    assert "Typed qualification" in html and "Typed conclusion" in html and "error-summary" in html
    response = client.post(
        f"/experts/new/meeting/{meeting.id}",
        data={"user_id": people.member_a.id, "qualification": "Teacher", "links": "https://example.kz/x\n"},
    )
    assert response.status_code == 302
    expert = db.session.scalar(select(Expert).where(Expert.meeting_id == meeting.id))
    assert expert.user_id == people.member_a.id and [d.url for d in expert.documents] == [
        "https://example.kz/x"
    ]
    document = client.get(f"/experts/{expert.id}/documents/{expert.documents[0].id}")
    assert document.status_code == 302 and document.headers["Location"] == "https://example.kz/x"


def test_an_experts_documents_are_seen_as_the_owner_is(client, people):
    meeting = make_meeting(people)  # scheduled: seen by the people of council A only
    expert = ops.add_expert(meeting, people.secretary_a, name="Hidden", links=["https://example.kz/h"])
    url = f"/experts/{expert.id}/documents/{expert.documents[0].id}"
    db.session.commit()
    assert client.get(url).status_code == 404
    login(client, people.email("member_b"))
    assert client.get(url).status_code == 404
    client.post("/logout")
    login(client, people.email("member_a"))
    assert client.get(url).status_code == 302


def test_the_conclusion_is_written_later_and_the_expert_removed_through_the_pages(client, people):
    meeting = make_meeting(people)
    expert = ops.add_expert(meeting, people.secretary_a, name="Later")
    expert_id = expert.id
    db.session.commit()
    login(client, people.email("member_a"))
    assert client.get(f"/experts/{expert_id}/conclusion").status_code == 403
    assert client.post(f"/experts/{expert_id}/remove").status_code == 403
    client.post("/logout")
    login(client, people.email("secretary_a"))
    response = client.post(
        f"/experts/{expert_id}/conclusion", data={"conclusion": "", "links": "https://example.kz/l"}
    )
    assert response.status_code == 422 and "https://example.kz/l" in text_of(response)
    response = client.post(
        f"/experts/{expert_id}/conclusion",
        data={"conclusion": "The measures work.", "links": "https://example.kz/l"},
    )
    assert response.status_code == 302
    expert = db.session.get(Expert, expert_id)
    assert expert.conclusion == "The measures work." and [d.url for d in expert.documents] == [
        "https://example.kz/l"
    ]
    assert client.post(f"/experts/{expert_id}/remove").status_code == 302
    assert count(Expert, Expert.id == expert_id) == 0
