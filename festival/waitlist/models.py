"""Tables of festival.waitlist (filled in by the issue-6 work)."""
