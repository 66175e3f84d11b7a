"""Loaders of validated rows: PostgreSQL (rows validated in a thread and COPied chunk by chunk into TEMP
staging, written as they come while the file is clean, then set-based checks over the whole file) and a
plain ORM path (bulk_create/bulk_update) for SQLite. Both run inside the caller's transaction and commit
nothing unless the whole file is clean; both report the same errors with the same messages, and both
write the history rows of every record they create or change (imports.history), chunk by chunk.

- `common`: what both share (the result, the messages, column names);
- `copying`: rows validated and formatted as COPY text (reform.bulk) in a thread beside the writes;
- `postgres`: the COPY loader (`PostgresLoader`), its staging tables, set-based checks and upsert in SQL;
- `orm`: the ORM loader (`OrmLoader`), the same checks in Python.
"""
from __future__ import annotations

from django.db import connection

from reform.models import User

from ..history import HistoryStamp
from ..validation import ErrorSink
from .common import LoadResult
from .orm import OrmLoader
from .postgres import PostgresLoader

__all__ = ["LoadResult", "OrmLoader", "PostgresLoader", "loader_for"]


def loader_for(*, kind: str, user: User, sink: ErrorSink, stamp: HistoryStamp, dry_run: bool = False,
               force_orm: bool = False):
    if connection.vendor == "postgresql" and not force_orm:
        return PostgresLoader(kind=kind, user=user, sink=sink, stamp=stamp, dry_run=dry_run)
    return OrmLoader(kind=kind, user=user, sink=sink, stamp=stamp, dry_run=dry_run)
