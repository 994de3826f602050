"""Passes in the tenant portal: an exhibition's passes with their visits, searchable; void one."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.accounts.access import requires
from festival.core.db import db, utcnow
from festival.core.errors import DomainError
from festival.core.forms import ActionForm, require_action_form
from festival.exhibitions.models import Exhibition
from festival.passes import services
from festival.passes.models import Pass
from festival.passes.storefront import STATE_LABELS
from festival.tenants.views import portal_bp
from festival.ticketing.portal import get_or_404

PASSES_PER_PAGE = 50


@portal_bp.route("/exhibitions/<id:exhibition_id>/passes")
@requires("sales.view")
def passes_list(exhibition_id: int):
    exhibition = get_or_404(Exhibition, exhibition_id)
    query = request.args.get("q", "").strip()[:100]
    page = db.paginate(services.search_passes(exhibition.id, query),
                       page=min(max(request.args.get("page", 1, type=int), 1), 10_000),
                       per_page=PASSES_PER_PAGE, error_out=False)
    now = utcnow()
    used = services.visits_used([p.id for p in page.items])
    rows = [(p, STATE_LABELS[services.pass_state(p, g.org, now)](), used.get(p.id, 0)) for p in page.items]
    return render_template("passes/portal_passes.html", exhibition=exhibition, page=page, rows=rows,
                           q=query, action_form=ActionForm())


@portal_bp.route("/passes/<id:pass_id>/void", methods=["POST"])
@requires("sales.manage")
def pass_void(pass_id: int):
    pass_ = get_or_404(Pass, pass_id)
    require_action_form()
    try:
        services.void_pass(pass_, current_user)
    except DomainError as error:
        flash(error.message, "warning")
        g.rolled_back = True
    else:
        flash(_("Pass %(code)s is void: it can no longer reserve visits.", code=pass_.code), "success")
    return redirect(url_for(".passes_list", exhibition_id=pass_.exhibition_id))
