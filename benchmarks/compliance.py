"""Benchmark of the compliance engine: a full national recompute of one year against the raw SQL reading the same rows.

Usage (PostgreSQL; the database is created and migrated if needed, units loaded, data generated once and reused):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reform_bench .venv/bin/python benchmarks/compliance.py

Options: --year 2026 (the year recomputed), --runs 3, --profile (print where a recompute spends its time),
--prepare-only (only make sure the dataset is there), --lineage (the dataset across the 1 July 2025 reorganisation:
the legacy units are loaded and 2024 and January-June 2025 are generated under them; use its own database, e.g.
reform_bench_lineage, so that reform_bench stays as it is).

The dataset: every unit of `load_units` (3,356) plus the demo agencies, and `demo_data --scale national` records for
2024-2026 (the national demo gives about 4.7 million documents and 380,000 conferences; if it gives fewer than
4,000,000 documents or 150,000 conferences the volume is raised and the data regenerated). An existing dataset
that is large enough is reused as it is.

It times `compliance_compute(year=Y)` (median of --runs, after one warm-up run; the integrity signals included) and
the smallest hand-written SQL that reads the same rows: one GROUP BY over the documents of Y and Y-1 (per unit, year
and quarter, with the conditional counts the targets need), one over the conferences of Y and Y-1, and one over the
digitisation reports of Y, plus the signals' own aggregates (the year's documents per numbering series and type, the
year before's per type, the conferences' regular, hybrid and late counts). The raw SQL groups the three registers'
rows by the unit they count in: a legacy unit's rows by its default successor (the lineage join on
reform_unitsuccession), as the engine does. The last line printed is

    compute_s=<s> raw_sql_s=<s> ratio=<compute/raw> units=<n> documents=<n>

Goals: compute_s <= 10 on the 2-core machine, ratio <= 2.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings.local")
os.environ["DEBUG"] = "false"  # DEBUG keeps every query in memory and slows the ORM down
os.environ.setdefault("LOG_LEVEL", "WARNING")

YEARS = (2024, 2025, 2026)
MIN_DOCUMENTS = 4_000_000
MIN_CONFERENCES = 150_000


def ensure_database() -> None:
    """Create the PostgreSQL database named in DATABASE_URL if it does not exist."""
    import environ
    import psycopg2

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (the benchmark measures the production setup).")
    config = environ.Env.db_url_config(url)
    conn = psycopg2.connect(dbname="postgres", user=config.get("USER") or "postgres",
                            password=config.get("PASSWORD") or None, host=config.get("HOST") or "127.0.0.1",
                            port=config.get("PORT") or 5432)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
            print(f"Created database {config['NAME']}.", flush=True)
    conn.close()


def counts() -> tuple[int, int, int]:
    from documents.models import Document
    from meetings.models import Conference
    from reform.models import Unit

    first, last = f"{YEARS[0]}-01-01", f"{YEARS[-1]}-12-31"
    return (
        Unit.objects.count(),
        Document.objects.filter(issued_on__range=(first, last)).count(),
        Conference.objects.filter(held_on__range=(first, last)).count(),
    )


def ensure_dataset(*, lineage: bool = False) -> tuple[int, int, int]:
    from django.core.management import call_command

    from documents.models import Document
    from demo.services import demo_data_load
    from reform.models import Unit

    call_command("migrate", verbosity=0, interactive=False)
    if Unit.objects.current().filter(level="commune").count() < 3321 or (lineage and not Unit.objects.legacy().exists()):
        started = time.monotonic()
        call_command("load_units", verbosity=0)
        print(f"Loaded the units in {time.monotonic() - started:.1f} s.", flush=True)
    n_units, n_documents, n_conferences = counts()
    volume = 1.0
    # A dataset made before the legacy units were loaded has no legacy records: generated again.
    stale = lineage and not Document.objects.filter(unit__valid_until__isnull=False).exists()
    while stale or n_documents < MIN_DOCUMENTS or n_conferences < MIN_CONFERENCES:
        stale = False
        if n_documents:
            volume *= 1.05 * max(MIN_DOCUMENTS / max(n_documents, 1), MIN_CONFERENCES / max(n_conferences, 1), 1.0)
        print(f"Generating the national dataset (volume {volume:.2f}); this takes a few minutes...", flush=True)
        result = demo_data_load(scale="national", years=YEARS, volume=volume,
                                progress=lambda line: print(line, flush=True))
        print(f"  {result.documents:,} documents, {result.conferences:,} conferences in {result.seconds:.0f} s",
              flush=True)
        n_units, n_documents, n_conferences = counts()
    return n_units, n_documents, n_conferences


def raw_sql(year: int) -> int:
    """The smallest hand-written SQL reading the rows a recompute reads; returns the number of rows fetched."""
    from django.db import connection

    previous, following = f"{year - 1}-01-01", f"{year + 1}-01-01"
    # The lineage join: a legacy unit's rows count in its default successor (a current unit's in itself).
    counted_in = ("LEFT JOIN reform_unitsuccession s ON s.predecessor_id = {alias}.unit_id AND s.\"order\" = 0")
    queries = [
        # Documents of Y and Y-1 per unit, year and quarter: all (digitisation/network denominators),
        # administrative ones (DOC_REDUCTION), digitised, sent over the network.
        (f"""
        SELECT COALESCE(s.successor_id, d.unit_id), d.year, EXTRACT(QUARTER FROM d.issued_on) AS q,
               COUNT(*),
               COUNT(*) FILTER (WHERE t.counts_toward_reduction),
               COUNT(*) FILTER (WHERE d.is_digitized),
               COUNT(*) FILTER (WHERE d.sent_electronically)
        FROM documents_document d JOIN documents_documenttype t ON t.code = d.doc_type_id {counted_in.format(alias="d")}
        WHERE d.issued_on >= %s AND d.issued_on < %s
        GROUP BY 1, 2, 3""", [previous, following]),
        # Conferences of Y and Y-1 per unit, year and quarter, with the conditional counts of every target.
        (f"""
        SELECT COALESCE(s.successor_id, c.unit_id), EXTRACT(YEAR FROM c.held_on) AS y,
               EXTRACT(QUARTER FROM c.held_on) AS q,
               COUNT(*) FILTER (WHERE NOT c.is_regular_session),
               COUNT(*) FILTER (WHERE NOT c.is_regular_session AND c.format = 'in_person'),
               COUNT(*) FILTER (WHERE NOT c.is_regular_session AND c.format = 'hybrid'),
               COUNT(*) FILTER (WHERE NOT c.is_regular_session AND c.scope = 'all_leaders'
                                AND NOT c.exception_approved),
               COUNT(*) FILTER (WHERE NOT c.is_regular_session AND (
                   (c.category = 'dissemination' AND c.duration_days > 0.5)
                   OR (c.category = 'professional' AND c.duration_days > 1)
                   OR (c.category = 'important' AND c.duration_days > 1.5))),
               COUNT(*) FILTER (WHERE NOT c.is_regular_session AND (c.opening_speech_min IS NOT NULL
                   OR c.closing_speeches_min IS NOT NULL OR c.longest_presentation_min IS NOT NULL)),
               COUNT(*) FILTER (WHERE NOT c.is_regular_session AND (c.opening_speech_min > 10
                   OR c.closing_speeches_min > 50 OR c.longest_presentation_min > 10)),
               COUNT(*) FILTER (WHERE NOT c.is_regular_session AND c.budget_allocated IS NOT NULL
                                AND c.budget_spent IS NOT NULL),
               COUNT(*) FILTER (WHERE NOT c.is_regular_session AND c.budget_spent > c.budget_allocated),
               COUNT(*) FILTER (WHERE NOT c.is_regular_session AND c.reheld_after_online)
        FROM meetings_conference c {counted_in.format(alias="c")}
        WHERE c.held_on >= %s AND c.held_on < %s
        GROUP BY 1, 2, 3""", [previous, following]),
        # Digitisation reports of Y per unit and quarter.
        (f"""
        SELECT COALESCE(s.successor_id, r.unit_id), r.quarter, SUM(r.procedures_total), SUM(r.procedures_digital)
        FROM documents_digitizationreport r {counted_in.format(alias="r")} WHERE r.year = %s
        GROUP BY 1, 2""", [year]),
    ]
    # The integrity signals' own aggregates (reporting/signals.py): the year's documents per unit, type and numbering
    # series (with the late entries per quarter), the year before's per unit and type, and the conferences of both
    # years with the regular sessions, hybrid and late ones.
    from documents.series import SERIES_KEY_SQL, SERIES_NUMBER_SQL

    queries += [
        (f"""
        SELECT unit_id, doc_type_id, series, COUNT(*), MAX(n), MIN(n), MIN(issued_on),
               COUNT(*) FILTER (WHERE late AND EXTRACT(QUARTER FROM issued_on) = 1),
               COUNT(*) FILTER (WHERE late AND EXTRACT(QUARTER FROM issued_on) = 2),
               COUNT(*) FILTER (WHERE late AND EXTRACT(QUARTER FROM issued_on) = 3),
               COUNT(*) FILTER (WHERE late AND EXTRACT(QUARTER FROM issued_on) = 4)
        FROM (SELECT d.unit_id, d.doc_type_id, d.issued_on, ({SERIES_KEY_SQL}) COLLATE "C" AS series,
                     {SERIES_NUMBER_SQL} AS n, d.created_at > d.issued_on + 31 AS late
              FROM documents_document d WHERE d.year = %s) x
        GROUP BY 1, 2, 3""", [year]),
        ("""
        SELECT d.unit_id, d.doc_type_id, COUNT(*) FROM documents_document d WHERE d.year = %s GROUP BY 1, 2""",
         [year - 1]),
        ("""
        SELECT c.unit_id, c.held_on >= %s, EXTRACT(QUARTER FROM c.held_on), COUNT(*),
               COUNT(*) FILTER (WHERE c.is_regular_session),
               COUNT(*) FILTER (WHERE NOT c.is_regular_session AND c.format = 'hybrid'),
               COUNT(*) FILTER (WHERE c.created_at > c.held_on + 31)
        FROM meetings_conference c WHERE c.held_on >= %s AND c.held_on < %s GROUP BY 1, 2, 3""",
         [f"{year}-01-01", previous, following]),
    ]
    fetched = 0
    with connection.cursor() as cursor:
        for sql, params in queries:
            cursor.execute(sql, params)
            fetched += len(cursor.fetchall())
    return fetched


def timed(function, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times


def profile_compute(year: int) -> None:
    """Where one recompute spends its time: the SQL statements (by duration) and the Python side (cProfile)."""
    from django.db import connection

    from reporting.services import compliance_compute

    statements: list[tuple[float, str]] = []

    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - started, " ".join(sql.split())[:160]))

    profiler = cProfile.Profile()
    started = time.perf_counter()
    with connection.execute_wrapper(wrapper):
        profiler.enable()
        compliance_compute(year=year)
        profiler.disable()
    total = time.perf_counter() - started
    sql_total = sum(seconds for seconds, _ in statements)
    print(f"\nProfile of one recompute: {total:.2f} s, of which {sql_total:.2f} s in {len(statements)} SQL "
          f"statements (COPY writes included only where they go through the cursor).")
    for seconds, sql in sorted(statements, reverse=True)[:12]:
        print(f"  {seconds:7.3f} s  {sql}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--prepare-only", action="store_true")
    parser.add_argument("--lineage", action="store_true")
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.db import connection

    from reporting.services import compliance_compute

    n_units, n_documents, n_conferences = ensure_dataset(lineage=args.lineage)
    print(f"Dataset: {n_units:,} units, {n_documents:,} documents and {n_conferences:,} conferences "
          f"({YEARS[0]}-{YEARS[-1]}).", flush=True)
    if args.prepare_only:
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    summary = compliance_compute(year=args.year)  # warm-up: caches, plans, and the previous results in place
    print(f"Warm-up recompute of {args.year}: {summary.seconds:.2f} s, {summary.results:,} results, "
          f"{summary.rollups:,} roll-ups, {summary.queries} queries.", flush=True)
    compute_s, compute_runs = timed(lambda: compliance_compute(year=args.year), args.runs)
    raw_sql(args.year)  # warm-up
    raw_s, raw_runs = timed(lambda: raw_sql(args.year), args.runs)
    print("compute runs: " + ", ".join(f"{t:.2f}" for t in compute_runs) + " s;  raw SQL runs: "
          + ", ".join(f"{t:.2f}" for t in raw_runs) + " s", flush=True)
    if args.profile:
        profile_compute(args.year)
    print(f"compute_s={compute_s:.2f} raw_sql_s={raw_s:.2f} ratio={compute_s / raw_s:.2f} units={n_units} "
          f"documents={n_documents}")


if __name__ == "__main__":
    main()
