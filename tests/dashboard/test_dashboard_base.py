"""The base operator's dashboard: rates and reporting currency, a country group, figures of three
tenants in three currencies, filters, CSV export and the annual PDF in Chinese and English."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from festival.core.db import db
from festival.core.scope import platform_scope
from festival.dashboard.models import CountryGroup, ExchangeRate
from festival.reporting.reports import submitted_totals
from tests.dashboard.world import MANUAL, build_dashboard_world
from tests.documents.conftest import normalize_spaces, pdf_text
from tests.exports.helpers import export_rows, request_export
from tests.security.conftest import text_of

OPERATOR = "base@example.com"
# What the world sells, scans and refunds (see tests/dashboard/world.py): per tenant, night 0 has
# 2 persons scanned + MANUAL counted (a submitted report), night 1 has 1 person scanned.
VISITORS = 3 * (2 + MANUAL + 1)
TICKETS = {"paris": 3, "tokyo": 4, "dubai": 6}
REVENUE = {"EUR": Decimal("55.50"), "JPY": Decimal("8400.00"), "AED": Decimal("415.00")}


@pytest.fixture
def world(app, factory):
    factory.operator(OPERATOR)
    return build_dashboard_world(app, factory)


@pytest.fixture
def operator(client):
    client.login(OPERATOR)
    return client


def _set_rate(operator, currency: str, rate: str, valid_from) -> object:
    return operator.post_form("/base/rates", {"currency": currency, "rate": rate,
                                              "valid_from": valid_from.isoformat()})


def _count(app, model) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(model))
        db.session.remove()
    return count


def test_operator_sees_visitors_tickets_and_converted_revenue(app, world, operator):
    before = world.first - timedelta(days=30)
    assert _set_rate(operator, "EUR", "7.8", before).status_code == 302
    assert _set_rate(operator, "JPY", "0.048", before).status_code == 302
    # AED only from the second night: the first night's dirhams stay unconverted.
    assert _set_rate(operator, "AED", "1.94", world.last).status_code == 302
    rates_page = text_of(operator.get("/base/rates"))
    assert "1 EUR = 7.8 CNY" in rates_page and "1 JPY = 0.048 CNY" in rates_page

    page = operator.get(f"/base/dashboard?{world.query()}")
    text = normalize_spaces(text_of(page))
    assert page.status_code == 200
    assert f"Visitors {VISITORS}" in text
    assert f"Tickets sold {sum(TICKETS.values())}" in text
    assert "€55.50" in text and "¥8,400" in text and "AED415.00" in text
    # EUR 55.50 × 7.8 + JPY 8,400 × 0.048 + AED (40 + 75 + 150) × 1.94 on the second night.
    converted = Decimal("55.50") * Decimal("7.8") + Decimal("8400") * Decimal("0.048") + \
        Decimal("265") * Decimal("1.94")
    assert f"CN¥{converted:,.2f}" in text
    assert f"No rate for AED on {world.first.isoformat()}" in text
    for city in ("Paris", "Tokyo", "Dubai"):
        assert city in text
    assert 'src="data:image/svg+xml;base64,' in page.get_data(as_text=True)
    assert "<script" not in page.get_data(as_text=True)

    # The CSV holds the same figures.
    rows = export_rows(operator, "/base", "dashboard", f"{world.query()}")
    totals = [row for row in rows if row["breakdown"] == "total"]
    assert {row["currency"]: Decimal(row["revenue"]) for row in totals} == REVENUE
    assert {int(row["visitors"]) for row in totals} == {VISITORS}
    assert {row["revenue_converted"] for row in totals} == {f"{converted:.2f}"}
    cities = {row["name"]: int(row["tickets_sold"]) for row in rows if row["breakdown"] == "city"}
    assert cities == {"Paris": 3, "Tokyo": 4, "Dubai": 6}
    assert {row["reporting_currency"] for row in rows} == {"CNY"}


def test_totals_equal_the_submitted_reports(app, world, operator):
    night = world.first.isoformat()
    rows = export_rows(operator, "/base", "dashboard", f"from={night}&to={night}")
    with app.app_context(), platform_scope("cli"):
        reported = sum(t.total_persons for t in submitted_totals(start=world.first, end=world.first))
        db.session.remove()
    assert reported == 3 * (2 + MANUAL)
    assert {int(row["visitors"]) for row in rows if row["breakdown"] == "total"} == {reported}
    by_city = {row["name"]: int(row["visitors"]) for row in rows if row["breakdown"] == "city"}
    assert by_city == {"Paris": 2 + MANUAL, "Tokyo": 2 + MANUAL, "Dubai": 2 + MANUAL}


def test_country_group_and_period_filters(app, world, operator):
    response = operator.post_form("/base/country-groups",
                                  {"name": "Belt and Road partners", "countries": ["AE", "EG"]})
    assert response.status_code == 302
    with app.app_context():
        group_id = db.session.scalar(select(CountryGroup.id))
        db.session.remove()
    page = text_of(operator.get(f"/base/dashboard?{world.query(country_group=group_id)}"))
    assert "Belt and Road partners" in page and "Dubai" in page
    assert f"Visitors {2 + MANUAL + 1}" in page
    by_city = page[page.index("By city"):]  # (the 100-cities progress above names every city)
    assert "Dubai" in by_city and "Paris" not in by_city and "Tokyo" not in by_city
    rows = export_rows(operator, "/base", "dashboard", f"{world.query(country='JP', group='night')}")
    assert {row["name"] for row in rows if row["breakdown"] == "city"} == {"Tokyo"}
    periods = [row["key"] for row in rows if row["breakdown"] == "period"]
    assert periods == [world.first.isoformat(), world.last.isoformat()]
    rows = export_rows(operator, "/base", "dashboard", f"{world.query(group='year')}")
    years = {row["key"] for row in rows if row["breakdown"] == "period"}
    assert years == {str(world.first.year), str(world.last.year)}


@pytest.mark.parametrize(("query", "message"), [
    ("from=2026-13-01", "Enter dates as YYYY-MM-DD."),
    ("from=yesterday", "Enter dates as YYYY-MM-DD."),
    ("from=2026-05-01&to=2026-04-01", "The end date is before the start date."),
    ("from=2020-01-01&to=2026-01-01", "Choose a period of at most 5 years."),
    ("country_group=999999", "This country group does not exist."),
    ("country_group=abc", "This country group does not exist."),
    ("country=XX", "Choose a country from the list."),
    ("group=month", "Group by night, week, season or year."),
])
def test_bad_filters_answer_400(app, factory, operator_only, query, message):
    response = operator_only.get(f"/base/dashboard?{query}")
    assert response.status_code == 400 and message in text_of(response)
    response = request_export(operator_only, "/base", "dashboard", query)  # nothing is written
    assert response.status_code == 400 and message in text_of(response)


@pytest.fixture
def operator_only(factory, client):
    factory.operator(OPERATOR)
    client.login(OPERATOR)
    return client


@pytest.mark.parametrize(("rate", "currency", "field_message"), [
    ("0", "EUR", "Enter the rate as a number greater than 0"),
    ("-1.5", "EUR", "Enter the rate as a number greater than 0"),
    ("abc", "EUR", "Enter the rate as a number greater than 0"),
    ("7.1234567", "EUR", "Use at most 6 decimals for the rate."),
    ("7.5", "XYZ", "Choose a currency from the list."),
    ("1", "CNY", "The reporting currency needs no rate."),
])
def test_bad_rates_are_refused_and_nothing_is_written(app, operator_only, rate, currency, field_message):
    response = operator_only.post_form("/base/rates", {"currency": currency, "rate": rate,
                                                      "valid_from": "2026-01-01"})
    assert response.status_code == 400
    assert field_message in text_of(response)
    assert _count(app, ExchangeRate) == 0


def test_reporting_currency_changes_the_conversion(app, world, operator):
    response = operator.post_form("/base/rates/currency", {"reporting_currency": "USD"},
                                  token_from="/base/rates")
    assert response.status_code == 302
    assert _set_rate(operator, "EUR", "1.08", world.first - timedelta(days=1)).status_code == 302
    text = normalize_spaces(text_of(operator.get(f"/base/dashboard?{world.query()}")))
    assert "Revenue in USD" in text
    assert f"${Decimal('55.50') * Decimal('1.08'):.2f}" in text
    assert "No rate for JPY" in text and "No rate for AED" in text
    bad = operator.post_form("/base/rates/currency", {"reporting_currency": "ZZZ"},
                             token_from="/base/rates")
    assert bad.status_code == 400 and "Choose a currency from the list." in text_of(bad)


def test_country_group_form_errors(app, operator_only):
    response = operator_only.post_form("/base/country-groups", {"name": "", "countries": ["FR"]})
    assert response.status_code == 400 and "Enter a name" in text_of(response)
    response = operator_only.post_form("/base/country-groups", {"name": "Europe", "countries": []})
    assert response.status_code == 400 and "Choose at least one country." in text_of(response)
    response = operator_only.post_form("/base/country-groups", {"name": "Europe", "countries": ["QQ"]})
    assert response.status_code == 400 and "Unknown country code: QQ." in text_of(response)
    assert _count(app, CountryGroup) == 0


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["Lantern annual report", "Visitors", "Toward 100 displays in 100 foreign cities",
            "France", "Japan", "United Arab Emirates", "January 1,"]),
    # Country names and dates speak Chinese whatever the catalogs hold yet.
    ("zh_Hans", ["法国", "日本", "阿拉伯联合酋长国", "1月1日"]),
])
def test_annual_report_pdf(app, world, operator, lang, words):
    before = world.first - timedelta(days=30)
    _set_rate(operator, "EUR", "7.8", before)
    _set_rate(operator, "JPY", "0.048", before)
    _set_rate(operator, "AED", "1.94", before)
    year = world.last.year
    response = operator.get(f"/base/dashboard/annual-{year}.pdf?lang={lang}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(pdf_text(response.data).split())
    assert str(year) in text
    for word in words:
        assert word in text
    csv_rows = export_rows(operator, "/base", "dashboard", f"from={year}-01-01&to={year}-12-31")
    total = next(row for row in csv_rows if row["breakdown"] == "total")
    assert total["visitors"] in text.replace(",", "")
    for city in ("Paris", "Tokyo", "Dubai"):
        assert city in text


def test_annual_report_refuses_other_languages(operator_only):
    response = operator_only.get("/base/dashboard/annual-2026.pdf?lang=fr")
    assert response.status_code == 400
    assert "Chinese (zh_Hans) or English (en)" in text_of(response)
    assert operator_only.get("/base/dashboard/annual-1800.pdf").status_code == 404


def test_non_operators_find_nothing(app, world, make_client):
    owner = make_client()
    owner.login(world.tenants["paris"].emails["owner"])
    for path in ("/base/dashboard", "/base/exports", "/base/rates", "/base/country-groups",
                 "/base/dashboard/annual-2026.pdf"):
        assert owner.get(path).status_code == 404
    assert make_client().get("/base/dashboard").status_code == 302  # to the sign-in page
