"""Celery tasks of period reports: thin wrappers (ids in, a service called, a JSON summary out)."""
from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.utils import translation

from reform.sweep import superseded
from reform.tasks import TASK_OPTIONS, ProgressReporter


@shared_task(bind=True, name="reports.tasks.export_generate", given_up="reports.services.export_given_up",
             **TASK_OPTIONS)
def export_generate(self, export_id: int) -> dict:
    """Write one export's file, reporting progress as PROGRESS {done, total}."""
    from .models import ReportExport
    from .services import export_generate as generate

    export = ReportExport.objects.select_related("unit").get(pk=export_id)
    if superseded(export, self.request):
        return {"export": export.pk, "skipped": "queued again under another task id"}
    progress = ProgressReporter(self)
    try:
        with translation.override(export.language or settings.LANGUAGE_CODE):
            export = generate(export=export, progress=progress)
    finally:
        progress.close()
    return {"export": export.pk, "status": export.status, "file": export.file.name, "done": export.done,
            "total": export.total}


@shared_task(name="reports.tasks.generate_due_exports", **TASK_OPTIONS)
def generate_due_exports() -> dict:
    """Daily: create the scheduled exports of closed periods (nation and provinces); running twice adds nothing."""
    from .services import exports_generate_due

    created = exports_generate_due()
    return {"created": len(created), "exports": [export.pk for export in created]}


@shared_task(name="reports.tasks.send_report_reminders", **TASK_OPTIONS)
def send_report_reminders() -> dict:
    """Daily: remind entry officers of reports due soon (in the app and by e-mail), once per period."""
    from .services import reminders_send

    with translation.override(settings.LANGUAGE_CODE):
        return {"sent": reminders_send()}
