"""The portal pages, which gather every app: the home page (each register's figures, recent entries, the integrity
signals to clear) and the administrators' audit trail across every register. The core app imports none of the apps;
this one may import them all."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db.models import CharField, F, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from documents.models import DigitizationReport, Document
from imports.choices import ImportStatus
from imports.columns import MODELS as UPLOADED
from imports.models import ImportBatch
from meetings.models import Conference
from reform import formatting
from reform.models import Unit
from reform.views import AdministratorRequiredMixin

# Registers whose history the audit trail shows: key -> (model, detail URL name).
AUDITED = {
    "document": (Document, "documents:document_detail"),
    "conference": (Conference, "meetings:conference_detail"),
    "digitization": (DigitizationReport, "documents:digitization_detail"),
}
ACTIONS = {"+": gettext_lazy("Created"), "~": gettext_lazy("Changed"), "-": gettext_lazy("Deleted")}
HIDDEN_FIELDS = {"id", "created_at", "updated_at", "upload"}  # `upload` is not kept in the history
DERIVED_FIELDS = {"document": {"year", "needs_review"}}  # computed from other fields: not news of their own
# The upload kind of each register: an upload is one entry for all the records it created (imports.history).
UPLOAD_KINDS = {key: kind for key, (model, _url) in AUDITED.items() for kind, uploaded in UPLOADED.items()
                if uploaded is model}
UPLOAD_PREFIX = "upload:"


RECENT_ENTRIES = 8


def recent_entries(user) -> list[dict]:
    """The latest records entered in the user's scope, across the three registers, newest first (3 queries)."""
    entries = []
    for key, (model, url_name) in AUDITED.items():
        records = model.objects.visible_to(user).select_related("unit").order_by("-created_at", "-pk")[:RECENT_ENTRIES]
        for record in records:
            if key == "digitization":
                label = f"{record.get_quarter_display()} · {record.year}"
            else:
                label = str(record)
            entries.append({"register": model._meta.verbose_name, "label": label, "unit": record.unit,
                            "url": reverse(url_name, args=[record.pk]), "created_at": record.created_at})
    entries.sort(key=lambda entry: entry["created_at"], reverse=True)
    return entries[:RECENT_ENTRIES]


HOME_SIGNALS = 20


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        year = timezone.localdate().year
        documents = Document.objects.visible_to(user)
        conferences = Conference.objects.visible_to(user)
        context.update(
            year=year,
            unit=user.unit,
            document_count=documents.filter(year=year).count(),
            document_review_count=documents.filter(year=year, needs_review=True).count(),
            conference_count=conferences.in_year(year).count(),
            digitization_count=DigitizationReport.objects.visible_to(user).filter(year=year).count(),
            recent_entries=recent_entries(user) if user.is_entry_officer else [],
            can_edit=user.is_administrator or user.is_entry_officer,
        )
        if user.is_entry_officer:
            # Their subtree's open integrity signals of this year and the last, with what would clear each.
            from reporting.models import Signal
            from reporting.views import signal_rows

            context["signal_rows"] = signal_rows(
                Signal.objects.visible_to(user).filter(year__in=[year - 1, year], review_state="open")
                .select_related("unit").order_by("rank", "-year", "unit__path", "kind", "key")[:HOME_SIGNALS])
        return context


def _display(field, value, units: dict[int, Unit]) -> str:
    if value is None or value == "":
        return "—"
    if field is None:
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.get_internal_type() == "BooleanField":
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return formatting.moment(value)
    if isinstance(value, datetime.date):
        return formatting.date(value)
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool) and not field.is_relation \
            and field.name not in ("year", "quarter"):
        return formatting.number(value)
    if field.is_relation and field.related_model is Unit:
        unit = units.get(value)
        return f"{unit.code} – {unit.name}" if unit else str(value)
    return str(value)


class AuditTrailView(AdministratorRequiredMixin, TemplateView):
    """Recent history of every register (who, when, what, before → after), newest first."""

    template_name = "portal/audit_trail.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kind = self.request.GET.get("model", "")
        keys = [kind] if kind in AUDITED else list(AUDITED)
        parts = [part for key in keys for part in self._parts(key)]
        combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
        paginator = Paginator(combined.order_by("-history_date", "-history_id"), self.paginate_by)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            page_obj=page, paginator=paginator, entries=self._entries(list(page.object_list)),
            kinds=[(key, AUDITED[key][0]._meta.verbose_name_plural) for key in AUDITED], kind=kind,
            query_string=f"model={kind}" if kind in AUDITED else "",
        )
        return context

    @staticmethod
    def _parts(key: str) -> list:
        """The history rows of a register and the uploads that created its records (one row each), as
        (history_id, history_date, register) rows to union. A `+` row of a record an upload created (written when
        the record first changed, or by an upload before they named their records) is that upload's entry."""
        uploads = ImportBatch.objects.filter(kind=UPLOAD_KINDS[key], dry_run=False, status=ImportStatus.SUCCEEDED,
                                             created__gt=0, history_date__isnull=False)
        # An upload's rows are those of its date (one per upload, to the microsecond): an uncorrelated IN, which
        # PostgreSQL hashes once, not a lookup per history row.
        history = (
            AUDITED[key][0].history.model.objects
            .exclude(history_type="+", history_date__in=uploads.values("history_date"))
            .annotate(register=Value(key, output_field=CharField()))
            .values("history_id", "history_date", "register").order_by()  # SQLite: no ORDER BY inside a UNION
        )
        created = (uploads.annotate(history_id=F("id"), register=Value(UPLOAD_PREFIX + key, output_field=CharField()))
                   .values("history_id", "history_date", "register").order_by())
        return [history, created]

    def _entries(self, rows: list[dict]) -> list[dict]:
        uploads: dict[int, str] = {}  # an upload's id -> its register
        by_kind: dict[str, list[int]] = {}
        for row in rows:
            if row["register"].startswith(UPLOAD_PREFIX):
                uploads[row["history_id"]] = row["register"].removeprefix(UPLOAD_PREFIX)
            else:
                by_kind.setdefault(row["register"], []).append(row["history_id"])
        entries = {
            (UPLOAD_PREFIX + uploads[batch.pk], batch.pk): self._upload_entry(uploads[batch.pk], batch)
            for batch in ImportBatch.objects.filter(pk__in=list(uploads)).select_related("user")
        }
        pairs = []
        for key, ids in by_kind.items():
            history = AUDITED[key][0].history.model.objects.filter(history_id__in=ids).select_related("history_user")
            pairs += [(key, record, record.prev_record if record.history_type == "~" else None) for record in history]
        unit_ids = {r.unit_id for _k, r, _p in pairs} | {p.unit_id for _k, _r, p in pairs if p is not None}
        units = Unit.objects.in_bulk(unit_ids)
        existing = {
            key: set(AUDITED[key][0].objects.filter(pk__in={r.id for k, r, _p in pairs if k == key})
                     .values_list("pk", flat=True))
            for key in by_kind
        }
        for kind, record, previous in pairs:
            entries[(kind, record.history_id)] = self._entry(kind, record, previous, units, existing[kind])
        return [entries[(row["register"], row["history_id"])] for row in rows]

    @staticmethod
    def _upload_entry(key: str, batch: ImportBatch) -> dict:
        """An upload's entry: the records it created (each names it), counted, linked to the upload's page."""
        model = AUDITED[key][0]
        return {
            "kind": key, "date": batch.history_date, "model_name": model._meta.verbose_name_plural,
            "label": batch.reason,
            "action": "+", "action_label": ACTIONS["+"], "user": batch.user, "reason": "", "upload": batch,
            "url": reverse("imports:detail", args=[batch.pk]),
            "changes": [{"label": _("records created"), "old": None, "new": formatting.number(batch.created)}],
        }

    def _entry(self, kind, record, previous, units, existing: set[int]) -> dict:
        model, url_name = AUDITED[kind]
        hidden = HIDDEN_FIELDS | DERIVED_FIELDS.get(kind, set())
        fields = {f.name: f for f in model._meta.concrete_fields}
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in hidden:
                    continue
                field = fields.get(change.field)
                changes.append({
                    "label": field.verbose_name if field else change.field,
                    "old": _display(field, change.old, units), "new": _display(field, change.new, units),
                })
        else:
            for name, field in fields.items():
                if name in hidden:
                    continue
                value = _display(field, getattr(record, field.attname), units)
                changes.append({
                    "label": field.verbose_name,
                    "old": value if record.history_type == "-" else None,
                    "new": value if record.history_type == "+" else None,
                })
        url = None
        if record.history_type != "-" and record.id in existing:
            url = reverse(url_name, args=[record.id])
        return {
            "kind": kind, "record": record, "date": record.history_date, "model_name": model._meta.verbose_name,
            "label": str(record.instance),
            "action": record.history_type, "action_label": ACTIONS.get(record.history_type, record.history_type),
            "user": record.history_user, "changes": changes, "url": url,
            "reason": record.history_change_reason,
        }
