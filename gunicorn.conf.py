"""gunicorn's configuration for Lantern: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Every value comes from the environment, like the app's own configuration (README "Production").
Workers are stateless (DESIGN.md "Scaling out"): run any number of them on any number of machines.
"""

import multiprocessing
import os
from pathlib import Path

# PORT as platforms set it, on every interface: the load balancer or reverse proxy in front
# connects from another address (HOST narrows it, e.g. 127.0.0.1 behind a local nginx).
_host = os.environ.get("HOST", "0.0.0.0")  # noqa: S104  # nosec B104  # see above
bind = f"{_host}:{int(os.environ.get('PORT', '8000'))}"
# WEB_CONCURRENCY as platforms set it; else gunicorn's rule of thumb for synchronous workers.
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
# Synchronous workers behind a buffering reverse proxy (nginx, a cloud load balancer): slow
# clients are the proxy's business, slow work (mail, PDF batches) the job worker's.
worker_class = "sync"
# A request still running after this is stuck: its worker is replaced. The longest requests (a
# booking's contract PDF, a report export) take a few seconds.
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
# On SIGTERM (a deploy), requests under way get this long to finish.
graceful_timeout = 30
# Each worker imports the app itself: no database or Redis connection is opened in the master
# and shared across a fork, and a HUP reloads new code.
preload_app = False
# The workers' heartbeat files in memory, not on a disk a container may stall on.
# gunicorn makes them with mkstemp, so a shared directory is safe.
_shm = Path("/dev/shm")  # noqa: S108  # nosec B108  # see above
worker_tmp_dir = str(_shm) if _shm.is_dir() else None
# Managed by signals (TERM, HUP, TTIN/TTOU) from systemd or the orchestrator: no control socket
# in $HOME that two instances on one machine would fight over (gunicorn 25.1+).
control_socket_disable = True

# The app logs one JSON line per request itself (LOG_FORMAT, festival.ops.logging): no access
# log, and gunicorn's own lines (workers started, timeouts) in the same format on stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
if os.environ.get("LOG_FORMAT", "json").lower() == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["levelname", "name", "message"],
            "timestamp": "time",
            "rename_fields": {"levelname": "level", "name": "logger"},
        }},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json",
                                "stream": "ext://sys.stderr"}},
        # The root logger is the app's (its handler comes with each worker's app).
        "root": {"level": loglevel.upper(), "handlers": []},
        "loggers": {"gunicorn.error": {"handlers": ["stderr"], "level": loglevel.upper(),
                                       "propagate": False}},
    }

# X-Forwarded-For and X-Forwarded-Proto are trusted by the app alone, for PROXY_FIX_HOPS proxies
# (werkzeug's ProxyFix): gunicorn itself decides nothing from them.
secure_scheme_headers: dict[str, str] = {}


def child_exit(server, worker) -> None:
    """A worker that exited leaves its metrics file behind: mark it dead, so /metrics sums only
    live workers' gauges (PROMETHEUS_MULTIPROC_DIR, README "Production")."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
