"""Lamp-group exposure: the visitor entries of every night a lamp group stood at an exhibition."""
