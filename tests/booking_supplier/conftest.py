"""Fixtures of the supplier's booking pages: the security tests' row snapshot."""

from __future__ import annotations

from tests.security.conftest import owner_engine, snapshot  # noqa: F401  shared fixtures
