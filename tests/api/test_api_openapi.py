"""The OpenAPI document describes exactly the routes there are, each with security and responses."""

from __future__ import annotations

import json
import re

ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
METHODS = {"get", "post", "put", "patch", "delete"}


def routes(app) -> dict[str, set[str]]:
    """{"/orders/{order_id}": {"get"}, …} from the URL map, relative to /api/v1."""
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = ARGUMENT.sub(r"{\1}", rule.rule.removeprefix("/api/v1"))
            found.setdefault(path, set()).update(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    return found


def test_the_document_is_public_json_of_openapi_3_1(app):
    response = app.test_client().get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = json.loads(response.get_data(as_text=True))
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": "/api/v1"}]
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "lnt_<prefix>_<secret>",
        "description": document["components"]["securitySchemes"]["bearerAuth"]["description"]}
    assert set(document["components"]["schemas"]["Error"]["properties"]["error"]["properties"]) == {
        "status", "title", "message"}


def test_every_route_is_described_and_every_description_is_a_route(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    described = {path: {m for m in item if m in METHODS} for path, item in document["paths"].items()}
    assert described == routes(app)


def test_every_operation_has_security_responses_and_the_scope_its_view_requires(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    problems = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        view = app.view_functions[rule.endpoint]
        path = ARGUMENT.sub(r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = document["paths"][path][method.lower()]
            scope = getattr(view, "required_scope", None)
            if "security" not in operation or not operation.get("responses"):
                problems.append(f"{method} {path}: no security or no responses")
            if scope is None and not getattr(view, "public", False):
                problems.append(f"{method} {path}: the view neither requires a scope nor is public")
            expected = [{"bearerAuth": [scope]}] if scope else []
            if operation["security"] != expected:
                problems.append(f"{method} {path}: security {operation['security']}, view needs {scope}")
            if scope and not {"401", "403"} <= set(operation["responses"]):
                problems.append(f"{method} {path}: 401/403 not described")
            if method == "POST":
                names = [p.get("$ref", "") for p in operation.get("parameters", [])]
                if "#/components/parameters/IdempotencyKey" not in names:
                    problems.append(f"{method} {path}: Idempotency-Key not described")
            for parameter in ARGUMENT.findall(rule.rule):
                declared = [p for p in operation.get("parameters", [])
                            if p.get("name") == parameter or p.get("$ref", "").lower().endswith(
                                parameter.replace("_", ""))]
                if not declared:
                    problems.append(f"{method} {path}: path parameter {parameter} not described")
    assert not problems, "\n".join(problems)


def test_every_reference_resolves(app):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    references = re.findall(r'"\$ref": "#/([^"]+)"', json.dumps(document))
    assert references
    for reference in references:
        node = document
        for part in reference.split("/"):
            assert part in node, reference
            node = node[part]


def test_the_order_example_creates_an_order_when_its_ids_are_real(app, api, paris):
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    example = document["paths"]["/orders"]["post"]["requestBody"]["content"]["application/json"][
        "example"]
    body = {**example, "slot_id": paris.slot_ids[0],
            "items": [{"ticket_type_id": paris.adult_id, "quantity": 2}]}
    assert api.post("/orders", body).status_code == 201
