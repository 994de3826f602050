"""Sign-in, sign-out, password reset, invitation links, the account page and the language switch."""

from __future__ import annotations

import segno
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from festival.accounts import services, team
from festival.accounts.forms import (
    AcceptInvitationForm,
    AccountForm,
    EnableTwoFactorForm,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    TwoFactorForm,
)
from festival.accounts.models import User
from festival.audit.services import record_event
from festival.core.db import db
from festival.core.errors import DomainError
from festival.core.extensions import limiter, login_attempt_key
from festival.core.forms import ActionForm
from festival.core.i18n import LOCALE_COOKIE, LOCALES, NATIVE_NAMES, current_locale
from festival.core.scope import platform_scope

bp = Blueprint("accounts", __name__, template_folder="templates")



def _LOGIN_LIMIT() -> str:  # noqa: N802 - read per request so tests and deployments can tune it
    return current_app.config["LOGIN_RATE_LIMIT"]


def safe_next(default: str) -> str:
    """Only redirect to paths on this site."""
    target = request.values.get("next", "")
    if (target.startswith("/") and not target.startswith("//") and "\\" not in target
            and target.isprintable()):  # a CR/LF in a Location header is a 500, not a redirect
        return target
    return default


def _landing_for(user: User) -> str:
    memberships = services.memberships_of(user)
    if len(memberships) == 1 and not user.is_base_operator:
        kind, org, _role = memberships[0]
        if kind == "tenant":
            return url_for("tenant_portal.home", tenant_slug=org.slug)
        return url_for("supplier_portal.home", supplier_slug=org.slug)
    if user.is_base_operator and not memberships:
        return url_for("base.home")
    return url_for("accounts.home")


def _record_sign_in(user: User) -> None:
    """A sign-in is recorded in the log of every organisation the person belongs to."""
    services.mark_signed_in(user)
    for kind, org, _role in services.memberships_of(user):
        from festival.accounts.orgs import KINDS

        with KINDS[kind].open_scope(org):
            record_event("festival.accounts.signed_in", actor=user, ip_address=request.remote_addr)
    if user.is_base_operator:
        with platform_scope("base.console"):
            record_event("festival.accounts.signed_in", actor=user, ip_address=request.remote_addr)


def _complete_sign_in(user: User, remember: bool):
    session.clear()
    login_user(user, remember=remember)
    _record_sign_in(user)
    return redirect(safe_next(_landing_for(user)))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_LOGIN_LIMIT, methods=["POST"])
@limiter.limit(_LOGIN_LIMIT, methods=["POST"], key_func=login_attempt_key)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(_landing_for(current_user)))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            with platform_scope("base.console"):
                record_event("festival.accounts.sign_in_failed",
                             ip_address=request.remote_addr, email=form.email.data[:255])
            db.session.commit()  # keep the record of the failed attempt
            form.password.errors.append(error.message)
            return render_template("accounts/login.html", form=form), 401
        if user.has_two_factor:
            session["pending_2fa_user"] = user.id
            session["pending_2fa_remember"] = bool(form.remember.data)
            return redirect(url_for("accounts.two_factor", next=safe_next("")))
        return _complete_sign_in(user, bool(form.remember.data))
    status = 400 if form.errors else 200
    return render_template("accounts/login.html", form=form), status


@bp.route("/login/two-factor", methods=["GET", "POST"])
@limiter.limit(_LOGIN_LIMIT, methods=["POST"])
def two_factor():
    user_id = session.get("pending_2fa_user")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        return redirect(url_for("accounts.login"))
    form = TwoFactorForm()
    if form.validate_on_submit():
        try:
            services.check_two_factor(user, form.code.data)
        except DomainError as error:
            form.code.errors.append(error.message)
            return render_template("accounts/two_factor.html", form=form), 401
        return _complete_sign_in(user, session.get("pending_2fa_remember", False))
    return render_template("accounts/two_factor.html", form=form), 400 if form.errors else 200


@bp.route("/logout", methods=["POST"])
def logout():
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("public.index"))


@bp.route("/account/password/forgot", methods=["GET", "POST"])
@limiter.limit(_LOGIN_LIMIT, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(
            form.email.data,
            lambda token: url_for("accounts.reset_password", token=token, purpose="reset",
                                  _external=True),
            current_locale(),
        )
        flash(_("If an account exists for this address, we have sent a link to reset its "
                "password. Check your inbox."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/account/password/reset/<token>", methods=["GET", "POST"],
          defaults={"purpose": "reset"})
@bp.route("/account/welcome/<token>", methods=["GET", "POST"], defaults={"purpose": "welcome"})
def reset_password(token: str, purpose: str):
    services.user_for_reset_token(token, purpose)  # a bad or used link is answered first
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data, purpose)
        except DomainError as error:
            form.password.errors.append(error.message)
        else:
            flash(_("Your password is set. You can sign in now."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form, purpose=purpose), \
        400 if form.errors else 200


@bp.route("/account/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    with team.invitation_scope(token) as (kind, org, invitation):
        team.check_invitation_usable(invitation)
        existing = services.find_user_by_email(invitation.email)
        signed_in = current_user if current_user.is_authenticated else None
        if existing is not None and signed_in is None:
            flash(_("You have an account already: sign in to accept the invitation."), "info")
            return redirect(url_for("accounts.login", next=request.path))
        form = AcceptInvitationForm() if existing is None else ActionForm()
        if form.validate_on_submit():
            try:
                user = team.accept_invitation(
                    org, invitation, signed_in,
                    name=getattr(form, "name", None) and form.name.data or "",
                    password=getattr(form, "password", None) and form.password.data)
            except DomainError as error:
                if existing is None:
                    form.password.errors.append(error.message)
                    return render_template("accounts/invitation.html", form=form, org=org,
                                           invitation=invitation, kind=kind.key), 400
                raise
            if signed_in is None:
                login_user(user)
                _record_sign_in(user)
            db.session.commit()
            flash(_("Welcome to %(name)s.", name=org.name), "success")
            return redirect(url_for(kind.portal_endpoint, **kind.url_values(org)))
        status = 400 if form.errors else 200
        return render_template("accounts/invitation.html", form=form, org=org,
                               invitation=invitation, kind=kind.key), status


@bp.route("/account/", methods=["GET", "POST"])
@login_required
def home():
    form = AccountForm(obj=current_user)
    form.locale.choices = [("", _("As my browser asks"))] + [
        (code, NATIVE_NAMES[code]) for code in LOCALES]
    if form.validate_on_submit():
        current_user.name = form.name.data.strip()
        current_user.locale = form.locale.data or None
        flash(_("Your account is updated."), "success")
        return redirect(url_for("accounts.home"))
    return render_template("accounts/home.html", form=form,
                           memberships=services.memberships_of(current_user),
                           logout_form=ActionForm()), 400 if form.errors else 200


@bp.route("/account/security", methods=["GET", "POST"])
@login_required
def security():
    form = EnableTwoFactorForm()
    if current_user.has_two_factor:
        disable_form = ActionForm()
        if disable_form.validate_on_submit():
            services.disable_two_factor(current_user)
            flash(_("Two-factor sign-in is off."), "info")
            return redirect(url_for("accounts.security"))
        return render_template("accounts/security.html", enabled=True, form=disable_form)
    secret = session.get("totp_enrolment") or services.new_totp_secret()
    session["totp_enrolment"] = secret
    if form.validate_on_submit():
        try:
            services.enable_two_factor(current_user, secret, form.code.data)
        except DomainError as error:
            form.code.errors.append(error.message)
        else:
            session.pop("totp_enrolment", None)
            flash(_("Two-factor sign-in is on."), "success")
            return redirect(safe_next(url_for("accounts.home")))
    uri = services.totp_uri(current_user, secret)
    qr_svg = segno.make(uri).svg_inline(scale=4)
    return render_template("accounts/security.html", enabled=False, form=form, secret=secret,
                           qr_svg=qr_svg), 400 if form.errors else 200


@bp.route("/locale/<code>")
def switch_locale(code: str):
    """The visible language switcher: the choice is remembered in a cookie for a year."""
    response = redirect(safe_next(url_for("public.index")))
    if code in LOCALES:
        response.set_cookie(LOCALE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True, secure=request.is_secure)
    return response
