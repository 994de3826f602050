"""The base keeps which certifications each destination country requires."""

from __future__ import annotations

import re

import pytest

from festival.core.db import db
from festival.core.scope import platform_scope
from festival.transit.compliance import required_kinds, seed_certification_requirements
from tests.conftest import row_counts
from tests.security.conftest import text_of
from tests.transit.conftest import audited

PAGE = "/base/certifications"


def test_operator_adds_and_removes_a_requirement(app, operator):
    assert "No country requires any certification yet." in text_of(operator.get(PAGE))
    for kind in ("CE", "FLAME_RETARDANT"):
        response = operator.post_form(PAGE, {"country": "FR", "kind": kind})
        assert response.status_code == 302, text_of(response)
    page = text_of(operator.get(PAGE))
    assert "France now requires Flame-retardant fabric." in page
    assert "France (FR) CE Remove CE for France Flame-retardant fabric" in page
    with app.app_context():
        assert required_kinds("FR") == ["CE", "FLAME_RETARDANT"]
        db.session.remove()
    html = operator.get(PAGE).get_data(as_text=True)
    first = re.search(r'action="(/base/certifications/\d+/delete)"', html).group(1)
    response = operator.post_form(first, {}, token_from=PAGE)
    assert response.status_code == 302
    assert "France no longer requires CE." in text_of(operator.get(PAGE))
    with app.app_context():
        assert required_kinds("FR") == ["FLAME_RETARDANT"]
        db.session.remove()
    assert audited(app, "festival.transit.certification_requirement.added") == 2
    assert audited(app, "festival.transit.certification_requirement.removed") == 1


@pytest.mark.parametrize(("body", "status", "message"), [
    ({"country": "FR", "kind": "CE"}, 409, "France already requires CE."),
    ({"country": "FR", "kind": "ISO9001"}, 400, "Choose one of the certification kinds offered."),
    ({"country": "QQ", "kind": "CE"}, 400, "Choose one of the countries offered."),
    ({"country": "", "kind": "UL"}, 400, "Choose one of the countries offered."),
])
def test_bad_requirements_are_refused_and_nothing_is_written(app, operator, body, status, message):
    assert operator.post_form(PAGE, {"country": "FR", "kind": "CE"}).status_code == 302
    before = row_counts(app)
    response = operator.post_form(PAGE, body)
    assert response.status_code == status
    assert message in text_of(response)
    assert row_counts(app) == before


def test_default_requirements_are_seeded_once(app):
    for _ in range(2):
        with app.app_context(), platform_scope("cli"):
            seed_certification_requirements(db.session.connection())
            db.session.commit()
            db.session.remove()
    assert row_counts(app)["certification_requirement"] == 2 + 6 * 2 + 1 + 1 + 1 + 1
    with app.app_context():
        assert required_kinds("GB") == ["UKCA", "FLAME_RETARDANT"]
        assert required_kinds("de") == ["CE", "FLAME_RETARDANT"]
        assert required_kinds("US") == ["UL"]
        assert required_kinds("NZ") == ["SAA"]
        assert required_kinds("JP") == []
        db.session.remove()
