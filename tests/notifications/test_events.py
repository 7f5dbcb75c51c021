"""Each domain event writes the right messages to the right people, in their language."""

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from grants.accounts.models import Role, User, UserRole
from grants.core import signals
from grants.core.errors import today_local
from grants.core.i18n import date_long
from grants.extensions import db
from grants.lots.models import Lot
from grants.monitoring.operations import assign
from grants.notifications.handlers import on_evaluation_published, public_link
from grants.replies.models import Reply, Ruling
from grants.replies.operations import answering_ngo_ids as ngo_organisation_ids
from grants.replies.window import reply_deadline
from grants.reports.operations import publish, review
from tests.api.evaluation_fixtures import build_campaign, user
from tests.notifications.conftest import outbox, recipients_of
from tests.reports import in_review

BASE = "http://127.0.0.1:5000"
COMMENT = "Уточните вывод по устойчивости: нет данных о финансировании после гранта."

pytestmark = pytest.mark.usefixtures("mail_off")


def in_locale(lang: str, func, *args):
    with force_locale({"kk": "kk_KZ", "ru": "ru_KZ", "en": "en"}[lang]):
        return func(*args)


def group_emails(group) -> set[str]:
    return {u.email for u in group.members} | {group.chair.email}


def test_starting_a_campaign_tells_every_member_and_the_chair(app):
    setup = build_campaign()
    for evaluation in (setup.project, setup.affiliated, setup.lot):
        messages = outbox("assignment", evaluation)
        assert recipients_of(messages) == group_emails(setup.group)
        assert len(messages) == len(recipients_of(messages)), "one message per person"
        for message in messages:
            assert message.sent_at is None and message.status == "queued"
            assert f"{BASE}/evaluations/{evaluation.id}" in message.body
            deadline = in_locale(message.lang, date_long, evaluation.deadline)
            assert deadline in message.body
            assert message.recipient.email == message.recipient_email
    assert "ministry@example.kz" not in recipients_of(outbox("assignment")), "the actor gets no mail"


def test_assigning_in_a_running_campaign_tells_the_group_at_once(app):
    setup = build_campaign()
    before = len(outbox("assignment"))
    ministry = user("ministry")
    taken = {e.lot_id for e in setup.campaign.evaluations}
    lot = db.session.scalar(
        select(Lot).where(Lot.administrator_id == ministry.organisation_id, Lot.id.not_in(taken)).limit(1)
    )
    evaluation = assign(setup.campaign, setup.group, lot, ministry)
    db.session.commit()
    messages = outbox("assignment", evaluation)
    assert recipients_of(messages) == group_emails(setup.group)
    assert len(outbox("assignment")) == before + len(messages)
    assert all(lot.title in m.body or lot.title_kk in m.body for m in messages)


def test_members_get_mail_in_their_own_language(app):
    for who, lang in (("member1", "kk"), ("member2", "en"), ("member3", None)):
        user(who).language = lang
    db.session.flush()
    setup = build_campaign()
    by_email = {m.recipient_email: m for m in outbox("assignment", setup.project)}
    kk, en, ru = (by_email[f"{who}@example.kz"] for who in ("member1", "member2", "member3"))
    assert (kk.lang, en.lang, ru.lang) == ("kk", "en", "ru")
    assert "API сынақ науқаны" in kk.body and "Тестовая кампания API" not in kk.body
    assert "API test campaign" in en.body
    assert "Тестовая кампания API" in ru.body
    assert in_locale("kk", date_long, setup.project.deadline) in kk.body
    assert in_locale("en", date_long, setup.project.deadline) in en.body


def test_returning_an_evaluation_tells_the_chair_with_the_comment(app):
    evaluation = in_review()
    review(evaluation, user("ministry"), "return", COMMENT)
    db.session.commit()
    (message,) = outbox("returned", evaluation)
    assert message.recipient_email == "chair@example.kz"
    assert COMMENT in message.body
    assert f"{BASE}/evaluations/{evaluation.id}/consolidate" in message.body


def test_publication_tells_the_projects_ngo_and_the_chair(app):
    evaluation = in_review()
    review(evaluation, user("ministry"), "accept", None)
    db.session.commit()
    assert outbox("published", evaluation) == []
    publish(evaluation, user("ministry"))
    db.session.commit()
    messages = outbox("published", evaluation)
    ngo_users = {u.email for u in db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ngo, User.organisation_id == evaluation.project.ngo_id)
    )}  # fmt: skip
    assert "ngo@example.kz" in ngo_users
    assert recipients_of(messages) == ngo_users | {"chair@example.kz"}
    deadline = reply_deadline(evaluation)
    assert deadline is not None and deadline > today_local()
    ngo = next(m for m in messages if m.recipient_email == "ngo@example.kz")
    assert f"{BASE}/projects/{evaluation.project_id}" in ngo.body
    assert in_locale(ngo.lang, date_long, deadline) in ngo.body
    assert "ministry@example.kz" not in recipients_of(messages)


def test_a_lot_evaluation_goes_to_the_ngos_of_the_lots_projects(app):
    setup = build_campaign()
    evaluation = setup.lot
    org_ids = ngo_organisation_ids(evaluation)
    assert org_ids == {p.ngo_id for p in evaluation.lot.projects}
    evaluation.published_at = evaluation.created_at
    on_evaluation_published(evaluation, actor=user("ministry"))
    db.session.flush()
    messages = outbox("published", evaluation)
    expected = {u.email for u in db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ngo, User.organisation_id.in_(org_ids), User.active.is_(True))
    )}  # fmt: skip
    assert recipients_of(messages) == expected | {"chair@example.kz"}
    assert public_link(evaluation) == f"{BASE}/lots/{evaluation.lot_id}"
    assert all(public_link(evaluation) in m.body for m in messages)


def pending_reply(evaluation, text="Мы не согласны с оценкой релевантности.") -> Reply:
    ngo = user("ngo")
    reply = Reply(
        evaluation=evaluation,
        organisation_id=ngo.organisation_id,
        author_id=ngo.id,
        criterion_code="relevance",
        text=text,
    )
    db.session.add(reply)
    db.session.flush()
    return reply


def test_an_ngo_reply_goes_to_the_chair_and_the_ruling_back_to_the_ngo(app):
    setup = build_campaign()
    evaluation = setup.project
    ngo = user("ngo")
    reply = pending_reply(evaluation)
    signals.reply_submitted.send(reply, actor=ngo)
    db.session.commit()
    (message,) = outbox("reply", reply)
    assert message.recipient_email == "chair@example.kz"
    assert reply.text in message.body
    assert reply.subject_title(message.lang) in message.body
    assert ngo.organisation.localized("name", message.lang) in message.body
    assert "/evaluations/" in message.body

    reply.ruling, reply.reason = Ruling.rejected, "Оценка подтверждена материалами выезда."
    reply.ruled_by_id = user("chair").id
    signals.reply_ruled.send(reply, actor=user("chair"))
    db.session.commit()
    messages = outbox("ruling", reply)
    assert "ngo@example.kz" in recipients_of(messages)
    assert all(m.recipient.organisation_id == reply.organisation_id for m in messages)
    assert "chair@example.kz" not in recipients_of(messages)
    ruling = next(m for m in messages if m.recipient_email == "ngo@example.kz")
    assert reply.reason in ruling.body
    assert in_locale(ruling.lang, lambda: str(Ruling.rejected.title)) in ruling.body


def test_inactive_users_get_nothing(app):
    member = user("member3")
    member.active = False
    db.session.flush()
    setup = build_campaign()
    assert "member3@example.kz" not in recipients_of(outbox("assignment", setup.project))
    assert "member1@example.kz" in recipients_of(outbox("assignment", setup.project))


def test_an_event_rolled_back_leaves_no_mail(app):
    setup = build_campaign()
    before = len(outbox())
    ministry = user("ministry")
    taken = {e.lot_id for e in setup.campaign.evaluations}
    lot = db.session.scalar(
        select(Lot).where(Lot.administrator_id == ministry.organisation_id, Lot.id.not_in(taken)).limit(1)
    )
    assign(setup.campaign, setup.group, lot, ministry)
    db.session.rollback()
    assert len(outbox()) == before
