"""Tenants read the suppliers' published catalog here, and only here: lamp groups and services
are supplier-owned rows, so reading them from a tenant's request opens a named, read-only
platform scope for the duration of the read."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from festival.core.scope import read_only_scope


@contextmanager
def read_catalog() -> Iterator[None]:
    """Read lamp groups, photos, certifications and services of every active supplier.

    Pending writes of the surrounding request are flushed first: the scope refuses any write.
    """
    with read_only_scope("catalog.browse"):
        yield
