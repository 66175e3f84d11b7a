"""Pages of the conferences register: list, detail, create, edit, delete."""
from __future__ import annotations

from django.contrib import messages
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, DeleteView, DetailView, TemplateView, UpdateView

from reform.mixins import RecordDeleteMixin, RecordFormMixin, RecordListMixin, RecordScopeMixin
from reporting.limits import conference_breaches

from .filtersets import ConferenceFilterSet
from .forms import ConferenceForm
from .models import Conference


class ConferenceMixin:
    model = Conference
    select_related = ("unit",)
    detail_url_name = "meetings:conference_detail"
    success_url_name = "meetings:conference_list"


class ConferenceListView(ConferenceMixin, RecordListMixin, TemplateView):
    template_name = "meetings/conference_list.html"
    filterset_class = ConferenceFilterSet
    sort_fields = {
        "held_on": "held_on", "title": "title", "unit": "unit__code", "duration_days": "duration_days",
        "format": "format", "participants": "participants",
    }
    default_sort = "-held_on"


class ConferenceDetailView(ConferenceMixin, RecordScopeMixin, DetailView):
    template_name = "meetings/conference_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["breaches"] = conference_breaches(self.object)
        return context


class ConferenceFormView(ConferenceMixin, RecordFormMixin):
    form_class = ConferenceForm
    template_name = "meetings/conference_form.html"

    def after_save(self, instance: Conference) -> None:
        # Saved all the same: a limit gone over is for the engine to judge, and the officer to know now.
        for breach in conference_breaches(instance):
            messages.warning(self.request, breach.message)


class ConferenceCreateView(ConferenceFormView, CreateView):
    success_message = gettext_lazy("The conference “%(object)s” was added.")


class ConferenceUpdateView(ConferenceFormView, UpdateView):
    success_message = gettext_lazy("The conference “%(object)s” was saved.")


class ConferenceDeleteView(ConferenceMixin, RecordDeleteMixin, DeleteView):
    template_name = "reform/record_confirm_delete.html"
