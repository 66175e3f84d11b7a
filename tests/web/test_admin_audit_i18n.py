"""The audit trail page, the Django admin, and switching the language."""
import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from documents.models import Document
from reform import services
from tests.factories import ConferenceFactory, DigitizationReportFactory, DocumentFactory, choose_language


def test_audit_trail_is_for_administrators_only(client, hn_client, reviewer_client, admin_client_):
    assert client.get(reverse("audit_trail")).status_code == 302
    assert hn_client.get(reverse("audit_trail")).status_code == 403
    assert reviewer_client.get(reverse("audit_trail")).status_code == 403
    assert admin_client_.get(reverse("audit_trail")).status_code == 200


def test_audit_trail_shows_who_when_and_before_after(admin_client_, tree, officer_hn):
    document = services.record_create(model=Document, user=officer_hn, data={
        "unit": tree["01"], "number": "7/QĐ-UBND", "doc_type_id": "QĐ", "title": "Bản gốc",
        "issued_on": datetime.date(2025, 4, 1),
    })
    services.record_update(instance=document, user=officer_hn, data={"title": "Bản sửa"})
    conference = ConferenceFactory(unit=tree["00070"], title="Hội nghị sẽ bị xoá")
    services.record_delete(instance=conference, user=officer_hn)
    response = choose_language(admin_client_, "en").get(reverse("audit_trail"))
    assert response.status_code == 200
    entries = response.context["entries"]
    assert [(e["kind"], e["action"]) for e in entries] == [
        ("conference", "-"), ("conference", "+"), ("document", "~"), ("document", "+"),
    ]
    change = entries[2]
    assert change["user"] == officer_hn
    assert {"label": "title", "old": "Bản gốc", "new": "Bản sửa"} in change["changes"]
    html = response.content.decode()
    assert "Bản gốc" in html and "Bản sửa" in html and "Hội nghị sẽ bị xoá" in html
    only_documents = admin_client_.get(reverse("audit_trail"), {"model": "document"}).context["entries"]
    assert {e["kind"] for e in only_documents} == {"document"}


def test_audit_trail_runs_a_bounded_number_of_queries(admin_client_, tree, officer_hn, django_assert_max_num_queries):
    for i in range(30):
        document = DocumentFactory(unit=tree["01"], number=f"{i + 1}/QĐ-UBND")
        services.record_update(instance=document, user=officer_hn, data={"title": f"Sửa {i}"})
    # page of 25 entries: a previous version per changed row, plus a fixed number of queries
    with django_assert_max_num_queries(45):
        assert admin_client_.get(reverse("audit_trail")).status_code == 200


def test_admin_changelists_and_add_pages_load_for_every_registered_model(admin_client_, tree):
    DocumentFactory(unit=tree["01"])
    ConferenceFactory(unit=tree["01"])
    DigitizationReportFactory(unit=tree["01"])
    ours = {"reform", "documents", "meetings"}
    models = [m for m in admin.site._registry if m._meta.app_label in ours]
    assert {m._meta.model_name for m in models} >= {
        "unit", "user", "target", "targetthreshold", "policysetting", "documenttype", "document", "conference",
        "digitizationreport",
    }
    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert admin_client_.get(url).status_code == 200, url
    for model in models:
        opts = model._meta
        assert admin_client_.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200


def test_admin_shows_record_history_and_edits_go_through_the_services(admin_client_, administrator, tree):
    document = DocumentFactory(unit=tree["01"], number="3/QĐ-UBND", issued_on=datetime.date(2025, 3, 3))
    url = reverse("admin:documents_document_change", args=[document.pk])
    data = {"unit": tree["01"].pk, "number": "3/QĐ-UBND", "doc_type": "QĐ", "title": "Sửa trong admin",
            "issued_on": "2025-03-03", "is_digitized": "on"}
    assert admin_client_.post(url, data).status_code == 302
    document.refresh_from_db()
    assert document.title == "Sửa trong admin"
    assert document.history.first().history_user == administrator
    history = admin_client_.get(reverse("admin:documents_document_history", args=[document.pk]))
    assert history.status_code == 200 and "Sửa trong admin" in history.content.decode()
    # a contradicting symbol is refused in the admin too
    data["number"] = "3-NQ/TU"
    assert admin_client_.post(url, data).status_code == 200
    document.refresh_from_db()
    assert document.number == "3/QĐ-UBND"


def test_officers_cannot_open_the_admin(hn_client):
    assert hn_client.get(reverse("admin:index")).status_code == 302


def test_switching_language_changes_the_labels(hn_client):
    url = reverse("documents:document_list")
    response = hn_client.post("/i18n/setlang/", {"language": "en", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    english = hn_client.get(url).content.decode()
    assert "Register of issued documents" in english and 'lang="en"' in english
    hn_client.post("/i18n/setlang/", {"language": "vi", "next": url})
    vietnamese = hn_client.get(url).content.decode()
    assert "Sổ đăng ký văn bản ban hành" in vietnamese and 'lang="vi"' in vietnamese
    assert "Register of issued documents" not in vietnamese


def test_vietnamese_is_the_default_and_model_labels_are_translated(hn_client):
    html = hn_client.get(reverse("documents:document_create")).content.decode()
    assert "Số và ký hiệu" in html  # the model field label "number and symbol"
    assert "Ngày ban hành" in html  # "issue date"


def test_dates_and_numbers_follow_the_language(hn_client, tree):
    DigitizationReportFactory(unit=tree["01"], year=2025, quarter=1, procedures_total=12345, procedures_digital=12000)
    DocumentFactory(unit=tree["01"], issued_on=datetime.date(2025, 3, 10))
    vi_docs = hn_client.get(reverse("documents:document_list")).content.decode()
    assert "10/03/2025" in vi_docs
    vi = hn_client.get(reverse("documents:digitization_list")).content.decode()
    assert "12.345" in vi
    hn_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = hn_client.get(reverse("documents:digitization_list")).content.decode()
    assert "12,345" in en
    assert "03/10/2025" in hn_client.get(reverse("documents:document_list")).content.decode()


def test_audit_trail_formats_numbers_and_dates_for_the_language(admin_client_, tree, officer_hn):
    from documents.models import DigitizationReport

    report = services.record_create(model=DigitizationReport, user=officer_hn, data={
        "unit": tree["01"], "year": 2025, "quarter": 2, "procedures_total": 12000, "procedures_digital": 11000,
    })
    services.record_update(instance=report, user=officer_hn, data={"procedures_digital": 11500})
    html = admin_client_.get(reverse("audit_trail"), {"model": "digitization"}).content.decode()
    assert "11.000" in html and "11.500" in html and "2025" in html  # Vietnamese grouping, the year left alone
    assert "2.025" not in html


def test_admin_creates_an_entry_officer_with_a_unit_and_an_administrator(admin_client_, tree):
    from reform.models import User

    data = {"username": "new-officer", "usable_password": "true", "password1": "a-long-pass-2026!",
            "password2": "a-long-pass-2026!", "role": "entry", "unit": tree["79"].pk}
    assert admin_client_.post(reverse("admin:reform_user_add"), data).status_code == 302
    assert User.objects.get(username="new-officer").unit == tree["79"]
    data.update(username="no-unit", unit="")
    response = admin_client_.post(reverse("admin:reform_user_add"), data)
    assert response.status_code == 200 and not User.objects.filter(username="no-unit").exists()
    data.update(username="new-admin", role="admin")
    assert admin_client_.post(reverse("admin:reform_user_add"), data).status_code == 302
    assert User.objects.get(username="new-admin").is_staff


def _field_errors(html: str, field: str) -> list[str]:
    """The messages rendered under one form field (its errorlist, before the next field starts)."""
    import re

    start = html.index(f'name="{field}"')
    end = html.find('<div class="field', start)
    block = html[start:end if end != -1 else len(html)]
    match = re.search(r'<ul class="errorlist"[^>]*>(.*?)</ul>', block, re.S)
    return re.findall(r"<li>(.*?)</li>", match.group(1), re.S) if match else []


FUTURE = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()


@pytest.mark.parametrize(
    ("url_name", "data", "field"),
    [
        ("documents:document_create", {"number": "15/QĐ-UBND", "doc_type": "QĐ", "title": "Quyết định",
                                       "issued_on": FUTURE}, "issued_on"),
        ("documents:document_create", {"number": "226-KL/TW", "doc_type": "QĐ", "title": "Kết luận",
                                       "issued_on": "2025-05-02"}, "number"),
        ("documents:document_create", {"number": "12/2024/QĐ-UBND", "doc_type": "QĐ", "title": "Quyết định",
                                       "issued_on": "2025-05-02"}, "number"),
        ("meetings:conference_create", {"title": "Hội nghị", "held_on": "2025-06-03", "duration_days": "0",
                                        "format": "online", "category": "dissemination", "scope": "specialized"},
         "duration_days"),
        ("meetings:conference_create", {"title": "Hội nghị", "held_on": "2025-06-03", "duration_days": "1",
                                        "format": "in_person", "category": "important", "scope": "all_leaders",
                                        "exception_approved": "on", "exception_ref": ""}, "exception_ref"),
        ("meetings:conference_create", {"title": "Hội nghị", "held_on": "2025-06-03", "duration_days": "1",
                                        "format": "online", "category": "dissemination", "scope": "specialized",
                                        "budget_allocated": "-5"}, "budget_allocated"),
        ("documents:digitization_create", {"year": 2025, "quarter": 1, "procedures_total": 10,
                                           "procedures_digital": 11}, "procedures_digital"),
        ("documents:digitization_create", {"year": 2025, "quarter": 1, "procedures_total": -1,
                                           "procedures_digital": 0}, "procedures_total"),
    ],
)
def test_field_errors_of_the_register_forms_are_in_the_chosen_language(hn_client, tree, url_name, data, field):
    """The same refusal, once in Vietnamese (the default) and once in English: each message is translated."""
    url = reverse(url_name)
    data = {"unit": tree["01"].pk, **data}
    vietnamese = _field_errors(hn_client.post(url, data).content.decode(), field)
    hn_client.post("/i18n/setlang/", {"language": "en", "next": url})
    english = _field_errors(hn_client.post(url, data).content.decode(), field)
    assert vietnamese and english, (vietnamese, english)
    assert len(vietnamese) == len(english)
    for vi, en in zip(vietnamese, english):
        assert vi != en, f"not translated: {en}"
        assert any(ord(char) > 127 for char in vi), vi  # Vietnamese has diacritics
    from documents.models import DigitizationReport
    from meetings.models import Conference

    assert (Document.objects.count(), Conference.objects.count(), DigitizationReport.objects.count()) == (0, 0, 0)
