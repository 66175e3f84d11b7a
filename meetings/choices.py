"""Enumerations of the conferences register."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid (main hall and online points)")


class Category(models.TextChoices):
    DISSEMINATION = "dissemination", _("Dissemination")
    PROFESSIONAL = "professional", _("Professional / technical")
    IMPORTANT = "important", _("Important discussion")


class Scope(models.TextChoices):
    ALL_LEADERS = "all_leaders", _("All leaders (province-/commune-wide)")
    SPECIALIZED = "specialized", _("Specialised")
    INTERNAL = "internal", _("Internal")
