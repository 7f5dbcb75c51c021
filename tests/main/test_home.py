"""Task-centred home pages (grants/main/home.py): each role sees what waits for it, with the group's
progress ("3/4 submitted, quorum reached"), the deadline and the exact link; finished items after open
ones. The NGO is not asked to do what it may not do, and the chair's replies link names the evaluation."""

import html
import re

from grants.replies import operations as replies
from grants.scoring import operations as scoring
from tests.api.evaluation_fixtures import build_campaign
from tests.factories import user
from tests.helpers import login
from tests.portal.helpers import finalize, published_campaign, score


def tasks(page: str) -> list[tuple[str, str, str]]:
    """(open|done, href, text) of each task line of the home page, in order."""
    found = re.findall(
        r'<li class="list-group-item[^"]*" data-task="(open|done)">\s*<a href="([^"]+)"[^>]*>(.*?)</a>(.*?)</li>',
        page,
        re.S,
    )
    return [
        (state, href, html.unescape(re.sub(r"<[^>]+>|\s+", " ", text + rest)).strip())
        for state, href, text, rest in found
    ]


def home(client, who: str) -> str:
    login(client, f"{who}@example.kz")
    return client.get("/?lang=en").get_data(as_text=True)


def test_a_member_sees_each_scorecard_to_fill_with_progress_deadline_and_link(client):
    setup = build_campaign()
    member = user("member1")
    scoring.declare(setup.project, member, False)
    scoring.save_draft(setup.project, member, {c: {"score": 4} for c in setup.project.methodology.codes})
    scoring.submit(setup.project, member)

    lines = tasks(home(client, "member1"))
    lot = next(t for t in lines if t[1] == f"/evaluations/{setup.lot.id}")
    assert lot[0] == "open" and lot[2].startswith("Fill in your scorecard")
    members = len(setup.lot.group.memberships)
    assert f"0/{members} submitted, quorum 3" in lot[2]
    assert "deadline" in lot[2]
    done = next(t for t in lines if t[1] == f"/evaluations/{setup.project.id}")
    assert done[0] == "done" and "Your scorecard is submitted" in done[2]
    assert f"1/{members} submitted" in done[2]
    states = [state for state, _, _ in lines]
    assert states == sorted(states, key=lambda s: s == "done"), "finished items come after open ones"


def test_the_chair_sees_the_quorum_reached(client):
    setup = build_campaign()
    score(setup.project, same=4)  # member1–member3 submit
    lines = tasks(home(client, "chair"))
    line = next(t for t in lines if t[1] == f"/evaluations/{setup.project.id}")
    members = len(setup.project.group.memberships)
    assert line[0] == "open"
    assert f"3/{members} submitted, quorum reached" in line[2]
    assert setup.project.project.contract_number in line[2]


def test_the_chairs_pending_replies_link_to_the_evaluations_replies(client):
    done = published_campaign()
    replies.submit_reply(done.project, user("ngo"), "Мы не согласны с выводом.", finding="1")
    page = home(client, "chair")
    line = next(t for t in tasks(page) if t[1] == f"/evaluations/{done.project.id}/replies#replies")
    assert line[0] == "open"
    assert "NGO replies waiting for your ruling: 1" in line[2]
    assert done.project.project.contract_number in line[2]  # names the evaluation's subject


def test_the_ngo_is_not_asked_for_indicator_values_it_cannot_enter(client):
    done = published_campaign()
    page = home(client, "ngo")
    assert "lacking actual values" not in text_of_page(page)
    assert not done.project.project.can_edit(user("ngo")), "the rule the home page follows"
    line = next(t for t in tasks(page) if t[1] == f"/evaluations/{done.project.id}/replies")
    assert line[0] == "open" and line[2].startswith("You may reply to the assessment")
    assert "deadline" in line[2]


def test_the_ministry_sees_each_evaluation_waiting_for_review(client):
    setup = build_campaign()

    score(setup.lot, same=4)
    finalize(setup.lot)
    lines = tasks(home(client, "ministry"))
    line = next(t for t in lines if t[1] == f"/reviews/{setup.lot.id}")
    assert line[0] == "open" and line[2].startswith("Review the assessment")


def text_of_page(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
