"""Fixtures of the compliance tests: a REAL Celery worker through Redis, and a clean Redis queue."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
WORKER_READY_TIMEOUT = 45


def _database_url(settings_dict: dict) -> str:
    user = settings_dict.get("USER") or "postgres"
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else f"{user}@"
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture
def redis_client():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


@pytest.fixture
def clean_queue(redis_client):
    """An empty default Celery queue and no recompute-queued flag, before and after the test."""
    from django.core.cache import cache

    from reporting.recompute import QUEUED_FLAG

    def clean():
        redis_client.delete("celery")
        cache.delete(QUEUED_FLAG)

    clean()
    yield redis_client
    clean()


@pytest.fixture
def not_eager():
    """Tasks go through the broker (Redis) instead of running in-process, for the test's duration."""
    from reform.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield app
    finally:
        app.conf.task_always_eager = previous


@pytest.fixture
def celery_worker_process(transactional_db, django_db_serialized_rollback, clean_queue, not_eager):
    """`celery -A reform worker --pool=solo` as a subprocess, on the pytest test database and our Redis db.

    Waits until the worker answers a ping, and always terminates it (its log is printed when a test fails)."""
    from django.db import connection

    app = not_eager
    node = f"pytest-{uuid.uuid4().hex[:8]}@%h"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "reform.settings.test",
        "DATABASE_URL": _database_url(connection.settings_dict),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PYTHONUNBUFFERED": "1",
    }
    log = tempfile.NamedTemporaryFile("w+", prefix="celery-worker-", suffix=".log", delete=False)
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "reform", "worker", "--pool=solo", "-l", "info", "-n", node,
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    hostname = node.replace("%h", os.uname().nodename)
    try:
        deadline = time.monotonic() + WORKER_READY_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"The Celery worker exited with {process.returncode}:\n{Path(log.name).read_text()}")
            replies = app.control.ping(destination=[hostname], timeout=1.0)
            if any(hostname in reply for reply in replies):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"The Celery worker did not answer a ping in {WORKER_READY_TIMEOUT} s:\n"
                                   f"{Path(log.name).read_text()}")
        process.log_path = log.name
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()
        output = Path(log.name).read_text()
        print(f"--- Celery worker log ---\n{output[-5000:]}")
        os.unlink(log.name)
