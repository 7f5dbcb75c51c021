"""The evaluation flow through the web pages, on the demo campaign."""

import re

import pytest
from sqlalchemy import select

from grants.audit.models import AuditEvent
from grants.monitoring.models import Evaluation, EvaluationState, SubjectKind
from tests.helpers import login, user

CODES = ["relevance", "plan_execution", "result", "sustainability", "social_effect"]
ISSUE_SCORES = {"member1": (4, 5, 3, 4, 4), "member2": (5, 5, 4, 4, 5), "member3": (3, 4, 4, 5, 4)}


def demo_evaluation(db, kind: SubjectKind, recusing: bool = False) -> Evaluation:
    """Group 1's evaluation of the given kind; for projects, the one where member2 is (or is not) affiliated."""
    chair = user("chair@example.kz")
    bins = user("member2@example.kz").affiliated_bins
    for evaluation in db.session.scalars(
        select(Evaluation).where(Evaluation.kind == kind).order_by(Evaluation.id)
    ):
        if evaluation.group.chair_id != chair.id:
            continue
        if kind == SubjectKind.lot or (evaluation.ngo_bin in bins) == recusing:
            return evaluation
    raise AssertionError("the demo campaign lacks this evaluation")


def score_form(scores, comments=True):
    data = {}
    for code, value in zip(CODES, scores, strict=True):
        data[f"score_{code}"] = str(value)
        data[f"comment_{code}"] = f"Checked on site, documents seen ({code})" if comments else ""
    return data


def declare_and_submit(client, evaluation, who, scores):
    login(client, f"{who}@example.kz")
    url = f"/evaluations/{evaluation.id}"
    assert client.get(url).status_code == 200
    r = client.post(f"{url}/declare", data={"conflict": "no", "confirm": "y"})
    assert r.status_code == 302
    r = client.post(f"{url}/scorecard", data=score_form(scores) | {"submit_card": "1"})
    assert r.status_code == 302
    client.post("/logout")


def test_three_members_score_and_the_chair_finalizes(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    for who, scores in ISSUE_SCORES.items():
        declare_and_submit(app.test_client(), evaluation, who, scores)

    chair = app.test_client()
    login(chair, "chair@example.kz")
    page = chair.get(f"/evaluations/{evaluation.id}/consolidate?lang=en").get_data(as_text=True)
    # Scoring is still open: the chair sees progress, not scores.
    assert "data-side-by-side" not in page
    r = chair.post(f"/evaluations/{evaluation.id}/consolidate?lang=en", data={"action": "close"})
    assert r.status_code == 302
    page = chair.get(f"/evaluations/{evaluation.id}/consolidate?lang=en").get_data(as_text=True)
    assert "data-side-by-side" in page
    assert re.search(r"data-index>83\.3<", page), "index 83.3 expected"
    assert 'data-band="effective"' in page
    payload = {f"conclusion_{c}": "Положительно" for c in CODES} | {
        "findings": "Мероприятия проведены в основном по плану.",
        "recommendations": "Усилить работу с родителями.",
        "action": "finalize",
    }
    r = chair.post(f"/evaluations/{evaluation.id}/consolidate?lang=en", data=payload)
    assert r.status_code == 302
    db.session.expire_all()
    evaluation = db.session.get(Evaluation, evaluation.id)
    assert evaluation.state == EvaluationState.in_review
    assert str(evaluation.index_value) == "83.3" and evaluation.band == "effective"
    actions = set(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type.in_(["Scorecard", "Evaluation"]))
        )
    )
    assert {
        "scorecard.declare",
        "scorecard.submit",
        "evaluation.close_scoring",
        "evaluation.finalize",
    } <= actions


def test_member_sees_no_other_scores_before_submitting(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    declare_and_submit(app.test_client(), evaluation, "member2", ISSUE_SCORES["member2"])
    declare_and_submit(app.test_client(), evaluation, "member3", ISSUE_SCORES["member3"])
    client = app.test_client()
    login(client, "member1@example.kz")
    page = client.get(f"/evaluations/{evaluation.id}?lang=en").get_data(as_text=True)
    assert "data-aggregates" not in page and "data-index" not in page
    client.post(f"/evaluations/{evaluation.id}/declare", data={"conflict": "no", "confirm": "y"})
    client.post(
        f"/evaluations/{evaluation.id}/scorecard",
        data=score_form(ISSUE_SCORES["member1"]) | {"submit_card": "1"},
    )
    page = client.get(f"/evaluations/{evaluation.id}?lang=en").get_data(as_text=True)
    assert "data-aggregates" in page and "data-index>83.3<" in page


def test_affiliated_member_is_recused_on_opening(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project, recusing=True)
    client = app.test_client()
    login(client, "member2@example.kz")
    page = client.get(f"/evaluations/{evaluation.id}?lang=en").get_data(as_text=True)
    assert 'data-recused="affiliation"' in page
    member2 = user("member2@example.kz")
    assert db.session.get(Evaluation, evaluation.id).scorecard_of(member2) is None  # opening wrote nothing
    r = client.post(f"/evaluations/{evaluation.id}/declare", data={"conflict": "no", "confirm": "y"})
    assert r.status_code == 302
    db.session.expire_all()
    evaluation = db.session.get(Evaluation, evaluation.id)
    assert evaluation.is_recused(member2) and not evaluation.can_score(member2)
    assert evaluation.scorecard_of(member2) is None  # the refused declaration stored nothing


@pytest.mark.parametrize("who", ["member4", "ngo", None])
def test_outsiders_do_not_see_the_evaluation(app, db, who):
    evaluation = demo_evaluation(db, SubjectKind.project)
    client = app.test_client()
    if who:
        login(client, f"{who}@example.kz")
        assert client.get(f"/evaluations/{evaluation.id}").status_code == 404
        assert (
            client.post(
                f"/evaluations/{evaluation.id}/scorecard", data=score_form((5, 5, 5, 5, 5))
            ).status_code
            == 404
        )
    else:
        assert client.get(f"/evaluations/{evaluation.id}").status_code == 302  # to the login page


def test_flagged_criterion_blocks_finalize_until_a_consensus_note(app, db):
    evaluation = demo_evaluation(db, SubjectKind.project)
    for who, scores in {
        "member1": (1, 4, 4, 4, 4),
        "member2": (5, 4, 4, 4, 4),
        "member3": (3, 4, 4, 4, 4),
    }.items():
        declare_and_submit(app.test_client(), evaluation, who, scores)
    chair = app.test_client()
    login(chair, "chair@example.kz")
    payload = {f"conclusion_{c}": "Положительно" for c in CODES} | {
        "findings": "F",
        "recommendations": "R",
        "action": "finalize",
    }
    r = chair.post(f"/evaluations/{evaluation.id}/consolidate?lang=en", data=payload)
    assert r.status_code == 409
    assert 'data-error="consensus_missing"' in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Evaluation, evaluation.id).state == EvaluationState.scoring  # nothing changed
    r = chair.post(
        f"/evaluations/{evaluation.id}/consolidate?lang=en",
        data=payload | {"note_relevance": "Сошлись на оценке 3: план выполнен частично."},
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert db.session.get(Evaluation, evaluation.id).state == EvaluationState.in_review


def test_lot_evaluation_end_to_end_with_a_need_link(app, db):
    evaluation = demo_evaluation(db, SubjectKind.lot)
    codes = evaluation.methodology.codes
    for who in ("member1", "member2", "member3"):
        client = app.test_client()
        login(client, f"{who}@example.kz")
        client.post(f"/evaluations/{evaluation.id}/declare", data={"conflict": "no", "confirm": "y"})
        data = {f"score_{c}": "4" for c in codes} | {f"comment_{c}": "" for c in codes} | {"submit_card": "1"}
        assert client.post(f"/evaluations/{evaluation.id}/scorecard", data=data).status_code == 302
    from grants.needs.models import PublicNeed

    linked = {link.need_id for link in evaluation.lot.need_links}
    need = next(n for n in db.session.scalars(select(PublicNeed)) if n.id not in linked)
    client = app.test_client()
    login(client, "member1@example.kz")
    r = client.post(f"/evaluations/{evaluation.id}/needs", data={"need_id": need.id, "reason": ""})
    db.session.expire_all()
    assert need.id not in {link.need_id for link in db.session.get(Evaluation, evaluation.id).lot.need_links}
    r = client.post(
        f"/evaluations/{evaluation.id}/needs",
        data={"need_id": need.id, "reason": "Тема лота отвечает потребности"},
    )
    assert r.status_code == 302
    db.session.expire_all()
    assert need.id in {link.need_id for link in db.session.get(Evaluation, evaluation.id).lot.need_links}
    chair = app.test_client()
    login(chair, "chair@example.kz")
    payload = {f"conclusion_{c}": "Соответствует" for c in codes} | {
        "findings": "F",
        "recommendations": "R",
        "action": "finalize",
    }
    assert chair.post(f"/evaluations/{evaluation.id}/consolidate", data=payload).status_code == 302
    db.session.expire_all()
    evaluation = db.session.get(Evaluation, evaluation.id)
    assert evaluation.state == EvaluationState.in_review and str(evaluation.index_value) == "80.0"
    assert evaluation.band == "relevant"


def test_campaign_page_reports_agreement_once_scoring_has_closed(app, db):
    from grants.monitoring import rules
    from grants.monitoring.results import campaign_alpha

    evaluation = demo_evaluation(db, SubjectKind.project)
    for who, scores in ISSUE_SCORES.items():
        declare_and_submit(app.test_client(), evaluation, who, scores)
    ministry = app.test_client()
    login(ministry, "ministry@example.kz")
    page = ministry.get(f"/campaigns/{evaluation.campaign_id}?lang=en").get_data(as_text=True)
    assert "data-agreement" not in page  # still scoring: nothing derived from the scores shows
    chair = app.test_client()
    login(chair, "chair@example.kz")
    chair.post(f"/evaluations/{evaluation.id}/consolidate", data={"action": "close"})
    db.session.expire_all()
    units = [[scores[i] for scores in ISSUE_SCORES.values()] for i in range(len(CODES))]
    expected = rules.krippendorff_alpha(units)
    assert (
        campaign_alpha(db.session.get(Evaluation, evaluation.id).campaign.evaluations, SubjectKind.project)
        == expected
    )
    page = ministry.get(f"/campaigns/{evaluation.campaign_id}?lang=en").get_data(as_text=True)
    assert re.search(rf'data-alpha="project">[^<]*: {expected:.2f}<', page), page[
        page.find("data-agreement") - 50 :
    ][:400]
