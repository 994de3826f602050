"""The rules of the gate, called as the portal and the API call them: tolerance edges, void
tickets, refusals without any SQL, offline sync with conflicts, and counts equal to a recount."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from festival.checkin import counts, services
from festival.checkin.models import CheckIn, Gate
from festival.checkin.services import OfflineScan
from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.exhibitions.models import Exhibition
from festival.tenants.models import Tenant
from festival.ticketing import staff
from festival.ticketing.models import EntrySlot, Order, Ticket
from tests.checkin.gates import build_gate_world, entry_persons, scan_rows, tickets
from tests.conftest import row_counts


@pytest.fixture
def gw(app, factory):
    return build_gate_world(app, factory)


class Desk:
    """The tenant's objects loaded once, in one request context and scope, for service calls."""

    def __init__(self, app, gw):
        self.app, self.gw = app, gw

    def __enter__(self):
        self._ctx = self.app.test_request_context(headers={"Accept-Language": "en"})
        self._ctx.push()
        self._scope = tenant_scope(self.gw.world.tenant_id)
        self._scope.__enter__()
        self.tenant = db.session.get(Tenant, self.gw.world.tenant_id)
        self.exhibition = db.session.get(Exhibition, self.gw.world.exhibition_id)
        self.gates = {g.id: g for g in db.session.scalars(select(Gate))}
        return self

    def __exit__(self, *exc):
        db.session.commit()
        db.session.remove()
        self._scope.__exit__(*exc)
        self._ctx.pop()

    def scan(self, code: str, gate_id: int | None = None, **kw):
        return services.scan(self.tenant, self.exhibition, self.gates[gate_id or self.gw.north],
                             code, device=kw.pop("device", "phone-1"), **kw)

    def sync(self, scans, gate_id: int | None = None, device: str = "phone-1"):
        return services.sync(self.tenant, self.exhibition, self.gates[gate_id or self.gw.north],
                             scans, device=device)


def test_the_tolerance_is_honoured_at_both_edges_and_wrong_slot_names_the_right_one(app, gw):
    (code, _p), = tickets(app, gw, slot_index=1)  # the second slot of tomorrow night
    with Desk(app, gw) as desk:
        slot = db.session.get(EntrySlot, gw.world.slot_ids[1])
        desk.exhibition.checkin_early_minutes, desk.exhibition.checkin_late_minutes = 15, 45
        earliest = slot.starts_at - timedelta(minutes=15)
        latest = slot.ends_at + timedelta(minutes=45)
        too_early = desk.scan(code, now=earliest - timedelta(seconds=1))
        too_late = desk.scan(code, now=latest + timedelta(seconds=1))
        assert too_early.result == too_late.result == "wrong_slot"
        from festival.checkin.answers import scan_json

        shown = scan_json(too_early, desk.tenant)
        assert shown["headline"] == "Wrong night or time"
        assert shown["ticket"]["night"] == gw.world.first_night.isoformat()
        assert shown["ticket"]["slot"] == "19:00"  # Paris time, the slot's start
        assert "at 7:00\u202fPM" in shown["detail"] or "at 7:00 PM" in shown["detail"]
        assert desk.scan(code, now=latest).result == "admitted"  # the last allowed second
    (code2, _p), = tickets(app, gw, slot_index=1, email="b@example.fr")
    with Desk(app, gw) as desk:
        slot = db.session.get(EntrySlot, gw.world.slot_ids[1])
        # The tolerance saved above (15 minutes early) admits at its first second.
        assert desk.scan(code2, now=slot.starts_at - timedelta(minutes=15)).result == "admitted"
    assert [r[0] for r in scan_rows(app, gw)] == ["wrong_slot", "wrong_slot", "admitted",
                                                  "admitted"]


def test_a_refunded_ticket_is_void_and_recorded(app, gw):
    (code, _p), = tickets(app, gw)
    with Desk(app, gw) as desk:
        order = db.session.scalar(select(Order))
        staff.refund_order(order, desk.tenant, None, None)
    with Desk(app, gw) as desk:
        outcome = desk.scan(code)
        assert outcome.result == "void"
        from festival.checkin.answers import scan_json

        assert scan_json(outcome, desk.tenant)["detail"] == \
            "This ticket was cancelled or refunded. Do not admit."
    assert scan_rows(app, gw) == [("void", 0, False)]
    assert entry_persons(app, gw) == 0


def test_forged_and_foreign_payloads_execute_no_sql_at_all(app, gw):
    (code, payload), = tickets(app, gw)
    altered_signature = payload[:-3] + ("AAA" if not payload.endswith("AAA") else "BBB")
    altered_code = payload.replace(code, "2" * len(code))
    foreign = payload.replace("LNT1.paris.", "LNT1.tokyo.")
    with Desk(app, gw) as desk:
        desk.tenant.ticket_signing_key  # noqa: B018  loaded before counting, as the view has it
        statements = []
        engine = db.session.get_bind()
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            results = [desk.scan(p).result for p in (altered_signature, altered_code, foreign,
                                                      "LNT1.paris.only-three", "LNT1..x.y")]
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        assert results == ["forged", "forged", "foreign", "forged", "forged"]
        assert statements == []
    assert scan_rows(app, gw) == []


def test_offline_scans_sync_in_order_and_a_double_admission_is_one_conflict_counted_once(app, gw):
    (a, _p), (b, _q) = tickets(app, gw, {gw.world.adult_id: 2})
    (c, _r), = tickets(app, gw, {gw.world.family_id: 1}, email="c@example.fr")
    base = gw.slot_starts + timedelta(minutes=5)
    with Desk(app, gw) as desk:
        north_batch = [OfflineScan(b, base + timedelta(seconds=20), "admitted"),
                       OfflineScan(a, base, "admitted"),
                       OfflineScan(c, base + timedelta(seconds=40), "admitted")]
        outcomes, figures = desk.sync(north_batch)
        assert [o.result for o in outcomes] == ["admitted"] * 3
        assert figures == counts.Counts(gate=6, night=6)
    with Desk(app, gw) as desk:
        south_batch = [OfflineScan(c, base + timedelta(seconds=50), "admitted")]
        outcomes, figures = desk.sync(south_batch, gate_id=gw.south, device="phone-2")
        assert [o.result for o in outcomes] == ["conflict"]
        assert figures == counts.Counts(gate=0, night=6)
        from festival.checkin.answers import scan_json

        shown = scan_json(outcomes[0], desk.tenant, with_counts=False)
        assert shown["headline"] == "Conflict: admitted twice offline"
        assert "North gate admitted it first" in shown["detail"]
        night = services.tonight(desk.exhibition, desk.tenant)
        (conflict,) = services.conflicts_of(desk.exhibition.id, night)
        assert conflict.code == c and conflict.gates == ["North gate", "South gate"]
    assert entry_persons(app, gw) == 6
    before = row_counts(app)
    with Desk(app, gw) as desk:  # the same batches again: answered from the records, nothing new
        again, _figures = desk.sync(north_batch)
        assert [o.result for o in again] == ["admitted"] * 3
        assert [o.result for o in desk.sync(south_batch, gw.south, "phone-2")[0]] == ["conflict"]
    assert row_counts(app) == before


def test_a_queued_typed_code_of_a_ticket_used_meanwhile_is_already_used_not_a_conflict(app, gw):
    (code, _p), = tickets(app, gw)
    with Desk(app, gw) as desk:
        assert desk.scan(code, gate_id=gw.south, device="phone-2").result == "admitted"
        queued = [OfflineScan(code, gw.slot_starts + timedelta(minutes=1), "queued")]
        assert [o.result for o in desk.sync(queued)[0]] == ["already_used"]


def test_the_maintained_counts_equal_a_recount_of_the_raw_scans(app, gw):
    codes = [c for c, _p in tickets(app, gw, {gw.world.adult_id: 3, gw.world.family_id: 1})]
    (late, _p), = tickets(app, gw, slot_index=2, email="late@example.fr")
    with Desk(app, gw) as desk:
        desk.scan(codes[0])
        desk.scan(codes[1], gate_id=gw.south, device="phone-2")
        desk.scan(codes[0], gate_id=gw.south, device="phone-2")  # already used
        desk.scan("UNKNOWNCODE")
        desk.scan(late)  # wrong slot
        desk.sync([OfflineScan(codes[3], gw.slot_starts, "admitted")], gate_id=gw.south,
                  device="phone-3")
        desk.sync([OfflineScan(codes[3], gw.slot_starts, "admitted")], device="phone-4")
        night = services.tonight(desk.exhibition, desk.tenant)
        maintained = counts.maintained(desk.exhibition.id, night)
        assert sum(p for p, _t in maintained.values()) == 1 + 1 + 4
        assert maintained == counts.from_scans(desk.exhibition.id, night)
        assert counts.recount(desk.exhibition.id, night) == maintained
        assert counts.maintained(desk.exhibition.id, night) == maintained
        assert db.session.scalar(select(CheckIn.result).where(CheckIn.device == "phone-4")) \
            == "conflict"
        assert db.session.get(Ticket, db.session.scalar(
            select(Ticket.id).where(Ticket.code == codes[2]))).status == "valid"


def test_more_than_500_queued_scans_are_refused(app, gw):
    with Desk(app, gw) as desk:
        with pytest.raises(Exception) as refused:
            desk.sync([OfflineScan("X", gw.slot_starts)] * 501)
        assert "at most 500" in str(refused.value)
