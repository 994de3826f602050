"""Waiting lists per night that keep groups together: freed places are offered in order as
time-limited holds.
"""
