"""Rate limits on the order API and on check-in: counted per token (or per signed-in gate user),
answered with a clear 429 in JSON, and each token has its own budget."""

from __future__ import annotations

from tests.api.conftest import Api, make_token, order_body
from tests.checkin.gates import build_gate_world, tickets
from tests.conftest import row_counts


def test_the_order_api_throttles_one_token_and_not_another(app, api, paris, monkeypatch):
    monkeypatch.setitem(app.config, "ORDER_API_RATE_LIMIT", "3 per minute")
    assert [api.post("/orders", order_body(paris)).status_code for _ in range(3)] == [201] * 3
    before = row_counts(app)
    throttled = api.post("/orders", order_body(paris))
    assert throttled.status_code == 429
    assert throttled.get_json()["error"]["message"] == "Please wait a minute and try again."
    assert throttled.headers["Retry-After"]
    assert row_counts(app) == before  # refused before any work
    # Cancelling counts against the same budget; another token has its own.
    assert api.post("/orders/1/cancel").status_code == 429
    other = Api(app.test_client(), make_token(app, paris.tenant_id, name="Box office 2"))
    assert other.post("/orders", order_body(paris)).status_code == 201


def test_check_in_is_throttled_per_device_token(app, factory, monkeypatch):
    monkeypatch.setitem(app.config, "CHECKIN_RATE_LIMIT", "2 per minute")
    gw = build_gate_world(app, factory)
    device = Api(app.test_client(), make_token(app, gw.world.tenant_id, ["checkin:write"], name="Lane 1"))
    (code, _payload), = tickets(app, gw)
    body = {"code": code, "exhibition_id": gw.world.exhibition_id, "gate_id": gw.north}
    assert [device.post("/checkins", body).status_code for _ in range(2)] == [201, 201]
    throttled = device.post("/checkins", body)
    assert throttled.status_code == 429 and throttled.get_json()["error"]["message"]
    sync = device.post("/checkins/sync", {**body, "scans": []})
    assert sync.status_code == 429
