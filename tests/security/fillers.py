"""The shape most id fillers of the security walk share: a fresh object when the request may use
it up, else the security world's own, made on first use when no WORLD hook made it."""

from __future__ import annotations

from collections.abc import Callable


def world_or_fresh(attribute: str, make_fresh: Callable, make_world: Callable) -> Callable:
    """A filler reading ``org.<attribute>`` (set by ``make_world(builder, org)``), or returning
    ``make_fresh(builder, org)`` when asked for a fresh object."""

    def filler(builder, kind, side, fresh):
        org = side.tenant
        if fresh:
            return make_fresh(builder, org)
        if not getattr(org, attribute, None):
            make_world(builder, org)
        return getattr(org, attribute)

    return filler
