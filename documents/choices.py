"""Enumerations of the documents app."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Quarter(models.IntegerChoices):
    Q1 = 1, _("Quarter 1")
    Q2 = 2, _("Quarter 2")
    Q3 = 3, _("Quarter 3")
    Q4 = 4, _("Quarter 4")
