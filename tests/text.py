"""What a reader sees of a page or a file, and the raw codes that must never be part of it (issue 15).

`raw_codes(text)` lists what only a machine should read: target codes (DOC_REDUCTION), the code values of
the choices (statuses, states, formats, signal kinds...), fractions (0.0676, 217.0000), decimals with a point
in Vietnamese text (1.50), ISO dates (2026-03-26), period codes (2026-Q3, Q1/2026) and snake_case keys.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

from imports.choices import ImportStatus
from meetings.choices import Category, Format, Scope
from reporting.choices import ReviewState, Severity, SignalKind, Status
from reports.choices import ExportStatus, ReportState, Timeliness

CHOICE_CODES = sorted({str(value) for choices in (Status, ReportState, ExportStatus, Timeliness, ImportStatus, Format,
                                                    Category, Scope, SignalKind, Severity, ReviewState)
                       for value in choices.values})
PATTERNS = {
    "target code": re.compile(r"\b[A-Z]{2,}(?:_[A-Z]+)+\b"),
    "snake_case key": re.compile(r"\b[a-z]+(?:_[a-z]+)+\b"),
    "fraction": re.compile(r"(?<![\d.,])\d+\.\d{4}(?![\d.])"),
    "ISO date": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "period code": re.compile(r"\b\d{4}-(?:Q[1-4]|H1|M9)\b|\bQ[1-4]/\d{4}\b"),
}
# In Vietnamese a point groups thousands (12.345); a point before one or two digits is an English decimal. The
# clauses of Conclusion 226 (2.1, 2.2, 2.3) are names, not figures.
# Vietnamese text has no English words, so a choice's code (met, online, submitted) in it is a code; in English text
# those are words, and only the codes with an underscore (no_data, in_person) are caught, by snake_case.
VI_PATTERNS = {
    "decimal point": re.compile(r"(?<![\d.,])(?!2\.[1-3]\b)\d+\.\d{1,2}(?![\d.])"),
    "choice code": re.compile(r"(?<![\w/-])(?:" + "|".join(map(re.escape, CHOICE_CODES)) + r")(?![\w/-])"),
}


HIDDEN = ("script", "style", "template", "code")


class _Text(HTMLParser):
    """The text of a page as a reader meets it: its words and the attributes read aloud or shown on hover.

    `<code>` is left out: it marks a name for machines shown on purpose (the API field names of the upload
    templates), never a label."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self.hidden += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in HIDDEN:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def raw_codes(text: str, *, language: str = "vi") -> list[tuple[str, str, str]]:
    """(what, the code, its context) for every raw code in `text`."""
    patterns = {**PATTERNS, **(VI_PATTERNS if language == "vi" else {})}
    found = []
    for what, pattern in patterns.items():
        for match in pattern.finditer(text):
            context = text[max(0, match.start() - 40):match.end() + 40].replace("\n", " | ")
            found.append((what, match.group(0), context))
    return found
