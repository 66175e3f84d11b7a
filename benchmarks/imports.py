"""Benchmark of bulk uploads on PostgreSQL: our upload service vs django-import-export vs a raw COPY.

Builds a 200,000-row document CSV, then times in one run:
  (a) our service end to end (hash, store, stream, validate every row, COPY to staging, set-based checks,
      one upsert, history rows of what changes), in a subprocess so that its peak memory (VmHWM) is its own: a
      first upload (whose records name it: no history row each), the same file again (nothing changes), and
      the re-upload: the file with 10 % of its rows changed (each written with its history row, after the `+`
      row of its creation);
  (b) django-import-export importing the same file into the same model with its fastest documented
      settings (use_bulk, batch_size, skip_diff, a Resource whose import_id_fields is the natural key);
  (c) a raw `COPY ... FROM STDIN` of the same file into a bare table;
  (d) the database's own write into the register, the real limit of an upload: a COPY of the same rows,
      units, types, years, number keys and upload already resolved, straight into `documents_document` with all
      its indexes and constraints, the deferred foreign keys checked at the end, in a transaction that is
      rolled back.
(a) and (d) are measured in pairs (`--pairs`, 3 by default), each pair back to back on an emptied register, and
vs_copy_same is the median of the pairs' ratios (every pair is printed): the machine's speed drifts from minute to
minute, and one ratio of two times taken minutes apart measured the drift as much as the upload.
Prints `reupload_s=<n>`, then as its last line:
  ours_rows_per_s=<n> django_import_export_rows_per_s=<n> raw_copy_rows_per_s=<n> copy_same_table_rows_per_s=<n>
  vs_die=<x> vs_copy_same=<ours_time/copy_same_time> peak_mb=<n>
(rows per second from the median times; peak_mb the largest of the first uploads).

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/reform_bench_imports python benchmarks/imports.py [--rows N]
       [--die-rows N]  (django-import-export on a prefix of the file; rows/s stay comparable)
       [--pairs N]     (first uploads, each beside the register's own write; 3)
       [--profile]     (run our first upload under cProfile and print the top functions; its time is then not comparable.
                        cProfile sees the loading thread only: the per-row validation runs in another thread, see
                        cpu_python_s in the phases, or profile imports.validation.RowValidator directly)
Our uploads also print where their time went (the loader's phase timings, from its log record), and the
load average is printed with the figures: the machine is shared.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/reform_bench_imports"
os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reform.settings.local")
if "--child" not in sys.argv:
    # The parent (setup, django-import-export, raw COPY) runs without a broker. The child must keep the
    # REDIS_URL that run_ours gives it: without it tasks run eagerly, and the upload would run inside
    # import_create and time the compliance recompute it triggers, which production queues.
    os.environ.pop("REDIS_URL", None)

TYPES = [("QĐ", "{n}/QĐ-UBND"), ("KH", "{n}/KH-UBND"), ("BC", "{n}/BC-UBND"), ("CV", "{n}/UBND-VP"),
         ("TB", "{n}/TB-VP"), ("NQ", "{n}-NQ/TU"), ("KL", "{n}-KL/TU")]


def ensure_database(url: str) -> None:
    import psycopg2
    from urllib.parse import urlparse

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(dbname="postgres", user=parts.username or "postgres", host=parts.hostname or "127.0.0.1",
                            port=parts.port or 5432, password=parts.password)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def setup_django(media: str) -> None:
    os.environ["MEDIA_ROOT"] = media
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def ensure_units_and_user():
    from reform.models import Unit, User

    root, _ = Unit.objects.get_or_create(code="TW", defaults={"name": "Trung ương", "level": "central"})
    province, _ = Unit.objects.get_or_create(code="01", defaults={"name": "Thành phố Hà Nội", "level": "provincial", "parent": root})
    existing = set(Unit.objects.filter(parent=province).values_list("code", flat=True))
    for i in range(100):
        code = f"{i + 1:05d}"
        if code not in existing:
            Unit.objects.create(code=code, name=f"Xã {code}", level="commune", parent=province)
    user, created = User.objects.get_or_create(username="bench-officer", defaults={"role": "entry", "unit": province})
    return user, [f"{i + 1:05d}" for i in range(100)]


def build_csv(path: Path, rows: int, communes: list[str], *, title: str = "Về việc triển khai nhiệm vụ số",
              changed_every: int = 0) -> None:
    """The benchmark file; with `changed_every` n, one row in n has another title (the rest as the first file)."""
    rng = random.Random(226)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit_code", "number", "doc_type", "title", "issued_on", "is_digitized", "sent_electronically"])
        for i in range(rows):
            unit = communes[i % len(communes)]
            code, pattern = TYPES[(i // len(communes)) % len(TYPES)]
            writer.writerow([
                unit, pattern.format(n=i // len(communes) + 1), code,
                f"{'Sửa đổi: ' if changed_every and i % changed_every == 0 else ''}{title} {i + 1} năm 2025 của đơn vị {unit}",
                f"2025-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}",
                rng.choice(["true", "false", "1", "0", "có", "không"]), rng.choice(["true", "false"]),
            ])


def truncate() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE documents_document, documents_historicaldocument RESTART IDENTITY")
        cursor.execute("VACUUM ANALYZE documents_document")


class _Timings(logging.Handler):
    """Keeps the phase timings the upload service logs (`extra={"timings": ...}`)."""

    def __init__(self):
        super().__init__()
        self.timings: dict = {}

    def emit(self, record):
        self.timings.update(getattr(record, "timings", {}) or {})


class _BackendCpu:
    """CPU seconds used by this process's PostgreSQL backend since creation (read from /proc: the server
    must run on this machine, else None)."""

    def __init__(self):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.pid = cursor.fetchone()[0]
        self.start = self._read()

    def _read(self) -> float | None:
        try:
            with open(f"/proc/{self.pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def seconds(self) -> float | None:
        end = self._read()
        return None if end is None or self.start is None else round(end - self.start, 2)


def peak_rss_kb() -> int:
    """This process's peak resident memory since it started its program: VmHWM. Linux carries ru_maxrss across
    fork and exec, so a child's ru_maxrss is at least its parent's size when it was forked (292 MB here once the
    parent had built the resolved rows for the register's own write, for an upload that used 133 MB)."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_ours_child(path: str, profile: bool = False) -> None:
    """Child process: upload the file through the service, print seconds, peak memory and phases as JSON."""
    import cProfile
    import pstats

    from django.core.files import File

    from imports import services
    from reform.models import User

    user = User.objects.get(username="bench-officer")
    timings = _Timings()
    service_log = logging.getLogger("imports.services")
    service_log.setLevel(logging.INFO)
    service_log.addHandler(timings)
    profiler = cProfile.Profile() if profile else None
    backend = _BackendCpu()
    python_cpu = time.process_time()
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    with open(path, "rb") as handle:
        upload = File(handle, name="bench.csv")
        upload.size = os.path.getsize(path)
        batch = services.import_create(user=user, kind="documents", upload=upload, language="en")
    stored = time.perf_counter()
    batch = services.import_run(batch_id=batch.pk)
    seconds = time.perf_counter() - started
    python_cpu = time.process_time() - python_cpu
    if profiler:
        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(25)
    phases = {"store_s": round(stored - started, 2), **{name: round(value, 2) for name, value in timings.timings.items()},
              # CPU time actually used, which the machine's other load does not inflate as much as the wall time
              "cpu_python_s": round(python_cpu, 2), "cpu_postgres_s": backend.seconds()}
    peak_kb = peak_rss_kb()
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024, "status": batch.status, "created": batch.created,
                      "updated": batch.updated, "unchanged": batch.unchanged, "errors": batch.errors[:3],
                      "message": batch.message, "phases": phases}))


BENCH_REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")


def run_ours(path: Path, media: str, profile: bool = False) -> dict:
    # As in production, tasks go to a Redis broker: the upload runs here, in the child, through the
    # service, and the compliance recompute it triggers is queued (not run inline, not timed).
    env = {**os.environ, "MEDIA_ROOT": media, "REDIS_URL": BENCH_REDIS}
    out = subprocess.run([sys.executable, __file__, "--child", str(path), *(["--profile"] if profile else [])],
                         env=env, capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr[-3000:])
    if profile:
        print(out.stderr[out.stderr.find("   Ordered by"):] if "Ordered by" in out.stderr else out.stderr[-6000:])
    import redis

    redis.Redis.from_url(BENCH_REDIS).delete("celery")  # drop the queued tasks nobody will run
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_die(path: Path, rows: int) -> float:
    """django-import-export, fastest documented settings, into the same model."""
    import tablib
    from import_export import fields, resources, widgets

    from documents.models import Document, DocumentType
    from reform.models import Unit

    class DocumentResource(resources.ModelResource):
        unit = fields.Field(attribute="unit", column_name="unit_code", widget=widgets.ForeignKeyWidget(Unit, "code"))
        doc_type = fields.Field(attribute="doc_type", column_name="doc_type", widget=widgets.ForeignKeyWidget(DocumentType, "code"))
        is_digitized = fields.Field(attribute="is_digitized", column_name="is_digitized", widget=widgets.BooleanWidget())
        sent_electronically = fields.Field(attribute="sent_electronically", column_name="sent_electronically", widget=widgets.BooleanWidget())
        issued_on = fields.Field(attribute="issued_on", column_name="issued_on", widget=widgets.DateWidget("%Y-%m-%d"))
        year = fields.Field(attribute="year", column_name="year", widget=widgets.IntegerWidget())

        class Meta:
            model = Document
            fields = ("unit", "number", "doc_type", "title", "issued_on", "year", "is_digitized", "sent_electronically")
            import_id_fields = ("unit", "number", "year")
            use_bulk = True
            batch_size = 1000
            skip_diff = True
            skip_unchanged = False
            clean_model_instances = False

        def before_import(self, dataset, **kwargs):
            # The year is derived in Document.save(), which bulk mode does not call: add it from the date
            # (part of the natural key, so import_id_fields can use it).
            dataset.append_col([str(value)[:4] for value in dataset["issued_on"]], header="year")

    with path.open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        data = tablib.Dataset(headers=header)
        for i, row in enumerate(reader):
            if i >= rows:
                break
            data.append(row)
    started = time.perf_counter()
    result = DocumentResource().import_data(data, dry_run=False, raise_errors=True, use_transactions=True)
    seconds = time.perf_counter() - started
    assert not result.has_errors(), result.row_errors()[:3]
    return seconds


def run_copy_same_table(path: Path) -> tuple[float, float | None]:
    """COPY of the file's rows, already resolved, into documents_document itself (rolled back): seconds, and the
    CPU seconds of the PostgreSQL backend (less inflated by the machine's other load than the wall time).

    Only the COPY and the check of the deferred foreign keys are timed: resolving the rows (done in Python
    beforehand, outside the clock) is work the upload does and this limit does not."""
    from django.db import connection, transaction
    from django.utils import timezone

    from documents.symbols import number_key
    from reform.models import Unit

    units = dict(Unit.objects.values_list("code", "pk"))
    truthy = {"true", "1", "có"}
    now = timezone.now().isoformat()
    upload = "1"  # the upload that creates them, as ours names it on every record it creates
    buffer = io.StringIO()
    with path.open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for unit, number, doc_type, title, issued_on, digitized, sent in reader:
            buffer.write("\t".join([now, now, number, title, issued_on, issued_on[:4], str(digitized in truthy),
                                    str(sent in truthy), "false", str(units[unit]), doc_type, number_key(number),
                                    upload]))
            buffer.write("\n")
    columns = ("created_at, updated_at, number, title, issued_on, year, is_digitized, sent_electronically, "
               "needs_review, unit_id, doc_type_id, number_key, upload_id")
    buffer.seek(0)
    backend = _BackendCpu()
    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.copy_expert(f"COPY documents_document ({columns}) FROM STDIN", buffer)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign keys, checked now
        seconds = time.perf_counter() - started
        cpu = backend.seconds()
        transaction.set_rollback(True)
    return seconds, cpu


def run_copy(path: Path) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bare_documents")
        cursor.execute("CREATE TABLE bench_bare_documents (unit_code text, number text, doc_type text, title text, "
                       "issued_on date, is_digitized text, sent_electronically text)")
    started = time.perf_counter()
    with connection.cursor() as cursor, path.open("r", encoding="utf-8") as handle:
        cursor.copy_expert("COPY bench_bare_documents FROM STDIN WITH (FORMAT csv, HEADER true)", handle)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_bare_documents")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--die-rows", type=int, default=20_000)
    parser.add_argument("--child")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--pairs", type=int, default=3, help="first uploads, each beside the register's own write")
    args = parser.parse_args()
    if args.child:
        import django

        django.setup()
        run_ours_child(args.child, args.profile)
        return
    ensure_database(os.environ["DATABASE_URL"])
    with tempfile.TemporaryDirectory() as tmp:
        media = str(Path(tmp) / "media")
        setup_django(media)
        user, communes = ensure_units_and_user()
        path = Path(tmp) / "documents.csv"
        build_csv(path, args.rows, communes)
        print(f"file: {args.rows} rows, {path.stat().st_size / 1e6:.1f} MB")

        # The first upload and the register's own write, measured in pairs, each pair back to back on an empty
        # register (the rolled-back COPY would leave 200,000 dead rows in its indexes): the machine's speed drifts
        # from minute to minute, and a ratio of two times taken minutes apart measured the drift as much as the
        # upload (one run's server CPU was 4.1 s, the next one's 5.8 s, for the same upload).
        pairs = []
        for n in range(args.pairs):
            truncate()
            same = run_copy_same_table(path)
            truncate()
            ours = run_ours(path, media, args.profile and n == 0)
            assert ours["status"] == "succeeded" and ours["created"] == args.rows, ours
            pairs.append((ours, same))
            print(f"pair {n + 1}: ours {ours['seconds']:.2f}s (PostgreSQL CPU {ours['phases']['cpu_postgres_s']} s), "
                  f"COPY into documents_document {same[0]:.2f}s (PostgreSQL CPU {same[1]} s): "
                  f"{ours['seconds'] / same[0]:.2f}")
        by_ratio = sorted(pairs, key=lambda pair: pair[0]["seconds"] / pair[1][0])
        print(f"ours (first upload, the pair of the median ratio): {by_ratio[len(by_ratio) // 2][0]}")
        # The register now holds the last pair's upload: the same file again, then with 10 % of its rows changed.
        again = run_ours(path, media)
        print(f"ours (same file again): {again['seconds']:.2f}s created={again['created']} unchanged={again['unchanged']} "
              f"phases={again['phases']}")
        # The re-upload: one row in ten changed, each an update written with its history row.
        changed_path = Path(tmp) / "documents-changed.csv"
        build_csv(changed_path, args.rows, communes, changed_every=10)
        changed = run_ours(changed_path, media)
        print(f"ours (re-upload, 10 % of the rows changed): {changed['seconds']:.2f}s updated={changed['updated']} "
              f"unchanged={changed['unchanged']} phases={changed['phases']}")
        assert changed["status"] == "succeeded" and changed["updated"] == args.rows // 10, changed
        from documents.models import Document

        history_rows = Document.history.count()
        print(f"history rows after the three uploads: {history_rows}")

        truncate()
        die_rows = min(args.die_rows, args.rows)
        die_seconds = run_die(path, die_rows)
        print(f"django-import-export: {die_rows} rows in {die_seconds:.2f}s"
              + (f" (a {die_rows}-row prefix of the file)" if die_rows < args.rows else ""))
        truncate()

        copy_seconds = run_copy(path)
        print(f"raw COPY: {args.rows} rows in {copy_seconds:.2f}s")

    ratios = sorted(o["seconds"] / same[0] for o, same in pairs)
    ours_seconds = statistics.median(o["seconds"] for o, _same in pairs)
    same_seconds = statistics.median(same[0] for _o, same in pairs)
    ours_rps = args.rows / ours_seconds
    die_rps = die_rows / die_seconds
    copy_rps = args.rows / copy_seconds
    print(f"load average: {' '.join(f'{value:.2f}' for value in os.getloadavg())} (1, 5, 15 min; 2 cores)")
    print(f"first upload {ours_seconds:.2f}s (median of {len(pairs)}); vs_copy_same of each pair: "
          f"{', '.join(f'{r:.2f}' for r in ratios)}")
    # The server's CPU, which the machine's other load inflates less than the wall times: what the ratio tends to
    # on a loaded machine, where the server's CPU is what an upload waits for.
    cpu = sorted(o["phases"]["cpu_postgres_s"] / same[1] for o, same in pairs
                 if o["phases"]["cpu_postgres_s"] is not None and same[1])
    if cpu:
        print(f"postgres_cpu_s: cpu_vs_copy_same of each pair: {', '.join(f'{r:.2f}' for r in cpu)} "
              f"(median {statistics.median(cpu):.2f})")
    peaks = ", ".join(f"{o['peak_mb']:.0f}" for o, _same in pairs)
    print(f"peak_mb of each first upload: {peaks}")
    print(f"reupload_s={changed['seconds']:.2f}")
    print(f"ours_rows_per_s={ours_rps:.0f} django_import_export_rows_per_s={die_rps:.0f} raw_copy_rows_per_s={copy_rps:.0f} "
          f"copy_same_table_rows_per_s={args.rows / same_seconds:.0f} vs_die={ours_rps / die_rps:.1f} "
          f"vs_copy_same={statistics.median(ratios):.2f} peak_mb={max(o['peak_mb'] for o, _same in pairs):.0f}")

if __name__ == "__main__":
    main()
