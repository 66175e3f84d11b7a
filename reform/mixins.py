"""Web view mixins: the one place where pages apply scoping and role checks.

Every page of a unit-owned object goes through `scoped_queryset` (the model's `visible_to(user)`, or
`editable_by(user)` for a write): class-based pages by `ScopedObjectMixin` (the record pages by its
`RecordScopeMixin`), function pages by the `scoped_object` decorator. So no page can forget it: another unit's
object is a 404, a reviewer's write page a 403; the services of `reform.services` check again when writing.
"""
from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import services
from .querysets import scoped_queryset


def scoped_object(model: type[Model], *, lookup: str = "pk", write: bool = False, narrow=None,
                  select_related: tuple[str, ...] = ()):
    """Decorator of a function page about one object: login required, and the URL's `lookup` argument is replaced
    by the object itself, read through `scoped_queryset` (narrowed by `narrow(queryset)` when given); another
    unit's object, like a missing one, is a 404."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            queryset = scoped_queryset(model, request.user, write=write)
            if select_related:
                queryset = queryset.select_related(*select_related)
            if narrow is not None:
                queryset = narrow(queryset)
            obj = get_object_or_404(queryset, **{lookup: kwargs.pop(lookup)})
            return view(request, obj, *args, **kwargs)

        return wrapped

    return decorator


def attach_errors(form, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form: per field where the form has the field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            if target is None and field != NON_FIELD_ERRORS:
                # e.g. the derived `year`: show it above the form, naming nothing the user cannot fix
                form.add_error(None, errors)
            else:
                form.add_error(target, errors)
    else:
        form.add_error(None, error)


class ScopedObjectMixin(LoginRequiredMixin):
    """A class-based page of a unit-owned model: its queryset is what the user may see (or, for writes, edit)."""

    model: type[Model] | None = None
    select_related: tuple[str, ...] = ()
    write = False  # write views: the queryset is what the user may edit

    def get_queryset(self) -> QuerySet:
        return scoped_queryset(self.model, self.request.user, write=self.write).select_related(*self.select_related)


class RecordScopeMixin(ScopedObjectMixin):
    """A record page (list, detail, create, edit, delete): scoped, and a reviewer's write page is a 403."""

    select_related: tuple[str, ...] = ("unit",)
    detail_url_name = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.write and not (request.user.is_administrator or request.user.is_entry_officer):
            raise PermissionDenied(_("Your role cannot change records."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_edit"] = user.is_administrator or user.is_entry_officer
        context["opts"] = self.model._meta
        context["lock_reason"] = self.get_lock_reason()
        return context

    def get_lock_reason(self) -> str:
        """Why the record of this page cannot be changed (e.g. its period's report is approved), or ""."""
        record = getattr(self, "object", None)
        if record is None or not record.pk:
            return ""
        if not hasattr(record, "lock_reason"):
            services.records_mark_locked([record])
        return record.lock_reason


class RecordListMixin(RecordScopeMixin):
    """A list page: the shared FilterSet, free-text search, whitelisted sorting and pagination."""

    filterset_class = None
    paginate_by = 25
    sort_fields: dict[str, str | tuple[str, ...]] = {}  # URL key -> model field(s) to order by
    default_sort = ""

    def get_sort(self) -> str:
        key = self.request.GET.get("sort", self.default_sort)
        return key if key.lstrip("-") in self.sort_fields else self.default_sort

    def get(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        filterset = self.filterset_class(request.GET or None, queryset=queryset, request=request)
        if filterset.is_bound and not filterset.is_valid():
            rows = queryset.none()
        else:
            rows = filterset.qs
        sort = self.get_sort()
        if sort:
            fields = self.sort_fields[sort.lstrip("-")]
            fields = (fields,) if isinstance(fields, str) else fields
            sign = "-" if sort.startswith("-") else ""
            rows = rows.order_by(*(f"{sign}{field}" for field in (*fields, "pk")))
        paginator = Paginator(rows, self.paginate_by)
        page = paginator.get_page(request.GET.get("page"))
        page.object_list = services.records_mark_locked(page.object_list)  # one check for the whole page
        query = request.GET.copy()
        query.pop("page", None)
        sort_query = query.copy()
        sort_query.pop("sort", None)
        context = {
            "filterset": filterset,
            "filter_form": filterset.form,
            "page_obj": page,
            "object_list": page.object_list,
            "paginator": paginator,
            "is_paginated": page.has_other_pages(),
            "query_string": query.urlencode(),
            "sort_query_string": sort_query.urlencode(),
            "sort": sort,
            "can_edit": request.user.is_administrator or request.user.is_entry_officer,
            "opts": self.model._meta,
            # Every register filters by year: this year back to 2020.
            "years": list(range(timezone.localdate().year, 2019, -1)),
        }
        context.update(self.get_extra_context())
        return self.render_to_response(context)

    def get_extra_context(self) -> dict:
        return {}


class RecordFormMixin(RecordScopeMixin):
    """Create and edit pages: the ModelForm gives the shape, the service decides and writes."""

    write = True
    success_message = ""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.get_lock_reason():
            # Shown read-only; a POST still reaches the service, which refuses it with the same reason.
            for field in form.fields.values():
                field.disabled = True
        return form

    def form_valid(self, form):
        data = {name: value for name, value in form.cleaned_data.items() if name in form.model_fields()}
        try:
            if getattr(self, "object", None) is not None and self.object.pk:
                self.object = services.record_update(instance=self.object, user=self.request.user, data=data)
            else:
                self.object = services.record_create(model=self.model, user=self.request.user, data=data)
        except ValidationError as error:
            attach_errors(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message % {"object": self.object})
        self.after_save(self.object)  # its warnings follow the word that the record was saved
        return HttpResponseRedirect(self.get_success_url())

    def after_save(self, instance) -> None:
        """Hook for a page's extra feedback (e.g. a symbol that needs review)."""

    def get_success_url(self) -> str:
        return reverse(self.detail_url_name, args=[self.object.pk])


class RecordDeleteMixin(RecordScopeMixin):
    """A delete page: GET asks for confirmation, POST deletes through the service."""

    write = True
    success_url_name = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = reverse(self.detail_url_name, args=[self.object.pk])
        return context

    def form_valid(self, form):
        try:
            services.record_delete(instance=self.object, user=self.request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(self.request, message)
            return HttpResponseRedirect(reverse(self.detail_url_name, args=[self.object.pk]))
        messages.success(self.request, _("The record “%(object)s” was deleted.") % {"object": self.object})
        return HttpResponseRedirect(reverse(self.success_url_name))
