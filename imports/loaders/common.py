"""What both loaders share: the result of a load, the messages of the checks both make, column names."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

Progress = Callable[[int], None]
PROGRESS_EVERY = 10000


def unknown_unit_message() -> str:
    return _("Unknown unit code “%(code)s”.")


def out_of_scope_message() -> str:
    return _("Unit “%(code)s” is not your unit nor below it: you can only upload rows for your own unit and the units below it.")


def duplicate_message() -> str:
    return _("The same record appears twice in the file: this row repeats line %(first)s.")


@dataclass
class LoadResult:
    ok: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0  # rows with an error (a check only also counts what the other rows would do)
    unit_ids: set[int] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase (PostgreSQL), for the log

    def add(self, part: LoadResult) -> None:
        """Count in what a partial write (a chunk, or the rows after the last chunk written) did."""
        self.created += part.created
        self.updated += part.updated
        self.unit_ids |= part.unit_ids
        self.years |= part.years


def _model_column(name: str) -> str:
    """The database column of a staging field in the register's table."""
    return {"unit_code": "unit_id", "doc_type": "doc_type_id"}.get(name, name)


def _record_year_sql(model, alias: str) -> str:
    """The year a written record counts in (as `UnitRecord.record_year`), in SQL over the register's table."""
    if model.dated_by_quarter():
        return f"{alias}.year"
    return f"extract(year FROM {alias}.{model.RECORD_DATE_FIELD})::integer"
