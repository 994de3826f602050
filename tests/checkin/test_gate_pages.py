"""Managers keep an exhibition's gates on the gate page; the tolerance is on the exhibition form."""

from __future__ import annotations

from tests.checkin.gates import build_gate_world
from tests.security.conftest import text_of
from tests.ticketing.portal_staff import signed_in


def test_a_manager_adds_renames_and_closes_a_gate(app, factory, make_client):
    gw = build_gate_world(app, factory)
    client = signed_in(make_client, gw.staff.emails["manager"])
    page = f"{gw.portal}/exhibitions/{gw.world.exhibition_id}/gates"
    added = client.post_form(page, {"name": "  East   gate "}, follow_redirects=True)
    assert "Gate East gate added." in text_of(added)
    taken = client.post_form(page, {"name": "North gate"})
    assert taken.status_code == 400
    assert "This exhibition already has a gate with this name." in text_of(taken)
    renamed = client.post_form(f"{page}/{gw.south}/rename", {"name": "Lake gate"}, token_from=page,
                               follow_redirects=True)
    assert "Gate renamed to Lake gate." in text_of(renamed)
    closed = client.post_form(f"{page}/{gw.north}/active", {"active": "0"}, token_from=page,
                              follow_redirects=True)
    assert "Gate North gate is closed" in text_of(closed)
    audit = text_of(signed_in(make_client, gw.staff.emails["owner"]).get(f"{gw.portal}/audit"))
    assert "Gate added" in audit and "Gate renamed" in audit and "Gate closed to scanning" in audit


def test_the_check_in_tolerance_is_validated_on_the_exhibition_form(app, factory, make_client):
    gw = build_gate_world(app, factory)
    client = signed_in(make_client, gw.staff.emails["manager"])
    form = f"{gw.portal}/exhibitions/{gw.world.exhibition_id}"
    page = client.get(form).get_data(as_text=True)
    assert 'name="checkin_early_minutes"' in page and 'value="30"' in page
    response = client.post_form(form, {"slug": "lanterns", "title_fr": "Lumières",
                                       "venue_name": "Parc", "season_start": gw.world.first_night,
                                       "season_end": gw.world.first_night, "opens_at": "18:00",
                                       "closes_at": "22:00", "slot_minutes": "60",
                                       "slot_capacity": "20", "checkin_early_minutes": "721",
                                       "checkin_late_minutes": "60"})
    assert response.status_code == 400
    assert "Between 0 and 720 minutes." in text_of(response)
