"""The NGO's own projects: every project of its organisation, indicators and published evaluations."""

import html

import pytest
from sqlalchemy import select

from grants.projects.models import Project
from tests.factories import redirect_path, user
from tests.helpers import login
from tests.portal.helpers import REVIEW_COMMENT, published_campaign, unpublished_campaign

LANGS = ("kk", "ru", "en")


@pytest.mark.parametrize("role", ["admin", "ministry", "chair", "member1"])
def test_only_ngo_accounts_open_my_projects(client, role):
    login(client, f"{role}@example.kz")
    assert client.get("/my/projects").status_code == 403


def test_anonymous_is_asked_to_log_in(client):
    response = client.get("/my/projects")
    assert response.status_code == 302 and redirect_path(response).startswith("/login")


def test_the_ngo_sees_all_its_projects_with_indicators_and_published_results(client, db):
    done = published_campaign()
    hidden = unpublished_campaign()
    ngo = user("ngo")
    own = db.session.scalars(select(Project).where(Project.ngo_id == ngo.organisation_id)).all()
    assert own and done.project.project.ngo_id == ngo.organisation_id
    login(client, "ngo@example.kz")
    page = html.unescape(client.get("/my/projects?lang=en").get_data(as_text=True))
    for project in own:
        assert f'data-my-project="{project.id}"' in page
        assert project.contract_number in page
        for indicator in project.indicators:
            assert indicator.localized("name", "en") in page
    others = db.session.scalars(select(Project).where(Project.ngo_id != ngo.organisation_id)).all()
    for project in others:
        assert f'data-my-project="{project.id}"' not in page
    assert f'data-my-evaluation="{done.project.id}"' in page
    assert f'href="/evaluations/{done.project.id}/replies" data-reply="{done.project.id}"' in page
    assert f'data-my-evaluation="{hidden.project.id}"' not in page and "40.0" not in page
    assert REVIEW_COMMENT not in page


def test_the_ngo_home_panel_links_to_its_projects_and_results(client, db):
    done = published_campaign()
    login(client, "ngo@example.kz")
    page = client.get("/?lang=en").get_data(as_text=True)
    assert 'data-role="ngo"' in page and 'href="/my/projects"' in page
    assert f'href="/evaluations/{done.project.id}/replies"' in page


def test_an_ngo_account_without_an_organisation_sees_an_empty_page(client, db):
    person = user("ngo")
    person.organisation_id = None
    db.session.commit()
    login(client, "ngo@example.kz")
    response = client.get("/my/projects?lang=en")
    assert response.status_code == 200 and "data-my-project" not in response.get_data(as_text=True)


@pytest.mark.parametrize("lang", LANGS)
def test_my_projects_and_home_render_in_each_language(client, db, lang):
    published_campaign()
    login(client, "ngo@example.kz")
    for url in ("/my/projects", "/"):
        response = client.get(url, query_string={"lang": lang})
        assert response.status_code == 200
        assert f'<html lang="{lang}"' in response.get_data(as_text=True)
