"""The unit tree: materialized paths, subtree queries, and loading the real provinces and communes."""
import pytest
from django.core.management import call_command

from reform.models import Unit
from tests.factories import UnitFactory


@pytest.mark.django_db
def test_load_units_loads_34_provinces_and_3321_communes():
    call_command("load_units")
    assert Unit.objects.filter(code="TW", level="central", parent=None).exists()
    assert Unit.objects.current().filter(level="provincial").count() == 34
    assert Unit.objects.current().filter(level="commune").count() == 3321
    hanoi = Unit.objects.get(code="01")
    assert hanoi.name == "Thành phố Hà Nội"
    assert hanoi.path == "/TW/01/"
    assert Unit.objects.get(code="00070").parent == hanoi
    assert all(len(code) == 5 for code in Unit.objects.current().filter(level="commune").values_list("code", flat=True))


@pytest.mark.django_db
def test_load_units_twice_changes_nothing():
    call_command("load_units")
    before = list(Unit.objects.order_by("code").values_list("id", "code", "name", "path", "parent_id"))
    call_command("load_units")
    assert list(Unit.objects.order_by("code").values_list("id", "code", "name", "path", "parent_id")) == before


def test_subtree_is_the_unit_and_everything_below(tree):
    assert set(Unit.objects.in_subtree(tree["01"]).values_list("code", flat=True)) == {"01", "00070", "00004", "01-VP"}
    assert set(Unit.objects.in_subtree(tree["00070"]).values_list("code", flat=True)) == {"00070"}


def test_moving_a_unit_moves_its_subtree(tree):
    agency = tree["01-VP"]
    child = UnitFactory(code="01-VP-1", level="provincial", kind="agency", parent=agency)
    agency.parent = tree["79"]
    agency.save()
    child.refresh_from_db()
    assert child.path == "/TW/79/01-VP/01-VP-1/"
    assert child.depth == 3
    assert Unit.objects.in_subtree(tree["01"]).filter(pk=child.pk).count() == 0


# ---------------------------------------------------------------------------------------------------------
# Legacy units and their lineage (vietnamadminunits 1.0.4), on the real package data
# ---------------------------------------------------------------------------------------------------------


def _successors(code: str) -> list[str]:
    from reform.models import UnitSuccession

    return list(UnitSuccession.objects.filter(predecessor__code=code).order_by("order")
                .values_list("successor__code", flat=True))


@pytest.mark.django_db
def test_load_units_loads_the_legacy_units_and_their_successors():
    import datetime

    call_command("load_units")
    current, legacy = Unit.objects.current(), Unit.objects.legacy()
    assert current.filter(level="provincial").count() == 34
    assert current.filter(level="commune").count() == 3321
    assert current.count() == 3356
    assert legacy.filter(level="provincial").count() == 63
    assert legacy.filter(level="district").count() == 696
    assert legacy.filter(level="commune").count() == 10035
    assert set(legacy.values_list("valid_until", flat=True)) == {datetime.date(2025, 6, 30)}
    hai_duong = Unit.objects.get(code="L30")
    assert hai_duong.name == "Tỉnh Hải Dương" and hai_duong.path == "/TW/L30/"
    assert Unit.objects.get(code="L288").parent == hai_duong
    assert Unit.objects.get(code="L00013").name == "Phường Quán Thánh"
    # Hải Dương and the old Hải Phòng both became Hải Phòng; Trúc Bạch (old 00004) and Quán Thánh became Ba Đình.
    assert _successors("L30") == ["31"] and _successors("L31") == ["31"]
    assert set(Unit.objects.filter(successions__successor__code="00004").values_list("code", flat=True)) >= {
        "L00004", "L00013"}
    assert _successors("L288") == ["31"]  # a district's successor is a province
    assert _successors("L318") == ["31"]  # Bạch Long Vĩ, a district without communes, follows its province


@pytest.mark.django_db
def test_a_divided_commune_lists_its_default_successor_first():
    from reform.models import UnitSuccession
    from reform.units import legacy_data

    call_command("load_units")
    divided = [code for code, codes in legacy_data().successors.items() if len(codes) > 1 and code.startswith("L") and len(code) == 6]
    assert len(divided) == 471
    # Thạch Hòa (Thạch Thất, Hà Nội) was divided; the package names Hòa Lạc its default successor.
    converter_default = UnitSuccession.objects.filter(predecessor__code=divided[0], order=0).get()
    assert converter_default.successor.code == legacy_data().successors[divided[0]][0]
    assert UnitSuccession.objects.filter(predecessor__code=divided[0]).count() > 1


@pytest.mark.django_db
def test_load_units_with_legacy_units_twice_changes_nothing():
    from reform.models import UnitSuccession

    call_command("load_units")
    before = list(UnitSuccession.objects.order_by("id").values_list("id", "predecessor_id", "successor_id", "order"))
    units = list(Unit.objects.order_by("id").values_list("id", "code", "name", "path", "valid_until"))
    call_command("load_units")
    assert list(UnitSuccession.objects.order_by("id").values_list("id", "predecessor_id", "successor_id", "order")) == before
    assert list(Unit.objects.order_by("id").values_list("id", "code", "name", "path", "valid_until")) == units


@pytest.mark.django_db
def test_load_units_keeps_an_administrators_correction(client):
    from reform.models import UnitSuccession
    from tests.factories import UserFactory

    call_command("load_units")
    admin = UserFactory(username="lineage-admin", role="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    row = UnitSuccession.objects.get(predecessor__code="L00013")
    other = Unit.objects.get(code="00008")
    response = client.post(f"/admin/reform/unitsuccession/{row.pk}/change/", {
        "predecessor": row.predecessor_id, "successor": other.pk, "order": 0})
    assert response.status_code == 302, response.content[:2000]
    row.refresh_from_db()
    assert row.successor == other and row.corrected
    assert row.history.latest().successor_id == other.pk  # the correction is in the history
    call_command("load_units")
    assert _successors("L00013") == ["00008"]


def test_the_two_packages_disagree_on_123_commune_codes():
    """Matched by province and name (never by code), 123 current communes carry another code in vietnamadminunits;
    the README lists them."""
    from pathlib import Path

    from reform.units import legacy_data

    disagree = legacy_data().codes_disagree
    assert len(disagree) == 123
    assert ("04", "Xã Lý Quốc", "01558", "01537") in disagree
    assert ("01", "Phường Văn Miếu - Quốc Tử Giám", "00196", "00226") in disagree
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for _province, _name, ours, theirs in disagree:
        assert f"| {ours} | {theirs} |" in readme


def test_names_match_whatever_the_tone_mark_placement_case_apostrophes_and_hyphen_spacing():
    from reform.units import name_key

    assert name_key("Xã Hoà Phú") == name_key("Xã Hòa Phú")
    assert name_key("Xã Ea H'Leo") == name_key("xã Ea HLeo")
    assert name_key("Xã Chân Mây - Lăng Cô") == name_key("Xã Chân Mây – Lăng Cô") == name_key("Xã Chân Mây-Lăng Cô")
    assert name_key("Xã Văn Lang") != name_key("Xã Văn Lăng")  # a letter's own diacritic is kept


def test_the_load_fails_loudly_on_a_commune_it_cannot_resolve(tmp_path):
    import json
    import shutil

    from reform.units import UnitLoadError, legacy_data, package_folder

    folder = tmp_path / "data"
    shutil.copytree(package_folder(), folder)
    converter = json.loads((folder / "converter_2025.json").read_text(encoding="utf-8"))
    converter["DICT_PROVINCE_WARD_NO_DIVIDED"]["thanhphohanoi"]["phuongbadinh"].append("thanhphohanoi_x_nowhere")
    (folder / "converter_2025.json").write_text(json.dumps(converter), encoding="utf-8")
    with pytest.raises(UnitLoadError, match="thanhphohanoi_x_nowhere"):
        legacy_data(folder)
