"""Exhibitions: a tenant's festival season (venue, nights, opening hours, entry slots)."""
