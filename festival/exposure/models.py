"""Tables of festival.exposure (filled in by the issue-6 work)."""
