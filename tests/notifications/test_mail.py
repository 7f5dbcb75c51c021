"""Delivery over a real SMTP server on loopback (aiosmtpd), failures, and the outbox page."""

import pytest
from sqlalchemy import select

from grants.extensions import db
from grants.monitoring.models import Campaign, CampaignStatus
from grants.monitoring.operations import assign
from grants.notifications import mail
from grants.notifications.models import OutboxMessage
from tests.api.evaluation_fixtures import user
from tests.factories import ministry, own_lot, own_project, redirect_path, text_of
from tests.helpers import login, visible_text
from tests.monitoring import make_campaign, own_group
from tests.notifications.conftest import outbox, recipients_of

KAZAKH_SUBJECT = "Бағалау тағайындалды: «Жастар әлемі» қоғамдық қоры — ғ қ ң ө ұ ү һ і ә"
KAZAKH_BODY = (
    "Сәлеметсіз бе!\nБалл қою мерзімі: 2026 ж. 11 желтоқсан · 8 388 800,00 ₸\nҰйым: Өңір, Үміт, Һ.\n"
)


def kazakh_message(email: str = "member1@example.kz") -> OutboxMessage:
    message = OutboxMessage(
        kind="assignment", recipient_id=user(email).id, recipient_email=email, lang="kk",
        subject=KAZAKH_SUBJECT, body=KAZAKH_BODY, attempts=0,
    )  # fmt: skip
    db.session.add(message)
    db.session.commit()
    return message


def draft_campaign_with_assignments() -> Campaign:
    campaign = make_campaign()
    assign(campaign, own_group(), own_project(), ministry())
    assign(campaign, own_group(), own_lot(), ministry())
    db.session.flush()
    assert campaign.status == CampaignStatus.draft
    return campaign


def group_emails() -> set[str]:
    group = own_group()
    return {u.email for u in group.members} | {group.chair.email}


# --- SMTP -------------------------------------------------------------------------------------


def test_utf8_subject_and_body_arrive_intact(app, mail_on):
    message = kazakh_message()
    assert mail.deliver(message) is True
    db.session.commit()
    (received,) = mail_on.messages
    assert received["To"] == "member1@example.kz"
    assert received["From"] == app.config["MAIL_SENDER"]
    assert received["Subject"] == KAZAKH_SUBJECT
    assert received.get_content().replace("\r\n", "\n") == KAZAKH_BODY  # CRLF on the wire
    assert received.get_content_charset() == "utf-8"
    assert message.sent_at is not None and message.attempts == 1 and message.last_error is None
    assert message.status == "sent"


def test_a_sender_name_in_kazakh_survives(app, mail_on):
    app.config["MAIL_SENDER"] = "Әлеуметтік тапсырыс мониторингі <noreply@example.kz>"
    try:
        assert mail.deliver(kazakh_message()) is True
    finally:
        app.config["MAIL_SENDER"] = "grants@localhost"
    (received,) = mail_on.messages
    assert received["From"].addresses[0].display_name == "Әлеуметтік тапсырыс мониторингі"
    assert received["From"].addresses[0].addr_spec == "noreply@example.kz"
    assert mail_on.envelopes[0].mail_from == "noreply@example.kz"


def test_deliver_pending_sends_each_queued_message_once(app, mail_on):
    first, second = kazakh_message("member1@example.kz"), kazakh_message("member2@example.kz")
    sent, failed = mail.deliver_pending()
    db.session.commit()
    assert failed == 0 and sent >= 2
    assert {"member1@example.kz", "member2@example.kz"} <= {m["To"] for m in mail_on.messages}
    assert first.sent_at is not None and second.sent_at is not None
    count = len(mail_on.messages)
    assert mail.deliver_pending() == (0, 0)
    assert len(mail_on.messages) == count


def test_a_refused_recipient_fails_alone(app, mail_on):
    mail_on.refused.add("member1@example.kz")
    refused, accepted = kazakh_message("member1@example.kz"), kazakh_message("member2@example.kz")
    assert mail.send_batch([refused, accepted]) == (1, 1)
    db.session.commit()
    assert refused.sent_at is None and refused.attempts == 1 and "550" in refused.last_error
    assert accepted.sent_at is not None
    assert [m["To"] for m in mail_on.messages] == ["member2@example.kz"]


def test_mail_committed_in_a_request_is_delivered_after_it(app, client, mail_on):
    campaign = draft_campaign_with_assignments()
    login(client, "ministry@example.kz")
    response = client.post(f"/campaigns/{campaign.id}/start")
    assert response.status_code == 302
    messages = outbox("assignment")
    mine = [m for m in messages if m.object_id in {e.id for e in campaign.evaluations}]
    assert recipients_of(mine) == group_emails()
    assert all(m.sent_at is not None and m.status == "sent" for m in mine)
    received = {(m["To"], m["Subject"]) for m in mail_on.messages}
    assert {(m.recipient_email, m.subject) for m in mine} <= received
    body = next(m for m in mail_on.messages if m["To"] == "member1@example.kz").get_content()
    assert "http://127.0.0.1:5000/evaluations/" in body


def test_a_failing_server_is_recorded_and_the_page_still_works(app, client, mail_broken):
    campaign = draft_campaign_with_assignments()
    login(client, "ministry@example.kz")
    response = client.post(f"/campaigns/{campaign.id}/start")
    assert response.status_code == 302, "the start succeeds although mail could not be sent"
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).status == CampaignStatus.running
    mine = [m for m in outbox("assignment") if m.object_id in {e.id for e in campaign.evaluations}]
    assert mine
    for message in mine:
        assert message.sent_at is None and message.attempts == 1
        assert message.last_error and "Connection" in message.last_error
        assert message.status == "failed"

    admin = app.test_client()
    login(admin, "admin@example.kz")
    page = admin.get("/admin/outbox/?status=failed&lang=en")
    assert page.status_code == 200
    assert f'data-message="{mine[0].id}"' in page.get_data(as_text=True)
    detail = admin.get(f"/admin/outbox/{mine[0].id}?lang=en").get_data(as_text=True)
    assert "data-last-error" in detail and "Send now" in detail


def test_retries_stop_after_five_attempts(app, mail_broken):
    message = kazakh_message()
    for attempt in range(1, mail.MAX_ATTEMPTS + 2):
        mail.deliver_pending()
        db.session.commit()
        assert message.attempts == min(attempt, mail.MAX_ATTEMPTS)
    assert message.sent_at is None and message.status == "failed"


def test_send_now_retries_one_message(app, client, mail_on):
    message = kazakh_message()
    login(client, "admin@example.kz")
    response = client.post(f"/admin/outbox/{message.id}/send?lang=en")
    assert response.status_code == 302
    assert redirect_path(response) == f"/admin/outbox/{message.id}"
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).sent_at is not None
    assert [m["Subject"] for m in mail_on.messages] == [KAZAKH_SUBJECT]


def test_send_mail_command(app, mail_on):
    kazakh_message()
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "Delivered" in result.output
    assert mail_on.to("member1@example.kz")


def test_send_mail_command_refuses_without_a_server(app, mail_off):
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code != 0 and "MAIL_SERVER" in result.output


# --- without MAIL_SERVER: the outbox ----------------------------------------------------------


def test_without_a_server_mail_stays_queued_and_admins_read_it(app, client, mail_off):
    campaign = draft_campaign_with_assignments()
    login(client, "ministry@example.kz")
    assert client.post(f"/campaigns/{campaign.id}/start").status_code == 302
    mine = [m for m in outbox("assignment") if m.object_id in {e.id for e in campaign.evaluations}]
    assert mine and all(m.status == "queued" and m.attempts == 0 for m in mine)

    admin = app.test_client()
    login(admin, "admin@example.kz")
    page = admin.get("/admin/outbox/?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    newest = max(mine, key=lambda m: m.id)
    assert f'data-message="{newest.id}"' in html
    assert "MAIL_SERVER is not set" in visible_text(html)
    assert newest.recipient_email in html

    detail = admin.get(f"/admin/outbox/{newest.id}?lang=en")
    assert detail.status_code == 200
    assert newest.body.splitlines()[0] in text_of(detail)
    assert "Send now" not in detail.get_data(as_text=True)

    queued = admin.get("/admin/outbox/?status=queued&kind=assignment").get_data(as_text=True)
    assert f'data-message="{newest.id}"' in queued
    for other in ("/admin/outbox/?status=sent", "/admin/outbox/?kind=ruling"):
        assert f'data-message="{newest.id}"' not in admin.get(other).get_data(as_text=True)

    response = admin.post(f"/admin/outbox/{newest.id}/send")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(OutboxMessage, newest.id).status == "queued"


@pytest.mark.parametrize("who", ["ministry", "chair", "member1", "ngo"])
def test_only_admins_see_the_outbox(app, client, who):
    message = kazakh_message()
    login(client, f"{who}@example.kz")
    assert client.get("/admin/outbox/").status_code == 403
    assert client.get(f"/admin/outbox/{message.id}").status_code == 403
    assert client.post(f"/admin/outbox/{message.id}/send").status_code == 403
    assert client.post("/admin/outbox/send").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(app, client):
    message = kazakh_message()
    for url in ("/admin/outbox/", f"/admin/outbox/{message.id}"):
        response = client.get(url)
        assert response.status_code == 302 and redirect_path(response).startswith("/login")
    assert client.post(f"/admin/outbox/{message.id}/send").status_code in (302, 401)


def test_the_body_is_shown_as_text(app, client):
    message = kazakh_message()
    message.body = '<script>alert("x")</script>\nЖол'
    message.subject = "<b>тема</b>"
    db.session.commit()
    login(client, "admin@example.kz")
    html = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<b>тема</b>" not in html
    assert client.get("/admin/outbox/999999").status_code == 404
    listing = client.get("/admin/outbox/?status=bogus&kind=bogus&page=abc")
    assert listing.status_code == 200


def test_unknown_messages_are_not_found(app, client):
    login(client, "admin@example.kz")
    assert client.get("/admin/outbox/0").status_code == 404
    assert client.post("/admin/outbox/999999/send").status_code == 404
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.id == 999999)) is None
