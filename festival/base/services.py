"""The base console's work: onboarding organisations and opening support visits."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select

from festival.accounts import team
from festival.accounts.models import User
from festival.accounts.orgs import kind_of
from festival.audit.services import record_event
from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.suppliers.models import Supplier
from festival.tenants.models import Tenant


def invite_owner(org: Tenant | Supplier, email: str, actor: User,
                 accept_url_for: Callable[[str], str]) -> None:
    """Invite an organisation's (first) owner, inside that organisation's scope."""
    with kind_of(org).open_scope(org):
        team.invite_member(org, email, "owner", actor, org.default_locale, accept_url_for)


def org_overview(org: Tenant | Supplier) -> dict:
    """Members and waiting invitations of one organisation, for its page in the base console."""
    with kind_of(org).open_scope(org):
        return {"members": team.list_members(org), "invitations": team.list_invitations(org)}


def start_support_visit(tenant: Tenant, operator: User, ip_address: str | None) -> None:
    """Record in the tenant's own audit log that the base opens its portal read-only."""
    with tenant_scope(tenant.id):
        record_event("festival.support.visit_started", actor=operator, ip_address=ip_address)


def platform_counts() -> dict[str, int]:
    def count(model, *where) -> int:
        return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    return {
        "tenants": count(Tenant),
        "active_tenants": count(Tenant, Tenant.status == Tenant.STATUS_ACTIVE),
        "countries": db.session.scalar(select(func.count(func.distinct(Tenant.country)))) or 0,
        "suppliers": count(Supplier),
        "operators": count(User, User.is_base_operator.is_(True)),
    }
