"""Demo data of the base's dashboard: rates of the demo tenants' currencies into CNY and one
country group, so the dashboard converts revenue the moment the demo starts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from festival.accounts.models import User
from festival.dashboard import groups, rates

# Indicative rates (CNY per unit), valid from well before the demo's nights.
DEMO_RATES = {"USD": Decimal("7.12"), "EUR": Decimal("7.74"), "JPY": Decimal("0.0476"),
              "AED": Decimal("1.94")}
RATES_FROM = date(2024, 1, 1)
BELT_AND_ROAD = ["AE", "EG", "GR", "HU", "ID", "KZ", "MY", "PK", "SA", "TH", "TR", "UZ"]


def seed_dashboard(operator: User) -> None:
    """Rates into the reporting currency (CNY) and a "Belt and Road partners" group."""
    for currency, rate in DEMO_RATES.items():
        rates.set_rate(currency, rate, RATES_FROM, operator)
    groups.create_group("Belt and Road partners", BELT_AND_ROAD, operator)
