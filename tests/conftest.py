"""Shared fixtures. The suite runs only against real PostgreSQL and Redis: it fails, never skips, without them."""
from __future__ import annotations

import pytest
from django.conf import settings

from tests.factories import UnitFactory, UserFactory


def pytest_configure(config):
    import redis
    from django.db import connections

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        raise pytest.UsageError(f"The tests need PostgreSQL (DATABASE_URL); got {engine}.")
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as error:  # noqa: BLE001 - any failure means Redis is unusable
        raise pytest.UsageError(f"Redis is not reachable at {settings.REDIS_URL}: {error}") from error
    try:
        import psycopg2

        params = settings.DATABASES["default"]
        psycopg2.connect(
            dbname="postgres", user=params.get("USER") or "postgres", host=params.get("HOST") or "127.0.0.1",
            port=params.get("PORT") or 5432, password=params.get("PASSWORD") or None, connect_timeout=3,
        ).close()
    except Exception as error:  # noqa: BLE001
        raise pytest.UsageError(f"PostgreSQL is not reachable: {error}") from error
    connections.close_all()


@pytest.fixture(autouse=True)
def _fresh_sign_in_rate():
    """The sign-in rate's counters live in Redis, which outlives each test's rolled-back database."""
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter(match="*throttle_sign-in_*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def tree(db):
    """A small tree: TW → provinces 01 and 79 → two communes each, plus an agency under 01."""
    root = UnitFactory(code="TW", name="Trung ương", level="central", parent=None)
    p01 = UnitFactory(code="01", name="Thành phố Hà Nội", level="provincial", parent=root)
    p79 = UnitFactory(code="79", name="Thành phố Hồ Chí Minh", level="provincial", parent=root)
    return {
        "TW": root,
        "01": p01,
        "79": p79,
        "00070": UnitFactory(code="00070", name="Phường Hoàn Kiếm", level="commune", parent=p01),
        "00004": UnitFactory(code="00004", name="Phường Ba Đình", level="commune", parent=p01),
        "26734": UnitFactory(code="26734", name="Phường Sài Gòn", level="commune", parent=p79),
        "26740": UnitFactory(code="26740", name="Phường Tân Định", level="commune", parent=p79),
        "01-VP": UnitFactory(code="01-VP", name="Văn phòng UBND Hà Nội", level="provincial", kind="agency", parent=p01),
    }


@pytest.fixture
def officer_hn(tree):
    return UserFactory(username="officer-hn", role="entry", unit=tree["01"])


@pytest.fixture
def officer_hcm(tree):
    return UserFactory(username="officer-hcm", role="entry", unit=tree["79"])


@pytest.fixture
def officer_commune(tree):
    return UserFactory(username="officer-hk", role="entry", unit=tree["00070"])


@pytest.fixture
def reviewer(tree):
    return UserFactory(username="reviewer", role="reviewer", unit=None)


@pytest.fixture
def administrator(tree):
    return UserFactory(username="admin", role="admin", unit=None, is_staff=True, is_superuser=True)
