"""Web pages of bulk uploads: upload a file, follow its progress, read the result, download templates."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reform.mixins import attach_errors, scoped_object
from reform.querysets import scoped_queryset
from reform.queueing import QueueUnavailable

from . import services
from .choices import ImportKind
from .columns import schema_for
from .forms import ImportForm
from .models import ImportBatch
from .selectors import import_progress, import_updated_records, updated_record_entries
from .templates_files import template_csv, template_xlsx


@login_required
def import_home(request):
    """The upload form and the user's recent uploads."""
    if not services.can_upload(request.user):
        raise PermissionDenied(_("Your role cannot upload records."))
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.import_create(
                user=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"],
                language=translation.get_language() or "", dry_run=form.cleaned_data["dry_run"],
            )
        except ValidationError as error:
            attach_errors(form, error)
        except QueueUnavailable as error:  # the upload is kept, marked failed with the reason (listed below)
            messages.error(request, str(error))
            status = 503
        else:
            return redirect("imports:detail", pk=batch.pk)
    uploads = scoped_queryset(ImportBatch, request.user).select_related("user")
    page = Paginator(uploads, 20).get_page(request.GET.get("page"))
    kinds = [(kind, label, schema_for(kind).columns) for kind, label in ImportKind.choices]
    return render(request, "imports/import_home.html", {
        "form": form, "page_obj": page, "kinds": kinds,
        "max_mb": services.max_upload_bytes() // services.MB, "max_rows": services.max_rows(),
    }, status=status)


@scoped_object(ImportBatch, select_related=("user",))
def import_detail(request, batch: ImportBatch):
    """An upload's status and result, and every record it changed (paged), each linked to its page."""
    updated_page = Paginator(import_updated_records(batch=batch), 50).get_page(request.GET.get("page"))
    columns = schema_for(batch.kind).by_name
    # Each error's column by its label (the stored name is the API's, for machines).
    errors = [{**error, "column_label": columns[error["column"]].label if error.get("column") in columns
               else error.get("column")} for error in batch.errors or []]
    return render(request, "imports/import_detail.html", {
        "batch": batch, "errors": errors, "progress": import_progress(batch=batch), "updated_page": updated_page,
        "updated_records": updated_record_entries(batch=batch, rows=updated_page.object_list),
    })


@login_required
@require_GET
@scoped_object(ImportBatch)
def import_status(request, batch: ImportBatch):
    """JSON polled by the page's progress bar."""
    return JsonResponse({
        "id": batch.pk, "status": batch.status, "status_label": batch.get_status_display(),
        "progress": import_progress(batch=batch), "finished": batch.is_finished,
        "counts": {"created": batch.created, "updated": batch.updated, "unchanged": batch.unchanged,
                   "refused": batch.refused},
        "dry_run": batch.dry_run,
        "error_count": batch.error_count,
    })


@scoped_object(ImportBatch)
def import_errors_csv(request, batch: ImportBatch):
    if not batch.errors_file:
        raise Http404
    return FileResponse(batch.errors_file.open("rb"), as_attachment=True, filename=f"import-{batch.pk}-errors.csv",
                        content_type="text/csv; charset=utf-8")


@login_required
@require_GET
def import_template(request, kind: str, fmt: str):
    """An empty template: `?lang=vi|en` for the labels (default: the page's language)."""
    if kind not in ImportKind.values or fmt not in ("csv", "xlsx"):
        raise Http404
    language = request.GET.get("lang") or (translation.get_language() or "vi")[:2]
    language = "vi" if language.startswith("vi") else "en"
    with translation.override(language):
        if fmt == "csv":
            response = HttpResponse(template_csv(kind, language), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                template_xlsx(kind, language),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
    response["Content-Disposition"] = f'attachment; filename="template-{kind}-{language}.{fmt}"'
    return response
