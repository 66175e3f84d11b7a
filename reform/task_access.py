"""Who may read a Celery task's state and result (`/api/v1/tasks/<id>/`): whoever may see the task's subject.

Reviewers and administrators see every task (they read everything, and only they start recomputes). Anyone else
sees a task only when an app that queues tasks for people recognises it as theirs: each app registers, in its
`AppConfig.ready`, a function `(user, task_id) -> bool` (an upload of theirs, an export of a unit they may see).
Anything else answers 404, as another unit's record does: the endpoint once gave any logged-in user any task.
"""
from __future__ import annotations

from collections.abc import Callable

TaskFinder = Callable[["object", str], bool]
_finders: list[TaskFinder] = []


def register(finder: TaskFinder) -> None:
    if finder not in _finders:
        _finders.append(finder)


def task_visible(user, task_id: str) -> bool:
    if not user.is_authenticated:
        return False
    if user.sees_everything:
        return True
    return any(finder(user, task_id) for finder in _finders)
