"""Test settings: real PostgreSQL and Redis (the suite refuses to run on anything else)."""
from .base import *  # noqa: F401,F403
from .base import env

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/reform")}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
# Tests drive tasks in-process; the real worker started by tests/reporting/conftest.py runs with
# CELERY_TASK_ALWAYS_EAGER=false in its environment so it consumes from Redis.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DEBUG = False
# The lockout stays on with its real limits; the database handler's attempts roll back with each test.
# Only `Client.login()` (no request, so no address to count) passes the lockout backend.
AUTHENTICATION_BACKENDS = [
    "tests.axes_backend.AxesBackendAllowingTestClientLogin",
    "django.contrib.auth.backends.ModelBackend",
]
