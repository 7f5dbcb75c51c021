"""The evaluation page keeps what a member typed: the draft autosaved, refused forms shown again
with every value and their errors beside the fields; "My evaluations" filtered, open items first."""

import re

from sqlalchemy import select

from grants.audit.models import AuditEvent
from grants.scoring.models import Scorecard
from tests.helpers import login, user
from tests.scoring.test_evaluation_pages import CODES, SubjectKind, demo_evaluation, score_form
from tests.scoring.test_evidence import declared_member


def card_of(db, evaluation, who="member1") -> Scorecard | None:
    db.session.expire_all()
    return db.session.scalar(
        select(Scorecard).where(Scorecard.evaluation_id == evaluation.id, Scorecard.member_id == user(who).id)
    )


def checked(page: str, code: str) -> list[str]:
    """Values of the checked radio buttons of one criterion in the page."""
    tags = re.findall(rf'<input[^>]*name="score_{code}"[^>]*>', page)
    return [re.search(r'value="([^"]*)"', t).group(1) for t in tags if re.search(r"\bchecked\b", t)]


def test_autosave_saves_the_draft_and_answers_json(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    client = declared_member(app, evaluation)
    data = {f"score_{CODES[0]}": "4", f"comment_{CODES[0]}": "Seen on site"}

    response = client.post(
        f"/evaluations/{evaluation.id}/scorecard/autosave?lang=en",
        data=data,
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 200
    body = response.get_json()
    assert body["saved"] is True and re.fullmatch(r"\d\d:\d\d", body["time"])
    assert body["message"] == f"Draft saved at {body['time']}"
    card = card_of(db, evaluation)
    row = card.score_for(CODES[0])
    assert (row.score, row.comment) == (4, "Seen on site")
    assert card.submitted_at is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "scorecard.save")) is not None


def test_autosave_never_submits_and_stops_once_submitted(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    client = declared_member(app, evaluation)
    url = f"/evaluations/{evaluation.id}/scorecard"
    # Even asked to submit, the autosave only saves a draft.
    r = client.post(f"{url}/autosave", data=score_form((4, 4, 4, 4, 4)) | {"submit_card": "1"})
    assert r.status_code == 200 and card_of(db, evaluation).submitted_at is None
    assert client.post(url, data=score_form((4, 4, 4, 4, 4)) | {"submit_card": "1"}).status_code == 302
    r = client.post(f"{url}/autosave?lang=en", data=score_form((1, 1, 1, 1, 1)))
    assert r.status_code == 409
    assert r.get_json()["message"] == "Your scorecard has been submitted and is locked."
    assert card_of(db, evaluation).score_for(CODES[0]).score == 4


def test_autosave_refuses_a_bad_score_beside_its_criterion(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    client = declared_member(app, evaluation)
    r = client.post(
        f"/evaluations/{evaluation.id}/scorecard/autosave?lang=en", data={f"score_{CODES[1]}": "9"}
    )
    assert r.status_code == 422
    assert set(r.get_json()["fields"]) == {CODES[1]}


def test_an_incomplete_submission_keeps_every_value_and_shows_errors_beside_the_criteria(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    client = declared_member(app, evaluation)
    data = score_form((4, 5, 3, 4, 4)) | {"submit_card": "1"}
    data[f"score_{CODES[2]}"] = ""  # one score missing
    data[f"comment_{CODES[0]}"] = "Typed and not to be lost"

    response = client.post(f"/evaluations/{evaluation.id}/scorecard?lang=en", data=data)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Typed and not to be lost" in page
    assert checked(page, CODES[1]) == ["5"] and checked(page, CODES[2]) == []
    errors = re.findall(r'data-criterion-error="([^"]+)"', page)
    assert errors == [CODES[2]]
    assert 'href="#criterion-' + CODES[2] + '"' in page
    assert "scores." not in page and "['" not in page
    # The draft was kept; it is not submitted.
    card = card_of(db, evaluation)
    assert card.submitted_at is None and card.score_for(CODES[0]).comment == "Typed and not to be lost"


def test_a_refused_declaration_is_shown_again_with_its_errors(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    client = app.test_client()
    login(client, "member1@example.kz")
    r = client.post(f"/evaluations/{evaluation.id}/declare?lang=en", data={"conflict": "yes", "confirm": "y"})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "Describe the conflict of interest." in page and "conflict_note:" not in page
    assert [
        t
        for t in re.findall(r'<input[^>]*name="conflict"[^>]*>', page)
        if "checked" in t and 'value="yes"' in t
    ]


def test_the_evaluation_page_has_keyboard_friendly_criteria(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    client = declared_member(app, evaluation)
    page = client.get(f"/evaluations/{evaluation.id}?lang=en").get_data(as_text=True)
    assert page.count('<fieldset class="criterion') == len(CODES)
    assert page.count("<legend") >= len(CODES)
    for code in CODES:
        assert f'<label class="form-label small" for="comment_{code}">' in page
    assert "data-autosave=" in page and "data-unsaved" in page and 'role="status"' in page
    assert 'name="submit_card" value="1" data-confirm="' in page
    assert "/static/js/scorecard.js" in page and "/static/js/forms.js" in page


def test_my_evaluations_filters_and_puts_open_items_first(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    client = declared_member(app, evaluation)
    client.post(
        f"/evaluations/{evaluation.id}/scorecard", data=score_form((4, 4, 4, 4, 4)) | {"submit_card": "1"}
    )

    page = client.get("/evaluations/?lang=en").get_data(as_text=True)
    parts = re.findall(r'data-part="(\w+)"', page)
    assert parts and parts == sorted(parts, key=["todo", "submitted", "finished"].index)
    assert "submitted" in parts and "todo" in parts

    todo = client.get("/evaluations/?state=todo&lang=en").get_data(as_text=True)
    assert set(re.findall(r'data-part="(\w+)"', todo)) == {"todo"}
    assert f'data-evaluation="{evaluation.id}"' not in todo
    submitted = client.get("/evaluations/?state=submitted").get_data(as_text=True)
    assert f'data-evaluation="{evaluation.id}"' in submitted
    year = evaluation.lot.year
    assert f'data-evaluation="{evaluation.id}"' in client.get(f"/evaluations/?year={year}").get_data(
        as_text=True
    )
    assert f'<option value="{year}" selected>' in client.get(f"/evaluations/?year={year}").get_data(
        as_text=True
    )
    # Nonsense filters are ignored, never a 500.
    assert client.get("/evaluations/?state=bogus&year=abc").status_code == 200
