"""Periodic commands of festival.passes (registered through festival.cli.DOMAIN_COMMAND_MODULES)."""

COMMANDS: list = []
