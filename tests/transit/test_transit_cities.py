"""The base places each host city in a transit region: its country's default unless assigned."""

from __future__ import annotations

from festival.core.db import db
from festival.core.scope import platform_scope
from festival.tenants.models import Tenant
from festival.transit.services import region_of_tenant
from tests.conftest import row_counts
from tests.security.conftest import text_of
from tests.transit.conftest import audited


def _region_code(app, tenant_id: int) -> str:
    with app.app_context(), platform_scope("cli"):
        code = region_of_tenant(db.session.get(Tenant, tenant_id)).code
        db.session.remove()
    return code


def test_operator_assigns_a_city_to_a_region_and_resets_it(app, factory, operator):
    houston = factory.tenant("houston")  # US: the Gulf coast by default
    factory.tenant("nairobi", country="KE", timezone="Africa/Nairobi", currency="KES")
    page = text_of(operator.get("/base/transit/cities"))
    assert "Houston (Houston Lantern Festival) United States default: North America Gulf coast" in page
    assert "Nairobi (Nairobi Lantern Festival) Kenya none: place this city in a region" in page
    form = text_of(operator.get(f"/base/transit/cities/{houston.id}"))
    assert "Default for United States: North America Gulf coast" in form

    response = operator.post_form(f"/base/transit/cities/{houston.id}", {"region": "na_west"})
    assert response.status_code == 302, text_of(response)
    page = text_of(operator.get("/base/transit/cities"))
    assert "Houston is now in North America west coast." in page
    assert "Houston (Houston Lantern Festival) United States North America west coast" in page
    assert _region_code(app, houston.id) == "na_west"

    response = operator.post_form(f"/base/transit/cities/{houston.id}", {"region": ""})
    assert response.status_code == 302
    assert "Houston is back in its country's default region." in text_of(
        operator.get("/base/transit/cities"))
    assert _region_code(app, houston.id) == "na_gulf"
    assert audited(app, "festival.transit.city_region.assigned") == 2


def test_unknown_region_is_refused_and_nothing_is_written(app, factory, operator):
    houston = factory.tenant("houston")
    before = row_counts(app)
    response = operator.post_form(f"/base/transit/cities/{houston.id}", {"region": "atlantis"})
    assert response.status_code == 400
    assert "Choose one of the regions offered." in text_of(response)
    assert row_counts(app) == before
    assert operator.get("/base/transit/cities/999999").status_code == 404
