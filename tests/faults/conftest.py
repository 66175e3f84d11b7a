"""Fixtures of the fault tests, with real parts: a Redis of their own (started, stopped, started again), a Celery
worker of their own on it (killed with SIGKILL), and the worker's database connection (cut with
pg_terminate_backend)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from tests.reporting.conftest import (  # noqa: F401 - fixtures shared with the engine's worker tests
    _database_url,
    reseed_after_flush,
    seed_catalogues,
    set_celery_conf,
)

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 60  # a cold worker on a busy 2-core machine


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float, every: float = 0.1, what: str = "condition"):
    """Poll `predicate` until it returns something truthy (returned), or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not reached in {timeout} s")
        time.sleep(every)


class PrivateRedis:
    """`redis-server` on a free port, no persistence: stopping it loses every queued message, as a crash would."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        import redis

        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)

        def up() -> bool:
            try:
                return bool(client.ping())
            except redis.exceptions.ConnectionError:
                if self.process.poll() is not None:
                    raise RuntimeError(f"redis-server exited with {self.process.returncode}") from None
                return False

        wait_for(up, timeout=20, every=0.05, what="private Redis answering")
        client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _reset_broker_pools(app) -> None:
    """Forget the app's broker pools, so the next publish connects to the broker now configured. (Not closed:
    kombu keeps one pool per broker URL for the whole process, and the suite's own is used again after.)"""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def private_broker(private_redis, settings):
    """This process publishes tasks to the private Redis (not in-process), and its cache lives there too."""
    from reform.celery import app

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": private_redis.url}}
    previous = set_celery_conf(app, broker_url=private_redis.url, task_always_eager=False)
    _reset_broker_pools(app)
    try:
        yield private_redis
    finally:
        set_celery_conf(app, **previous)
        _reset_broker_pools(app)


class FaultWorker:
    """`celery -A reform worker --pool=solo` in a session (process group) of its own, on the private Redis and the
    test database, keeping its database connection between tasks (CONN_MAX_AGE, as in production) under an
    application_name of its own, so a test can find that connection and cut it."""

    def __init__(self, *, broker_url: str, media_root: str, app) -> None:
        from django.db import connection

        self.app = app
        self.application_name = f"fault-worker-{uuid.uuid4().hex[:8]}"
        self.node = f"fault-{uuid.uuid4().hex[:8]}@{os.uname().nodename}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "reform.settings.test",
            "DATABASE_URL": f"{_database_url(connection.settings_dict)}?conn_max_age=600"
                            f"&application_name={self.application_name}",
            "REDIS_URL": broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "MEDIA_ROOT": media_root,
            "PYTHONUNBUFFERED": "1",
        }
        self.process: subprocess.Popen | None = None
        self.logs: list[str] = []

    def start(self) -> None:
        log = tempfile.NamedTemporaryFile("w+", prefix="fault-worker-", suffix=".log", delete=False)
        self.logs.append(log.name)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "reform", "worker", "--pool=solo", "-l", "info", "-n", self.node,
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()

        def answers() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"The worker exited with {self.process.returncode}:\n{self.log()}")
            return any(self.node in reply for reply in self.app.control.ping(destination=[self.node], timeout=1.0))

        try:
            wait_for(answers, timeout=READY_TIMEOUT, every=0.2, what="the fault worker answering a ping")
        except AssertionError as error:
            raise AssertionError(f"{error}\n{self.log()}") from None

    def kill(self) -> None:
        """SIGKILL to the worker's whole process group: no shutdown, no ack, no last write."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return "\n".join(Path(name).read_text() for name in self.logs if os.path.exists(name))

    def backend_pids(self) -> list[int]:
        """The worker's PostgreSQL backends (found by the application_name it connects with)."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s AND datname = %s",
                           [self.application_name, connection.settings_dict["NAME"]])
            return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def fault_media(tmp_path, settings):
    """The worker subprocess and this process share a temporary MEDIA_ROOT."""
    root = str(tmp_path / "fault-media")
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def fault_worker(reseed_after_flush, transactional_db, private_broker, fault_media):
    """A worker of our own on the private Redis (not started: the test starts, kills and restarts it)."""
    from reform.celery import app

    seed_catalogues()
    worker = FaultWorker(broker_url=private_broker.url, media_root=fault_media, app=app)
    try:
        yield worker
    finally:
        worker.stop()
        print(f"--- fault worker log ---\n{worker.log()[-6000:]}")
        for name in worker.logs:
            if os.path.exists(name):
                os.unlink(name)


@pytest.fixture
def redis_down(reseed_after_flush, transactional_db, private_broker):
    """The private Redis, stopped: the broker (and cache) of this process cannot be reached."""
    seed_catalogues()
    private_broker.stop()
    return private_broker
