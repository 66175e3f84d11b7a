"""The reform compliance dashboard: project package and core domain (units, roles, targets)."""
from .celery import app as celery_app

__all__ = ("celery_app",)
