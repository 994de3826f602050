"""Periodic commands of festival.groups (registered through festival.cli.DOMAIN_COMMAND_MODULES)."""

COMMANDS: list = []
