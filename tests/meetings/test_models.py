"""The conferences register's model: the rules the database holds, and which conferences count."""
import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from meetings.models import Conference
from tests.factories import ConferenceFactory


def test_database_refuses_an_approved_exception_without_reference(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        ConferenceFactory(unit=tree["01"], scope="all_leaders", exception_approved=True, exception_ref="")


def test_database_accepts_an_approved_exception_with_reference(tree):
    ConferenceFactory(unit=tree["01"], scope="all_leaders", exception_approved=True, exception_ref="45-QĐ/TU")
    assert Conference.objects.filter(exception_ref="45-QĐ/TU").count() == 1


@pytest.mark.parametrize("duration", [Decimal("0"), Decimal("-1")])
def test_database_refuses_a_duration_that_is_not_positive(tree, duration):
    with pytest.raises(IntegrityError), transaction.atomic():
        ConferenceFactory(unit=tree["01"], duration_days=duration)


@pytest.mark.parametrize("field", ["participants", "budget_allocated", "budget_spent", "opening_speech_min"])
def test_database_refuses_negative_figures(tree, field):
    with pytest.raises(IntegrityError), transaction.atomic():
        ConferenceFactory(unit=tree["01"], **{field: -1})


def test_regular_sessions_are_recorded_but_not_countable(tree):
    session = ConferenceFactory(unit=tree["01"], is_regular_session=True, title="Kỳ họp thứ 3 HĐND")
    ordinary = ConferenceFactory(unit=tree["01"])
    assert set(Conference.objects.all()) == {session, ordinary}
    assert list(Conference.objects.countable()) == [ordinary]


def test_in_year_keeps_the_conferences_of_that_calendar_year(tree):
    last_day = ConferenceFactory(unit=tree["01"], held_on=datetime.date(2024, 12, 31))
    first_day = ConferenceFactory(unit=tree["01"], held_on=datetime.date(2025, 1, 1))
    assert list(Conference.objects.in_year(2024)) == [last_day]
    assert list(Conference.objects.in_year(2025)) == [first_day]
