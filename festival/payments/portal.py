"""The tenant's payment settings (/<tenant>/manage/payments): its Stripe connected account."""

from __future__ import annotations

from festival.tenants.views import portal_bp  # noqa: F401
