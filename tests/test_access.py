"""Who may open which page: a route x role matrix over the demo accounts, plus login and logout.

Object ids come from the demo database: "own" is an object of the demo ministry user's
organisation, "other" one of another organisation.
"""

import re

import pytest
from sqlalchemy import select

from grants.accounts.models import User
from grants.audit.models import AuditEvent
from grants.cooperation.models import (
    Activity,
    ActivityPlan,
    InformationItem,
    Meeting,
    MeetingState,
    PlanState,
    Recommendation,
    RecommendationStatus,
    WorkingGroup,
)
from grants.councils.models import Council, MonitoringGroup
from grants.extensions import db
from grants.lots.models import Lot
from grants.monitoring.models import Campaign, Evaluation, Methodology
from grants.needs.models import PublicNeed
from grants.organisations.models import Organisation
from grants.projects.models import Project
from tests.conftest import DEMO_ACCOUNTS, DEMO_PASSWORD, login
from tests.factories import (
    ROLES,
    any_of,
    count,
    group_of,
    lot_form,
    ministry,
    need_of,
    other_lot,
    other_project,
    own_lot,
    own_project,
    redirect_path,
    text_of,
    user,
)


def as_role(client, role: str):
    if role != "anonymous":
        login(client, f"{role}@example.kz")
    return client


def _ids() -> dict:
    """Placeholder -> callable giving the id of a demo object."""
    return {
        "lot": lambda: any_of(Lot).id,
        "project": lambda: any_of(Project).id,
        "need": lambda: any_of(PublicNeed).id,
        "org": lambda: any_of(Organisation).id,
        "council": lambda: any_of(Council).id,
        "group": lambda: any_of(MonitoringGroup).id,
        "own_lot": lambda: own_lot().id,
        "other_lot": lambda: other_lot().id,
        "own_project": lambda: own_project().id,
        "other_project": lambda: other_project().id,
        "own_need": lambda: need_of(organisation_id=ministry().organisation_id).id,
        "other_need": lambda: need_of(other_than=ministry().organisation_id).id,
        "own_org": lambda: ministry().organisation_id,
        "ngo_org": lambda: user("ngo").organisation_id or any_of(Organisation).id,
        "own_group": lambda: group_of(organiser_id=ministry().organisation_id).id,
        "other_group": lambda: group_of(other_than=ministry().organisation_id).id,
        "chair_user": lambda: user("chair").id,
        "methodology": lambda: any_of(Methodology).id,
        "campaign": lambda: any_of(Campaign).id,
        "group1_evaluation": lambda: group1_evaluation().id,
        **_cooperation_ids(),
    }


def _first(model, *where):
    return db.session.scalars(select(model).where(*where).order_by(model.id)).first()


def _cooperation_ids() -> dict:
    """The demo's joint work: its published plan, meetings in three states, recommendations of three kinds."""
    police = lambda: user("official").organisation_id  # noqa: E731
    return {
        "plan": lambda: _first(ActivityPlan, ActivityPlan.state == PlanState.published).id,
        "activity": lambda: _first(Activity).id,
        "published_meeting": lambda: _first(Meeting, Meeting.state == MeetingState.published).id,
        "held_meeting": lambda: _first(Meeting, Meeting.state == MeetingState.held).id,
        "scheduled_meeting": lambda: _first(Meeting, Meeting.state == MeetingState.scheduled).id,
        "answered_rec": lambda: (
            _first(
                Recommendation,
                Recommendation.status == RecommendationStatus.answered,
                Recommendation.published_at.is_not(None),
            ).id
        ),
        "police_unpublished_rec": lambda: (
            _first(
                Recommendation, Recommendation.addressee_id == police(), Recommendation.published_at.is_(None)
            ).id
        ),
        "draft_rec": lambda: _first(Recommendation, Recommendation.status == RecommendationStatus.draft).id,
        "working_group": lambda: _first(WorkingGroup).id,
        "information_item": lambda: _first(InformationItem).id,
    }


def group1_evaluation() -> Evaluation:
    """The demo campaign's evaluation of a project by the chair's group."""
    chair = user("chair")
    return db.session.scalars(
        select(Evaluation)
        .join(MonitoringGroup)
        .where(MonitoringGroup.chair_id == chair.id)
        .order_by(Evaluation.id)
    ).first()


def resolve(route: str) -> str:
    ids = _ids()
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]()), route)


PUBLIC_PAGES = [
    "/",
    "/lots/",
    "/lots/{lot}",
    "/projects/{project}",
    "/needs/",
    "/needs/{need}",
    "/organisations/",
    "/organisations/{org}",
    "/councils/",
    "/councils/{council}",
    "/groups/",
    "/groups/{group}",
    "/methodologies/",
    "/methodologies/{methodology}",
    # needs coverage (issue 13, docs/analytics.md#needs-coverage): the page and its XLSX are public
    "/needs/coverage",
    "/needs/coverage?region=710000000",
    "/needs/coverage/report.xlsx?region=710000000&lang=kk",
    # issue 13, analytics dashboard (docs/analytics.md#dashboard): public, and a CSV per panel
    "/analytics/",
    "/analytics/spheres.csv",
]

# Route -> the roles that may open it (200); every other logged-in role gets 403, anonymous a login redirect.
# Lots and projects: only ministry staff of the lot's administrator. Needs: ministry staff of the recording
# body, and admins (PublicNeed.can_edit and needs.new allow admins). Organisations, councils, users: admins.
# Groups: admins, and ministry staff of the organising body.
EDIT_ROUTES = {
    "/lots/new": {"ministry"},
    "/lots/{own_lot}/edit": {"ministry"},
    "/lots/{other_lot}/edit": set(),
    "/lots/{own_lot}/projects/new": {"ministry"},
    "/lots/{other_lot}/projects/new": set(),
    "/projects/{own_project}/edit": {"ministry"},
    "/projects/{other_project}/edit": set(),
    "/needs/new": {"ministry", "admin"},
    "/needs/{own_need}/edit": {"ministry", "admin"},
    "/needs/{other_need}/edit": {"admin"},
    "/organisations/new": {"admin"},
    "/organisations/{own_org}/edit": {"admin"},
    "/organisations/{ngo_org}/edit": {"admin"},
    "/councils/new": {"admin"},
    "/councils/{council}/edit": {"admin"},
    "/groups/new": {"admin", "ministry"},
    "/groups/{own_group}/edit": {"admin", "ministry"},
    "/groups/{other_group}/edit": {"admin"},
    "/admin/users": {"admin"},
    "/admin/users/new": {"admin"},
    "/admin/users/{chair_user}/edit": {"admin"},
    "/methodologies/{methodology}/edit": {"admin"},
    "/campaigns/new": {"ministry"},
    "/campaigns/{campaign}/edit": {"ministry"},
}

# Monitoring pages: role -> expected status. Evaluations hide their existence from outsiders (404).
MONITORING_ROUTES = {
    "/campaigns/{campaign}": {
        "admin": 200, "ministry": 200, "chair": 200, "member1": 200, "member4": 200, "ngo": 403, "anonymous": 302,
        "secretary": 403, "official": 403,
    },
    "/evaluations/{group1_evaluation}": {
        "admin": 200, "ministry": 200, "chair": 200, "member1": 200, "member4": 404, "ngo": 404, "anonymous": 302,
        "secretary": 404, "official": 404,
    },
    "/evaluations/{group1_evaluation}/consolidate": {
        "admin": 403, "ministry": 403, "chair": 200, "member1": 403, "member4": 404, "ngo": 404, "anonymous": 302,
        "secretary": 404, "official": 404,
    },
    "/evaluations/": {
        "admin": 200, "ministry": 200, "chair": 200, "member1": 200, "member4": 200, "ngo": 200, "anonymous": 302,
        "secretary": 200, "official": 200,
    },
}  # fmt: skip


# The joint work of councils (docs/cooperation.md#who-may-do-what): in the demo, chair@ and secretary@ keep the
# Astana city council (every demo meeting and the plan include it), member1@ and member4@ are its members,
# member4@ leads the working group, official@ speaks for the city police department. Hidden objects answer 404.
_ALL_200 = dict.fromkeys(ROLES, 200)
_KEEPERS = {"admin": 200, "chair": 200, "secretary": 200, "anonymous": 302}
_KEEPERS_ONLY = {**dict.fromkeys(ROLES, 403), **_KEEPERS}
_HIDDEN = {
    **dict.fromkeys(ROLES, 404),
    "admin": 200,
    "chair": 200,
    "secretary": 200,
    "member1": 200,
    "member4": 200,
}
_HIDDEN_FORM = {**dict.fromkeys(ROLES, 404), **_KEEPERS, "member1": 403, "member4": 403}
COOPERATION_ROUTES = {
    "/plans/": _ALL_200,
    "/plans/{plan}": _ALL_200,
    "/plans/{plan}/calendar": _ALL_200,
    "/plans/{plan}/plan.pdf?lang=kk": _ALL_200,
    "/plans/{plan}/plan.xlsx": _ALL_200,
    "/plans/activities/{activity}": _ALL_200,
    "/plans/new": _KEEPERS_ONLY,
    "/plans/{plan}/edit": _KEEPERS_ONLY,
    "/plans/{plan}/activities/new": _KEEPERS_ONLY,
    "/plans/activities/{activity}/edit": _KEEPERS_ONLY,
    "/plans/activities/{activity}/status": _KEEPERS_ONLY,
    "/meetings/": _ALL_200,
    "/meetings/{published_meeting}": _ALL_200,
    "/meetings/{published_meeting}/minutes.pdf?lang=ru": _ALL_200,
    "/meetings/{held_meeting}": _HIDDEN,
    "/meetings/{scheduled_meeting}": _HIDDEN,
    "/meetings/new": _KEEPERS_ONLY,
    "/meetings/{scheduled_meeting}/edit": _HIDDEN_FORM,
    "/meetings/{scheduled_meeting}/agenda/new": _HIDDEN_FORM,
    "/meetings/{held_meeting}/attendance": _HIDDEN_FORM,
    "/meetings/{held_meeting}/decisions/new": _HIDDEN_FORM,
    "/recommendations/": _ALL_200,
    "/recommendations/{answered_rec}": _ALL_200,
    "/recommendations/{police_unpublished_rec}": {**_HIDDEN, "official": 200},
    "/recommendations/{draft_rec}": _HIDDEN,
    "/recommendations/new": _KEEPERS_ONLY,
    "/recommendations/{draft_rec}/edit": _HIDDEN_FORM,
    "/working-groups/": _ALL_200,
    "/working-groups/{working_group}": _ALL_200,
    "/working-groups/new": _KEEPERS_ONLY,
    "/working-groups/{working_group}/edit": _KEEPERS_ONLY,
    "/working-groups/{working_group}/tasks/new": {**_KEEPERS_ONLY, "member4": 200},
    "/information/": _ALL_200,
    "/information/new": _KEEPERS_ONLY,
    "/information/{information_item}/edit": _KEEPERS_ONLY,
    "/feed": _ALL_200,
    "/feed.json": _ALL_200,
}


@pytest.mark.parametrize("route", list(COOPERATION_ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_cooperation_routes_by_role(client, role, route):
    url = resolve(route)
    as_role(client, role)
    response = client.get(url)
    expected = COOPERATION_ROUTES[route][role]
    assert response.status_code == expected, f"{role} GET {url}"
    if expected == 302:
        assert redirect_path(response).startswith("/login"), response.headers.get("Location")


@pytest.mark.parametrize("route", list(MONITORING_ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_monitoring_routes_by_role(client, role, route):
    url = resolve(route)
    as_role(client, role)
    assert client.get(url).status_code == MONITORING_ROUTES[route][role], f"{role} GET {url}"


@pytest.mark.parametrize("route", PUBLIC_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_public_pages_open_for_everyone(client, role, route):
    url = resolve(route)
    as_role(client, role)
    response = client.get(url)
    assert response.status_code == 200, f"{role} GET {url}"


@pytest.mark.parametrize("route", list(EDIT_ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_edit_routes_by_role(client, role, route):
    url = resolve(route)
    as_role(client, role)
    response = client.get(url)
    if role == "anonymous":
        assert response.status_code == 302, f"anonymous GET {url}"
        assert redirect_path(response).startswith("/login"), response.headers.get("Location")
        assert "next=" in response.headers["Location"]
    elif role in EDIT_ROUTES[route]:
        assert response.status_code == 200, f"{role} GET {url}"
        assert re.search(r"<form[^>]*method=\"post\"", response.get_data(as_text=True), re.I), (
            "an edit page has a form"
        )
    else:
        assert response.status_code == 403, f"{role} GET {url}"


def test_the_ministry_user_has_own_and_other_objects_to_test_with():
    """The matrix is only meaningful when the demo has lots on both sides of the ownership line."""
    me = ministry()
    assert own_lot().administrator_id == me.organisation_id
    assert other_lot().administrator_id != me.organisation_id
    assert own_project().lot.administrator_id == me.organisation_id
    assert other_project().lot.administrator_id != me.organisation_id


# --- forbidden writes change nothing -------------------------------------------------------


def test_ministry_cannot_post_an_edit_of_another_administrators_lot(client):
    lot = other_lot()
    before = (lot.title_ru, lot.budget, lot.number)
    events = count(AuditEvent)
    as_role(client, "ministry")
    response = client.post(f"/lots/{lot.id}/edit", data=lot_form(lot, title_ru="Захвачено", budget="1,00"))
    assert response.status_code == 403
    db.session.expire_all()
    reloaded = db.session.get(Lot, lot.id)
    assert (reloaded.title_ru, reloaded.budget, reloaded.number) == before
    assert count(AuditEvent) == events


def test_ministry_cannot_add_a_contract_to_another_administrators_lot(client):
    lot = other_lot()
    projects = count(Project)
    as_role(client, "ministry")
    response = client.post(
        f"/lots/{lot.id}/projects/new",
        data={
            "contract_number": "HACK-1",
            "contract_date": "2030-01-01",
            "amount": "1",
            "start_date": "2030-01-01",
            "end_date": "2030-02-01",
            "status": "contracted",
            "ngo_id": str(any_of(Organisation).id),
        },
    )
    assert response.status_code == 403
    assert count(Project) == projects


@pytest.mark.parametrize("role", ["ministry", "chair", "member1", "ngo"])
def test_only_admins_create_organisations(client, role):
    organisations = count(Organisation)
    as_role(client, role)
    response = client.post(
        "/organisations/new",
        data={"bin": "940140000385", "name_ru": "Чужая", "name_kk": "Бөтен", "kind": "ngo"},
    )
    assert response.status_code == 403
    assert count(Organisation) == organisations


def test_anonymous_post_creates_nothing_and_asks_to_log_in(client):
    lots = count(Lot)
    response = client.post("/lots/new", data=lot_form())
    assert response.status_code == 302
    assert redirect_path(response).startswith("/login")
    assert count(Lot) == lots


def test_a_chair_cannot_edit_the_group_and_a_member_cannot_promote_themself(client):
    group = any_of(MonitoringGroup)
    as_role(client, "chair")
    assert client.post(f"/groups/{group.id}/edit", data={"name_ru": "x", "name_kk": "x"}).status_code == 403
    member = user("member1")
    roles = {r.value for r in member.roles}
    client.post("/logout")
    as_role(client, "member1")
    response = client.post(
        f"/admin/users/{member.id}/edit",
        data={"email": member.email, "full_name": member.full_name, "roles": ["admin"], "active": "y"},
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert {r.value for r in db.session.get(User, member.id).roles} == roles


# --- what the lot page offers -------------------------------------------------------------


def test_anonymous_sees_no_edit_link_or_form_on_a_lot(client):
    lot = own_lot()
    page = client.get(f"/lots/{lot.id}").get_data(as_text=True)
    assert not re.search(r'href="[^"]*/edit"', page)
    assert f"/lots/{lot.id}/projects/new" not in page
    assert not re.search(r"<form[^>]*method=\"?post", page, re.I)


def test_ministry_sees_edit_on_its_own_lot_only(client):
    mine, theirs = own_lot(), other_lot()
    as_role(client, "ministry")
    page = client.get(f"/lots/{mine.id}").get_data(as_text=True)
    assert f'href="/lots/{mine.id}/edit"' in page
    assert f'href="/lots/{mine.id}/projects/new"' in page
    page = client.get(f"/lots/{theirs.id}").get_data(as_text=True)
    assert f"/lots/{theirs.id}/edit" not in page
    assert f"/lots/{theirs.id}/projects/new" not in page


def test_ministry_sees_edit_on_its_own_project_only(client):
    mine, theirs = own_project(), other_project()
    as_role(client, "ministry")
    assert f'href="/projects/{mine.id}/edit"' in client.get(f"/projects/{mine.id}").get_data(as_text=True)
    assert f"/projects/{theirs.id}/edit" not in client.get(f"/projects/{theirs.id}").get_data(as_text=True)


@pytest.mark.parametrize("role", ["chair", "member1", "ngo"])
def test_other_roles_see_no_edit_link_on_lots(client, role):
    lot = own_lot()
    as_role(client, role)
    page = client.get(f"/lots/{lot.id}").get_data(as_text=True)
    assert f"/lots/{lot.id}/edit" not in page


# --- unknown ids --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/lots/999999",
        "/projects/999999",
        "/needs/999999",
        "/organisations/999999",
        "/councils/999999",
        "/groups/999999",
    ],
)
def test_unknown_ids_answer_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "404" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/lots/999999/edit", "/projects/999999/edit", "/needs/999999/edit"])
def test_unknown_ids_answer_404_on_edit_routes_too(client, url):
    as_role(client, "ministry")
    assert client.get(url).status_code == 404


HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "url",
    [f"/{kind}/{HUGE}" for kind in ("lots", "projects", "needs", "organisations", "councils", "groups")]
    + [f"/lots/{HUGE}/edit", f"/projects/{HUGE}/edit", f"/admin/users/{HUGE}/edit", f"/groups/{HUGE}/edit"],
)
def test_ids_beyond_a_database_integer_answer_404_not_500(client, app, url):
    as_role(client, "admin" if "/admin/" in url or "/groups/" in url else "ministry")
    app.config["PROPAGATE_TEST_ERRORS"] = False
    try:
        response = client.get(url)
    finally:
        app.config["PROPAGATE_TEST_ERRORS"] = True
    assert response.status_code == 404, (
        f"GET {url} answered {response.status_code}: the HTML routes take unbounded <int:…> ids "
        "(the API caps them at MAX_ID)"
    )


# --- logging in and out -------------------------------------------------------------------


def test_logout_is_post_only(client):
    as_role(client, "ministry")
    assert client.get("/logout").status_code == 405
    assert client.get("/lots/new").status_code == 200, "a GET /logout must not log the user out"
    response = client.post("/logout")
    assert response.status_code == 302
    after = client.get("/lots/new")
    assert after.status_code == 302 and redirect_path(after).startswith("/login")


@pytest.mark.parametrize("email", DEMO_ACCOUNTS)
def test_every_demo_account_logs_in_and_sees_its_own_panels(client, email):
    person = user(email)
    roles = {r.value for r in person.roles}
    assert roles, f"{email} has no role"
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert redirect_path(response) == "/"
    home = client.get("/")
    assert home.status_code == 200
    page = text_of(home)
    shown = set(re.findall(r'data-role="(\w+)"', page))
    assert shown == roles, f"{email}: panels {sorted(shown)} for roles {sorted(roles)}"
    assert person.full_name in page


def test_login_with_the_email_in_another_case(client):
    response = client.post("/login", data={"email": "Ministry@Example.KZ", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert 'data-role="ministry"' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("email", ["ministry@example.kz", "nobody@example.kz"])
def test_wrong_password_or_unknown_email_re_renders_with_a_message(client, email):
    response = client.post("/login?lang=en", data={"email": email, "password": "wrong-password"})
    assert response.status_code == 200
    assert "Wrong email or password." in text_of(response)
    home = client.get("/").get_data(as_text=True)
    assert "data-role=" not in home
    assert 'href="/login"' in home
    assert client.get("/lots/new").status_code == 302


def test_a_deactivated_account_cannot_log_in(client):
    person = user("member4")
    person.active = False
    db.session.flush()
    response = client.post("/login?lang=en", data={"email": person.email, "password": DEMO_PASSWORD})
    assert response.status_code == 200
    assert "Wrong email or password." in text_of(response)
    assert "data-role=" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "target, expected", [("/lots/", "/lots/"), ("//evil.example/x", "/"), ("https://evil.example/", "/")]
)
def test_login_follows_next_only_within_the_site(client, target, expected):
    response = client.post(
        "/login", query_string={"next": target}, data={"email": "chair@example.kz", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert redirect_path(response) == expected


def test_anonymous_is_sent_to_login_and_back(client):
    lot = own_lot()
    response = client.get(f"/lots/{lot.id}/edit")
    assert response.status_code == 302
    login_url = redirect_path(response)
    assert login_url.startswith("/login")
    back = client.post(login_url, data={"email": "ministry@example.kz", "password": DEMO_PASSWORD})
    assert back.status_code == 302
    assert redirect_path(back).startswith(f"/lots/{lot.id}/edit")
    assert client.get(redirect_path(back)).status_code == 200


def test_the_demo_roles_are_what_the_matrix_assumes():
    """admin, ministry, chair, member and ngo accounts hold the roles their names say."""
    expected = {
        "admin": "admin",
        "ministry": "ministry",
        "chair": "chair",
        "member1": "member",
        "member4": "member",
        "ngo": "ngo",
    }
    for who, role in expected.items():
        assert user(who).has_role(role), f"{who} lacks the {role} role"
    for who in ("chair", "member1", "member4", "ngo"):
        assert not user(who).has_role("admin") and not user(who).has_role("ministry"), who
    assert db.session.scalar(select(User).where(User.email == "ngo@example.kz")).organisation_id is not None


def test_the_demo_secretaries_and_officials_are_what_the_matrix_assumes():
    """secretary@ keeps the Public Council of Astana (with chair@ as its chair), secretary2@ the MVD council;
    official@ speaks for the Astana police, official2@ for the Astana education department; none holds
    another role."""
    astana = db.session.scalar(select(Council).where(Council.secretary_id == user("secretary").id))
    assert astana is not None and astana.chair_id == user("chair").id
    mvd = db.session.scalar(select(Council).where(Council.secretary_id == user("secretary2").id))
    assert mvd is not None and mvd.id != astana.id
    for who, role in {
        "secretary": "secretary",
        "secretary2": "secretary",
        "official": "official",
        "official2": "official",
    }.items():
        assert {r.value for r in user(who).roles} == {role}, who
    police, education = user("official").organisation, user("official2").organisation
    assert police is not None and education is not None and police.id != education.id
    assert "полиции" in police.name_ru and "образования" in education.name_ru
    assert police.kind.value == education.kind.value == "government"
