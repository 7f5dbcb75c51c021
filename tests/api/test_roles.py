"""An API for every role: the contracts registry, an NGO's own evaluations and replies, and ministry
staff keeping lots, contracts and campaigns as on the pages (same operations, same rules, audited)."""

import html
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from grants.audit.models import AuditEvent
from grants.core.errors import today_local
from grants.extensions import db
from grants.lots.models import Lot
from grants.lots.operations import LotFilters
from grants.monitoring.defaults import LOT_RELEVANCE, PROJECT_EFFECTIVENESS
from grants.monitoring.models import Campaign, Evaluation
from grants.organisations.models import Organisation, OrganisationKind
from grants.projects.models import Project
from grants.projects.operations import contracted_total, project_query
from grants.replies.models import Reply
from tests.api.evaluation_fixtures import build_campaign, group_chaired_by, group_of, methodology, user

# Lots, contracts and campaigns are kept by staff of their organisation (Lot/Project/Campaign.can_edit,
# as on the pages); an administrator belongs to no organisation and is refused too.
OTHER_ROLES = ("member1", "chair", "ngo", "admin")


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def error_of(response) -> dict:
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]


def own_lot(who: str = "ministry") -> Lot:
    lot = db.session.scalar(
        select(Lot).where(Lot.administrator_id == user(who).organisation_id).order_by(Lot.id).limit(1)
    )
    assert lot is not None
    return lot


def foreign_lot(who: str = "ministry") -> Lot:
    lot = db.session.scalar(
        select(Lot).where(Lot.administrator_id != user(who).organisation_id).order_by(Lot.id).limit(1)
    )
    assert lot is not None, "the demo has lots of one administrator only"
    return lot


def region_of(lot: Lot) -> str:
    return lot.region.kato


def new_lot_body(**changes) -> dict:
    lot = own_lot()
    body = {
        "number": "API-1",
        "year": 2026,
        "title_ru": "Лот через API",
        "title_kk": "API арқылы лот",
        "region": region_of(lot),
        "budget": "5000000.00",
        "start_date": "2026-02-01",
        "end_date": "2026-11-30",
        "indicators": [{"name_ru": "Охват", "unit": "persons", "target": "120"}],
    }
    body.update(changes)
    return body


def audit_events(action: str, object_id: int) -> list[AuditEvent]:
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action, AuditEvent.object_id == object_id)
    ).all()


# --- GET /projects ----------------------------------------------------------------------------------


def test_projects_registry_uses_the_registry_filters_and_pages(client):
    everything = client.get("/api/v1/projects?per_page=100").get_json()
    assert everything["total"] == db.session.scalar(select(func.count(Project.id)))
    first = db.session.get(Project, everything["items"][0]["id"])
    expected = db.session.scalars(project_query(LotFilters(year=first.lot.year))).all()
    by_year = client.get(f"/api/v1/projects?year={first.lot.year}&per_page=100").get_json()
    assert [item["id"] for item in by_year["items"]] == [p.id for p in expected]
    assert {item["lot"]["year"] for item in by_year["items"]} == {first.lot.year}
    kato = first.lot.region.kato
    by_region = client.get(f"/api/v1/projects?region={kato}&per_page=100").get_json()
    assert by_region["items"] and all(
        db.session.get(Project, i["id"]).lot.region.kato == kato for i in by_region["items"]
    )

    paged = client.get("/api/v1/projects?per_page=2&page=2").get_json()
    assert paged["per_page"] == 2 and paged["page"] == 2
    assert [i["id"] for i in paged["items"]] == [i["id"] for i in everything["items"][2:4]]
    assert client.get("/api/v1/projects?page=100000").get_json()["items"] == []

    bad = client.get("/api/v1/projects?year=20x6&region=abc")
    assert bad.status_code == 422 and set(error_of(bad)["fields"]) == {"year", "region"}


def test_mine_lists_the_callers_own_contracts(client, api_token):
    assert client.get("/api/v1/projects?mine=1").status_code == 401
    ngo = user("ngo")
    mine = client.get("/api/v1/projects?mine=1&per_page=100", headers=bearer(api_token("ngo"))).get_json()
    own = db.session.scalars(select(Project.id).where(Project.ngo_id == ngo.organisation_id)).all()
    assert own and sorted(i["id"] for i in mine["items"]) == sorted(own)
    assert {i["ngo"]["bin"] for i in mine["items"]} == {db.session.get(Organisation, ngo.organisation_id).bin}

    ministry = user("ministry")
    staff = client.get(
        "/api/v1/projects?mine=1&per_page=100", headers=bearer(api_token("ministry"))
    ).get_json()
    assert staff["total"] > 0
    assert all(
        db.session.get(Project, i["id"]).lot.administrator_id == ministry.organisation_id
        for i in staff["items"]
    )
    assert user("member1").organisation_id is None
    member = client.get("/api/v1/projects?mine=1", headers=bearer(api_token("member1"))).get_json()
    assert member["total"] == 0 and member["items"] == []


# --- an NGO sees its own evaluations and replies -----------------------------------------------------


def test_ngo_lists_only_the_evaluations_of_its_own_projects(client, api_token):
    setup = build_campaign()
    ngo = user("ngo")
    listed = client.get("/api/v1/evaluations?mine=1&per_page=100", headers=bearer(api_token("ngo")))
    assert listed.status_code == 200
    for item in listed.get_json()["items"]:
        evaluation = db.session.get(Evaluation, item["id"])
        assert evaluation.project is not None and evaluation.project.ngo_id == ngo.organisation_id
    # the running campaign's evaluation of the NGO's own project is not the NGO's to see while it is scored
    assert setup.project.id not in {i["id"] for i in listed.get_json()["items"]}
    assert (
        client.get(f"/api/v1/evaluations/{setup.project.id}", headers=bearer(api_token("ngo"))).status_code
        == 404
    )


def published_evaluation_of(who: str) -> Evaluation:
    organisation_id = user(who).organisation_id
    for evaluation in db.session.scalars(select(Evaluation).where(Evaluation.state == "published")):
        if evaluation.project is not None and evaluation.project.ngo_id == organisation_id:
            return evaluation
    raise AssertionError(f"the demo has no published evaluation of {who}'s project")


def test_ngo_opens_the_published_evaluations_it_lists_without_members_scores(client, api_token, login_as):
    evaluation = published_evaluation_of("ngo")
    ngo = bearer(api_token("ngo"))
    listed = client.get("/api/v1/evaluations?mine=1&per_page=100", headers=ngo).get_json()["items"]
    assert evaluation.id in {item["id"] for item in listed}
    for item in listed:  # every evaluation listed opens: no link to a 404
        assert client.get(f"/api/v1/evaluations/{item['id']}", headers=ngo).status_code == 200
    detail = client.get(f"/api/v1/evaluations/{evaluation.id}", headers=ngo).get_json()
    assert detail["state"] == "published" and "scorecards" not in detail  # members' scores stay private
    assert evaluation.can_view(user("ngo")) and not evaluation.can_see_scores(user("ngo"))
    login_as("ngo@example.kz")
    assert client.get(f"/evaluations/{evaluation.id}").status_code == 200
    # a published evaluation of another NGO's project stays unknown to it
    others = [
        e
        for e in db.session.scalars(select(Evaluation).where(Evaluation.is_published))
        if e.project is not None and e.project.ngo_id != user("ngo").organisation_id
    ]
    for other in others:
        assert client.get(f"/api/v1/evaluations/{other.id}", headers=ngo).status_code == 404


def reply_as(client, token: str, evaluation: Evaluation, text: str) -> int:
    response = client.post(
        f"/api/v1/evaluations/{evaluation.id}/replies",
        json={"criterion": evaluation.methodology.codes[0], "text": text},
        headers=bearer(token),
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()["id"]


def other_ngo_reply(evaluation: Evaluation) -> Reply:
    """A reply of another NGO, written straight into the database (no demo account speaks for one)."""
    other = db.session.scalar(
        select(Organisation)
        .where(Organisation.kind == OrganisationKind.ngo, Organisation.id != user("ngo").organisation_id)
        .limit(1)
    )
    reply = Reply(
        evaluation=evaluation,
        organisation_id=other.id,
        author_id=user("ministry").id,
        criterion_code=evaluation.methodology.codes[1],
        text="Чужой ответ",
    )
    db.session.add(reply)
    db.session.commit()
    return reply


def test_ngo_lists_its_own_replies(client, api_token):
    assert client.get("/api/v1/replies").status_code == 401
    evaluation = published_evaluation_of("ngo")
    own = reply_as(client, api_token("ngo"), evaluation, "Возражаем по первому критерию.")
    foreign = other_ngo_reply(evaluation)

    ngo = bearer(api_token("ngo"))
    mine = client.get("/api/v1/replies?mine=1", headers=ngo).get_json()
    assert [i["id"] for i in mine["items"]] == [own]
    assert mine["items"][0]["text"] == "Возражаем по первому критерию." and mine["total"] == 1
    # without mine the NGO still reads no other NGO's pending reply
    assert foreign.id not in {i["id"] for i in client.get("/api/v1/replies", headers=ngo).get_json()["items"]}
    assert client.get("/api/v1/replies?pending=1&mine=1", headers=ngo).get_json()["total"] == 1
    assert client.get("/api/v1/replies?pending=0&mine=1", headers=ngo).get_json()["total"] == 0

    # the chair of the evaluating group reads both and rules; a ruled reply is no longer pending
    chair = bearer(api_token("chair"))
    listed = client.get(f"/api/v1/replies?evaluation={evaluation.id}", headers=chair).get_json()
    assert {own, foreign.id} <= {i["id"] for i in listed["items"]}
    assert client.get("/api/v1/replies?mine=1", headers=chair).get_json()["total"] == 0
    ruled = client.post(f"/api/v1/replies/{own}/ruling", json={"decision": "accepted"}, headers=chair)
    assert ruled.status_code == 200
    assert (
        client.get("/api/v1/replies?pending=0&mine=1", headers=ngo).get_json()["items"][0]["ruling"]
        == "accepted"
    )
    for reply in client.get("/api/v1/replies?per_page=100", headers=bearer(api_token("member4"))).get_json()[
        "items"
    ]:
        assert db.session.get(Reply, reply["id"]).can_view(user("member4"))


@pytest.mark.parametrize("who", ["admin", "ministry", "chair", "member1", "member4", "ngo"])
def test_every_role_lists_exactly_the_replies_it_may_read(client, api_token, who):
    evaluation = published_evaluation_of("ngo")
    ruled = reply_as(client, api_token("ngo"), evaluation, "Первый ответ.")
    reply_as(client, api_token("ngo"), evaluation, "Второй ответ.")
    other_ngo_reply(evaluation)
    ruling = client.post(
        f"/api/v1/replies/{ruled}/ruling", json={"decision": "accepted"}, headers=bearer(api_token("chair"))
    )
    assert ruling.status_code == 200
    reader = user(who)
    readable = {reply.id for reply in db.session.scalars(select(Reply)) if reply.can_view(reader)}
    listed = client.get("/api/v1/replies?per_page=100", headers=bearer(api_token(who))).get_json()
    assert {item["id"] for item in listed["items"]} == readable and listed["total"] == len(readable)
    assert ruled in readable  # ruled and published: public


# --- lots -------------------------------------------------------------------------------------------


def test_ministry_creates_a_lot_as_on_the_page_and_it_is_audited(client, api_token):
    created = client.post("/api/v1/lots", json=new_lot_body(), headers=bearer(api_token("ministry")))
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    lot = db.session.get(Lot, body["id"])
    assert lot.administrator_id == user("ministry").organisation_id and lot.status.value == "planned"
    assert (
        body["number"] == "API-1"
        and body["budget"] == "5000000.00"
        and body["indicators"][0]["target"] == "120.00"
    )
    assert [e.actor_id for e in audit_events("lot.create", lot.id)] == [user("ministry").id]
    assert client.get(f"/api/v1/lots/{lot.id}").get_json() == body


@pytest.mark.parametrize("who", OTHER_ROLES)
def test_other_roles_cannot_create_or_change_lots(client, api_token, who):
    lots_before = db.session.scalar(select(func.count(Lot.id)))
    refused = client.post("/api/v1/lots", json=new_lot_body(), headers=bearer(api_token(who)))
    assert refused.status_code == 403 and error_of(refused)["code"] == "forbidden"
    lot = own_lot()
    patched = client.patch(
        f"/api/v1/lots/{lot.id}", json={"title_ru": "Чужое"}, headers=bearer(api_token(who))
    )
    assert patched.status_code == 403
    assert db.session.scalar(select(func.count(Lot.id))) == lots_before
    assert client.post("/api/v1/lots", json=new_lot_body()).status_code == 401


def test_lot_input_is_refused_field_by_field(client, api_token):
    ministry = bearer(api_token("ministry"))
    bad = client.post(
        "/api/v1/lots",
        json=new_lot_body(year="2026", budget="-5", title_ru="  ", region="123", unknown=1),
        headers=ministry,
    )
    assert bad.status_code == 422
    assert set(error_of(bad)["fields"]) == {"year", "budget", "title_ru", "region", "unknown"}
    missing = client.post("/api/v1/lots", json={"number": "X"}, headers=ministry)
    assert {"year", "title_ru", "title_kk", "region", "budget"} <= set(error_of(missing)["fields"])
    nowhere = client.post("/api/v1/lots", json=new_lot_body(region="999999999"), headers=ministry)
    assert nowhere.status_code == 422 and "region" in error_of(nowhere)["fields"]
    # the operation's rules: dates in order, the place inside the region
    backwards = client.post("/api/v1/lots", json=new_lot_body(end_date="2026-01-01"), headers=ministry)
    assert backwards.status_code == 422 and "end_date" in error_of(backwards)["fields"]
    elsewhere = client.post("/api/v1/lots", json=new_lot_body(kato="990000000"), headers=ministry)
    assert elsewhere.status_code == 422 and "kato" in error_of(elsewhere)["fields"]
    assert not db.session.scalar(select(Lot.id).where(Lot.number == "API-1"))


def test_lot_conflicts_answer_409_as_the_page_refuses_them(client, api_token, login_as):
    ministry = bearer(api_token("ministry"))
    lot = own_lot()
    taken = client.post("/api/v1/lots", json=new_lot_body(number=lot.number, year=lot.year), headers=ministry)
    assert taken.status_code == 409
    error = error_of(taken)
    assert error["code"] == "lot_number_taken" and "number" in error["fields"]
    # the page refuses the same number with the same message
    page = login_as("ministry").post(
        "/lots/new",
        data={
            **{
                k: v
                for k, v in new_lot_body(number=lot.number, year=lot.year).items()
                if k not in ("indicators", "region")
            },
            "region_id": lot.region_id,
            "status": "planned",
            "budget": "5000000",
        },
    )
    assert error["fields"]["number"] in page.get_data(as_text=True)

    contracted = next(
        candidate
        for candidate in db.session.scalars(select(Lot).where(Lot.administrator_id == lot.administrator_id))
        if contracted_total(candidate.id) > 0
    )
    low = client.patch(f"/api/v1/lots/{contracted.id}", json={"budget": "1.00"}, headers=ministry)
    assert low.status_code == 409 and error_of(low)["code"] == "budget_below_contracts"
    assert "budget" in error_of(low)["fields"]


def test_ministry_updates_only_the_fields_it_sends(client, api_token):
    lot = own_lot()
    before = {
        "number": lot.number,
        "title_kk": lot.title_kk,
        "budget": lot.budget,
        "indicators": len(lot.indicators),
    }
    changed = client.patch(
        f"/api/v1/lots/{lot.id}",
        json={"title_ru": "Новое название", "sphere": None},
        headers=bearer(api_token("ministry")),
    )
    assert changed.status_code == 200, changed.get_data(as_text=True)
    db.session.refresh(lot)
    assert lot.title_ru == "Новое название" and lot.sphere_id is None
    assert {
        "number": lot.number,
        "title_kk": lot.title_kk,
        "budget": lot.budget,
        "indicators": len(lot.indicators),
    } == before
    event = audit_events("lot.update", lot.id)[-1]
    assert event.actor_id == user("ministry").id

    other = foreign_lot()
    assert (
        client.patch(
            f"/api/v1/lots/{other.id}", json={"title_ru": "x"}, headers=bearer(api_token("ministry"))
        ).status_code
        == 403
    )
    assert (
        client.patch(
            "/api/v1/lots/2147483647", json={"title_ru": "x"}, headers=bearer(api_token("ministry"))
        ).status_code
        == 404
    )


# --- projects ---------------------------------------------------------------------------------------


def contract_body(lot: Lot, **changes) -> dict:
    body = {
        "lot_id": lot.id,
        "ngo": db.session.get(Organisation, user("ngo").organisation_id).bin,
        "contract_number": "API-C-1",
        "contract_date": "2026-02-01",
        "amount": "1.00",
        "start_date": "2026-02-01",
        "end_date": "2026-10-31",
        "indicators": [{"name_ru": "Охват", "unit": "persons", "target": "10", "actual": "4"}],
    }
    body.update(changes)
    return body


def test_ministry_records_a_contract_within_the_lot_budget(client, api_token):
    ministry = bearer(api_token("ministry"))
    lot = own_lot()
    created = client.post("/api/v1/projects", json=contract_body(lot), headers=ministry)
    assert created.status_code == 201, created.get_data(as_text=True)
    project = db.session.get(Project, created.get_json()["id"])
    assert project.lot_id == lot.id and project.ngo_id == user("ngo").organisation_id
    assert created.get_json()["indicators"][0]["achievement_percent"] == "40.0"
    assert [e.actor_id for e in audit_events("project.create", project.id)] == [user("ministry").id]

    room = lot.budget - contracted_total(lot.id)
    over = client.post(
        "/api/v1/projects",
        json=contract_body(lot, contract_number="API-C-2", amount=f"{room + 1:.2f}"),
        headers=ministry,
    )
    assert over.status_code == 409 and error_of(over)["code"] == "over_lot_budget"
    twice = client.post("/api/v1/projects", json=contract_body(lot), headers=ministry)
    assert twice.status_code == 409 and error_of(twice)["code"] == "contract_number_taken"
    not_ngo = client.post(
        "/api/v1/projects",
        json=contract_body(lot, contract_number="API-C-3", ngo=lot.administrator.bin),
        headers=ministry,
    )
    assert not_ngo.status_code == 422 and "ngo" in error_of(not_ngo)["fields"]
    no_lot = client.post("/api/v1/projects", json=contract_body(lot, lot_id=2147483647), headers=ministry)
    assert no_lot.status_code == 422 and "lot_id" in error_of(no_lot)["fields"]

    updated = client.patch(
        f"/api/v1/projects/{project.id}", json={"status": "in_implementation"}, headers=ministry
    )
    assert updated.status_code == 200 and updated.get_json()["status"] == "in_implementation"
    assert audit_events("project.update", project.id)


def test_the_contract_page_refuses_an_amount_over_the_budget_as_the_api_does(client, api_token, login_as):
    lot = own_lot()
    amount = f"{lot.budget - contracted_total(lot.id) + 1:.2f}"
    api = client.post(
        "/api/v1/projects", json=contract_body(lot, amount=amount), headers=bearer(api_token("ministry"))
    )
    assert api.status_code == 409
    message = error_of(api)["fields"]["amount"]
    page = login_as("ministry").post(
        f"/lots/{lot.id}/projects/new",
        data={
            "ngo_id": user("ngo").organisation_id,
            "contract_number": "API-C-1",
            "contract_date": "2026-02-01",
            "amount": amount,
            "start_date": "2026-02-01",
            "end_date": "2026-10-31",
            "status": "contracted",
        },
    )
    assert page.status_code == 200 and html.escape(message) in page.get_data(as_text=True)
    assert not db.session.scalar(select(Project.id).where(Project.contract_number == "API-C-1"))


@pytest.mark.parametrize("who", OTHER_ROLES)
def test_other_roles_cannot_record_contracts(client, api_token, who):
    lot = own_lot()
    refused = client.post("/api/v1/projects", json=contract_body(lot), headers=bearer(api_token(who)))
    assert refused.status_code == 403
    project = lot.projects[0] if lot.projects else db.session.scalar(select(Project).limit(1))
    assert (
        client.patch(
            f"/api/v1/projects/{project.id}", json={"status": "completed"}, headers=bearer(api_token(who))
        ).status_code
        == 403
    )
    assert not db.session.scalar(select(Project.id).where(Project.contract_number == "API-C-1"))


def test_a_contract_on_another_administrators_lot_is_refused(client, api_token):
    refused = client.post(
        "/api/v1/projects", json=contract_body(foreign_lot()), headers=bearer(api_token("ministry"))
    )
    assert refused.status_code == 403


# --- campaigns --------------------------------------------------------------------------------------


def campaign_body(**changes) -> dict:
    today = today_local()
    body = {
        "name_ru": "Кампания через API",
        "name_kk": "API науқаны",
        "period_start": today.isoformat(),
        "period_end": (today + timedelta(days=90)).isoformat(),
        "scoring_deadline": (today + timedelta(days=30)).isoformat(),
        "project_methodology_id": methodology(PROJECT_EFFECTIVENESS).id,
        "lot_methodology_id": methodology(LOT_RELEVANCE).id,
        "groups": [group_chaired_by("chair").id],
    }
    body.update(changes)
    return body


def test_ministry_sets_up_and_changes_a_campaign(client, api_token):
    ministry = bearer(api_token("ministry"))
    created = client.post("/api/v1/campaigns", json=campaign_body(), headers=ministry)
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    campaign = db.session.get(Campaign, body["id"])
    assert campaign.organiser_id == user("ministry").organisation_id and campaign.reply_window_days == 10
    assert body["status"] == "draft" and [g["id"] for g in body["groups"]] == [group_chaired_by("chair").id]
    assert [e.actor_id for e in audit_events("campaign.create", campaign.id)] == [user("ministry").id]

    second = group_of("member4").id
    changed = client.patch(
        f"/api/v1/campaigns/{campaign.id}",
        json={"groups": [group_chaired_by("chair").id, second], "name_en": "Via API"},
        headers=ministry,
    )
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert {g["id"] for g in changed.get_json()["groups"]} == {group_chaired_by("chair").id, second}
    assert changed.get_json()["name_ru"] == "Кампания через API"
    assert audit_events("campaign.update", campaign.id)


def test_campaign_rules_answer_as_the_operation_decides(client, api_token):
    ministry = bearer(api_token("ministry"))
    today = today_local()
    no_groups = client.post("/api/v1/campaigns", json=campaign_body(groups=[]), headers=ministry)
    assert no_groups.status_code == 422 and "groups" in error_of(no_groups)["fields"]
    unknown = client.post("/api/v1/campaigns", json=campaign_body(groups=[2147483647]), headers=ministry)
    assert unknown.status_code == 422 and "groups" in error_of(unknown)["fields"]
    late_review = client.post(
        "/api/v1/campaigns", json=campaign_body(review_deadline=today.isoformat()), headers=ministry
    )
    assert late_review.status_code == 422 and "review_deadline" in error_of(late_review)["fields"]
    no_rubric = client.post(
        "/api/v1/campaigns",
        json=campaign_body(project_methodology_id=None, lot_methodology_id=None),
        headers=ministry,
    )
    assert no_rubric.status_code == 422 and "lot_methodology_id" in error_of(no_rubric)["fields"]
    wrong_kind = client.post(
        "/api/v1/campaigns",
        json=campaign_body(project_methodology_id=methodology(LOT_RELEVANCE).id),
        headers=ministry,
    )
    assert wrong_kind.status_code == 422 and "project_methodology_id" in error_of(wrong_kind)["fields"]

    # a group that already has evaluations stays in the campaign
    setup = build_campaign()
    dropped = client.patch(
        f"/api/v1/campaigns/{setup.campaign.id}", json={"groups": [group_of("member4").id]}, headers=ministry
    )
    assert dropped.status_code == 422 and "groups" in error_of(dropped)["fields"]
    assert setup.group in db.session.get(Campaign, setup.campaign.id).groups


@pytest.mark.parametrize("who", OTHER_ROLES)
def test_other_roles_cannot_set_up_campaigns(client, api_token, who):
    setup = build_campaign()
    assert (
        client.post("/api/v1/campaigns", json=campaign_body(), headers=bearer(api_token(who))).status_code
        == 403
    )
    patched = client.patch(
        f"/api/v1/campaigns/{setup.campaign.id}", json={"name_en": "x"}, headers=bearer(api_token(who))
    )
    assert patched.status_code == 403
