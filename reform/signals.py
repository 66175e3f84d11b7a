"""Signals of the core domain."""
from django.dispatch import Signal

# Sent after a transaction that created, changed or deleted register rows has committed.
# Arguments: model (the record class), unit_ids (set of int), years (set of int).
# The compliance engine listens to queue a (coalesced) recompute.
records_changed = Signal()
