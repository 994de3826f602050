"""Periodic commands of this domain (registered by festival.cli)."""

COMMANDS: list = []
