"""Pages of festival.groups (routes are added to the portals' blueprints when imported)."""

from festival.groups import operator_pages, portal  # noqa: F401  the routes register on import
