"""The dashboard pages' read side, one module per concern; the names the views, charts and tags use are here too.

- `filters`: the filters kept in the URL and the unit Q they select;
- `selectors`: the reads of the precomputed results and roll-ups (a fixed number of queries), the targets listed;
- `histogram`: the bins of the reduction rates;
- `explanations`: why a result missed, why a conference broke its rule;
- `forecasts`: the entry officer's outlook, what it takes to meet each target by December.
What each target is to the code (its measures, rules, words) is reporting/targets.py's.
"""
from ..targets import DOC_REDUCTION, MEETING_REDUCTION  # noqa: F401
from .explanations import allowed_count, miss_reason, offenders_total, offending_conferences  # noqa: F401
from .filters import DashboardFilters, filters_from_query, scope_q, year_bounds  # noqa: F401
from .forecasts import officer_outlook  # noqa: F401
from .histogram import HIST_HIGH, HIST_LOW, HIST_STEP, histogram_bins  # noqa: F401
from .selectors import (  # noqa: F401
    CURRENT_COUNT, PREVIOUS_COUNT, QUARTERS, SHARE_STATUSES, STATUS_ORDER, TREND_YEARS, has_records,
    national_trend, provinces, reduction_values, results, scope_status_counts, scope_trend, status_counts,
    status_shares, subtree_units, target_list, targets_apply_from, trend_is_empty, unit_results, unit_status_grid,
    unit_table,
)
