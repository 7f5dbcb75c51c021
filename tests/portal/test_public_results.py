"""Acceptance 1 of issue 5: a published evaluation's index and band are public on the lot and project
pages and in the API; an unpublished one (in review, accepted) shows nowhere; neither members' names
and own scores nor review comments ever do."""

import json

from sqlalchemy import select

from grants.extensions import db
from grants.projects.models import Project
from grants.reports.models import Report, ReportKind
from tests.helpers import login
from tests.portal.helpers import (
    CONCLUSION,
    FINDINGS,
    HIDDEN_FINDINGS,
    MEMBER_COMMENT,
    RECOMMENDATIONS,
    REVIEW_COMMENT,
    names_of_scorers,
    published_campaign,
    unpublished_campaign,
)

SECRETS = (MEMBER_COMMENT, REVIEW_COMMENT, HIDDEN_FINDINGS)


def finals_of(db, evaluation) -> list[Report]:
    return (
        db.session.query(Report)
        .filter(Report.evaluation_id == evaluation.id, Report.kind == ReportKind.final)
        .order_by(Report.lang)
        .all()
    )


def test_published_results_on_the_lot_and_project_pages(client, db):
    done = published_campaign()
    project, lot = done.project, done.lot
    final = finals_of(db, project)[0]
    names = names_of_scorers()
    for url in (f"/lots/{project.lot_id}", f"/projects/{project.project_id}"):
        page = client.get(url, query_string={"lang": "en"}).get_data(as_text=True)
        assert f'data-published-evaluation="{project.id}"' in page, url
        assert "data-index>83.3<" in page and 'data-band="effective"' in page, url
        assert FINDINGS in page and RECOMMENDATIONS in page and f"{CONCLUSION}: relevance" in page, url
        assert (
            '<td class="text-end" data-mean>4.00</td>' in page
            and '<td class="text-end" data-sum>12</td>' in page
        )
        assert "data-official-total>" in page
        assert f'href="/reports/{final.id}.pdf" data-final-report="ru"' in page
        for secret in (*SECRETS, *names):
            assert secret not in page, (url, secret)
    lot_page = client.get(f"/lots/{lot.lot_id}?lang=en").get_data(as_text=True)
    assert f'data-published-evaluation="{lot.id}"' in lot_page
    assert "data-index>80.0<" in lot_page and 'data-band="relevant"' in lot_page
    # The lot of the project lists the project with its latest published effectiveness result.
    parent = client.get(f"/lots/{project.lot_id}?lang=en").get_data(as_text=True)
    assert f'data-project-index="{project.project_id}">83.3<' in parent
    assert 'data-project-band="effective"' in parent


def test_published_results_in_the_api(client, db):
    done = published_campaign()
    project, lot = done.project, done.lot
    names = names_of_scorers()
    body = client.get(f"/api/v1/projects/{project.project_id}").get_json()
    [result] = [r for r in body["results"] if r["id"] == project.id]
    assert result["evaluation_id"] == project.id and result["kind"] == "project"
    assert result["index"] == "83.3" and result["band"]["code"] == "effective" and result["band"]["title"]
    assert result["campaign"] == {"id": done.setup.campaign.id, "name": done.setup.campaign.name}
    criteria = {c["code"]: c for c in result["criteria"]}
    assert criteria["relevance"]["mean"] == "4.00" and criteria["relevance"]["sum"] == 12
    assert criteria["relevance"]["conclusion"] == f"{CONCLUSION}: relevance"
    assert result["findings"] == FINDINGS and result["recommendations"] == RECOMMENDATIONS
    assert result["published_at"]
    final = finals_of(db, project)[0]
    assert result["reports"]["ru"] == {"url": f"/reports/{final.id}.pdf", "sha256": final.sha256}
    assert client.get(result["reports"]["ru"]["url"]).status_code == 200

    detail = client.get(f"/api/v1/lots/{project.lot_id}").get_json()
    assert project.id in [r["id"] for r in detail["results"]]
    [ref] = [p for p in detail["projects"] if p["id"] == project.project_id]
    assert ref["latest_index"] == "83.3" and ref["latest_band"]["code"] == "effective"

    lot_detail = client.get(f"/api/v1/lots/{lot.lot_id}").get_json()
    [own] = [r for r in lot_detail["results"] if r["id"] == lot.id]
    assert own["kind"] == "lot" and own["index"] == "80.0" and own["band"]["code"] == "relevant"
    assert own["project"] is None and len(own["criteria"]) == 6
    assert lot_detail["latest_index"] == "80.0" and lot_detail["latest_band"]["code"] == "relevant"
    for document in (body, detail, lot_detail):
        text = json.dumps(document, ensure_ascii=False)
        for secret in (*SECRETS, *names):
            assert secret not in text


def test_unpublished_results_show_nowhere(app, client, db):
    hidden = unpublished_campaign()
    project, lot = hidden.project, hidden.lot
    assert (project.state.value, lot.state.value) == ("in_review", "accepted")
    ngo = app.test_client()
    login(ngo, "ngo@example.kz")
    for viewer in (client, ngo):
        for url in (f"/lots/{project.lot_id}", f"/projects/{project.project_id}", f"/lots/{lot.lot_id}"):
            page = viewer.get(url, query_string={"lang": "en"}).get_data(as_text=True)
            assert f'data-published-evaluation="{project.id}"' not in page
            assert f'data-published-evaluation="{lot.id}"' not in page
            assert (
                "40.0" not in page
                and 'data-band="ineffective"' not in page
                and 'data-band="not_relevant"' not in page
            )
            assert HIDDEN_FINDINGS not in page and MEMBER_COMMENT not in page
        for url in (
            f"/api/v1/projects/{project.project_id}",
            f"/api/v1/lots/{project.lot_id}",
            f"/api/v1/lots/{lot.lot_id}",
        ):
            body = viewer.get(url).get_json()
            assert all(r["id"] not in (project.id, lot.id) for r in body["results"]), url
            text = json.dumps(body, ensure_ascii=False)
            assert "40.0" not in text and "ineffective" not in text and "not_relevant" not in text, url
            assert HIDDEN_FINDINGS not in text
        listing = viewer.get(f"/api/v1/lots?q={lot.lot.number}&per_page=100").get_json()
        (item,) = [item for item in listing["items"] if item["id"] == lot.lot_id]
        assert item["latest_index"] is None and item["latest_band"] is None
        registry = viewer.get("/lots/?sort=-index&lang=en").get_data(as_text=True)
        assert f'data-lot-index="{lot.lot_id}"' not in registry
        assert viewer.get(f"/results/{hidden.setup.campaign.id}").status_code == 404
        assert hidden.setup.campaign.name not in viewer.get("/results?lang=en").get_data(as_text=True)


def test_no_results_means_an_empty_list(client):
    body = client.get("/api/v1/lots?per_page=5").get_json()
    lot_id = body["items"][0]["id"]
    detail = client.get(f"/api/v1/lots/{lot_id}").get_json()
    assert isinstance(detail["results"], list)
    project = db.session.scalar(select(Project.id).order_by(Project.id).limit(1))
    assert isinstance(client.get(f"/api/v1/projects/{project}").get_json()["results"], list)
