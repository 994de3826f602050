"""Sign-in throttling counts in Redis when configured, and falls back to memory when Redis is down.

Each case runs the app in its own process: the limiter's storage is chosen once per process.
"""

import json
import socket
import subprocess
import sys

import pytest

SCRIPT = r"""
import json, os, re, sys
from festival import create_app
from flask_migrate import upgrade
app = create_app()
with app.app_context():
    upgrade(directory=app.extensions["migrate"].directory)
client = app.test_client()
codes = []
for _ in range(12):
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    codes.append(client.post("/login", data={"email": "nobody@example.com",
                 "password": "wrong-password", "csrf_token": token}).status_code)
print(json.dumps(codes))
"""


def redis_is_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def attempts(tmp_path, redis_url: str) -> list[int]:
    env = {"LANTERN_ENV": "development", "LANTERN_INSTANCE_PATH": str(tmp_path),
           "REDIS_URL": redis_url, "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True,
                            text=True, timeout=120, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not redis_is_up(), reason="needs Redis on 127.0.0.1:6379")
def test_throttling_counts_in_redis(tmp_path):
    import redis

    database = 7
    redis.Redis(db=database).flushdb()
    try:
        codes = attempts(tmp_path, f"redis://127.0.0.1:6379/{database}")
        keys = redis.Redis(db=database).keys("LIMITS:*accounts.login*")
    finally:
        redis.Redis(db=database).flushdb()
    assert codes == [401] * 10 + [429, 429]
    assert keys  # the counters live in Redis, shared by every web worker


def test_throttling_falls_back_to_memory_when_redis_is_down(tmp_path):
    with socket.socket() as sock:  # a port where nothing listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    codes = attempts(tmp_path, f"redis://127.0.0.1:{port}/0")
    assert codes == [401] * 10 + [429, 429]  # never a 500: sign-in keeps working, still throttled
