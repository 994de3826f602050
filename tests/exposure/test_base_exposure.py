"""The base's exposure: every supplier's lamp groups, most seen first, filtered by year and
supplier, linked from the dashboard, and the same figures as CSV; bad filters are a clear 400."""

from __future__ import annotations

from datetime import date

import pytest

from tests.dashboard.world import parse_csv
from tests.exports.helpers import download_export, request_export
from tests.exposure.world import OPERATOR, build_exposure_world
from tests.security.conftest import text_of


@pytest.fixture
def scene(app, factory):
    return build_exposure_world(app, factory)


@pytest.fixture
def operator(client, scene):
    client.login(OPERATOR)
    client.get("/locale/en")
    return client


def _in_year(scene, year: int, cities: set[str]) -> tuple[int, int]:
    """(visitors, nights) the world's figures give in ``year`` for stands in ``cities``."""
    found = [visitors for (city, night), visitors in scene.figures.items()
             if night.year == year and city in cities]
    return sum(found), len(found)


def test_the_dashboard_links_to_the_top_lamp_groups_by_visitors(operator, scene):
    assert "Lamp group exposure" in text_of(operator.get("/base/dashboard"))
    page = text_of(operator.get("/base/exposure"))
    dragon = page.index("DR-1 Lamp group DR-1 Huacai Lanterns 12 4 "
                        "Dubai (United Arab Emirates), Paris (France)")
    panda = page.index("PD-1 Lamp group PD-1 Longteng Lanterns 4 2 Dubai (United Arab Emirates)")
    phoenix = page.index("PH-2 Lamp group PH-2 Huacai Lanterns 1 1 Paris (France)")
    assert dragon < panda < phoenix  # most seen first
    assert "LO-3" not in page


def test_filters_by_supplier_and_year(operator, scene):
    page = text_of(operator.get("/base/exposure?supplier=longteng"))
    assert "PD-1" in page and "DR-1" not in page and "PH-2" not in page
    year = scene.paris.night(1).year
    visitors, nights = _in_year(scene, year, {"Paris", "Dubai"})
    page = text_of(operator.get(f"/base/exposure?year={year}&supplier=huacai"))
    assert f"DR-1 Lamp group DR-1 Huacai Lanterns {visitors} {nights}" in page
    empty = text_of(operator.get(f"/base/exposure?year={date.today().year + 1}"))
    assert "No lamp group has stood at an exhibition in this period." in empty


def test_bad_filters_answer_clearly(operator, scene):
    response = operator.get("/base/exposure?year=20x6")
    assert response.status_code == 400
    assert "Choose a year between 2000 and 2100." in text_of(response)
    response = request_export(operator, "/base", "exposure", "supplier=nobody")
    assert response.status_code == 400
    assert "This supplier does not exist." in text_of(response)


def test_the_csv_has_each_lamp_group_and_each_stand(operator, scene):
    response = download_export(operator, "/base", "exposure", "supplier=huacai")
    assert response.mimetype == "text/csv"
    assert "lantern-exposure-huacai.csv" in response.headers["Content-Disposition"]
    rows = parse_csv(response.get_data(as_text=True))
    totals = {row["lamp_group_code"]: row for row in rows if row["breakdown"] == "lamp_group"}
    assert set(totals) == {"DR-1", "PH-2"}
    dragon = totals["DR-1"]
    assert (dragon["visitors"], dragon["nights"], dragon["cities"], dragon["countries"]) == (
        "12", "4", "2", "AE FR")
    assert dragon["lamp_group_name_zh"] == "灯组 DR-1" and dragon["supplier_name"] == "Huacai Lanterns"
    stands = {(row["lamp_group_code"], row["city"]): row for row in rows if row["breakdown"] == "stand"}
    assert stands[("DR-1", "Paris")]["visitors"] == "8"
    assert stands[("DR-1", "Dubai")]["first_night"] == scene.dubai.night(0).isoformat()
    assert stands[("DR-1", "Dubai")]["last_night"] == scene.dubai.night(13).isoformat()
    assert stands[("PH-2", "Paris")]["first_night"] == scene.paris.night(1).isoformat()


def test_only_operators_see_it(make_client, scene):
    from tests.exposure.world import HUACAI

    supplier = make_client()
    supplier.login(HUACAI)
    assert supplier.get("/base/exposure").status_code == 404
    assert supplier.get("/base/exports").status_code == 404
    assert request_export(supplier, "/base", "exposure").status_code == 404
