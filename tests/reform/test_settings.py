"""Production settings: `check --deploy` is clean, and no insecure default survives."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DATABASE_URL", "REDIS_URL")}
    environment.update(DJANGO_SETTINGS_MODULE="reform.settings.production", **env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120)


def production_env() -> dict:
    db = settings.DATABASES["default"]
    return {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "dashboard.example.gov.vn",
        "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
    }


def test_check_deploy_with_production_settings_reports_no_issues():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = production_env()
    del env["ALLOWED_HOSTS"]
    result = manage("check", **env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_docker_compose_runs_the_five_services_with_the_spec_environment():
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "redis", "web", "worker", "beat"}
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert "migrate" in services["web"]["command"] and "collectstatic" in services["web"]["command"]
    assert "gunicorn reform.wsgi" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "reform", "worker"]
    # Worker memory is bounded: a child is replaced past its limit, and the container is capped.
    assert "--max-memory-per-child" in services["worker"]["command"]
    assert services["worker"]["mem_limit"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "reform", "beat"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS"} <= set(env), name
        assert env["DJANGO_SETTINGS_MODULE"] == "reform.settings.production"
        assert env["DATABASE_URL"].startswith("postgres://") and env["DATABASE_URL"].endswith("@db:5432/reform")
        assert env["REDIS_URL"] == "redis://redis:6379/0"


def test_dockerfile_installs_the_pinned_requirements_on_python_3_11():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#") and "FROM python:3.11-slim" in dockerfile
    assert "pip install -r requirements.txt" in dockerfile


def test_plotly_js_is_served_by_the_app_with_a_long_cache_lifetime(settings):
    """The dashboards' plotly.js comes from the app's static files (WhiteNoise), cached for a year, never a CDN."""
    from django.test import Client

    settings.WHITENOISE_USE_FINDERS = True  # what collectstatic would place in STATIC_ROOT; read when the client starts
    response = Client().get("/static/vendor/plotly.min.js")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=") and "public" in response["Cache-Control"]
    assert int(response["Cache-Control"].split("max-age=")[1].split(",")[0]) >= 365 * 24 * 3600
    head = b"".join(response.streaming_content)[:2000].decode("utf-8", "replace")
    assert "plotly.js" in head.lower()
