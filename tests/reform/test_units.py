"""The unit tree: materialized paths, subtree queries, and loading the real provinces and communes."""
import pytest
from django.core.management import call_command

from reform.models import Unit
from tests.factories import UnitFactory


@pytest.mark.django_db
def test_load_units_loads_34_provinces_and_3321_communes():
    call_command("load_units")
    assert Unit.objects.filter(code="TW", level="central", parent=None).exists()
    assert Unit.objects.filter(level="provincial").count() == 34
    assert Unit.objects.filter(level="commune").count() == 3321
    hanoi = Unit.objects.get(code="01")
    assert hanoi.name == "Thành phố Hà Nội"
    assert hanoi.path == "/TW/01/"
    assert Unit.objects.get(code="00070").parent == hanoi
    assert all(len(code) == 5 for code in Unit.objects.filter(level="commune").values_list("code", flat=True))


@pytest.mark.django_db
def test_load_units_twice_changes_nothing():
    call_command("load_units")
    before = list(Unit.objects.order_by("code").values_list("id", "code", "name", "path", "parent_id"))
    call_command("load_units")
    assert list(Unit.objects.order_by("code").values_list("id", "code", "name", "path", "parent_id")) == before


def test_subtree_is_the_unit_and_everything_below(tree):
    assert set(Unit.objects.subtree(tree["01"]).values_list("code", flat=True)) == {"01", "00070", "00004", "01-VP"}
    assert set(Unit.objects.subtree(tree["00070"]).values_list("code", flat=True)) == {"00070"}


def test_moving_a_unit_moves_its_subtree(tree):
    agency = tree["01-VP"]
    child = UnitFactory(code="01-VP-1", level="provincial", kind="agency", parent=agency)
    agency.parent = tree["79"]
    agency.save()
    child.refresh_from_db()
    assert child.path == "/TW/79/01-VP/01-VP-1/"
    assert child.depth == 3
    assert Unit.objects.subtree(tree["01"]).filter(pk=child.pk).count() == 0
