"""One bulk upload of a register file: who, when, what, and how it went (the audit event of the upload)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reform.querysets import OwnedQuerySet
from reform.services import history_reason

from .choices import ImportKind, ImportStatus


def upload_reason(*, batch_id: int, file_name: str) -> str:
    """"Upload #12 (file.csv)", in the active language, as a history row's change reason can hold it."""
    return history_reason(gettext("Upload #%(id)s (%(file)s)") % {"id": batch_id, "file": file_name})


def _upload_to(instance: "ImportBatch", filename: str) -> str:
    return f"imports/{instance.created_at:%Y/%m}/{instance.sha256[:16]}-{filename}"[:250]


class ImportBatch(models.Model):
    """A file uploaded by an officer and its outcome; the whole upload is ONE event of the audit trail.

    `errors` keeps the first bad rows (line, column, message) for the page and the API; every bad row
    is in `errors_file` (CSV). Counts are per row of the file: created, updated, unchanged, refused. A
    check only (`dry_run`) has the counts the file would give and writes no record.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT,
                             related_name="import_batches")
    kind = models.CharField(_("kind"), max_length=32, choices=ImportKind.choices)
    dry_run = models.BooleanField(
        _("check only"), default=False,
        help_text=_("Only report what the file would create, update and refuse; write nothing."),
    )
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to=_upload_to, max_length=255)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    language = models.CharField(_("language"), max_length=8, default="vi")
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    queued_at = models.DateTimeField(_("queued again at"), null=True, blank=True,
                                     help_text=_("When the sweep last queued it again (no worker had taken it)."))
    requeued = models.PositiveSmallIntegerField(_("times queued again"), default=0)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0, help_text=_("Rows with an error."))
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    message = models.TextField(_("message"), blank=True, help_text=_("Why the whole file was refused, if it was."))
    errors = models.JSONField(_("first errors"), default=list, blank=True)
    errors_file = models.FileField(_("all errors (CSV)"), upload_to="imports/errors/", blank=True, max_length=255)
    unit_ids = models.JSONField(_("units changed"), default=list, blank=True)
    years = models.JSONField(_("years changed"), default=list, blank=True)
    # The history_date of every history row the upload wrote: how its changes are found in the audit trail.
    history_date = models.DateTimeField(_("history date"), null=True, blank=True, editable=False)
    # Their change reason ("Upload #12 (file.csv)", in the uploader's language): also that of the `+` row of a
    # record it created, written when the record first changes (imports.history).
    history_reason = models.CharField(_("history reason"), max_length=100, blank=True, editable=False)

    # Scoped by its uploader (administrators see every upload), through the same mixins as the unit-owned rows.
    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.file_name} ({self.get_status_display()})"

    @property
    def reason(self) -> str:
        """The change reason of its history rows and of the `+` rows of the records it created, as kept in the
        uploader's language (in the active one for an upload made before reasons were kept)."""
        return self.history_reason or upload_reason(batch_id=self.pk, file_name=self.file_name)

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)

    @property
    def progress(self) -> float:
        if self.status == ImportStatus.SUCCEEDED:
            return 1.0
        return min(1.0, self.rows_done / self.rows_total) if self.rows_total else 0.0
