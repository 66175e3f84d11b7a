"""Enumerations of the core domain: unit levels, kinds, blocks, user roles, target rules."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Level(models.TextChoices):
    CENTRAL = "central", _("Central")
    PROVINCIAL = "provincial", _("Provincial")
    DISTRICT = "district", _("District (before 1 July 2025)")
    COMMUNE = "commune", _("Commune")


class Kind(models.TextChoices):
    LOCALITY = "locality", _("Locality")
    AGENCY = "agency", _("Agency")


class Block(models.TextChoices):
    PARTY = "party", _("Party")
    STATE = "state", pgettext_lazy("block", "State")
    ELECTED = "elected", _("Elected bodies")
    FRONT = "front", _("Fatherland Front and mass organisations")


class Role(models.TextChoices):
    ENTRY = "entry", _("Entry officer")
    REVIEWER = "reviewer", _("Reviewer")
    ADMIN = "admin", _("Administrator")


class Comparison(models.TextChoices):
    """How a target's value is judged against its threshold."""

    REDUCTION_AT_LEAST = "reduction_gte", _("Reduction of at least")
    SHARE_AT_MOST = "share_lte", _("Share of at most")
    SHARE_AT_LEAST = "share_gte", _("Share of at least")
    COUNT_AT_MOST = "count_lte", _("Count of at most")
    ALL_COMPLY = "all_comply", _("Every conference complies")


class Applicability(models.TextChoices):
    EVERY_UNIT = "all", _("Every unit")
    PROVINCIAL_LOCALITIES = "provincial_localities", _("Provincial localities")
    COMMUNE_LOCALITIES = "commune_localities", _("Commune localities")
