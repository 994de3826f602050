"""The box office in a real headless Chromium: a box-office member picks a slot, sells two adult
tickets for cash and gets the order's page with the ticket codes and a printable PDF."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.ticketing.portal_staff import order_state, staff_world

pytestmark = pytest.mark.browser


def test_box_office_sells_two_adults_in_the_browser(app, factory, live_server, page):
    staff = staff_world(app, factory, "paris", capacity=20)
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(staff.emails["box_office"])
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{live_server}{staff.portal}/")
    page.get_by_role("link", name="Box office", exact=True).click()
    expect(page.get_by_role("heading", name="Box office")).to_be_visible()
    expect(page.get_by_text("20 places left")).to_have_count(4)
    page.get_by_role("link", name=re.compile(r"^6:00\sPM")).click()

    page.get_by_label("Adult").fill("2")
    page.get_by_label("Payment").select_option("cash")
    page.get_by_role("button", name="Sell and take payment").click()
    expect(page.get_by_text(re.compile(r"Sold: order [0-9A-Z]{4}-[0-9A-Z]{4}\."))).to_be_visible()

    order_id = int(page.url.rsplit("/", 1)[1])
    state = order_state(app, staff.world, order_id)
    assert state["status"] == "paid" and state["taken"] == 2
    for code in state["tickets"]:
        expect(page.get_by_text(code)).to_be_visible()
    href = page.get_by_role("link", name="Print the tickets (PDF)").get_attribute("href")
    pdf = page.request.get(f"{live_server}{href}")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
