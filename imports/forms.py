"""The upload form of the web page: what the file holds, and the file."""
from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import ImportKind


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"), choices=ImportKind.choices, widget=forms.RadioSelect,
                             initial=ImportKind.DOCUMENTS)
    file = forms.FileField(
        label=_("File (CSV UTF-8 or XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    )
    dry_run = forms.BooleanField(
        label=_("Check only"), required=False,
        help_text=_("Report what the file would create, update and refuse, and write nothing."),
    )
