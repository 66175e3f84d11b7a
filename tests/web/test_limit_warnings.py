"""Warnings at entry: a conference over its duration, speech, budget or all-leaders cap limit is saved with a warning
that names the limit, and its page flags it. The limits are the thresholds in force in the conference's year (data an
administrator edits), never figures in code."""
from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from meetings.models import Conference
from reform.models import Target, TargetThreshold, UnitSuccession
from tests.factories import ConferenceFactory, UnitFactory
from tests.web.test_pages import conference_post

pytestmark = pytest.mark.django_db
DAY = datetime.date(2025, 6, 3)  # thresholds are seeded from 2025


def save(client, unit, **values):
    """Post the form; the conference is saved (a redirect to its page), with the messages that page shows."""
    response = client.post(reverse("meetings:conference_create"), conference_post(unit, held_on=DAY.isoformat(), **values),
                           follow=True)
    assert response.redirect_chain, response.context["form"].errors
    conference = Conference.objects.latest("id")
    assert response.redirect_chain == [(reverse("meetings:conference_detail", args=[conference.pk]), 302)]
    return conference, shown(response, "warning")


def shown(response, level: str) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == level]


def flagged(client, conference) -> str:
    html = client.get(reverse("meetings:conference_detail", args=[conference.pk])).content.decode()
    if 'id="breaches"' not in html:
        return ""
    start = html.index('id="breaches"')
    return html[start:html.index("</section>", start)]


def names(text: str, code: str) -> bool:
    """The warning names the target by its (Vietnamese) name, never by its code."""
    return Target.objects.get(code=code).name_vi in text and code not in text


def threshold(code: str, year: int = 2025) -> TargetThreshold:
    return TargetThreshold.objects.filter(target_id=code, applies_from__lte=year).order_by("-applies_from").first()


def test_a_dissemination_conference_longer_than_its_limit_is_saved_with_a_warning_naming_the_limit(hn_client, tree):
    conference, warnings = save(hn_client, tree["01"], duration_days="1", category="dissemination")
    assert Conference.objects.filter(pk=conference.pk).exists()
    assert len(warnings) == 1
    # Vietnamese by default: the target, its clause, the limit of the category (0.5 day) and the recorded figure
    assert names(warnings[0], "CONFERENCE_DURATION") and "2.2" in warnings[0]
    assert "0,5" in warnings[0] and "Quán triệt" in warnings[0]
    flag = flagged(hn_client, conference)
    assert 'data-target="CONFERENCE_DURATION"' in flag and "0,5" in flag


def test_the_limit_is_read_from_the_thresholds_not_from_the_code(hn_client, tree):
    row = threshold("CONFERENCE_DURATION")
    row.parameters = {"max_days": {**row.parameters["max_days"], "dissemination": "2"}}
    row.save()
    conference, warnings = save(hn_client, tree["01"], duration_days="1", category="dissemination")
    assert warnings == [] and flagged(hn_client, conference) == ""
    row.parameters = {"max_days": {**row.parameters["max_days"], "dissemination": "0.75"}}
    row.save()
    conference, warnings = save(hn_client, tree["01"], duration_days="1", category="dissemination")
    assert len(warnings) == 1 and "0,75" in warnings[0]


def test_a_year_before_any_threshold_gets_no_warning(hn_client, tree):
    response = hn_client.post(reverse("meetings:conference_create"), conference_post(
        tree["01"], held_on="2024-05-02", duration_days="3", opening_speech_min="40"), follow=True)
    assert response.redirect_chain and shown(response, "success") and shown(response, "warning") == []


def test_speeches_over_their_limits_are_named_each_with_its_limit(hn_client, tree):
    conference, warnings = save(hn_client, tree["01"], opening_speech_min="15", closing_speeches_min="50",
                                longest_presentation_min="12")
    assert len(warnings) == 1 and names(warnings[0], "SPEECH_LIMITS")
    opening = threshold("SPEECH_LIMITS").parameters["opening_max_min"]
    assert "15" in warnings[0] and str(opening) in warnings[0] and "12" in warnings[0]
    assert "50" not in warnings[0]  # exactly the limit of the closing speeches is within it
    assert 'data-target="SPEECH_LIMITS"' in flagged(hn_client, conference)


def test_spending_over_the_allocated_budget_is_a_warning(hn_client, tree):
    conference, warnings = save(hn_client, tree["01"], budget_allocated="5000000", budget_spent="6500000")
    assert len(warnings) == 1 and names(warnings[0], "CONFERENCE_BUDGET")
    assert "6.500.000" in warnings[0] and "5.000.000" in warnings[0]
    _conference, within = save(hn_client, tree["01"], budget_allocated="5000000", budget_spent="5000000")
    assert within == []


def test_the_province_wide_conference_over_the_cap_is_a_warning_and_an_exception_is_not(hn_client, tree):
    cap = int(threshold("PROVINCE_WIDE_CAP").threshold)
    for _ in range(cap):
        _conference, warnings = save(hn_client, tree["01"], scope="all_leaders")
        assert warnings == []
    ConferenceFactory(unit=tree["01"], held_on=DAY, scope="all_leaders", is_regular_session=True)  # not countable
    _conference, warnings = save(hn_client, tree["01"], scope="all_leaders", exception_approved="on",
                                 exception_ref="12-QĐ/TU")
    assert warnings == []
    conference, warnings = save(hn_client, tree["01"], scope="all_leaders")
    assert len(warnings) == 1 and names(warnings[0], "PROVINCE_WIDE_CAP")
    assert f"{cap + 1} " in warnings[0] and f" {cap} " in warnings[0]
    assert 'data-target="PROVINCE_WIDE_CAP"' in flagged(hn_client, conference)
    # the cap is data: raised by an administrator, the same conference is within it
    TargetThreshold.objects.filter(pk=threshold("PROVINCE_WIDE_CAP").pk).update(threshold=cap + 1)
    assert flagged(hn_client, conference) == ""


def test_a_commune_counts_against_the_commune_wide_cap_and_an_agency_against_none(hn_client, tree):
    cap = int(threshold("COMMUNE_WIDE_CAP").threshold)
    ConferenceFactory.create_batch(cap, unit=tree["00070"], held_on=DAY, scope="all_leaders")
    _conference, warnings = save(hn_client, tree["00070"], scope="all_leaders")
    assert len(warnings) == 1 and names(warnings[0], "COMMUNE_WIDE_CAP") and tree["00070"].name in warnings[0]
    ConferenceFactory.create_batch(5, unit=tree["01-VP"], held_on=DAY, scope="all_leaders")
    _conference, warnings = save(hn_client, tree["01-VP"], scope="all_leaders")
    assert warnings == []


def test_a_legacy_commune_s_conferences_count_in_its_successor_s_cap(hn_client, tree):
    end = datetime.date(2025, 6, 30)
    legacy = UnitFactory(code="L00016", name="Phường Phúc Xá", parent=tree["01"], valid_until=end)
    UnitSuccession.objects.create(predecessor=legacy, successor=tree["00070"], order=0)
    cap = int(threshold("COMMUNE_WIDE_CAP").threshold)
    ConferenceFactory.create_batch(cap, unit=legacy, held_on=DAY, scope="all_leaders")
    _conference, warnings = save(hn_client, tree["00070"], scope="all_leaders")
    assert len(warnings) == 1 and names(warnings[0], "COMMUNE_WIDE_CAP")
    _conference, warnings = save(hn_client, legacy, scope="all_leaders")
    assert len(warnings) == 1 and tree["00070"].name in warnings[0]


def test_a_regular_session_counts_in_no_target_and_gets_no_warning(hn_client, tree):
    conference, warnings = save(hn_client, tree["01"], is_regular_session="on", duration_days="3",
                                opening_speech_min="30", budget_allocated="1", budget_spent="2")
    assert warnings == [] and flagged(hn_client, conference) == ""


def test_a_conference_within_every_limit_has_no_warning_and_no_flag(hn_client, tree):
    conference, warnings = save(hn_client, tree["01"], duration_days="0.5", opening_speech_min="10",
                                budget_allocated="100", budget_spent="90")
    assert warnings == [] and flagged(hn_client, conference) == ""


def test_an_edit_that_goes_over_a_limit_warns_too_and_the_warning_follows_the_saved_message(hn_client, tree):
    conference, _warnings = save(hn_client, tree["01"])
    response = hn_client.post(reverse("meetings:conference_update", args=[conference.pk]),
                              conference_post(tree["01"], held_on=DAY.isoformat(), category="important",
                                              duration_days="2"), follow=True)
    messages = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert [level for level, _text in messages] == ["success", "warning"]
    assert names(messages[1][1], "CONFERENCE_DURATION") and "1,5" in messages[1][1]


def test_the_warning_reads_in_english_too(hn_client, tree):
    hn_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    _conference, warnings = save(hn_client, tree["01"], duration_days="1", category="dissemination")
    assert warnings == [
        "Over a limit (clause 2.2, Conference length by category: dissemination, professional, "
        "important discussion): a conference of the category “Dissemination” lasts at most 0.5 day(s); this one "
        "lasted 1."]
