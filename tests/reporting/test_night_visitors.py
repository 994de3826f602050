"""One definition of a night's visitors (festival.reporting.visitors): the submitted report's
total, else the scanned entries. The base's dashboard and its lamp-group exposure read it the
same way, so for the same nights of the same city they show the same visitors."""

from __future__ import annotations

import pytest

from tests.exports.helpers import export_rows
from tests.exposure.world import MANUAL, OPERATOR, build_exposure_world


@pytest.fixture
def scene(app, factory):
    return build_exposure_world(app, factory)


def test_dashboard_and_exposure_count_a_nights_visitors_alike(client, scene):
    client.login(OPERATOR)
    paris = scene.paris
    first, second = paris.night(0), paris.night(1)  # reported (2 scanned + 5 by hand), scans only
    board = export_rows(client, "/base", "dashboard", f"from={first}&to={second}&country=FR&group=night")
    per_night = {row["key"]: int(row["visitors"]) for row in board if row["breakdown"] == "period"}
    assert per_night == {first.isoformat(): 2 + MANUAL, second.isoformat(): 1}

    # The dragon stood in Paris both nights: its stand shows exactly the dashboard's visitors.
    exposure = export_rows(client, "/base", "exposure", "supplier=huacai")
    dragon = next(row for row in exposure if row["breakdown"] == "stand"
                  and row["lamp_group_code"] == "DR-1" and row["city"] == "Paris")
    assert int(dragon["visitors"]) == sum(per_night.values()) and dragon["nights"] == "2"
