"""Binning of the reduction rates drawn in the dashboards' histogram (pure: values in, bins out)."""
from __future__ import annotations

# Histogram of reduction rates: 5-point bins from -50 % to +60 %, open-ended at both ends.
HIST_LOW, HIST_HIGH, HIST_STEP = -50, 60, 5


def histogram_bins(values: list[float]) -> list[dict]:
    """5-point bins of reduction rates in percent, with open-ended first and last bins."""
    edges = list(range(HIST_LOW, HIST_HIGH + 1, HIST_STEP))
    bins = [{"low": None, "high": HIST_LOW, "n": 0}]
    bins += [{"low": lo, "high": hi, "n": 0} for lo, hi in zip(edges, edges[1:])]
    bins.append({"low": HIST_HIGH, "high": None, "n": 0})
    for value in values:
        pct = value * 100
        if pct < HIST_LOW:
            bins[0]["n"] += 1
        elif pct >= HIST_HIGH:
            bins[-1]["n"] += 1
        else:
            bins[1 + int((pct - HIST_LOW) // HIST_STEP)]["n"] += 1
    for b in bins:
        if b["low"] is None:
            b["label"] = f"< {b['high']} %"
        elif b["high"] is None:
            b["label"] = f"≥ {b['low']} %"
        else:
            b["label"] = f"{b['low']}…{b['high']} %"
    return bins
