"""Tenants and suppliers are both organisations with members, roles and invitations."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from festival.accounts.models import (
    SUPPLIER_ROLES,
    TENANT_ROLES,
    SupplierInvitation,
    SupplierMember,
    TenantInvitation,
    TenantMember,
)
from festival.core.scope import supplier_scope, tenant_scope
from festival.suppliers.models import Supplier
from festival.tenants.models import Tenant

ROLE_LABELS = {
    "owner": _l("Owner"),
    "manager": _l("Manager"),
    "box_office": _l("Box office"),
    "gate": _l("Gate"),
    "staff": _l("Staff"),
}


@dataclass(frozen=True)
class OrgKind:
    key: str
    model: type
    member_model: type
    invitation_model: type
    roles: tuple[str, ...]
    url_arg: str
    portal_endpoint: str

    def open_scope(self, org):
        """Open the scope that owns this organisation's rows."""
        return tenant_scope(org.id) if self.key == "tenant" else supplier_scope(org.id)

    def url_values(self, org) -> dict[str, str]:
        return {self.url_arg: org.slug}


TENANT = OrgKind("tenant", Tenant, TenantMember, TenantInvitation, TENANT_ROLES,
                 "tenant_slug", "tenant_portal.home")
SUPPLIER = OrgKind("supplier", Supplier, SupplierMember, SupplierInvitation, SUPPLIER_ROLES,
                   "supplier_slug", "supplier_portal.home")
KINDS = {TENANT.key: TENANT, SUPPLIER.key: SUPPLIER}


def kind_of(org: Tenant | Supplier) -> OrgKind:
    return TENANT if isinstance(org, Tenant) else SUPPLIER


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))
