"""Benchmark of every dashboard page and chart CSV: server time (median of 20) on national-scale results.

Usage (PostgreSQL; the database is created and migrated if needed, units loaded, results prepared once):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reform_bench .venv/bin/python benchmarks/dashboard.py

Preparation, for each of the three years without results: on the national dataset (`demo_data --scale
national`, records present) the engine computes the year (`compute_compliance`'s own path); on a database
without records it writes synthetic results for every unit x 12 targets x 5 periods (about 200,000 rows a
year) with COPY. Pages measured: the overview, the overview filtered by level, the province of the most
units and province 01, a commune's page and a province's own page, and every chart CSV of each (the CSV
links are read from the pages). Each line gives the median, the queries and the HTML size. The last line:
`overview_ms=<n> province_ms=<n> commune_ms=<n> filtered_ms=<n> slowest_ms=<n> largest_html_kb=<n>`
(province_ms is the slowest province page; slowest_ms the slowest page or CSV). Goals: slowest < 100 ms,
no page above 300 KB.
"""
from __future__ import annotations

import io
import os
import random
import re
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings.test")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

YEARS = (2024, 2025, 2026)
PERIODS = ("Q1", "Q2", "Q3", "Q4", "Y")
RUNS = 20
WARMUP = 3
USERNAME = "bench-reviewer"


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
    conn.close()


def synthesise_results() -> int:
    """Write plausible results for every unit, target, period and year (COPY); returns the rows written."""
    from django.db import connection, transaction
    from django.utils import timezone

    from reform.models import Target, Unit
    from reporting.models import ComplianceResult

    units = list(Unit.objects.values_list("id", "level", "kind"))
    targets = list(Target.objects.values_list("code", "comparison", "applies_to"))
    thresholds = {"DOC_REDUCTION": "0.1500", "MEETING_REDUCTION": "0.1000", "MEETING_ONLINE_SHARE": "0.4000",
                  "PROVINCE_WIDE_CAP": "2", "COMMUNE_WIDE_CAP": "3", "PROCEDURES_DIGITAL": "0.9500",
                  "DOC_DIGITIZATION": "0.9500"}
    rng = random.Random(226)
    now = timezone.now().isoformat()
    columns = ["unit_id", "year", "period", "target_id", "status", "value", "threshold", "numerator",
               "denominator", "baseline", "details", "computed_at"]
    written = 0
    with transaction.atomic():
        ComplianceResult.objects.filter(year__in=YEARS).delete()
        for year in YEARS:
            buffer = io.StringIO()
            for unit_id, level, kind in units:
                size = 12000 if level == "provincial" else 40000 if level == "central" else 900
                base_docs = int(size * rng.uniform(0.6, 1.4))
                trend = rng.gauss(0.12, 0.15)
                for period in PERIODS:
                    share = 1.0 if period == "Y" else int(period[1]) / 4
                    for code, comparison, applies_to in targets:
                        threshold = thresholds.get(code, "1")
                        value = numerator = denominator = baseline = None
                        applies = (applies_to == "all" or
                                   (applies_to == "provincial_localities" and level == "provincial"
                                    and kind == "locality") or
                                   (applies_to == "commune_localities" and level == "commune" and kind == "locality"))
                        if not applies:
                            status = "not_applicable"
                        elif comparison == "reduction_gte":
                            baseline = int(base_docs * share / (10 if code == "MEETING_REDUCTION" else 1))
                            numerator = max(0, int(baseline * (1 - trend)))
                            if baseline == 0:
                                status = "no_baseline"
                            else:
                                value = Decimal(baseline - numerator) / baseline
                                status = "met" if value >= Decimal(threshold) else "missed"
                            denominator = baseline
                        elif comparison == "count_lte":
                            numerator = rng.choice([0, 1, 2, 2, 3, 4])
                            value = Decimal(numerator)
                            status = "met" if numerator <= int(threshold) else "missed"
                        else:
                            denominator = int(base_docs * share / 10) if comparison != "share_gte" else int(
                                base_docs * share)
                            if denominator == 0 or rng.random() < 0.05:
                                status, denominator, numerator = "no_data", 0, 0
                            else:
                                ratio = min(1.0, max(0.0, rng.gauss(0.93 if comparison != "share_lte" else 0.35, 0.06)))
                                numerator = int(denominator * ratio)
                                value = Decimal(numerator) / denominator
                                ok = value <= Decimal(threshold) if comparison == "share_lte" else value >= Decimal(
                                    threshold)
                                status = "met" if ok else "missed"
                        fields = [unit_id, year, period, code, status,
                                  "" if value is None else f"{value:.4f}", threshold,
                                  "" if numerator is None else numerator, "" if denominator is None else denominator,
                                  "" if baseline is None else baseline, "{}", now]
                        buffer.write("\t".join(str(f) if f != "" else "\\N" for f in fields) + "\n")
                        written += 1
            buffer.seek(0)
            with connection.cursor() as cursor:
                cursor.cursor.copy_from(buffer, ComplianceResult._meta.db_table, columns=columns)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {ComplianceResult._meta.db_table}")
    return written


def synthesise_rollups() -> int:
    """Roll-ups of the nation and of each province from the stored results, in one INSERT ... SELECT.

    (The engine writes these itself; this is only for results synthesised above. The aggregate status is a
    placeholder: the dashboards read the counts and the summed figures.)"""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM reporting_compliancerollup WHERE year = ANY(%s)", [list(YEARS)])
        cursor.execute(
            """
            INSERT INTO reporting_compliancerollup
                (unit_id, year, period, target_id, n_met, n_missed, n_no_baseline, n_no_data, n_not_applicable,
                 n_units, status, value, threshold, numerator, denominator, baseline, computed_at)
            SELECT a.id, r.year, r.period, r.target_id,
                   COUNT(*) FILTER (WHERE r.status = 'met'), COUNT(*) FILTER (WHERE r.status = 'missed'),
                   COUNT(*) FILTER (WHERE r.status = 'no_baseline'), COUNT(*) FILTER (WHERE r.status = 'no_data'),
                   COUNT(*) FILTER (WHERE r.status = 'not_applicable'), COUNT(*), 'met', NULL, MAX(r.threshold),
                   SUM(r.numerator) FILTER (WHERE r.status <> 'not_applicable'),
                   SUM(r.denominator) FILTER (WHERE r.status <> 'not_applicable'),
                   SUM(r.baseline) FILTER (WHERE r.status <> 'not_applicable'), MAX(r.computed_at)
            FROM reform_unit a
            JOIN reform_unit u ON u.path LIKE a.path || '%%'
            JOIN reporting_complianceresult r ON r.unit_id = u.id
            WHERE a.kind = 'locality' AND a.level IN ('central', 'provincial') AND r.year = ANY(%s)
            GROUP BY a.id, r.year, r.period, r.target_id
            """, [list(YEARS)])
        written = cursor.rowcount
        cursor.execute("ANALYZE reporting_compliancerollup")
    return written


def main() -> None:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from documents.models import Document
    from reform.models import Unit, User
    from reporting.models import ComplianceResult, ComplianceRollup

    call_command("migrate", verbosity=0)
    if Unit.objects.filter(level="commune").count() < 3000:
        call_command("load_units", verbosity=0)
    units = Unit.objects.count()
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would have them in production
        cursor.execute("ANALYZE reform_unit")
    if Document.objects.exists():  # the national dataset: the engine's own results
        from reporting.choices import RunTrigger
        from reporting.runs import compute_recorded

        for year in YEARS:
            if not ComplianceResult.objects.filter(year=year, period="Y").exists():
                started = time.monotonic()
                compute_recorded(year=year, unit=None, trigger=RunTrigger.COMMAND)
                print(f"computed {year} in {time.monotonic() - started:.1f} s")
    if not ComplianceResult.objects.filter(year=YEARS[-1], period="Y").exists():
        started = time.monotonic()
        rows = synthesise_results()
        print(f"synthesised {rows} results in {time.monotonic() - started:.1f} s")
    if not ComplianceRollup.objects.filter(year=YEARS[-1], period="Y", unit__parent__isnull=True).exists():
        started = time.monotonic()
        rows = synthesise_rollups()
        print(f"synthesised {rows} roll-ups in {time.monotonic() - started:.1f} s")
    from pgstate import vacuum_if_autovacuum_is_off

    if vacuum_if_autovacuum_is_off(connection):
        print("autovacuum is off on this server: the engine's tables vacuumed and analysed first")
    results = ComplianceResult.objects.filter(year__in=YEARS).count()
    user, _created = User.objects.get_or_create(username=USERNAME, defaults={"role": "reviewer"})
    client = Client()
    client.force_login(user)

    def timed(url: str) -> tuple[float, int, int, bytes]:
        times, queries, size, body = [], 0, 0, b""
        for i in range(WARMUP + RUNS):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = time.perf_counter() - started
            assert response.status_code == 200, (url, response.status_code)
            if i >= WARMUP:
                times.append(elapsed)
                queries = len(ctx.captured_queries)
                body = response.content
                size = len(body)
        return statistics.median(times) * 1000, queries, size, body

    from django.db.models import Count

    biggest = (Unit.objects.filter(level="provincial", kind="locality")
               .annotate(n=Count("children")).order_by("-n", "code").values_list("code", "n").first())
    commune = Unit.objects.filter(level="commune").order_by("code").values_list("code", flat=True).first()
    print(f"units={units} results={results} years={','.join(map(str, YEARS))} "
          f"province_of_most_units={biggest[0]} ({biggest[1]} units) commune={commune}")
    query = "year=2026&period=Y"
    pages = [("overview", f"/dashboard/?{query}"), ("filtered", "/dashboard/?year=2026&period=Q3&level=commune"),
             ("province_01", f"/dashboard/province/01/?{query}"),
             (f"province_{biggest[0]}", f"/dashboard/province/{biggest[0]}/?{query}"),
             ("commune", f"/dashboard/unit/{commune}/?{query}"), ("province_own", f"/dashboard/unit/01/?{query}")]
    figures: dict[str, float] = {}
    largest_kb = 0.0
    seen: set[str] = set()
    for label, url in pages:
        if url in seen:
            continue
        seen.add(url)
        ms, queries, size, body = timed(url)
        figures[label] = ms
        largest_kb = max(largest_kb, size / 1024)
        print(f"{label}_ms={ms:.1f} queries={queries} html_kb={size / 1024:.0f}  {url}")
        # Every chart CSV the page links to (and any part the page loads on demand).
        for chart in sorted(set(re.findall(rb"format=csv&amp;chart=([\w-]+)", body))):
            csv_url = f"{url}&format=csv&chart={chart.decode()}"
            ms, queries, size, _ = timed(csv_url)
            figures[f"{label}_csv_{chart.decode()}"] = ms
            print(f"  csv {chart.decode()}_ms={ms:.1f} queries={queries} kb={size / 1024:.0f}")
        for part in sorted(set(re.findall(rb'data-load-url="([^"]+)"', body))):
            part_url = part.decode().replace("&amp;", "&")
            ms, queries, size, _ = timed(part_url)
            figures[f"{label}_part"] = ms
            largest_kb = max(largest_kb, size / 1024)
            print(f"  part_ms={ms:.1f} queries={queries} html_kb={size / 1024:.0f}  {part_url}")
    slowest = max(figures, key=figures.get)
    province_ms = max(ms for label, ms in figures.items() if label.startswith("province_") and "_csv_" not in label
                      and not label.startswith("province_own"))
    print(f"slowest: {slowest} {figures[slowest]:.1f} ms; load average "
          f"{' '.join(f'{value:.2f}' for value in os.getloadavg())} (1, 5, 15 min; 2 cores)")
    print(f"overview_ms={figures['overview']:.1f} province_ms={province_ms:.1f} commune_ms={figures['commune']:.1f} "
          f"filtered_ms={figures['filtered']:.1f} slowest_ms={figures[slowest]:.1f} largest_html_kb={largest_kb:.0f}")


if __name__ == "__main__":
    main()
