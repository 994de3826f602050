"""Pages of festival.exposure (routes are added to the portals' blueprints when imported)."""
