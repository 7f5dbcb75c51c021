"""The joint activity plan's pages: who sees and edits what, forms that keep their input, filters, the
calendar, the amendment history, and the PDF and XLSX downloads (acceptance 5 of issue 12)."""

import html
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from grants.cooperation import plans
from grants.cooperation.models import Activity, ActivityPlan, PlanState
from grants.extensions import db
from tests.cooperation.test_plans_support import YEAR, build_plan, councils, held_meeting
from tests.factories import need_of, text_of
from tests.helpers import login, pdf_text, user


@pytest.fixture
def as_user(app):
    """as_user('chair') -> a test client logged in as chair@example.kz; as_user(None) -> anonymous."""

    def _client(who):
        client = app.test_client()
        if who is not None:
            login(client, f"{who}@example.kz")
        return client

    return _client


@pytest.fixture
def built(app):
    """A draft plan of the Astana and MVD councils with 3 activities, committed for the requests."""
    with app.test_request_context("/"):
        plan, astana, mvd, mci = build_plan(activities=3)
        db.session.commit()
    return plan.id


def approve_and_publish(plan_id: int, app, publish: bool = True):
    with app.test_request_context("/"):
        plan = db.session.get(ActivityPlan, plan_id)
        plans.approve(plan, held_meeting(plan.councils), user("chair"))
        if publish:
            plans.publish(plan, user("chair"))
        db.session.commit()


# --- who sees and edits what --------------------------------------------------------------------


def test_a_draft_is_seen_by_the_people_of_its_councils_only(built, as_user, app):
    plan_id = built
    show, edit = f"/plans/{plan_id}", f"/plans/{plan_id}/edit"

    anonymous = as_user(None)
    assert anonymous.get(show).status_code == 404
    assert anonymous.get(f"{show}/calendar").status_code == 404
    assert anonymous.get(f"{show}/plan.pdf?lang=ru").status_code == 404
    assert anonymous.get(f"{show}/plan.xlsx?lang=ru").status_code == 404
    assert f'href="/plans/{plan_id}"' not in anonymous.get("/plans/").get_data(as_text=True)
    assert anonymous.get(edit).status_code == 302  # to the login page

    member = as_user("member1")  # a member of the Astana council: sees the draft, does not keep it
    page = member.get(show)
    assert page.status_code == 200 and "Совместный план тестовый" in text_of(page)
    assert edit not in page.get_data(as_text=True)
    assert f'href="/plans/{plan_id}"' in member.get("/plans/").get_data(as_text=True)
    assert member.get(edit).status_code == 403
    assert member.get(f"{show}/activities/new").status_code == 403
    assert member.get(f"{show}/approve").status_code == 403
    assert member.post(f"{show}/publish").status_code == 403

    outsider = as_user("member2")  # keeps the MCI council, which has no part in this plan
    assert outsider.get(show).status_code == 404
    assert outsider.get(edit).status_code == 404
    assert as_user("ngo").get(show).status_code == 404

    keeper = as_user("member3")  # secretary and chair of the MVD council
    page = keeper.get(show)
    assert edit in page.get_data(as_text=True) and f"/plans/{plan_id}/approve" in page.get_data(as_text=True)
    assert keeper.get(edit).status_code == 200
    assert as_user("admin").get(edit).status_code == 200


def test_a_published_plan_is_public(built, as_user, app):
    approve_and_publish(built, app)
    anonymous = as_user(None)
    page = anonymous.get(f"/plans/{built}")
    assert page.status_code == 200 and "Мероприятие номер 1 (ру)" in text_of(page)
    assert f'href="/plans/{built}"' in anonymous.get("/plans/").get_data(as_text=True)
    assert anonymous.get(f"/plans/{built}/calendar").status_code == 200
    activity_id = db.session.scalar(
        select(Activity.id).where(Activity.plan_id == built).order_by(Activity.id)
    )
    assert anonymous.get(f"/plans/activities/{activity_id}").status_code == 200
    assert anonymous.get(f"/plans/activities/{activity_id}/edit").status_code == 302
    assert as_user("member2").get(f"/plans/activities/{activity_id}/edit").status_code == 403
    assert as_user("member2").post(f"/plans/{built}/publish").status_code == 403


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_page_speaks_the_reader_language(built, as_user, lang):
    client = as_user("chair")
    activity_id = db.session.scalar(
        select(Activity.id).where(Activity.plan_id == built).order_by(Activity.id)
    )
    pages = [
        f"/plans/?lang={lang}",
        f"/plans/{built}?lang={lang}",
        f"/plans/{built}/calendar?lang={lang}",
        f"/plans/{built}/edit?lang={lang}",
        f"/plans/{built}/approve?lang={lang}",
        f"/plans/{built}/activities/new?lang={lang}",
        f"/plans/activities/{activity_id}?lang={lang}",
        f"/plans/activities/{activity_id}/edit?lang={lang}",
        f"/plans/activities/{activity_id}/status?lang={lang}",
        f"/plans/new?lang={lang}",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'lang="{lang}"' in response.get_data(as_text=True), url
    title = {
        "kk": "Мероприятие номер 1 (қаз)",
        "ru": "Мероприятие номер 1 (ру)",
        "en": "Мероприятие номер 1 (en)",
    }
    assert title[lang] in text_of(client.get(f"/plans/{built}?lang={lang}"))


# --- forms --------------------------------------------------------------------------------------


def test_a_plan_is_drafted_through_the_form_which_keeps_the_input(as_user, app):
    with app.test_request_context("/"):
        astana, mvd, _ = councils()
        db.session.commit()
    client = as_user("chair")
    form = {
        "year": str(YEAR),
        "title_ru": "План через форму",
        "title_kk": "Нысан арқылы жоспар",
        "councils": [astana.id],
    }
    refused = client.post("/plans/new", data=form)
    assert refused.status_code == 422
    html = text_of(refused)
    assert 'value="План через форму"' in html and 'value="Нысан арқылы жоспар"' in html
    assert "at least two councils" in html or "кемінде" in html or "не менее" in html
    assert db.session.scalar(select(ActivityPlan).where(ActivityPlan.title_ru == "План через форму")) is None

    done = client.post("/plans/new", data=dict(form, councils=[astana.id, mvd.id]))
    assert done.status_code == 302
    plan = db.session.scalar(select(ActivityPlan).where(ActivityPlan.title_ru == "План через форму"))
    assert plan is not None and plan.state == PlanState.draft
    assert done.headers["Location"].endswith(f"/plans/{plan.id}")
    assert as_user("member1").get("/plans/new").status_code == 403  # keeps no council


def test_an_activity_form_refuses_dates_outside_the_year_and_keeps_the_input(built, as_user):
    plan = db.session.get(ActivityPlan, built)
    mvd = plan.councils[1]
    need = need_of()
    client = as_user("member3")
    form = {
        "title_ru": "Слушание отчёта полиции",
        "title_kk": "Полиция есебін тыңдау",
        "format": "joint_meeting",
        "councils": [mvd.id],
        "needs": [need.id],
        "start_date": f"{YEAR + 1}-04-01",
        "end_date": f"{YEAR + 1}-04-02",
        "responsible": "Начальник ДП г. Астаны",
    }
    refused = client.post(f"/plans/{built}/activities/new", data=form)
    assert refused.status_code == 422
    html = text_of(refused)
    assert 'value="Слушание отчёта полиции"' in html and "Начальник ДП г. Астаны" in html
    assert f'value="{YEAR + 1}-04-01"' in html and 'aria-invalid="true"' in html

    refused = client.post(
        f"/plans/{built}/activities/new",
        data=dict(form, start_date=f"{YEAR}-04-05", end_date=f"{YEAR}-04-01"),
    )
    assert refused.status_code == 422

    done = client.post(
        f"/plans/{built}/activities/new",
        data=dict(form, start_date=f"{YEAR}-04-01", end_date=f"{YEAR}-04-02"),
    )
    assert done.status_code == 302
    item = db.session.scalar(select(Activity).where(Activity.title_ru == "Слушание отчёта полиции"))
    assert (
        item.plan_id == built
        and item.start_date == date(YEAR, 4, 1)
        and [n.id for n in item.needs] == [need.id]
    )


def test_status_form_requires_the_reason_for_postponing(built, as_user):
    item = db.session.scalar(select(Activity).where(Activity.plan_id == built).order_by(Activity.id))
    client = as_user("chair")
    url = f"/plans/activities/{item.id}/status"
    refused = client.post(url, data={"status": "postponed", "reason": "", "outcome": "Частично"})
    assert refused.status_code == 422 and "Частично" in text_of(refused)
    assert client.post(url, data={"status": "postponed", "reason": "Нет докладчика"}).status_code == 302
    db.session.refresh(item)
    assert item.status.value == "postponed" and item.status_reason == "Нет докладчика"
    assert "Нет докладчика" in text_of(client.get(f"/plans/{built}"))


# --- approval, publication and amendments through the pages ----------------------------------


def test_approval_publication_and_the_amendment_history(built, as_user, app):
    with app.test_request_context("/"):
        plan = db.session.get(ActivityPlan, built)
        meeting = held_meeting(plan.councils)
        db.session.commit()
    client = as_user("chair")
    form_page = client.get(f"/plans/{built}/approve")
    assert f'value="{meeting.id}"' in form_page.get_data(as_text=True)
    assert client.post(f"/plans/{built}/approve", data={"meeting_id": ""}).status_code == 422
    assert client.post(f"/plans/{built}/approve", data={"meeting_id": str(meeting.id)}).status_code == 302
    assert client.post(f"/plans/{built}/approve", data={"meeting_id": str(meeting.id)}).status_code == 409
    page = text_of(client.get(f"/plans/{built}"))
    assert "Совместное заседание (тест)" in page

    item = db.session.scalar(select(Activity).where(Activity.plan_id == built).order_by(Activity.id))
    form = {
        "title_ru": "Изменённое мероприятие",
        "format": item.format.value,
        "councils": [c.id for c in item.councils],
        "start_date": f"{YEAR}-11-02",
        "end_date": f"{YEAR}-11-03",
    }
    refused = client.post(f"/plans/activities/{item.id}/edit", data=form)
    assert refused.status_code == 422 and 'value="Изменённое мероприятие"' in text_of(refused)
    assert (
        client.post(
            f"/plans/activities/{item.id}/edit", data=dict(form, reason="Перенос по решению")
        ).status_code
        == 302
    )

    assert client.post(f"/plans/{built}/publish").status_code == 302
    assert client.post(f"/plans/{built}/publish").status_code == 409

    history = text_of(as_user(None).get(f"/plans/{built}?lang=en"))
    assert "History of amendments" in history and "Revision 2" in history
    assert "Перенос по решению" in history and "Изменённое мероприятие" in history
    assert "Мероприятие номер 1 (ру)" in history  # the title before the amendment


# --- filters and calendar ------------------------------------------------------------------------


def titles_in(response) -> set[str]:
    return set(re.findall(r'href="/plans/activities/\d+"[^>]*>([^<]+)</a>', text_of(response)))


def test_filters_by_council_format_topic_quarter_and_status(as_user, app):
    with app.test_request_context("/"):
        plan, astana, mvd, _ = build_plan(activities=5)  # months 2..6; formats in order; odd ones MVD only
        items = plan.activities
        items[4].needs = []
        plans.change_status(items[3], user("chair"), "cancelled", "Снято")
        db.session.commit()
        plan_id, astana_id = plan.id, astana.id
        need_id = items[0].needs[0].id
    client = as_user("chair")
    url = f"/plans/{plan_id}?lang=ru"
    everything = titles_in(client.get(url))
    assert everything == {f"Мероприятие номер {i} (ру)" for i in range(1, 6)}
    assert titles_in(client.get(f"{url}&council={astana_id}")) == {
        f"Мероприятие номер {i} (ру)" for i in (1, 3, 5)
    }
    assert titles_in(client.get(f"{url}&format=monitoring")) == {"Мероприятие номер 4 (ру)"}
    assert titles_in(client.get(f"{url}&status=cancelled")) == {"Мероприятие номер 4 (ру)"}
    assert titles_in(client.get(f"{url}&quarter=1")) == {
        "Мероприятие номер 1 (ру)",
        "Мероприятие номер 2 (ру)",
    }
    assert titles_in(client.get(f"{url}&quarter=2")) == {f"Мероприятие номер {i} (ру)" for i in (3, 4, 5)}
    assert titles_in(client.get(f"{url}&need={need_id}")) == {
        f"Мероприятие номер {i} (ру)" for i in range(1, 5)
    }
    assert titles_in(client.get(f"{url}&format=monitoring&council={astana_id}")) == set()
    assert (
        titles_in(client.get(f"{url}&quarter=9&format=nonsense")) == everything
    )  # unknown values are ignored


def test_calendar_puts_activities_on_their_dates(built, as_user):
    client = as_user("chair")
    year_page = client.get(f"/plans/{built}/calendar?lang=ru")
    assert year_page.status_code == 200
    html = year_page.get_data(as_text=True)
    assert len(re.findall(r'<section class="mb-4" id="m-', html)) == 12
    march = client.get(f"/plans/{built}/calendar?month={YEAR}-03&lang=ru")
    assert titles_in(march) == {"Мероприятие номер 2 (ру)"}  # activity 2 is on 10 March
    cell = re.search(
        r'<div class="fw-semibold">10</div>(.*?)</td>', march.get_data(as_text=True), re.S
    ).group(1)
    assert "Мероприятие номер 2 (ру)" in text_of_html(cell)
    assert titles_in(client.get(f"/plans/{built}/calendar?month={YEAR}-07&lang=ru")) == set()
    assert client.get(f"/plans/{built}/calendar?month=garbage").status_code == 200  # the whole year
    filtered = client.get(f"/plans/{built}/calendar?month={YEAR}-03&format=monitoring&lang=ru")
    assert titles_in(filtered) == set()


def text_of_html(fragment: str) -> str:
    return html.unescape(fragment)


# --- acceptance 5: the downloads hold every activity ---------------------------------------------


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_pdf_and_xlsx_hold_every_activity(as_user, app, lang):
    with app.test_request_context("/"):
        plan, astana, mvd, _ = build_plan(activities=12)
        plans.change_status(plan.activities[5], user("chair"), "postponed", "Перенесено на осень")
        db.session.commit()
        plan_id = plan.id
        expected = [a.localized("title", lang) for a in plan.activities]
    assert len(expected) == 12 and len(set(expected)) == 12
    suffix = {"kk": "(қаз)", "ru": "(ру)"}[lang]
    assert all(t.endswith(suffix) for t in expected)
    client = as_user("chair")

    pdf = client.get(f"/plans/{plan_id}/plan.pdf?lang={lang}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(pdf_text(pdf.data).split())
    for title in expected:
        assert title in text, title
    assert "Перенесено на осень" in text
    assert ("Бірлескен жоспар сынақ" if lang == "kk" else "Совместный план тестовый") in text

    xlsx = client.get(f"/plans/{plan_id}/plan.xlsx?lang={lang}")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [r[1] for r in rows] == expected
    assert [r[0] for r in rows] == list(range(1, 13))
    assert rows[5][9] == "Перенесено на осень"
    assert rows[0][6].date() == date(YEAR, 2, 10)
    assert client.get(f"/plans/{plan_id}/plan.pdf?lang=de").status_code == 404


def test_xlsx_keeps_a_formula_like_title_as_text(as_user, app):
    with app.test_request_context("/"):
        plan, astana, mvd, _ = build_plan(activities=1)
        plan.activities[0].title_ru = '=HYPERLINK("http://example.com","x")'
        db.session.commit()
        plan_id = plan.id
    xlsx = as_user("chair").get(f"/plans/{plan_id}/plan.xlsx?lang=ru")
    cell = load_workbook(io.BytesIO(xlsx.data)).active["B3"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://example.com","x")'
