"""Query chains of period reports and exports, scoped like the records (an officer sees their subtree)."""
from __future__ import annotations

from reform.querysets import UnitScopedQuerySet

from .choices import ReportState


class PeriodReportQuerySet(UnitScopedQuerySet):
    def approved(self) -> "PeriodReportQuerySet":
        return self.filter(state=ReportState.APPROVED)

    def awaiting_review(self) -> "PeriodReportQuerySet":
        return self.filter(state=ReportState.SUBMITTED)


class ReportExportQuerySet(UnitScopedQuerySet):
    pass
