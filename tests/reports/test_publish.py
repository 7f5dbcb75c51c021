"""Publication: before it nothing of the result is public; after it the lot and project pages show it."""

import json

import pytest

from grants.extensions import db as database
from grants.monitoring.models import EvaluationState
from grants.reports.models import ReportKind
from grants.reports.operations import publish, review
from grants.reports.rendering import render_committed
from tests.api.evaluation_fixtures import user
from tests.conftest import login
from tests.reports import FINDINGS, RECOMMENDATIONS, audit_actions, in_review, reload, reports_of

VIEWERS = ("anonymous", "ngo")


def as_(app, who: str):
    client = app.test_client()
    if who != "anonymous":
        login(client, f"{who}@example.kz")
    return client


def accepted(kind: str = "project"):
    evaluation = in_review(kind)
    review(evaluation, user("ministry"), "accept", None)
    database.session.commit()
    render_committed()
    return evaluation


def public_pages(evaluation) -> list[str]:
    pages = [f"/lots/{evaluation.lot_id}"]
    if evaluation.project_id:
        pages.append(f"/projects/{evaluation.project_id}")
    return pages


def assert_nothing_public(app, evaluation):
    draft = next(r for r in reports_of(evaluation) if r.kind == ReportKind.draft)
    finals = [r for r in reports_of(evaluation) if r.kind == ReportKind.final]
    band_title = evaluation.methodology.band_title(evaluation.band, "en")
    for who in VIEWERS:
        client = as_(app, who)
        for url in public_pages(evaluation):
            page = client.get(f"{url}?lang=en").get_data(as_text=True)
            assert "data-published-evaluation" not in page, (who, url)
            assert "data-index" not in page and "data-band" not in page and band_title not in page, (who, url)
            assert FINDINGS not in page and RECOMMENDATIONS not in page, (who, url)
        detail = client.get(f"/api/v1/lots/{evaluation.lot_id}").get_json()
        assert not {"index", "band", "evaluations"} & set(detail) and evaluation.band not in json.dumps(
            detail
        )
        for report in (draft, *finals):
            assert client.get(f"/reports/{report.id}.pdf").status_code == 404, (who, report.kind)
        assert client.get(f"/evaluations/{evaluation.id}/report.pdf").status_code == 404
        assert client.get(f"/api/v1/evaluations/{evaluation.id}/report.pdf").status_code == 404
        # Verification is public; the scores are not.
        assert client.get(f"/verify/{draft.sha256}").status_code == 200


def test_unpublished_results_stay_private_in_review_and_once_accepted(app, db):
    evaluation = in_review()
    assert_nothing_public(app, evaluation)
    review(evaluation, user("ministry"), "accept", None)
    db.session.commit()
    render_committed()
    assert_nothing_public(app, evaluation)


def test_publishing_in_the_page_shows_the_result_on_the_lot_and_project_pages(app, db):
    evaluation = accepted()
    ministry = as_(app, "ministry")
    response = ministry.post(f"/reviews/{evaluation.id}/publish?lang=en")
    assert response.status_code == 302
    evaluation = reload(evaluation)
    assert evaluation.state == EvaluationState.published and evaluation.published_at is not None
    assert "evaluation.publish" in audit_actions(evaluation)
    draft, final = reports_of(evaluation)
    assert (draft.kind, final.kind) == (ReportKind.draft, ReportKind.final)

    for who in VIEWERS:
        client = as_(app, who)
        for url in public_pages(evaluation):
            page = client.get(f"{url}?lang=en").get_data(as_text=True)
            assert f'data-published-evaluation="{evaluation.id}"' in page, (who, url)
            assert "data-index>83.3<" in page and 'data-band="effective"' in page, (who, url)
            assert evaluation.methodology.band_title("effective", "en") in page
            assert FINDINGS in page and RECOMMENDATIONS in page
            assert '<td class="text-end" data-mean>4.00</td>' in page  # relevance: (4 + 5 + 3) / 3
            assert f'href="/reports/{final.id}.pdf" data-final-report="ru"' in page
            assert f"/reports/{draft.id}.pdf" not in page
        downloaded = client.get(f"/reports/{final.id}.pdf")
        assert downloaded.status_code == 200 and downloaded.mimetype == "application/pdf"
        assert downloaded.data == final.content
        assert downloaded.headers["Cache-Control"] == "public, max-age=3600"
        assert client.get(f"/reports/{draft.id}.pdf").status_code == 404, "drafts are never public"
        assert client.get(f"/evaluations/{evaluation.id}/report.pdf").data == final.content
        api = client.get(f"/api/v1/evaluations/{evaluation.id}/report.pdf?lang=ru")
        assert api.status_code == 200 and api.data == final.content
        assert client.get(f"/api/v1/evaluations/{evaluation.id}/report.pdf?lang=de").status_code == 422
        assert client.get(f"/api/v1/evaluations/{evaluation.id}/report.pdf?lang=kk").status_code == 404
    # The review page offers no second publication.
    page = ministry.get(f"/reviews/{evaluation.id}?lang=en").get_data(as_text=True)
    assert 'data-state="published"' in page and f'action="/reviews/{evaluation.id}/publish"' not in page
    assert ministry.post(f"/reviews/{evaluation.id}/publish?lang=en").status_code == 409


def test_publishing_through_the_api_shows_a_lot_result(app, client, db, api_token):
    evaluation = accepted("lot")
    headers = {"Authorization": f"Bearer {api_token('ministry')}"}
    response = client.post(f"/api/v1/evaluations/{evaluation.id}/publish", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["state"] == "published"
    assert "evaluation.publish" in audit_actions(evaluation)
    page = client.get(f"/lots/{evaluation.lot_id}?lang=en").get_data(as_text=True)  # the client is anonymous
    assert f'data-published-evaluation="{evaluation.id}"' in page
    assert "data-index>80.0<" in page and 'data-band="relevant"' in page
    again = client.post(f"/api/v1/evaluations/{evaluation.id}/publish", headers=headers)
    assert again.status_code == 409


@pytest.mark.parametrize("who,status", [("chair", 403), ("member1", 403), ("ngo", 404), ("admin", 403)])
def test_only_the_organisers_staff_publish(app, client, db, api_token, who, status):
    evaluation = accepted()
    page = as_(app, who)
    assert page.post(f"/reviews/{evaluation.id}/publish").status_code == status
    headers = {"Authorization": f"Bearer {api_token(who)}"}
    assert client.post(f"/api/v1/evaluations/{evaluation.id}/publish", headers=headers).status_code == status
    assert reload(evaluation).state == EvaluationState.accepted


def test_an_evaluation_in_review_cannot_be_published(app, client, db, api_token):
    evaluation = in_review()
    assert as_(app, "ministry").post(f"/reviews/{evaluation.id}/publish?lang=en").status_code == 409
    headers = {"Authorization": f"Bearer {api_token('ministry')}"}
    response = client.post(f"/api/v1/evaluations/{evaluation.id}/publish", headers=headers)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "conflict"
    assert reload(evaluation).state == EvaluationState.in_review


def test_final_reports_in_every_language_are_linked_once_published(app, client, db, reports_in_all_languages):
    evaluation = accepted()
    publish(evaluation, user("ministry"))
    database.session.commit()
    finals = {r.lang: r for r in reports_of(evaluation) if r.kind == ReportKind.final}
    assert set(finals) == {"kk", "ru", "en"}
    page = client.get(f"/projects/{evaluation.project_id}?lang=en").get_data(as_text=True)
    for lang, report in finals.items():
        assert f'href="/reports/{report.id}.pdf" data-final-report="{lang}"' in page
        response = client.get(f"/evaluations/{evaluation.id}/report.pdf?lang={lang}")
        assert response.status_code == 200 and response.data == report.content
