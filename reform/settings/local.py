"""Local development and the `make demo` embedded setup: SQLite, in-process tasks, DEBUG on by default."""
from .base import *  # noqa: F401,F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
