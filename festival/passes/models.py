"""Tables of festival.passes (filled in by the issue-6 work)."""
