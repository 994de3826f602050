"""Security-walk registrations of the operations endpoints (festival/ops)."""

from __future__ import annotations

ALLOW_LIST = {
    "/healthz": "process liveness for load balancers: no ids, no data",
    "/readyz": "readiness (database, schema, Redis) for load balancers: no ids, no data",
}
