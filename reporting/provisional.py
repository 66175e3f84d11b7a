"""How a provisional figure says so wherever it is shown: "provisional, to 1 Dec" ("tạm tính, đến 01/12").

A period that has not ended is judged on 1 January to `window_end` (the engine stores `provisional` and
`window_end` on every result and roll-up); the pages, charts and exports all mark it with the same words.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import dateformat
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# The day of a window's end: (without year, with year) per language. English writes "1 Dec", Vietnamese "01/12".
DAY_FORMATS = {"vi": ("d/m", "d/m/Y"), "en": ("j M", "j M Y")}


def day_text(day: datetime.date, *, with_year: bool = False) -> str:
    """`day` in the active language's short form: 01/12 (vi), 1 Dec (en); with the year when asked."""
    language = (get_language() or "vi").split("-")[0]
    short, full = DAY_FORMATS.get(language, DAY_FORMATS["vi"])
    return dateformat.format(day, full if with_year else short)


def badge_text(window_end: datetime.date | None, *, with_year: bool = False) -> str:
    """"provisional, to 1 Dec" (the badge), or with the year for a chart's subtitle or a file."""
    if window_end is None:
        return _("provisional")
    return _("provisional, to %(date)s") % {"date": day_text(window_end, with_year=with_year)}


def explanation(window_end: datetime.date | None) -> str:
    """What the badge means, for its tooltip and for the notes of the exports."""
    if window_end is None:
        return _("The period has not ended: the figures are provisional until it ends and is recomputed.")
    return _("The period has not ended: figures from 1 January to %(date)s, compared with the same window of the "
             "year before; provisional until the period ends and is recomputed.") % {
        "date": day_text(window_end, with_year=True)}


@dataclass(frozen=True)
class Standing:
    """Whether the figures shown are provisional, and the last day they cover (None: not known)."""

    provisional: bool = False
    window_end: datetime.date | None = None

    @property
    def badge(self) -> str:
        return badge_text(self.window_end) if self.provisional else ""

    @property
    def subtitle(self) -> str:
        return badge_text(self.window_end, with_year=True) if self.provisional else ""

    @property
    def title(self) -> str:
        return explanation(self.window_end) if self.provisional else ""

    def csv_columns(self) -> dict[str, str]:
        """The columns a CSV for machines carries, provisional or not (a stable schema)."""
        return {"provisional": "true" if self.provisional else "false",
                "window_end": self.window_end.isoformat() if self.window_end else ""}


FINAL = Standing()


def as_date(value) -> datetime.date | None:
    """A window end as a date, from a date or the ISO text a JSON snapshot keeps."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def standing_of(rows, *, provisional: str = "provisional", window_end: str = "window_end") -> Standing:
    """The standing of several figures shown together (dicts or objects): provisional when any of them is, to
    the earliest day a provisional one covers (the figures are only known up to it)."""
    ends = []
    found = False
    for row in rows:
        get = row.get if isinstance(row, dict) else (lambda name, _row=row: getattr(_row, name, None))
        if get(provisional):
            found = True
            end = as_date(get(window_end))
            if end is not None:
                ends.append(end)
    return Standing(True, min(ends) if ends else None) if found else FINAL
