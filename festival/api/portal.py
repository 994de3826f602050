"""API tokens in the tenant portal (/<tenant>/manage/api-tokens): create, see once, revoke.

The full token is shown on the answer to the POST that created it, never again: it is not
kept anywhere (only its hash), and it is not put into the session or a redirect either.
"""

from __future__ import annotations

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from festival.accounts.access import requires
from festival.api import tokens
from festival.api.models import ApiToken
from festival.core.db import db
from festival.core.errors import DomainError
from festival.core.forms import ActionForm, MultiCheckboxField, max_length, require_action_form, required
from festival.tenants.views import portal_bp


class ApiTokenForm(FlaskForm):
    name = StringField(_l("Name (which device or integration uses it)"),
                       validators=[required(), max_length(80)])
    scopes = MultiCheckboxField(_l("What it may do"), validators=[
        DataRequired(message=_l("Choose at least one of the scopes offered."))])

    def fill_choices(self) -> ApiTokenForm:
        self.scopes.choices = [(scope, f"{scope} — {label}") for scope, label in tokens.SCOPES.items()]
        return self


def _page(form: ApiTokenForm, new_token: str | None = None, status: int = 200):
    response = make_response(render_template(
        "api/tokens.html", form=form, tokens=tokens.list_tokens(), new_token=new_token,
        action_form=ActionForm()), status)
    # The page that shows a new token must not stay in any cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@portal_bp.route("/api-tokens", methods=["GET", "POST"])
@requires("api.manage")
def api_tokens():
    form = ApiTokenForm().fill_choices()
    if request.method == "GET":
        return _page(form)
    if not form.validate_on_submit():
        return _page(form, status=400)
    try:
        _token, full = tokens.create_token(g.org, form.name.data, list(form.scopes.data), current_user)
    except DomainError as error:
        form.form_errors.append(error.message)
        g.rolled_back = True
        return _page(form, status=error.status_code)
    # Shown on this answer only; a fresh form below, so a second token starts blank.
    return _page(ApiTokenForm(formdata=None).fill_choices(), new_token=full, status=201)


@portal_bp.route("/api-tokens/<id:token_id>/revoke", methods=["POST"])
@requires("api.manage")
def api_token_revoke(token_id: int):
    token = db.session.get(ApiToken, token_id)  # the scope filter hides other tenants' tokens
    if token is None:
        abort(404)
    require_action_form()
    tokens.revoke_token(token, current_user)
    flash(_("The token %(name)s is revoked: requests with it are refused from now on.",
            name=token.name), "success")
    return redirect(url_for(".api_tokens"))
