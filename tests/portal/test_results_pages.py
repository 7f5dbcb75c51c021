"""The public results pages per campaign: published evaluations only, breakdowns with SVG charts."""

import re

import pytest

from tests.api.evaluation_fixtures import build_campaign
from tests.helpers import pdf_text, visible_text
from tests.portal.helpers import MEMBER_COMMENT, REVIEW_COMMENT, names_of_scorers, published_campaign

LANGS = ("kk", "ru", "en")


def test_campaign_results_show_published_evaluations_with_breakdowns_and_charts(client, db):
    done = published_campaign()
    campaign = done.setup.campaign
    index = client.get("/results?lang=en")
    assert index.status_code == 200
    listing = index.get_data(as_text=True)
    assert f'href="/results/{campaign.id}"' in listing
    row = re.search(rf'<tr data-campaign="{campaign.id}">(.*?)</tr>', listing, re.S).group(1)
    assert '<td class="text-end" data-count>2</td>' in row

    response = client.get(f"/results/{campaign.id}?lang=en")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for evaluation in (done.project, done.lot):
        assert f'data-evaluation="{evaluation.id}"' in page
    # The affiliated project's evaluation is still in scoring: not a published result.
    assert f'data-evaluation="{done.setup.affiliated.id}"' not in page
    assert "data-index>83.3<" in page and "data-index>80.0<" in page
    assert 'data-band="effective"' in page and 'data-band="relevant"' in page
    for key in ("region", "administrator", "sphere"):
        assert f'data-breakdown="{key}"' in page
        chart = re.search(rf'<div class="chart-block[^"]*" data-chart="{key}">(.*?)</div>', page, re.S).group(
            1
        )
        assert chart.strip().startswith("<svg"), key
    assert page.count("<svg") >= 10  # per methodology: bands, criteria, region, administrator, sphere
    assert 'data-section="project"' in page and 'data-section="lot"' in page
    assert 'data-final-report="ru"' in page
    text = visible_text(page)
    for secret in (MEMBER_COMMENT, REVIEW_COMMENT, *names_of_scorers()):
        assert secret not in text


def test_a_campaign_without_published_evaluations_is_not_found(client, db):
    campaign = build_campaign().campaign  # running, nothing published
    assert client.get(f"/results/{campaign.id}").status_code == 404
    assert f'href="/results/{campaign.id}"' not in client.get("/results").get_data(as_text=True)
    assert client.get("/results/999999").status_code == 404
    assert client.get("/results/99999999999").status_code == 404
    assert client.get("/results").status_code == 200


@pytest.mark.parametrize("lang", LANGS)
def test_results_pages_render_in_each_language(client, db, lang):
    done = published_campaign()
    for url in (
        "/results",
        f"/results/{done.setup.campaign.id}",
        f"/lots/{done.lot.lot_id}",
        f"/projects/{done.project.project_id}",
        "/lots/?sort=-index",
    ):
        response = client.get(url + ("&" if "?" in url else "?") + f"lang={lang}")
        assert response.status_code == 200, url
        assert f'<html lang="{lang}"' in response.get_data(as_text=True)


def test_public_summary_pdf_counts_published_evaluations_only(client, db):
    from sqlalchemy import select

    from grants.monitoring.models import Campaign, Evaluation, EvaluationState

    published = db.session.scalars(
        select(Evaluation).where(Evaluation.state == EvaluationState.published)
    ).all()
    campaign = db.session.get(Campaign, published[0].campaign_id)
    page = client.get(f"/results/{campaign.id}").get_data(as_text=True)
    assert f"/results/{campaign.id}/summary.pdf?lang=kk" in page
    response = client.get(f"/results/{campaign.id}/summary.pdf?lang=ru")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Опубликованные результаты" in text
    assert client.get(f"/results/{campaign.id}/summary.pdf?lang=de").status_code == 404
    campaigns = db.session.scalars(select(Campaign).order_by(Campaign.id))
    unpublished = [
        c for c in campaigns if not any(e.state == EvaluationState.published for e in c.evaluations)
    ]
    assert unpublished, "the demo needs a campaign with nothing published"
    assert client.get(f"/results/{unpublished[0].id}/summary.pdf").status_code == 404
