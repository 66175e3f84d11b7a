"""Putting work on the task queue: one way to publish a task, and one error when the broker cannot be reached.

A request that queues work (an export, an upload, a recompute) and finds Redis down answers 503 with a message
(`QueueUnavailable`: the API's exception handler and the pages turn it into one) within a few seconds
(CELERY_TASK_PUBLISH_RETRY_POLICY and the broker's connect timeout), and the row it concerns is marked failed
with the reason instead of waiting for a worker that will never hear of it.
"""
from __future__ import annotations

import logging
from typing import Any

from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class QueueUnavailable(Exception):
    """The task queue (the broker, Redis) could not be reached: the work was not queued."""

    default_message = _("The task queue cannot be reached right now, so the work could not be started; "
                        "please try again in a few minutes.")

    def __init__(self, message: str | None = None, *, cause: BaseException | None = None):
        super().__init__(str(message or self.default_message))
        self.cause = cause


def broker_errors() -> tuple[type[BaseException], ...]:
    """What publishing raises when the broker is down: kombu's OperationalError, or a bare socket or Redis error."""
    from kombu.exceptions import OperationalError as KombuOperationalError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    return (KombuOperationalError, RedisConnectionError, RedisTimeoutError, OSError)


def task_publish(task: Any, *, args: list | tuple | None = None, kwargs: dict | None = None,
                 task_id: str | None = None):
    """`task.apply_async(...)`, raising QueueUnavailable when the broker cannot be reached (after the short retry
    policy of the settings). In-process mode (no broker) runs the task here, as apply_async does."""
    from django.conf import settings

    options: dict[str, Any] = {"args": list(args or []), "kwargs": dict(kwargs or {})}
    if task_id:
        options["task_id"] = task_id
    policy = getattr(settings, "CELERY_TASK_PUBLISH_RETRY_POLICY", None)
    if policy:
        options["retry_policy"] = dict(policy)
    if task.app.conf.task_always_eager:
        return task.apply_async(**options)  # no broker: the task runs here, and its own errors are its result
    try:
        return task.apply_async(**options)
    except broker_errors() as error:
        logger.error("Could not queue %s (%s): the broker cannot be reached: %s", task.name, task_id or "-", error)
        raise QueueUnavailable(cause=error) from error
