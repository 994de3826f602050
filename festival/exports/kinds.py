"""What can be exported: each kind checks its filters when it is requested and makes its file
when the job runs, with the CSV builders of its domain.

``parse(args, tenant)`` turns the submitted filters into the parameters stored on the export
(a DomainError for bad input, before anything is written); ``render(parameters, locale, scope)``
returns (filename, bytes, content type) inside the export's scope: the tenant's for a tenant
export, the job's platform scope for the base's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from festival.core.db import db, utcnow
from festival.core.errors import DomainError
from festival.core.scope import Scope
from festival.tenants.models import Tenant

CSV = "text/csv; charset=utf-8"
TENANT, BASE = "tenant", "base"
MAX_QUERY = 100  # as the orders page's search box

MESSAGES = {
    "kind": _l("Choose one of the exports offered."),
    "status": _l("Choose one of the order statuses offered."),
}

Rendered = tuple[str, bytes, str]


@dataclass(frozen=True)
class ExportKind:
    key: str
    owner: str  # TENANT or BASE
    label: object  # a lazy translated string
    permission: str | None  # the tenant permission it needs (base kinds: operators)
    parse: Callable[[Mapping[str, str], Tenant | None], dict]
    render: Callable[[dict, str, Scope], Rendered]


def _local_today(timezone: str) -> date:
    return utcnow().astimezone(ZoneInfo(timezone)).date()


def _tenant_of(scope: Scope) -> Tenant:
    return db.session.get(Tenant, scope.tenant_id)


# --- a tenant's orders ------------------------------------------------------------------------

def _parse_orders(args: Mapping[str, str], tenant: Tenant | None) -> dict:
    from festival.ticketing.models import Order

    status = (args.get("status") or "").strip()
    if status and status not in Order.STATUSES:
        raise DomainError(str(MESSAGES["status"]))
    return {"q": (args.get("q") or "").strip()[:MAX_QUERY], "status": status}


def _render_orders(parameters: dict, locale: str, scope: Scope) -> Rendered:
    from festival.ticketing.dashboard import order_search, orders_csv

    tenant = _tenant_of(scope)
    body = orders_csv(order_search(parameters.get("q", ""), parameters.get("status", "")),
                      tenant.timezone)
    filename = f"orders-{tenant.slug}-{_local_today(tenant.timezone).isoformat()}.csv"
    return filename, body.encode("utf-8"), CSV


# --- the dashboard, a tenant's or the base's -----------------------------------------------------

def _base_today() -> date:
    from festival.dashboard.base_views import BASE_TIMEZONE

    return _local_today(BASE_TIMEZONE)


def _parse_tenant_dashboard(args: Mapping[str, str], tenant: Tenant | None) -> dict:
    from festival.dashboard.filters import parse_filters

    return parse_filters(args, _local_today(tenant.timezone), with_countries=False).query()


def _parse_base_dashboard(args: Mapping[str, str], tenant: Tenant | None) -> dict:
    from festival.dashboard.filters import parse_filters

    return parse_filters(args, _base_today()).query()


def _dashboard_file(parameters: dict, locale: str, tenant: Tenant | None) -> Rendered:
    from festival.dashboard.export import dashboard_csv
    from festival.dashboard.filters import parse_filters
    from festival.dashboard.pages import build

    # The stored filters name both dates, so "today" no longer changes them.
    today = _local_today(tenant.timezone) if tenant is not None else _base_today()
    filters = parse_filters(parameters, today, with_countries=tenant is None)
    board, _charts = build(filters, locale, tenant=tenant)
    stem = f"{tenant.slug}-dashboard" if tenant is not None else "lantern-dashboard"
    return (f"{stem}-{filters.start.isoformat()}-{filters.end.isoformat()}.csv",
            dashboard_csv(board).encode("utf-8"), CSV)


# --- the base's lamp-group exposure ------------------------------------------------------------

def _parse_exposure(args: Mapping[str, str], tenant: Tenant | None) -> dict:
    from festival.exposure.filters import parse_filters

    return parse_filters(args).query()


def _render_exposure(parameters: dict, locale: str, scope: Scope) -> Rendered:
    from festival.exposure.export import exposure_csv, exposures_of, suppliers_by_id
    from festival.exposure.filters import parse_filters

    filters = parse_filters(parameters)
    name = "-".join(["lantern-exposure", *filters.query().values()])
    body = exposure_csv(exposures_of(filters, utcnow()), suppliers_by_id())
    return f"{name}.csv", body.encode("utf-8"), CSV


KINDS: dict[str, dict[str, ExportKind]] = {
    TENANT: {
        "orders": ExportKind("orders", TENANT, _l("Orders"), "sales.view", _parse_orders,
                             _render_orders),
        "dashboard": ExportKind("dashboard", TENANT, _l("Dashboard"), "reports.view",
                                _parse_tenant_dashboard,
                                lambda parameters, locale, scope: _dashboard_file(
                                    parameters, locale, _tenant_of(scope))),
    },
    BASE: {
        "dashboard": ExportKind("dashboard", BASE, _l("Dashboard"), None, _parse_base_dashboard,
                                lambda parameters, locale, scope: _dashboard_file(
                                    parameters, locale, None)),
        "exposure": ExportKind("exposure", BASE, _l("Lamp group exposure"), None,
                               _parse_exposure, _render_exposure),
    },
}


def kind_of(owner: str, key: str | None) -> ExportKind:
    """The registered kind ``key`` of ``owner``'s exports; a 400 DomainError for anything else."""
    kind = KINDS[owner].get(key or "")
    if kind is None:
        raise DomainError(str(MESSAGES["kind"]))
    return kind
