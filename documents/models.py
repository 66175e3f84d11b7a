"""The register of issued documents, its type catalogue, and the quarterly digitisation reports."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from reform.models import Unit, UnitRecord

from .choices import Quarter
from .rules import digitization_report_rules, document_rules
from .symbols import normalize, number_key


class DocumentType(models.Model):
    """A type of document, coded by the official abbreviation used in symbols (`QĐ`, `NQ`, `KL`, ...)."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=128)
    name_en = models.CharField(_("name (English)"), max_length=128)
    counts_toward_reduction = models.BooleanField(
        _("counts toward the reduction target"), default=True,
        help_text=_("Administrative documents count in DOC_REDUCTION; legal normative documents do not."),
    )
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("document type")
        verbose_name_plural = _("document types")

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    @property
    def name(self) -> str:
        return self.name_vi if (get_language() or "vi").startswith("vi") else self.name_en


class NumberKeyField(models.CharField):
    """A document's number in the form uniqueness compares (`symbols.number_key`), derived from `number`.

    Derived when the row is written (`pre_save` runs for `save()` and for `bulk_create` alike), so no
    write through the ORM can store a stale or empty key. Only a raw SQL write must set it itself
    (the uploads' COPY and the demo data do).
    """

    def pre_save(self, model_instance, add):
        value = number_key(model_instance.number)
        setattr(model_instance, self.attname, value)
        return value


class UnindexedUserHistory(HistoricalRecords):
    """django-simple-history's records with the history's user not indexed (it has no option for that)."""

    def _get_history_user_fields(self):
        fields = super()._get_history_user_fields()
        fields["history_user"].db_index = False
        return fields


class Document(UnitRecord):
    """One issued document. The same unit cannot register the same number twice in a year."""

    RECORD_DATE_FIELD = "issued_on"

    # Indexed by the composite indexes below that lead with it. Every write pays for every index (200,000
    # uploaded rows cost ~0.5-1 s of server time per index), so there are four, each serving reads the
    # others cannot: the key, the unique (unit, year, number_key) (a unit's documents of a year: the engine's
    # subtree reads, the registers' lists), (doc_type, year) (the PROTECT check on deleting a type, lists
    # filtered by type) and (issued_on, id) (lists newest first, a year's documents by date).
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+", db_index=False)
    number = models.CharField(_("number and symbol"), max_length=64, help_text=_("As written, e.g. 123/QĐ-UBND or 226-KL/TW."))
    # One document is registered once: `456/qđ-ubnd` and `456/QĐ-UBND.` are `456/QĐ-UBND` (SPEC 4). Rows
    # that were duplicates under this rule before it existed carry `<key> #<id>` (migration 0007; a key
    # never contains a space) until someone makes their numbers distinct: `find_duplicate_numbers` lists them.
    number_key = NumberKeyField(
        _("number as compared"), max_length=128, blank=True, editable=False,
        help_text=_("The number without case, spaces or trailing punctuation: what makes two numbers the same."),
    )
    doc_type = models.ForeignKey(DocumentType, verbose_name=_("document type"), on_delete=models.PROTECT,
                                 related_name="documents", db_index=False)
    title = models.CharField(_("title"), max_length=500)
    issued_on = models.DateField(_("issue date"))
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    is_digitized = models.BooleanField(_("digitised"), default=False)
    sent_electronically = models.BooleanField(_("sent over the network"), default=False)
    needs_review = models.BooleanField(
        _("symbol needs review"), default=False, editable=False,
        help_text=_("The number and symbol follows none of the known forms."),
    )

    # The history is read by history_date (audit trail, an upload's changes) and by id (a record's previous
    # row, an upload's baseline check); nothing filters it by unit, type or user, so those indexes only slowed
    # every history row an upload writes (the user's: 0.25 s of the server's time for 200,000 rows, a quarter of
    # writing them; only a user's deletion reads by it, setting it to NULL in one scan). Nor has history_user a
    # database constraint: checking it cost such an upload 0.7 s (a trigger per row), and Django applies its
    # on_delete (SET_NULL) in Python anyway.
    history = UnindexedUserHistory(no_db_index=["unit", "doc_type"], user_db_constraint=False, excluded_fields=["upload"])

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "number_key"], name="document_number_key_unique_per_unit_year",
                violation_error_message=_("This unit has already registered a document with this number this year."),
            ),
        ]
        indexes = [
            models.Index(fields=["doc_type", "year"], name="document_doc_type_year_idx"),
            # The register lists newest first; without this a national list sorts millions of rows.
            models.Index(fields=["issued_on", "id"], name="document_issued_on_id_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs) -> None:
        self.number = normalize(self.number)
        if self.issued_on:
            self.year = self.issued_on.year
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors, facts = document_rules(
            number=self.number, doc_type=self.doc_type_id, issued_on=self.issued_on,
            type_codes=DocumentType.objects.values_list("code", flat=True), today=timezone.localdate(),
            unit_end=self.unit_end(),
        )
        self.number = facts.number
        if facts.year is not None:
            self.year = facts.year
        self.needs_review = facts.needs_review
        if not self.doc_type_id and facts.doc_type:
            self.doc_type_id = facts.doc_type
        if errors:
            raise ValidationError(errors)

    def validate_unique(self, exclude=None) -> None:
        # The year is derived from the issue date, so report a duplicate on the number field.
        try:
            super().validate_unique(exclude=set(exclude or ()) - {"year"})
        except ValidationError as error:
            raise ValidationError({"number": error.messages}) from error

    def validate_constraints(self, exclude=None) -> None:
        # The key is derived from the number (as `save()` will store it, even without `clean()`) and is in
        # no form nor the API: `456/qđ-ubnd` beside `456/QĐ-UBND` is a duplicate on the number field.
        self.number_key = number_key(self.number)
        try:
            super().validate_constraints(exclude=set(exclude or ()) - {"year", "number_key"})
        except ValidationError as error:
            raise ValidationError({"number": error.messages}) from error


class DigitizationReport(UnitRecord):
    """A unit's administrative procedures for one quarter: how many were handled, and how many digitally."""

    RECORD_DATE_FIELD = "quarter"  # of `year`

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("quarter"), choices=Quarter.choices)
    procedures_total = models.PositiveIntegerField(_("procedures handled"))
    procedures_digital = models.PositiveIntegerField(_("of them in the digital environment"))

    history = HistoricalRecords(excluded_fields=["upload"])

    class Meta:
        ordering = ["-year", "-quarter", "unit"]
        verbose_name = _("digitisation report")
        verbose_name_plural = _("digitisation reports")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "quarter"], name="one_digitization_report_per_unit_quarter",
                violation_error_message=_("This unit already has a report for this quarter."),
            ),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="quarter_between_1_and_4"),
            models.CheckConstraint(
                condition=Q(procedures_digital__lte=F("procedures_total")), name="digital_not_above_total",
                violation_error_message=_("Digitally handled procedures cannot exceed the total."),
            ),
        ]

    def __str__(self) -> str:
        label = f"{self.get_quarter_display()}/{self.year}"
        # With the unit's name when it is at hand (a form, a list that selected it): never a query of its own, so
        # that a page naming many reports (the audit trail) stays a fixed number of queries.
        return f"{label} – {self.unit.name}" if DigitizationReport.unit.is_cached(self) else label

    def clean(self) -> None:
        errors = digitization_report_rules(
            year=self.year, quarter=self.quarter, procedures_total=self.procedures_total,
            procedures_digital=self.procedures_digital, today=timezone.localdate(), unit_end=self.unit_end(),
        )
        if errors:
            raise ValidationError(errors)
