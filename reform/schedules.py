"""Every periodic task of the project, declared in one place; `manage.py sync_schedules` installs them.

Each entry is a plain dict:
- `name`: unique, stable (it is the key of the django-celery-beat PeriodicTask row; renaming one creates a new row),
- `task`: the registered Celery task name,
- exactly one of `crontab` (dict of CrontabSchedule fields: minute, hour, day_of_week, day_of_month,
  month_of_year; missing fields mean "*") or `interval` (dict: every, period in days/hours/minutes/seconds),
- optional `kwargs` (JSON-serialisable dict) and `description`.

Times are in CELERY_TIMEZONE (Asia/Ho_Chi_Minh). `sync_schedules` runs after every `migrate`: it creates what is
missing and leaves the timing administrators set in the admin (`sync_schedules --reset` restores the declared one).
"""
from __future__ import annotations

SCHEDULES: list[dict] = [
    {
        # Catches up the recompute marks (RecomputeRequest) left while Redis or the worker was down,
        # and any burst whose queued task was lost.
        "name": "compliance: recompute pending marks",
        "task": "reporting.tasks.recompute_pending",
        "interval": {"every": 5, "period": "minutes"},
        "kwargs": {},
        "description": "Recompute the unit-years whose records changed (durable marks), every 5 minutes.",
    },
    {
        # The same for the integrity signals the coalesced recompute leaves to their own task (SignalRequest).
        "name": "compliance: signals pending marks",
        "task": "reporting.tasks.signals_pending",
        "interval": {"every": 5, "period": "minutes"},
        "kwargs": {},
        "description": "Find again the integrity signals of the unit-years recomputed after record changes (durable "
                       "marks), every 5 minutes.",
    },
    {
        # Uploads, exports and compute runs stuck after a fault (Redis restarted empty, a worker killed, a lost
        # publish): queued again or failed with the reason (reform/sweep.py). Safe to run twice or at once.
        "name": "tasks: sweep stuck work",
        "task": "reform.tasks.stuck_sweep",
        "interval": {"every": 5, "period": "minutes"},
        "kwargs": {},
        "description": "Queue again the uploads and exports no worker took, and fail those (and compute runs) whose "
                       "worker was lost, with the reason; every 5 minutes.",
    },
    {
        # The nightly full recompute: the current year, plus the previous year in January
        # (late entries for December keep arriving in the first weeks of the new year).
        "name": "compliance: nightly full recompute",
        "task": "reporting.tasks.compliance_nightly",
        "crontab": {"minute": "30", "hour": "1"},
        "kwargs": {},
        "description": "Recompute every target for every unit for the current year (and the previous one in January).",
    },
    {
        # After the nightly recompute: exports of closed periods (REPORT_EXPORT_DELAY_DAYS after the close).
        "name": "reports: generate due exports",
        "task": "reports.tasks.generate_due_exports",
        "crontab": {"minute": "0", "hour": "3"},
        "kwargs": {},
        "description": "Generate the national and provincial XLSX/PDF/CSV reports of periods closed long enough; idempotent.",
    },
    {
        "name": "reports: deadline reminders",
        "task": "reports.tasks.send_report_reminders",
        "crontab": {"minute": "0", "hour": "7"},
        "kwargs": {},
        "description": "Remind localities' entry officers (in the app and by e-mail) REPORT_REMINDER_DAYS before a report deadline.",
    },
]


def schedules_sync(*, using: str = "default", reset: bool = False) -> dict[str, int]:
    """Create or update one django-celery-beat PeriodicTask per entry of SCHEDULES; safe to run any number of times.

    A missing task is created as declared. An existing one follows the declaration for what code owns (the task
    it runs and its description) and keeps what administrators edit in the admin: its timing, kwargs and
    `enabled` (a schedule moved or switched off stays so after the next deploy). `reset=True` puts the declared
    timing and kwargs back too (`enabled` still stays). Returns counts created/updated/unchanged.
    """
    import json

    from django.conf import settings
    from django.db import transaction
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    counts = {"created": 0, "updated": 0, "unchanged": 0}
    tz = getattr(settings, "CELERY_TIMEZONE", None) or settings.TIME_ZONE
    with transaction.atomic(using=using):
        for entry in SCHEDULES:
            if ("crontab" in entry) == ("interval" in entry):
                raise ValueError(f"Schedule {entry['name']!r} needs exactly one of 'crontab' or 'interval'.")
            crontab = interval = None
            if "crontab" in entry:
                fields = {"minute": "*", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
                fields.update({key: str(value) for key, value in entry["crontab"].items()})
                crontab = CrontabSchedule.objects.using(using).filter(timezone=tz, **fields).order_by("pk").first()
                if crontab is None:
                    crontab = CrontabSchedule.objects.using(using).create(timezone=tz, **fields)
            else:
                fields = {"every": int(entry["interval"]["every"]), "period": entry["interval"]["period"]}
                interval = IntervalSchedule.objects.using(using).filter(**fields).order_by("pk").first()
                if interval is None:
                    interval = IntervalSchedule.objects.using(using).create(**fields)
            wanted = {
                "task": entry["task"],
                "crontab": crontab,
                "interval": interval,
                "kwargs": json.dumps(entry.get("kwargs") or {}, sort_keys=True),
                "description": entry.get("description", ""),
            }
            task = PeriodicTask.objects.using(using).filter(name=entry["name"]).first()
            if task is None:
                PeriodicTask.objects.using(using).create(name=entry["name"], enabled=True, **wanted)
                counts["created"] += 1
                continue
            owned = wanted if reset else {field: wanted[field] for field in ("task", "description")}
            changed = [field for field, value in owned.items() if getattr(task, field) != value]
            if changed:
                for field in changed:
                    setattr(task, field, wanted[field])
                task.save(update_fields=changed)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    return counts
