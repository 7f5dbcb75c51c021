"""Working groups: operations, pages, permissions, validation, overdue tasks
(docs/cooperation.md#working-groups-experts-and-information-work)."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from grants.audit.models import AuditEvent
from grants.cooperation import groups as ops
from grants.cooperation.models import Attachment, WorkingGroup, WorkingGroupMember, WorkingGroupTask
from grants.core.errors import RuleViolation, today_local
from grants.extensions import db
from tests.cooperation.groups_setup import make_group, make_people, make_plan, make_task
from tests.factories import count, text_of
from tests.helpers import login


@pytest.fixture
def people(app):
    with app.test_request_context("/"):
        yield make_people()


def actions(obj) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == type(obj).__name__, AuditEvent.object_id == obj.id)
            .order_by(AuditEvent.id)
        )
    )


# --- operations --------------------------------------------------------------------------------------------


def test_a_secretary_forms_a_group_of_two_councils_with_a_lead(people):
    group = ops.save_group(
        None,
        people.secretary_a,
        {
            "name_ru": "Группа",
            "name_kk": "Топ",
            "councils": [people.council_a.id, people.council_b.id],
            "lead_id": people.member_b.id,
            "mandate": "Drug prevention",
        },
    )
    assert [c.id for c in group.councils] == [people.council_a.id, people.council_b.id]
    assert group.lead_id == people.member_b.id
    # The lead joins the group as a member of the council they belong to.
    assert [(m.user_id, m.council_id) for m in group.memberships] == [
        (people.member_b.id, people.council_b.id)
    ]
    assert actions(group) == ["working_group.create"]


def test_a_group_needs_a_council_the_user_keeps(people):
    with pytest.raises(RuleViolation) as refused:
        ops.save_group(
            None, people.member_a, {"name_ru": "Г", "name_kk": "Т", "councils": [people.council_a.id]}
        )
    assert refused.value.status == 422 and "councils" in refused.value.fields
    with pytest.raises(RuleViolation) as refused:
        ops.save_group(None, people.secretary_a, {"name_ru": "", "name_kk": "Т", "councils": []})
    assert set(refused.value.fields) >= {"name_ru", "councils"}


def test_the_lead_must_belong_to_one_of_the_councils(people):
    with pytest.raises(RuleViolation) as refused:
        ops.save_group(
            None,
            people.secretary_a,
            {
                "name_ru": "Г",
                "name_kk": "Т",
                "councils": [people.council_a.id],
                "lead_id": people.outsider.id,
            },
        )
    assert "lead_id" in refused.value.fields


def test_members_come_from_the_groups_councils_once(people):
    group = make_group(people)
    membership = ops.add_member(group, people.secretary_b, people.member_b.id, None)
    assert membership.council_id == people.council_b.id
    with pytest.raises(RuleViolation) as refused:
        ops.add_member(group, people.secretary_a, people.member_b.id, None)
    assert refused.value.status == 409
    with pytest.raises(RuleViolation) as refused:
        ops.add_member(group, people.secretary_a, people.outsider.id, None)
    assert refused.value.status == 422 and "user_id" in refused.value.fields
    with pytest.raises(RuleViolation) as refused:
        ops.add_member(group, people.secretary_a, people.member_a.id, people.council_b.id)
    assert "council_id" in refused.value.fields
    with pytest.raises(RuleViolation) as refused:
        ops.add_member(group, people.member_a, people.member_a.id, None)
    assert refused.value.status == 403
    ops.remove_member(group, people.secretary_a, membership.id)
    assert [m.user_id for m in group.memberships] == []
    assert actions(group) == ["working_group.member_add", "working_group.member_remove"]


def test_the_lead_adds_tasks_but_does_not_change_the_group(people):
    group = make_group(people, lead=people.member_a)
    task = ops.add_task(
        group, people.member_a, "Survey schools", today_local() + timedelta(days=10), people.member_a.id
    )
    assert task.group_id == group.id and task.responsible_id == people.member_a.id
    with pytest.raises(RuleViolation) as refused:
        ops.add_member(group, people.member_a, people.member_b.id, None)
    assert refused.value.status == 403
    with pytest.raises(RuleViolation) as refused:
        ops.add_task(group, people.member_b, "X", today_local(), None)
    assert refused.value.status == 403


def test_a_task_needs_a_title_a_deadline_and_a_responsible_member(people):
    group = make_group(people, lead=people.member_a)
    with pytest.raises(RuleViolation) as refused:
        ops.add_task(group, people.secretary_a, " ", None, people.outsider.id)
    assert set(refused.value.fields) == {"title", "due_date", "responsible_id"}


def test_a_task_links_to_an_activity_of_a_plan_of_the_groups_councils(people):
    group = make_group(people, lead=people.member_a)
    _plan, activity = make_plan(people)
    task = ops.add_task(group, people.secretary_a, "Review", today_local(), None, activity.id)
    assert task.activity_id == activity.id
    other = make_group(people, councils=[])
    other.councils = []
    with pytest.raises(RuleViolation) as refused:
        ops.add_task(other, people.secretary_a, "Review", today_local(), None, activity.id)
    assert refused.value.status in (403, 422)


def test_completing_a_task_records_the_output_and_documents_once(people):
    group = make_group(people, lead=people.member_a)
    task = make_task(group, today_local() - timedelta(days=3), people.member_a)
    assert ops.is_overdue(task)
    ops.complete_task(task, people.member_a, "Review written.", links=["https://example.kz/review.pdf"])
    assert task.done_on == today_local() and task.output == "Review written."
    assert [d.url for d in task.documents] == ["https://example.kz/review.pdf"]
    assert not ops.is_overdue(task)
    with pytest.raises(RuleViolation) as refused:
        ops.complete_task(task, people.member_a, "Again")
    assert refused.value.status == 409
    assert actions(task) == ["working_group.task_complete"]


def test_completing_needs_an_output_and_the_right_person(people):
    group = make_group(people, lead=people.member_a)
    task = make_task(group, today_local(), people.member_a)
    with pytest.raises(RuleViolation) as refused:
        ops.complete_task(task, people.member_b, "Done")
    assert refused.value.status == 403
    with pytest.raises(RuleViolation) as refused:
        ops.complete_task(task, people.member_a, "  ")
    assert refused.value.status == 422 and "output" in refused.value.fields
    with pytest.raises(RuleViolation) as refused:
        ops.complete_task(task, people.member_a, "Done", done_on=today_local() + timedelta(days=1))
    assert "done_on" in refused.value.fields
    with pytest.raises(RuleViolation) as refused:
        ops.complete_task(task, people.member_a, "Done", links=["ftp://example.kz/x"])
    assert "links" in refused.value.fields


def test_overdue_is_derived_from_the_deadline_and_the_done_date(people):
    group = make_group(people)
    today = today_local()
    assert ops.is_overdue(make_task(group, today - timedelta(days=1)), today)
    assert not ops.is_overdue(make_task(group, today), today)
    done = make_task(group, today - timedelta(days=5))
    done.done_on = today - timedelta(days=6)
    assert not ops.is_overdue(done, today)


# --- pages and permissions ---------------------------------------------------------------------------------


def test_the_list_and_the_page_are_public(client, people):
    group = make_group(people, lead=people.member_a)
    make_task(group, today_local() - timedelta(days=2), people.member_a, title="Overdue review")
    make_task(group, today_local() + timedelta(days=2), people.member_a, title="Future review")
    db.session.commit()
    listing = client.get("/working-groups/")
    assert listing.status_code == 200
    assert "Рабочая группа по профилактике" in text_of(listing) or "Prevention working group" in text_of(
        listing
    )
    page = client.get(f"/working-groups/{group.id}")
    html = text_of(page)
    assert page.status_code == 200
    assert "Overdue review" in html and "Future review" in html
    assert html.count("badge text-bg-danger") == 1  # the overdue task only
    assert "Член А" in html and "Совет А" in html
    assert f"/working-groups/{group.id}/edit" not in html  # anonymous: nothing to change
    assert client.get(f"/working-groups/{group.id}/edit").status_code == 302  # to the login page
    assert client.post(f"/working-groups/{group.id}/members", data={}).status_code == 302


@pytest.mark.parametrize(
    ("who", "edit", "task", "new"),
    [
        ("secretary_a", 200, 200, 200),
        ("secretary_b", 200, 200, 200),  # keeps the other council of the joint group
        ("member_a", 403, 200, 403),  # the lead: tasks only
        ("member_b", 403, 403, 403),
        ("outsider", 403, 403, 403),
    ],
)
def test_who_may_open_the_forms(client, people, who, edit, task, new):
    group = make_group(people, lead=people.member_a)
    db.session.commit()
    login(client, people.email(who))
    assert client.get(f"/working-groups/{group.id}/edit").status_code == edit
    assert client.get(f"/working-groups/{group.id}/tasks/new").status_code == task
    assert client.get("/working-groups/new").status_code == new


def test_another_councils_secretary_cannot_change_a_group_of_other_councils(client, people):
    group = make_group(people, councils=[people.council_a])
    db.session.commit()
    login(client, people.email("secretary_b"))
    assert client.get(f"/working-groups/{group.id}/edit").status_code == 403
    response = client.post(f"/working-groups/{group.id}/members", data={"member-user_id": people.member_a.id})
    assert response.status_code == 403
    assert count(WorkingGroupMember, WorkingGroupMember.group_id == group.id) == 0


def test_creating_through_the_form_keeps_the_input_on_error(client, people):
    db.session.commit()
    login(client, people.email("secretary_a"))
    response = client.post(
        "/working-groups/new",
        data={"name_ru": "", "name_kk": "Жұмыс тобы жастар", "mandate": "Typed mandate", "councils": []},
    )
    assert response.status_code == 422
    html = text_of(response)
    assert "Жұмыс тобы жастар" in html and "Typed mandate" in html
    assert "error-summary" in html
    response = client.post(
        "/working-groups/new",
        data={
            "name_ru": "Группа по наркопрофилактике",
            "name_kk": "Нашақорлықтың алдын алу тобы",
            "councils": [people.council_a.id, people.council_b.id],
            "lead_id": people.member_a.id,
            "active": "y",
        },
    )
    assert response.status_code == 302
    group = db.session.scalar(
        select(WorkingGroup).where(WorkingGroup.name_ru == "Группа по наркопрофилактике")
    )
    assert group is not None and group.lead_id == people.member_a.id


def test_a_council_the_secretary_does_not_keep_is_refused_keeping_input(client, people):
    db.session.commit()
    login(client, people.email("secretary_b"))
    # council A is not among secretary B's choices: the form refuses it and keeps the names.
    response = client.post(
        "/working-groups/new",
        data={"name_ru": "Чужая группа", "name_kk": "Бөгде топ", "councils": [people.council_a.id]},
    )
    assert response.status_code == 422
    assert "Чужая группа" in text_of(response)
    assert count(WorkingGroup, WorkingGroup.name_ru == "Чужая группа") == 0


def test_adding_a_member_through_the_page(client, people):
    group = make_group(people, lead=people.member_a)
    db.session.commit()
    login(client, people.email("secretary_a"))
    page = text_of(client.get(f"/working-groups/{group.id}"))
    assert "Член Б" in page  # offered: a member of council B
    assert "Посторонний" not in page
    response = client.post(
        f"/working-groups/{group.id}/members",
        data={"member-user_id": people.member_b.id, "member-council_id": ""},
    )
    assert response.status_code == 302
    assert {m.user_id for m in db.session.get(WorkingGroup, group.id).memberships} == {
        people.member_a.id,
        people.member_b.id,
    }
    # Refused: not a member of the councils (not among the choices) -> 422 on the group page.
    response = client.post(f"/working-groups/{group.id}/members", data={"member-user_id": people.outsider.id})
    assert response.status_code == 422
    assert "error-summary" in text_of(response)


def test_removing_a_member_through_the_page(client, people):
    group = make_group(people, lead=people.member_a)
    membership = ops.add_member(group, people.secretary_a, people.member_b.id, None)
    membership_id = membership.id
    db.session.commit()
    login(client, people.email("secretary_b"))
    response = client.post(f"/working-groups/{group.id}/members/{membership_id}/remove")
    assert response.status_code == 302
    assert count(WorkingGroupMember, WorkingGroupMember.id == membership_id) == 0


def test_the_lead_adds_and_completes_a_task_through_the_pages(client, people):
    group = make_group(people, lead=people.member_a)
    db.session.commit()
    login(client, people.email("member_a"))
    response = client.post(
        f"/working-groups/{group.id}/tasks/new", data={"title": "Typed task", "due_date": ""}
    )
    assert response.status_code == 422
    assert "Typed task" in text_of(response)
    response = client.post(
        f"/working-groups/{group.id}/tasks/new",
        data={
            "title": "Typed task",
            "due_date": (today_local() + timedelta(days=7)).isoformat(),
            "responsible_id": people.member_a.id,
        },
    )
    assert response.status_code == 302
    task = db.session.scalar(select(WorkingGroupTask).where(WorkingGroupTask.group_id == group.id))
    assert task.title == "Typed task"
    response = client.post(
        f"/working-groups/tasks/{task.id}/complete", data={"output": "", "links": "https://example.kz/a"}
    )
    assert response.status_code == 422
    assert "https://example.kz/a" in text_of(response)
    response = client.post(
        f"/working-groups/tasks/{task.id}/complete",
        data={
            "output": "Conclusion of the group",
            "links": "https://example.kz/a",
            "files": (io.BytesIO(b"%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"), "output.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text_of(response)
    task = db.session.get(WorkingGroupTask, task.id)
    assert task.done_on == today_local() and task.output == "Conclusion of the group"
    docs = db.session.scalars(
        select(Attachment).where(Attachment.task_id == task.id).order_by(Attachment.id)
    ).all()
    assert {d.url or d.filename for d in docs} == {"output.pdf", "https://example.kz/a"}
    page = text_of(client.get(f"/working-groups/{group.id}"))
    assert "Conclusion of the group" in page and "output.pdf" in page
    stored = next(d for d in docs if d.filename)
    download = client.get(f"/working-groups/tasks/{task.id}/documents/{stored.id}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    download.close()
    assert client.get(f"/working-groups/tasks/{task.id + 1000}/documents/{stored.id}").status_code == 404
    # Completing again: 409.
    again = client.post(f"/working-groups/tasks/{task.id}/complete", data={"output": "Again"})
    assert again.status_code == 409


def test_someone_else_cannot_complete_a_task(client, people):
    group = make_group(people, lead=people.member_a)
    task = make_task(group, today_local(), people.member_a)
    db.session.commit()
    login(client, people.email("member_b"))
    assert client.get(f"/working-groups/tasks/{task.id}/complete").status_code == 403
    assert client.post(f"/working-groups/tasks/{task.id}/complete", data={"output": "x"}).status_code == 403
    assert db.session.get(WorkingGroupTask, task.id).done_on is None


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_pages_speak_the_readers_language(client, people, lang):
    group = make_group(people)
    db.session.commit()
    client.get(f"/lang/{lang}")
    html = text_of(client.get(f"/working-groups/{group.id}", headers={"Accept-Language": lang}))
    expected = {
        "kk": "Алдын алу жөніндегі жұмыс тобы",
        "ru": "Рабочая группа по профилактике",
        "en": "Prevention working group",
    }
    assert f'<h1 class="h3">{expected[lang]}' in html


def test_the_lead_edits_a_task_until_it_is_done(client, people):
    group = make_group(people, lead=people.member_a)
    task = make_task(group, today_local() + timedelta(days=3), people.member_a, title="Old title")
    task_id = task.id
    db.session.commit()
    login(client, people.email("member_a"))
    page = text_of(client.get(f"/working-groups/tasks/{task_id}/edit"))
    assert "Old title" in page
    response = client.post(
        f"/working-groups/tasks/{task_id}/edit", data={"title": "New title", "due_date": ""}
    )
    assert response.status_code == 422 and "New title" in text_of(response)
    due = today_local() + timedelta(days=9)
    response = client.post(
        f"/working-groups/tasks/{task_id}/edit",
        data={"title": "New title", "due_date": due.isoformat(), "responsible_id": "", "activity_id": ""},
    )
    assert response.status_code == 302
    task = db.session.get(WorkingGroupTask, task_id)
    assert (task.title, task.due_date, task.responsible_id) == ("New title", due, None)
    assert actions(task) == ["working_group.task_edit"]
    ops.complete_task(task, people.member_a, "Done")
    db.session.commit()
    assert (
        client.post(
            f"/working-groups/tasks/{task_id}/edit", data={"title": "X", "due_date": due.isoformat()}
        ).status_code
        == 409
    )
    client.post("/logout")
    login(client, people.email("member_b"))
    assert client.get(f"/working-groups/tasks/{task_id}/edit").status_code == 403
