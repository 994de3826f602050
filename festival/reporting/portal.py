"""Visitor report pages of the tenant portal: tonight's live entries, the season's reports, one
night's report with its manual counts, submission and amendments. HTTP glue only."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from festival.accounts.access import can, ensure, requires
from festival.checkin.services import tonight as current_night
from festival.core.db import db, utcnow
from festival.core.errors import DomainError
from festival.core.forms import require_action_form
from festival.exhibitions.models import Exhibition
from festival.reporting import reports
from festival.reporting.entries import entry_grid
from festival.reporting.forms import (
    KIND_LABELS,
    STATUS_LABELS,
    WEATHER_LABELS,
    ManualCountForm,
    ReportDetailsForm,
    added_lines,
    amendment_form,
    label,
)
from festival.reporting.models import ManualCount, VisitorReport
from festival.tenants.views import portal_bp
from festival.ticketing.portal import get_or_404, refused

REFRESH_SECONDS = 30


@portal_bp.context_processor
def report_template_helpers() -> dict:
    return {
        "report_status_label": lambda value: label(STATUS_LABELS, value),
        "weather_label": lambda value: label(WEATHER_LABELS, value),
        "manual_kind_label": lambda value: label(KIND_LABELS, value),
    }


def _night(text: str) -> date:
    """A night in a URL: YYYY-MM-DD, else the page does not exist."""
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        abort(404)


# --- tonight's live entries ---------------------------------------------------------------------

@portal_bp.route("/exhibitions/<id:exhibition_id>/entries")
@requires("reports.view")
def live_entries(exhibition_id: int):
    exhibition = get_or_404(Exhibition, exhibition_id)
    now = utcnow()
    nights = reports.report_nights(exhibition, g.org, now)
    asked = request.args.get("night")
    night = _night(asked) if asked else current_night(exhibition, g.org, now)
    if asked and night not in nights:
        abort(404)
    tonight = night == current_night(exhibition, g.org, now)
    return render_template("reporting/entries.html", exhibition=exhibition, night=night,
                           nights=list(reversed(nights)), grid=entry_grid(exhibition.id, night),
                           refresh=REFRESH_SECONDS if tonight else None)


# --- the season's reports ---------------------------------------------------------------------

@portal_bp.route("/exhibitions/<id:exhibition_id>/reports")
@requires("reports.view")
def reports_list(exhibition_id: int):
    exhibition = get_or_404(Exhibition, exhibition_id)
    return render_template("reporting/list.html", exhibition=exhibition,
                           rows=reports.season_overview(exhibition, g.org))


# --- one night's report -------------------------------------------------------------------------

def _line_label(line: ManualCount) -> str:
    return ngettext("%(kind)s: %(num)d person", "%(kind)s: %(num)d persons", line.persons,
                    kind=label(KIND_LABELS, line.kind))


def _report_page(exhibition: Exhibition, night: date, status: int = 200, details_form=None,
                 count_form=None, amend_form=None):
    report = reports.find_report(exhibition.id, night)
    lines = list(report.counts) if report is not None else []
    if details_form is None:
        details_form = ReportDetailsForm(data={"weather": report.weather or "",
                                               "notes": report.notes} if report else None)
    if amend_form is None and report is not None and report.is_locked:
        amend_form = amendment_form(lines, _line_label, data={
            "revision": str(report.revision), "weather": report.weather or "", "notes": report.notes})
    return render_template(
        "reporting/report.html", exhibition=exhibition, night=night, report=report, lines=lines,
        figures=reports.figures_of(report, exhibition.id, night),
        status=reports.status_of(report),
        night_over=reports.night_is_over(exhibition, g.org, night, utcnow()),
        details_form=details_form, count_form=count_form or ManualCountForm(),
        amend_form=amend_form, may_manage=can("reports.manage")), status


def _refused(form, error: DomainError) -> int:
    """Undo what the refused request flushed, so the page shows the stored report."""
    db.session.rollback()
    return refused(form, error)


def _report_target(exhibition_id: int, night_text: str) -> tuple[Exhibition, date]:
    exhibition = get_or_404(Exhibition, exhibition_id)
    night = _night(night_text)
    reports.check_night(exhibition, g.org, night)
    return exhibition, night


def _saved(exhibition: Exhibition, night: date, message: str):
    flash(message, "success")
    return redirect(url_for(".report_page", exhibition_id=exhibition.id,
                            report_night=night.isoformat()))


@portal_bp.route("/exhibitions/<id:exhibition_id>/reports/<report_night>", methods=["GET", "POST"])
@requires("reports.view")
def report_page(exhibition_id: int, report_night: str):
    exhibition, day = _report_target(exhibition_id, report_night)
    if request.method != "POST":
        return _report_page(exhibition, day)
    ensure("reports.manage")
    form = ReportDetailsForm()
    if not form.validate_on_submit():
        return _report_page(exhibition, day, 400, details_form=form)
    try:
        reports.save_draft(g.org, exhibition, day, form.weather.data or None, form.notes.data or "",
                           current_user)
    except DomainError as error:
        return _report_page(exhibition, day, _refused(form, error), details_form=form)
    return _saved(exhibition, day, _("The report is saved."))


@portal_bp.route("/exhibitions/<id:exhibition_id>/reports/<report_night>/counts", methods=["POST"])
@requires("reports.manage")
def report_add_count(exhibition_id: int, report_night: str):
    exhibition, day = _report_target(exhibition_id, report_night)
    form = ManualCountForm()
    if not form.validate_on_submit():
        return _report_page(exhibition, day, 400, count_form=form)
    try:
        reports.add_manual_count(g.org, exhibition, day, reports.ManualLine(
            form.kind.data, form.persons.data, form.note.data or ""), current_user)
    except DomainError as error:
        return _report_page(exhibition, day, _refused(form, error), count_form=form)
    return _saved(exhibition, day, _("The manual count is added."))


@portal_bp.route("/manual-counts/<id:count_id>/remove", methods=["POST"])
@requires("reports.manage")
def report_remove_count(count_id: int):
    count = get_or_404(ManualCount, count_id)
    report = count.report
    exhibition = get_or_404(Exhibition, report.exhibition_id)
    require_action_form()
    form = ManualCountForm(formdata=None)
    try:
        reports.remove_manual_count(count, current_user)
    except DomainError as error:
        return _report_page(exhibition, report.night, _refused(form, error), count_form=form)
    return _saved(exhibition, report.night, _("The manual count is removed."))


@portal_bp.route("/exhibitions/<id:exhibition_id>/reports/<report_night>/submit", methods=["POST"])
@requires("reports.manage")
def report_submit(exhibition_id: int, report_night: str):
    exhibition, day = _report_target(exhibition_id, report_night)
    form = ReportDetailsForm()  # the page's details as shown, saved with the submission
    if not form.validate_on_submit():
        return _report_page(exhibition, day, 400, details_form=form)
    try:
        reports.save_draft(g.org, exhibition, day, form.weather.data or None, form.notes.data or "",
                           current_user)
        report = reports.submit_report(g.org, exhibition, day, current_user)
    except DomainError as error:
        return _report_page(exhibition, day, _refused(form, error), details_form=form)
    return _saved(exhibition, day, _("The report is submitted to the base: %(total)s visitors.",
                                     total=report.total_persons))


@portal_bp.route("/visitor-reports/<id:report_id>/amend", methods=["POST"])
@requires("reports.manage")
def report_amend(report_id: int):
    report = get_or_404(VisitorReport, report_id)
    exhibition = get_or_404(Exhibition, report.exhibition_id)
    form = amendment_form(list(report.counts), _line_label)
    if not form.validate_on_submit():
        return _report_page(exhibition, report.night, 400, amend_form=form)
    revision = form.revision.data
    amendment = reports.Amendment(
        reason=form.reason.data or "", weather=form.weather.data or None, notes=form.notes.data or "",
        remove_ids=[int(value) for value in form.remove_ids.data or []],
        add=[reports.ManualLine(kind, persons, note) for kind, persons, note in added_lines(form)],
        expected_revision=int(revision) if revision and revision.isdigit() else None)
    try:
        reports.amend_report(g.org, exhibition, report, amendment, current_user)
    except DomainError as error:
        return _report_page(exhibition, report.night, _refused(form, error), amend_form=form)
    return _saved(exhibition, report.night, _("The amendment is submitted: %(total)s visitors.",
                                              total=report.total_persons))
