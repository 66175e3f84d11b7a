"""Core models: units, users and their roles, and the one scoping mechanism (visible_to / editable_by)."""
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from documents.models import Document
from meetings.models import Conference
from reform.models import Unit, User
from tests.factories import ConferenceFactory, DocumentFactory, UnitFactory, UserFactory


def test_unit_code_cannot_contain_a_slash(tree):
    unit = Unit(code="01/X", name="Bad", level="provincial", kind="agency", parent=tree["01"])
    with pytest.raises(ValidationError) as caught:
        unit.full_clean()
    assert "code" in caught.value.message_dict


def test_unit_cannot_be_placed_under_its_own_subtree(tree):
    province = tree["01"]
    province.parent = tree["00070"]
    with pytest.raises(ValidationError) as caught:
        province.full_clean()
    assert "parent" in caught.value.message_dict


def test_unit_path_and_depth_follow_the_tree(tree):
    assert (tree["TW"].path, tree["TW"].depth) == ("/TW/", 0)
    assert (tree["00070"].path, tree["00070"].depth) == ("/TW/01/00070/", 2)
    assert tree["00070"].province_code == "01"
    assert tree["TW"].province_code is None
    assert tree["01"].is_ancestor_of(tree["00070"]) and not tree["79"].is_ancestor_of(tree["00070"])


def test_entry_officer_without_unit_is_invalid(db):
    with pytest.raises(ValidationError) as caught:
        User(username="x", role="entry", unit=None).full_clean(exclude=["password"])
    assert "unit" in caught.value.message_dict


def test_database_refuses_an_entry_officer_without_unit(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="x", role="entry", unit=None)


def test_reviewers_and_administrators_need_no_unit(db):
    User.objects.create(username="r", role="reviewer")
    User.objects.create(username="a", role="admin")
    assert User.objects.count() == 2


def test_role_properties(tree, officer_hn, reviewer, administrator):
    assert officer_hn.is_entry_officer and not officer_hn.sees_everything
    assert reviewer.is_reviewer and reviewer.sees_everything and not reviewer.is_administrator
    assert administrator.is_administrator and administrator.sees_everything and not administrator.is_entry_officer


@pytest.fixture
def records(tree):
    return {code: (DocumentFactory(unit=tree[code]), ConferenceFactory(unit=tree[code]))
            for code in ("01", "00070", "01-VP", "79", "26734")}


@pytest.mark.parametrize("model", [Document, Conference])
def test_entry_officer_sees_and_edits_only_their_subtree(records, officer_hn, model):
    index = 0 if model is Document else 1
    expected = {records[code][index].pk for code in ("01", "00070", "01-VP")}
    assert set(model.objects.visible_to(officer_hn).values_list("pk", flat=True)) == expected
    assert set(model.objects.editable_by(officer_hn).values_list("pk", flat=True)) == expected


def test_commune_officer_sees_only_their_commune(records, officer_commune):
    assert list(Document.objects.visible_to(officer_commune)) == [records["00070"][0]]


def test_reviewer_sees_everything_and_edits_nothing(records, reviewer):
    assert Document.objects.visible_to(reviewer).count() == 5
    assert Document.objects.editable_by(reviewer).count() == 0
    assert Unit.objects.editable_by(reviewer).count() == 0


def test_administrator_sees_and_edits_everything(records, administrator):
    assert Document.objects.visible_to(administrator).count() == 5
    assert Document.objects.editable_by(administrator).count() == 5


def test_anonymous_sees_nothing(records):
    assert Document.objects.visible_to(AnonymousUser()).count() == 0
    assert Document.objects.editable_by(AnonymousUser()).count() == 0


def test_unit_scoping_matches_record_scoping(tree, officer_hn):
    assert set(Unit.objects.visible_to(officer_hn).values_list("code", flat=True)) == {"01", "00070", "00004", "01-VP"}
    assert set(Unit.objects.editable_by(officer_hn).values_list("code", flat=True)) == {"01", "00070", "00004", "01-VP"}


def test_a_unit_whose_code_prefixes_another_does_not_leak_its_subtree(tree):
    # Paths end with "/", so unit "0" never matches "/TW/01/..." by prefix.
    stranger = UnitFactory(code="0", level="provincial", parent=tree["TW"])
    officer = UserFactory(username="officer-0", role="entry", unit=stranger)
    DocumentFactory(unit=tree["01"])
    assert Document.objects.visible_to(officer).count() == 0
