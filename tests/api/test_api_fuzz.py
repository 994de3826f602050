"""Schemathesis fuzzes /api/v1 against its own OpenAPI document, with a token that has every scope.

Every operation of the document gets the coverage phase's boundary and malformed values, then
generated requests, valid (positive) and invalid (negative), sent to the app in-process over
WSGI with a valid bearer token. Each answer must not be a server error, must have a status the
document lists, and must match the schema the document gives for it. Half of the generated
requests have their ids swapped for the world's real ones (exhibition, slots, ticket types,
gates, an order, paid tickets' codes), so the fuzzing reaches the 2xx answers and their schemas,
not only 404s; and the test fails if an operation answered nothing but 401/403 (proving nothing).

The budget is bounded: a few generated examples per operation and mode, no Hypothesis deadline
(the machine is shared), no example database; the whole test takes a minute or two.
(Schemathesis's own pytest plugin, ``schema.parametrize()``, does not run under pytest 9 yet,
so the test walks the operations itself.)
"""

from __future__ import annotations

from collections import Counter

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.api.conftest import make_token
from tests.checkin.gates import build_gate_world, tickets

EVERY_SCOPE = ["orders:read", "orders:write", "checkin:read", "checkin:write"]
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 50, GenerationMode.NEGATIVE: 25}
REFUSALS = {401, 403}
BUDGET = settings(deadline=None, database=None, derandomize=True, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck))


def _with_real_ids(case, real: dict, draw):
    """The case with its ids (in the path and the body) replaced by existing ones."""
    path = case.path_parameters or {}
    for name in ("exhibition_id", "order_id"):
        if name in path:
            path[name] = draw(st.sampled_from(real[name]))
    body = case.body
    if isinstance(body, dict):
        for name in ("slot_id", "exhibition_id", "gate_id", "code"):
            if name in body:
                body[name] = draw(st.sampled_from(real[name]))
        if isinstance(body.get("items"), list):
            types = draw(st.lists(st.sampled_from(real["ticket_type_id"]), min_size=1, unique=True))
            body["items"] = [{"ticket_type_id": t, "quantity": draw(st.integers(1, 2))} for t in types]
        for scan in body.get("scans") if isinstance(body.get("scans"), list) else []:
            if isinstance(scan, dict):
                scan["code"] = draw(st.sampled_from(real["code"]))
    return case


def _fuzzed_schema(app, factory) -> tuple:
    """The API's schema as served, with a token of every scope and a world with real data."""
    gw = build_gate_world(app, factory)
    world = gw.world
    paid = tickets(app, gw, {world.adult_id: 1, world.child_id: 1})
    real = {"exhibition_id": [world.exhibition_id], "order_id": [1],
            "slot_id": world.slot_ids[:2], "gate_id": [gw.north, gw.closed],
            "ticket_type_id": [world.adult_id, world.child_id, world.family_id],
            "code": [code for pair in paid for code in pair]}
    token = make_token(app, world.tenant_id, EVERY_SCOPE, name="Fuzzer")
    # The token is sent by the test itself, on every request; schemathesis is told not to
    # generate (mostly broken) Authorization headers of its own: 401s prove nothing.
    config = schemathesis.Config.from_dict({"generation": {"with-security-parameters": False}})
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)

    @schema.hook("flatmap_case")
    def real_ids_half_the_time(context, case):
        return st.booleans().flatmap(
            lambda swap: st.composite(lambda draw: _with_real_ids(case, real, draw))()
            if swap else st.just(case))

    return schema, {"Authorization": f"Bearer {token}"}


def test_every_operation_survives_fuzzing_with_a_valid_token(app, factory, monkeypatch):
    # Throttling has its own tests (test_api_rate_limits.py); here it would only answer 429.
    monkeypatch.setitem(app.config, "ORDER_API_RATE_LIMIT", "100000 per minute")
    monkeypatch.setitem(app.config, "CHECKIN_RATE_LIMIT", "100000 per minute")
    schema, bearer = _fuzzed_schema(app, factory)
    statuses: dict[str, Counter] = {}

    for result in schema.get_all_operations():
        operation = result.ok()  # a part of the document schemathesis cannot read fails here
        seen = statuses.setdefault(operation.label, Counter())

        def send(case, seen=seen):
            response = case.call(headers=bearer)
            seen[response.status_code] += 1
            case.validate_response(response, checks=CHECKS, headers=bearer)

        coverage = schema.config.generation_for(operation=operation, phase="coverage")
        for case in schema.iter_coverage_cases(operation, generation_modes=list(GenerationMode),
                                               generation_config=coverage):
            send(case)
        for mode, examples in EXAMPLES.items():
            fuzz = given(case=operation.as_strategy(generation_mode=mode))(lambda case: send(case))
            try:
                settings(BUDGET, max_examples=examples)(fuzz)()
            except Unsatisfiable:
                # No invalid request exists for an operation without input (GET /exhibitions).
                assert mode is GenerationMode.NEGATIVE, operation.label

    assert statuses, "the document describes no operation"
    refused_only = sorted(label for label, seen in statuses.items() if set(seen) <= REFUSALS)
    assert not refused_only, f"answered nothing but 401/403: {refused_only}"
    # The real ids let every operation succeed at least once: its 2xx schema was checked too.
    never_ok = sorted(label for label, seen in statuses.items()
                      if not any(200 <= status < 300 for status in seen))
    assert not never_ok, f"never answered 2xx: {never_ok}\n{statuses}"
