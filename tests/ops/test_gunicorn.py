"""The shipped gunicorn.conf.py: its settings come from the environment, and a real gunicorn
started with it serves the app (health and readiness over HTTP), then stops on SIGTERM."""

from __future__ import annotations

import json
import os
import runpy
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from gunicorn.config import Config

from tests.conftest import APP_URL

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "gunicorn.conf.py"


def _settings(monkeypatch, **env) -> dict:
    for name in ("WEB_CONCURRENCY", "PORT", "HOST", "LOG_FORMAT", "LOG_LEVEL", "WEB_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_the_configuration_reads_the_environment_and_gunicorn_accepts_it(monkeypatch):
    settings = _settings(monkeypatch, WEB_CONCURRENCY="3", PORT="9123", LOG_LEVEL="WARNING")
    assert settings["workers"] == 3 and settings["bind"] == "0.0.0.0:9123"
    assert settings["preload_app"] is False and settings["accesslog"] is None
    assert settings["secure_scheme_headers"] == {}  # forwarded headers: the app's PROXY_FIX_HOPS
    assert settings["loglevel"] == "warning"
    # Every public name is one of gunicorn's settings, and passes its validation.
    config = Config()
    for name, value in settings.items():
        if name.startswith("_") or not (name.islower() and name in config.settings):
            continue
        config.set(name, value)
    assert config.workers == 3 and config.bind == ["0.0.0.0:9123"]
    unknown = {name for name, value in settings.items() if not name.startswith("_")
               and not callable(value) and not isinstance(value, type(os))
               and name not in config.settings}
    assert unknown == set()


def test_defaults_without_environment(monkeypatch):
    settings = _settings(monkeypatch)
    assert settings["bind"] == "0.0.0.0:8000" and settings["workers"] >= 3
    assert settings["logconfig_dict"]["formatters"]["json"]["()"] == \
        "pythonjsonlogger.json.JsonFormatter"
    assert "logconfig_dict" not in _settings(monkeypatch, LOG_FORMAT="text")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310  # our own server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _wait_until_serving(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 90  # a busy machine imports slowly; not a timing assertion
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited: {process.stderr.read()}")
        try:
            _get(url)
            return
        except OSError:
            time.sleep(0.3)
    pytest.fail("gunicorn did not answer")


def test_gunicorn_started_with_the_shipped_configuration_serves_the_app(app, tmp_path):
    port = _free_port()
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "LANTERN_ENV": "production",
           "SECRET_KEY": secrets.token_hex(32), "DATABASE_URL": APP_URL,
           "LANTERN_INSTANCE_PATH": str(tmp_path), "HOST": "127.0.0.1", "PORT": str(port),
           "WEB_CONCURRENCY": "2"}
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", str(CONFIG), "wsgi:app"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_serving(f"{base}/healthz", process)
        assert _get(f"{base}/healthz") == (200, {"status": "ok"})
        assert _get(f"{base}/readyz") == (200, {"status": "ready", "checks": {
            "database": "ok", "redis": "not configured"}})
    finally:
        process.send_signal(signal.SIGTERM)
        _out, errors = process.communicate(timeout=60)
    assert process.returncode == 0
    # gunicorn's own lines are JSON like the app's, and no access log doubles the app's lines.
    lines = [json.loads(line) for line in errors.splitlines() if line.strip()]
    gunicorn_lines = [line for line in lines if line["logger"] == "gunicorn.error"]
    assert any(f"Listening at: http://127.0.0.1:{port}" in line["message"] for line in gunicorn_lines)
    assert sum(1 for line in gunicorn_lines if "Booting worker" in line["message"]) == 2
    requests = [line for line in lines if line["logger"] == "festival.request"]
    assert {line["path"] for line in requests} >= {"/healthz", "/readyz"}
    assert not (tmp_path / ".gunicorn").exists()  # no control socket left in $HOME
