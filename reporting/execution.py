"""How a compute runs: its count of queries, a read on a second connection, progress held while a COPY streams, the
garbage collector paused while rows are written, and the lock that serialises the recomputes of a year."""
from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import connection


class QueryCounter:
    """Counts SQL statements (plus COPYs, which bypass Django's cursor) during a compute, on every
    connection it is installed on (the reads may run on two)."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    def __call__(self, execute, sql, params, many, context):
        with self.lock:
            self.count += 1
        return execute(sql, params, many, context)


def in_background(function: Callable[[], Any], counter: QueryCounter) -> Callable[[], Any]:
    """Start `function` (a read) on a second database connection, in a thread, when that connection sees
    what this one sees: PostgreSQL outside a transaction (a second connection would not see the rows of
    an open one, e.g. a test's). Returns a callable that waits for the result (or runs `function` there
    and then, when it cannot go to the background)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return function

    def run():
        try:
            with connection.execute_wrapper(counter):  # this thread's own connection
                return function()
        finally:
            connection.close()

    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="compliance-read")
    future = executor.submit(run)
    executor.shutdown(wait=False)
    return future.result


class Progress:
    """The caller's progress callback, called only where it is safe: a report made while a COPY streams on
    this connection is held until the COPY ends (any statement on the connection then would end the COPY),
    unless the callback writes on a connection of its own (`own_connection`, see reform.tasks.ProgressReporter)."""

    def __init__(self, report: Callable[[int, int], None] | None) -> None:
        self.report = report
        self.anytime = bool(getattr(report, "own_connection", False))
        self.streaming = False
        self.held: tuple[int, int] | None = None

    def __call__(self, done: int, total: int) -> None:
        if self.report is None:
            return
        if self.streaming and not self.anytime:
            self.held = (done, total)
            return
        self.report(done, total)

    @contextlib.contextmanager
    def copying(self):
        self.streaming = connection.vendor == "postgresql"
        try:
            yield
        finally:
            self.streaming = False
            held, self.held = self.held, None
            if held:
                self(*held)


@contextlib.contextmanager
def collector_paused():
    """Pause Python's cyclic garbage collector: writing 200,000 rows allocates millions of short-lived tuples
    and strings (no cycles), and each collection would walk the large live structures of the compute (the
    aggregated counts, the offenders, the judged results) again. Reference counting still frees them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def lock_year(year: int) -> None:
    """Serialise recomputes of the same year, so two overlapping ones never interleave delete and insert."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [226, year])
