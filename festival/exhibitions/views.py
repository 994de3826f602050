"""Exhibition pages of the tenant portal (/<tenant>/manage/exhibitions/)."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from festival.accounts.access import ensure, requires
from festival.core.db import db
from festival.core.errors import DomainError
from festival.core.forms import ActionForm, require_action_form
from festival.core.i18n import current_locale
from festival.exhibitions import services
from festival.exhibitions.forms import exhibition_form
from festival.exhibitions.models import Exhibition
from festival.tenants.views import portal_bp


def status_label(status: str) -> str:
    labels = {Exhibition.PLANNING: _("Planning"), Exhibition.ON_SALE: _("On sale"),
              Exhibition.RUNNING: _("Running"), Exhibition.CLOSED: _("Closed"),
              Exhibition.REPORTED: _("Reported")}
    return labels.get(status, status)


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def _plan_from(form) -> services.ExhibitionPlan:
    locales = g.org.offered_locales
    return services.ExhibitionPlan(
        slug=form.slug.data.strip().lower(),
        titles={code: form[f"title_{code}"].data or "" for code in locales},
        descriptions={code: form[f"description_{code}"].data or "" for code in locales},
        venue_name=form.venue_name.data, venue_address=form.venue_address.data or "",
        season_start=form.season_start.data, season_end=form.season_end.data,
        opens_at=form.opens_at.data, closes_at=form.closes_at.data,
        closed_weekdays={int(day) for day in form.closed_weekdays.data or []},
        slot_minutes=form.slot_minutes.data, slot_capacity=form.slot_capacity.data,
        # Left empty (or not sent by an older form): the usual tolerance.
        checkin_early_minutes=_or(form.checkin_early_minutes.data, 30),
        checkin_late_minutes=_or(form.checkin_late_minutes.data, 60),
        showcase={code: (form[f"showcase_{code}"].data or "").splitlines() for code in locales})


def _form_for(exhibition: Exhibition | None):
    if exhibition is None or request.method == "POST":
        return exhibition_form(g.org.offered_locales, current_locale())
    data = {f"title_{code}": text for code, text in exhibition.titles.items()}
    data.update({f"description_{code}": text for code, text in exhibition.descriptions.items()})
    # One lamp group per line, as the textarea shows them.
    data.update({f"showcase_{code}": "\n".join(names) for code, names in (exhibition.showcase or {}).items()})
    form = exhibition_form(g.org.offered_locales, current_locale(), obj=exhibition, **data)
    form.closed_weekdays.data = [str(day) for day in sorted(exhibition.closed_weekdays)]
    return form


def _get(exhibition_id: int) -> Exhibition:
    exhibition = db.session.get(Exhibition, exhibition_id)  # the scope filter hides others'
    if exhibition is None:
        abort(404)
    return exhibition


def _page(form, exhibition: Exhibition | None, status: int = 200):
    return render_template("exhibitions/edit.html", form=form, exhibition=exhibition,
                           locales=g.org.offered_locales, action_form=ActionForm(),
                           status_label=status_label), status


def _save(form, exhibition: Exhibition | None):
    if not form.validate_on_submit():
        return _page(form, exhibition, 400)
    try:
        if exhibition is None:
            exhibition = services.create_exhibition(g.org, _plan_from(form), current_user)
        else:
            services.update_exhibition(g.org, exhibition, _plan_from(form), current_user)
    except DomainError as error:
        form.form_errors.append(error.message)
        g.rolled_back = True
        return _page(form, exhibition if exhibition and exhibition.id else None,
                     error.status_code)
    flash(_("The exhibition is saved."), "success")
    return redirect(url_for(".exhibition_edit", exhibition_id=exhibition.id))


@portal_bp.route("/exhibitions")
@requires("exhibitions.view")
def exhibitions():
    rows = db.session.scalars(select(Exhibition).order_by(Exhibition.season_start.desc()))
    return render_template("exhibitions/list.html", exhibitions=list(rows),
                           status_label=status_label)


@portal_bp.route("/exhibitions/new", methods=["GET", "POST"])
@requires("exhibitions.manage")
def exhibition_new():
    form = _form_for(None)
    if request.method == "POST":
        return _save(form, None)
    return _page(form, None)


@portal_bp.route("/exhibitions/<id:exhibition_id>", methods=["GET", "POST"])
@requires("exhibitions.view")
def exhibition_edit(exhibition_id: int):
    exhibition = _get(exhibition_id)
    form = _form_for(exhibition)
    if request.method == "POST":
        ensure("exhibitions.manage")
        return _save(form, exhibition)
    return _page(form, exhibition)


@portal_bp.route("/exhibitions/<id:exhibition_id>/status", methods=["POST"])
@requires("exhibitions.manage")
def exhibition_status(exhibition_id: int):
    exhibition = _get(exhibition_id)
    require_action_form()
    services.change_status(exhibition, request.form.get("status", ""), current_user)
    flash(_("The exhibition is now: %(status)s.", status=status_label(exhibition.status)),
          "success")
    return redirect(url_for(".exhibition_edit", exhibition_id=exhibition.id))
