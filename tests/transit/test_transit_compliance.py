"""What a lamp group lacks for a country: missing certificates, and those that expire before the
exhibition closes; and how each problem reads."""

from __future__ import annotations

from datetime import date

import pytest

from festival.core.db import db
from festival.core.scope import platform_scope
from festival.transit.compliance import compliance_issues, describe_issue, seed_certification_requirements
from festival.transit.labels import certification_label

CLOSES = date(2027, 2, 28)


@pytest.fixture
def requirements(app):
    with app.app_context(), platform_scope("cli"):
        seed_certification_requirements(db.session.connection())
        db.session.commit()
        db.session.remove()
    with app.test_request_context():
        yield
        db.session.remove()


def test_missing_certificates(requirements):
    assert compliance_issues([], "GB", CLOSES) == [
        {"kind": "UKCA", "problem": "missing"}, {"kind": "FLAME_RETARDANT", "problem": "missing"}]
    # A CE mark does not stand in for the UKCA mark in Great Britain.
    assert compliance_issues([("CE", date(2030, 1, 1)), ("FLAME_RETARDANT", date(2030, 1, 1))],
                             "GB", CLOSES) == [{"kind": "UKCA", "problem": "missing"}]


def test_certificate_expiring_before_the_season_ends(requirements):
    held = [("CE", date(2027, 2, 3)), ("FLAME_RETARDANT", date(2028, 1, 1))]
    assert compliance_issues(held, "FR", CLOSES) == [
        {"kind": "CE", "problem": "expires", "expires_on": "2027-02-03"}]


def test_compliant_lamp_groups(requirements):
    # Valid on the closing day; no expiry date at all; a renewed certificate beside an old one.
    assert compliance_issues([("UL", CLOSES)], "US", CLOSES) == []
    assert compliance_issues([("SAA", None)], "AU", CLOSES) == []
    assert compliance_issues([("CE", date(2026, 1, 1)), ("CE", date(2029, 1, 1)),
                              ("FLAME_RETARDANT", None)], "DE", CLOSES) == []
    assert compliance_issues([], "JP", CLOSES) == []  # Japan requires nothing in the table


def test_issues_read_as_sentences(requirements):
    assert describe_issue({"kind": "UKCA", "problem": "missing"}, "en") == "UKCA certificate missing"
    assert describe_issue({"kind": "FLAME_RETARDANT", "problem": "missing"}, "en") == \
        "Flame-retardant fabric certificate missing"
    assert describe_issue({"kind": "CE", "problem": "expires", "expires_on": "2027-02-03"}, "en") == \
        "CE certificate expires on Feb 3, 2027, before the exhibition closes"
    chinese = describe_issue({"kind": "CE", "problem": "expires", "expires_on": "2027-02-03"}, "zh_Hans")
    assert "2027年2月3日" in chinese  # the date in the reader's language
    assert certification_label("UL") == "UL"
