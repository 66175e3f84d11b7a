"""Signal receivers of the compliance engine: record changes mark unit-years dirty and queue one coalesced recompute."""
from __future__ import annotations

import logging

from django.db.models.signals import post_migrate
from django.dispatch import receiver

from reform.signals import records_changed

logger = logging.getLogger(__name__)


@receiver(records_changed, dispatch_uid="reporting.receivers.records_changed")
def on_records_changed(sender, *, unit_ids=(), years=(), **kwargs) -> None:
    """Runs on commit of a records write. Never raises: the records are saved whatever happens here."""
    from reporting.recompute import recompute_mark
    from reporting.tasks import recompute_queue

    try:
        marked = recompute_mark(unit_ids=unit_ids, years=years)
    except Exception:  # noqa: BLE001 - the nightly recompute will still catch it
        logger.exception("Could not mark units %s years %s for recompute.", sorted(unit_ids), sorted(years))
        return
    if marked:
        recompute_queue()


def install_schedules(sender, *, using="default", **kwargs) -> None:
    """After `migrate` (and the test database's creation), install the periodic tasks of reform/schedules.py."""
    from reform.schedules import schedules_sync

    try:
        schedules_sync(using=using)
    except Exception:  # noqa: BLE001 - e.g. a partial migrate that has not created the beat tables yet
        logger.warning("Could not install the periodic tasks after migrate; run `manage.py sync_schedules`.",
                       exc_info=True)


def connect(app_config) -> None:
    from django.core.signals import request_finished, request_started

    from reporting import policy, tasks

    policy.connect()  # thresholds, targets, policy switches, the document-type catalogue: recompute on commit
    post_migrate.connect(install_schedules, sender=app_config, dispatch_uid="reporting.install_schedules")
    request_started.connect(tasks.request_started, dispatch_uid="reporting.tasks.request_started")
    request_finished.connect(tasks.request_finished, dispatch_uid="reporting.tasks.request_finished")
