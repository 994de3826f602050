"""Security-walk registrations of lamp-group exposure (festival/exposure/views.py, base_views.py).

The supplier pages take a lamp group id, filled by the catalog's registration (routes_catalog.py):
another supplier's lamp group is not found, one's own (fresh, never booked) shows the empty state
and prints an empty record. The base's page and CSV are walked as base routes (organisations'
owners find nothing there). The pages only read: there are no bodies to register.
"""

from __future__ import annotations

FILLERS: dict = {}
BODIES: dict = {}
