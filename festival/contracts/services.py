"""The contract of an accepted booking and its B2B payment schedule.

The supplier draws up the contract once the booking is accepted and its lamp groups hold every
certification the destination requires; the PDF speaks Chinese, English and the host city's
language. Both parties confirm it once each. The tenant pays a deposit and a balance by bank
transfer (Stripe does not serve mainland-China merchants): the supplier records each transfer
with its bank reference, and the deposit paid in full moves the booking to "deposit paid".
Overdue instalments are reminded by a periodic job, at most once a week each.

Each function is one step of a transaction: it flushes, the caller commits. Callable without a
request.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from festival.accounts.models import User
from festival.booking import notify
from festival.booking import services as booking_services
from festival.booking.models import Booking, OccupancyWindow
from festival.contracts.models import Contract, PaymentInstalment, PaymentTransfer
from festival.core.db import db, utcnow
from festival.core.errors import DomainError
from festival.core.i18n import current_locale, format_local_date, format_money
from festival.core.storage import save_file
from festival.tenants.models import Tenant
from festival.transit.compliance import describe_issue

TENANT, SUPPLIER = notify.TENANT, notify.SUPPLIER
SIDES = (TENANT, SUPPLIER)
CONTRACT_LANGUAGES = ("zh_Hans", "en")  # every contract; the host city's language is added
DEPOSIT_PERCENT = 30
DEPOSIT_DUE_DAYS = 14  # after the contract date
BALANCE_DAYS_BEFORE_DEPARTURE = 30  # before the first lamp group leaves for the venue
REMIND_EVERY_DAYS = 7
MAX_BANK_REFERENCE = 80
CENT = Decimal("0.01")
# Bookings whose contract still binds: nothing is confirmed or paid on a cancelled one.
BINDING = frozenset(Booking.HOLDING | Booking.DONE) - {Booking.REQUESTED, Booking.COUNTERED,
                                                      Booking.ACCEPTED}

notify.register_step(
    "contract_ready", _l("Contract for booking %(reference)s"),
    _l("%(other)s has drawn up contract %(number)s for the booking. Please read it and confirm it."))
notify.register_step(
    "contract_confirmed", _l("Contract %(number)s confirmed by the other party"),
    _l("%(other)s confirmed contract %(number)s. Please confirm it too."))
notify.register_step(
    "contract_signed", _l("Contract %(number)s confirmed by both parties"),
    _l("Both parties have confirmed contract %(number)s: it is in force."))
notify.register_step(
    "payment_received", _l("Payment received for booking %(reference)s"),
    _l("%(other)s received your transfer of %(amount)s (bank reference %(bank_reference)s) "
       "for contract %(number)s. Still outstanding: %(outstanding)s."))
notify.register_step(
    "payment_overdue", _l("Payment overdue for booking %(reference)s"),
    _l("A payment of %(outstanding)s for contract %(number)s was due on %(due)s and has not been "
       "received in full. Please transfer it to %(other)s and quote the contract number."))

INSTALMENT_LABELS = {PaymentInstalment.DEPOSIT: _l("Deposit"), PaymentInstalment.BALANCE: _l("Balance")}


def instalment_label(kind: str) -> str:
    return str(INSTALMENT_LABELS.get(kind, kind))


# --- reading --------------------------------------------------------------------------------------

def contract_of(booking: Booking) -> Contract | None:
    """The contract of a booking of the open scope's party, if it has one."""
    return db.session.scalar(select(Contract).where(Contract.booking_id == booking.id))


def get_contract(booking: Booking) -> Contract:
    contract = contract_of(booking)
    if contract is None:
        raise DomainError(str(_l("This booking has no contract yet.")), 404)
    return contract


def is_overdue(instalment: PaymentInstalment, today: date) -> bool:
    return instalment.due_on < today and instalment.outstanding > 0


# --- drawing up the contract ----------------------------------------------------------------------

def recheck_compliance(booking: Booking) -> list[dict]:
    """Recompute the booking's certification issues from its lamp groups as they are now (the
    supplier may have renewed a certificate since the request) and store them."""
    groups = booking_services.lamp_groups_by_id([line.lamp_group_id for line in booking.lines])
    booking.compliance_issues = booking_services.compliance_issues_of(
        list(groups.values()), booking.destination_country, booking.season_end)
    return booking.compliance_issues


def describe_issues(issues: list[dict], locale: str) -> list[str]:
    """Each certification issue as "<lamp group code>: <what is wrong>" in ``locale``."""
    return [f"{issue.get('lamp_group')}: {describe_issue(issue, locale)}" for issue in issues]


def contract_languages(tenant: Tenant) -> list[str]:
    """Chinese and English always, then the host city's language when it is another one."""
    return list(dict.fromkeys([*CONTRACT_LANGUAGES, tenant.default_locale]))


def first_departure(booking: Booking) -> date | None:
    """When the first lamp group leaves for the venue (its occupancy window starts)."""
    windows = [db.session.get(OccupancyWindow, line.window_id) for line in booking.lines if line.window_id]
    return min((window.starts_on for window in windows if window is not None), default=None)


def schedule(total: Decimal, signed_on: date, departure: date | None) -> list[tuple[str, date, Decimal]]:
    """(kind, due on, amount) of the instalments: DEPOSIT_PERCENT of the total within
    DEPOSIT_DUE_DAYS, the rest BALANCE_DAYS_BEFORE_DEPARTURE days before the first departure, never
    before the deposit. Amounts in cents adding up exactly to the total; none of zero."""
    deposit = (total * DEPOSIT_PERCENT / 100).quantize(CENT, ROUND_HALF_UP)
    deposit_due = signed_on + timedelta(days=DEPOSIT_DUE_DAYS)
    balance_due = deposit_due
    if departure is not None:
        balance_due = max(deposit_due, departure - timedelta(days=BALANCE_DAYS_BEFORE_DEPARTURE))
    rows = [(PaymentInstalment.DEPOSIT, deposit_due, deposit),
            (PaymentInstalment.BALANCE, balance_due, total - deposit)]
    return [row for row in rows if row[2] > 0]


def payment_terms(contract: Contract, departure: date | None, locale: str) -> list[str]:
    """The payment terms as sentences in ``locale``, the same rules as ``schedule``."""
    with force_locale(locale):
        sentences = [_("All amounts are in %(currency)s and are paid by bank transfer to the supplier's "
                       "account below, quoting the contract number %(number)s.",
                       currency=contract.currency, number=contract.number)]
        for instalment in contract.instalments:
            values = dict(amount=format_money(instalment.amount, contract.currency, locale),
                          date=format_local_date(instalment.due_on, "long", locale))
            if instalment.kind == PaymentInstalment.DEPOSIT:
                sentences.append(_("Deposit: %(percent)s%% of the total, %(amount)s, due on %(date)s "
                                   "(%(days)s days after the contract date).",
                                   percent=contract.deposit_percent, days=DEPOSIT_DUE_DAYS, **values))
            else:
                sentences.append(_("Balance: %(amount)s, due on %(date)s (%(days)s days before the first "
                                   "lamp group leaves, and not before the deposit).",
                                   days=BALANCE_DAYS_BEFORE_DEPARTURE, **values))
        if departure is not None:
            sentences.append(_("The lamp groups leave only once the deposit is paid; the first departure "
                               "is planned for %(date)s.", date=format_local_date(departure, "long", locale)))
        return sentences


def _contract_number(booking: Booking, on: date) -> str:
    """Unique because booking references are: LC-<year>-<reference without its prefix>."""
    return f"LC-{on.year}-{booking.reference.removeprefix('LB-')}"


def generate_contract(booking: Booking, actor: User | None, today: date | None = None) -> Contract:
    """The supplier draws up the contract of an accepted booking: its schedule, its PDF, the
    booking contracted, the tenant told. Refused while a lamp group lacks a certification."""
    from festival.contracts.document import render_contract_pdf

    today = today or utcnow().date()
    if contract_of(booking) is not None:
        raise DomainError(str(_l("This booking has a contract already.")), 409)
    if booking.status != Booking.ACCEPTED:
        raise DomainError(str(_l("Only an accepted booking can be contracted (this one is %(status)s).",
                                 status=booking_services.status_label(booking.status))), 409)
    issues = recheck_compliance(booking)
    if issues:
        raise DomainError(str(_l(
            "This booking is flagged for missing or expiring certifications and must be cleared "
            "before it can be contracted: %(issues)s. Renew the certificates in the catalog, then "
            "draw up the contract again.", issues="; ".join(describe_issues(issues, current_locale())))),
            409)
    tenant = db.session.get(Tenant, booking.tenant_id)
    departure = first_departure(booking)
    contract = Contract(
        tenant_id=booking.tenant_id, supplier_id=booking.supplier_id, booking_id=booking.id,
        number=_contract_number(booking, today), currency=booking.currency, total=booking.total,
        deposit_percent=DEPOSIT_PERCENT, languages_csv=",".join(contract_languages(tenant)),
        document_key="", generated_at=utcnow())
    for kind, due_on, amount in schedule(contract.total, today, departure):
        contract.instalments.append(PaymentInstalment(
            tenant_id=booking.tenant_id, supplier_id=booking.supplier_id, kind=kind, due_on=due_on,
            amount=amount, currency=contract.currency))
    contract.payment_terms = "\n".join(payment_terms(contract, departure, "en"))
    db.session.add(contract)
    contract.document_key = save_file("contracts", render_contract_pdf(contract, booking, today), "pdf")
    booking_services.advance(booking, Booking.CONTRACTED, SUPPLIER, actor, contract.number)
    db.session.flush()
    notify.tell_other_party(booking, SUPPLIER, "contract_ready", number=contract.number)
    return contract


# --- confirming -----------------------------------------------------------------------------------

def _require_binding(booking: Booking) -> None:
    if booking.status not in BINDING:
        raise DomainError(str(_l("This booking is %(status)s: its contract can no longer change.",
                                 status=booking_services.status_label(booking.status))), 409)


def confirm_contract(contract: Contract, side: str, actor: User | None) -> None:
    """One party confirms the contract, once; when both have, it is in force and both are told."""
    if side not in SIDES:
        raise ValueError(side)
    booking = db.session.get(Booking, contract.booking_id)
    _require_binding(booking)
    if getattr(contract, f"{side}_confirmed_at") is not None:
        raise DomainError(str(_l("You have confirmed this contract already.")), 409)
    setattr(contract, f"{side}_confirmed_at", utcnow())
    setattr(contract, f"{side}_confirmed_by_id", actor.id if actor else None)
    booking_services.record(booking, "contract_confirmed", side, actor, contract.number)
    db.session.flush()
    if contract.confirmed:
        booking_services.record(booking, "contract_signed", "system", None, contract.number)
        db.session.flush()
        notify.tell_other_party(booking, "system", "contract_signed", number=contract.number)
    else:
        notify.tell_other_party(booking, side, "contract_confirmed", number=contract.number)


# --- payments -------------------------------------------------------------------------------------

def _bank_reference(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(str(_l("Enter the bank reference of the transfer.")))
    if len(text) > MAX_BANK_REFERENCE:
        raise DomainError(str(_l("The bank reference is too long (at most 80 characters).")))
    return text


def _transfer_amount(instalment: PaymentInstalment, amount: Decimal) -> Decimal:
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
        raise DomainError(str(_l("Enter an amount above zero with at most two decimals.")))
    if amount > instalment.outstanding:
        raise DomainError(str(_l("The transfer is more than the %(outstanding)s still outstanding on "
                                 "this instalment.", outstanding=format_money(instalment.outstanding,
                                                                              instalment.currency))))
    return amount


def record_transfer(instalment: PaymentInstalment, amount: Decimal, currency: str, paid_on: date,
                    bank_reference: str, actor: User | None, today: date | None = None) -> PaymentTransfer:
    """The supplier records a bank transfer received against an instalment; the deposit paid in
    full moves a contracted booking to "deposit paid"; the tenant is told."""
    today = today or utcnow().date()
    # Two people recording at once must not both fit under the same outstanding amount.
    db.session.refresh(instalment, with_for_update=True)
    contract = instalment.contract
    booking = db.session.get(Booking, contract.booking_id)
    _require_binding(booking)
    currency = (currency or "").strip().upper()
    if currency != contract.currency:
        raise DomainError(str(_l("The contract is in %(currency)s: record the transfer in %(currency)s.",
                                 currency=contract.currency)))
    amount = _transfer_amount(instalment, amount)
    if paid_on > today:
        raise DomainError(str(_l("The date of payment cannot be in the future.")))
    transfer = PaymentTransfer(
        tenant_id=booking.tenant_id, supplier_id=booking.supplier_id, amount=amount, currency=currency,
        paid_on=paid_on, bank_reference=_bank_reference(bank_reference),
        recorded_by_id=actor.id if actor else None, recorded_at=utcnow())
    instalment.transfers.append(transfer)
    booking_services.record(booking, "payment_received", SUPPLIER, actor, transfer.bank_reference,
                            {"instalment": instalment.kind, "amount": str(amount), "currency": currency,
                             "paid_on": paid_on.isoformat()})
    if (instalment.kind == PaymentInstalment.DEPOSIT and instalment.outstanding == 0
            and booking.status == Booking.CONTRACTED):
        booking_services.advance(booking, Booking.DEPOSIT_PAID, SUPPLIER, actor, contract.number)
    db.session.flush()
    locale = db.session.get(Tenant, booking.tenant_id).default_locale
    notify.tell_other_party(
        booking, SUPPLIER, "payment_received", number=contract.number,
        amount=format_money(amount, currency, locale), bank_reference=transfer.bank_reference,
        outstanding=format_money(instalment.outstanding, currency, locale))
    return transfer


def overdue_instalments(today: date) -> list[PaymentInstalment]:
    """Instalments of binding contracts past their due date with money still outstanding."""
    query = (select(PaymentInstalment).join(Contract, Contract.id == PaymentInstalment.contract_id)
             .join(Booking, Booking.id == Contract.booking_id)
             .where(PaymentInstalment.due_on < today, Booking.status.in_(BINDING))
             .order_by(PaymentInstalment.due_on, PaymentInstalment.id))
    return [instalment for instalment in db.session.scalars(query) if instalment.outstanding > 0]


def _claim_reminder(instalment: PaymentInstalment, today: date) -> bool:
    """Mark the instalment reminded today unless it was in the last REMIND_EVERY_DAYS days;
    one conditional UPDATE, so two runs of the job never both send."""
    since = today - timedelta(days=REMIND_EVERY_DAYS)
    claimed = db.session.execute(
        update(PaymentInstalment).where(
            PaymentInstalment.id == instalment.id,
            or_(PaymentInstalment.last_reminded_on.is_(None), PaymentInstalment.last_reminded_on <= since))
        .values(last_reminded_on=today).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        return False
    instalment.last_reminded_on = today
    return True


def remind_overdue_payments(today: date | None = None) -> int:
    """Email the tenant's owners and managers of each overdue instalment not reminded in the last
    week (a job, in the platform scope); returns how many instalments were reminded."""
    today = today or utcnow().date()
    reminded = 0
    for instalment in overdue_instalments(today):
        if not _claim_reminder(instalment, today):
            continue
        contract = instalment.contract
        booking = db.session.get(Booking, contract.booking_id)
        locale = db.session.get(Tenant, booking.tenant_id).default_locale
        booking_services.record(booking, "payment_reminded", "system", None, contract.number,
                                {"instalment": instalment.kind, "outstanding": str(instalment.outstanding)})
        db.session.flush()
        notify.tell_other_party(
            booking, SUPPLIER, "payment_overdue", number=contract.number,
            outstanding=format_money(instalment.outstanding, instalment.currency, locale),
            due=format_local_date(instalment.due_on, "long", locale))
        reminded += 1
    return reminded
