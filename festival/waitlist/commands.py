"""Periodic commands of festival.waitlist (registered through festival.cli.DOMAIN_COMMAND_MODULES)."""

COMMANDS: list = []
