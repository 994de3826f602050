"""Drill 1: two app instances behind nginx, sharing PostgreSQL and Redis. A person signs in on
one and keeps working on the other (sessions and CSRF are signed cookies); wrong passwords
count towards one limit wherever they land (the counters live in the shared Redis)."""

from __future__ import annotations

import itertools
import re

import requests

from tests.conftest import PASSWORD, postgres_only
from tests.drills.buyers import CSRF, sign_in
from tests.drills.conftest import LOGIN_LIMIT, OWNER, TENANT
from tests.drills.stack import needs_tools

pytestmark = [postgres_only, needs_tools]


def test_signed_in_on_one_instance_a_person_keeps_working_on_the_other(drill):
    drill.forget_rate_limits()
    a, b = drill.instances
    browser = requests.Session()
    browser.headers["Accept-Language"] = "en"
    assert sign_in(browser, a, OWNER, PASSWORD).status_code == 302

    portal = browser.get(f"{b}/{TENANT}/manage/", timeout=30)
    assert portal.status_code == 200 and "Houston Lantern Festival" in portal.text
    assert browser.get(f"{drill.proxy}/{TENANT}/manage/", timeout=30).status_code == 200

    # A form read on A is sent to B: the gate is added, and B's confirmation shows on A.
    gates = f"/{TENANT}/manage/exhibitions/{drill.world.exhibition_id}/gates"
    token = CSRF.search(browser.get(f"{a}{gates}", timeout=30).text).group(1)
    added = browser.post(f"{b}{gates}", data={"csrf_token": token, "name": "North gate"},
                         allow_redirects=False, timeout=30)
    assert added.status_code == 302
    page = browser.get(f"{a}{gates}", timeout=30).text
    assert "Gate North gate added." in page
    assert "North gate" in browser.get(f"{drill.proxy}{gates}", timeout=30).text

    # Signed out through nginx: neither instance knows the person any more.
    token = CSRF.search(page).group(1)
    browser.post(f"{drill.proxy}/logout", data={"csrf_token": token}, timeout=30)
    for base in drill.instances:
        again = browser.get(f"{base}/{TENANT}/manage/", allow_redirects=False, timeout=30)
        assert again.status_code == 302 and "/login" in again.headers["Location"]


def test_wrong_passwords_count_towards_one_limit_across_both_instances(drill):
    drill.forget_rate_limits()
    targets = itertools.cycle([*drill.instances, drill.proxy])
    codes = []
    for base in itertools.islice(targets, LOGIN_LIMIT + 2):
        codes.append(sign_in(requests.Session(), base, OWNER, "not-the-password").status_code)
    # Each of four web workers (two per instance) counting alone would let every attempt through.
    assert codes == [401] * LOGIN_LIMIT + [429, 429]
    refused = sign_in(requests.Session(), drill.instances[0], OWNER, PASSWORD)
    assert refused.status_code == 429
    assert re.search(r"Too many attempts", refused.text)
