"""API tokens in the tenant portal (/<tenant>/manage/api-tokens): create, see once, revoke."""

from __future__ import annotations

from festival.tenants.views import portal_bp  # noqa: F401
