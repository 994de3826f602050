"""Accounts: passwords, sign-in, password reset and two-factor sign-in."""

from __future__ import annotations

import hashlib
import hmac

import pyotp
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from festival.accounts.models import SupplierMember, TenantMember, User
from festival.core.db import db, utcnow
from festival.core.errors import DomainError
from festival.core.mail import compose_mail, queue_mail
from festival.core.scope import platform_scope
from festival.suppliers.models import Supplier
from festival.tenants.models import Tenant

MIN_PASSWORD_LENGTH = 10
_RESET_SALT = "festival.accounts.password-reset"
# A dummy hash so an unknown email costs as much time as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")

MESSAGES = {
    "bad_login": _l("The email or password is not right."),
    "password_short": _l("Choose a password of at least %(n)d characters."),
    "password_email": _l("The password must not contain your email address."),
    "reset_invalid": _l("This password reset link is not valid. Ask for a new one."),
    "reset_expired": _l("This password reset link has expired. Ask for a new one."),
    "totp_invalid": _l("The code is not right. Enter the 6-digit code your app shows now."),
    "email_taken": _l("An account with this email address exists already."),
}


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def check_password_rules(password: str, email: str) -> None:
    """Refuse passwords that are too short or built on the email address."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(MESSAGES["password_short"] % {"n": MIN_PASSWORD_LENGTH})
    local_part = normalize_email(email).split("@")[0]
    if len(local_part) >= 4 and local_part in password.lower():
        raise DomainError(str(MESSAGES["password_email"]))


def set_password(user: User, password: str) -> None:
    """Hash with scrypt (Werkzeug's default); changing it invalidates reset links."""
    check_password_rules(password, user.email)
    user.password_hash = generate_password_hash(password)
    user.password_changed_at = utcnow()


def create_user(email: str, name: str = "", password: str | None = None,
                locale: str | None = None, is_base_operator: bool = False) -> User:
    """Create an account; the email must be free."""
    email = normalize_email(email)
    if find_user_by_email(email) is not None:
        raise DomainError(str(MESSAGES["email_taken"]), 409)
    user = User(email=email, name=name.strip(), locale=locale, is_base_operator=is_base_operator)
    if password is not None:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User:
    """The active user with this email and password, or a DomainError with one vague message."""
    user = find_user_by_email(email)
    hashed = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    if not check_password_hash(hashed, password) or user is None or not user.active:
        raise DomainError(str(MESSAGES["bad_login"]), 401)
    return user


def mark_signed_in(user: User) -> None:
    user.last_login_at = utcnow()


def memberships_of(user: User) -> list[tuple[str, Tenant | Supplier, str]]:
    """The organisations a person belongs to, with their role: (kind, organisation, role)."""
    with platform_scope("accounts.memberships"):
        tenant_rows = db.session.execute(
            select(Tenant, TenantMember.role).join(TenantMember, TenantMember.tenant_id == Tenant.id)
            .where(TenantMember.user_id == user.id).order_by(Tenant.name)
        ).all()
        supplier_rows = db.session.execute(
            select(Supplier, SupplierMember.role)
            .join(SupplierMember, SupplierMember.supplier_id == Supplier.id)
            .where(SupplierMember.user_id == user.id).order_by(Supplier.name_en)
        ).all()
    return [("tenant", org, role) for org, role in tenant_rows] + [
        ("supplier", org, role) for org, role in supplier_rows
    ]


# --- password reset: signed, expiring, single-use -------------------------------------------

def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"{_RESET_SALT}.{purpose}")


def _max_age(purpose: str) -> int:
    """A reset link lives an hour; a new operator's welcome link as long as an invitation."""
    if purpose == "welcome":
        return current_app.config["INVITATION_DAYS"] * 24 * 3600
    return current_app.config["PASSWORD_RESET_SECONDS"]


def _password_fingerprint(user: User) -> str:
    # Bound to the current hash: once the password changes, the link no longer verifies.
    material = f"{user.id}:{user.password_hash or ''}:{user.password_changed_at or ''}"
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def make_password_reset_token(user: User, purpose: str = "reset") -> str:
    return _serializer(purpose).dumps({"u": user.id, "f": _password_fingerprint(user)})


def user_for_reset_token(token: str, purpose: str = "reset") -> User:
    """The user a reset link belongs to, if the link is genuine, fresh and unused."""
    try:
        data = _serializer(purpose).loads(token, max_age=_max_age(purpose))
    except SignatureExpired as error:
        raise DomainError(str(MESSAGES["reset_expired"]), 410) from error
    except BadSignature as error:
        raise DomainError(str(MESSAGES["reset_invalid"]), 400) from error
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not hmac.compare_digest(data.get("f", ""), _password_fingerprint(user)):
        raise DomainError(str(MESSAGES["reset_invalid"]), 400)
    return user


def request_password_reset(email: str, reset_url_for, locale: str) -> None:
    """Email a reset link if the account exists; say nothing either way (no account probing)."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    token = make_password_reset_token(user)
    queue_mail(compose_mail(user.email, "password_reset", user.locale or locale,
                            user=user, link=reset_url_for(token),
                            minutes=current_app.config["PASSWORD_RESET_SECONDS"] // 60))


def reset_password(token: str, password: str, purpose: str = "reset") -> User:
    user = user_for_reset_token(token, purpose)
    set_password(user, password)
    return user


# --- two-factor sign-in (TOTP) ----------------------------------------------------------------

def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name="Lantern")


def _verify(secret: str, code: str) -> bool:
    code = "".join(ch for ch in code if ch.isdigit())
    return len(code) == 6 and pyotp.TOTP(secret).verify(code, valid_window=1)


def enable_two_factor(user: User, secret: str, code: str) -> None:
    """Turn on two-factor sign-in once the person proves their app shows the right code."""
    if not _verify(secret, code):
        raise DomainError(str(MESSAGES["totp_invalid"]))
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()


def disable_two_factor(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None


def check_two_factor(user: User, code: str) -> None:
    if not user.totp_secret or not _verify(user.totp_secret, code):
        raise DomainError(str(MESSAGES["totp_invalid"]), 401)


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def invite_operator(email: str, actor: User, locale: str, welcome_url_for) -> User:
    """Make a new base operator and email them a link to choose their password."""
    user = create_user(email, locale=locale, is_base_operator=True)
    queue_mail(compose_mail(user.email, "operator_welcome", locale, user=user, inviter=actor,
                            link=welcome_url_for(make_password_reset_token(user, "welcome")),
                            days=current_app.config["INVITATION_DAYS"]))
    return user


def list_operators() -> list[User]:
    return list(db.session.scalars(select(User).where(User.is_base_operator.is_(True))
                                   .order_by(User.email)))
