"""The Celery app `reform`: Redis broker in production, tasks run in-process when REDIS_URL is unset."""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings.local")

app = Celery("reform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
