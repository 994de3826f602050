"""Playwright against the Debian Chromium: no browser download, headless, no sandbox (containers)."""

from __future__ import annotations

import pytest

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args():
    return {
        "executable_path": CHROMIUM,
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Every page starts in English, whatever the machine's language."""
    return {**browser_context_args, "locale": "en-US"}


PHONE = {"width": 390, "height": 844}


def fits_the_screen(page) -> None:
    """No horizontal scrolling on the phone, measured once the page and its stylesheets have
    loaded (a URL changes before them, and an unstyled page is wider)."""
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px screen"
