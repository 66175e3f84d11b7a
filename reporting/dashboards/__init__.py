"""The dashboard pages' read side, one module per concern; the names the views, charts and tags use are here too.

- `filters`: the filters kept in the URL and the unit Q they select;
- `catalogue`: the targets as the pages name and list them;
- `selectors`: the reads of the precomputed results and roll-ups (a fixed number of queries);
- `histogram`: the bins of the reduction rates;
- `explanations`: why a result missed, why a conference broke its rule;
- `forecasts`: the entry officer's outlook, what it takes to meet each target by December.
"""
from .catalogue import (  # noqa: F401
    COMMUNE_WIDE_CAP, CONFERENCE_BUDGET, CONFERENCE_DURATION, DOC_DIGITIZATION, DOC_NETWORK, DOC_REDUCTION,
    MEETING_ONLINE_SHARE, MEETING_REDUCTION, NO_REPEAT_CONFERENCE, PROCEDURES_DIGITAL, PROVINCE_WIDE_CAP,
    SPEECH_LIMITS, as_fraction, is_count_target, target_list, targets_apply_from,
)
from .explanations import (  # noqa: F401
    SPEECH_LABELS, allowed_count, miss_reason, offenders_total, offending_conferences,
)
from .filters import DashboardFilters, filters_from_query, scope_q, year_bounds  # noqa: F401
from .forecasts import RULE_TEXT, officer_outlook  # noqa: F401
from .histogram import HIST_HIGH, HIST_LOW, HIST_STEP, histogram_bins  # noqa: F401
from .selectors import (  # noqa: F401
    CURRENT_COUNT, PREVIOUS_COUNT, QUARTERS, SHARE_STATUSES, STATUS_ORDER, TREND_YEARS, has_records, locality_figures,
    national_trend, provinces, reduction_values, results, scope_status_counts, scope_trend, status_counts,
    status_shares, subtree_units, trend_is_empty, unit_results, unit_status_grid, unit_table,
)
