"""Check-in devices through the JSON API: admit, already used, sync, gates and entries, scopes,
Idempotency-Key; and on PostgreSQL, 20 gates scanning one ticket at the same moment."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text

from festival.checkin import services
from festival.core.db import db
from festival.exhibitions.models import Exhibition
from festival.tenants.models import Tenant
from tests.api.conftest import Api, make_token
from tests.checkin.gates import build_gate_world, entry_persons, in_scope, scan_rows, tickets
from tests.conftest import OWNER_URL, postgres_only, row_counts

SCOPES = ["checkin:write", "checkin:read"]


@pytest.fixture
def gw(app, factory):
    return build_gate_world(app, factory)


@pytest.fixture
def device(app, gw) -> Api:
    return Api(app.test_client(), make_token(app, gw.world.tenant_id, SCOPES, name="North phone"))


def _body(gw, code: str, gate_id: int | None = None, **more) -> dict:
    return {"code": code, "exhibition_id": gw.world.exhibition_id,
            "gate_id": gate_id or gw.north, **more}


def test_a_device_admits_by_payload_then_hears_already_used(app, gw, device):
    (code, payload), = tickets(app, gw)
    first = device.post("/checkins", _body(gw, payload, device="lane-1"), key="scan-1")
    assert first.status_code == 201
    assert first.get_json()["result"] == "admitted"
    assert first.get_json()["detail"] == "Adult · 1 person"
    assert first.get_json()["counts"] == {"gate": 1, "night": 1}
    replay = device.post("/checkins", _body(gw, payload, device="lane-1"), key="scan-1")
    assert replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.get_json()["result"] == "admitted"
    second = device.post("/checkins", _body(gw, code, gw.south))
    assert second.status_code == 201
    assert second.get_json()["result"] == "already_used"
    assert second.get_json()["detail"].endswith(" at North gate")
    assert [r[0] for r in scan_rows(app, gw)] == ["admitted", "already_used"]
    assert entry_persons(app, gw) == 1


def test_forged_payloads_answer_200_and_record_nothing(app, gw, device):
    (code, payload), = tickets(app, gw)
    before = row_counts(app)
    answer = device.post("/checkins", _body(gw, payload[:-4] + "AAAA"))
    assert answer.status_code == 200 and answer.get_json()["result"] == "forged"
    after = row_counts(app)
    assert {k: v for k, v in after.items() if k != "api_token"} == \
        {k: v for k, v in before.items() if k != "api_token"}


def test_sync_gates_and_entries(app, gw, device):
    (a, _p), (b, _q) = tickets(app, gw, {gw.world.adult_id: 2})
    at = (gw.slot_starts + timedelta(minutes=3)).isoformat()
    body = {"exhibition_id": gw.world.exhibition_id, "gate_id": gw.north, "device": "lane-2",
            "scans": [{"code": a, "scanned_at": at, "offline_result": "admitted"},
                      {"code": b, "scanned_at": at, "offline_result": "queued"}]}
    synced = device.post("/checkins/sync", body)
    assert synced.status_code == 200, synced.get_json()
    assert [r["result"] for r in synced.get_json()["results"]] == ["admitted", "admitted"]
    assert synced.get_json()["counts"] == {"gate": 2, "night": 2}
    assert [r[2] for r in scan_rows(app, gw)] == [True, True]

    gates = device.get(f"/exhibitions/{gw.world.exhibition_id}/gates").get_json()["data"]
    assert [(g["name"], g["active"]) for g in gates] == [
        ("North gate", True), ("Old gate", False), ("South gate", True)]
    night = in_scope(app, gw.world.tenant_id, lambda: services.tonight(
        db.session.get(Exhibition, gw.world.exhibition_id),
        db.session.get(Tenant, gw.world.tenant_id)))
    entries = device.get(f"/exhibitions/{gw.world.exhibition_id}/entries?night={night}").get_json()
    assert entries["total"] == {"persons": 2, "tickets": 2}
    assert entries["data"] == [{"slot_id": gw.world.slot_ids[0], "gate_id": gw.north,
                                "persons": 2, "tickets": 2}]


@pytest.mark.parametrize("scans, message", [
    ([{"code": "A", "scanned_at": "yesterday"}], "scans[0].scanned_at must be a time written"),
    ([{"code": "A", "scanned_at": "2026-11-23T19:42:05"}], "with its offset"),
    ([{"code": "A", "scanned_at": "2026-11-23T19:42:05+01:00"}] * 600, "at most 500"),
    ([{"scanned_at": "2026-11-23T19:42:05+01:00"}], "scans[0] must be an object"),
])
def test_bad_sync_bodies_are_refused_with_the_field_named(app, gw, device, scans, message):
    before = row_counts(app)
    response = device.post("/checkins/sync", {"exhibition_id": gw.world.exhibition_id,
                                              "gate_id": gw.north, "scans": scans})
    assert response.status_code == 422
    assert message in response.get_json()["error"]["message"]
    assert {k: v for k, v in row_counts(app).items() if k != "api_token"} == \
        {k: v for k, v in before.items() if k != "api_token"}


def test_scopes_are_required(app, gw):
    reader = Api(app.test_client(), make_token(app, gw.world.tenant_id, ["checkin:read"]))
    refused = reader.post("/checkins", _body(gw, "ABC"))
    assert refused.status_code == 403 and "checkin:write" in refused.get_json()["error"]["message"]
    orders_only = Api(app.test_client(), make_token(app, gw.world.tenant_id, ["orders:read"]))
    assert orders_only.get(f"/exhibitions/{gw.world.exhibition_id}/gates").status_code == 403


@postgres_only
def test_twenty_gates_scanning_one_ticket_at_once_admit_it_exactly_once(app, gw):
    (code, _payload), = tickets(app, gw, {gw.world.family_id: 1})

    def make_gates():
        tenant = db.session.get(Tenant, gw.world.tenant_id)
        exhibition = db.session.get(Exhibition, gw.world.exhibition_id)
        return [services.create_gate(tenant, exhibition, f"Gate {n}", None).id for n in range(20)]

    gate_ids = in_scope(app, gw.world.tenant_id, make_gates)
    token = make_token(app, gw.world.tenant_id, SCOPES)
    barrier = threading.Barrier(len(gate_ids))
    answers, lock = [], threading.Lock()

    def gate_device(gate_id: int) -> None:
        client = Api(app.test_client(), token)
        barrier.wait()
        response = client.post("/checkins", _body(gw, code, gate_id, device=f"gate-{gate_id}"))
        with lock:
            answers.append(response.get_json()["result"])

    threads = [threading.Thread(target=gate_device, args=(g,)) for g in gate_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter(answers) == {"admitted": 1, "already_used": 19}
    owner = create_engine(OWNER_URL)
    with owner.connect() as conn:
        persons = conn.execute(text("SELECT sum(persons), sum(tickets) FROM entry_count")).one()
        recorded = conn.execute(text("SELECT result, count(*) FROM check_in GROUP BY result")).all()
    owner.dispose()
    assert tuple(persons) == (4, 1)
    assert dict(recorded) == {"admitted": 1, "already_used": 19}


def test_the_openapi_document_describes_check_in_with_its_scopes(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    assert paths["/checkins"]["post"]["x-required-scope"] == "checkin:write"
    assert set(paths["/checkins"]["post"]["responses"]) >= {"200", "201", "422"}
    assert paths["/checkins/sync"]["post"]["x-required-scope"] == "checkin:write"
    assert paths["/exhibitions/{exhibition_id}/entries"]["get"]["x-required-scope"] == "checkin:read"
    assert "conflict" in document["components"]["schemas"]["ScanAnswer"]["properties"]["result"]["enum"]
