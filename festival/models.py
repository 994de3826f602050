"""Import every mapped class so the metadata is complete (Alembic, schema tests)."""

from festival.accounts.models import (  # noqa: F401
    SupplierInvitation,
    SupplierMember,
    TenantInvitation,
    TenantMember,
    User,
)
from festival.api.models import ApiToken, IdempotencyRecord  # noqa: F401
from festival.audit.models import (  # noqa: F401
    PlatformAuditEntry,
    SupplierAuditEntry,
    TenantAuditEntry,
)
from festival.checkin.models import CheckIn, EntryCount, Gate  # noqa: F401
from festival.dashboard.models import CountryGroup, ExchangeRate, ReportingSettings  # noqa: F401
from festival.exhibitions.models import Exhibition  # noqa: F401
from festival.payments.models import ProcessedEvent  # noqa: F401
from festival.reporting.models import (  # noqa: F401
    ManualCount,
    ReportReminder,
    VisitorReport,
    VisitorReportRevision,
)
from festival.suppliers.models import Supplier  # noqa: F401
from festival.tenants.models import Tenant  # noqa: F401
from festival.ticketing.models import (  # noqa: F401
    EntrySlot,
    Order,
    OrderLine,
    Payment,
    ReceiptCounter,
    Ticket,
    TicketType,
    Voucher,
)
from festival.ticketing.sales_counts import SalesCount  # noqa: F401
