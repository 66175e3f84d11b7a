"""Log in and out, the home page, and entering records through the web forms."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.models import DigitizationReport, Document
from meetings.models import Conference
from tests.factories import PASSWORD, ConferenceFactory, DocumentFactory


def document_post(unit, **overrides):
    data = {
        "unit": unit.pk, "number": "15/QĐ-UBND", "doc_type": "QĐ", "title": "Quyết định về cải cách",
        "issued_on": "2025-05-02", "is_digitized": "on", "sent_electronically": "on",
    }
    data.update(overrides)
    return data


def conference_post(unit, **overrides):
    data = {
        "unit": unit.pk, "title": "Hội nghị quán triệt Kết luận 226", "held_on": "2025-06-03", "duration_days": "0.5",
        "format": "online", "category": "dissemination", "scope": "specialized",
    }
    data.update(overrides)
    return data


def test_login_page_then_login_and_logout(client, officer_hn):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
    response = client.post(reverse("login"), {"username": officer_hn.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "Thành phố Hà Nội" in home.content.decode()
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302  # back to the login page


def test_wrong_password_is_refused(client, officer_hn):
    response = client.post(reverse("login"), {"username": officer_hn.username, "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_anonymous_users_are_sent_to_login_from_every_register(client, tree):
    for name in ("home", "documents:document_list", "meetings:conference_list", "documents:digitization_list",
                 "documents:document_create"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name


def test_home_counts_the_officers_records_of_this_year(hn_client, tree):
    today = timezone.localdate()
    DocumentFactory(unit=tree["01"], issued_on=today)
    DocumentFactory(unit=tree["00070"], issued_on=today)
    DocumentFactory(unit=tree["79"], issued_on=today)  # another province: not counted
    DocumentFactory(unit=tree["01"], issued_on=datetime.date(today.year - 1, 5, 5))  # last year
    ConferenceFactory(unit=tree["01"], held_on=today)
    response = hn_client.get(reverse("home"))
    assert response.context["document_count"] == 2
    assert response.context["conference_count"] == 1
    assert 'id="document-count">2<' in response.content.decode()


def test_base_layout_shows_user_role_unit_navigation_and_language_switch(hn_client, officer_hn):
    html = hn_client.get(reverse("home")).content.decode()
    assert officer_hn.username in html
    assert "Thành phố Hà Nội" in html
    assert 'action="/i18n/setlang/"' in html
    assert 'action="/logout/"' in html
    for href in ('href="/documents/"', 'href="/conferences/"', 'href="/documents/digitization/"', 'href="/reports/"',
                 'href="/dashboard/"'):  # an officer's dashboard item opens their own unit
        assert href in html
    assert "//cdn" not in html and "https://" not in html  # nothing loaded from the internet


def test_reviewer_home_links_to_the_dashboard(reviewer_client):
    html = reviewer_client.get(reverse("home")).content.decode()
    assert 'href="/dashboard/"' in html


def test_officer_adds_a_document_through_the_form_and_sees_it_listed(hn_client, tree, officer_hn):
    form = hn_client.get(reverse("documents:document_create"))
    assert form.status_code == 200
    assert 'type="date"' in form.content.decode()
    assert form.context["form"].initial["unit"] == tree["01"].pk
    response = hn_client.post(reverse("documents:document_create"), document_post(tree["01"]))
    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("documents:document_detail", args=[document.pk])
    assert (document.unit, document.number, document.year, document.doc_type_id) == (tree["01"], "15/QĐ-UBND", 2025, "QĐ")
    assert document.history.get().history_user == officer_hn
    listing = hn_client.get(reverse("documents:document_list")).content.decode()
    assert "15/QĐ-UBND" in listing


def test_a_symbol_that_does_not_parse_is_saved_with_a_warning(hn_client, tree):
    response = hn_client.post(reverse("documents:document_create"), document_post(tree["01"], number="số 15 ngày 2/5"),
                              follow=True)
    document = Document.objects.get()
    assert document.needs_review
    messages = [str(m) for m in response.context["messages"]]
    assert any("số 15 ngày 2/5" in m for m in messages)


def _errors(response, field):
    return response.context["form"].errors.get(field, [])


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"issued_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()}, "issued_on"),
        ({"number": "226-KL/TW", "doc_type": "QĐ"}, "number"),  # the symbol says KL, the type says QĐ
        ({"number": "12/2024/QĐ-UBND"}, "number"),  # the symbol's year contradicts the issue date (2025)
        ({"title": ""}, "title"),
    ],
)
def test_document_form_shows_field_errors_and_writes_nothing(hn_client, tree, overrides, field):
    response = hn_client.post(reverse("documents:document_create"), document_post(tree["01"], **overrides))
    assert response.status_code == 200
    assert _errors(response, field), response.context["form"].errors
    assert Document.objects.count() == 0
    assert "errorlist" in response.content.decode()


def test_duplicate_document_number_is_a_field_error(hn_client, tree):
    DocumentFactory(unit=tree["01"], number="15/QĐ-UBND", issued_on=datetime.date(2025, 1, 2))
    response = hn_client.post(reverse("documents:document_create"), document_post(tree["01"]))
    assert response.status_code == 200
    assert _errors(response, "number")
    assert Document.objects.count() == 1


def test_conference_exception_without_reference_is_a_field_error(hn_client, tree):
    response = hn_client.post(reverse("meetings:conference_create"),
                              conference_post(tree["01"], scope="all_leaders", exception_approved="on", exception_ref=" "))
    assert response.status_code == 200
    assert _errors(response, "exception_ref")
    assert Conference.objects.count() == 0


def test_conference_of_zero_days_or_in_the_future_is_refused(hn_client, tree):
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = hn_client.post(reverse("meetings:conference_create"),
                              conference_post(tree["01"], duration_days="0", held_on=future))
    assert _errors(response, "duration_days") and _errors(response, "held_on")
    assert Conference.objects.count() == 0


def test_officer_adds_a_conference(hn_client, tree):
    response = hn_client.post(reverse("meetings:conference_create"),
                              conference_post(tree["00070"], exception_approved="on", exception_ref="12-QĐ/TU",
                                              budget_allocated="5000000", budget_spent="4500000"))
    conference = Conference.objects.get()
    assert response.status_code == 302
    assert conference.unit == tree["00070"] and conference.exception_ref == "12-QĐ/TU"


def test_digital_above_total_is_a_field_error(hn_client, tree):
    data = {"unit": tree["01"].pk, "year": 2025, "quarter": 1, "procedures_total": 10, "procedures_digital": 11}
    response = hn_client.post(reverse("documents:digitization_create"), data)
    assert response.status_code == 200
    assert _errors(response, "procedures_digital")
    assert DigitizationReport.objects.count() == 0


def test_officer_adds_then_edits_a_digitization_report(hn_client, tree):
    data = {"unit": tree["01"].pk, "year": 2025, "quarter": 2, "procedures_total": 100, "procedures_digital": 90}
    assert hn_client.post(reverse("documents:digitization_create"), data).status_code == 302
    report = DigitizationReport.objects.get()
    data["procedures_digital"] = 97
    response = hn_client.post(reverse("documents:digitization_update", args=[report.pk]), data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.procedures_digital == 97


def test_officer_edits_a_document_and_the_error_keeps_the_old_values(hn_client, tree):
    document = DocumentFactory(unit=tree["01"], number="1/QĐ-UBND", issued_on=datetime.date(2025, 2, 2))
    url = reverse("documents:document_update", args=[document.pk])
    page = hn_client.get(url)
    assert page.status_code == 200 and 'value="2025-02-02"' in page.content.decode()
    response = hn_client.post(url, document_post(tree["01"], number="1/QĐ-UBND", title="Tiêu đề mới",
                                                 issued_on="2025-02-02"))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.title == "Tiêu đề mới"
    response = hn_client.post(url, document_post(tree["01"], number="1-NQ/TU", issued_on="2025-02-02"))
    assert response.status_code == 200 and _errors(response, "number")
    document.refresh_from_db()
    assert document.number == "1/QĐ-UBND"


def test_officer_deletes_after_confirmation(hn_client, tree):
    document = DocumentFactory(unit=tree["01"])
    url = reverse("documents:document_delete", args=[document.pk])
    confirm = hn_client.get(url)
    assert confirm.status_code == 200 and document.number in confirm.content.decode()
    assert Document.objects.filter(pk=document.pk).exists()
    response = hn_client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("documents:document_list")
    assert not Document.objects.filter(pk=document.pk).exists()
    assert document.history.model.objects.filter(id=document.pk, history_type="-").exists()


def test_list_filters_by_year_type_and_search(hn_client, tree):
    DocumentFactory(unit=tree["01"], number="1/QĐ-UBND", title="Về chuyển đổi số", issued_on=datetime.date(2025, 3, 1))
    DocumentFactory(unit=tree["01"], number="2-NQ/TU", doc_type_id="NQ", title="Nghị quyết", issued_on=datetime.date(2025, 3, 1))
    DocumentFactory(unit=tree["01"], number="3/QĐ-UBND", title="Năm trước", issued_on=datetime.date(2024, 3, 1))
    numbers = lambda r: {d.number for d in r.context["object_list"]}  # noqa: E731
    url = reverse("documents:document_list")
    assert numbers(hn_client.get(url, {"year": 2025})) == {"1/QĐ-UBND", "2-NQ/TU"}
    assert numbers(hn_client.get(url, {"doc_type": "NQ"})) == {"2-NQ/TU"}
    assert numbers(hn_client.get(url, {"q": "chuyển đổi"})) == {"1/QĐ-UBND"}
    assert numbers(hn_client.get(url, {"sort": "number"})) == {"1/QĐ-UBND", "2-NQ/TU", "3/QĐ-UBND"}
    assert [d.number for d in hn_client.get(url, {"sort": "-number"}).context["object_list"]][0] == "3/QĐ-UBND"


def test_list_paginates(hn_client, tree):
    for i in range(30):
        DocumentFactory(unit=tree["01"], number=f"{i + 1}/QĐ-UBND")
    url = reverse("documents:document_list")
    first = hn_client.get(url)
    assert len(first.context["object_list"]) == 25 and first.context["paginator"].count == 30
    second = hn_client.get(url, {"page": 2})
    assert len(second.context["object_list"]) == 5


def test_conference_and_digitization_lists_filter_by_year(hn_client, tree):
    ConferenceFactory(unit=tree["01"], held_on=datetime.date(2025, 2, 1), format="in_person")
    ConferenceFactory(unit=tree["01"], held_on=datetime.date(2024, 2, 1))
    response = hn_client.get(reverse("meetings:conference_list"), {"year": 2025})
    assert len(response.context["object_list"]) == 1
    response = hn_client.get(reverse("meetings:conference_list"), {"format": "online"})
    assert [c.held_on.year for c in response.context["object_list"]] == [2024]
    from tests.factories import DigitizationReportFactory

    DigitizationReportFactory(unit=tree["01"], year=2024, quarter=3)
    DigitizationReportFactory(unit=tree["01"], year=2025, quarter=1)
    response = hn_client.get(reverse("documents:digitization_list"), {"year": 2024})
    assert [(r.year, r.quarter) for r in response.context["object_list"]] == [(2024, 3)]


@pytest.fixture
def locked_2025(monkeypatch):
    """A write guard like the period lock: refuses any write touching 2025."""
    from django.core.exceptions import ValidationError

    from reform import services

    def guard(*, instance, user, action):
        if getattr(instance, "issued_on", None) and instance.issued_on.year == 2025:
            raise ValidationError("The 2025 report of this unit is approved: its records are locked.")

    monkeypatch.setattr(services, "write_guards", [*services.write_guards, guard])


def test_a_write_guard_refusal_shows_on_the_form_and_writes_nothing(hn_client, tree, locked_2025):
    response = hn_client.post(reverse("documents:document_create"), document_post(tree["01"]))
    assert response.status_code == 200
    assert "locked" in " ".join(response.context["form"].non_field_errors())
    assert Document.objects.count() == 0


def test_a_write_guard_refusal_keeps_the_record_on_delete(hn_client, tree, locked_2025):
    document = DocumentFactory(unit=tree["01"], issued_on=datetime.date(2025, 6, 1))
    response = hn_client.post(reverse("documents:document_delete", args=[document.pk]), follow=True)
    assert Document.objects.filter(pk=document.pk).exists()
    assert any("locked" in str(m) for m in response.context["messages"])


def test_every_page_names_the_apps_own_icon_so_browsers_ask_for_no_missing_favicon(client, hn_client):
    from django.contrib.staticfiles import finders

    for response in (client.get(reverse("login")), hn_client.get(reverse("home"))):
        assert '<link rel="icon" href="/static/img/favicon.svg"' in response.content.decode()
    assert finders.find("img/favicon.svg")


def test_years_no_date_can_fall_in_are_answered_on_the_pages_not_a_server_error(hn_client, tree):
    assert hn_client.get(reverse("meetings:conference_list"), {"year": "9999"}).status_code == 200
    data = {"unit": tree["01"].pk, "year": 10000, "quarter": 1, "procedures_total": 10, "procedures_digital": 5}
    response = hn_client.post(reverse("documents:digitization_create"), data)
    assert response.status_code == 200 and _errors(response, "year")
    assert DigitizationReport.objects.count() == 0
