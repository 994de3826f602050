"""The drills' stack, started once per run: an own PostgreSQL cluster, an own Redis, two gunicorn
instances of the app (production settings) and nginx in front of them, all on loopback spare
ports; migrated and seeded with a tenant selling an exhibition; torn down at the end.

PostgreSQL runs only (TEST_DATABASE_URL set: the CI's PostgreSQL pass), and only where nginx,
PostgreSQL's cluster tools and redis-server are installed.
"""

from __future__ import annotations

import functools
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import PASSWORD, Snapshot, _free_port
from tests.drills import stack
from tests.payments.fake_stripe import WEBHOOK_SECRET

TENANT = "houston"
OWNER = "owner@houston.example.com"
LOGIN_LIMIT = 5  # wrong passwords per minute per account and per address, across all instances
SMALL_SLOT_CAPACITY = 8  # the first slot sells out during the rush


@dataclass
class Drill:
    """Where the drill's stack answers, and handles to stop and start its parts."""

    cluster: stack.Cluster
    redis: stack.Process
    redis_port: int
    instances: list[str]  # base URLs of the gunicorn instances, A and B
    proxy: str  # base URL of nginx
    env: dict  # the app's environment (for `festival` commands)
    world: object  # tests.ticketing.world.SalesWorld, seeded in the drill's database
    logs: Path

    @functools.cached_property
    def owner(self):
        """An engine as the database owner (sees every tenant), for the drills' checks."""
        return create_engine(psycopg_url(self.cluster.owner_url), pool_pre_ping=True)

    def shop(self, base: str | None = None) -> str:
        return f"{base or self.proxy}/{TENANT}"

    def stop_redis(self) -> None:
        self.redis.stop()

    def start_redis(self) -> None:
        self.redis.start()
        stack.wait_until(lambda: stack.redis_answers(self.redis_port), "the drill's Redis")

    def wait_ready(self) -> None:
        for base in [*self.instances, self.proxy]:
            stack.wait_until(lambda base=base: stack.answers(f"{base}/readyz"), f"{base}/readyz")

    def forget_rate_limits(self) -> None:
        import redis

        client = redis.Redis(port=self.redis_port)
        keys = client.keys("LIMITS*")
        if keys:
            client.delete(*keys)


def psycopg_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://")


def _app_env(cluster: stack.Cluster, redis_port: int, smtp_port: int, proxy_port: int,
             root: Path) -> dict:
    # A clean production environment: nothing of the test run's (LANTERN_ENV=testing, the test
    # database) leaks into the instances.
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", str(root)),
        "LANG": "C.UTF-8",
        "LANTERN_ENV": "production", "LANTERN_INSTANCE_PATH": str(root / "instance"),
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": cluster.app_url, "MIGRATION_DATABASE_URL": cluster.owner_url,
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0", "JOB_QUEUE": "drill",
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_port),
        "BASE_URL": f"http://127.0.0.1:{proxy_port}", "PROXY_FIX_HOPS": "1",
        # Plain HTTP on loopback: a Secure cookie would never be sent back.
        "SESSION_COOKIE_SECURE": "0",
        "LOGIN_RATE_LIMIT": f"{LOGIN_LIMIT} per minute",
        # Every drill visitor comes from 127.0.0.1: the checkout limit must not be what refuses them.
        "CHECKOUT_RATE_LIMIT": "100000 per minute",
        "STORAGE_PATH": str(root / "files"), "LOG_LEVEL": "WARNING",
        # Signed Stripe events are accepted (drill 5 signs them as Stripe does).
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }


def services_app(cluster: stack.Cluster, smtp_port: int):
    """An app in this test process on the drill's database, to make data through the services
    (no Redis: its mail goes out inline). Dispose of its engine when done."""
    from festival import create_app

    return create_app({
        "SQLALCHEMY_DATABASE_URI": psycopg_url(cluster.app_url), "MIGRATION_DATABASE_URL": cluster.owner_url,
        "REDIS_URL": "", "RATELIMIT_STORAGE_URI": "memory://", "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port, "SERVER_NAME": None})


def _seed(cluster: stack.Cluster, smtp_port: int):
    """The tenant, its owner and an exhibition on sale, made through the services (as the tests'
    sales world), in the drill's database."""
    from festival.core.db import db
    from tests.conftest import Factory
    from tests.ticketing.world import build_sales_world

    seeder = services_app(cluster, smtp_port)
    try:
        factory = Factory(seeder)
        # Room for every drill after the rush: how much the rush sells depends on the machine's speed.
        world = build_sales_world(seeder, factory, TENANT, capacity=400)
        factory.member(Snapshot(world.tenant_id, "tenant", TENANT, None), OWNER, "owner", PASSWORD)
    finally:
        with seeder.app_context():
            db.session.remove()
            db.engine.dispose()
    return world


@pytest.fixture(scope="session")
def drill(_smtp, tmp_path_factory):
    _mailbox, smtp_port = _smtp
    root = tmp_path_factory.mktemp("drill")
    cluster = stack.Cluster()
    redis_port, proxy_port = _free_port(), _free_port()
    instance_ports = [_free_port(), _free_port()]
    env = _app_env(cluster, redis_port, smtp_port, proxy_port, root)
    redis = stack.redis_server(redis_port, root / "redis.log")
    servers = [stack.gunicorn(port, env, root / f"gunicorn-{port}.log") for port in instance_ports]
    proxy = stack.nginx(proxy_port, instance_ports, root)
    try:
        cluster.create()
        stack.festival(env, "db", "upgrade")
        stack.festival(env, "create-app-role", cluster.app_role)
        world = _seed(cluster, smtp_port)
        owner = create_engine(psycopg_url(cluster.owner_url))
        with owner.begin() as conn:
            conn.execute(text("UPDATE entry_slot SET capacity = :c WHERE id = :id"),
                         {"c": SMALL_SLOT_CAPACITY, "id": world.slot_ids[0]})
        owner.dispose()
        redis.start()
        stack.wait_until(lambda: stack.redis_answers(redis_port), "the drill's Redis")
        for server in servers:
            server.start()
        proxy.start()
        handle = Drill(cluster, redis, redis_port, [f"http://127.0.0.1:{p}" for p in instance_ports],
                       f"http://127.0.0.1:{proxy_port}", env, world, root)
        handle.wait_ready()
        yield handle
        handle.owner.dispose()
    finally:
        for process in (proxy, *servers, redis):
            process.stop()
        cluster.drop()
        _keep_logs_on_failure(root)


def _keep_logs_on_failure(root: Path) -> None:
    # The instances' logs say what a failing drill met; CI keeps them only if asked to.
    keep = os.environ.get("DRILL_LOGS")
    if keep:
        shutil.copytree(root, keep, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("instance", "files", "*.sock"))
