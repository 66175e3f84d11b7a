"""The filters of the dashboard pages, kept in the URL: parsed from the query string and turned into a unit Q."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Max, Min, Q
from django.utils import timezone

from reform.choices import Block, Level
from reform.models import Unit

from ..choices import Period
from ..models import ComplianceResult


@dataclass(frozen=True)
class DashboardFilters:
    """The filters of a dashboard page, parsed from (and written back to) the query string."""

    year: int
    period: str = Period.YEAR
    level: str = ""
    block: str = ""
    province: str = ""
    years: tuple[int, ...] = field(default=(), compare=False)

    def query(self, **overrides) -> str:
        params = {"year": self.year, "period": self.period, "level": self.level, "block": self.block,
                  "province": self.province}
        params.update(overrides)
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})

    @property
    def period_label(self) -> str:
        return str(Period(self.period).label)


def year_bounds() -> tuple[int | None, int | None]:
    """The first and last year that have results (one query; PostgreSQL answers it from the index)."""
    bounds = ComplianceResult.objects.aggregate(first=Min("year"), last=Max("year"))
    return bounds["first"], bounds["last"]


def filters_from_query(params, *, allow_scope_filters: bool = True) -> DashboardFilters:
    """Parse year, period, level, block and province; anything invalid falls back to the default."""
    first, last = year_bounds()
    this_year = timezone.localdate().year
    last = last or this_year
    first = first or last
    try:
        year = int(params.get("year", ""))
    except (TypeError, ValueError):
        year = last
    if not 2000 <= year <= 2100:
        year = last
    period = params.get("period", Period.YEAR)
    if period not in Period.values:
        period = Period.YEAR
    level = block = province = ""
    if allow_scope_filters:
        level = params.get("level", "") if params.get("level", "") in Level.values else ""
        block = params.get("block", "") if params.get("block", "") in Block.values else ""
        province = params.get("province", "")
        if not (province.isdigit() and len(province) == 2):
            province = ""
    years = tuple(range(min(first, year), max(last, year) + 1))
    return DashboardFilters(year=year, period=period, level=level, block=block, province=province, years=years)


def scope_q(filters: DashboardFilters | None = None, *, root: Unit | None = None, prefix: str = "unit__") -> Q:
    """The Q selecting the units a page looks at: a subtree, a level and a block."""
    q = Q()
    if root is not None:
        q &= Q(**{f"{prefix}path__startswith": root.path})
    if filters is not None:
        if filters.level:
            q &= Q(**{f"{prefix}level": filters.level})
        if filters.block:
            q &= Q(**{f"{prefix}block": filters.block})
    return q
