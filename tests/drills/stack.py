"""The drills' own production stack on loopback: a PostgreSQL cluster, a Redis, gunicorn
instances and nginx in front of them, each on a spare port, each started and stopped here.

Only what this module started is ever stopped, by its own handle (cluster name, process id):
the machine's PostgreSQL on 5432 and Redis on 6379 serve CI and other runs meanwhile.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from festival.ops.nginx import render_config
from tests.conftest import _free_port

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = REPO / ".venv" / "bin"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
START_TIMEOUT = 90  # seconds; the machine is shared with a CI run


def missing_tools() -> str | None:
    """Why the drills cannot run here, or None."""
    if NGINX is None:
        return "nginx is not installed (scripts/install.sh installs the Debian package)"
    for tool in ("pg_createcluster", "pg_ctlcluster", "pg_dropcluster", "redis-server"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    if os.geteuid() != 0:
        return "pg_createcluster needs root to create a PostgreSQL cluster of the drill's own"
    return None


# Every drill module carries this with tests.conftest.postgres_only.
needs_tools = pytest.mark.skipif(missing_tools() is not None, reason=str(missing_tools()))


def postgres_version() -> str:
    """The newest PostgreSQL server installed (Debian: /usr/lib/postgresql/<version>)."""
    return max(os.listdir("/usr/lib/postgresql"), key=lambda version: float(version))


def wait_until(check, what: str, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise TimeoutError(f"{what} did not come up within {timeout} s")


def answers(url: str, status: int = 200) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == status
    except requests.RequestException:
        return False


@dataclass
class Cluster:
    """A PostgreSQL cluster of the drill's own (Debian's pg_createcluster), trusting loopback."""

    name: str = field(default_factory=lambda: f"lantern_drill_{os.getpid()}")
    port: int = field(default_factory=_free_port)
    version: str = field(default_factory=postgres_version)
    database: str = "lantern_drill"
    app_role: str = "lantern_drill_app"

    @property
    def owner_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{self.database}"

    @property
    def app_url(self) -> str:
        return f"postgresql://{self.app_role}@127.0.0.1:{self.port}/{self.database}"

    def _ctl(self, *args: str) -> None:
        subprocess.run(["pg_ctlcluster", self.version, self.name, *args], check=True,
                       capture_output=True, timeout=120)

    @staticmethod
    def drop_abandoned() -> None:
        """Drop drill clusters left by a run that was killed (their test process is gone)."""
        listing = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout
        for version, name, *_rest in (line.split() for line in listing.splitlines() if line.strip()):
            pid = name.removeprefix("lantern_drill_")
            if name.startswith("lantern_drill_") and pid.isdigit() and not Path(f"/proc/{pid}").exists():
                subprocess.run(["pg_dropcluster", "--stop", version, name], capture_output=True,
                               timeout=120)

    def create(self) -> None:
        self.drop_abandoned()
        # initdb's own pg_hba: trust on the unix socket and loopback TCP only (a throwaway cluster).
        subprocess.run(["pg_createcluster", self.version, self.name, "-p", str(self.port), "--start",
                        "--", "--auth-local=trust", "--auth-host=trust"],
                       check=True, capture_output=True, timeout=180)
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-qc",
                        f"CREATE DATABASE {self.database}"], check=True, capture_output=True)

    def stop(self) -> None:
        self._ctl("stop")  # fast shutdown: open connections are cut, as in a crash or failover

    def start(self) -> None:
        self._ctl("start")

    def drop(self) -> None:
        subprocess.run(["pg_dropcluster", "--stop", self.version, self.name], capture_output=True,
                       timeout=120)


class Process:
    """A server process this drill started, stopped by its own pid (and its children's group)."""

    def __init__(self, name: str, command: list[str], log: Path, env: dict | None = None,
                 cwd: Path = REPO):
        self.name, self.command, self.log, self.env, self.cwd = name, command, log, env, cwd
        self.popen: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(self.command, stdout=out, stderr=subprocess.STDOUT,
                                          env=self.env, cwd=self.cwd, start_new_session=True)

    def stop(self) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None


def redis_server(port: int, log: Path) -> Process:
    """A Redis with no persistence: stopping it loses whatever it held, as a crashed cache does."""
    return Process("redis", ["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                             "--save", "", "--appendonly", "no"], log)


def redis_answers(port: int) -> bool:
    import redis

    try:
        return bool(redis.Redis(port=port, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def gunicorn(port: int, env: dict, log: Path) -> Process:
    return Process(f"gunicorn:{port}", [str(VENV_BIN / "gunicorn"), "-w", "2", "-b",
                                        f"127.0.0.1:{port}", "--timeout", "60", "wsgi:app"],
                   log, env=env)


def nginx(port: int, upstream_ports: list[int], root: Path) -> Process:
    """nginx in the foreground with its own prefix, config, pid and logs (never the system's)."""
    conf = root / "nginx.conf"
    conf.write_text(render_config(f"127.0.0.1:{port}", [f"127.0.0.1:{p}" for p in upstream_ports], root))
    return Process("nginx", [NGINX, "-p", str(root), "-c", str(conf), "-e", str(root / "error.log"),
                             "-g", "daemon off; user root;"], root / "nginx.out")


def festival(env: dict, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run a `festival` command with the drill's environment; its output is in the error."""
    result = subprocess.run([str(VENV_BIN / "festival"), *args], env=env, cwd=REPO,
                            capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"festival {' '.join(args)}: {result.stdout}\n{result.stderr}"
    return result
