"""One access rule per object, written in Python (can_view, can_see_scores) and as SQL (visible_to,
scores_visible_to) for lists: for every demo account, a few edge-case accounts and anonymous, over
every evaluation of the demo taken through every state, both forms name the same rows.

Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

import hashlib
import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from grants.accounts.models import Affiliation, AnonymousUser, Role, User, UserRole
from grants.councils.models import GroupMember
from grants.extensions import db
from grants.lots.models import Lot
from grants.monitoring.models import Campaign, Evaluation, EvaluationState
from grants.organisations.models import Organisation
from grants.projects.models import Project
from grants.replies.models import Reply, Ruling
from grants.reports.models import Report, ReportKind
from grants.scoring.models import Evidence, EvidenceKind, Scorecard, SiteVisit
from tests import factories
from tests.conftest import DEMO_ACCOUNTS, login

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
STATES = list(EvaluationState)


def _who(user) -> str:
    return getattr(user, "email", None) or "anonymous"


def _extra_user(email: str, roles, organisation_id=None) -> User:
    person = User(email=email, full_name=email, password_hash="!", organisation_id=organisation_id)
    person.role_rows = [UserRole(role=Role(r)) for r in roles]
    db.session.add(person)
    return person


def _report(evaluation: Evaluation, kind: ReportKind, version: int) -> Report:
    digest = hashlib.sha256(f"{evaluation.id}-{kind.value}-{version}".encode()).hexdigest()
    report = Report(
        evaluation_id=evaluation.id,
        kind=kind,
        version=version,
        lang="ru",
        content=b"%PDF-",
        sha256=digest,
        fingerprint=digest[::-1],
        size=5,
    )
    db.session.add(report)
    return report


def _reply(evaluation: Evaluation, organisation_id: int, author: User, ruling: Ruling | None) -> Reply:
    reply = Reply(
        evaluation_id=evaluation.id,
        organisation_id=organisation_id,
        author_id=author.id,
        finding="finding",
        text="text",
        ruling=ruling,
    )
    db.session.add(reply)
    return reply


def _evidence(**owner) -> Evidence:
    item = Evidence(kind=EvidenceKind.link, url="https://example.kz/e", **owner)
    db.session.add(item)
    return item


@pytest.fixture
def world(db):
    """The demo, plus what the demo lacks for the rules to branch: scorecards submitted, reopened,
    recused and untouched; an affiliated chair; replies of two organisations, ruled and pending;
    draft and final reports on unpublished evaluations; ministry staff without or of another
    organisation; a member of two groups; a chair outside his group's membership."""
    evaluations = db.session.scalars(select(Evaluation).order_by(Evaluation.id)).all()
    assert len(evaluations) >= 4, "the demo has evaluations in two groups and two campaigns"
    member1, member2, member3 = (
        factories.user("member1"),
        factories.user("member2"),
        factories.user("member3"),
    )
    chair, ngo_user, admin = factories.user("chair"), factories.user("ngo"), factories.user("admin")
    first = evaluations[0]
    assert first.project is not None and first.scorecards == []
    # member1 submitted, member2 recused, member3 reopened his card; member of group 1 only
    db.session.add_all(
        [
            Scorecard(evaluation_id=first.id, member_id=member1.id, submitted_at=NOW, declared_at=NOW),
            Scorecard(evaluation_id=first.id, member_id=member2.id, recused=True, declared_at=NOW),
            Scorecard(evaluation_id=first.id, member_id=member3.id, reopened_at=NOW, declared_at=NOW),
        ]
    )
    # the chair is tied to the NGO of the first evaluation's project: recused there by affiliation
    chair.affiliations.append(Affiliation(bin=first.project.ngo.bin))
    first.scores_revealed_at = NOW
    # a member of both groups
    other_group = next(e.group for e in evaluations if e.group_id != first.group_id)
    if not other_group.has_member(member1):
        db.session.add(GroupMember(group_id=other_group.id, user_id=member1.id))
    other_org = db.session.scalar(
        select(Organisation).where(
            Organisation.id.not_in([ngo_user.organisation_id, factories.ministry().organisation_id])
        )
    )
    extras = [
        _extra_user("ministry-no-org@example.kz", ["ministry"]),
        _extra_user("ministry-other@example.kz", ["ministry"], other_org.id),
        _extra_user("ngo-other@example.kz", ["ngo"], other_org.id),
        _extra_user("nobody@example.kz", []),
        _extra_user("chair-only@example.kz", ["chair"]),
    ]
    for evaluation in evaluations[:4]:
        _report(evaluation, ReportKind.draft, 11)
        _report(evaluation, ReportKind.final, 12)
    for evaluation in evaluations:
        _reply(evaluation, ngo_user.organisation_id, ngo_user, None)
        _reply(evaluation, ngo_user.organisation_id, ngo_user, Ruling.accepted)
        _reply(evaluation, other_org.id, admin, Ruling.rejected)
    db.session.flush()
    # evidence of every kind of owner: each scorecard of the first evaluation, a site visit of
    # each of the three members with a photo, and the replies' attachments
    for card in first.scorecards:
        _evidence(uploaded_by_id=card.member_id, scorecard_id=card.id, criterion_code="relevance")
    for member in (member1, member2, member3):
        visit = SiteVisit(
            evaluation_id=first.id,
            member_id=member.id,
            visit_date=date(2026, 5, 1),
            place="p",
            observations="o",
        )
        db.session.add(visit)
        db.session.flush()
        _evidence(uploaded_by_id=member.id, site_visit_id=visit.id)
    for reply in db.session.scalars(select(Reply)):
        _evidence(uploaded_by_id=reply.author_id, reply_id=reply.id)
    db.session.flush()
    # a chair who is not a member of the group he chairs
    other_group.chair_id = extras[-1].id
    db.session.flush()
    db.session.expire_all()
    users = list(db.session.scalars(select(User).order_by(User.id))) + [AnonymousUser()]
    assert {u.email for u in extras} <= {_who(u) for u in users}
    return users


def _rounds():
    """Each evaluation passes through every state; in each round the evaluations hold different states."""
    evaluations = db.session.scalars(select(Evaluation).order_by(Evaluation.id)).all()
    for shift in range(len(STATES)):
        for i, evaluation in enumerate(evaluations):
            state = STATES[(i + shift) % len(STATES)]
            evaluation.state = state
            evaluation.published_at = NOW if state == EvaluationState.published else None
        db.session.flush()
        db.session.expire_all()
        yield shift


def _compare(model, users, python_rule, sql_rule, seen: dict) -> None:
    rows = db.session.scalars(select(model)).all()
    for user in users:
        in_sql = set(db.session.scalars(select(model.id).where(sql_rule(user))))
        in_python = {row.id for row in rows if python_rule(row, user)}
        assert in_sql == in_python, (model.__name__, _who(user), sorted(in_sql ^ in_python))
        seen.setdefault(model.__name__, set()).add((len(in_python), len(rows)))


def test_sql_and_python_rules_agree_for_every_user_and_state(world):
    users = world
    seen: dict = {}
    for _shift in _rounds():
        _compare(Evaluation, users, Evaluation.can_view, Evaluation.visible_to, seen)
        scores: dict = {}
        _compare(Evaluation, users, Evaluation.can_see_scores, Evaluation.scores_visible_to, scores)
        seen.setdefault("scores", set()).update(scores["Evaluation"])
        _compare(Campaign, users, Campaign.can_view, Campaign.visible_to, seen)
        _compare(Report, users, Report.can_view, Report.visible_to, seen)
        _compare(Reply, users, Reply.can_view, Reply.visible_to, seen)
        _compare(Evidence, users, Evidence.can_view, Evidence.visible_to, seen)
        _compare(SiteVisit, users, SiteVisit.can_view, SiteVisit.visible_to, seen)
    # Not vacuous: every rule let some user see some rows but not all of them.
    for name, sizes in seen.items():
        assert any(0 < visible < total for visible, total in sizes), name


def test_managed_by_agrees_with_can_manage(world):
    evaluations = db.session.scalars(select(Evaluation)).all()
    campaigns = db.session.scalars(select(Campaign)).all()
    managed_somewhere = False
    for user in world:
        in_sql = set(db.session.scalars(select(Evaluation.id).where(Evaluation.managed_by(user))))
        assert in_sql == {e.id for e in evaluations if e.can_manage(user)}, _who(user)
        in_sql = set(db.session.scalars(select(Campaign.id).where(Campaign.managed_by(user))))
        assert in_sql == {c.id for c in campaigns if c.is_manager(user)}, _who(user)
        managed_somewhere |= bool(in_sql)
    assert managed_somewhere


def test_lots_and_projects_editable_by_agrees_with_can_edit(world):
    lots = db.session.scalars(select(Lot)).all()
    projects = db.session.scalars(select(Project)).all()
    sizes = set()
    for user in world:
        in_sql = set(db.session.scalars(select(Lot.id).where(Lot.editable_by(user))))
        assert in_sql == {lot.id for lot in lots if lot.can_edit(user)}, _who(user)
        in_sql_projects = set(db.session.scalars(select(Project.id).where(Project.editable_by(user))))
        assert in_sql_projects == {p.id for p in projects if p.can_edit(user)}, _who(user)
        sizes.add((len(in_sql), len(in_sql_projects)))
    # the demo ministry edits some lots and projects, not all; others edit none
    assert any(0 < a < len(lots) and 0 < b < len(projects) for a, b in sizes)


def test_named_states_agree_in_python_and_sql(world):
    names = ("is_draft", "in_scoring", "in_review", "is_returned", "is_accepted", "is_published")
    names += ("with_group", "awaits_consolidation", "past_scoring", "has_reached_review")
    for _shift in _rounds():
        evaluations = db.session.scalars(select(Evaluation)).all()
        for name in names:
            in_sql = set(db.session.scalars(select(Evaluation.id).where(getattr(Evaluation, name))))
            assert in_sql == {e.id for e in evaluations if getattr(e, name)}, name
        reports = db.session.scalars(select(Report)).all()
        assert set(db.session.scalars(select(Report.id).where(Report.is_public))) == {
            r.id for r in reports if r.is_public
        }
        replies = db.session.scalars(select(Reply)).all()
        assert set(db.session.scalars(select(Reply.id).where(Reply.is_public))) == {
            r.id for r in replies if r.is_public
        }


def test_anonymous_sees_only_the_public_record(world):
    anonymous = AnonymousUser()
    public_reports = public_replies = 0
    for _shift in _rounds():
        assert db.session.scalars(select(Evaluation.id).where(Evaluation.visible_to(anonymous))).all() == []
        assert db.session.scalars(select(Campaign.id).where(Campaign.visible_to(anonymous))).all() == []
        reports = db.session.scalars(select(Report).where(Report.visible_to(anonymous))).all()
        assert all(r.kind == ReportKind.final and r.evaluation.is_published for r in reports)
        replies = db.session.scalars(select(Reply).where(Reply.visible_to(anonymous))).all()
        assert all(r.ruling is not None and r.evaluation.is_published for r in replies)
        public_reports += len(reports)
        public_replies += len(replies)
    assert public_reports and public_replies


def test_scoring_overdue_follows_the_deadline(world):
    evaluation = db.session.scalars(select(Evaluation).order_by(Evaluation.id)).first()
    evaluation.state = EvaluationState.scoring
    evaluation.deadline = date(2000, 1, 1)
    assert evaluation.scoring_overdue
    evaluation.deadline = date(2999, 1, 1)
    assert not evaluation.scoring_overdue
    evaluation.state = EvaluationState.consolidation
    evaluation.deadline = date(2000, 1, 1)
    assert not evaluation.scoring_overdue


# --- the pages list what the rule lets through ------------------------------------------------


def _listed(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'data-evaluation="(\d+)"', html)}


@pytest.mark.parametrize("email", DEMO_ACCOUNTS)
def test_campaign_pages_and_queue_list_what_the_rule_allows(app, email):
    client = app.test_client()
    login(client, email)
    user = factories.user(email)
    campaigns = db.session.scalars(select(Campaign).where(Campaign.visible_to(user))).all()
    index = client.get("/campaigns/").get_data(as_text=True)
    for campaign in db.session.scalars(select(Campaign)):
        assert (f'/campaigns/{campaign.id}"' in index) == (campaign in campaigns), (email, campaign.id)
    for campaign in campaigns:
        expected = set(
            db.session.scalars(
                select(Evaluation.id).where(
                    Evaluation.campaign_id == campaign.id, Evaluation.visible_to(user)
                )
            )
        )
        page = client.get(f"/campaigns/{campaign.id}")
        assert page.status_code == 200
        assert _listed(page.get_data(as_text=True)) == expected, (email, campaign.id)
    queue = client.get("/evaluations/")
    expected = set(
        db.session.scalars(select(Evaluation.id).where(Evaluation.in_groups_of(user), ~Evaluation.is_draft))
    )
    assert _listed(queue.get_data(as_text=True)) == expected
    assert expected <= set(db.session.scalars(select(Evaluation.id).where(Evaluation.visible_to(user))))
