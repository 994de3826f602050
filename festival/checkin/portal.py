"""Check-in in the tenant portal: the scanner page's JSON endpoints (scan, sync, counts) and
the gate management page. The scanner page itself is in scanner.py.

The JSON endpoints answer errors in JSON too (the scanner page shows the message), with the
same shape as the API's: {"error": {"status", "title", "message"}}.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps

from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from festival.accounts.access import requires
from festival.api.schemas import load_json
from festival.checkin import answers, counts, services
from festival.checkin.forms import GateForm
from festival.checkin.models import Gate
from festival.checkin.schemas import CODE_LENGTH, body_of, device, parse_sync, text
from festival.core.db import db
from festival.core.errors import ERROR_TITLES, DomainError, NotFound
from festival.core.extensions import checkin_limit
from festival.core.forms import ActionForm, require_action_form
from festival.exhibitions.models import Exhibition
from festival.tenants.views import portal_bp
from festival.ticketing.portal import get_or_404

WEB_DEVICE = "web"


def json_errors(view: Callable) -> Callable:
    """A refusal becomes a JSON error for the scanner page; nothing of the request is kept."""

    @wraps(view)
    def answered(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except DomainError as error:
            db.session.rollback()
            g.rolled_back = True
            title = str(ERROR_TITLES.get(error.status_code, ERROR_TITLES[400]))
            return jsonify(error={"status": error.status_code, "title": title,
                                  "message": error.message}), error.status_code

    return answered


def _body(allowed: set[str]) -> dict:
    """The JSON body the scanner page sends; a plain form post (a page without script) works
    too, with ``scans`` as a JSON array in one field."""
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields = {key: value for key, value in request.form.items() if key != "csrf_token"}
        if "scans" in fields:
            fields["scans"] = load_json(fields["scans"].encode("utf-8"))
        return body_of(json.dumps(fields).encode("utf-8"), allowed)
    return body_of(request.get_data(), allowed)


def _place(exhibition_id: int, gate_id: int) -> tuple[Exhibition, Gate]:
    """The exhibition and its gate; another tenant's ids are not found (the scope hides them)."""
    exhibition = db.session.get(Exhibition, exhibition_id)
    gate = db.session.get(Gate, gate_id)
    if exhibition is None or gate is None:
        raise NotFound(_("This exhibition or gate does not exist."))
    services.check_gate(exhibition, gate)
    return exhibition, gate


@portal_bp.route("/checkin/<id:exhibition_id>/<id:gate_id>/scan", methods=["POST"])
@checkin_limit
@requires("checkin.scan")
@json_errors
def checkin_scan(exhibition_id: int, gate_id: int):
    body = _body({"code", "device"})
    code = text(body, "code", CODE_LENGTH)
    exhibition, gate = _place(exhibition_id, gate_id)
    outcome = services.scan(g.org, exhibition, gate, code, device=device(body, WEB_DEVICE),
                            user_id=current_user.id)
    return jsonify(answers.scan_json(outcome, g.org))


@portal_bp.route("/checkin/<id:exhibition_id>/<id:gate_id>/sync", methods=["POST"])
@checkin_limit
@requires("checkin.scan")
@json_errors
def checkin_sync(exhibition_id: int, gate_id: int):
    batch = parse_sync(_body({"device", "scans"}), WEB_DEVICE)
    exhibition, gate = _place(exhibition_id, gate_id)
    outcomes, figures = services.sync(g.org, exhibition, gate, batch.scans, device=batch.device,
                                      user_id=current_user.id)
    return jsonify(results=[answers.scan_json(o, g.org, with_counts=False) for o in outcomes],
                   counts=answers.counts_json(figures))


@portal_bp.route("/checkin/<id:exhibition_id>/<id:gate_id>/counts")
@requires("checkin.scan")
@json_errors
def checkin_counts(exhibition_id: int, gate_id: int):
    exhibition = db.session.get(Exhibition, exhibition_id)
    gate = db.session.get(Gate, gate_id)
    if exhibition is None or gate is None or gate.exhibition_id != exhibition.id:
        raise NotFound(_("This exhibition or gate does not exist."))
    night = services.tonight(exhibition, g.org)
    return jsonify(counts=answers.counts_json(counts.night_counts(exhibition.id, night, gate.id)),
                   conflicts=[answers.conflict_json(c, g.org)
                              for c in services.conflicts_of(exhibition.id, night)])


# --- gate management -------------------------------------------------------------------------------

def _exhibition_or_404(exhibition_id: int) -> Exhibition:
    return get_or_404(Exhibition, exhibition_id)


def _gates_page(exhibition: Exhibition, form: GateForm, status: int = 200):
    gates = services.gates_of(exhibition.id)
    return render_template("checkin/gates.html", exhibition=exhibition, gates=gates, form=form,
                           action_form=ActionForm()), status


@portal_bp.route("/exhibitions/<id:exhibition_id>/gates", methods=["GET", "POST"])
@requires("checkin.manage")
def gates(exhibition_id: int):
    exhibition = _exhibition_or_404(exhibition_id)
    form = GateForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            g.rolled_back = True
            return _gates_page(exhibition, form, 400)
        try:
            gate = services.create_gate(g.org, exhibition, form.name.data, current_user)
        except DomainError as error:
            form.name.errors = [*form.name.errors, error.message]
            g.rolled_back = True
            return _gates_page(exhibition, form, error.status_code)
        flash(_("Gate %(name)s added.", name=gate.name), "success")
        return redirect(url_for(".gates", exhibition_id=exhibition.id))
    return _gates_page(exhibition, form)


def _gate_of(exhibition_id: int, gate_id: int) -> tuple[Exhibition, Gate]:
    exhibition = _exhibition_or_404(exhibition_id)
    gate = get_or_404(Gate, gate_id)
    if gate.exhibition_id != exhibition.id:
        abort(404)
    return exhibition, gate


@portal_bp.route("/exhibitions/<id:exhibition_id>/gates/<id:gate_id>/rename", methods=["POST"])
@requires("checkin.manage")
def gate_rename(exhibition_id: int, gate_id: int):
    exhibition, gate = _gate_of(exhibition_id, gate_id)
    form = GateForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(" ".join(form.name.errors) or
                              _("Your form expired. Reload the page and try again."))
        services.rename_gate(gate, form.name.data, current_user)
    except DomainError as error:
        g.rolled_back = True
        flash(error.message, "error")
        return redirect(url_for(".gates", exhibition_id=exhibition.id))
    flash(_("Gate renamed to %(name)s.", name=gate.name), "success")
    return redirect(url_for(".gates", exhibition_id=exhibition.id))


@portal_bp.route("/exhibitions/<id:exhibition_id>/gates/<id:gate_id>/active", methods=["POST"])
@requires("checkin.manage")
def gate_active(exhibition_id: int, gate_id: int):
    exhibition, gate = _gate_of(exhibition_id, gate_id)
    require_action_form()
    active = request.form.get("active") == "1"
    services.set_gate_active(gate, active, current_user)
    flash(_("Gate %(name)s is open for scanning.", name=gate.name) if active
          else _("Gate %(name)s is closed: it no longer scans; its counts stay.", name=gate.name),
          "success")
    return redirect(url_for(".gates", exhibition_id=exhibition.id))
