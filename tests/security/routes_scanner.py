"""Security-walk registrations of the gate scanner page (festival/checkin/scanner.py).

Its two portal pages are walked like every tenant route (their <gate_id> is filled by
routes_checkin.py); the QR library it serves from node_modules holds no one's data.
"""

from __future__ import annotations

ALLOW_LIST = {
    "/static/vendor/<name>": "an allow-listed browser library from node_modules: no tenant data",
}
