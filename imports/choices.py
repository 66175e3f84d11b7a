"""Enumerations of bulk uploads."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    DOCUMENTS = "documents", _("Documents")
    CONFERENCES = "conferences", _("Conferences")
    DIGITIZATION_REPORTS = "digitization-reports", _("Digitisation reports")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
