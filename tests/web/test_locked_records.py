"""Records in an approved report's window show a lock, no Edit or Delete, and a read-only edit page with the reason."""
from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from documents.models import Document
from reports import services as reports
from tests.factories import ConferenceFactory, DigitizationReportFactory, DocumentFactory
from tests.reports.conftest import YEAR, day

REGISTERS = {
    # prefix -> (a record in Hà Nội's Q3 window, one after it)
    "documents:document": (lambda unit: DocumentFactory(unit=unit, issued_on=day(5, 10)),
                           lambda unit: DocumentFactory(unit=unit, issued_on=day(10, 5))),
    "meetings:conference": (lambda unit: ConferenceFactory(unit=unit, held_on=day(5, 10)),
                            lambda unit: ConferenceFactory(unit=unit, held_on=day(10, 5))),
    "documents:digitization": (lambda unit: DigitizationReportFactory(unit=unit, year=YEAR, quarter=2),
                               lambda unit: DigitizationReportFactory(unit=unit, year=YEAR, quarter=4)),
}


@pytest.fixture
def approve_q3(officer_hn, reviewer, tree):
    def approve():
        report = reports.report_submit(user=officer_hn, unit=tree["01"], year=YEAR, period="Q3")
        return reports.report_approve(user=reviewer, report=report)

    return approve


def row_of(html: str, url: str) -> str:
    """The table row that links to a record's detail page."""
    start = html.rindex("<tr", 0, html.index(f'href="{url}"'))
    return html[start:html.index("</tr>", start)]


def decided(report) -> str:
    return formats.date_format(timezone.localtime(report.decided_at).date(), "SHORT_DATE_FORMAT")


@pytest.mark.parametrize("prefix", REGISTERS)
def test_the_list_shows_a_lock_for_the_locked_row_and_edit_delete_for_the_open_one(hn_client, tree, approve_q3, prefix):
    inside, after = REGISTERS[prefix]
    locked, open_ = inside(tree["00070"]), after(tree["00070"])
    report = approve_q3()
    html = hn_client.get(reverse(f"{prefix}_list")).content.decode()
    locked_row = row_of(html, reverse(f"{prefix}_detail", args=[locked.pk]))
    assert "data-locked" in locked_row and f"Quý III {YEAR}" in locked_row and decided(report) in locked_row
    assert reverse(f"{prefix}_update", args=[locked.pk]) not in locked_row
    assert reverse(f"{prefix}_delete", args=[locked.pk]) not in locked_row
    open_row = row_of(html, reverse(f"{prefix}_detail", args=[open_.pk]))
    assert "data-locked" not in open_row
    assert reverse(f"{prefix}_update", args=[open_.pk]) in open_row
    assert reverse(f"{prefix}_delete", args=[open_.pk]) in open_row


def test_a_reviewer_sees_the_lock_but_no_edit_link_on_any_row(reviewer_client, tree, approve_q3):
    locked = DocumentFactory(unit=tree["00070"], issued_on=day(5, 10))
    open_ = DocumentFactory(unit=tree["00070"], issued_on=day(10, 5))
    approve_q3()
    html = reviewer_client.get(reverse("documents:document_list")).content.decode()
    assert "data-locked" in row_of(html, reverse("documents:document_detail", args=[locked.pk]))
    assert reverse("documents:document_update", args=[open_.pk]) not in html


@pytest.mark.parametrize("prefix", REGISTERS)
def test_the_list_checks_locks_in_a_fixed_number_of_queries(hn_client, tree, approve_q3, prefix):
    inside, after = REGISTERS[prefix]
    inside(tree["00070"])
    units = (tree["00070"], tree["00004"], tree["01-VP"], tree["01"])
    for unit in units[1:]:
        inside(unit)
    for unit in units:
        after(unit)
    approve_q3()

    def count(params) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = hn_client.get(reverse(f"{prefix}_list"), params)
        return len(captured), response.content.decode()

    few, html = count({"subtree": "00070"})  # two rows
    many, html_all = count({"subtree": "01"})  # eight rows
    assert (html.count("data-locked"), html_all.count("data-locked")) == (1, 4)
    assert many == few


@pytest.mark.parametrize("prefix", REGISTERS)
def test_the_detail_page_of_a_locked_record_has_the_lock_and_no_edit_or_delete(hn_client, tree, approve_q3, prefix):
    inside, _after = REGISTERS[prefix]
    record = inside(tree["00070"])
    report = approve_q3()
    html = hn_client.get(reverse(f"{prefix}_detail", args=[record.pk])).content.decode()
    assert 'id="lock-notice"' in html and "data-locked" in html
    assert f"Đã phê duyệt trong báo cáo Quý III {YEAR} ngày {decided(report)}" in html
    assert reverse(f"{prefix}_update", args=[record.pk]) not in html
    assert reverse(f"{prefix}_delete", args=[record.pk]) not in html


@pytest.mark.parametrize("prefix", REGISTERS)
def test_the_edit_page_of_a_locked_record_is_read_only_with_the_reason(hn_client, tree, approve_q3, prefix):
    inside, _after = REGISTERS[prefix]
    record = inside(tree["00070"])
    report = approve_q3()
    url = reverse(f"{prefix}_update", args=[record.pk])
    response = hn_client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.fields and all(field.disabled for field in form.fields.values())
    html = response.content.decode()
    assert f"Đã phê duyệt trong báo cáo Quý III {YEAR} ngày {decided(report)}" in html
    start = html.index('<form method="post" class="card"')
    record_form = html[start:html.index("</form>", start)]
    assert 'id="lock-notice"' in record_form and 'type="submit"' not in record_form
    fields = re.findall(r'<(?:input|select|textarea)\b[^>]*\bname="(?!csrfmiddlewaretoken)[^>]*>', record_form)
    assert fields and all(" disabled" in field for field in fields), fields
    hn_client.post("/i18n/setlang/", {"language": "en", "next": url})
    english = hn_client.get(url).content.decode()
    assert f"Approved in report Quarter 3 {YEAR} on" in english and "This record is locked" in english


def test_a_post_to_the_edit_page_of_a_locked_record_is_still_refused(hn_client, tree, approve_q3):
    record = DocumentFactory(unit=tree["00070"], issued_on=day(5, 10))
    approve_q3()
    response = hn_client.post(reverse("documents:document_update", args=[record.pk]), {
        "unit": tree["00070"].pk, "number": record.number, "doc_type": "QĐ", "title": "Sửa sau phê duyệt",
        "issued_on": day(10, 5).isoformat(), "is_digitized": "on", "sent_electronically": "on",
    })
    assert response.status_code == 200
    assert any(f"Quý III {YEAR}" in error for error in response.context["form"].errors["issued_on"])
    assert Document.objects.get(pk=record.pk).issued_on == day(5, 10)
    assert hn_client.post(reverse("documents:document_delete", args=[record.pk])).status_code == 302
    assert Document.objects.filter(pk=record.pk).exists()
    page = hn_client.get(reverse("documents:document_delete", args=[record.pk])).content.decode()
    assert 'id="lock-notice"' in page and "btn--danger" not in page


def test_after_reopening_the_record_is_editable_again(hn_client, administrator, tree, approve_q3):
    record = DocumentFactory(unit=tree["00070"], issued_on=day(5, 10))
    report = approve_q3()
    reports.report_reopen(user=administrator, report=report, reason="Bổ sung văn bản tháng 5")
    update = reverse("documents:document_update", args=[record.pk])
    html = hn_client.get(reverse("documents:document_list")).content.decode()
    assert update in row_of(html, reverse("documents:document_detail", args=[record.pk]))
    assert update in hn_client.get(reverse("documents:document_detail", args=[record.pk])).content.decode()
    response = hn_client.get(update)
    assert 'id="lock-notice"' not in response.content.decode()
    assert not any(field.disabled for field in response.context["form"].fields.values())
    response = hn_client.post(update, {
        "unit": tree["00070"].pk, "number": record.number, "doc_type": "QĐ", "title": "Sửa sau khi mở lại",
        "issued_on": day(5, 10).isoformat(), "is_digitized": "on", "sent_electronically": "on",
    })
    assert response.status_code == 302 and Document.objects.get(pk=record.pk).title == "Sửa sau khi mở lại"
