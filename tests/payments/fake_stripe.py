"""A local server that answers the Stripe API calls Lantern makes, and checks what it is sent.

The real ``stripe`` library talks to it (STRIPE_API_BASE). It refuses what Stripe would refuse
for these calls (a missing key, a decimal amount, an upper-case currency, a session expiring
in under 30 minutes) and records every call so tests can read the form-encoded bodies.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import time
from dataclasses import dataclass

from werkzeug import Request, Response

SECRET_KEY = "sk_test_lantern"
WEBHOOK_SECRET = "whsec_lantern_test"
_numbers = itertools.count(1)


@dataclass
class Call:
    method: str
    path: str
    form: dict[str, str]
    headers: dict[str, str]

    @property
    def account(self) -> str | None:
        return self.headers.get("Stripe-Account")

    def line_items(self) -> list[dict[str, str]]:
        """``line_items[0][price_data][unit_amount]=1850`` and so on, one dict per item."""
        items: dict[int, dict[str, str]] = {}
        for key, value in self.form.items():
            match = re.fullmatch(r"line_items\[(\d+)\]\[(.+)", key)
            if match:
                items.setdefault(int(match.group(1)), {})["[" + match.group(2)] = value
        return [items[i] for i in sorted(items)]


def _error(message: str, status: int = 400, kind: str = "invalid_request_error") -> Response:
    return Response(json.dumps({"error": {"type": kind, "message": message}}), status=status,
                    content_type="application/json")


def _json(body: dict) -> Response:
    return Response(json.dumps(body), content_type="application/json",
                    headers={"Request-Id": f"req_{next(_numbers)}"})


class FakeStripe:
    """Checkout Sessions (create, retrieve) and Refunds (create), as Stripe answers them."""

    def __init__(self, server):
        self.server = server
        self.calls: list[Call] = []
        self.sessions: dict[str, dict] = {}
        self.refuse_next: str | None = None
        server.expect_request(re.compile(r"^/v1/checkout/sessions$"), method="POST") \
            .respond_with_handler(self._create_session)
        server.expect_request(re.compile(r"^/v1/checkout/sessions/[^/]+$"), method="GET") \
            .respond_with_handler(self._retrieve_session)
        server.expect_request("/v1/refunds", method="POST").respond_with_handler(self._create_refund)

    # --- what tests read -------------------------------------------------------------------------

    def of(self, method: str, path_start: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.path.startswith(path_start)]

    @property
    def session_creations(self) -> list[Call]:
        return self.of("POST", "/v1/checkout/sessions")

    @property
    def refunds(self) -> list[Call]:
        return self.of("POST", "/v1/refunds")

    # --- the API -----------------------------------------------------------------------------------

    def _record(self, request: Request) -> Call | Response:
        call = Call(request.method, request.path, dict(request.form.items()), dict(request.headers))
        self.calls.append(call)
        if request.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
            return _error("Invalid API Key provided.", 401, "authentication_error")
        if request.method == "POST" and not request.content_type.startswith(
                "application/x-www-form-urlencoded"):
            return _error("Stripe takes form-encoded bodies.")
        if self.refuse_next:
            message, self.refuse_next = self.refuse_next, None
            return _error(message)
        return call

    def _create_session(self, request: Request) -> Response:
        call = self._record(request)
        if isinstance(call, Response):
            return call
        form = call.form
        for name in ("mode", "success_url", "cancel_url", "customer_email", "locale", "expires_at"):
            if not form.get(name):
                return _error(f"Missing required param: {name}.")
        if int(form["expires_at"]) < time.time() + 30 * 60:
            return _error("The `expires_at` timestamp must be at least 30 minutes from now.")
        total = 0
        items = call.line_items()
        if not items:
            return _error("Missing required param: line_items.")
        for item in items:
            amount, quantity = item.get("[price_data][unit_amount]", ""), item.get("[quantity]", "")
            currency = item.get("[price_data][currency]", "")
            if not amount.isdigit() or not quantity.isdigit():
                return _error("Invalid integer: amounts are whole numbers of the smallest unit.")
            if not re.fullmatch(r"[a-z]{3}", currency):
                return _error(f"Invalid currency: {currency}.")
            total += int(amount) * int(quantity)
        fee = form.get("payment_intent_data[application_fee_amount]")
        if fee is not None and not call.account:
            return _error("Can only apply an application_fee_amount when the PaymentIntent is "
                          "attempting a direct payment (using an OAuth key or Stripe-Account header)")
        session_id = f"cs_test_{next(_numbers):06d}"
        session = {
            "id": session_id, "object": "checkout.session", "livemode": False, "mode": "payment",
            "status": "open", "payment_status": "unpaid", "amount_total": total,
            "currency": items[0]["[price_data][currency]"], "customer_email": form["customer_email"],
            "client_reference_id": form.get("client_reference_id"),
            "expires_at": int(form["expires_at"]), "locale": form["locale"],
            "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
            "payment_intent": None, "success_url": form["success_url"],
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
        }
        self.sessions[session_id] = session
        return _json(session)

    def _retrieve_session(self, request: Request) -> Response:
        call = self._record(request)
        if isinstance(call, Response):
            return call
        session = self.sessions.get(request.path.rsplit("/", 1)[-1])
        if session is None:
            return _error("No such checkout.session", 404)
        return _json(session)

    def _create_refund(self, request: Request) -> Response:
        call = self._record(request)
        if isinstance(call, Response):
            return call
        if not call.form.get("amount", "").isdigit() or not call.form.get("payment_intent"):
            return _error("A refund needs a payment_intent and a whole amount.")
        return _json({"id": f"re_test_{next(_numbers):06d}", "object": "refund",
                      "amount": int(call.form["amount"]), "payment_intent": call.form["payment_intent"],
                      "status": "succeeded"})


# --- webhooks: payloads signed as Stripe signs them -----------------------------------------------

def signature(payload: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """``t=<timestamp>,v1=<HMAC-SHA256 of "<t>.<payload>">``, Stripe's scheme."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def event_payload(event_type: str, obj: dict, account: str | None = None,
                  event_id: str | None = None) -> str:
    body = {"id": event_id or f"evt_test_{next(_numbers):06d}", "object": "event",
            "api_version": "2025-01-27.acacia", "created": int(time.time()), "livemode": False,
            "type": event_type, "data": {"object": obj}, "pending_webhooks": 1}
    if account:
        body["account"] = account
    return json.dumps(body)


def paid_session(session: dict, intent: str | None = None) -> dict:
    """The session as checkout.session.completed carries it once the visitor paid."""
    return {**session, "status": "complete", "payment_status": "paid",
            "payment_intent": intent or f"pi_test_{next(_numbers):06d}"}
