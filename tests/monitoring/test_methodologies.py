"""Methodology pages: everyone reads them; admins edit, in place while unused, as a new version once used."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.audit.models import AuditEvent
from grants.extensions import db
from grants.monitoring.forms import MethodologyForm
from grants.monitoring.methodologies import describe
from grants.monitoring.models import Criterion, Evaluation, Methodology, SubjectKind
from grants.monitoring.operations import assign
from tests.conftest import login, visible_text
from tests.factories import count, ministry, own_project, redirect_path, text_of
from tests.monitoring import make_campaign, make_methodology


def form_payload(methodology: Methodology, **overrides) -> dict:
    """The edit form as the browser would post it, filled with the version's current values."""
    initial = MethodologyForm.initial_data(methodology)
    data = {}
    for key, value in initial.items():
        if key == "comment_required_scores":
            data[key] = ",".join(str(s) for s in value)
        elif key in ("bands", "criteria"):
            for i, row in enumerate(value):
                for name, cell in row.items():
                    data[f"{key}-{i}-{name}"] = "" if cell is None else str(cell)
        else:
            data[key] = "" if value is None else str(value)
    data.update(overrides)
    return data


def criteria_rows(methodology_id: int) -> list[tuple]:
    """Everything stored for a version's criteria, read fresh from the database."""
    db.session.expire_all()
    return [
        (c.position, c.code, c.name_ru, c.name_kk, c.name_en, c.short_ru, c.short_kk, c.short_en, c.weight,
         c.descriptors)
        for c in db.session.scalars(
            select(Criterion).where(Criterion.methodology_id == methodology_id).order_by(Criterion.position)
        )
    ]  # fmt: skip


def settings_row(methodology_id: int) -> tuple:
    db.session.expire_all()
    m = db.session.get(Methodology, methodology_id)
    return (m.code, m.version, m.name_ru, m.name_kk, m.name_en, m.scale_min, m.scale_max, m.quorum,
            m.disagreement_threshold, m.comment_required_scores, m.bands)  # fmt: skip


def put_in_use(methodology: Methodology) -> Evaluation:
    """A campaign whose project methodology is this version, with one project assigned to it."""
    campaign = make_campaign(project_methodology_id=methodology.id)
    evaluation = assign(campaign, campaign.groups[0], own_project(), ministry())
    db.session.flush()
    return evaluation


# --- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "admin", "ministry", "member1", "ngo"])
def test_everyone_can_read_the_methodologies(client, role):
    methodology = make_methodology()
    if role != "anonymous":
        login(client, f"{role}@example.kz")
    listing = client.get("/methodologies/", query_string={"lang": "en"})
    assert listing.status_code == 200
    assert f'href="/methodologies/{methodology.id}"' in listing.get_data(as_text=True)
    page = client.get(f"/methodologies/{methodology.id}", query_string={"lang": "en"})
    assert page.status_code == 200
    text = visible_text(text_of(page))
    for criterion in methodology.criteria:
        assert criterion.name_en in text
        assert criterion.descriptor(5, "en") in text
    assert "highly effective" in text
    edit_link = f'href="/methodologies/{methodology.id}/edit"' in page.get_data(as_text=True)
    assert edit_link == (role == "admin"), "only admins are offered the edit link"


def test_the_list_says_which_versions_are_in_use(client):
    used = make_methodology(code="test_used_rubric")
    unused = make_methodology(code="test_unused_rubric")
    put_in_use(used)
    html = client.get("/methodologies/", query_string={"lang": "en"}).get_data(as_text=True)
    rows = {m.id: html.split(f'href="/methodologies/{m.id}"')[1].split("</tr>")[0] for m in (used, unused)}
    assert "In use" in rows[used.id]
    assert "In use" not in rows[unused.id]


def test_a_missing_methodology_is_404(client):
    assert client.get("/methodologies/99999999").status_code == 404


# --- who may edit -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["ministry", "chair", "member1", "ngo"])
def test_only_admins_may_edit(client, role):
    methodology = make_methodology()
    before = settings_row(methodology.id), criteria_rows(methodology.id)
    events = count(AuditEvent)
    login(client, f"{role}@example.kz")
    assert client.get(f"/methodologies/{methodology.id}/edit").status_code == 403
    response = client.post(
        f"/methodologies/{methodology.id}/edit", data=form_payload(methodology, name_en="Hacked")
    )
    assert response.status_code == 403
    assert (settings_row(methodology.id), criteria_rows(methodology.id)) == before
    assert count(AuditEvent) == events


def test_anonymous_editing_goes_to_login(client):
    methodology = make_methodology()
    response = client.get(f"/methodologies/{methodology.id}/edit")
    assert response.status_code == 302
    assert redirect_path(response).startswith("/login")


# --- editing ----------------------------------------------------------------------------------


def test_editing_an_unused_version_changes_it_in_place(client):
    methodology = make_methodology()
    first_code, second_code = methodology.criteria[0].code, methodology.criteria[1].code
    versions = count(Methodology, Methodology.code == methodology.code)
    login(client, "admin@example.kz")
    assert client.get(f"/methodologies/{methodology.id}/edit").status_code == 200
    payload = form_payload(
        methodology,
        name_en="Effectiveness, revised",
        quorum="4",
        comment_required_scores="0, 5",
        **{
            "criteria-0-weight": "30",
            "criteria-1-code": "",
            "criteria-1-name_ru": "",
            "criteria-1-weight": "",
        },
    )
    response = client.post(f"/methodologies/{methodology.id}/edit", data=payload)
    assert response.status_code == 302, text_of(response)
    assert redirect_path(response) == f"/methodologies/{methodology.id}"

    assert count(Methodology, Methodology.code == methodology.code) == versions
    db.session.expire_all()
    saved = db.session.get(Methodology, methodology.id)
    assert saved.version == 1 and saved.active
    assert (saved.name_en, saved.quorum, saved.comment_required_scores) == (
        "Effectiveness, revised",
        4,
        [0, 5],
    )
    assert second_code not in saved.codes, "a cleared row removes the criterion"
    assert saved.criterion(first_code).weight == Decimal(30)
    assert [c.position for c in saved.criteria] == list(range(len(saved.criteria)))
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert (event.action, event.object_id) == ("methodology.update", methodology.id)


def test_editing_a_used_version_creates_the_next_version_and_keeps_the_old_one(client):
    methodology = make_methodology()
    evaluation = put_in_use(methodology)
    old_settings, old_criteria = settings_row(methodology.id), criteria_rows(methodology.id)
    changed = methodology.criteria[2].code
    login(client, "admin@example.kz")
    page = client.get(f"/methodologies/{methodology.id}/edit", query_string={"lang": "en"})
    assert "creates version 2" in visible_text(text_of(page))
    payload = form_payload(
        methodology,
        disagreement_threshold="2",
        **{"criteria-2-weight": "35", "criteria-2-name_en": "Result, measured"},
    )
    response = client.post(f"/methodologies/{methodology.id}/edit", data=payload)
    assert response.status_code == 302, text_of(response)

    db.session.expire_all()
    revision = db.session.scalar(
        select(Methodology).where(Methodology.code == methodology.code, Methodology.version == 2)
    )
    assert revision is not None
    assert redirect_path(response) == f"/methodologies/{revision.id}"
    assert revision.previous_id == methodology.id
    assert revision.active and revision.kind == methodology.kind
    assert revision.disagreement_threshold == 2
    assert revision.criterion(changed).weight == Decimal(35)
    assert revision.criterion(changed).name_en == "Result, measured"
    assert revision.codes == [row[1] for row in old_criteria]
    assert {c.id for c in revision.criteria}.isdisjoint(
        {c.id for c in db.session.get(Methodology, methodology.id).criteria}
    ), "the new version has its own criteria rows"

    # The old version is untouched apart from being superseded.
    assert settings_row(methodology.id) == old_settings
    assert criteria_rows(methodology.id) == old_criteria
    assert db.session.get(Methodology, methodology.id).active is False
    assert db.session.get(Evaluation, evaluation.id).methodology_id == methodology.id
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert (event.action, event.object_id) == ("methodology.revise", revision.id)
    assert event.before["id"] == methodology.id

    # The history on the new version's page links back to version 1.
    page = client.get(f"/methodologies/{revision.id}", query_string={"lang": "en"})
    assert f'href="/methodologies/{methodology.id}"' in page.get_data(as_text=True)


def test_a_superseded_version_cannot_be_edited(client):
    methodology = make_methodology()
    put_in_use(methodology)
    login(client, "admin@example.kz")
    client.post(f"/methodologies/{methodology.id}/edit", data=form_payload(methodology, quorum="4"))
    versions = count(Methodology, Methodology.code == methodology.code)
    assert versions == 2
    response = client.post(
        f"/methodologies/{methodology.id}/edit", data=form_payload(methodology, quorum="5")
    )
    assert response.status_code == 302
    assert redirect_path(response) == f"/methodologies/{methodology.id}"
    assert count(Methodology, Methodology.code == methodology.code) == versions
    assert settings_row(methodology.id)[7] == 3


def test_saving_without_changes_makes_no_new_version(client):
    methodology = make_methodology()
    put_in_use(methodology)
    events = count(AuditEvent)
    login(client, "admin@example.kz")
    response = client.post(f"/methodologies/{methodology.id}/edit", data=form_payload(methodology))
    assert response.status_code == 302
    assert count(Methodology, Methodology.code == methodology.code) == 1
    assert count(AuditEvent) == events


INVALID_EDITS = {
    "duplicate codes": ({"criteria-1-code": "relevance"}, "The code relevance is used twice."),
    "weight 0": ({"criteria-0-weight": "0"}, "The weight must be greater than zero."),
    "threshold 0": ({"disagreement_threshold": "0"}, "The disagreement threshold must be at least 1 point."),
    "scale_min = scale_max": ({"scale_min": "5"}, "The top of the scale must be greater than its bottom."),
    "scale_min > scale_max": ({"scale_min": "7"}, "The top of the scale must be greater than its bottom."),
    "bad code": ({"criteria-0-code": "Relevance!"}, "lowercase Latin letters"),
    "comment score outside the scale": ({"comment_required_scores": "0,1,9"}, "must lie within the scale"),
    "no band at 0": ({"bands-3-min": "10"}, "One band must start at 0"),
    "duplicate band codes": (
        {"bands-1-code": "highly_effective"},
        "Two bands have the code highly_effective.",
    ),
    "quorum 0": ({"quorum": "0"}, "The quorum must be at least 1."),
    "no criteria": ("clear", "Add at least one criterion."),
}


@pytest.mark.parametrize("used", [False, True], ids=["unused", "used"])
@pytest.mark.parametrize("case", list(INVALID_EDITS))
def test_invalid_edits_are_refused_and_change_nothing(client, case, used):
    methodology = make_methodology()
    if used:
        put_in_use(methodology)
    changes, message = INVALID_EDITS[case]
    payload = form_payload(methodology)
    if changes == "clear":
        for key in [k for k in payload if k.startswith("criteria-")]:
            payload[key] = ""
    else:
        payload.update(changes)
    before = settings_row(methodology.id), criteria_rows(methodology.id), describe(methodology)
    methodologies, events = count(Methodology), count(AuditEvent)
    login(client, "admin@example.kz")
    response = client.post(f"/methodologies/{methodology.id}/edit", data=payload, query_string={"lang": "en"})
    assert response.status_code == 422
    text = visible_text(text_of(response))
    assert "was not saved" in text
    assert message in text
    assert 'name="criteria-0-code"' in response.get_data(as_text=True), "the form is shown again"
    assert (settings_row(methodology.id), criteria_rows(methodology.id)) == before[:2]
    assert describe(db.session.get(Methodology, methodology.id)) == before[2]
    assert db.session.get(Methodology, methodology.id).active
    assert (count(Methodology), count(AuditEvent)) == (methodologies, events)


def test_a_weight_that_is_not_a_number_is_refused(client):
    methodology = make_methodology()
    before = criteria_rows(methodology.id)
    login(client, "admin@example.kz")
    response = client.post(
        f"/methodologies/{methodology.id}/edit",
        data=form_payload(methodology, **{"criteria-0-weight": "abc"}),
    )
    assert response.status_code == 422
    assert criteria_rows(methodology.id) == before


def test_the_shipped_methodologies_are_listed(client):
    """The data migration ships one methodology of each kind (docs/domain.md#criteria)."""
    html = client.get("/methodologies/").get_data(as_text=True)
    for kind in SubjectKind:
        shipped = db.session.scalar(
            select(Methodology).where(Methodology.kind == kind).order_by(Methodology.id)
        )
        assert shipped is not None, f"no {kind.value} methodology in the database"
        assert f'href="/methodologies/{shipped.id}"' in html
