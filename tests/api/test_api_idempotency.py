"""Idempotency-Key: a retrying device gets the first answer back and never creates a second order."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import func, select

from festival.api.models import IdempotencyRecord
from festival.core.db import db
from festival.core.scope import tenant_scope
from festival.ticketing.models import Order
from tests.api.conftest import Api, make_token, order_body
from tests.conftest import postgres_only, row_counts


def count(app, tenant_id: int, model=Order) -> int:
    with app.app_context(), tenant_scope(tenant_id):
        value = db.session.scalar(select(func.count()).select_from(model))
        db.session.remove()
    return value


def test_a_retry_gets_the_first_answer_and_creates_nothing(app, api, paris):
    first = api.post("/orders", order_body(paris), key="till-7-000123")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    before = row_counts(app)
    retry = api.post("/orders", order_body(paris), key="till-7-000123")
    assert retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.get_json() == first.get_json()
    assert retry.get_data() == first.get_data()
    assert row_counts(app) == before
    assert count(app, paris.tenant_id) == 1
    # The same body written differently (other key order, spaces) is the same request.
    reordered = json.dumps(dict(reversed(list(order_body(paris).items()))), indent=2)
    assert api.post("/orders", reordered, key="till-7-000123").get_json()["id"] == first.get_json()["id"]
    assert count(app, paris.tenant_id) == 1


def test_the_same_key_with_another_body_is_refused_and_writes_nothing(app, api, paris):
    api.post("/orders", order_body(paris), key="k-42")
    before = row_counts(app)
    other = api.post("/orders", order_body(paris, name="Pierre Curie"), key="k-42")
    assert other.status_code == 422
    assert other.get_json()["error"]["message"] == (
        "This Idempotency-Key was used for a different request. Use a new key for a new request.")
    elsewhere = api.post("/orders/1/cancel", key="k-42")  # another endpoint is another request
    assert elsewhere.status_code == 422
    invalid = api.post("/orders", order_body(paris, items=[]), key="k-42")
    assert invalid.status_code == 422
    assert row_counts(app) == before


def test_a_refused_request_is_not_stored_and_may_be_retried(app, api, paris):
    body = order_body(paris, items=[{"ticket_type_id": paris.adult_id, "quantity": 21}])
    refused = api.post("/orders", body, key="big-1")
    assert refused.status_code == 400  # over the type's limit of 10
    assert count(app, paris.tenant_id, IdempotencyRecord) == 0
    fixed = api.post("/orders", order_body(paris), key="big-2")
    assert fixed.status_code == 201


def test_keys_are_per_token_and_missing_keys_are_allowed(app, api, paris):
    other = Api(app.test_client(), make_token(app, paris.tenant_id, name="Kiosk"))
    a = api.post("/orders", order_body(paris), key="shared").get_json()
    b = other.post("/orders", order_body(paris), key="shared").get_json()
    assert a["id"] != b["id"]
    api.post("/orders", order_body(paris))
    api.post("/orders", order_body(paris))
    assert count(app, paris.tenant_id) == 4


@pytest.mark.parametrize("key", ["", "x" * 256, "caf\u00e9", "tab\there"])
def test_a_malformed_key_is_refused(app, api, paris, key):
    before = row_counts(app)
    response = api.post("/orders", order_body(paris), key=key)
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == (
        "The Idempotency-Key header takes 1 to 255 printable ASCII characters.")
    assert row_counts(app) == before


def test_a_key_of_255_characters_works(api, paris):
    key = "k" * 255
    first = api.post("/orders", order_body(paris), key=key)
    assert first.status_code == 201
    assert api.post("/orders", order_body(paris), key=key).headers["Idempotent-Replayed"] == "true"


def test_cancel_is_idempotent_too(app, api, paris):
    order = api.post("/orders", order_body(paris)).get_json()
    first = api.post(f"/orders/{order['id']}/cancel", key="c-1")
    retry = api.post(f"/orders/{order['id']}/cancel", key="c-1")
    assert first.status_code == retry.status_code == 200
    assert retry.headers["Idempotent-Replayed"] == "true" and retry.get_json() == first.get_json()


def test_a_retry_after_the_slot_sold_out_still_gets_its_order(api, paris):
    body = order_body(paris, items=[{"ticket_type_id": paris.family_id, "quantity": 4},
                                    {"ticket_type_id": paris.adult_id, "quantity": 4}])
    first = api.post("/orders", body, key="last-places")
    assert first.status_code == 201  # all 20 places
    retry = api.post("/orders", body, key="last-places")
    assert retry.status_code == 201 and retry.get_json()["id"] == first.get_json()["id"]


@postgres_only
def test_ten_threads_with_one_key_create_one_order(app, paris):
    token = make_token(app, paris.tenant_id)
    barrier = threading.Barrier(10)
    answers: list = []

    def buyer():
        client = Api(app.test_client(), token)
        barrier.wait()
        response = client.post("/orders", order_body(paris), key="retry-storm")
        answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=buyer) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [status for status, _body in answers] == [201] * 10, answers
    assert len({body["id"] for _status, body in answers}) == 1
    assert count(app, paris.tenant_id) == 1
    assert count(app, paris.tenant_id, IdempotencyRecord) == 1


def test_old_stored_answers_are_purged_by_the_daily_command(app, api, paris):
    from datetime import timedelta

    from festival.core.db import utcnow

    api.post("/orders", order_body(paris), key="old-key")
    api.post("/orders", order_body(paris), key="new-key")
    with app.app_context(), tenant_scope(paris.tenant_id):
        old = db.session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.key == "old-key"))
        old.created_at = utcnow() - timedelta(hours=25)
        db.session.commit()
        db.session.remove()
    result = app.test_cli_runner().invoke(args=["purge-idempotency-keys"])
    assert "1 stored API answer(s) older than 24 h removed." in result.output
    assert count(app, paris.tenant_id, IdempotencyRecord) == 1
    # Past the window a retry is a new request: the device's retry budget is minutes, not days.
    assert api.post("/orders", order_body(paris), key="new-key").headers["Idempotent-Replayed"] == "true"
