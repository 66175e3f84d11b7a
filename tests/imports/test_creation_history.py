"""What an upload creates is recorded by the upload: each record names it, the audit trail shows it as one entry, and
the record's `+` row (its state as the upload wrote it, with the uploader, the upload's date and reason) is written
before its first change, whichever path makes that change: the API, a form's service, a plain save (the admin's),
a deletion, or another upload."""
from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from documents.models import Document
from meetings.models import Conference
from reform import services as records
from tests.factories import choose_language

from .conftest import csv_bytes, doc_rows, upload

CONFERENCE_HEADER = ["unit_code", "title", "held_on", "duration_days", "format", "category", "scope", "participants"]


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _assert_creation_row(row, batch, *, title: str) -> None:
    """`row` is the `+` row the upload `batch` would have written for the record: its values as uploaded."""
    assert row.history_type == "+"
    assert (row.history_user_id, row.history_date) == (batch.user_id, batch.history_date)
    assert row.history_change_reason == f"Upload #{batch.pk} ({batch.file_name})"
    assert row.title == title


@pytest.mark.parametrize("force_orm", [False, True], ids=["postgres", "orm"])
def test_an_upload_names_the_records_it_creates_and_keeps_its_stamp_without_a_history_row_each(
    officer_hn, tree, force_orm,
):
    batch = upload(officer_hn, csv_bytes(doc_rows(4)), name="dot-1.csv", force_orm=force_orm)
    assert (batch.status, batch.created) == ("succeeded", 4)
    assert set(Document.objects.values_list("upload_id", flat=True)) == {batch.pk}
    assert not Document.history.exists()
    assert batch.history_date is not None and batch.history_reason == f"Upload #{batch.pk} (dot-1.csv)"


def test_the_first_change_through_the_api_writes_the_creation_row_then_the_change(officer_hn, administrator, tree):
    batch = upload(officer_hn, csv_bytes(doc_rows(2)), name="dot-1.csv")
    document = Document.objects.get(number="1/QĐ-UBND")
    response = _api(administrator).patch(f"/api/v1/documents/{document.pk}/", {"title": "Tiêu đề sửa"}, format="json")
    assert response.status_code == 200, response.content
    created, changed = document.history.order_by("history_date", "history_id")
    _assert_creation_row(created, batch, title="Quyết định về việc 1")
    assert (changed.history_type, changed.history_user, changed.title) == ("~", administrator, "Tiêu đề sửa")
    assert changed.prev_record == created
    delta = changed.diff_against(created)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("title", "Quyết định về việc 1", "Tiêu đề sửa")]
    # Once: a second change adds its `~` row only; the other record still has none.
    records.record_update(instance=Document.objects.get(pk=document.pk), user=officer_hn, data={"title": "Lần hai"})
    assert list(document.history.order_by("history_date").values_list("history_type", flat=True)) == ["+", "~", "~"]
    assert not Document.history.filter(number="2/QĐ-UBND").exists()


def test_a_plain_save_and_a_deletion_keep_the_creation_row_too(officer_hn, tree):
    batch = upload(officer_hn, csv_bytes(doc_rows(2)), name="dot-1.csv")
    first, second = Document.objects.order_by("number")
    first.title = "Sửa trong trang quản trị"
    first._history_user = officer_hn
    first.save()  # what the admin does
    assert list(first.history.order_by("history_date").values_list("history_type", flat=True)) == ["+", "~"]
    _assert_creation_row(first.history.earliest("history_date"), batch, title="Quyết định về việc 1")
    pk = second.pk
    records.record_delete(instance=second, user=officer_hn)
    created, deleted = Document.history.filter(id=pk).order_by("history_date")
    _assert_creation_row(created, batch, title="Quyết định về việc 2")
    assert (deleted.history_type, deleted.history_user, deleted.title) == ("-", officer_hn, "Quyết định về việc 2")


def test_a_record_entered_by_a_form_gets_no_second_creation_row(officer_hn, tree):
    document = records.record_create(model=Document, user=officer_hn, data={
        "unit": tree["01"], "number": "9/QĐ-UBND", "doc_type_id": "QĐ", "title": "Bản đầu",
        "issued_on": datetime.date(2025, 3, 2)})
    assert document.upload_id is None
    records.record_update(instance=document, user=officer_hn, data={"title": "Bản sửa"})
    assert list(document.history.order_by("history_date").values_list("history_type", flat=True)) == ["+", "~"]


@pytest.mark.parametrize("force_orm", [False, True], ids=["postgres", "orm"])
def test_a_re_upload_that_changes_what_an_earlier_upload_created_writes_its_creation_row_first(
    officer_hn, tree, force_orm,
):
    first = upload(officer_hn, csv_bytes(doc_rows(3)), name="dot-1.csv", force_orm=force_orm)
    rows = doc_rows(3)
    rows[1][3] = "Tiêu đề mới 2"
    second = upload(officer_hn, csv_bytes(rows), name="dot-2.csv", force_orm=force_orm)
    assert (second.created, second.updated, second.unchanged) == (0, 1, 2)
    changed = Document.objects.get(number="2/QĐ-UBND")
    assert changed.upload_id == first.pk  # still the upload that created it
    created, after = changed.history.order_by("history_date")
    _assert_creation_row(created, first, title="Quyết định về việc 2")
    assert (after.history_type, after.history_date, after.title) == ("~", second.history_date, "Tiêu đề mới 2")
    assert after.history_change_reason == f"Upload #{second.pk} (dot-2.csv)" and after.prev_record == created
    assert Document.history.count() == 2  # the unchanged records still have none


def test_conferences_created_by_an_upload_keep_theirs_before_an_upload_changes_them(officer_hn, tree):
    row = ["01", "Hội nghị triển khai", "2025-03-05", "0.5", "online", "dissemination", "specialized", "80"]
    first = upload(officer_hn, csv_bytes([row], header=CONFERENCE_HEADER), kind="conferences", name="hn-1.csv")
    second = upload(officer_hn, csv_bytes([[*row[:-1], "120"]], header=CONFERENCE_HEADER), kind="conferences",
                    name="hn-2.csv")
    assert (first.created, second.updated) == (1, 1)
    conference = Conference.objects.get()
    created, after = conference.history.order_by("history_date")
    assert (created.history_type, created.participants, created.history_user_id) == ("+", 80, first.user_id)
    assert (created.history_date, created.history_change_reason) == (first.history_date, f"Upload #{first.pk} (hn-1.csv)")
    assert (after.history_type, after.participants, after.prev_record) == ("~", 120, created)


def test_the_audit_trail_shows_an_upload_as_one_entry_for_what_it_created(officer_hn, administrator, tree, client):
    form_made = records.record_create(model=Document, user=officer_hn, data={
        "unit": tree["01"], "number": "1/QĐ-UBND", "doc_type_id": "QĐ", "title": "Tiêu đề cũ 1",
        "issued_on": datetime.date(2025, 3, 2)})
    rows = doc_rows(5)
    rows[0][3] = "Tiêu đề mới 1"
    batch = upload(officer_hn, csv_bytes(rows), name="so-van-ban.csv")
    assert (batch.created, batch.updated) == (4, 1)
    # A record the upload created, then changed: its creation stays the upload's entry, its change is listed.
    made = Document.objects.get(number="3/QĐ-UBND")
    records.record_update(instance=made, user=administrator, data={"title": "Sửa sau"})
    client.force_login(administrator)

    def entries(**query):
        return choose_language(client, "en").get(reverse("audit_trail"), query).context["entries"]

    listed = entries(model="document")
    uploads = [entry for entry in listed if entry.get("upload")]
    assert len(uploads) == 1
    entry = uploads[0]
    assert (entry["upload"], entry["user"], entry["action"]) == (batch, officer_hn, "+")
    assert entry["label"] == f"Upload #{batch.pk} (so-van-ban.csv)" and entry["url"] == f"/imports/{batch.pk}/"
    assert entry["changes"] == [{"label": "records created", "old": None, "new": "4"}]
    assert entry["date"] == batch.history_date
    # Every other entry is a record's own: the form's creation, the upload's change of it, the later change.
    own = [(e["action"], e["label"]) for e in listed if not e.get("upload")]
    assert sorted(own) == sorted([("+", form_made.number), ("~", form_made.number), ("~", made.number)])
    html = choose_language(client, "en").get(reverse("audit_trail"), {"model": "document"}).content.decode()
    assert f'<a href="/imports/{batch.pk}/">Upload #{batch.pk} (so-van-ban.csv)</a>' in html
    # Another register's filter does not show it; all registers do, in date order (newest first).
    assert not [e for e in entries(model="conference") if e.get("upload")]
    dates = [e["date"] for e in entries()]
    assert dates == sorted(dates, reverse=True) and len(dates) == 4


def test_a_refused_upload_names_nothing_and_leaves_no_entry(officer_hn, administrator, tree, client):
    rows = doc_rows(3)
    rows[2][0] = "99999"  # an unknown unit: the whole file is refused
    batch = upload(officer_hn, csv_bytes(rows))
    assert batch.status == "failed" and batch.history_date is None
    assert not Document.objects.exists()
    client.force_login(administrator)
    assert choose_language(client, "en").get(reverse("audit_trail")).context["entries"] == []


def test_a_records_page_names_the_upload_that_created_it_and_links_it_for_who_may_open_it(
    officer_hn, reviewer, administrator, tree, client,
):
    batch = upload(officer_hn, csv_bytes(doc_rows(1)), name="dot-1.csv")
    document = Document.objects.get()
    page = f"/documents/{document.pk}/"
    link = f'<a href="/imports/{batch.pk}/">Upload #{batch.pk} (dot-1.csv)</a>'
    for user, linked in ((officer_hn, True), (administrator, True), (reviewer, False)):
        client.force_login(user)
        html = choose_language(client, "en").get(page).content.decode()
        assert "Created by upload" in html and f"Upload #{batch.pk} (dot-1.csv)" in html
        assert (link in html) is linked, user
        assert client.get(f"/imports/{batch.pk}/").status_code == (200 if linked else 404)
    entered = records.record_create(model=Document, user=officer_hn, data={
        "unit": tree["01"], "number": "9/QĐ-UBND", "doc_type_id": "QĐ", "title": "Bản đầu",
        "issued_on": datetime.date(2025, 3, 2)})
    client.force_login(officer_hn)
    assert "Created by upload" not in choose_language(client, "en").get(f"/documents/{entered.pk}/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_first_changes_at_once_write_one_creation_row(officer_hn, administrator, tree):
    """Forced: the first change holds the record while a second one starts; the second waits for it, then finds the
    creation row written and adds only its change."""
    import threading

    from django.db import connection, transaction

    upload(officer_hn, csv_bytes(doc_rows(1)), name="dot-1.csv")
    pk = Document.objects.get().pk
    errors = []

    def second_change():
        try:
            records.record_update(instance=Document.objects.get(pk=pk), user=administrator, data={"title": "B"})
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    with transaction.atomic():
        records.record_update(instance=Document.objects.get(pk=pk), user=officer_hn, data={"title": "A"})
        other = threading.Thread(target=second_change)
        other.start()
        other.join(timeout=1.5)
        assert other.is_alive()  # waiting for the first change's lock
    other.join(timeout=30)
    assert not other.is_alive() and not errors
    history = list(Document.history.filter(id=pk).order_by("history_date", "history_id")
                   .values_list("history_type", "title"))
    assert history == [("+", "Quyết định về việc 1"), ("~", "A"), ("~", "B")]
