"""The dashboard as CSV: the totals and every breakdown of the filtered period, one line per
row and currency; money as plain decimal strings beside its currency code."""

from __future__ import annotations

import csv
import io

from festival.dashboard.figures import Dashboard, Row

HEADER = ["breakdown", "key", "name", "visitors", "tickets_sold", "revenue", "currency",
          "revenue_converted", "reporting_currency", "lamp_groups", "bookings", "share_percent",
          "growth_percent"]


def _lines(breakdown: str, row: Row, board: Dashboard) -> list[list[str]]:
    converted = ""
    if board.reporting_currency is not None:
        converted = f"{row.converted:.2f}"
    base = [breakdown, row.key, row.label, str(row.visitors), str(row.tickets)]
    tail = [converted, board.reporting_currency or "", "", "", "", ""]
    if not row.revenue:
        return [[*base, "", "", *tail]]
    return [[*base, f"{amount:.2f}", currency, *tail]
            for currency, amount in sorted(row.revenue.items())]


def _trade_lines(board: Dashboard) -> list[list[str]]:
    """The base's trade figures in the same columns: lamp groups abroad per city, each
    supplier's share (its value as ``revenue_converted``), the export value per year."""
    trade = board.trade
    if trade is None:
        return []
    empty = ["", "", "", ""]
    lines = [["deployed", city.country, city.city, *empty, "", "", str(city.total), "", "", ""]
             for city in trade.deployed]
    lines += [["supplier_share", share.supplier.slug, share.supplier.name_en, *empty,
               f"{share.value:.2f}", trade.currency, str(share.lamp_groups), str(share.bookings),
               f"{share.percent}", ""] for share in trade.shares]
    lines += [["export_year", str(year.year), str(year.year), *empty, f"{year.value:.2f}",
               trade.currency, "", str(year.bookings), "",
               "" if year.growth is None else f"{year.growth}"] for year in trade.years]
    return lines


def dashboard_csv(board: Dashboard) -> str:
    """The CSV text: a header row, the totals, then each breakdown's rows as on the page.

    ``revenue_converted`` is the row's whole revenue in the reporting currency and repeats on
    each currency's line; amounts without a rate are not in it (the page names them)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(_lines("total", board.totals, board))
    for name, rows in board.breakdowns():
        for row in rows:
            writer.writerows(_lines(name, row, board))
    writer.writerows(_trade_lines(board))
    return out.getvalue()
