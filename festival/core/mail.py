"""Email in the recipient's language, sent only once the data it speaks of is committed.

A queued message is a row of the mail outbox written in the current transaction
(festival.jobs.outbox), delivered after the commit by the job worker, or inline without Redis.
SMTP when ``MAIL_SERVER`` is set; otherwise (the embedded default) each message is written to
the outbox folder under instance/ and announced on the console. A message may carry
attachments (PDF tickets) and a ``track`` callback that learns whether the server took it or
refused it, so the sender can record the delivery on its own rows.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale

log = logging.getLogger("festival.mail")


@dataclass
class OutgoingMail:
    to: str
    subject: str
    text: str
    html: str | None = None
    # (file name, content type, bytes), e.g. ("tickets-K7Q2-M9XD.pdf", "application/pdf", b"%PDF…").
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)
    locale: str | None = None  # announced as Content-Language
    # Who learns how the delivery went, as data (the worker may be another process):
    # {"callback": "module:function", "args": [...]}, called with the args, then "sent" or
    # "refused" and the server's refusal (None when sent).
    track: dict | None = None


def compose_mail(to: str, template: str, locale: str, **context) -> OutgoingMail:
    """Render ``mail/<template>.txt`` (and .html) in ``locale``; the subject is its first line."""
    with force_locale(locale):
        rendered = render_template(f"mail/{template}.txt", locale=locale, **context)
        subject, _, text = rendered.partition("\n")
        text = text.strip() + "\n"
        html = render_template("mail/layout.html", body=text, locale=locale)
    return OutgoingMail(to=to, subject=subject.strip(), text=text, html=html, locale=locale)


def queue_mail(mail: OutgoingMail) -> None:
    """Write ``mail`` to the outbox in the current transaction; it leaves after the commit and
    is gone with a rollback (a row, so hooks that run while the transaction commits may queue too)."""
    from festival.jobs.outbox import OutboxMail

    _write_outbox_row(OutboxMail(recipient=mail.to, subject=mail.subject[:300],
                                 message=bytes(build_message(mail)), track=mail.track))


def _write_outbox_row(row) -> None:
    from festival.jobs.handoff import after_commit
    from festival.jobs.outbox import dispatch

    after_commit(row, dispatch)  # it leaves after the outermost commit, never with a rollback


def queue_composed_mail(to: str, composer: str, args: list, compose_now: Callable[[], OutgoingMail],
                        track: dict | None = None) -> None:
    """Queue a mail that is slow to write (PDF attachments): with a job queue the worker writes
    it by calling ``composer`` ("module:function") with ``args``, off the web request; without one
    ``compose_now()`` writes it here. Either way it leaves only after the commit."""
    from festival.jobs.outbox import OutboxMail
    from festival.jobs.queue import queue_configured

    if not queue_configured():
        mail = compose_now()
        mail.track = track
        queue_mail(mail)
        return
    _write_outbox_row(OutboxMail(recipient=to, subject="", message=None, track=track,
                                 compose={"callback": composer, "args": args}))


def discard_queued_mail() -> None:
    """Drop what this transaction queued (seeded demo steps that nobody needs to read)."""
    from festival.jobs.handoff import discard
    from festival.jobs.outbox import dispatch

    discard(dispatch)


def build_message(mail: OutgoingMail) -> EmailMessage:
    """The MIME message: text, its HTML alternative, then the attachments."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="lantern.invalid")
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    for filename, content_type, data in mail.attachments:
        maintype, _, subtype = content_type.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream",
                               filename=filename)
    if mail.locale:
        # Last: set_content and add_attachment move or clear the Content-* headers they find.
        message["Content-Language"] = mail.locale.replace("_", "-")
    return message


def send_message(message: bytes, recipient: str) -> None:
    """Deliver one built message through SMTP or into the outbox folder.

    Raises smtplib.SMTPException when the server refuses it, OSError when it cannot be reached.
    """
    config = current_app.config
    parsed = BytesParser(policy=policy.default).parsebytes(message)
    if not config["MAIL_SERVER"]:
        outbox = Path(config["MAIL_OUTBOX"])
        outbox.mkdir(parents=True, exist_ok=True)
        path = outbox / f"{uuid.uuid4().hex}.eml"
        path.write_bytes(message)
        body = parsed.get_body(("plain",))
        log.warning("mail to %s: %s (saved to %s)\n%s", recipient, parsed["Subject"], path,
                    body.get_content() if body is not None else "")
        return
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(parsed, to_addrs=[recipient])


def _answer(code: int, text: bytes | str) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {text}".strip()


def refusal_text(error: smtplib.SMTPException) -> str | None:
    """The server's answer when it refused this message; None for failures of our own set-up
    or of the connection (login, greeting, dropped line), which say nothing about the message."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(_answer(code, text) for code, text in error.recipients.values())
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return _answer(error.smtp_code, error.smtp_error)
    return None
