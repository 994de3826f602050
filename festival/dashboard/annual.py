"""The base's annual report: the year's figures, breakdowns, the 100-cities progress and the
charts, printed by WeasyPrint in Chinese or English."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from festival.core.errors import DomainError
from festival.dashboard.filters import WEEK, Filters
from festival.dashboard.pages import build
from festival.documents.pdf import render_pdf

LANGUAGES = ("zh_Hans", "en")
FIRST_YEAR, LAST_YEAR = 2000, 2100
MESSAGES = {"lang": _l("The annual report is printed in Chinese (zh_Hans) or English (en).")}


def annual_report_pdf(year: int, locale: str) -> bytes:
    """The PDF of ``year`` (weeks on the trend line) in ``locale``; call in the base's scope."""
    if locale not in LANGUAGES:
        raise DomainError(str(MESSAGES["lang"]))
    board, charts = build(Filters(date(year, 1, 1), date(year, 12, 31), WEEK), locale)
    return render_pdf("dashboard/annual.html", locale, board=board, charts=charts, year=year)
