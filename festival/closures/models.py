"""Tables of festival.closures (filled in by the issue-6 work)."""
