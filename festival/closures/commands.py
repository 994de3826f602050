"""Periodic commands of festival.closures (registered through festival.cli.DOMAIN_COMMAND_MODULES)."""

COMMANDS: list = []
