"""Teams: inviting people into a tenant or supplier, accepting, changing roles, removing.

Every function here runs inside the organisation's scope (opened by the caller's
entry point), except ``find_invitation``, which opens the named platform scope an
invitation link needs because the invited person has no membership yet.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from festival.accounts.models import User
from festival.accounts.orgs import KINDS, OrgKind, kind_of
from festival.accounts.services import create_user, find_user_by_email, normalize_email
from festival.audit.services import record_event
from festival.core.db import db, utcnow
from festival.core.errors import Conflict, DomainError, NotFound
from festival.core.mail import compose_mail, queue_mail
from festival.core.scope import platform_scope

MESSAGES = {
    "bad_role": _l("Choose one of the roles offered."),
    "already_member": _l("This person is a member already."),
    "pending": _l("An invitation to this address is waiting already. Revoke it to send a new one."),
    "invitation_invalid": _l("This invitation link is not valid. Ask for a new invitation."),
    "invitation_used": _l("This invitation has been accepted already. Sign in to continue."),
    "invitation_expired": _l("This invitation has expired. Ask the person who invited you "
                             "for a new one."),
    "invitation_revoked": _l("This invitation was withdrawn."),
    "wrong_account": _l("This invitation is for %(email)s. Sign out and open the link again."),
    "last_owner": _l("An organisation needs at least one owner."),
    "not_pending": _l("Only a waiting invitation can be revoked."),
}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _members(kind: OrgKind):
    return select(kind.member_model)


def list_members(org) -> list:
    kind = kind_of(org)
    return list(db.session.scalars(
        _members(kind).join(User).order_by(User.name, User.email)))


def list_invitations(org) -> list:
    model = kind_of(org).invitation_model
    return list(db.session.scalars(select(model).where(model.accepted_at.is_(None))
                                   .order_by(model.created_at.desc())))


def invite_member(org, email: str, role: str, inviter: User | None, locale: str,
                  accept_url_for: Callable[[str], str]) -> object:
    """Invite ``email`` with ``role``; the link in the email works once, until it expires."""
    kind = kind_of(org)
    email = normalize_email(email)
    if role not in kind.roles:
        raise DomainError(str(MESSAGES["bad_role"]))
    existing = find_user_by_email(email)
    if existing is not None and db.session.scalar(
        _members(kind).where(kind.member_model.user_id == existing.id)
    ):
        raise Conflict(str(MESSAGES["already_member"]))
    model = kind.invitation_model
    now = utcnow()
    waiting = db.session.scalar(select(model).where(
        model.email == email, model.accepted_at.is_(None), model.revoked_at.is_(None),
        model.expires_at > now))
    if waiting is not None:
        raise Conflict(str(MESSAGES["pending"]))
    token = secrets.token_urlsafe(32)
    invitation = model(email=email, role=role, locale=locale, token_hash=_hash(token),
                       invited_by=inviter,
                       expires_at=now + timedelta(days=current_app.config["INVITATION_DAYS"]))
    db.session.add(invitation)
    db.session.flush()
    record_event("festival.accounts.invitation.sent", actor=inviter, email=email, role=role)
    queue_mail(compose_mail(email, "invitation", locale, org=org, kind=kind.key, role=role,
                            inviter=inviter, link=accept_url_for(token),
                            days=current_app.config["INVITATION_DAYS"]))
    return invitation


def revoke_invitation(org, invitation_id: int, actor: User) -> None:
    model = kind_of(org).invitation_model
    invitation = db.session.get(model, invitation_id)
    if invitation is None:
        raise NotFound(str(MESSAGES["invitation_invalid"]))
    if invitation.status(utcnow()) != "pending":
        raise Conflict(str(MESSAGES["not_pending"]))
    invitation.revoked_at = utcnow()
    record_event("festival.accounts.invitation.revoked", actor=actor, email=invitation.email)


def find_invitation(token: str) -> tuple[OrgKind, object, object]:
    """The organisation and invitation behind a link: (kind, organisation, invitation)."""
    digest = _hash(token)
    with platform_scope("accounts.invitation"):
        for kind in KINDS.values():
            invitation = db.session.scalar(
                select(kind.invitation_model).where(kind.invitation_model.token_hash == digest))
            if invitation is not None:
                org = db.session.get(kind.model, getattr(invitation, f"{kind.key}_id"))
                return kind, org, invitation
    raise NotFound(str(MESSAGES["invitation_invalid"]))


def check_invitation_usable(invitation) -> None:
    status = invitation.status(utcnow())
    if status != "pending":
        raise DomainError(str(MESSAGES[f"invitation_{'used' if status == 'accepted' else status}"]),
                          410)


def accept_invitation(org, invitation, user: User | None, name: str = "",
                      password: str | None = None) -> User:
    """Make the invited person a member; creates their account when they have none."""
    kind = kind_of(org)
    check_invitation_usable(invitation)
    if user is None:
        user = create_user(invitation.email, name=name, password=password,
                           locale=invitation.locale)
    elif user.email != invitation.email:
        raise DomainError(MESSAGES["wrong_account"] % {"email": invitation.email}, 403)
    if not db.session.scalar(_members(kind).where(kind.member_model.user_id == user.id)):
        db.session.add(kind.member_model(user=user, role=invitation.role,
                                         **{f"{kind.key}_id": org.id}))
    invitation.accepted_at = utcnow()
    db.session.flush()
    record_event("festival.accounts.invitation.accepted", actor=user, email=user.email,
                 role=invitation.role)
    return user


def _get_member(org, member_id: int):
    member = db.session.get(kind_of(org).member_model, member_id)
    if member is None:
        raise NotFound(str(_l("This member does not exist.")))
    return member


def _owner_count(org) -> int:
    model = kind_of(org).member_model
    return db.session.scalar(select(func.count()).select_from(model)
                             .where(model.role == "owner")) or 0


def change_role(org, member_id: int, role: str, actor: User) -> None:
    """Give a member another role; the last owner stays an owner."""
    kind = kind_of(org)
    member = _get_member(org, member_id)
    if role not in kind.roles:
        raise DomainError(str(MESSAGES["bad_role"]))
    if member.role == "owner" and role != "owner" and _owner_count(org) <= 1:
        raise Conflict(str(MESSAGES["last_owner"]))
    previous, member.role = member.role, role
    record_event("festival.accounts.member.role_changed", actor=actor,
                 email=member.user.email, previous=previous, role=role)


def remove_member(org, member_id: int, actor: User) -> None:
    member = _get_member(org, member_id)
    if member.role == "owner" and _owner_count(org) <= 1:
        raise Conflict(str(MESSAGES["last_owner"]))
    record_event("festival.accounts.member.removed", actor=actor, email=member.user.email,
                 role=member.role)
    db.session.delete(member)


def set_two_factor_rule(org, required: bool, actor: User) -> None:
    """An owner makes two-factor sign-in mandatory (or optional) for the organisation."""
    org.require_two_factor = required
    record_event("festival.accounts.two_factor.required" if required
                 else "festival.accounts.two_factor.optional", actor=actor)


class invitation_scope:  # noqa: N801 - used as a context manager, like contextlib's
    """Entry point for invitation links: find the invitation and open its organisation's scope."""

    def __init__(self, token: str):
        self.kind, self.org, self.invitation = find_invitation(token)
        self._scope = None

    def __enter__(self) -> tuple[OrgKind, object, object]:
        self._scope = self.kind.open_scope(self.org)
        self._scope.__enter__()
        return self.kind, self.org, self.invitation

    def __exit__(self, *exc) -> None:
        self._scope.__exit__(*exc)
