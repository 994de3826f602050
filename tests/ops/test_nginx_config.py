"""`festival nginx-config`: the configuration the drills and bench/scale run nginx with, printed
for a deployment; nginx itself (the Debian package, where installed) accepts it."""

from __future__ import annotations

import shutil
import subprocess

import pytest

NGINX = shutil.which("nginx") or (shutil.which("nginx", path="/usr/sbin"))


def test_the_printed_configuration_balances_over_every_instance_and_nginx_accepts_it(app, tmp_path):
    result = app.test_cli_runner().invoke(args=[
        "nginx-config", "--listen", "127.0.0.1:18080", "--upstream", "127.0.0.1:18001",
        "--upstream", "127.0.0.1:18002", "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    config = result.output
    assert "server 127.0.0.1:18001;" in config and "server 127.0.0.1:18002;" in config
    assert "listen 127.0.0.1:18080;" in config
    # The app trusts one proxy (PROXY_FIX_HOPS=1): nginx must pass the visitor's address and scheme.
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in config
    assert "X-Forwarded-Proto $scheme" in config
    if NGINX is None:
        pytest.skip("nginx is not installed")
    (tmp_path / "nginx.conf").write_text(config)
    check = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                            "-e", str(tmp_path / "error.log"), "-g", "user root;"],
                           capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr


def test_an_instance_is_required(app):
    result = app.test_cli_runner().invoke(args=["nginx-config"])
    assert result.exit_code == 2
    assert "--upstream" in result.output
