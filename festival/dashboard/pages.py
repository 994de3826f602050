"""What the dashboard page, its CSV and the annual PDF show, in one reader's language: the
figures with translated labels, and the charts drawn from them. No request is read here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _

from festival.core.i18n import country_name, format_local_date
from festival.dashboard import charts
from festival.dashboard.figures import Dashboard, dashboard
from festival.dashboard.filters import NIGHT, SEASON, WEEK, Filters
from festival.tenants.models import Tenant


@dataclass(frozen=True)
class Charts:
    trend: str  # data: URIs of SVG images
    cities: str


def period_label(key: str, group: str, locale: str) -> str:
    if group == NIGHT:
        return format_local_date(date.fromisoformat(key), "medium", locale)
    if group == WEEK:
        year, week = key.split("-W")
        return _("Week %(week)s of %(year)s", week=int(week), year=year)
    if group == SEASON:
        return _("Season %(season)s", season=key)
    return key


def build(filters: Filters, locale: str, tenant: Tenant | None = None) -> tuple[Dashboard, Charts]:
    """The figures and charts of ``filters`` in ``locale`` (the base's when ``tenant`` is None)."""
    with force_locale(locale):
        board = dashboard(filters, locale, tenant,
                          label_country=lambda code: country_name(code, locale),
                          label_period=lambda key, group: period_label(key, group, locale))
        trend = charts.trend_chart(_("Visitors per period"), _("Visitors"),
                                   [(row.label, row.visitors) for row in board.by_period])
        cities = charts.bar_chart(_("Visitors per city"), _("Visitors"),
                                  [(row.label, row.visitors) for row in board.by_city])
    return board, Charts(trend, cities)
