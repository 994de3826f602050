"""Security-walk registrations of the dashboard (festival/dashboard/base_views.py, portal.py).

The base's pages are walked as base routes (organisations' owners find nothing there); the
tenant's dashboard and CSV as tenant routes. The country group the walk deletes is made up
front (WORLD hook), so that walking writes nothing it does not mean to.
"""

from __future__ import annotations

from datetime import date

from festival.core.db import db
from festival.core.scope import platform_scope


def _world_group(builder, org) -> None:
    from festival.dashboard.groups import create_group

    if getattr(builder, "country_group_id", None):
        return
    with builder.app.app_context(), platform_scope("cli"):
        builder.country_group_id = create_group(builder.unique("group"), ["FR", "DE"], None).id
        db.session.commit()
        db.session.remove()


def _group_id(builder, kind, side, fresh):
    if not getattr(builder, "country_group_id", None):
        _world_group(builder, None)
    return builder.country_group_id


WORLD = {"country_group": _world_group}


FILLERS = {
    "year": lambda builder, kind, side, fresh: date.today().year,
    "group_id": _group_id,
}

BODIES = {
    "rates_page": lambda builder, kind: {"currency": "EUR", "rate": "7.81",
                                         "valid_from": date.today().isoformat()},
    "reporting_currency": lambda builder, kind: {"reporting_currency": "CNY"},
    "country_groups": lambda builder, kind: {"name": builder.unique("Partners"),
                                             "countries": ["AE", "EG"]},
    "country_group_delete": lambda builder, kind: {},
}
