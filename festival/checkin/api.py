"""Check-in in the JSON API (/api/v1/…): gate devices admit tickets and send offline queues
with a token scoped checkin:write; checkin:read reads gates and entry counts.

A scan that was recorded answers 201 (a check-in was created, whatever its result); a foreign
or forged payload, refused without touching the database, answers 200. Every POST honours
Idempotency-Key like the order endpoints.
"""

from __future__ import annotations

from flask import g, jsonify, request
from flask_babel import gettext as _

from festival.api import idempotency
from festival.api.schemas import parse_date
from festival.api.views import bp, requires_scope
from festival.checkin import answers, counts, services
from festival.checkin.models import Gate
from festival.checkin.schemas import CODE_LENGTH, body_of, device, parse_sync, text, whole
from festival.checkin.verify import FOREIGN, FORGED
from festival.core.db import db
from festival.core.errors import NotFound
from festival.core.extensions import checkin_limit
from festival.exhibitions.models import Exhibition


def _exhibition(exhibition_id: int) -> Exhibition:
    exhibition = db.session.get(Exhibition, exhibition_id)  # the scope hides other tenants' rows
    if exhibition is None:
        raise NotFound(_("This exhibition does not exist."))
    return exhibition


def _place(body: dict) -> tuple[Exhibition, Gate]:
    exhibition = _exhibition(whole(body, "exhibition_id"))
    gate = db.session.get(Gate, whole(body, "gate_id"))
    if gate is None:
        raise NotFound(_("This exhibition or gate does not exist."))
    services.check_gate(exhibition, gate)
    return exhibition, gate


def _device(body: dict) -> str:
    """Scans of a token are told apart by its prefix, and by the device label it sends."""
    prefix = f"api:{g.api_token.prefix}"
    label = device(body, "")
    return f"{prefix}:{label}"[:services.DEVICE_LENGTH] if label else prefix


def _once(work: idempotency.Work):
    fingerprint = idempotency.request_fingerprint(request.method, request.path, request.get_data())
    return idempotency.run_once(g.api_token, request.headers.get(idempotency.HEADER), fingerprint,
                                work)


@bp.post("/checkins")
@checkin_limit
@requires_scope("checkin:write")
def checkin_create():
    def admit() -> tuple[dict, int]:
        body = body_of(request.get_data(), {"code", "exhibition_id", "gate_id", "device"})
        code = text(body, "code", CODE_LENGTH)
        exhibition, gate = _place(body)
        outcome = services.scan(g.api_tenant, exhibition, gate, code, device=_device(body))
        recorded = outcome.result not in (FOREIGN, FORGED)
        return answers.scan_json(outcome, g.api_tenant), 201 if recorded else 200

    return _once(admit)


@bp.post("/checkins/sync")
@checkin_limit
@requires_scope("checkin:write")
def checkin_sync():
    def synchronise() -> tuple[dict, int]:
        body = body_of(request.get_data(), {"exhibition_id", "gate_id", "device", "scans"})
        batch = parse_sync(body, "")
        exhibition, gate = _place(body)
        outcomes, figures = services.sync(g.api_tenant, exhibition, gate, batch.scans,
                                          device=_device(body))
        return {"results": [answers.scan_json(o, g.api_tenant, with_counts=False) for o in outcomes],
                "counts": answers.counts_json(figures)}, 200

    return _once(synchronise)


@bp.get("/exhibitions/<id:exhibition_id>/gates")
@requires_scope("checkin:read")
def checkin_gates(exhibition_id: int):
    exhibition = _exhibition(exhibition_id)
    return jsonify(data=[{"id": gate.id, "name": gate.name, "active": gate.is_active}
                         for gate in services.gates_of(exhibition.id)])


@bp.get("/exhibitions/<id:exhibition_id>/entries")
@requires_scope("checkin:read")
def checkin_entries(exhibition_id: int):
    """Persons and tickets admitted per slot and gate on one night (default: tonight)."""
    exhibition = _exhibition(exhibition_id)
    night = parse_date(request.args.get("night"), "night") or services.tonight(exhibition,
                                                                                g.api_tenant)
    rows = counts.entries(exhibition.id, night)
    return jsonify(night=night.isoformat(), exhibition_id=exhibition.id,
                   total={"persons": sum(r.persons for r in rows),
                          "tickets": sum(r.tickets for r in rows)},
                   data=[{"slot_id": r.slot_id, "gate_id": r.gate_id, "persons": r.persons,
                          "tickets": r.tickets} for r in rows])
