"""Visitor ticketing: entry slots, orders and tickets (see the ticketing issue)."""
