"""Finding a unit by name or code, as a person types it: the unit pickers, the list filters, the admin and the API.

Names are compared folded: without diacritics or case, so "hoan kiem", "Hoàn Kiếm" and "HOAN KIEM" all find
Phường Hoàn Kiếm, and "da nang" finds Đà Nẵng. The folding is done in SQL (`Folded`: TRANSLATE and LOWER on
PostgreSQL, the same Python function registered on SQLite), so a search is one query, ranked and limited there.

What a picker may offer is a named *scope* (`unit_scope`): the form that shows a picker and the search
endpoint that feeds it take their units from the same function, so the endpoint offers exactly what the form
accepts, and nothing the user may not see.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Case, F, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from . import formatting
from .models import Unit
from .querysets import subtree_q

if TYPE_CHECKING:
    from .models import User

SEARCH_LIMIT = 20


# --- folding --------------------------------------------------------------------------------------------------

def _fold_pairs() -> tuple[str, str]:
    """Every precomposed Latin letter with a diacritic (Vietnamese: U+00C0–U+024F and U+1E00–U+1EFF) mapped to its
    lower-case ASCII base letter; Đ and đ, which do not decompose, to d."""
    source, target = ["Đ", "đ"], ["d", "d"]
    for codepoint in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        char = chr(codepoint)
        base = unicodedata.normalize("NFD", char)[0]
        if base != char and base.isascii() and base.isalpha():
            source.append(char)
            target.append(base.lower())
    return "".join(source), "".join(target)


FOLD_FROM, FOLD_TO = _fold_pairs()
_FOLD_TABLE = str.maketrans(FOLD_FROM, FOLD_TO)


def fold(text: str | None) -> str:
    """"  Phường  HOÀN Kiếm " -> "phuong hoan kiem": NFC, diacritics and case dropped, spaces collapsed."""
    text = unicodedata.normalize("NFC", str(text or "")).translate(_FOLD_TABLE).lower()
    text = "".join(char for char in unicodedata.normalize("NFD", text) if not unicodedata.combining(char))
    return " ".join(text.split())


class Folded(Func):
    """`fold()` of a text column, in SQL: LOWER(TRANSLATE(col, 'Àà…Đđ', 'aa…dd')) on PostgreSQL (plain SQL, no
    extension), the registered `reform_fold` function on SQLite (`register_sqlite_functions`)."""

    arity = 1
    output_field = models.CharField()

    def as_sql(self, compiler, connection, **extra_context):
        translated = Func(self.source_expressions[0], Value(FOLD_FROM), Value(FOLD_TO), function="TRANSLATE",
                          output_field=models.CharField())
        return compiler.compile(Lower(translated))

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="reform_fold", **extra_context)


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: SQLite learns `reform_fold` (PostgreSQL needs nothing)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("reform_fold", 1, lambda text: None if text is None else fold(text),
                                              deterministic=True)


# --- scopes ---------------------------------------------------------------------------------------------------

ScopeFunction = Callable[["User"], QuerySet]
_SCOPES: dict[str, ScopeFunction] = {
    # The units a record may belong to: an officer's subtree and the legacy units it succeeds (RecordForm).
    "editable": lambda user: Unit.objects.editable_by(user),
    # The units a user may look at (the list filters).
    "visible": lambda user: Unit.objects.visible_to(user),
}


def unit_scope_register(name: str, function: ScopeFunction) -> None:
    """Another app's picker (e.g. the report archive's) names its own set of units."""
    _SCOPES[name] = function


def scope_names() -> set[str]:
    return set(_SCOPES)


def unit_scope(name: str, user: "User") -> QuerySet:
    """The units scope `name` offers `user` (none to an anonymous user or for an unknown scope)."""
    if name not in _SCOPES or user is None or not user.is_authenticated:
        return Unit.objects.none()
    return _SCOPES[name](user)


# --- matching and ranking -------------------------------------------------------------------------------------

def units_matching(queryset: QuerySet, text: str) -> QuerySet:
    """The units of `queryset` whose folded name contains every word of `text`, or whose code contains it."""
    words = fold(text).split()
    if not words:
        return queryset
    name_has_all = Q()
    for word in words:
        name_has_all &= Q(search_name__contains=word)
    return queryset.annotate(search_name=Folded("name")).filter(name_has_all | Q(code__icontains=text.strip()))


def units_ranked(queryset: QuerySet, text: str) -> QuerySet:
    """`units_matching`, best first: the exact code, the exact name (with or without "Phường", "Xã", "Tỉnh"...),
    codes starting with the text, names starting with it, then the rest; current units before legacy ones,
    higher levels first."""
    text = (text or "").strip()
    folded = fold(text)
    queryset = units_matching(queryset, text)
    if not folded:
        return queryset.order_by(F("valid_until").asc(nulls_first=True), "depth", "path")
    rank = Case(
        When(code__iexact=text, then=Value(0)),
        When(Q(search_name=folded) | Q(search_name__endswith=f" {folded}"), then=Value(1)),
        When(code__istartswith=text, then=Value(2)),
        When(Q(search_name__startswith=folded) | Q(search_name__contains=f" {folded}"), then=Value(3)),
        default=Value(4), output_field=IntegerField(),
    )
    return queryset.annotate(rank=rank).order_by("rank", F("valid_until").asc(nulls_first=True), "depth", "name", "code")


def _province_names(units: list[Unit]) -> dict[str, str]:
    codes = {unit.province_code for unit in units} - {None}
    return dict(Unit.objects.filter(code__in=codes, depth=1).values_list("code", "name"))


def unit_option(unit: Unit, provinces: dict[str, str]) -> dict:
    """What a picker shows of a unit: "Phường Hoàn Kiếm (00070)" and "Thành phố Hà Nội", or the level."""
    province = unit.province_code
    parts = [provinces.get(province, "")] if province and province != unit.code else [unit.get_level_display()]
    if unit.valid_until:
        parts.append(_("until %(date)s") % {"date": formatting.date(unit.valid_until)})
    return {"id": unit.pk, "code": unit.code, "name": unit.name, "label": f"{unit.name} ({unit.code})",
            "detail": " · ".join(part for part in parts if part)}


def unit_options(units: list[Unit]) -> list[dict]:
    provinces = _province_names(units)
    return [unit_option(unit, provinces) for unit in units]


def unit_search(*, queryset: QuerySet, text: str, limit: int = SEARCH_LIMIT) -> dict:
    """Up to `limit` units of `queryset` for `text`, best first, with whether there are more (two queries)."""
    units = list(units_ranked(queryset, text).only("id", "code", "name", "level", "path", "depth", "valid_until")
                 [:limit + 1])
    return {"results": unit_options(units[:limit]), "more": len(units) > limit}


def unit_resolve(queryset: QuerySet, text: str) -> tuple[Unit | None, list[Unit]]:
    """The one unit of `queryset` that `text` names (its code, or a name matching it alone), else (None, the
    candidates, best first: none, or several the person has to choose between)."""
    text = (text or "").strip()
    if not text:
        return None, []
    by_code = queryset.filter(code__iexact=text).first()
    if by_code is not None:
        return by_code, []
    candidates = list(units_ranked(queryset, text)[:SEARCH_LIMIT + 1])
    if len(candidates) == 1:
        return candidates[0], []
    exact = [unit for unit in candidates if getattr(unit, "rank", 4) <= 1]
    if len(exact) == 1:
        return exact[0], []
    return None, candidates


def subtrees_q(units: list[Unit], *, via: str = "unit") -> Q:
    """Rows of any of `units`' subtrees (nested units are dropped: their subtree is already in); `via` as for
    reform.querysets.subtree_q ("" for units themselves)."""
    paths = sorted(unit.path for unit in units)
    kept: list[str] = []
    for path in paths:
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    condition = Q(pk__in=[])
    for path in kept:
        condition |= subtree_q(path, via=via)
    return condition

