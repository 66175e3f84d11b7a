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


def seed_catalogues(**kwargs) -> None:
    """Re-run the project's seed data migrations (document types, targets, thresholds, policy switches).

    A transactional test ends with a flush that empties every table, seeds included, and the test database is
    reused by the next run (--reuse-db): the seeds are idempotent (update_or_create), so they are simply re-run.
    """
    from django.apps import apps
    from django.db.migrations import RunPython
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    local = {"reform", "documents", "meetings", "reporting", "reports", "imports"}
    for (app_label, _name), migration in sorted(loader.disk_migrations.items()):
        if app_label not in local:
            continue
        for operation in migration.operations:
            if isinstance(operation, RunPython) and operation.code.__name__.startswith("seed"):
                operation.code(apps, None)


@pytest.fixture
def reseed_after_flush():
    """Set up BEFORE transactional_db, so it is torn down after the flush: the flush's post_migrate re-seeds."""
    from django.db.models.signals import post_migrate

    uid = "tests.reporting.seed_catalogues"
    post_migrate.connect(seed_catalogues, dispatch_uid=uid)
    yield
    post_migrate.disconnect(dispatch_uid=uid)


@pytest.fixture
def redis_client():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


@pytest.fixture
def clean_queue(redis_client):
    """Empty Celery queues (the default one and the coalesced recompute's) and no recompute- or signals-queued
    flag, before and after the test."""
    from django.core.cache import cache

    from reporting.tasks import QUEUED_FLAG, SIGNALS_QUEUED_FLAG

    def clean():
        redis_client.delete("celery", "compliance")
        cache.delete_many([QUEUED_FLAG, SIGNALS_QUEUED_FLAG])

    clean()
    yield redis_client
    clean()


def set_celery_conf(app, **values) -> dict:
    """Change Celery settings for a test; returns the previous values.

    The app reads Django settings with the CELERY_ namespace, where the prefixed key wins over the plain one,
    so both are set (`app.conf.task_always_eager = False` alone does not take effect)."""
    previous = {key: app.conf[key] for key in values}
    for key, value in values.items():
        app.conf[key] = value
        app.conf[f"CELERY_{key.upper()}"] = value
    return previous


@pytest.fixture
def not_eager():
    """Tasks go through the broker (Redis) instead of running in-process, for the test's duration."""
    from reform.celery import app

    previous = set_celery_conf(app, task_always_eager=False)
    assert app.conf.task_always_eager is False
    try:
        yield app
    finally:
        set_celery_conf(app, **previous)


@pytest.fixture
def celery_worker_process(reseed_after_flush, transactional_db, clean_queue, not_eager):
    """`celery -A reform worker --pool=solo` as a subprocess, on the pytest test database and our Redis db.

    Waits until the worker answers a ping, and always terminates it (its log is printed when a test fails)."""
    from django.db import connection

    seed_catalogues()  # a previous run's flush may have left the reused test database without them
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
