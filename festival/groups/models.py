"""Tables of festival.groups (filled in by the issue-6 work)."""
