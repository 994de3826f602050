"""Email in the recipient's language, sent only once the data it speaks of is committed.

SMTP when ``MAIL_SERVER`` is set; otherwise (the embedded default) each message is
written to the outbox folder under instance/ and announced on the console.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy.orm import Session

from festival.core.db import db

log = logging.getLogger("festival.mail")


@dataclass
class OutgoingMail:
    to: str
    subject: str
    text: str
    html: str | None = None


def compose_mail(to: str, template: str, locale: str, **context) -> OutgoingMail:
    """Render ``mail/<template>.txt`` (and .html) in ``locale``; the subject is its first line."""
    with force_locale(locale):
        rendered = render_template(f"mail/{template}.txt", locale=locale, **context)
        html = render_template("mail/layout.html", body=rendered, locale=locale)
    subject, _, text = rendered.partition("\n")
    return OutgoingMail(to=to, subject=subject.strip(), text=text.strip() + "\n", html=html)


def queue_mail(mail: OutgoingMail) -> None:
    """Send ``mail`` when the current transaction commits; drop it if it rolls back."""
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that a rollback before any SQL still drops the mail
    session.info.setdefault("outgoing_mail", []).append(mail)


def send_now(mail: OutgoingMail) -> None:
    """Deliver one message through SMTP or into the outbox folder."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="lantern.invalid")
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    if not config["MAIL_SERVER"]:
        outbox = Path(config["MAIL_OUTBOX"])
        outbox.mkdir(parents=True, exist_ok=True)
        path = outbox / f"{uuid.uuid4().hex}.eml"
        path.write_bytes(bytes(message))
        log.warning("mail to %s: %s (saved to %s)\n%s", mail.to, mail.subject, path, mail.text)
        return
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


@event.listens_for(Session, "after_commit")
def _send_committed_mail(session: Session) -> None:
    for mail in session.info.pop("outgoing_mail", []):
        try:
            send_now(mail)
        except (OSError, smtplib.SMTPException):
            log.exception("mail to %s could not be delivered", mail.to)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back_mail(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction ended
        session.info.pop("outgoing_mail", None)
