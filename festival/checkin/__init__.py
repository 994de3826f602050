"""Gate check-in: gates, scans, at-most-once admission and the entry counts they maintain."""
