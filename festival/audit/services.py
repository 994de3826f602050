"""Recording and reading audit entries in the log of the scope that is open."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.accounts.models import User
from festival.audit.models import PlatformAuditEntry, SupplierAuditEntry, TenantAuditEntry
from festival.core.db import db
from festival.core.scope import ScopeError, current_scope

PAGE_SIZE = 50


def _log_model():
    scope = current_scope()
    if scope is None:
        raise ScopeError("audit entries are recorded inside a scope")
    if scope.tenant_id is not None:
        return TenantAuditEntry
    if scope.supplier_id is not None:
        return SupplierAuditEntry
    return PlatformAuditEntry


def record_event(
    action: str, *, actor: User | None = None, ip_address: str | None = None, **details: Any
) -> None:
    """Record ``action`` in the audit log of the open scope (tenant, supplier or platform)."""
    db.session.add(
        _log_model()(action=action, actor=actor, ip_address=ip_address, details=details)
    )
    db.session.flush()


def record_founding(org, open_scope, action: str, actor: User | None) -> None:
    """The first entry of a new organisation's own audit log: who put it on the platform."""
    db.session.add(org)
    db.session.flush()
    with open_scope(org.id):
        record_event(action, actor=actor, slug=org.slug)


def list_events(page: int = 1):
    """The open scope's audit log, newest first, one page at a time."""
    model = _log_model()
    return db.paginate(
        select(model).order_by(model.created_at.desc(), model.id.desc()),
        page=page,
        per_page=PAGE_SIZE,
        error_out=False,
    )


AUDIT_LABELS = {
    "festival.accounts.signed_in": _l("Signed in"),
    "festival.accounts.sign_in_failed": _l("Sign-in failed"),
    "festival.accounts.invitation.sent": _l("Invitation sent"),
    "festival.accounts.invitation.revoked": _l("Invitation withdrawn"),
    "festival.accounts.invitation.accepted": _l("Invitation accepted"),
    "festival.accounts.member.role_changed": _l("Role changed"),
    "festival.accounts.member.removed": _l("Member removed"),
    "festival.accounts.two_factor.required": _l("Two-factor sign-in required"),
    "festival.accounts.two_factor.optional": _l("Two-factor sign-in optional"),
    "festival.tenants.tenant.created": _l("Tenant created"),
    "festival.tenants.tenant.active": _l("Tenant reactivated"),
    "festival.tenants.tenant.suspended": _l("Tenant suspended"),
    "festival.tenants.settings.changed": _l("Settings changed"),
    "festival.tenants.logo.changed": _l("Logo changed"),
    "festival.suppliers.supplier.created": _l("Supplier created"),
    "festival.suppliers.profile.changed": _l("Profile changed"),
    "festival.exhibitions.exhibition.created": _l("Exhibition planned"),
    "festival.exhibitions.exhibition.changed": _l("Exhibition changed"),
    "festival.exhibitions.exhibition.status_changed": _l("Exhibition status changed"),
    "festival.support.visit_started": _l("Support visit started by the base"),
    "festival.support.page_viewed": _l("Page viewed on a support visit"),
    "festival.ticketing.ticket_type.created": _l("Ticket type created"),
    "festival.ticketing.ticket_type.changed": _l("Ticket type changed"),
    "festival.ticketing.voucher.created": _l("Voucher created"),
    "festival.ticketing.voucher.changed": _l("Voucher changed"),
    "festival.ticketing.slots.synced": _l("Entry slots generated"),
    "festival.ticketing.slot.closed": _l("Entry slot closed"),
    "festival.ticketing.slot.reopened": _l("Entry slot reopened"),
    "festival.ticketing.sales_settings.changed": _l("Sales settings changed"),
    "festival.ticketing.order.sold_at_box_office": _l("Sold at the box office"),
    "festival.ticketing.order.refunded": _l("Order refunded"),
    "festival.ticketing.order.resent": _l("Tickets sent again"),
    "festival.ticketing.order.email_changed": _l("Order email address corrected"),
    "festival.payments.stripe_account.set": _l("Stripe account set"),
    "festival.payments.stripe_account.cleared": _l("Stripe account removed"),
    "festival.payments.application_fee.changed": _l("Application fee changed"),
    "festival.payments.late_payment_refunded": _l("Late payment refunded"),
    "festival.api.token.created": _l("API token created"),
    "festival.api.token.revoked": _l("API token revoked"),
    "festival.checkin.gate.created": _l("Gate added"),
    "festival.checkin.gate.renamed": _l("Gate renamed"),
    "festival.checkin.gate.closed": _l("Gate closed to scanning"),
    "festival.checkin.gate.reopened": _l("Gate reopened to scanning"),
    "festival.reporting.report.submitted": _l("Visitor report submitted"),
    "festival.reporting.report.amended": _l("Visitor report amended"),
    "festival.dashboard.rate.set": _l("Exchange rate set"),
    "festival.dashboard.reporting_currency.changed": _l("Reporting currency changed"),
    "festival.dashboard.country_group.created": _l("Country group created"),
    "festival.dashboard.country_group.deleted": _l("Country group deleted"),
    "festival.catalog.lamp_group.created": _l("Lamp group added to the catalog"),
    "festival.catalog.lamp_group.changed": _l("Lamp group changed"),
    "festival.catalog.component.added": _l("Lamp group component added"),
    "festival.catalog.component.changed": _l("Lamp group component changed"),
    "festival.catalog.component.removed": _l("Lamp group component removed"),
    "festival.catalog.photo.added": _l("Lamp group photo added"),
    "festival.catalog.photo.removed": _l("Lamp group photo removed"),
    "festival.catalog.certification.added": _l("Certification added"),
    "festival.catalog.certification.changed": _l("Certification changed"),
    "festival.catalog.certification.removed": _l("Certification removed"),
    "festival.catalog.service.created": _l("Service offering added"),
    "festival.catalog.service.changed": _l("Service offering changed"),
    "festival.catalog.inspection.recorded": _l("Return inspection recorded"),
    "festival.catalog.repair.finished": _l("Repair finished"),
    "festival.transit.route.created": _l("Transit route added"),
    "festival.transit.route.changed": _l("Transit route changed"),
    "festival.transit.route.removed": _l("Transit route removed"),
    "festival.transit.region.changed": _l("Transit region changed"),
    "festival.transit.mode.changed": _l("Transport mode changed"),
    "festival.transit.city_region.assigned": _l("Host city placed in a transit region"),
    "festival.transit.certification_requirement.added": _l("Certification requirement added"),
    "festival.transit.certification_requirement.removed": _l("Certification requirement removed"),
    "festival.groups.operator.registered": _l("Tour operator registered"),
    "festival.groups.operator.updated": _l("Tour operator changed"),
    "festival.groups.invoice_details.updated": _l("Invoice details changed"),
    "festival.groups.block.booked": _l("Group block booked"),
    "festival.groups.block.paid": _l("Group invoice paid"),
    "festival.groups.block.reminded": _l("Group invoice reminded"),
    "festival.groups.block.released": _l("Unpaid group block released"),
    "festival.closures.closure.created": _l("Night closed"),
    "festival.closures.closure.reminded": _l("Closure reminder sent"),
    "festival.closures.order.credited": _l("Closed night credited as a voucher"),
    "festival.ticketing.order.moved": _l("Order moved to another night"),
    "festival.passes.visit.reserved": _l("Pass visit reserved"),
    "festival.passes.visit.cancelled": _l("Pass visit cancelled"),
    "festival.passes.pass.voided": _l("Pass voided"),
    "festival.privacy.tenant.exported": _l("All the tenant's data downloaded"),
    "festival.privacy.tenant.deleted": _l("Tenant deleted with all its data"),
    "festival.privacy.visitor.erased": _l("Visitor's personal data erased"),
}


def audit_label(action: str) -> str:
    label = AUDIT_LABELS.get(action)
    return str(label) if label is not None else action
