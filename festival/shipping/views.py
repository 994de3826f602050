"""Placeholder: routes arrive with issue 3."""
