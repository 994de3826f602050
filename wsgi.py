"""WSGI entry point for gunicorn: ``gunicorn wsgi:app``."""

from festival import create_app

app = create_app()
