"""Loading the real organisation tree: 34 provinces and 3,321 communes from `vietnam-provinces`, and the legacy
63 provinces, 696 districts and 10,035 communes (until 30 June 2025) with their successors from `vietnamadminunits`."""
from __future__ import annotations

import collections
import datetime
import functools
import json
import pathlib
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from vietnam_provinces import Province, Ward

from .choices import Block, Kind, Level
from .models import PATH_SEPARATOR, Unit, UnitSuccession

ROOT_CODE = "TW"
ROOT_NAME = "Trung ương"


def province_code(official: int) -> str:
    return f"{official:02d}"


def commune_code(official: int) -> str:
    return f"{official:05d}"


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    successions: int = 0  # succession rows written (created or replaced)
    codes_disagree: list = field(default_factory=list)


@transaction.atomic
def units_load() -> LoadResult:
    """Create or update the root, provinces and communes, current and legacy (until 30 June 2025), and the
    legacy units' successors, in a handful of queries; a second run changes nothing. Raises UnitLoadError
    (writing nothing) when the two packages cannot be joined."""
    result = LoadResult()
    legacy = legacy_data()
    result.codes_disagree = legacy.codes_disagree
    # (code, name, level, parent code, valid until)
    wanted: list[tuple[str, str, str, str | None, datetime.date | None]] = [
        (ROOT_CODE, ROOT_NAME, Level.CENTRAL, None, None)]
    wanted += [(province_code(p.code.value), p.name, Level.PROVINCIAL, ROOT_CODE, None) for p in Province.iter_all()]
    wanted += [
        (commune_code(w.code.value), w.name, Level.COMMUNE, province_code(w.province_code.value), None)
        for w in Ward.iter_all()
    ]
    wanted += [(code, name, level, parent, LEGACY_END) for code, name, level, parent in legacy.units]
    existing = {u.code: u for u in Unit.objects.all()}
    # Parents come before children in `wanted`, so each level can be created in one bulk insert.
    for level in (Level.CENTRAL, Level.PROVINCIAL, Level.DISTRICT, Level.COMMUNE):
        to_create, to_update = [], []
        for code, name, lvl, parent_code, valid_until in wanted:
            if lvl != level:
                continue
            parent = existing[parent_code] if parent_code else None
            path = f"{parent.path if parent else PATH_SEPARATOR}{code}{PATH_SEPARATOR}"
            unit = existing.get(code)
            if unit is None:
                unit = Unit(code=code, name=name, level=lvl, kind=Kind.LOCALITY,
                            block=Block.PARTY if lvl == Level.CENTRAL else Block.STATE,
                            parent=parent, path=path, depth=path.count(PATH_SEPARATOR) - 2, valid_until=valid_until)
                to_create.append(unit)
            elif (unit.name, unit.level, unit.parent_id, unit.path, unit.valid_until) != (
                    name, lvl, parent.pk if parent else None, path, valid_until):
                unit.name, unit.level, unit.parent, unit.path = name, lvl, parent, path
                unit.depth = path.count(PATH_SEPARATOR) - 2
                unit.valid_until = valid_until
                to_update.append(unit)
            else:
                result.unchanged += 1
        Unit.objects.bulk_create(to_create, batch_size=1000)
        Unit.objects.bulk_update(to_update, ["name", "level", "parent", "path", "depth", "valid_until"], batch_size=1000)
        result.created += len(to_create)
        result.updated += len(to_update)
        if to_create:
            existing.update({u.code: u for u in Unit.objects.filter(code__in=[u.code for u in to_create])})
    result.successions = _successions_load(legacy.successors, {code: u.pk for code, u in existing.items()})
    return result


def _successions_load(successors: dict[str, list[str]], ids: dict[str, int]) -> int:
    """Make each legacy unit's successors those of the package, in order, unless an administrator corrected
    them (any row `corrected`): those are left as they are. Only units whose successors differ are rewritten."""
    have: dict[int, list[tuple[int, bool]]] = collections.defaultdict(list)
    for pred, succ, corrected in UnitSuccession.objects.order_by("predecessor_id", "order", "successor_id").values_list(
            "predecessor_id", "successor_id", "corrected"):
        have[pred].append((succ, corrected))
    stale, rows = [], []
    for code, codes in successors.items():
        pred = ids[code]
        current = have.get(pred, [])
        if any(corrected for _s, corrected in current):
            continue
        want = [ids[c] for c in codes]
        if [s for s, _c in current] != want:
            stale.append(pred)
            rows += [UnitSuccession(predecessor_id=pred, successor_id=succ, order=i) for i, succ in enumerate(want)]
    if stale:
        UnitSuccession.objects.filter(predecessor_id__in=stale).delete()
    UnitSuccession.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


# ---------------------------------------------------------------------------------------------------------
# Legacy units (until 30 June 2025) and their lineage, from the `vietnamadminunits` package
# ---------------------------------------------------------------------------------------------------------

LEGACY_PREFIX = "L"
LEGACY_END = datetime.date(2025, 6, 30)
# Tone marks (sắc, huyền, hỏi, ngã, nặng): their placement inside a syllable varies between sources (Hoà/Hòa);
# the other marks (circumflex, breve, horn) belong to the letter and are kept (Văn Lang is not Văn Lăng).
_TONE_MARKS = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}
_APOSTROPHES = "'\u2019\u2018\u02bc`"
_PROVINCE_TYPES = ("Thành phố ", "Tỉnh ")


class UnitLoadError(Exception):
    """The two packages cannot be joined (a unit left unmatched or matched twice): nothing is written."""


def name_key(name: str) -> str:
    """A name normalised for matching: case, apostrophes, spacing (around hyphens too) and the placement of
    tone marks ignored; every letter's own diacritics kept."""
    text = unicodedata.normalize("NFD", name.casefold()).replace("\u2013", "-").replace("\u2014", "-")
    for mark in _APOSTROPHES:
        text = text.replace(mark, "")
    words = []
    for word in re.split(r"\s+|(?=-)|(?<=-)", text):
        if word:
            tones = "".join(ch for ch in word if ch in _TONE_MARKS)
            words.append("".join(ch for ch in word if ch not in _TONE_MARKS) + tones)
    return unicodedata.normalize("NFC", " ".join(words)).replace(" - ", "-").replace(" -", "-").replace("- ", "-")


def _province_name_key(name: str) -> str:
    for prefix in _PROVINCE_TYPES:
        name = name.removeprefix(prefix)
    return name_key(name)


def legacy_code(official: str) -> str:
    return f"{LEGACY_PREFIX}{official}"


@dataclass
class LegacyData:
    """What `vietnamadminunits` says, joined to our current units: the legacy units (code, name, level, parent
    code) and each one's successors (current codes, default first); the current communes whose code differs."""

    units: list[tuple[str, str, str, str]]
    successors: dict[str, list[str]]
    codes_disagree: list[tuple[str, str, str, str]]  # (province code, name, our code, their code)


def package_folder() -> pathlib.Path:
    import vietnamadminunits

    return pathlib.Path(vietnamadminunits.__file__).parent / "data"


@functools.lru_cache(maxsize=2)
def legacy_data(folder: pathlib.Path | None = None) -> LegacyData:
    """Read the package's dataset.db and converter_2025.json and join its new communes to ours by province and
    normalised name (never by code: the two packages disagree on 122 codes). Raises UnitLoadError on any commune
    left unmatched or matched twice."""
    folder = folder or package_folder()
    db = sqlite3.connect(f"file:{folder / 'dataset.db'}?mode=ro", uri=True)
    try:
        new_rows = db.execute("SELECT provinceCode, province, provinceKey, ward, wardKey, wardCode FROM admin_units").fetchall()
        old_rows = db.execute(
            "SELECT provinceCode, province, provinceKey, districtCode, district, districtKey, wardCode, ward, wardKey "
            "FROM admin_units_legacy").fetchall()
    finally:
        db.close()
    converter = json.loads((folder / "converter_2025.json").read_text(encoding="utf-8"))

    our_provinces = {province_code(p.code.value): p.name for p in Province.iter_all()}
    ours: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for w in Ward.iter_all():
        ours.setdefault((province_code(w.province_code.value), name_key(w.name)), []).append(
            (commune_code(w.code.value), w.name))
    problems: list[str] = []
    # Their new communes -> our codes, by (province, normalised name).
    current: dict[tuple[str, str], str] = {}  # (their province key, their ward key) -> our commune code
    new_province: dict[str, str] = {}  # their province key -> our province code
    matched: dict[str, str] = {}
    codes_disagree = []
    for pcode, pname, pkey, ward, wkey, wcode in new_rows:
        if _province_name_key(our_provinces.get(pcode, "")) != _province_name_key(pname):
            problems.append(f"province {pcode} {pname}: no such province in vietnam-provinces")
            continue
        new_province[pkey] = pcode
        found = ours.get((pcode, name_key(ward)), [])
        if len(found) != 1:
            problems.append(f"{pcode} {ward} ({wcode}): {len(found)} communes of vietnam-provinces match")
            continue
        code, our_name = found[0]
        if code in matched:
            problems.append(f"{pcode} {ward} ({wcode}): {code} already matched to {matched[code]}")
            continue
        matched[code] = ward
        current[pkey, wkey] = code
        if code != wcode:
            codes_disagree.append((pcode, our_name, code, wcode))
    unmatched = {c for found in ours.values() for c, _n in found} - set(matched)
    problems += [f"{code}: no commune of vietnamadminunits matches" for code in sorted(unmatched)]

    units: list[tuple[str, str, str, str]] = []
    old_commune: dict[str, str] = {}  # their "province_district_ward" key -> legacy code
    old_province_key: dict[str, str] = {}  # their old province key -> legacy code
    communes_of: dict[str, list[str]] = {}  # legacy province / district code -> its legacy communes
    seen: set[str] = set()
    for pcode, pname, pkey, dcode, dname, dkey, wcode, wname, wkey in old_rows:
        lp, ld = legacy_code(pcode), legacy_code(dcode)
        if lp not in seen:
            seen.add(lp)
            units.append((lp, pname, Level.PROVINCIAL, ROOT_CODE))
            old_province_key[pkey] = lp
        if ld not in seen:
            seen.add(ld)
            units.append((ld, dname, Level.DISTRICT, lp))
        communes_of.setdefault(lp, [])
        communes_of.setdefault(ld, [])
        if wcode:
            lc = legacy_code(wcode)
            units.append((lc, wname, Level.COMMUNE, ld))
            old_commune[f"{pkey}_{dkey}_{wkey}"] = lc
            communes_of[lp].append(lc)
            communes_of[ld].append(lc)

    successors: dict[str, list[str]] = {}
    for pkey, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for wkey, olds in wards.items():
            for old in olds:
                if old.endswith("_"):
                    continue  # an island district without communes (now a special zone): districts follow provinces
                if (pkey, wkey) in current and old in old_commune:
                    successors.setdefault(old_commune[old], []).append(current[pkey, wkey])
                else:
                    problems.append(f"converter: {old} -> {pkey}_{wkey} does not resolve")
    for pkey, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, news in olds.items():
            ordered = sorted(news, key=lambda n: not n["isDefaultNewWard"])  # the default first, stable otherwise
            codes = [current.get((pkey, n["newWardKey"])) for n in ordered]
            if old not in old_commune or None in codes:
                problems.append(f"converter: divided {old} does not resolve")
                continue
            successors.setdefault(old_commune[old], []).extend(c for c in codes if c not in successors.get(old_commune[old], []))
    problems += [f"{code}: legacy commune without successor" for code in old_commune.values() if code not in successors]
    # Provinces and districts: the current provinces of their communes' successors, most communes first; a
    # district without communes (the island districts) follows its old province into the new one.
    province_of = {w: p for (p, _n), found in ours.items() for w, _n2 in found}
    old_to_new_province = {old: new_province[new] for new, olds in converter["DICT_PROVINCE"].items() for old in olds}
    for code, communes in communes_of.items():
        tally = collections.Counter(province_of[s] for c in communes for s in successors.get(c, [])[:1])
        if not tally:
            province = next(u[3] for u in units if u[0] == code)
            pkey = next(k for k, v in old_province_key.items() if v == province)
            tally[old_to_new_province[pkey]] = 1
        successors[code] = [p for p, _n in sorted(tally.items(), key=lambda item: (-item[1], item[0]))]
    if problems:
        raise UnitLoadError("vietnamadminunits cannot be joined to vietnam-provinces:\n" + "\n".join(problems))
    return LegacyData(units=units, successors=successors, codes_disagree=sorted(codes_disagree))
