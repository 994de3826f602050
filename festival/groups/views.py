"""Pages of festival.groups (routes are added to the portals' blueprints when imported)."""
