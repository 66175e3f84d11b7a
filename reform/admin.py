"""Django admin for administrators: units, users, targets and thresholds, policy settings.

Also `RecordAdmin`, the base of the registers' admins: it writes through `reform.services` (so the
admin obeys the same validation, period locks, audit trail and recompute as every other path) and
shows each record's history (simple-history: who, when, before/after).
"""
from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .mixins import attach_errors
from .choices import Role
from .models import PolicySetting, Target, TargetThreshold, Unit, UnitSuccession, User
from .thresholds import threshold_text

admin.site.site_header = _("Reform compliance dashboard: administration")
admin.site.site_title = _("Reform compliance dashboard")
admin.site.index_title = _("Administration")


def guarded_delete_selected(modeladmin, request, queryset):
    """Django's "Delete selected", checked row by row first (`delete_refusals`): one refused row deletes nothing,
    and the refusals are shown as messages; the deletion itself is one transaction. Without it a mix of locked
    and unlocked records answered 500 after deleting some of them."""
    refusals = [f"{obj}: {message}" for obj in queryset for message in modeladmin.delete_refusals(request, obj)]
    if refusals:
        for message in refusals[:20]:
            modeladmin.message_user(request, message, messages.ERROR)
        modeladmin.message_user(request, _("Nothing was deleted."), messages.ERROR)
        return None
    with transaction.atomic():
        return delete_selected(modeladmin, request, queryset)


guarded_delete_selected.short_description = delete_selected.short_description
guarded_delete_selected.allowed_permissions = ("delete",)


class GuardedDeleteMixin:
    """Admins whose rows may refuse deletion: `delete_refusals(request, obj)` says why (empty list: allowed)."""

    def delete_refusals(self, request, obj) -> list[str]:
        return []

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            _function, name, description = actions["delete_selected"]
            actions["delete_selected"] = (guarded_delete_selected, name, description)
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        """A refused deletion goes back to the object's page with the refusals as messages, never a 500."""
        if request.method == "POST":
            obj = self.get_object(request, object_id)
            # Without the permission at all, Django's own view answers (403).
            refusals = (self.delete_refusals(request, obj)
                        if obj is not None and self.has_delete_permission(request, obj) else [])
            if refusals:
                for message in refusals:
                    self.message_user(request, message, messages.ERROR)
                opts = self.model._meta
                return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        return super().delete_view(request, object_id, extra_context)


class RecordAdmin(GuardedDeleteMixin, SimpleHistoryAdmin):
    """Admin of a register: every save and delete goes through the record services."""

    raw_id_fields = ("unit",)
    list_select_related = ("unit",)
    show_full_result_count = False  # registers hold millions of rows: no second COUNT(*) per page

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        action = "update" if change else "create"

        class GuardedForm(form_class):
            """Run the write guards (period locks) while the form can still show their message."""

            def _post_clean(self):
                super()._post_clean()
                if self._errors:
                    return
                try:
                    for guard in services.write_guards:
                        if change and self.instance.pk:
                            guard(instance=type(self.instance).objects.get(pk=self.instance.pk), user=request.user,
                                  action=action)
                        guard(instance=self.instance, user=request.user, action=action)
                except ValidationError as error:
                    attach_errors(self, error)

        return GuardedForm

    def save_model(self, request, obj, form, change):
        model = type(obj)
        data = {name: form.cleaned_data[name] for name in form.cleaned_data if name in {f.name for f in model._meta.fields}}
        if change:
            saved = services.record_update(instance=model.objects.get(pk=obj.pk), user=request.user, data=data)
        else:
            saved = services.record_create(model=model, user=request.user, data=data)
        obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.record_delete(instance=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                services.record_delete(instance=obj, user=request.user)

    def delete_refusals(self, request, obj) -> list[str]:
        try:
            for guard in services.write_guards:
                guard(instance=obj, user=request.user, action="delete")
        except (ValidationError, PermissionDenied) as error:
            return list(getattr(error, "messages", [str(error)]))
        return []



@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "level", "kind", "block", "parent", "valid_until")
    list_filter = ("level", "kind", "block", ("valid_until", admin.EmptyFieldListFilter))
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)
    list_select_related = ("parent",)
    readonly_fields = ("path", "depth")
    ordering = ("path",)


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(SimpleHistoryAdmin):
    """Corrections of the lineage: a row saved here is marked corrected, and `load_units` then leaves that
    legacy unit's successors as the administrator set them (the history keeps every change)."""

    list_display = ("predecessor", "successor", "order", "corrected")
    list_filter = ("corrected", "predecessor__level")
    search_fields = ("predecessor__code", "predecessor__name", "successor__code", "successor__name")
    raw_id_fields = ("predecessor", "successor")
    list_select_related = ("predecessor", "successor")
    readonly_fields = ("corrected",)

    def save_model(self, request, obj, form, change):
        obj.corrected = True
        super().save_model(request, obj, form, change)
        # The predecessor's other rows are marked too, so its whole list is kept as corrected.
        UnitSuccession.objects.filter(predecessor_id=obj.predecessor_id, corrected=False).update(corrected=True)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        UnitSuccession.objects.filter(predecessor_id=obj.predecessor_id, corrected=False).update(corrected=True)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "get_full_name", "role", "unit", "is_active", "last_login")
    list_filter = ("role", "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "first_name", "last_name", "email", "unit__code", "unit__name")
    raw_id_fields = ("unit",)
    list_select_related = ("unit",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets[:1],
        (_("Role and unit"), {"fields": ("role", "unit")}),
        *DjangoUserAdmin.fieldsets[1:],
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("Role and unit"), {"classes": ("wide",), "fields": ("role", "unit")}),
    )

    @admin.display(description=_("full name"))
    def get_full_name(self, obj):
        return obj.get_full_name()

    def save_model(self, request, obj, form, change):
        # The administrator role is what the app checks; the admin site needs the matching Django flags
        # (as `manage.py create_user --role admin` sets them).
        if obj.role == Role.ADMIN:
            obj.is_staff = obj.is_superuser = True
        super().save_model(request, obj, form, change)


class TargetThresholdInline(admin.TabularInline):
    model = TargetThreshold
    extra = 0


# Actions other apps add to the targets' and thresholds' pages: the compliance engine's "recompute now"
# (reporting/admin.py), so the core's admin imports no app.
target_actions: list = []
threshold_actions: list = []


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name_vi", "name_en", "clause", "comparison", "applies_to", "order")
    list_filter = ("comparison", "applies_to")
    search_fields = ("code", "name_vi", "name_en")
    inlines = [TargetThresholdInline]
    actions = target_actions


class TargetListFilter(admin.RelatedFieldListFilter):
    """The list's filter by target, titled in the admin's language (the foreign key has no verbose name)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("target")


@admin.register(TargetThreshold)
class TargetThresholdAdmin(SimpleHistoryAdmin):
    list_display = ("target_name", "applies_from", "threshold_text", "note")
    list_filter = (("target", TargetListFilter), "applies_from")
    list_select_related = ("target",)
    actions = threshold_actions

    @admin.display(description=_("target"), ordering="target__order")
    def target_name(self, obj):
        return str(obj.target)

    @admin.display(description=_("threshold"), ordering="threshold")
    def threshold_text(self, obj):
        return threshold_text(obj.target.comparison, obj.threshold)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "target":
            kwargs["label"] = capfirst(_("target"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(PolicySetting)
class PolicySettingAdmin(SimpleHistoryAdmin):
    list_display = ("label", "value", "description")

    @admin.display(description=_("setting"), ordering="key")
    def label(self, obj):
        return obj.label
