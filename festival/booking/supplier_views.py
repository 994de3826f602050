"""The supplier's side of bookings (/s/<supplier>/bookings/): the inbox, one booking with its
history, and the supplier's answers (accept, decline, counter, cancel) and the last steps
(returned, closed). HTTP glue only: the rules are in festival/booking/services.py."""

from __future__ import annotations

from flask import current_app, g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from festival.accounts.access import can, requires
from festival.booking import notify, pages, services
from festival.booking.history import history
from festival.booking.models import Booking
from festival.booking.supplier_forms import (
    NEXT_STEPS,
    UNIT_LABELS,
    CancelForm,
    DeclineForm,
    NextStepForm,
    counter_form,
    counter_offer,
    counter_rows,
    status_choices,
)
from festival.core.db import db
from festival.core.errors import DomainError
from festival.core.forms import ActionForm, require_action_form
from festival.core.i18n import current_locale
from festival.suppliers.views import bp
from festival.tenants.models import Tenant
from festival.transit.compliance import describe_issue
from festival.transit.services import list_modes

PAGE_SIZE = 20
SIDE = services.SUPPLIER


def _register_last_steps() -> None:
    """The last steps have no email of the engine's own; the venue partner hears of them too."""
    steps = {"returned": (_l("Booking %(reference)s: lamp groups returned"),
                          _l("%(other)s has recorded that the lamp groups are back in Zigong.")),
             "closed": (_l("Booking %(reference)s closed"), _l("%(other)s has closed the booking."))}
    for kind, (subject, sentence) in steps.items():
        if kind not in notify.STEPS:  # another domain may have worded it already
            notify.register_step(kind, subject, sentence)


_register_last_steps()

SIDE_LABELS = {"tenant": _l("venue partner"), "supplier": _l("you"), "system": _l("Lantern")}


@bp.context_processor
def booking_template_helpers() -> dict:
    return {"booking_status_label": services.status_label}


# --- reading -------------------------------------------------------------------------------------

def _inbox(status: str, page: int):
    """One page of the bookings addressed to this supplier, requests waiting for an answer first."""
    query = select(Booking).options(selectinload(Booking.lines)).order_by(
        case((Booking.status == Booking.REQUESTED, 0), else_=1),
        Booking.created_at.desc(), Booking.id.desc())
    if status:
        query = query.where(Booking.status == status)
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def _history(booking: Booking, locale: str) -> list[dict]:
    return history(booking, locale, SIDE_LABELS)


def _mode_name(code: str, locale: str) -> str:
    return next((mode.name(locale) for mode in list_modes(active_only=False) if mode.code == code), code)


def _links() -> dict[str, bool]:
    """Pages of other helpers' domains, shown only once those routes exist."""
    return {name: f"supplier_portal.booking_{name}" in current_app.view_functions
            for name in ("contract", "shipping")}


def _detail_page(booking: Booking, status: int = 200, error: str = "",
                 decline_form: DeclineForm | None = None, cancel_form: CancelForm | None = None):
    locale = current_locale()
    tenant = db.session.get(Tenant, booking.tenant_id)  # a platform row: only its name is shown
    issues = [(issue.get("lamp_group", ""), describe_issue(issue, locale))
              for issue in booking.compliance_issues or []]
    may_manage = can("bookings.manage")
    return render_template(
        "booking/supplier/detail.html", booking=booking, tenant_name=tenant.display_name(locale),
        mode_name=_mode_name(booking.transport_mode, locale), issues=issues, locale=locale,
        history=_history(booking, locale), error=error, unit_labels=UNIT_LABELS, links=_links(),
        may_answer=may_manage and booking.status == Booking.REQUESTED,
        may_cancel=may_manage and booking.status in services.CANCELLABLE,
        next_step=NEXT_STEPS.get(booking.status) if may_manage else None,
        action_form=ActionForm(), decline_form=decline_form or DeclineForm(),
        cancel_form=cancel_form or CancelForm()), status


def _refused_detail(booking: Booking, error: DomainError, **forms):
    return pages.refused(_detail_page, booking, error, **forms)


_done = pages.done


@bp.route("/bookings/")
@requires("bookings.view")
def bookings():
    wanted = request.args.get("status", "")
    status = wanted if wanted in Booking.STATUSES else ""
    page = request.args.get("page", 1, type=int)
    return render_template("booking/supplier/inbox.html", page=_inbox(status, max(page, 1)),
                           status=status, choices=status_choices(), locale=current_locale())


@bp.route("/bookings/<id:booking_id>")
@requires("bookings.view")
def booking_detail(booking_id: int):
    return _detail_page(services.get_booking(booking_id))


# --- answering -----------------------------------------------------------------------------------

@bp.route("/bookings/<id:booking_id>/accept", methods=["POST"])
@requires("bookings.manage")
def booking_accept(booking_id: int):
    booking = services.get_booking(booking_id)
    require_action_form()
    try:
        services.accept(booking, current_user)
    except DomainError as error:
        return _refused_detail(booking, error)
    return _done(booking, _("You accepted booking %(reference)s. The venue partner is told by email.",
                            reference=booking.reference))


@bp.route("/bookings/<id:booking_id>/decline", methods=["POST"])
@requires("bookings.manage")
def booking_decline(booking_id: int):
    booking = services.get_booking(booking_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        g.rolled_back = True
        return _detail_page(booking, 400, decline_form=form)
    try:
        services.decline(booking, form.reason.data, current_user)
    except DomainError as error:
        return _refused_detail(booking, error, decline_form=form)
    return _done(booking, _("You declined booking %(reference)s. Its lamp groups are free again.",
                            reference=booking.reference))


@bp.route("/bookings/<id:booking_id>/cancel", methods=["POST"])
@requires("bookings.manage")
def booking_cancel(booking_id: int):
    booking = services.get_booking(booking_id)
    form = CancelForm()
    if not form.validate_on_submit():
        g.rolled_back = True
        return _detail_page(booking, 400, cancel_form=form)
    try:
        services.cancel(booking, SIDE, form.reason.data, current_user)
    except DomainError as error:
        return _refused_detail(booking, error, cancel_form=form)
    return _done(booking, _("You cancelled booking %(reference)s. Its lamp groups are free again.",
                            reference=booking.reference))


@bp.route("/bookings/<id:booking_id>/counter", methods=["GET", "POST"])
@requires("bookings.manage")
def booking_counter(booking_id: int):
    booking = services.get_booking(booking_id)
    locale = current_locale()
    form = counter_form(booking, locale, formdata=request.form if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.counter(booking, counter_offer(form, booking), current_user)
            except DomainError as error:
                db.session.rollback()  # the windows the offer moved before the refusal stay put
                form.form_errors.append(error.message)
                status = error.status_code
            else:
                return _done(booking, _("Your counter-offer on %(reference)s is sent to the venue "
                                        "partner.", reference=booking.reference))
        else:
            status = 400
        g.rolled_back = True
    lines, service_rows = counter_rows(form, booking)
    return render_template("booking/supplier/counter.html", booking=booking, form=form, lines=lines,
                           service_rows=service_rows, unit_labels=UNIT_LABELS, locale=locale,
                           open=booking.status == Booking.REQUESTED), status


# Named for the state it starts from (like the contract routes' ``contracted_booking_id``): the
# booking is on site (→ returned) or returned (→ closed).
@bp.route("/bookings/<id:on_site_booking_id>/advance", methods=["POST"])
@requires("bookings.manage")
def booking_advance(on_site_booking_id: int):
    booking = services.get_booking(on_site_booking_id)
    form = NextStepForm()
    if not form.validate_on_submit():
        return _refused_detail(booking, DomainError(
            form.status.errors[0] if form.status.errors else _("Your form expired. Reload the page "
                                                              "and try again.")))
    try:
        services.advance(booking, form.status.data, SIDE, current_user)
    except DomainError as error:
        return _refused_detail(booking, error)
    notify.tell_other_party(booking, SIDE, form.status.data)
    return _done(booking, _("Booking %(reference)s is now %(status)s.", reference=booking.reference,
                            status=services.status_label(booking.status)))
