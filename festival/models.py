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
from festival.booking.models import (  # noqa: F401
    Booking,
    BookingEvent,
    BookingLine,
    BookingServiceLine,
    OccupancyWindow,
)
from festival.catalog.models import (  # noqa: F401
    Certification,
    LampGroup,
    LampGroupComponent,
    LampGroupPhoto,
    ReturnInspection,
    ServiceOffering,
)
from festival.checkin.models import CheckIn, EntryCount, Gate  # noqa: F401
from festival.closures import models as _closures_models  # noqa: F401
from festival.contracts.models import Contract, PaymentInstalment, PaymentTransfer  # noqa: F401
from festival.core.stored_files import StoredFile  # noqa: F401
from festival.dashboard.models import CountryGroup, ExchangeRate, ReportingSettings  # noqa: F401
from festival.exhibitions.models import Exhibition  # noqa: F401
from festival.exports.models import BaseExport, TenantExport  # noqa: F401
from festival.exposure import models as _exposure_models  # noqa: F401
from festival.groups import models as _groups_models  # noqa: F401
from festival.jobs.outbox import OutboxMail  # noqa: F401
from festival.passes import models as _passes_models  # noqa: F401
from festival.payments.models import ProcessedEvent  # noqa: F401
from festival.reporting.models import (  # noqa: F401
    ManualCount,
    ReportReminder,
    VisitorReport,
    VisitorReportRevision,
)
from festival.shipping.models import (  # noqa: F401
    AtaCarnet,
    ShipmentDocument,
    ShipmentLeg,
    ShipmentMilestone,
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
from festival.transit.models import (  # noqa: F401
    CertificationRequirement,
    Region,
    TransitRoute,
    TransportMode,
)
from festival.waitlist import models as _waitlist_models  # noqa: F401
