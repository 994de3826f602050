"""Mail leaves after commit, in the recipient's language; money and times follow the locale."""

from datetime import UTC, datetime
from decimal import Decimal
from email import message_from_bytes, policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from festival.core.db import db
from festival.core.i18n import format_local_datetime, format_money
from festival.core.mail import OutgoingMail, compose_mail, queue_mail


def test_mail_is_sent_only_after_commit(ctx, mailbox):
    queue_mail(OutgoingMail(to="a@example.com", subject="Hello", text="Body"))
    assert mailbox.messages == []
    db.session.commit()
    assert [m["Subject"] for m in mailbox.to("a@example.com")] == ["Hello"]


def test_rolled_back_mail_is_never_sent(ctx, mailbox):
    queue_mail(OutgoingMail(to="b@example.com", subject="Never", text="Body"))
    db.session.rollback()
    db.session.commit()
    assert mailbox.to("b@example.com") == []


def test_a_released_savepoint_does_not_send_the_mail_of_its_transaction(ctx, mailbox):
    """A savepoint (a booking's window flush) commits nothing: the mail waits for the real commit
    and is dropped if the transaction then rolls back."""
    queue_mail(OutgoingMail(to="c@example.com", subject="Not yet", text="Body"))
    with db.session.begin_nested():
        db.session.execute(db.text("SELECT 1"))
    assert mailbox.to("c@example.com") == []
    db.session.rollback()
    db.session.commit()
    assert mailbox.to("c@example.com") == []


def test_without_smtp_server_mail_lands_in_the_outbox(ctx, tmp_path):
    previous = dict(ctx.config)
    ctx.config.update(MAIL_SERVER="", MAIL_OUTBOX=str(tmp_path))
    try:
        queue_mail(OutgoingMail(to="c@example.com", subject="Outbox", text="Körper"))
        db.session.commit()
    finally:
        ctx.config.update(previous)
    files = list(Path(tmp_path).glob("*.eml"))
    assert len(files) == 1
    message = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["Subject"] == "Outbox"
    assert "Körper" in message.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.parametrize("locale, expected", [
    ("fr", "12,50\u00a0€"), ("de", "12,50\u00a0€"), ("en", "€12.50"), ("ja", "€12.50")])
def test_money_is_formatted_for_the_language(ctx, locale, expected):
    assert format_money(Decimal("12.50"), "EUR", locale) == expected


def test_zero_decimal_currency(ctx):
    assert format_money(Decimal("1500"), "JPY", "ja") == "￥1,500"


def test_times_are_shown_in_the_tenant_timezone_across_dst(ctx):
    summer = datetime(2026, 7, 1, 18, 0, tzinfo=UTC)
    winter = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    paris = ZoneInfo("Europe/Paris")
    assert "20:00" in format_local_datetime(summer, paris, "short", "fr")
    assert "19:00" in format_local_datetime(winter, paris, "short", "fr")


def test_naive_datetimes_are_refused(ctx, factory):
    from festival.core.scope import platform_scope
    from festival.tenants.models import Tenant

    tenant_id = factory.tenant("naive").id
    with platform_scope("cli"):
        tenant = db.session.get(Tenant, tenant_id)
        tenant.created_at = datetime(2026, 1, 1, 12, 0)  # no tzinfo
        with pytest.raises(Exception, match="naive datetime"):
            db.session.flush()
        db.session.rollback()


def test_invitation_mail_speaks_the_recipients_language(ctx):
    class Org:
        name = "Festival des Lanternes de Paris"

    mail = compose_mail("x@example.com", "invitation", "fr", org=Org(), kind="tenant",
                        role="gate", inviter=None, link="http://x/accept", days=7)
    english = compose_mail("x@example.com", "invitation", "en", org=Org(), kind="tenant",
                           role="gate", inviter=None, link="http://x/accept", days=7)
    assert mail.subject != english.subject
    assert "Festival des Lanternes de Paris" in mail.subject
    assert "7" in mail.text and "http://x/accept" in mail.text
