"""Periodic commands of festival.exposure (registered through festival.cli.DOMAIN_COMMAND_MODULES)."""

COMMANDS: list = []
