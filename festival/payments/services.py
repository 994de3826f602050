"""Payment settings: the tenant's Stripe connected account and the fee the base takes."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from festival.accounts.models import User
from festival.audit.services import record_event
from festival.core.db import db
from festival.core.errors import DomainError
from festival.core.scope import tenant_scope
from festival.tenants.models import Tenant

# Stripe account ids: "acct_" and letters or digits; the column holds 64 characters.
ACCOUNT_ID = re.compile(r"acct_[A-Za-z0-9]{1,59}")
MAX_FEE_PERCENT = Decimal("30")

MESSAGES = {
    "account": _l("A Stripe account id starts with acct_ followed by letters and digits "
                  "(for example acct_1Nv0FGQ9RKHgCVdK)."),
    "fee": _l("The application fee is a percentage from 0 to 30, with at most two decimals."),
}


def set_connected_account(tenant: Tenant, account_id: str | None, actor: User | None) -> bool:
    """Set (or clear, with an empty value) the account the tenant's sales are charged on.

    Returns whether it changed. Orders already paid keep the account they were charged on,
    so their refunds still go there."""
    value = (account_id or "").strip() or None
    if value is not None and not ACCOUNT_ID.fullmatch(value):
        raise DomainError(str(MESSAGES["account"]))
    if value == tenant.stripe_account_id:
        return False
    previous, tenant.stripe_account_id = tenant.stripe_account_id, value
    record_event("festival.payments.stripe_account.set" if value else
                 "festival.payments.stripe_account.cleared",
                 actor=actor, account=value, previous=previous)
    db.session.flush()
    return True


def parse_fee_percent(text: str | None) -> Decimal:
    """A fee typed by an operator ("5", "2.5", "2,5") as a Decimal, or a clear refusal."""
    try:
        percent = Decimal((text or "").strip().replace(",", "."))
    except InvalidOperation:
        raise DomainError(str(MESSAGES["fee"])) from None
    if (not percent.is_finite() or not Decimal("0") <= percent <= MAX_FEE_PERCENT
            or percent != percent.quantize(Decimal("0.01"))):
        raise DomainError(str(MESSAGES["fee"]))
    return percent.quantize(Decimal("0.01"))


def set_application_fee(tenant: Tenant, percent: Decimal, actor: User) -> None:
    """The base sets the platform's share of a tenant's charges; recorded in the tenant's log."""
    previous = tenant.application_fee_percent
    tenant.application_fee_percent = percent
    with tenant_scope(tenant.id):
        record_event("festival.payments.application_fee.changed", actor=actor,
                     percent=str(percent), previous=str(previous))
