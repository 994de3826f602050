"""Security-walk registrations of the operations endpoints (festival/ops)."""

from __future__ import annotations

ALLOW_LIST = {
    "/healthz": "process liveness for load balancers: no ids, no data",
    "/readyz": "readiness (database, schema, Redis) for load balancers: no ids, no data",
    "/metrics": "Prometheus counts summed over all tenants, no ids; 404 unless the bearer holds "
                "METRICS_TOKEN (tests/ops/test_metrics.py)",
}
