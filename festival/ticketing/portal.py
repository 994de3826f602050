"""Sales pages of the tenant portal (/<tenant>/manage/…): setup, dashboard, orders, box office."""

from __future__ import annotations

from festival.tenants.views import portal_bp  # noqa: F401
