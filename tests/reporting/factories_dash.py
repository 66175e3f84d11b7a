"""Factories for the dashboards' tests: stored compliance results and small trees of localities."""
from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from reporting.models import ComplianceResult
from tests.factories import UnitFactory

TARGET_CODES = [
    "DOC_REDUCTION", "MEETING_REDUCTION", "MEETING_ONLINE_SHARE", "PROVINCE_WIDE_CAP", "COMMUNE_WIDE_CAP",
    "CONFERENCE_DURATION", "SPEECH_LIMITS", "CONFERENCE_BUDGET", "NO_REPEAT_CONFERENCE", "PROCEDURES_DIGITAL",
    "DOC_DIGITIZATION", "DOC_NETWORK",
]
STATUSES = ["met", "missed", "no_baseline", "no_data"]


class ComplianceResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComplianceResult

    unit = factory.SubFactory(UnitFactory)
    year = 2026
    period = "Y"
    target_id = "DOC_REDUCTION"
    status = "met"
    value = Decimal("0.2000")
    threshold = Decimal("0.1500")
    numerator = 80
    denominator = 100
    baseline = 100
    details = factory.LazyFunction(dict)
    computed_at = factory.LazyFunction(timezone.now)


def result_for(unit, target: str, status: str, *, year: int = 2026, period: str = "Y", **kwargs) -> ComplianceResult:
    """A plausible stored result of one target with the given status (figures consistent with the status)."""
    defaults: dict = {}
    if target in ("DOC_REDUCTION", "MEETING_REDUCTION"):
        threshold = Decimal("0.1500") if target == "DOC_REDUCTION" else Decimal("0.1000")
        if status == "no_baseline":
            defaults = dict(value=None, threshold=threshold, numerator=40, denominator=0, baseline=0)
        else:
            current = 70 if status == "met" else 95
            defaults = dict(value=(Decimal(100 - current) / 100).quantize(Decimal("0.0001")), threshold=threshold,
                            numerator=current, denominator=100, baseline=100)
    elif target in ("PROVINCE_WIDE_CAP", "COMMUNE_WIDE_CAP"):
        cap = Decimal(2 if target == "PROVINCE_WIDE_CAP" else 3)
        count = 1 if status == "met" else int(cap) + 2
        defaults = dict(value=Decimal(count), threshold=cap, numerator=count, denominator=count, baseline=None)
    else:
        threshold = {"MEETING_ONLINE_SHARE": Decimal("0.4000"), "DOC_NETWORK": Decimal("1")}.get(
            target, Decimal("0.9500") if target in ("PROCEDURES_DIGITAL", "DOC_DIGITIZATION") else Decimal("1"))
        if status == "no_data":
            defaults = dict(value=None, threshold=threshold, numerator=0, denominator=0, baseline=None)
        elif target == "MEETING_ONLINE_SHARE":
            n = 3 if status == "met" else 7
            defaults = dict(value=Decimal(n) / 10, threshold=threshold, numerator=n, denominator=10, baseline=None)
        else:
            n = 100 if status == "met" else 90
            defaults = dict(value=Decimal(n) / 100, threshold=threshold, numerator=n, denominator=100, baseline=None)
    if status == "not_applicable":
        defaults = dict(value=None, numerator=None, denominator=None, baseline=None)
    defaults.update(kwargs)
    return ComplianceResultFactory(unit=unit, target_id=target, status=status, year=year, period=period, **defaults)


def results_for_unit(unit, *, year: int = 2026, period: str = "Y", seed: int = 0) -> list[ComplianceResult]:
    """Twelve results for a unit, statuses cycling deterministically with `seed`."""
    out = []
    for i, code in enumerate(TARGET_CODES):
        status = STATUSES[(i + seed) % len(STATUSES)]
        if code == "PROVINCE_WIDE_CAP" and unit.level != "provincial" or code == "COMMUNE_WIDE_CAP" and unit.level != "commune":
            status = "not_applicable"
        elif code in ("PROVINCE_WIDE_CAP", "COMMUNE_WIDE_CAP") and status in ("no_baseline", "no_data"):
            status = "met"
        elif status == "no_baseline" and code not in ("DOC_REDUCTION", "MEETING_REDUCTION"):
            status = "no_data"
        elif status == "no_data" and code in ("DOC_REDUCTION", "MEETING_REDUCTION"):
            status = "no_baseline"
        out.append(result_for(unit, code, status, year=year, period=period))
    return out


def provinces_with_results(n_provinces: int, *, communes_per_province: int = 2, year: int = 2026,
                           period: str = "Y") -> list:
    """A root, n provinces with a few communes each, and twelve results for every unit."""
    root = UnitFactory(code="TW", name="Trung ương", level="central", parent=None)
    units = []
    for p in range(1, n_provinces + 1):
        province = UnitFactory(code=f"{p:02d}", name=f"Tỉnh {p:02d}", level="provincial", parent=root)
        units.append(province)
        for c in range(communes_per_province):
            units.append(UnitFactory(code=f"{p:02d}{c:03d}", name=f"Xã {p:02d}-{c}", level="commune", parent=province))
    for i, unit in enumerate(units):
        results_for_unit(unit, year=year, period=period, seed=i)
    return units
