"""The demo's record generators: each unit's behaviour profile, the working-day calendar, the rows of each register
for a unit and year, and the integrity signals' patterns planted in a few units.

Every unit gets a behaviour profile drawn from `Random(f"{seed}|profile|{code}")` and every unit-year its
own `Random(f"{seed}|<register>|{code}|{year}")`, so the records of a unit and year are the same whatever
else is generated in the same run (a subset, another year, another order). Rows are plain tuples in the
column order of `demo.services` (they go straight to COPY); the generator sets the derived `year`, `number_key`
and `needs_review` itself, through `documents.symbols.parse_symbol`, and checks that each symbol implies the type
it was generated with.
"""
from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate

from documents.symbols import OFFICIAL_LETTER, number_key, parse_symbol
from meetings.choices import Category, Format, Scope
from reform.choices import Block, Kind, Level
from reform.models import Unit

from .catalogues import (
    _MIX_CODES, _MIX_CUM, AGENCIES, ALL_LEADERS_TITLES, CONFERENCE_TITLES, DEFAULT_YEARS, LETTER_DEPARTMENTS,
    MONTH_WEIGHTS, TOPICS, TYPE_TITLES,
)

# ---------------------------------------------------------------------------------------------- profiles

@dataclass(frozen=True)
class Profile:
    """How one unit behaves over the years (drawn once per unit and seed)."""

    doc_base: float
    doc_trend: float  # yearly factor: 0.80 is a 20 % cut, 1.05 a 5 % growth
    conf_base: float
    conf_trend: float
    online_share: float  # in 2024; rises by online_gain a year
    online_gain: float
    offender_rate: float
    reheld_rate: float
    all_leaders: tuple[int, ...]  # choices for the yearly number of all-leaders conferences
    exception_rate: float
    digitized_rate: float
    network_rate: float
    garbage_rate: float
    procedures_base: float
    digital_share: float  # in 2024; rises by digital_gain a year
    digital_gain: float
    issuers: tuple[tuple[str, str, float], ...]  # (group, issuer, weight)

    def documents_in(self, year: int, rng: random.Random) -> float:
        return self.doc_base * self.doc_trend ** (year - DEFAULT_YEARS[0]) * rng.uniform(0.98, 1.02)

    def conferences_in(self, year: int, rng: random.Random) -> float:
        return self.conf_base * self.conf_trend ** (year - DEFAULT_YEARS[0]) * rng.uniform(0.97, 1.03)


def _province_of(unit: Unit, units_by_id: dict[int, Unit]) -> Unit | None:
    while unit is not None and unit.level != Level.PROVINCIAL:
        unit = units_by_id.get(unit.parent_id)
    return unit


def profile_for(unit: Unit, seed: int, volume: float) -> Profile:
    rng = random.Random(f"{seed}|profile|{unit.code}")
    kind = "central" if unit.level == Level.CENTRAL else ("agency" if unit.kind == Kind.AGENCY else unit.level)
    doc_base, conf_base, procedures = {
        "central": (rng.uniform(1500, 2500), rng.uniform(40, 60), rng.uniform(800, 1500)),
        Level.PROVINCIAL: (rng.uniform(3500, 6500), rng.uniform(140, 220), rng.uniform(6000, 40000)),
        Level.COMMUNE: (rng.uniform(330, 600), rng.uniform(22, 40), rng.uniform(300, 3000)),
        Level.DISTRICT: (rng.uniform(800, 1500), rng.uniform(40, 70), rng.uniform(1000, 6000)),  # legacy only
        "agency": (rng.uniform(600, 1500), rng.uniform(25, 50), rng.uniform(500, 5000)),
    }[kind]
    if unit.code in ("01", "79"):  # the two largest cities issue more
        doc_base, conf_base = doc_base * 1.6, conf_base * 1.4
    draw = rng.random()  # documents: ~40 % cut hard (about 20 %), ~35 % cut a little (about 5 %), ~25 % grow
    doc_trend = rng.uniform(0.76, 0.84) if draw < 0.40 else rng.uniform(0.92, 0.98) if draw < 0.75 else rng.uniform(1.02, 1.10)
    draw = rng.random()  # conferences: ~45 % cut 10 % or more, the rest cut a little or hold more
    conf_trend = rng.uniform(0.80, 0.89) if draw < 0.45 else rng.uniform(0.92, 0.99) if draw < 0.75 else rng.uniform(1.0, 1.08)
    disciplined = rng.random() < 0.3
    if kind == "central":
        issuers = (("party", "TW", 0.85), ("party", "VPTW", 0.15))
    elif kind == "agency":
        group = {Block.PARTY: "party", Block.ELECTED: "state", Block.FRONT: "state"}.get(unit.block, "state")
        suffix = unit.code.split("-", 1)[-1]
        issuer = next((a[3] for a in AGENCIES if a[0] == suffix), "".join(ch for ch in suffix if ch.isalpha()) or "CQ")
        issuers = ((group, issuer, 1.0),)
    else:
        party = {Level.PROVINCIAL: "TU", Level.DISTRICT: "HU"}.get(unit.level, "ĐU")
        issuers = (("state", "UBND", 0.65), ("party", party, 0.28), ("elected", "HĐND", 0.07))
    return Profile(
        doc_base=doc_base * volume,
        doc_trend=doc_trend,
        conf_base=conf_base * volume,
        conf_trend=conf_trend,
        online_share=min(0.85, max(0.35, rng.gauss(0.57, 0.09))),
        online_gain=rng.uniform(-0.01, 0.06),
        offender_rate=0.0 if disciplined else rng.uniform(0.01, 0.08),
        reheld_rate=0.0 if rng.random() < 0.8 else rng.uniform(0.02, 0.06),
        all_leaders=(1, 2, 2, 2, 3, 4) if unit.level == Level.PROVINCIAL else (1, 2, 3, 3, 4, 5),
        exception_rate=rng.uniform(0.3, 0.8),
        digitized_rate=1.0 if rng.random() < 0.3 else rng.uniform(0.90, 0.995),
        network_rate=1.0 if rng.random() < 0.4 else rng.uniform(0.97, 0.999),
        garbage_rate=rng.uniform(0.002, 0.012),
        procedures_base=procedures * max(volume, 0.05),
        digital_share=rng.uniform(0.86, 0.95),
        digital_gain=rng.uniform(0.0, 0.03),
        issuers=issuers,
    )


# ---------------------------------------------------------------------------------------------- calendar

@dataclass
class _Calendar:
    """Working days of a year up to `today`, with cumulative weights, and the share of the year they cover."""

    days: list[datetime.date]
    cum_weights: list[float]
    fraction: float


def _calendar(year: int, today: datetime.date, starts: datetime.date | None = None,
              ends: datetime.date | None = None) -> _Calendar:
    """The year's working days up to today, within [starts, ends] when a unit's life is shorter (the lineage)."""
    day, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    last = min(today, ends) if ends else today
    days, weights, total = [], [], 0.0
    while day <= end:
        if day.weekday() < 5:
            weight = MONTH_WEIGHTS[day.month - 1]
            total += weight
            if day <= last and (starts is None or day >= starts):
                days.append(day)
                weights.append(weight)
        day += datetime.timedelta(days=1)
    return _Calendar(days, list(accumulate(weights)), (sum(weights) / total) if total else 0.0)


def _round_count(expected: float, rng: random.Random) -> int:
    whole = int(expected)
    return whole + (1 if rng.random() < expected - whole else 0)


# ---------------------------------------------------------------------------------------------- generators

@dataclass
class _SymbolCheck:
    """parse_symbol of each distinct symbol pattern, once: digits never change how a symbol parses."""

    type_codes: list[str]
    cache: dict[tuple[str, str], bool] = field(default_factory=dict)

    def needs_review(self, prefix: str, suffix: str, doc_type: str) -> bool:
        key = (prefix, suffix)
        if key not in self.cache:
            parsed = parse_symbol(f"{prefix}1{suffix}", self.type_codes)
            if parsed is not None and parsed.implied_type != doc_type:
                raise AssertionError(f"demo symbol {prefix}1{suffix} implies {parsed.implied_type}, not {doc_type}")
            self.cache[key] = parsed is None
        return self.cache[key]


def _titles(year: int) -> dict[str, list[str]]:
    topics = [t.format(y=year, q=q) for t in TOPICS for q in (("I", "II", "III", "IV") if "{q}" in t else ("",))]
    return {code: [f"{head} {topic}" for topic in topics] for code, head in TYPE_TITLES.items()}


def documents_for(unit: Unit, profile: Profile, year: int, cal: _Calendar, *, seed: int, symbols: _SymbolCheck,
                  titles: dict[str, list[str]], created: datetime.datetime) -> list[tuple]:
    """Rows of (unit_id, number, doc_type, title, issued_on, year, digitised, sent, needs_review, created, updated,
    number_key)."""
    rng = random.Random(f"{seed}|documents|{unit.code}|{year}")
    count = _round_count(profile.documents_in(year, rng) * cal.fraction, rng) if cal.days else 0
    if not count:
        return []
    dates = sorted(rng.choices(cal.days, cum_weights=cal.cum_weights, k=count))
    groups = rng.choices(profile.issuers, weights=[w for _, _, w in profile.issuers], k=count)
    counters: dict[tuple[str, str], int] = {}
    rows = []
    for issued_on, (group, issuer, _w) in zip(dates, groups):
        doc_type = rng.choices(_MIX_CODES[group], cum_weights=_MIX_CUM[group])[0]
        legal = group != "party" and issuer in ("UBND", "HĐND") and doc_type in ("QĐ", "NQ") and rng.random() < (
            0.05 if doc_type == "QĐ" else 0.3)
        series = (issuer, "legal" if legal else "main")
        n = counters[series] = counters.get(series, 0) + 1
        # Written by hand in a form no parser knows; never in the legal series, whose numbers would collide with the
        # main series' (`NQ36-HĐND` from both).
        if rng.random() < profile.garbage_rate and not legal:
            style = rng.randrange(3)
            prefix, suffix = ("", f" {doc_type} {issuer}") if style == 0 else (
                (f"{doc_type}", f"-{issuer}") if style == 1 else ("", f".{doc_type}.{issuer}"))
            number = f"{prefix}{n}{suffix}"
        elif group == "party":
            prefix, suffix = "", f"-{doc_type}/{issuer}"
            number = f"{n}{suffix}"
        elif legal:
            prefix, suffix = "", f"/{year}/{doc_type}-{issuer}"
            number = f"{n:02d}{suffix}"
        elif doc_type == OFFICIAL_LETTER:
            prefix, suffix = "", f"/{issuer}-{rng.choice(LETTER_DEPARTMENTS)}"
            number = f"{n}{suffix}"
        else:
            prefix, suffix = "", f"/{doc_type}-{issuer}"
            number = f"{n}{suffix}"
        needs_review = symbols.needs_review(prefix, suffix, doc_type)
        rows.append((
            unit.pk, number, doc_type, rng.choice(titles[doc_type]), issued_on, year,
            rng.random() < profile.digitized_rate, rng.random() < profile.network_rate, needs_review, created, created,
            number_key(number),
        ))
    return rows


def _exception_ref(unit: Unit, rng: random.Random) -> str:
    issuer = {Level.PROVINCIAL: "TU", Level.DISTRICT: "HU"}.get(unit.level, "ĐU")
    return f"{rng.randint(10, 480)}-QĐ/{issuer}"


def conferences_for(unit: Unit, profile: Profile, year: int, cal: _Calendar, *, seed: int,
                    created: datetime.datetime) -> list[tuple]:
    """Rows in CONFERENCE_COLUMNS order: ordinary conferences, all-leaders ones and statutory regular sessions."""
    rng = random.Random(f"{seed}|conferences|{unit.code}|{year}")
    if not cal.days:
        return []
    locality = unit.kind == Kind.LOCALITY and unit.level in (Level.PROVINCIAL, Level.DISTRICT, Level.COMMUNE)
    big = unit.level in (Level.PROVINCIAL, Level.CENTRAL)
    area = {Level.PROVINCIAL: "tỉnh", Level.DISTRICT: "huyện"}.get(unit.level, "xã")
    online = min(0.95, max(0.2, profile.online_share + profile.online_gain * (year - DEFAULT_YEARS[0])))
    plans: list[tuple[str, str]] = []  # (kind, category)
    ordinary = _round_count(profile.conferences_in(year, rng) * cal.fraction, rng)
    plans += [("ordinary", rng.choices(
        (Category.DISSEMINATION, Category.PROFESSIONAL, Category.IMPORTANT), weights=(40, 40, 20))[0])
        for _ in range(ordinary)]
    if locality:
        plans += [("all_leaders", Category.IMPORTANT)] * _round_count(rng.choice(profile.all_leaders) * cal.fraction, rng)
        # Statutory sessions: the Party executive committee each quarter, the People's Council twice a year.
        plans += [("party_session", Category.IMPORTANT)] * _round_count(4 * cal.fraction, rng)
        plans += [("council_session", Category.IMPORTANT)] * _round_count(2 * cal.fraction, rng)
    dates = sorted(rng.choices(cal.days, cum_weights=cal.cum_weights, k=len(plans)))
    rng.shuffle(plans)
    rows = []
    sessions = {"party_session": 0, "council_session": 0}
    for held_on, (kind, category) in zip(dates, plans):
        offender = rng.random() < profile.offender_rate
        regular = kind in sessions
        exception_approved, exception_ref, scope = False, "", Scope.SPECIALIZED
        if kind == "ordinary":
            title = rng.choice(CONFERENCE_TITLES[category]).format(y=year, p=year - 1)
            scope = Scope.INTERNAL if rng.random() < 0.25 else Scope.SPECIALIZED
            fmt = (Format.HYBRID if rng.random() < 0.25 else Format.ONLINE) if rng.random() < online else Format.IN_PERSON
        elif kind == "all_leaders":
            title = rng.choice(ALL_LEADERS_TITLES).format(area=area, y=year, p=year - 1)
            scope = Scope.ALL_LEADERS
            fmt = Format.HYBRID if rng.random() < 0.7 else Format.IN_PERSON
            if rng.random() < profile.exception_rate * 0.5:
                exception_approved, exception_ref = True, _exception_ref(unit, rng)
        else:
            sessions[kind] += 1
            title = (f"Hội nghị Ban Chấp hành Đảng bộ lần thứ {sessions[kind]} năm {year}" if kind == "party_session"
                     else f"Kỳ họp thứ {sessions[kind]} Hội đồng nhân dân năm {year}")
            scope, fmt = Scope.INTERNAL, Format.IN_PERSON
        if regular:
            duration = Decimal("1.0") if kind == "party_session" else rng.choice((Decimal("1.5"), Decimal("2.0"), Decimal("2.5")))
        elif category == Category.DISSEMINATION:
            duration = Decimal("1.0") if offender else rng.choice((Decimal("0.5"), Decimal("0.5"), Decimal("0.25")))
        elif category == Category.PROFESSIONAL:
            duration = rng.choice((Decimal("1.5"), Decimal("2.0"))) if offender else rng.choice((Decimal("0.5"), Decimal("1.0")))
        else:
            duration = Decimal("2.0") if offender else rng.choice((Decimal("1.0"), Decimal("1.0"), Decimal("1.5")))
        opening = closing = presentation = None
        if rng.random() < 0.8:
            speech_offender = offender and rng.random() < 0.5
            opening = rng.randint(12, 18) if speech_offender and rng.random() < 0.5 else rng.randint(5, 10)
            closing = rng.randint(55, 75) if speech_offender and rng.random() < 0.5 else rng.randint(15, 50)
            presentation = rng.randint(12, 20) if speech_offender and rng.random() < 0.5 else rng.randint(6, 10)
        allocated = spent = None
        if rng.random() < 0.85:
            low, high = (30_000_000, 400_000_000) if big else (3_000_000, 40_000_000)
            if scope == Scope.ALL_LEADERS:
                low, high = low * 2, high * 2
            if fmt == Format.ONLINE:
                low, high = low // 3, high // 3
            allocated = rng.randint(low, high) // 100_000 * 100_000
            ratio = rng.uniform(1.02, 1.25) if offender and rng.random() < 0.5 else rng.uniform(0.75, 1.0)
            spent = int(allocated * ratio) // 10_000 * 10_000
        participants = rng.randint(150, 800) if scope == Scope.ALL_LEADERS else (
            rng.randint(60, 400) if big else rng.randint(20, 150))
        reheld = not regular and rng.random() < profile.reheld_rate
        rows.append((
            unit.pk, title, held_on, duration, fmt.value, category.value, scope.value, regular, exception_approved,
            exception_ref, reheld, allocated, spent, opening, closing, presentation, participants, created, created,
        ))
    return rows


def reports_for(unit: Unit, profile: Profile, year: int, today: datetime.date, *, seed: int,
                created: datetime.datetime) -> list[tuple]:
    """One digitisation report per quarter that has ended by today."""
    rng = random.Random(f"{seed}|digitization|{unit.code}|{year}")
    rows = []
    share = profile.digital_share + profile.digital_gain * (year - DEFAULT_YEARS[0])
    for quarter in (1, 2, 3, 4):
        ends = datetime.date(year, 12, 31) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1) - datetime.timedelta(days=1)
        total = max(1, round(profile.procedures_base * rng.uniform(0.85, 1.15)))
        digital = min(total, max(0, round(total * min(1.0, share + rng.gauss(0, 0.01)))))
        if ends < today:
            rows.append((unit.pk, year, quarter, total, digital, created, created))
    return rows


# ------------------------------------------------------------------------------------ integrity signals

# What a handful of units do to their registers in the planted year, each pattern one integrity signal shows
# (reporting/signals.py): about 1 unit in 100 per pattern, chosen by `Random(f"{seed}|pattern|{code}")`.
SIGNAL_PATTERNS = ("number_gaps", "sharp_drop", "type_shift", "regular_session_shift", "hybrid_shift",
                   "silent_unit", "missing_report", "late_entry")


def signal_pattern_of(unit: Unit, seed: int) -> str | None:
    index = int(random.Random(f"{seed}|pattern|{unit.code}").random() * 100)
    return SIGNAL_PATTERNS[index] if index < len(SIGNAL_PATTERNS) else None


def _entered(day: datetime.date, rng: random.Random, created: datetime.datetime, late: bool = False) -> datetime.datetime:
    """When an officer entered a record of `day`: within 3 working days (60 to 120 days for a late entry), during
    office hours, never after the generation itself."""
    delay = rng.randint(60, 120) if late else rng.randint(0, 3)
    at = datetime.datetime.combine(day + datetime.timedelta(days=delay), datetime.time(rng.randint(8, 16), rng.randint(0, 59)),
                                   tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
    return min(at, created)


def signal_patterns_plant(unit: Unit, year: int, documents: list[tuple], conferences: list[tuple],
                          reports: list[tuple], *, seed: int, created: datetime.datetime,
                          planted_year: int | None) -> tuple[list[tuple], list[tuple], list[tuple]]:
    """Records entered when they happened (a few days after their date), and, for the units drawn for a pattern,
    the pattern in `planted_year`: numbers skipped, a fall of two thirds, decisions relabelled as official letters,
    conferences flagged as regular sessions or hybrid, a silent register, a missing report, a late quarter."""
    rng = random.Random(f"{seed}|entered|{unit.code}|{year}")
    pattern = signal_pattern_of(unit, seed) if year == planted_year else None
    if pattern == "silent_unit" and not (unit.kind == Kind.LOCALITY and unit.level == Level.COMMUNE):
        pattern = None  # silence shows among peers: communes have 3,321
    if pattern == "number_gaps":
        documents = [row for i, row in enumerate(documents) if i % 3 != 1 or row[8]]
    elif pattern == "sharp_drop":
        documents = [row for i, row in enumerate(documents) if i % 3 == 0]
        conferences = [row for i, row in enumerate(conferences) if i % 3 == 0 or row[7]]
    elif pattern == "silent_unit":
        documents = []
    elif pattern == "type_shift":
        relabelled = []
        for row in documents:
            number, doc_type, needs_review = row[1], row[2], row[8]
            head, _slash, issuer = number.partition("/")
            if doc_type == "QĐ" and not needs_review and issuer.startswith("QĐ-") and head.isdigit():
                number = f"{head}/{issuer[3:]}-{rng.choice(LETTER_DEPARTMENTS)}"
                row = (row[0], number, OFFICIAL_LETTER, *row[3:11], number_key(number))
            relabelled.append(row)
        documents = relabelled
    elif pattern == "regular_session_shift":
        conferences = [(*row[:7], True, *row[8:]) if not row[7] and i % 5 < 3 else row
                       for i, row in enumerate(conferences)]
    elif pattern == "hybrid_shift":
        conferences = [(*row[:4], Format.HYBRID.value, *row[5:]) if row[4] == Format.IN_PERSON.value and not row[7]
                       else (*row[:4], Format.HYBRID.value, *row[5:]) if not row[7] and i % 4 == 0 else row
                       for i, row in enumerate(conferences)]
    elif pattern == "missing_report":
        reports = [row for row in reports if row[2] != 2]
    late_quarter = 2 if pattern == "late_entry" else None
    documents = [(*row[:9], at, at, row[11]) for row in documents
                 for at in [_entered(row[4], rng, created, late=(row[4].month - 1) // 3 + 1 == late_quarter)]]
    conferences = [(*row[:17], at, at) for row in conferences
                   for at in [_entered(row[2], rng, created, late=(row[2].month - 1) // 3 + 1 == late_quarter)]]
    reports = [(*row[:5], at, at) for row in reports
               for at in [_entered(datetime.date(row[1], 3 * row[2], 28), rng, created)]]
    return documents, conferences, reports
