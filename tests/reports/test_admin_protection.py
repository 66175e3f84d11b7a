"""The admin cannot delete an approved report (or its events), and "Delete selected" over records refuses
as one: a single locked row deletes nothing and says why, never a 500 after deleting some."""
import pytest
from django.contrib.messages import get_messages
from django.db import transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from documents.models import Document
from reports.models import PeriodReport, PeriodReportEvent
from tests.factories import DocumentFactory

from .conftest import YEAR, day

pytestmark = pytest.mark.django_db


def _admin(administrator) -> Client:
    client = Client()
    client.force_login(administrator)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_admin_offers_no_delete_for_an_approved_report(approved_q1, administrator):
    client = _admin(administrator)
    change = client.get(reverse("admin:reports_periodreport_change", args=[approved_q1.pk]))
    assert change.status_code == 200
    assert reverse("admin:reports_periodreport_delete", args=[approved_q1.pk]) not in change.content.decode()
    response = client.post(reverse("admin:reports_periodreport_delete", args=[approved_q1.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert PeriodReport.objects.filter(pk=approved_q1.pk).exists()


def test_delete_selected_over_an_approved_and_a_submitted_report_deletes_neither(
    approved_q1, administrator, officer_hn, tree,
):
    from reports import services

    submitted = services.report_submit(user=officer_hn, unit=tree["01"], year=YEAR, period="Q2")
    client = _admin(administrator)
    response = client.post(reverse("admin:reports_periodreport_changelist"), {
        "action": "delete_selected", "_selected_action": [approved_q1.pk, submitted.pk], "post": "yes",
    }, follow=True)
    assert response.status_code == 200
    assert any("Không thể xoá báo cáo đã phê duyệt" in m for m in _messages(response)), \
        _messages(response)
    assert PeriodReport.objects.filter(pk__in=[approved_q1.pk, submitted.pk]).count() == 2
    assert PeriodReportEvent.objects.filter(report=approved_q1).exists()


def test_no_path_deletes_an_approved_report_or_its_events(approved_q1):
    with pytest.raises(ProtectedError), transaction.atomic():
        approved_q1.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        PeriodReportEvent.objects.filter(report=approved_q1).delete()
    assert PeriodReportEvent.objects.filter(report=approved_q1).exists()


def test_delete_selected_over_locked_and_unlocked_documents_deletes_nothing_and_says_why(
    submitted_q1, reviewer, administrator, tree,
):
    from reports import services

    locked = DocumentFactory(unit=tree["00070"], issued_on=day(2, 2), number="1/QĐ-UBND")
    free = DocumentFactory(unit=tree["00070"], issued_on=day(5, 2), number="2/QĐ-UBND")
    services.report_approve(user=reviewer, report=submitted_q1)
    client = _admin(administrator)
    response = client.post(reverse("admin:documents_document_changelist"), {
        "action": "delete_selected", "_selected_action": [free.pk, locked.pk], "post": "yes",
    }, follow=True)
    assert response.status_code == 200
    messages = _messages(response)
    assert any(f"{YEAR}-Q1" in m or "Quý I" in m for m in messages), messages
    assert Document.objects.filter(pk__in=[locked.pk, free.pk]).count() == 2


def test_delete_selected_of_unlocked_documents_still_deletes_them_with_history(approved_q1, administrator, tree):
    free = [DocumentFactory(unit=tree["00070"], issued_on=day(5, n), number=f"{n}/QĐ-UBND") for n in (3, 4)]
    client = _admin(administrator)
    response = client.post(reverse("admin:documents_document_changelist"), {
        "action": "delete_selected", "_selected_action": [d.pk for d in free], "post": "yes",
    }, follow=True)
    assert response.status_code == 200
    assert not Document.objects.filter(pk__in=[d.pk for d in free]).exists()
    assert Document.history.filter(id__in=[d.pk for d in free], history_type="-").count() == 2
