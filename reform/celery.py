"""The Celery app `reform`: Redis broker in production, tasks run in-process when REDIS_URL is unset.

Every task is a `BoundedTask`: with late acknowledgement and `reject_on_worker_lost`, a task whose run gets the
worker killed (out of memory, say) is delivered again, and again, for ever. Each delivery of the same attempt is
counted (in the cache, i.e. Redis); past `CELERY_TASK_MAX_DELIVERIES` the task fails for good, says why, and its
`given_up` hook (a dotted path, called with the task's arguments and `reason=`) marks its subject failed.
"""
import logging
import os

from celery import Celery, Task
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings.local")

logger = logging.getLogger(__name__)


class DeliveredTooOften(Exception):
    """A task was delivered more times than allowed: each run before ended with its worker lost."""


class BoundedTask(Task):
    given_up: str | None = None  # dotted path of `f(*args, reason=..., **kwargs)`, called when the task gives up

    def __call__(self, *args, **kwargs):
        request = self.request
        if request.id and not request.called_directly:
            deliveries = delivery_count(request.id, request.retries or 0)
            limit = max_deliveries()
            if deliveries > limit:
                reason = (f"Delivered {deliveries} times and the worker was lost each time (out of memory or "
                          f"killed?); given up after {limit}.")
                logger.error("Task %s[%s] given up: %s", self.name, request.id, reason)
                if self.given_up:
                    from django.utils.module_loading import import_string

                    import_string(self.given_up)(*args, reason=reason, **kwargs)
                raise DeliveredTooOften(reason)
        return super().__call__(*args, **kwargs)


def max_deliveries() -> int:
    from django.conf import settings

    return max(1, int(getattr(settings, "CELERY_TASK_MAX_DELIVERIES", 3)))


def delivery_key(task_id: str, attempt: int) -> str:
    return f"celery:deliveries:{task_id}:{attempt}"


def delivery_count(task_id: str, attempt: int) -> int:
    """Count one more delivery of this attempt (a retry is a new attempt); 1 when the cache cannot be reached."""
    from django.core.cache import cache

    key = delivery_key(task_id, attempt)
    try:
        cache.add(key, 0, timeout=7 * 24 * 3600)
        return int(cache.incr(key))
    except Exception:  # noqa: BLE001 - no cache: never refuse work for it
        logger.warning("Could not count the deliveries of task %s", task_id, exc_info=True)
        return 1


app = Celery("reform", task_cls=BoundedTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect(dispatch_uid="reform.celery.close_old_connections.prerun")
@task_postrun.connect(dispatch_uid="reform.celery.close_old_connections.postrun")
def _close_old_connections(sender=None, **kwargs) -> None:
    """Before and after each task in a worker, drop database connections that broke (a server restart,
    pg_terminate_backend) or outlived CONN_MAX_AGE, as Django does around each request; with CONN_HEALTH_CHECKS
    a kept one is checked before its first use. Never for a task run in-process: that would close the
    connection of the caller's transaction."""
    request = getattr(sender, "request", None)
    if request is None or getattr(request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
