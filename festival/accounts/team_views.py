"""Team, security and audit pages, shared by the tenant portal and the supplier portal."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.accounts import team
from festival.accounts.access import requires
from festival.accounts.forms import InviteForm, RoleForm, TwoFactorRuleForm
from festival.accounts.orgs import kind_of, role_label
from festival.audit.services import list_events
from festival.core.db import utcnow
from festival.core.errors import DomainError
from festival.core.forms import ActionForm, require_action_form
from festival.core.i18n import current_locale

MAX_AUDIT_PAGE = 1_000_000


def _role_choices(org) -> list[tuple[str, str]]:
    return [(role, role_label(role)) for role in kind_of(org).roles]


def _team_page(invite_form: InviteForm, status: int = 200):
    org = g.org
    return render_template(
        "accounts/team.html", members=team.list_members(org), invitations=team.list_invitations(org),
        invite_form=invite_form, role_form_for=lambda m: _role_form(org, m.role),
        action_form=ActionForm(), rule_form=TwoFactorRuleForm(required_for_all=org.require_two_factor),
        now=utcnow(), portal=request.blueprint,
    ), status


def _role_form(org, role: str) -> RoleForm:
    form = RoleForm(formdata=None, role=role)
    form.role.choices = _role_choices(org)
    return form


def team_page():
    form = InviteForm(formdata=None, role=kind_of(g.org).roles[-1])  # least privilege first
    form.role.choices = _role_choices(g.org)
    return _team_page(form)


def invite():
    org = g.org
    form = InviteForm()
    form.role.choices = _role_choices(org)
    if form.validate_on_submit():
        try:
            team.invite_member(
                org, form.email.data, form.role.data, current_user, org.default_locale,
                lambda token: url_for("accounts.accept_invitation", token=token, _external=True))
        except DomainError as error:
            form.email.errors.append(error.message)
            return _team_page(form, error.status_code)
        flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
        return redirect(url_for(".team"))
    return _team_page(form, 400)


def revoke_invitation(invitation_id: int):
    require_action_form()
    team.revoke_invitation(g.org, invitation_id, current_user)
    flash(_("The invitation is withdrawn."), "info")
    return redirect(url_for(".team"))


def change_role(member_id: int):
    form = RoleForm()
    form.role.choices = _role_choices(g.org)
    if not form.validate_on_submit():
        raise DomainError(_("Choose one of the roles offered."))
    team.change_role(g.org, member_id, form.role.data, current_user)
    flash(_("The role is changed."), "success")
    return redirect(url_for(".team"))


def remove_member(member_id: int):
    require_action_form()
    team.remove_member(g.org, member_id, current_user)
    flash(_("The member is removed."), "info")
    return redirect(url_for(".team"))


def two_factor_rule():
    form = TwoFactorRuleForm()
    if not form.validate_on_submit():
        require_action_form()
    team.set_two_factor_rule(g.org, bool(form.required_for_all.data), current_user)
    flash(_("The two-factor rule is saved."), "success")
    return redirect(url_for(".team"))


def audit_log():
    page = request.args.get("page", 1, type=int)
    page = min(max(page, 1), MAX_AUDIT_PAGE)  # a huge number overflows the database's OFFSET
    return render_template("accounts/audit.html", events=list_events(page),
                           locale=current_locale())



def register_team_routes(bp: Blueprint) -> None:
    """The same team pages, under each portal's own URL prefix and scope."""
    routes = [
        ("/team", "team", team_page, "team.view", ["GET"]),
        ("/team/invite", "invite", invite, "team.manage", ["POST"]),
        ("/team/invitations/<id:invitation_id>/revoke", "revoke_invitation", revoke_invitation,
         "team.manage", ["POST"]),
        ("/team/members/<id:member_id>/role", "change_role", change_role, "team.manage", ["POST"]),
        ("/team/members/<id:member_id>/remove", "remove_member", remove_member, "team.manage",
         ["POST"]),
        ("/team/two-factor", "two_factor_rule", two_factor_rule, "security.edit", ["POST"]),
        ("/audit", "audit_log", audit_log, "audit.view", ["GET"]),
    ]
    for rule, endpoint, view, permission, methods in routes:
        bp.add_url_rule(rule, endpoint, requires(permission)(view), methods=methods)
