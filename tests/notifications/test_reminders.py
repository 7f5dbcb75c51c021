"""flask --app grants send-reminders: one reminder per person, evaluation and deadline."""

from datetime import UTC, datetime, timedelta

import pytest

from grants.core.errors import today_local
from grants.extensions import db
from grants.monitoring.models import EvaluationState
from grants.replies.models import Reply
from grants.replies.window import reply_deadline
from grants.scoring import operations as scoring
from tests.api.evaluation_fixtures import build_campaign, user
from tests.notifications.conftest import outbox, recipients_of
from tests.reports import in_review


def run(app, *args):
    result = app.test_cli_runner().invoke(args=["send-reminders", *args])
    assert result.exit_code == 0, result.output
    return result.output


def reminders_about(evaluation):
    return outbox("reminder", evaluation)


def setup_due_in(days: int):
    """build_campaign(), its project evaluation due in `days`; member1 has submitted, member3 is recused."""
    setup = build_campaign()
    evaluation = setup.project
    evaluation.deadline = today_local() + timedelta(days=days)
    codes = evaluation.methodology.codes
    member1 = user("member1")
    scoring.declare(evaluation, member1, False)
    scoring.save_draft(evaluation, member1, {c: {"score": 4, "comment": "Проверено"} for c in codes})
    scoring.submit(evaluation, member1)
    scoring.declare(evaluation, user("member3"), True, "Член правления НПО")
    db.session.commit()
    return setup


@pytest.mark.usefixtures("mail_off")
def test_members_who_have_not_submitted_are_reminded_once(app):
    setup = setup_due_in(2)
    evaluation = setup.project
    output = run(app)
    assert "Queued" in output and "MAIL_SERVER is not set" in output
    messages = reminders_about(evaluation)
    expected = {u.email for u in setup.group.members} - {"member1@example.kz", "member3@example.kz"}
    assert recipients_of(messages) == expected
    assert len(messages) == len(expected)
    assert "member2@example.kz" in expected
    for message in messages:
        assert (
            message.dedupe_key
            == f"reminder_scoring:{evaluation.id}:{message.recipient_id}:{evaluation.deadline.isoformat()}"
        )
        assert f"http://127.0.0.1:5000/evaluations/{evaluation.id}" in message.body
    assert reminders_about(setup.affiliated) == [], "its deadline is two weeks away"

    again = run(app)
    assert "Queued 0 reminder(s)" in again
    assert len(reminders_about(evaluation)) == len(expected)


@pytest.mark.usefixtures("mail_off")
def test_days_bounds_the_deadlines(app):
    setup = setup_due_in(5)
    run(app, "--days", "4")
    assert reminders_about(setup.project) == []
    run(app)  # REMINDER_DAYS, 3
    assert reminders_about(setup.project) == []
    run(app, "--days", "5")
    assert reminders_about(setup.project)
    run(app, "--days", "14")
    assert reminders_about(setup.lot) and reminders_about(setup.affiliated)


@pytest.mark.usefixtures("mail_off")
def test_past_deadlines_and_closed_scoring_are_not_reminded(app):
    setup = setup_due_in(1)
    setup.project.state = EvaluationState.consolidation
    setup.lot.deadline = today_local() - timedelta(days=1)
    db.session.commit()
    run(app, "--days", "3")
    assert reminders_about(setup.project) == [] and reminders_about(setup.lot) == []


@pytest.mark.usefixtures("mail_off")
def test_dry_run_lists_and_queues_nothing(app):
    setup = setup_due_in(1)
    output = run(app, "--dry-run")
    assert "would be queued" in output and "member2@example.kz" in output
    assert reminders_about(setup.project) == []


@pytest.mark.usefixtures("mail_off")
def test_negative_days_are_refused(app):
    result = app.test_cli_runner().invoke(args=["send-reminders", "--days", "-1"])
    assert result.exit_code != 0


@pytest.mark.usefixtures("mail_off")
def test_review_deadline_reminds_the_organisers_staff(app):
    evaluation = in_review()
    evaluation.campaign.review_deadline = today_local() + timedelta(days=1)
    db.session.commit()
    run(app)
    messages = reminders_about(evaluation)
    assert "ministry@example.kz" in recipients_of(messages)
    assert all(m.recipient.organisation_id == evaluation.campaign.organiser_id for m in messages)
    assert f"http://127.0.0.1:5000/reviews/{evaluation.id}" in messages[0].body


@pytest.mark.usefixtures("mail_off")
def test_pending_replies_remind_the_chair_before_the_window_ends(app):
    setup = build_campaign()
    evaluation = setup.project
    evaluation.state = EvaluationState.published
    evaluation.published_at = datetime.now(UTC)
    ngo = user("ngo")
    reply = Reply(evaluation=evaluation, organisation_id=ngo.organisation_id, author_id=ngo.id,
                  criterion_code="relevance", text="Не согласны.")  # fmt: skip
    db.session.add(reply)
    db.session.commit()
    days = (reply_deadline(evaluation) - today_local()).days
    run(app, "--days", str(days - 1))
    assert reminders_about(evaluation) == []
    run(app, "--days", str(days))
    (message,) = reminders_about(evaluation)
    assert message.recipient_email == "chair@example.kz"
    # The page where the chair rules on the replies, not the public project page.
    assert f"http://127.0.0.1:5000/evaluations/{evaluation.id}/replies" in message.body


def test_reminders_are_delivered_when_mail_is_configured(app, mail_on):
    setup = setup_due_in(0)
    output = run(app)
    assert "Delivered" in output
    messages = reminders_about(setup.project)
    assert messages and all(m.sent_at is not None for m in messages)
    assert mail_on.to("member2@example.kz")
