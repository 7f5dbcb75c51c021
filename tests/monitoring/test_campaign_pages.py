"""Campaign pages: ministry staff of the organiser create campaigns, assign projects and lots, start them."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.audit.models import AuditEvent
from grants.councils.models import MonitoringGroup
from grants.extensions import db
from grants.lots.models import Lot
from grants.monitoring.models import Campaign, CampaignStatus, Evaluation, EvaluationState, SubjectKind
from grants.monitoring.operations import assign
from grants.organisations.models import Organisation, OrganisationKind
from grants.projects.models import Project
from tests.conftest import login, visible_text
from tests.factories import (
    count,
    ministry,
    other_project,
    own_lot,
    own_project,
    redirect_path,
    text_of,
)
from tests.monitoring import campaign_data, make_campaign, methodology_of, own_group


def form_of(data: dict, group_ids: list[int]) -> dict:
    """A campaign form payload from campaign_data() values."""
    payload = {key: ("" if value is None else value.isoformat() if isinstance(value, date) else str(value))
               for key, value in data.items()}  # fmt: skip
    payload["group_ids"] = [str(i) for i in group_ids]
    return payload


def other_group() -> MonitoringGroup:
    """A demo group the ministry user's body does not organise (member4 sits in it, not in own_group)."""
    group = db.session.scalar(
        select(MonitoringGroup)
        .where(MonitoringGroup.organiser_id != ministry().organisation_id)
        .order_by(MonitoringGroup.id)
        .limit(1)
    )
    assert group is not None, "the demo needs a second group"
    return group


def others_campaign() -> Campaign:
    """A campaign organised by another government body."""
    body = db.session.scalar(
        select(Organisation)
        .where(
            Organisation.kind == OrganisationKind.government, Organisation.id != ministry().organisation_id
        )
        .order_by(Organisation.id)
        .limit(1)
    )
    campaign = Campaign(organiser_id=body.id, **campaign_data())
    campaign.groups = [other_group()]
    db.session.add(campaign)
    db.session.flush()
    return campaign


def evaluations_of(campaign: Campaign) -> list[Evaluation]:
    db.session.expire_all()
    return list(db.session.scalars(select(Evaluation).where(Evaluation.campaign_id == campaign.id)))


# --- creating and editing ---------------------------------------------------------------------


def test_ministry_creates_a_campaign_through_the_form(client):
    group = own_group()
    data = campaign_data(review_deadline=date(2026, 7, 15), reply_window_days=12)
    campaigns = count(Campaign)
    login(client, "ministry@example.kz")
    page = client.get("/campaigns/new", query_string={"lang": "en"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'value="{data["project_methodology_id"]}"' in html and f'value="{group.id}"' in html

    response = client.post("/campaigns/new", data=form_of(data, [group.id]))
    assert response.status_code == 302, text_of(response)
    assert count(Campaign) == campaigns + 1
    campaign = db.session.scalar(select(Campaign).order_by(Campaign.id.desc()).limit(1))
    assert redirect_path(response) == f"/campaigns/{campaign.id}"
    assert campaign.organiser_id == ministry().organisation_id
    assert campaign.status == CampaignStatus.draft
    assert [g.id for g in campaign.groups] == [group.id]
    assert (campaign.project_methodology_id, campaign.lot_methodology_id) == (
        data["project_methodology_id"], data["lot_methodology_id"])  # fmt: skip
    assert (campaign.scoring_deadline, campaign.review_deadline, campaign.reply_window_days) == (
        date(2026, 6, 15), date(2026, 7, 15), 12)  # fmt: skip
    assert db.session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.action == "campaign.create", AuditEvent.object_id == campaign.id
        )
    )
    page = client.get(f"/campaigns/{campaign.id}", query_string={"lang": "en"})
    assert page.status_code == 200
    assert "Astana 2026, H1 (test)" in visible_text(text_of(page))


REFUSED = {
    "end before start": ({"period_end": date(2025, 12, 31)}, "The end date cannot be before the start date."),
    "scoring before start": (
        {"scoring_deadline": date(2025, 12, 1)},
        "The scoring deadline cannot be before",
    ),
    "reply window 0": ({"reply_window_days": 0}, "Number must be between 1 and 60."),
    "reply window 61": ({"reply_window_days": 61}, "Number must be between 1 and 60."),
    "no methodology": ({"project_methodology_id": None, "lot_methodology_id": None}, "Choose a methodology"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_invalid_campaigns_are_refused(client, case):
    changes, message = REFUSED[case]
    campaigns = count(Campaign)
    login(client, "ministry@example.kz")
    response = client.post(
        "/campaigns/new",
        data=form_of(campaign_data(**changes), [own_group().id]),
        query_string={"lang": "en"},
    )
    assert response.status_code == 422
    assert message in visible_text(text_of(response))
    assert count(Campaign) == campaigns


def test_a_campaign_needs_a_group(client):
    campaigns = count(Campaign)
    login(client, "ministry@example.kz")
    response = client.post("/campaigns/new", data=form_of(campaign_data(), []), query_string={"lang": "en"})
    assert response.status_code == 422
    assert "Choose at least one monitoring group." in visible_text(text_of(response))
    assert count(Campaign) == campaigns


def test_a_methodology_of_the_wrong_kind_is_not_accepted(client):
    campaigns = count(Campaign)
    data = campaign_data(project_methodology_id=methodology_of(SubjectKind.lot).id)
    login(client, "ministry@example.kz")
    response = client.post("/campaigns/new", data=form_of(data, [own_group().id]))
    assert response.status_code == 422
    assert count(Campaign) == campaigns


def test_ministry_edits_its_campaign_and_cannot_drop_a_group_with_evaluations(client):
    campaign = make_campaign(groups=[own_group(), other_group()])
    assign(campaign, own_group(), own_project(), ministry())
    db.session.flush()
    login(client, "ministry@example.kz")
    assert client.get(f"/campaigns/{campaign.id}/edit").status_code == 200

    dropped = form_of(campaign_data(), [other_group().id])
    response = client.post(f"/campaigns/{campaign.id}/edit", data=dropped, query_string={"lang": "en"})
    assert response.status_code == 422
    assert "already have evaluations" in visible_text(text_of(response))
    db.session.expire_all()
    assert {g.id for g in db.session.get(Campaign, campaign.id).groups} == {own_group().id, other_group().id}

    moved = form_of(campaign_data(scoring_deadline=date(2026, 6, 20)), [own_group().id])
    response = client.post(f"/campaigns/{campaign.id}/edit", data=moved)
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Campaign, campaign.id)
    assert [g.id for g in saved.groups] == [own_group().id]
    assert saved.scoring_deadline == date(2026, 6, 20)
    assert [e.deadline for e in saved.evaluations] == [date(2026, 6, 20)], (
        "open evaluations follow the deadline"
    )


# --- who may do what --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "chair", "member1", "ngo"])
def test_only_ministry_staff_create_campaigns(client, role):
    campaigns = count(Campaign)
    login(client, f"{role}@example.kz")
    assert client.get("/campaigns/new").status_code == 403
    response = client.post("/campaigns/new", data=form_of(campaign_data(), [own_group().id]))
    assert response.status_code == 403
    assert count(Campaign) == campaigns


@pytest.mark.parametrize("url", ["/campaigns/", "/campaigns/new", "/campaigns/{id}", "/campaigns/{id}/edit"])
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    campaign = make_campaign()
    response = client.get(url.format(id=campaign.id))
    assert response.status_code == 302
    assert redirect_path(response).startswith("/login")


@pytest.mark.parametrize("role", ["ministry", "admin", "chair", "member1", "ngo"])
def test_nobody_but_its_organiser_edits_a_campaign(client, role):
    campaign = others_campaign()
    login(client, f"{role}@example.kz")
    assert client.get(f"/campaigns/{campaign.id}/edit").status_code == 403
    response = client.post(
        f"/campaigns/{campaign.id}/edit", data=form_of(campaign_data(name_ru="Захвачено"), [own_group().id])
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).name_ru != "Захвачено"


@pytest.mark.parametrize("role", ["admin", "chair", "member1", "member4", "ngo"])
def test_only_the_organiser_may_assign_or_start(client, role):
    campaign = make_campaign()
    assign(campaign, own_group(), own_lot(), ministry())
    db.session.flush()
    login(client, f"{role}@example.kz")
    subject = f"project:{own_project().id}"
    responses = [
        client.get(f"/campaigns/{campaign.id}/edit"),
        client.post(
            f"/campaigns/{campaign.id}/assign", data={"one-group_id": own_group().id, "one-subject": subject}
        ),
        client.post(
            f"/campaigns/{campaign.id}/assign-filter",
            data={"filter-group_id": own_group().id, "filter-kind": "lot"},
        ),
        client.post(f"/campaigns/{campaign.id}/start"),
    ]
    assert [r.status_code for r in responses] == [403] * 4
    assert [(e.state, e.kind) for e in evaluations_of(campaign)] == [(EvaluationState.draft, SubjectKind.lot)]


@pytest.mark.parametrize(("role", "allowed"), [
    ("ministry", True), ("admin", True), ("member1", True), ("chair", True), ("member4", False), ("ngo", False),
])  # fmt: skip
def test_who_can_view_a_campaign(client, role, allowed):
    campaign = make_campaign()
    login(client, f"{role}@example.kz")
    page = client.get(f"/campaigns/{campaign.id}")
    assert page.status_code == (200 if allowed else 403)
    listing = client.get("/campaigns/")
    assert listing.status_code == 200
    assert (f'href="/campaigns/{campaign.id}"' in listing.get_data(as_text=True)) == allowed


def test_ministry_does_not_see_another_bodys_campaign(client):
    campaign = others_campaign()
    login(client, "ministry@example.kz")
    assert client.get(f"/campaigns/{campaign.id}").status_code == 403
    assert f'href="/campaigns/{campaign.id}"' not in client.get("/campaigns/").get_data(as_text=True)


def test_members_see_only_their_own_groups_evaluations(client):
    campaign = make_campaign(groups=[own_group(), other_group()])
    mine = assign(campaign, other_group(), own_lot(), ministry())
    theirs = assign(campaign, own_group(), own_project(), ministry())
    db.session.flush()
    login(client, "member4@example.kz")
    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert f'href="/lots/{mine.lot_id}"' in html
    assert f'href="/projects/{theirs.project_id}"' not in html
    assert f'action="/campaigns/{campaign.id}/assign"' not in html, "members get no assignment tools"


# --- assignments ------------------------------------------------------------------------------


def test_assign_one_project_and_one_lot(client):
    campaign = make_campaign()
    group, project, lot = own_group(), own_project(), own_lot()
    login(client, "ministry@example.kz")
    page = client.get(f"/campaigns/{campaign.id}")
    assert f'value="project:{project.id}"' in page.get_data(as_text=True)
    assert f'action="/imports/campaigns/{campaign.id}/assignments"' in text_of(page), (
        "assigning by file is offered"
    )

    for subject in (f"project:{project.id}", f"lot:{lot.id}"):
        response = client.post(
            f"/campaigns/{campaign.id}/assign?lang=en",
            data={"one-group_id": str(group.id), "one-subject": subject},
        )
        assert response.status_code == 302, text_of(response)
    rows = {
        (e.kind, e.project_id, e.lot_id, e.group_id, e.state, e.methodology_id)
        for e in evaluations_of(campaign)
    }
    assert rows == {
        (SubjectKind.project, project.id, project.lot_id, group.id, EvaluationState.draft,
         campaign.project_methodology_id),
        (SubjectKind.lot, None, lot.id, group.id, EvaluationState.draft, campaign.lot_methodology_id),
    }  # fmt: skip
    page = client.get(f"/campaigns/{campaign.id}", query_string={"lang": "en"})
    html = page.get_data(as_text=True)
    assert f'href="/projects/{project.id}"' in html and f'href="/lots/{lot.id}"' in html
    assert "1 evaluation assigned." in visible_text(text_of(page))


def test_assigning_the_same_subject_twice_is_refused(client):
    campaign = make_campaign()
    assign(campaign, own_group(), own_project(), ministry())
    db.session.flush()
    login(client, "ministry@example.kz")
    response = client.post(
        f"/campaigns/{campaign.id}/assign",
        data={"one-group_id": str(own_group().id), "one-subject": f"project:{own_project().id}"},
        query_string={"lang": "en"},
    )
    assert response.status_code == 409
    assert "This subject is already assigned in this campaign." in visible_text(text_of(response))
    assert len(evaluations_of(campaign)) == 1


def test_another_bodys_project_cannot_be_assigned(client):
    campaign = make_campaign()
    login(client, "ministry@example.kz")
    response = client.post(
        f"/campaigns/{campaign.id}/assign",
        data={"one-group_id": str(own_group().id), "one-subject": f"project:{other_project().id}"},
    )
    assert response.status_code == 422, "not one of the organiser's subjects offered in the form"
    assert evaluations_of(campaign) == []


def test_a_group_outside_the_campaign_cannot_be_chosen(client):
    campaign = make_campaign()
    login(client, "ministry@example.kz")
    response = client.post(
        f"/campaigns/{campaign.id}/assign",
        data={"one-group_id": str(other_group().id), "one-subject": f"lot:{own_lot().id}"},
    )
    assert response.status_code == 422
    assert evaluations_of(campaign) == []


def _matching_lots(year: int) -> list[Lot]:
    return list(db.session.scalars(
        select(Lot).where(Lot.administrator_id == ministry().organisation_id, Lot.year == year)
    ))  # fmt: skip


@pytest.mark.parametrize("kind", ["lot", "project"])
def test_assign_by_filter_takes_every_matching_subject(client, kind):
    campaign = make_campaign()
    year = db.session.scalar(
        select(Lot.year).where(Lot.administrator_id == ministry().organisation_id).order_by(Lot.year).limit(1)
    )
    lots = _matching_lots(year)
    expected = (
        {lot.id for lot in lots} if kind == "lot"
        else set(db.session.scalars(select(Project.id).where(Project.lot_id.in_([lot.id for lot in lots]))))
    )  # fmt: skip
    assert expected, "the demo needs matching subjects"
    login(client, "ministry@example.kz")
    response = client.post(
        f"/campaigns/{campaign.id}/assign-filter",
        data={"filter-group_id": str(own_group().id), "filter-kind": kind, "filter-year": str(year)},
    )
    assert response.status_code == 302, text_of(response)
    evaluations = evaluations_of(campaign)
    assert len(evaluations) == len(expected)
    assert {e.lot_id if kind == "lot" else e.project_id for e in evaluations} == expected
    assert all(e.group_id == own_group().id for e in evaluations)

    again = client.post(
        f"/campaigns/{campaign.id}/assign-filter",
        data={"filter-group_id": str(own_group().id), "filter-kind": kind, "filter-year": str(year)},
    )
    assert again.status_code == 302
    assert len(evaluations_of(campaign)) == len(expected), "subjects already in the campaign are skipped"


def test_assign_by_filter_narrows_by_status(client):
    campaign = make_campaign()
    lots = db.session.scalars(select(Lot).where(Lot.administrator_id == ministry().organisation_id)).all()
    status = lots[0].status
    expected = {lot.id for lot in lots if lot.status == status}
    login(client, "ministry@example.kz")
    response = client.post(
        f"/campaigns/{campaign.id}/assign-filter",
        data={"filter-group_id": str(own_group().id), "filter-kind": "lot", "filter-status": status.value},
    )
    assert response.status_code == 302
    assert {e.lot_id for e in evaluations_of(campaign)} == expected


# --- starting and the evaluations table -------------------------------------------------------


def test_starting_the_campaign_opens_scoring(client):
    campaign = make_campaign()
    assign(campaign, own_group(), own_project(), ministry())
    assign(campaign, own_group(), own_lot(), ministry())
    db.session.flush()
    login(client, "ministry@example.kz")
    assert f'action="/campaigns/{campaign.id}/start"' in client.get(f"/campaigns/{campaign.id}").get_data(
        as_text=True
    )
    response = client.post(f"/campaigns/{campaign.id}/start")
    assert response.status_code == 302
    assert [e.state for e in evaluations_of(campaign)] == [EvaluationState.scoring] * 2
    assert db.session.get(Campaign, campaign.id).status == CampaignStatus.running

    again = client.post(f"/campaigns/{campaign.id}/start", query_string={"lang": "en"})
    assert again.status_code == 409
    assert "already started" in visible_text(text_of(again))

    response = client.post(
        f"/campaigns/{campaign.id}/assign",
        data={
            "one-group_id": str(own_group().id),
            "one-subject": f"lot:{other_lot_of_own_body(own_lot()).id}",
        },
    )
    assert response.status_code == 302
    assert sorted(e.state.value for e in evaluations_of(campaign)) == ["scoring"] * 3, (
        "late assignments open at once"
    )


def other_lot_of_own_body(besides: Lot) -> Lot:
    lot = db.session.scalar(
        select(Lot).where(Lot.administrator_id == ministry().organisation_id, Lot.id != besides.id).limit(1)
    )
    assert lot is not None
    return lot


def test_a_campaign_with_nothing_assigned_cannot_start(client):
    campaign = make_campaign()
    login(client, "ministry@example.kz")
    response = client.post(f"/campaigns/{campaign.id}/start", query_string={"lang": "en"})
    assert response.status_code == 409
    assert "Assign at least one project or lot before starting." in visible_text(text_of(response))
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).status == CampaignStatus.draft


def test_the_index_shows_only_once_the_evaluation_is_in_review(client):
    campaign = make_campaign()
    evaluation = assign(campaign, own_group(), own_project(), ministry())
    evaluation.state = EvaluationState.scoring
    evaluation.index_value = Decimal("77.3")
    evaluation.band = "effective"
    db.session.flush()
    login(client, "ministry@example.kz")
    hidden = visible_text(text_of(client.get(f"/campaigns/{campaign.id}", query_string={"lang": "en"})))
    assert "77.3" not in hidden

    evaluation.state = EvaluationState.in_review
    db.session.flush()
    shown = visible_text(text_of(client.get(f"/campaigns/{campaign.id}", query_string={"lang": "en"})))
    assert "77.3" in shown


def test_the_list_counts_evaluations_by_state(client):
    campaign = make_campaign()
    for subject in (own_project(), own_lot()):
        assign(campaign, own_group(), subject, ministry())
    db.session.flush()
    login(client, "ministry@example.kz")
    html = client.get("/campaigns/", query_string={"lang": "en"}).get_data(as_text=True)
    row = html.split(f'href="/campaigns/{campaign.id}"')[1].split("</tr>")[0]
    assert "Draft 2" in visible_text(row)
