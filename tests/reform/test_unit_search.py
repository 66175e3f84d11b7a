"""Finding a unit as a person types it: folded names (no diacritics, no case), codes, ranking, and the scopes."""
from __future__ import annotations

import sqlite3
import unicodedata

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.utils import ConnectionHandler

from reform.models import Unit
from reform.unitsearch import (FOLD_FROM, Folded, fold, register_sqlite_functions, subtrees_q, unit_resolve, unit_scope,
                               unit_search, units_ranked)
from tests.factories import UnitFactory


def test_fold_drops_diacritics_case_and_extra_spaces():
    assert fold("  Phường  HOÀN Kiếm ") == "phuong hoan kiem"
    assert fold("Đà Nẵng") == fold("ĐÀ NẴNG") == fold("da nang") == "da nang"
    assert fold("Thừa Thiên Huế") == "thua thien hue"
    decomposed = unicodedata.normalize("NFD", "Quảng Ngãi")
    assert decomposed != "Quảng Ngãi" and fold(decomposed) == "quang ngai"


def test_every_vietnamese_letter_folds_to_an_ascii_letter():
    vietnamese = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
    for letter in vietnamese + vietnamese.upper():
        assert letter in FOLD_FROM or letter.isascii(), letter
        assert fold(letter).isascii() and fold(letter).isalpha() and fold(letter).islower(), letter


@pytest.mark.django_db
def test_sql_folding_on_postgresql_is_the_python_folding():
    name = "Xã " + FOLD_FROM + " ABC xyz"
    unit = UnitFactory(code="FOLD", name=name[:255])
    folded = Unit.objects.annotate(f=Folded("name")).values_list("f", flat=True).get(pk=unit.pk)
    assert folded == fold(unit.name) and connection.vendor == "postgresql"


def test_sql_folding_on_sqlite_uses_the_registered_python_function(django_db_blocker):
    """The demo runs on SQLite: the same query compiles to reform_fold(), which connection_created registers."""
    handler = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})
    sqlite = handler["default"]
    with django_db_blocker.unblock():
        with sqlite.schema_editor() as editor:
            editor.create_model(Unit)
        with sqlite.cursor() as cursor:
            cursor.execute("INSERT INTO reform_unit (code, name, level, kind, block, path, depth) VALUES "
                           "('00070', 'Phường Hoàn Kiếm', 'commune', 'locality', 'state', '/TW/01/00070/', 2), "
                           "('48', 'Thành phố Đà Nẵng', 'provincial', 'locality', 'state', '/TW/48/', 1)")
            query = units_ranked(Unit.objects.all(), "da nang").values_list("code", flat=True).query
            sql, params = query.get_compiler(connection=sqlite).as_sql()
            assert "reform_fold" in sql
            cursor.execute(sql, params)
            assert [row[0] for row in cursor.fetchall()] == ["48"]
        sqlite.close()


def test_the_sqlite_function_is_registered_only_on_sqlite():
    class FakeConnection:
        vendor = "sqlite"
        connection = sqlite3.connect(":memory:")

    register_sqlite_functions(sender=None, connection=FakeConnection())
    assert FakeConnection.connection.execute("SELECT reform_fold('Ủy ban Đà Nẵng')").fetchone() == ("uy ban da nang",)


@pytest.fixture
def units(tree):
    UnitFactory(code="00073", name="Phường Hoàn Kiếm Mới", level="commune", parent=tree["01"])
    UnitFactory(code="L00037", name="Phường Hàng Bạc", level="commune", parent=tree["01"],
                valid_until="2025-06-30")
    return tree


@pytest.mark.django_db
def test_search_ignores_diacritics_and_case_and_ranks_the_exact_name_first(units):
    codes = [u["code"] for u in unit_search(queryset=Unit.objects.all(), text="hoan kiem")["results"]]
    assert codes == ["00070", "00073"]
    assert [u["code"] for u in unit_search(queryset=Unit.objects.all(), text="HOÀN KIẾM MỚI")["results"]] == ["00073"]


@pytest.mark.django_db
def test_search_by_code_puts_the_exact_code_first(units):
    assert unit_search(queryset=Unit.objects.all(), text="00070")["results"][0]["code"] == "00070"
    assert [u["code"] for u in unit_search(queryset=Unit.objects.all(), text="0007")["results"]] == ["00070", "00073"]


@pytest.mark.django_db
def test_every_word_must_appear_in_the_name(units):
    assert [u["code"] for u in unit_search(queryset=Unit.objects.all(), text="phuong kiem moi")["results"]] == ["00073"]
    assert unit_search(queryset=Unit.objects.all(), text="phuong sai gon xyz")["results"] == []


@pytest.mark.django_db
def test_results_show_the_province_and_a_legacy_unit_s_end(units):
    results = {u["code"]: u for u in unit_search(queryset=Unit.objects.all(), text="phuong")["results"]}
    assert results["00070"]["label"] == "Phường Hoàn Kiếm (00070)"
    assert results["00070"]["detail"] == "Thành phố Hà Nội"
    assert results["26734"]["detail"] == "Thành phố Hồ Chí Minh"
    assert results["L00037"]["detail"].startswith("Thành phố Hà Nội · ") and "30/06/2025" in results["L00037"]["detail"]
    assert list(results).index("L00037") == len(results) - 1  # current units first
    province = unit_search(queryset=Unit.objects.all(), text="ha noi")["results"][0]
    assert (province["code"], province["detail"]) == ("01", "Cấp tỉnh")


@pytest.mark.django_db
def test_search_is_limited_and_says_there_are_more(units):
    answer = unit_search(queryset=Unit.objects.all(), text="phuong", limit=2)
    assert len(answer["results"]) == 2 and answer["more"] is True
    assert unit_search(queryset=Unit.objects.all(), text="hoan kiem", limit=2)["more"] is False


@pytest.mark.django_db
def test_search_runs_two_queries_whatever_it_finds(units, django_assert_num_queries):
    with django_assert_num_queries(2):  # the units, then their provinces' names
        unit_search(queryset=Unit.objects.all(), text="phuong")


@pytest.mark.django_db
def test_resolve_a_code_a_unique_name_an_exact_name_or_several(units):
    everything = Unit.objects.all()
    assert unit_resolve(everything, "00004")[0].code == "00004"
    assert unit_resolve(everything, "ba dinh")[0].code == "00004"
    assert unit_resolve(everything, "Hoàn Kiếm")[0].code == "00070"  # the exact name wins over "Hoàn Kiếm Mới"
    unit, candidates = unit_resolve(everything, "phuong")
    assert unit is None and len(candidates) > 2
    assert unit_resolve(everything, "nowhere") == (None, [])


@pytest.mark.django_db
def test_scopes_follow_what_the_user_may_see_and_edit(units, officer_hn, officer_commune, reviewer, administrator):
    assert "26734" not in set(unit_scope("visible", officer_hn).values_list("code", flat=True))
    assert set(unit_scope("editable", officer_commune).values_list("code", flat=True)) == {"00070"}
    assert not unit_scope("editable", reviewer).exists()
    assert unit_scope("editable", administrator).count() == Unit.objects.count()
    assert not unit_scope("visible", AnonymousUser()).exists()
    assert not unit_scope("no-such-scope", administrator).exists()


@pytest.mark.django_db
def test_subtree_q_keeps_the_outermost_units(units):
    condition = subtrees_q([units["01"], units["00070"], units["79"]], via="")
    codes = set(Unit.objects.filter(condition).values_list("code", flat=True))
    assert codes == {"01", "00070", "00004", "01-VP", "00073", "L00037", "79", "26734", "26740"}
    assert not Unit.objects.filter(subtrees_q([], via="")).exists()
