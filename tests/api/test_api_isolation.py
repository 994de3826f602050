"""A token sees its own tenant only: another tenant's ids are 404 on every /api/v1 route and
nothing is written; lists never show another tenant's rows.

The routes come from the app's URL map, so a route added later with an id is walked too
(tests/security/routes_api.py allow-lists /api/v1 on the strength of this test).
"""

from __future__ import annotations

import re

from festival.api import tokens
from tests.api.conftest import Api, make_token, new_key, order_body
from tests.conftest import row_counts

ID = re.compile(r"<id:([^<>]+)>")


def api_rules(app) -> list:
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")]


def ids_of(api: Api, world) -> dict[str, int]:
    """Every kind of id an /api/v1 route takes, for one tenant: a fresh pending order each time."""
    order = api.post("/orders", order_body(world))
    assert order.status_code == 201, order.get_json()
    return {"exhibition_id": world.exhibition_id, "order_id": order.get_json()["id"]}


def path_of(rule, ids: dict[str, int]) -> str:
    return ID.sub(lambda match: str(ids[match.group(1)]), rule.rule).removeprefix("/api/v1")


def request(api: Api, method: str, path: str):
    if method == "GET":
        return api.get(path)
    return api.post(path, key=new_key())


def test_every_route_with_an_id_answers_404_for_another_tenant_s_ids(app, paris, tokyo):
    every_scope = list(tokens.SCOPES)
    paris_api = Api(app.test_client(), make_token(app, paris.tenant_id, every_scope))
    tokyo_api = Api(app.test_client(), make_token(app, tokyo.tenant_id, every_scope))
    rules = [rule for rule in api_rules(app) if ID.search(rule.rule)]
    assert len(rules) >= 4
    problems = []
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = path_of(rule, ids_of(tokyo_api, tokyo))
            before = row_counts(app)
            response = request(paris_api, method, path)
            if response.status_code != 404:
                problems.append(f"{method} {path} with Paris's token: {response.status_code}")
            elif response.get_json()["error"]["status"] != 404:
                problems.append(f"{method} {path}: not a JSON error")
            if row_counts(app) != before:
                problems.append(f"{method} {path} with Paris's token wrote something")
            own_path = path_of(rule, ids_of(paris_api, paris))
            works = request(paris_api, method, own_path)
            if not 200 <= works.status_code < 300:
                problems.append(f"{method} {own_path} (own ids): {works.status_code}")
    assert not problems, "\n".join(problems)


def test_lists_show_only_the_token_s_tenant(app, paris, tokyo):
    every_scope = list(tokens.SCOPES)
    paris_api = Api(app.test_client(), make_token(app, paris.tenant_id, every_scope))
    tokyo_api = Api(app.test_client(), make_token(app, tokyo.tenant_id, every_scope))
    mine = paris_api.post("/orders", order_body(paris)).get_json()
    theirs = tokyo_api.post("/orders", order_body(tokyo, email="yuki@example.jp")).get_json()
    exhibitions = paris_api.get("/exhibitions").get_json()["data"]
    assert [e["id"] for e in exhibitions] == [paris.exhibition_id]
    listed = paris_api.get("/orders").get_json()
    assert [o["id"] for o in listed["data"]] == [mine["id"]] and listed["meta"]["total"] == 1
    assert paris_api.get("/orders?email=yuki@example.jp").get_json()["meta"]["total"] == 0
    assert tokyo_api.get("/orders").get_json()["data"][0]["id"] == theirs["id"]
    assert tokyo_api.get("/orders").get_json()["data"][0]["currency"] == "JPY"


def test_another_tenant_s_slot_and_ticket_types_cannot_be_ordered(app, paris, tokyo):
    paris_api = Api(app.test_client(), make_token(app, paris.tenant_id))
    before = row_counts(app)
    their_slot = paris_api.post("/orders", order_body(paris, slot_id=tokyo.slot_ids[0]), key="x-1")
    assert their_slot.status_code == 400
    assert their_slot.get_json()["error"]["message"] == "This entry slot does not exist. Choose another."
    their_type = paris_api.post("/orders", order_body(
        paris, items=[{"ticket_type_id": tokyo.adult_id, "quantity": 1}]), key="x-2")
    assert their_type.status_code == 400
    assert their_type.get_json()["error"]["message"] == "This ticket type is not sold for this exhibition."
    assert row_counts(app) == before
