"""Booking of lamp groups and services from Zigong suppliers (see the booking issue)."""
