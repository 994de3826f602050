"""Pages of festival.passes (routes are added to the portals' blueprints when imported)."""
