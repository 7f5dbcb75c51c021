"""The councils' joint work in a real browser, in Kazakh (issue 12, acceptance 4).

The Astana council's secretary schedules a joint meeting with a republican council, adds an agenda
item heard from an invited police official, marks the meeting held, records attendance, writes the
minutes and a decision with two recommendations (to the city police department and to the city
education department), and publishes the minutes, which sends the recommendations. The police
department's official answers the one addressed to the police; the council's chair assesses the
answer. Every page is checked by axe and must be in Kazakh (tests/browser/test_journeys.py Journey).
Runs on a fresh copy of the seeded demo.
"""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from grants.accounts.models import User
from grants.cooperation.models import Meeting, MeetingState, Recommendation, RecommendationStatus
from grants.councils.models import Council
from grants.extensions import db
from tests.browser.test_journeys import Journey

expect = pytest.importorskip("playwright.sync_api").expect


def _cast(fresh):
    def pick():
        def user(email):
            return db.session.scalar(select(User).where(User.email == email))

        secretary, official, chair = (
            user("secretary@example.kz"),
            user("official@example.kz"),
            user("chair@example.kz"),
        )
        city = db.session.scalar(select(Council).where(Council.secretary_id == secretary.id))
        assert city is not None and city.chair_id == chair.id, "the demo's city council: secretary and chair"
        other = db.session.scalar(select(Council).where(Council.id != city.id, Council.level != city.level))
        education = user("official2@example.kz").organisation_id
        return {
            "city": city.id,
            "other": other.id,
            "police": official.organisation_id,
            "education": education,
        }

    return fresh.run(pick)


def test_a_joint_meeting_from_agenda_to_an_assessed_answer_in_kazakh(browser, fresh_live):
    journey = Journey(browser, fresh_live, "kk")
    cast = _cast(fresh_live)
    due = (date.today() + timedelta(days=30)).isoformat()
    try:
        # The secretary schedules a joint meeting of the city council and a republican council.
        page = journey.page("secretary@example.kz")
        journey.visit(page, "/meetings/")
        journey.visit(page, "/meetings/new")
        page.fill("#title_kk", "Кәмелетке толмағандар арасындағы құқық бұзушылықтардың алдын алу (журнал)")
        page.fill("#title_ru", "Профилактика правонарушений среди несовершеннолетних (журнал)")
        page.fill("#starts_at", f"{date.today().isoformat()}T10:00")
        page.fill("#place", "Астана қаласының әкімдігі, 305-кабинет")
        page.check(f'input[name="councils"][value="{cast["city"]}"]')
        page.check(f'input[name="councils"][value="{cast["other"]}"]')
        journey.submit(page, page.locator("#save"))
        meeting_url = page.url
        meeting_id = int(meeting_url.rstrip("/").rsplit("/", 1)[1])
        expect(page.locator("#meeting-state")).to_be_visible()

        # An agenda item: the report of the city police department's head, an invited speaker.
        journey.visit(page, f"/meetings/{meeting_id}/agenda/new")
        page.fill("#title_kk", "Полиция департаменті бастығының есебін тыңдау")
        page.fill("#title_ru", "Заслушивание отчёта начальника департамента полиции")
        page.fill("#speaker_name", "Сапаров Ерлан")
        page.fill("#speaker_position", "Астана қаласы Полиция департаментінің бастығы")
        journey.submit(page, page.locator("#save"))

        # Held; attendance: everyone present.
        journey.submit(page, page.locator("#mark-held"))
        journey.visit(page, f"/meetings/{meeting_id}/attendance")
        boxes = page.locator('#attendance-form input[name="present"]')
        assert boxes.count() >= 2
        for i in range(boxes.count()):
            boxes.nth(i).check()
        journey.submit(page, page.locator("#save-attendance"))

        # Minutes of the item.
        item_id = fresh_live.run(
            lambda: db.session.get(Meeting, meeting_id).agenda[0].id  # the item just added
        )
        journey.visit(page, f"/meetings/{meeting_id}/agenda/{item_id}/minutes")
        page.fill("#heard", "Полиция департаменті бастығының кәмелетке толмағандар туралы есебі тыңдалды.")
        page.fill("#discussed", "Мектептердегі профилактикалық жұмыс талқыланды.")
        page.fill("#decided", "Есеп назарға алынсын; ұсынымдар жіберілсін.")
        journey.submit(page, page.locator("#save"))

        # A decision with two recommendations.
        journey.visit(page, f"/meetings/{meeting_id}/decisions/new")
        page.fill(
            "#text", "Кәмелетке толмағандар арасындағы құқық бұзушылықтардың алдын алу жұмысын күшейту."
        )
        recommendations = [
            (cast["police"], "Мектептер маңында кешкі рейдтерді көбейту."),
            (cast["education"], "Мектептерде құқықтық сауаттылық сабақтарын өткізу."),
        ]
        for n, (addressee, text) in enumerate(recommendations):
            page.select_option(f"#recommendations-{n}-council_id", str(cast["city"]))
            page.select_option(f"#recommendations-{n}-addressee_id", str(addressee))
            page.fill(f"#recommendations-{n}-text", text)
            page.fill(f"#recommendations-{n}-due_date", due)
        journey.submit(page, page.locator("#save"))
        expect(page.locator(".decision")).to_have_count(1)

        # Publish the minutes: public, and the recommendations are sent.
        journey.submit(page, page.locator("#publish-minutes"))

        def state():
            meeting = db.session.get(Meeting, meeting_id)
            recs = db.session.scalars(
                select(Recommendation)
                .where(Recommendation.meeting_id == meeting_id)
                .order_by(Recommendation.id)
            ).all()
            return meeting.state, [(r.id, r.addressee_id, r.status, r.published_at is not None) for r in recs]

        meeting_state, recs = fresh_live.run(state)
        assert meeting_state == MeetingState.published
        assert [(addressee, status, published) for _, addressee, status, published in recs] == [
            (cast["police"], RecommendationStatus.sent, True),
            (cast["education"], RecommendationStatus.sent, True),
        ]
        police_rec = recs[0][0]
        anonymous = journey.page()
        journey.visit(anonymous, f"/meetings/{meeting_id}")
        expect(anonymous.locator("main")).to_contain_text("Есеп назарға алынсын")

        # The police department's official answers the recommendation addressed to the police.
        official = journey.page("official@example.kz")
        journey.visit(official, f"/recommendations/{police_rec}")
        official.fill(
            "#response textarea[name=text]", "Мектептер маңындағы кешкі рейдтер екі есе көбейтілді."
        )
        journey.submit(official, official.locator("#response [type=submit]"))
        assert fresh_live.run(lambda: db.session.get(Recommendation, police_rec).status) == (
            RecommendationStatus.answered
        )
        # ... and cannot answer the one addressed to the education department.
        other_rec = recs[1][0]
        journey.visit(official, f"/recommendations/{other_rec}")
        expect(official.locator("#response form")).to_have_count(0)

        # The council's chair assesses the answer.
        chair = journey.page("chair@example.kz")
        journey.visit(chair, f"/recommendations/{police_rec}")
        chair.check('#assessment input[name="status"][value="implemented"]')
        chair.fill("#assessment textarea[name=assessment]", "Жауап толық, рейдтер нәтижелі.")
        journey.submit(chair, chair.locator("#assessment [type=submit]"))

        def assessed():
            rec = db.session.get(Recommendation, police_rec)
            return rec.status, rec.assessment, rec.assessed_by.email

        assert fresh_live.run(assessed) == (
            RecommendationStatus.implemented,
            "Жауап толық, рейдтер нәтижелі.",
            "chair@example.kz",
        )
        expect(chair.locator("#assessment")).to_contain_text("Жауап толық")
        assert journey.checked >= 15
    finally:
        journey.close()
