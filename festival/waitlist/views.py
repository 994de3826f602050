"""Pages of festival.waitlist (routes are added to the portals' blueprints when imported)."""
