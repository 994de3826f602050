"""Import every mapped class so the metadata is complete (Alembic, schema tests)."""

from festival.accounts.models import (  # noqa: F401
    SupplierInvitation,
    SupplierMember,
    TenantInvitation,
    TenantMember,
    User,
)
from festival.audit.models import (  # noqa: F401
    PlatformAuditEntry,
    SupplierAuditEntry,
    TenantAuditEntry,
)
from festival.exhibitions.models import Exhibition  # noqa: F401
from festival.suppliers.models import Supplier  # noqa: F401
from festival.tenants.models import Tenant  # noqa: F401
