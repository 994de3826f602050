"""Sums a booking and its price quote share: rentals of lamp group lines plus services."""

from __future__ import annotations

from decimal import Decimal


class Totals:
    """For anything with ``lines`` (lamp groups) and ``services``, each with an ``amount``."""

    @property
    def rentals_total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0"))

    @property
    def services_total(self) -> Decimal:
        return sum((line.amount for line in self.services), Decimal("0"))

    @property
    def total(self) -> Decimal:
        """Rentals and services, in the supplier's currency (freight is estimated apart, in USD)."""
        return self.rentals_total + self.services_total
