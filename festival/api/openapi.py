"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json.

Written by hand next to the views; tests/api/test_api_openapi.py checks that every route is
described here and every path described here is a route, with the same token scope.
"""

from __future__ import annotations

import copy
from functools import cache

from festival.api.idempotency import HEADER, REPLAYED_HEADER
from festival.api.schemas import PAYMENT_CHOICES
from festival.core.i18n import LOCALES
from festival.ticketing.models import Order


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def _schema(name: str) -> dict:
    return _ref("schemas", name)


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _list_of(name: str, paginated: bool = False) -> dict:
    body = {"type": "object", "required": ["data"],
            "properties": {"data": {"type": "array", "items": _schema(name)}}}
    if paginated:
        body["required"].append("meta")
        body["properties"]["meta"] = _schema("PageMeta")
    return body


STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
INTEGER = {"type": "integer"}
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
MONEY = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$", "description": "A decimal amount.",
         "examples": ["18.50"]}
TIME = {"type": "string", "format": "date-time", "description": "ISO 8601, in UTC."}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time", "description": "ISO 8601, in UTC."}
DATE = {"type": "string", "format": "date"}
TEXTS = {"type": "object", "additionalProperties": STRING,
         "description": "One text per language code, e.g. {\"fr\": \"…\", \"en\": \"…\"}."}


def _object(properties: dict, required: list[str] | None = None) -> dict:
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required}


def _closed(properties: dict, required: list[str]) -> dict:
    """A request body: the views refuse unknown fields (a typo is never ignored), so say so."""
    return {**_object(properties, required), "additionalProperties": False}


ORDER_SUMMARY = {
    "id": INTEGER, "code": {"type": "string", "examples": ["K7Q2-M9XD"]},
    "status": {"type": "string", "enum": list(Order.STATUSES)},
    "channel": {"type": "string", "enum": list(Order.CHANNELS)},
    "payment_method": STRING, "email": {"type": "string", "format": "email"}, "name": STRING,
    "locale": STRING, "exhibition_id": INTEGER, "slot_id": INTEGER,
    "persons": {"type": "integer", "description": "Places the order holds in its slot."},
    "currency": STRING, "subtotal": MONEY, "discount": MONEY, "tax_total": MONEY, "total": MONEY,
    "prices_include_vat": {"type": "boolean"}, "refunded_amount": MONEY, "created_at": TIME,
    "expires_at": {**NULLABLE_TIME, "description": "A pending order holds its places until then."},
    "paid_at": NULLABLE_TIME, "cancelled_at": NULLABLE_TIME,
}

SCHEMAS = {
    "Error": _object({"error": _object({
        "status": INTEGER, "title": STRING,
        "message": {"type": "string", "description": "What went wrong, for a person to read "
                                                     "(in the language of Accept-Language)."},
    })}),
    "PageMeta": _object({"page": INTEGER, "per_page": INTEGER,
                         "total": {"type": "integer", "description": "Rows on all pages."}}),
    "Exhibition": _object({
        "id": INTEGER, "slug": STRING, "titles": TEXTS,
        "venue": _object({"name": STRING, "address": STRING}),
        "season": _object({"start": DATE, "end": DATE}),
        "status": {"type": "string", "enum": ["planning", "on_sale", "running", "closed", "reported"]},
        "timezone": {"type": "string", "description": "IANA timezone of the tenant."},
        "currency": {"type": "string", "description": "ISO 4217 currency of the tenant."},
    }),
    "Slot": _object({
        "id": INTEGER,
        "night": {**DATE, "description": "The date on which the night opens."},
        "starts_at": TIME, "ends_at": TIME, "capacity": {"type": "integer", "description": "Persons."},
        "remaining": {"type": "integer", "description": "Persons that can still be sold."},
        "closed": {"type": "boolean", "description": "Closed slots sell nothing."},
    }),
    "TicketType": _object({
        "id": INTEGER, "names": TEXTS,
        "category": {"type": "string", "enum": ["adult", "child", "concession", "family", "vip"]},
        "price": MONEY, "currency": STRING, "vat_rate": {**MONEY, "description": "Percent."},
        "persons": {"type": "integer", "description": "Places one ticket takes."},
        "sale_starts_at": NULLABLE_TIME, "sale_ends_at": NULLABLE_TIME,
        "min_per_order": INTEGER, "max_per_order": INTEGER, "active": {"type": "boolean"},
    }),
    "OrderSummary": _object(ORDER_SUMMARY),
    "OrderLine": _object({
        "id": INTEGER, "ticket_type_id": INTEGER, "quantity": INTEGER, "persons_each": INTEGER,
        "unit_price": MONEY, "discount": MONEY, "total": MONEY, "vat_rate": MONEY, "tax": MONEY,
    }),
    "Ticket": _object({
        "id": INTEGER, "code": STRING, "ticket_type_id": INTEGER, "persons": INTEGER,
        "holder_name": STRING, "status": {"type": "string", "enum": ["valid", "used", "void"]},
        "price": MONEY,
        "qr_payload": {"type": "string", "description": "LNT1.<tenant>.<code>.<Ed25519 signature>, "
                                                        "verifiable offline with the tenant's key."},
    }),
    "Payment": _object({
        "id": INTEGER, "kind": {"type": "string", "enum": ["charge", "refund"]}, "provider": STRING,
        "reference": STRING, "amount": MONEY, "currency": STRING, "created_at": TIME,
    }),
    "Order": _object({
        **ORDER_SUMMARY,
        "order_url": {"type": "string", "format": "uri",
                      "description": "The visitor's order page (pay, see and download tickets)."},
        "lines": {"type": "array", "items": _schema("OrderLine")},
        "tickets": {"type": "array", "items": _schema("Ticket"),
                    "description": "Issued once the order is paid."},
        "payments": {"type": "array", "items": _schema("Payment")},
    }),
    "OrderRequest": {
        "type": "object", "additionalProperties": False,
        "required": ["slot_id", "items", "email", "name"],
        "properties": {
            "slot_id": ID,
            "items": {"type": "array", "minItems": 1, "items": {
                "type": "object", "additionalProperties": False,
                "required": ["ticket_type_id", "quantity"],
                "properties": {"ticket_type_id": ID, "quantity": ID}},
                "description": "Each ticket type at most once."},
            "email": {"type": "string", "format": "email", "maxLength": 254},
            "name": {"type": "string", "minLength": 1, "maxLength": 160},
            "locale": {"type": "string", "enum": list(LOCALES),
                       "description": "The visitor's language; the tenant's default if omitted."},
            "voucher_code": {"type": "string", "maxLength": 40},
            "payment": {"type": "string", "enum": list(PAYMENT_CHOICES), "default": "pending",
                        "description": "pending: the order holds its places until it expires "
                                       "or the visitor pays on the order page. cash, card_on_site: "
                                       "a box-office device took the money; the order is paid at "
                                       "once and its tickets issued."},
        },
    },
}

ERRORS = {
    "BadRequest": "The request could not be understood (malformed JSON, bad query value, unknown "
                  "slot or ticket type, a rule of the order refused it). Nothing was written.",
    "Unauthorized": "No token, or a token that is unknown or revoked. The answer carries "
                    "WWW-Authenticate: Bearer.",
    "Forbidden": "The token lacks the scope this operation needs, or its organisation is "
                 "suspended.",
    "NotFound": "No such object for this token's organisation (other organisations' objects "
                "do not exist here).",
    "Conflict": "The state does not allow it: the slot is sold out or closed, sales are not open, "
                "the order is no longer pending. Nothing was written.",
    "Unprocessable": "The JSON is well formed but a field is missing, unknown or of the wrong "
                     "type, or the Idempotency-Key was used for another request. Nothing was "
                     "written.",
}
STATUS_OF = {"BadRequest": "400", "Unauthorized": "401", "Forbidden": "403", "NotFound": "404",
             "Conflict": "409", "Unprocessable": "422"}

PARAMETERS = {
    "IdempotencyKey": {
        "name": HEADER, "in": "header", "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"},
        "description": "Optional, recommended for every retry-prone client. The first successful "
                       "answer to a POST with this key (per token) is stored; a retry with the same "
                       f"key and body gets it again, with the header {REPLAYED_HEADER}: true, and "
                       "creates nothing. The same key with another body is refused with 422. "
                       "Refused requests are not stored: they wrote nothing and may be retried.",
    },
    "Page": {"name": "page", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "default": 1}},
    "PerPage": {"name": "per_page", "in": "query", "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": 500},
                "description": "Rows per page (at most 500)."},
    "ExhibitionId": {"name": "exhibition_id", "in": "path", "required": True,
                     "schema": {"type": "integer", "minimum": 1}},
    "OrderId": {"name": "order_id", "in": "path", "required": True,
                "schema": {"type": "integer", "minimum": 1}},
}


def _operation(operation_id: str, summary: str, scope: str | None, ok: dict, errors: list[str],
               parameters: list[dict] | None = None, body: dict | None = None) -> dict:
    responses = dict(ok)
    for name in (["Unauthorized", "Forbidden"] if scope else []) + errors:
        responses[STATUS_OF[name]] = _ref("responses", name)
    operation = {"operationId": operation_id, "summary": summary, "responses": responses,
                 # 3.1: the roles a bearer token needs; an empty list: no token needed.
                 "security": [{"bearerAuth": [scope]}] if scope else []}
    if scope:
        operation["x-required-scope"] = scope
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = body
    return operation


_ORDER_BODY = {"required": True, "content": {"application/json": {"schema": _schema("OrderRequest"),
                                                                   "example": {
    "slot_id": 42, "items": [{"ticket_type_id": 7, "quantity": 2}], "email": "ada@example.com",
    "name": "Ada Lovelace", "locale": "en", "payment": "pending"}}}}

PATHS = {
    "/exhibitions": {"get": _operation(
        "listExhibitions", "The organisation's exhibitions", "orders:read",
        {"200": _json(_list_of("Exhibition"), "Every exhibition, by season.")}, [])},
    "/exhibitions/{exhibition_id}/slots": {"get": _operation(
        "listSlots", "Entry slots of an exhibition with their remaining places", "orders:read",
        {"200": _json(_list_of("Slot", paginated=True), "Slots in time order, one page.")},
        ["BadRequest", "NotFound"],
        [_ref("parameters", "ExhibitionId"),
         {"name": "night", "in": "query", "required": False, "schema": DATE,
          "description": "Only this night (not together with from/to)."},
         {"name": "from", "in": "query", "required": False, "schema": DATE,
          "description": "First night, inclusive."},
         {"name": "to", "in": "query", "required": False, "schema": DATE,
          "description": "Last night, inclusive; at most 366 nights after from."},
         _ref("parameters", "Page"), _ref("parameters", "PerPage")])},
    "/exhibitions/{exhibition_id}/ticket-types": {"get": _operation(
        "listTicketTypes", "Ticket types of an exhibition", "orders:read",
        {"200": _json(_list_of("TicketType"), "Ticket types in the order the shop shows them.")},
        ["NotFound"], [_ref("parameters", "ExhibitionId")])},
    "/orders": {
        "get": _operation(
            "listOrders", "Orders, newest first", "orders:read",
            {"200": _json(_list_of("OrderSummary", paginated=True), "One page of orders.")},
            ["BadRequest"],
            [{"name": "status", "in": "query", "required": False,
              "schema": {"type": "string", "enum": list(Order.STATUSES)}},
             {"name": "email", "in": "query", "required": False,
              "schema": {"type": "string", "format": "email"}},
             _ref("parameters", "Page"), _ref("parameters", "PerPage")]),
        "post": _operation(
            "createOrder", "Create an order under the slot's capacity rules", "orders:write",
            {"201": _json(_schema("Order"), "The order: pending (holding its places until "
                                            "expires_at), or paid with its tickets.")},
            ["BadRequest", "NotFound", "Conflict", "Unprocessable"],
            [_ref("parameters", "IdempotencyKey")], _ORDER_BODY),
    },
    "/orders/{order_id}": {"get": _operation(
        "getOrder", "An order with its lines, tickets (with signed QR payloads) and payments",
        "orders:read", {"200": _json(_schema("Order"), "The order.")}, ["NotFound"],
        [_ref("parameters", "OrderId")])},
    "/orders/{order_id}/cancel": {"post": _operation(
        "cancelOrder", "Cancel a pending order: its places return at once", "orders:write",
        {"200": _json(_schema("Order"), "The cancelled order.")},
        ["BadRequest", "NotFound", "Conflict", "Unprocessable"],
        [_ref("parameters", "OrderId"), _ref("parameters", "IdempotencyKey")])},
    "/openapi.json": {"get": _operation(
        "getOpenApi", "This description", None,
        {"200": {"description": "The OpenAPI document.",
                 "content": {"application/json": {"schema": {"type": "object"}}}}}, [])},
}

# --- check-in (festival/checkin/api.py) ------------------------------------------------------------

_RESULTS = ["admitted", "already_used", "wrong_slot", "void", "unknown", "foreign", "forged",
            "conflict"]
_COUNTS = {"type": ["object", "null"], "required": ["gate", "night"],
           "properties": {"gate": INTEGER, "night": INTEGER},
           "description": "Persons admitted tonight at this gate and at every gate; null for a "
                          "foreign or forged payload (answered without reading anything)."}
_SCAN_RESULT = _object({
    "result": {"type": "string", "enum": _RESULTS},
    "headline": {"type": "string", "description": "Short, in the Accept-Language language."},
    "detail": {"type": "string", "description": "A sentence: ticket type and persons, or when "
                                                "and at which gate it was used, or the right "
                                                "night and time."},
    "ticket": {"type": ["object", "null"], "properties": {
        "code": STRING, "type": STRING, "persons": INTEGER, "night": DATE,
        "slot": {"type": "string", "description": "The slot's start, HH:MM on the tenant's clock."}}},
})
SCHEMAS.update({
    "ScanRequest": _closed({"code": {"type": "string", "minLength": 1, "maxLength": 400,
                                     "description": "The QR payload LNT1.<slug>.<code>.<sig> or "
                                                    "a typed ticket code."},
                            "exhibition_id": ID, "gate_id": ID,
                            "device": {"type": "string", "maxLength": 64}},
                           ["code", "exhibition_id", "gate_id"]),
    "ScanAnswer": {**_SCAN_RESULT, "properties": {**_SCAN_RESULT["properties"], "counts": _COUNTS},
                   "required": [*_SCAN_RESULT["required"], "counts"]},
    "SyncRequest": _closed({
        "exhibition_id": ID, "gate_id": ID, "device": {"type": "string", "maxLength": 64},
        "scans": {"type": "array", "maxItems": 500, "items": _closed({
            "code": {"type": "string", "minLength": 1, "maxLength": 400},
            "scanned_at": {"type": "string", "format": "date-time",
                           "description": "The device's clock, ISO 8601 with its offset."},
            "offline_result": {"type": "string", "enum": ["admitted", "queued"]}},
            ["code", "scanned_at"])}}, ["exhibition_id", "gate_id", "scans"]),
    "SyncAnswer": _object({"results": {"type": "array", "items": _SCAN_RESULT,
                                       "description": "One per scan, in the order sent."},
                           "counts": _COUNTS}),
    "Gate": _object({"id": INTEGER, "name": STRING, "active": {"type": "boolean"}}),
    "Entries": _object({
        "night": DATE, "exhibition_id": INTEGER,
        "total": _object({"persons": INTEGER, "tickets": INTEGER}),
        "data": {"type": "array", "items": _object({"slot_id": INTEGER, "gate_id": INTEGER,
                                                    "persons": INTEGER, "tickets": INTEGER})}}),
})
PATHS.update({
    "/checkins": {"post": _operation(
        "createCheckIn", "Scan a ticket at a gate: admitted at most once, whatever the gates",
        "checkin:write",
        {"201": _json(_schema("ScanAnswer"), "The scan was recorded, whatever its result "
                                             "(admitted, already used, wrong slot, void, unknown)."),
         "200": _json(_schema("ScanAnswer"), "A foreign or forged payload: refused without "
                                             "touching the database, not recorded.")},
        ["BadRequest", "NotFound", "Conflict", "Unprocessable"],
        [_ref("parameters", "IdempotencyKey")],
        {"required": True, "content": {"application/json": {"schema": _schema("ScanRequest")}}})},
    "/checkins/sync": {"post": _operation(
        "syncCheckIns", "Send the scans a device queued offline (at most 500)", "checkin:write",
        {"200": _json(_schema("SyncAnswer"), "Each scan recorded once (a batch sent again "
                                             "creates nothing); a ticket admitted offline after "
                                             "another device admitted it is a conflict, counted "
                                             "once.")},
        ["BadRequest", "NotFound", "Conflict", "Unprocessable"],
        [_ref("parameters", "IdempotencyKey")],
        {"required": True, "content": {"application/json": {"schema": _schema("SyncRequest")}}})},
    "/exhibitions/{exhibition_id}/gates": {"get": _operation(
        "listGates", "The gates of an exhibition", "checkin:read",
        {"200": _json(_list_of("Gate"), "Gates by name.")}, ["NotFound"],
        [_ref("parameters", "ExhibitionId")])},
    "/exhibitions/{exhibition_id}/entries": {"get": _operation(
        "getEntries", "Persons admitted per slot and gate on one night", "checkin:read",
        {"200": _json(_schema("Entries"), "The night's maintained entry counts.")},
        ["BadRequest", "NotFound"],
        [_ref("parameters", "ExhibitionId"),
         {"name": "night", "in": "query", "required": False, "schema": DATE,
          "description": "The night (the local date it opens); default tonight."}])},
})


@cache
def _document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Lantern API", "version": "1",
            "description": "Exhibitions, entry slots with remaining capacity, ticket types and "
                           "orders of one organisation (the token's), for integrations and "
                           "box-office devices. Authenticate with `Authorization: Bearer <token>`; "
                           "staff create tokens in the portal under API tokens. Errors answer "
                           "{\"error\": {\"status\", \"title\", \"message\"}}.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearerAuth": {
                "type": "http", "scheme": "bearer", "bearerFormat": "lnt_<prefix>_<secret>",
                "description": "A token created by staff; scopes orders:read, orders:write, "
                               "checkin:read and checkin:write."}},
            "schemas": SCHEMAS,
            "parameters": PARAMETERS,
            "responses": {name: _json(_schema("Error"), text) for name, text in ERRORS.items()},
        },
    }


def document() -> dict:
    """The description (a copy: callers may change theirs)."""
    return copy.deepcopy(_document())
