"""Every environment checks a kept database connection before using it, and publishing gives up within seconds."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.reform.test_settings import ROOT, production_env

PRINT = ("from django.conf import settings; d = settings.DATABASES['default']; "
         "print(d['CONN_HEALTH_CHECKS'], d['ENGINE'].rsplit('.', 1)[-1])")


@pytest.mark.parametrize("module", ["reform.settings.local", "reform.settings.test", "reform.settings.production"])
def test_every_environment_checks_a_kept_database_connection_before_use(module):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL")}
    if module.endswith("production"):
        env.update(production_env())
    elif module.endswith("test"):
        env["DATABASE_URL"] = production_env()["DATABASE_URL"]
    env["DJANGO_SETTINGS_MODULE"] = module
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", PRINT], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2] == "True", result.stdout


def test_publishing_gives_up_within_seconds():
    policy = settings.CELERY_TASK_PUBLISH_RETRY_POLICY
    assert policy["max_retries"] <= 3 and policy["interval_max"] <= 1
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["socket_connect_timeout"] <= 5
