"""The state of the benchmark database before a measurement."""
from __future__ import annotations

ENGINE_TABLES = ("reporting_complianceresult", "reporting_compliancerollup", "reporting_computerun",
                 "reporting_recomputerequest", "reporting_signalrequest", "reporting_signal", "reform_unit")


def vacuum_if_autovacuum_is_off(connection, tables=ENGINE_TABLES) -> bool:
    """This machine's PostgreSQL runs with autovacuum off (production's is on, PostgreSQL's default): the rows each
    recompute replaces stay behind as dead tuples and slow every later read and round (seen here: the roll-ups at
    five dead rows to a live one after a few freshness runs). Vacuum and analyse what the benchmark reads, as
    autovacuum would have; returns whether it had to."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        if cursor.fetchone()[0] == "on":
            return False
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {table}")  # a partitioned table's partitions too
    return True
