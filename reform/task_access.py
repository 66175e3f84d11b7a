"""Who may read a Celery task's state and result (`/api/v1/tasks/<id>/`): whoever may see the task's subject.

Reviewers and administrators see every task (they read everything, and only they start recomputes). Anyone else
sees a task only when it is the task of an object they may see through the one scoping mechanism: each app that
queues tasks for people registers, in its `AppConfig.ready`, the model whose rows carry the task's id in `task_id`
(an upload, seen by its uploader; an export, seen in its unit's subtree), and the task is visible when
`Model.objects.visible_to(user)` holds a row with that id. Anything else answers 404, as another unit's record
does: the endpoint once gave any logged-in user any task.
"""
from __future__ import annotations

from django.db.models import Model

from .querysets import scoped_queryset

_models: list[type[Model]] = []


def register(model: type[Model]) -> None:
    """Tasks whose id is in `model.task_id` are visible to whoever may see the row."""
    if model not in _models:
        _models.append(model)


def task_visible(user, task_id: str) -> bool:
    if not user.is_authenticated:
        return False
    if user.sees_everything:
        return True
    return any(scoped_queryset(model, user).filter(task_id=task_id).exists() for model in _models)
