"""/metrics: a 404 unless the scraper bears METRICS_TOKEN; request latency, orders and check-ins,
summed over gunicorn's worker processes in multiprocess mode."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from festival.checkin import services
from festival.checkin.models import Gate
from festival.core.db import db
from festival.exhibitions.models import Exhibition
from festival.ops.metrics import MULTIPROCESS_ENV
from festival.tenants.models import Tenant
from tests.checkin.gates import build_gate_world, in_scope, tickets
from tests.conftest import METRICS_TOKEN as TOKEN

ROOT = Path(__file__).resolve().parents[2]




def test_metrics_are_a_404_without_a_configured_token(app, client):
    assert app.config["METRICS_TOKEN"] == ""
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer anything"}):
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 404 and b"lantern_" not in response.data


def test_metrics_are_a_404_with_a_wrong_token(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    for header in (f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}", TOKEN):
        response = client.get("/metrics", headers={"Authorization": header})
        assert response.status_code == 404 and b"lantern_" not in response.data


def test_request_latency_is_counted_by_endpoint_method_and_status_class(client, scraper):
    before = scraper()
    client.get("/healthz")
    client.get("/no/such/page/at/all")
    after = scraper()

    def count(endpoint: str, status: str) -> float:
        key = ("lantern_http_request_duration_seconds_count",
               frozenset({"endpoint": endpoint, "method": "GET", "status": status}.items()))
        return after.get(key, 0) - before.get(key, 0)

    assert count("ops.healthz", "2xx") == 1
    assert count("<unmatched>", "4xx") == 1  # no raw paths as labels: bounded cardinality
    assert not any("/no/such" in str(labels) for _name, labels in after)


def test_orders_created_paid_and_check_ins_are_counted(app, factory, scraper):
    gw = build_gate_world(app, factory)
    before = scraper()
    (_code, payload), = tickets(app, gw)  # one order created online and paid

    def scan_twice():
        tenant = db.session.get(Tenant, gw.world.tenant_id)
        exhibition = db.session.get(Exhibition, gw.world.exhibition_id)
        gate = db.session.get(Gate, gw.north)
        return [services.scan(tenant, exhibition, gate, payload, device="phone-1").result
                for _ in range(2)]

    assert in_scope(app, gw.world.tenant_id, scan_twice) == ["admitted", "already_used"]
    after = scraper()

    def moved(name: str, **labels) -> float:
        key = (name, frozenset(labels.items()))
        return after.get(key, 0) - before.get(key, 0)

    assert moved("lantern_orders_created_total", channel="online") == 1
    assert moved("lantern_orders_paid_total") == 1
    assert moved("lantern_checkins_total", result="admitted") == 1
    assert moved("lantern_checkins_total", result="already_used") == 1


def test_multiprocess_mode_adds_up_every_worker(tmp_path, monkeypatch, scraper):
    # Two processes, as two gunicorn workers would, each count an API order into the directory.
    env = {**os.environ, MULTIPROCESS_ENV: str(tmp_path), "PYTHONPATH": str(ROOT)}
    for _worker in range(2):
        subprocess.run([sys.executable, "-c", "from festival.ops import metrics; "
                        "metrics.order_created('api')"], env=env, cwd=ROOT, check=True, timeout=60)
    monkeypatch.setenv(MULTIPROCESS_ENV, str(tmp_path))
    scraped = scraper()
    assert scraped[("lantern_orders_created_total", frozenset({"channel": "api"}.items()))] == 2
