"""Realistic, reproducible synthetic records for demos and benchmarks (`manage.py demo_data`).

Every unit gets a behaviour profile drawn from `Random(f"{seed}|profile|{code}")` and every unit-year its
own `Random(f"{seed}|<register>|{code}|{year}")`, so the records of a unit and year are the same whatever
else is generated in the same run (a subset, another year, another order).

Records are written in bulk (PostgreSQL `COPY`, `bulk_create` elsewhere), which bypasses `Model.save()`:
the generator sets the derived `year`, `number_key` and `needs_review` itself, through `documents.symbols.parse_symbol`,
and checks that each symbol implies the type it was generated with. Demo data is loaded by the system, not
a person, so it writes no audit-trail rows; that absence is also what marks it as replaceable.

Across the 1 July 2025 reorganisation (when the legacy units are loaded): a legacy unit writes records up to its
`valid_until`, behaving as a share of its default successor (so a new commune's 2025 baseline, its predecessors'
first half plus its own second half, follows one trend), and a current unit formed from predecessors writes from
1 July 2025 on. Units without a lineage (the centre, agencies, a tree without legacy units) write every year.
"""
from __future__ import annotations

import datetime
import io
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate

from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from documents.models import DigitizationReport, Document, DocumentType
from documents.symbols import OFFICIAL_LETTER, number_key, parse_symbol
from meetings.choices import Category, Format, Scope
from meetings.models import Conference

from .choices import Block, Kind, Level
from .models import Unit, UnitSuccession
from .units import ROOT_CODE, units_load

DEFAULT_YEARS = (2024, 2025, 2026)
SMALL_PROVINCES = ("01", "46", "12")  # Hà Nội (a big city), Huế (a mid-size city), Lai Châu (a mountain province)
AGENCY_PROVINCES_NATIONAL = ("01", "79", "46", "12", "31", "48")
FLUSH_ROWS = 100_000
REFORM_DAY = datetime.date(2025, 7, 1)  # the new communes began work; a current unit with predecessors starts here

# ---------------------------------------------------------------------------------------------- catalogues

# Document mixes of each kind of issuer: (type code, weight). `CV` is an official letter.
STATE_MIX = [
    ("QĐ", 28), ("CV", 34), ("KH", 7), ("BC", 9), ("TB", 6), ("TTr", 4), ("GM", 4), ("HD", 2), ("CT", 1),
    ("CĐ", 1), ("ĐA", 1), ("PA", 1), ("QC", 0.5), ("QyĐ", 0.5), ("BB", 1),
]
PARTY_MIX = [
    ("NQ", 5), ("QĐ", 10), ("CT", 2), ("KL", 6), ("QyĐ", 1), ("QC", 1), ("TB", 12), ("HD", 4), ("KH", 8),
    ("CTr", 2), ("BC", 14), ("CV", 30), ("BB", 3), ("ĐA", 1), ("TTr", 1),
]
ELECTED_MIX = [("NQ", 40), ("BC", 25), ("TB", 10), ("TTr", 5), ("KH", 10), ("CV", 10)]
MIXES = {"state": STATE_MIX, "party": PARTY_MIX, "elected": ELECTED_MIX}
_MIX_CODES = {group: [code for code, _ in mix] for group, mix in MIXES.items()}
_MIX_CUM = {group: list(accumulate(weight for _, weight in mix)) for group, mix in MIXES.items()}
LETTER_DEPARTMENTS = ("VP", "KT", "KGVX", "NC", "TH", "NV", "TCKH", "ĐT")

TYPE_TITLES = {
    "NQ": "Nghị quyết về", "QĐ": "Quyết định về việc", "CT": "Chỉ thị về", "KL": "Kết luận về",
    "QC": "Quy chế", "QyĐ": "Quy định về", "TB": "Thông báo về", "HD": "Hướng dẫn", "KH": "Kế hoạch",
    "CTr": "Chương trình", "ĐA": "Đề án", "PA": "Phương án", "BC": "Báo cáo", "BB": "Biên bản",
    "TTr": "Tờ trình về", "CV": "V/v", "CĐ": "Công điện về", "GM": "Giấy mời dự",
}
TOPICS = (
    "thực hiện Kết luận số 226-KL/TW về chấn chỉnh lề lối làm việc", "chuyển đổi số và xây dựng chính quyền số năm {y}",
    "cải cách thủ tục hành chính năm {y}", "dự toán ngân sách năm {y}", "phòng, chống thiên tai và tìm kiếm cứu nạn",
    "sắp xếp tổ chức bộ máy theo mô hình chính quyền địa phương hai cấp", "phát triển kinh tế - xã hội năm {y}",
    "công tác cán bộ", "giải quyết đơn thư khiếu nại, tố cáo", "bảo đảm trật tự an toàn giao thông",
    "xây dựng nông thôn mới", "công tác thi đua, khen thưởng năm {y}", "quản lý đất đai và tài nguyên",
    "phòng, chống tham nhũng, lãng phí", "kết quả thực hiện nhiệm vụ quý {q} năm {y}", "thu, chi ngân sách quý {q}",
    "công tác dân vận", "phân cấp, phân quyền theo Kết luận số 210-KL/TW", "tổ chức Đại hội Đảng bộ các cấp",
    "chi trả chế độ cho cán bộ dôi dư", "bảo vệ môi trường", "phòng, chống dịch bệnh", "giáo dục và đào tạo năm học {y}",
)
CONFERENCE_TITLES = {
    Category.DISSEMINATION: (
        "Hội nghị quán triệt, triển khai Kết luận số 226-KL/TW", "Hội nghị học tập, quán triệt nghị quyết của Đảng",
        "Hội nghị phổ biến Luật Tổ chức chính quyền địa phương", "Hội nghị triển khai nhiệm vụ năm {y}",
    ),
    Category.PROFESSIONAL: (
        "Hội nghị tập huấn chuyển đổi số", "Hội nghị tập huấn nghiệp vụ văn thư, lưu trữ",
        "Hội nghị chuyên đề về cải cách hành chính", "Hội nghị tập huấn phần mềm quản lý văn bản",
        "Hội nghị bàn giải pháp thu ngân sách",
    ),
    Category.IMPORTANT: (
        "Hội nghị sơ kết 6 tháng đầu năm {y}", "Hội nghị tổng kết công tác năm {p} và triển khai nhiệm vụ năm {y}",
        "Hội nghị đánh giá kết quả thực hiện mô hình chính quyền hai cấp", "Hội nghị thảo luận kế hoạch đầu tư công",
    ),
}
ALL_LEADERS_TITLES = (
    "Hội nghị cán bộ chủ chốt toàn {area} triển khai nhiệm vụ năm {y}", "Hội nghị toàn {area} tổng kết năm {p}",
    "Hội nghị toàn {area} sơ kết 6 tháng đầu năm {y}", "Hội nghị toàn {area} quán triệt nghị quyết Trung ương",
)

# Agencies created under a few provinces: (code suffix, name pattern, block, issuer of their symbols).
AGENCIES = (
    ("VPUB", "Văn phòng Ủy ban nhân dân {p}", Block.STATE, "VPUBND"),
    ("SNV", "Sở Nội vụ {p}", Block.STATE, "SNV"),
    ("STC", "Sở Tài chính {p}", Block.STATE, "STC"),
    ("VPTU", "Văn phòng {c}", Block.PARTY, "VPTU"),
    ("BTCTU", "Ban Tổ chức {c}", Block.PARTY, "BTCTU"),
    ("VPHDND", "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân {p}", Block.ELECTED, "VPĐĐBQH"),
    ("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam {p}", Block.FRONT, "MTTQ"),
)

MONTH_WEIGHTS = (1.0, 0.75, 1.0, 1.0, 1.0, 1.1, 1.0, 1.0, 1.0, 1.0, 1.0, 1.25)  # Tết in February, year-end in December


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


# ---------------------------------------------------------------------------------------------- writers

DOCUMENT_COLUMNS = ("unit_id", "number", "doc_type_id", "title", "issued_on", "year", "is_digitized",
                    "sent_electronically", "needs_review", "created_at", "updated_at", "number_key")
CONFERENCE_COLUMNS = ("unit_id", "title", "held_on", "duration_days", "format", "category", "scope", "is_regular_session",
                      "exception_approved", "exception_ref", "reheld_after_online", "budget_allocated", "budget_spent",
                      "opening_speech_min", "closing_speeches_min", "longest_presentation_min", "participants",
                      "created_at", "updated_at")
REPORT_COLUMNS = ("unit_id", "year", "quarter", "procedures_total", "procedures_digital", "created_at", "updated_at")


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value)


class _Writer:
    """Buffers rows of one model and writes them in bulk: COPY on PostgreSQL, a multi-row executemany elsewhere
    (bulk_create costs ten times more per row on SQLite, and the rows need none of its per-field work)."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]):
        self.model, self.columns, self.rows, self.written = model, columns, [], 0
        self.copy = connection.vendor == "postgresql"
        fields = [model._meta.get_field(c[:-3] if c.endswith("_id") else c) for c in columns]
        self.sql_columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        self.table = connection.ops.quote_name(model._meta.db_table)
        self.adapters = [self._adapter(f) for f in fields]

    @staticmethod
    def _adapter(field: models.Field) -> Callable | None:
        if isinstance(field, models.DateTimeField):
            return lambda value: connection.ops.adapt_datetimefield_value(value)
        if isinstance(field, models.DateField):
            return lambda value: connection.ops.adapt_datefield_value(value)
        if isinstance(field, models.DecimalField):
            return lambda value: None if value is None else str(value)
        return None

    def add(self, rows: Iterable[tuple]) -> None:
        self.rows.extend(rows)
        if len(self.rows) >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        with connection.cursor() as cursor:
            if self.copy:
                buffer = io.StringIO()
                buffer.writelines("\t".join(map(_copy_value, row)) + "\n" for row in self.rows)
                buffer.seek(0)
                cursor.copy_expert(f"COPY {self.table} ({self.sql_columns}) FROM STDIN", buffer)
            else:
                converters = [(i, a) for i, a in enumerate(self.adapters) if a is not None]
                rows = []
                for row in self.rows:
                    row = list(row)
                    for i, adapt in converters:
                        row[i] = adapt(row[i])
                    rows.append(row)
                placeholders = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {self.table} ({self.sql_columns}) VALUES ({placeholders})", rows)
        self.written += len(self.rows)
        self.rows = []


# ---------------------------------------------------------------------------------------------- the load

@dataclass
class DemoResult:
    units: int = 0
    agencies_created: int = 0
    deleted: dict[str, int] = field(default_factory=dict)
    documents: int = 0
    conferences: int = 0
    reports: int = 0
    seconds: float = 0.0


def agencies_ensure(province_codes: Iterable[str]) -> int:
    """Create the demo agencies (`01-VPUB`, ...) under the given provinces if they are missing."""
    created = 0
    for province in Unit.objects.filter(code__in=list(province_codes), level=Level.PROVINCIAL).order_by("code"):
        city = province.name.startswith("Thành phố ")
        place = province.name if city else f"tỉnh {province.name}"
        short = province.name.removeprefix("Thành phố ")
        committee = f"Thành ủy {short}" if city else f"Tỉnh ủy {province.name}"
        for suffix, pattern, block, _issuer in AGENCIES:
            code = f"{province.code}-{suffix}"
            if Unit.objects.filter(code=code).exists():
                continue
            Unit(code=code, name=pattern.format(p=place, c=committee), level=Level.PROVINCIAL, kind=Kind.AGENCY,
                 block=block, parent=province).save()
            created += 1
    return created


def _scope(scale: str, provinces: Sequence[str] | None, max_communes: int | None) -> models.QuerySet:
    if scale == "national" and not provinces:
        units = Unit.objects.all()
    else:
        chosen = list(provinces or SMALL_PROVINCES)
        paths = list(Unit.objects.filter(code__in=chosen, level=Level.PROVINCIAL).values_list("path", flat=True))
        missing = set(chosen) - {p.strip("/").split("/")[-1] for p in paths}
        if missing:
            raise ValueError(f"No province with code {', '.join(sorted(missing))}.")
        condition = Q(code=ROOT_CODE)
        for path in paths:
            condition |= Q(path__startswith=path)
        units = Unit.objects.filter(condition)
        if max_communes is not None:
            keep = []
            for path in paths:
                keep += list(Unit.objects.filter(path__startswith=path, level=Level.COMMUNE)
                             .order_by("code").values_list("pk", flat=True)[:max_communes])
            units = units.filter(~Q(level=Level.COMMUNE) | Q(pk__in=keep))
        # The legacy units whose records count in these (their default successor is one of them).
        legacy = UnitSuccession.objects.filter(order=0, successor__in=units.values("pk")).values("predecessor_id")
        units = Unit.objects.filter(Q(pk__in=units.values("pk")) | Q(pk__in=legacy))
    return units.order_by("path")


@dataclass(frozen=True)
class _Life:
    """The part of the years a unit writes records in, and the profile it behaves by."""

    starts: datetime.date | None
    ends: datetime.date | None
    profile: Profile


def _lives(units: list[Unit], seed: int, volume: float) -> dict[int, _Life]:
    """Each unit's life across the reorganisation (one query on the successions): a legacy unit behaves as its
    default successor's share (1 / the legacy units of its level with that default successor) up to its end; a
    current unit with predecessors starts on REFORM_DAY; any other unit lives every year."""
    by_id = {unit.pk: unit for unit in units}
    default_of = dict(UnitSuccession.objects.filter(order=0, predecessor__in=list(by_id))
                      .values_list("predecessor_id", "successor_id"))
    successors = set(UnitSuccession.objects.filter(successor__in=list(by_id)).values_list("successor_id", flat=True))
    sharing: dict[tuple[int, str], int] = {}
    for pred, succ in default_of.items():
        key = (succ, by_id[pred].level)
        sharing[key] = sharing.get(key, 0) + 1
    lives = {}
    for unit in units:
        successor = by_id.get(default_of.get(unit.pk))
        if unit.valid_until is not None:
            if successor is not None and unit.level != Level.DISTRICT:
                profile = profile_for(successor, seed, volume / sharing[successor.pk, unit.level])
            else:
                profile = profile_for(unit, seed, volume)
            lives[unit.pk] = _Life(None, unit.valid_until, profile)
        else:
            lives[unit.pk] = _Life(REFORM_DAY if unit.pk in successors else None, None, profile_for(unit, seed, volume))
    return lives


def _quarter_within(year: int, quarter: int, life: _Life) -> bool:
    starts = datetime.date(year, 3 * quarter - 2, 1)
    return (life.ends is None or starts <= life.ends) and (life.starts is None or starts >= life.starts)


def _delete_replaceable(model: type[models.Model], units: models.QuerySet, years: Sequence[int]) -> int:
    """Delete the records of these units and years that have no audit trail: earlier demo (or other
    system) loads. Raw SQL, because an ORM delete would write a history row per record."""
    history = model.history.model
    if model is Conference:
        in_years = Q()
        for year in years:
            in_years |= Q(held_on__gte=datetime.date(year, 1, 1), held_on__lte=datetime.date(year, 12, 31))
    else:
        in_years = Q(year__in=list(years))
    doomed = model.objects.filter(in_years, unit__in=units.values("pk")).filter(
        ~Exists(history.objects.filter(id=OuterRef("pk")))).values("pk")
    sql, params = doomed.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)} WHERE id IN ({sql})", params)
        return cursor.rowcount


def demo_data_load(*, scale: str = "small", seed: int = 226, years: Sequence[int] = DEFAULT_YEARS,
                   provinces: Sequence[str] | None = None, max_communes: int | None = None, volume: float = 1.0,
                   today: datetime.date | None = None, progress: Callable[[str], None] = lambda _: None) -> DemoResult:
    """Generate (or regenerate) demo records for the scope's units and the given years, in one transaction."""
    started = time.monotonic()
    today = today or timezone.localdate()
    years = sorted(set(years))
    if any(year > today.year for year in years):
        raise ValueError(f"Years after {today.year} have not started: no record can be dated in the future.")
    if not Unit.objects.filter(level=Level.PROVINCIAL).exists():
        progress("No units yet: loading the provinces and communes first.")
        units_load()
    result = DemoResult()
    with transaction.atomic():
        agency_provinces = (provinces or SMALL_PROVINCES) if scale == "small" or provinces else AGENCY_PROVINCES_NATIONAL
        result.agencies_created = agencies_ensure(agency_provinces)
        units_qs = _scope(scale, provinces, max_communes)
        units = list(units_qs)
        result.units = len(units)
        for model in (Document, Conference, DigitizationReport):
            result.deleted[model.__name__] = _delete_replaceable(model, units_qs, years)
        if any(result.deleted.values()):
            progress("Replaced earlier demo records: " + ", ".join(f"{n:,} {m}" for m, n in result.deleted.items()))
        # Records that people entered (they have an audit trail) stay; never collide with them.
        taken_numbers = set(Document.objects.filter(year__in=years, unit__in=units_qs.values("pk"))
                            .values_list("unit_id", "number_key", "year"))
        taken_quarters = set(DigitizationReport.objects.filter(year__in=years, unit__in=units_qs.values("pk"))
                             .values_list("unit_id", "year", "quarter"))
        symbols = _SymbolCheck(list(DocumentType.objects.values_list("code", flat=True)))
        calendars: dict = {year: _calendar(year, today) for year in years}  # and (year, starts, ends) of shorter lives
        titles = {year: _titles(year) for year in years}
        created = timezone.now()
        docs = _Writer(Document, DOCUMENT_COLUMNS)
        confs = _Writer(Conference, CONFERENCE_COLUMNS)
        reports = _Writer(DigitizationReport, REPORT_COLUMNS)
        step = max(1, len(units) // 20)
        # The integrity signals' patterns are planted in the last ended year (the year before it is their baseline).
        planted_year = max((y for y in years[1:] if y < today.year), default=None)
        lives = _lives(units, seed, volume)
        for index, unit in enumerate(units, start=1):
            life = lives[unit.pk]
            profile = life.profile
            for year in years:
                cal = calendars[year]
                if life.starts or life.ends:
                    if (life.ends and year > life.ends.year) or (life.starts and year < life.starts.year):
                        continue
                    key = (year, life.starts, life.ends)
                    if key not in calendars:
                        calendars[key] = _calendar(year, today, life.starts, life.ends)
                    cal = calendars[key]
                rows = documents_for(unit, profile, year, cal, seed=seed, symbols=symbols,
                                     titles=titles[year], created=created)
                conference_rows = conferences_for(unit, profile, year, cal, seed=seed, created=created)
                report_rows = reports_for(unit, profile, year, today, seed=seed, created=created)
                if life.starts or life.ends:
                    report_rows = [r for r in report_rows if _quarter_within(r[1], r[2], life)]
                rows, conference_rows, report_rows = signal_patterns_plant(
                    unit, year, rows, conference_rows, report_rows, seed=seed, created=created,
                    planted_year=None if life.ends else planted_year)
                if taken_numbers:
                    rows = [r for r in rows if (r[0], r[-1], r[5]) not in taken_numbers]
                docs.add(rows)
                confs.add(conference_rows)
                reports.add([r for r in report_rows if (r[0], r[1], r[2]) not in taken_quarters])
            if index % step == 0 or index == len(units):
                progress(f"  {index:,}/{len(units):,} units: {docs.written + len(docs.rows):,} documents, "
                         f"{confs.written + len(confs.rows):,} conferences ({time.monotonic() - started:.0f} s)")
        for writer in (docs, confs, reports):
            writer.flush()
    result.documents, result.conferences, result.reports = docs.written, confs.written, reports.written
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh planner statistics for the engine's aggregates
            for model in (Document, Conference, DigitizationReport):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    result.seconds = time.monotonic() - started
    return result
