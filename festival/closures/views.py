"""Pages of festival.closures (routes are added to the portals' blueprints when imported)."""
