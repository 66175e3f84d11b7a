"""Writes through the API leave the audit trail: who, when, what before and after (SPEC 6)."""
from documents.models import Document
from meetings.models import Conference
from tests.api.conftest import conference_payload, document_payload


def test_create_update_and_delete_are_audited_with_the_api_user(client_for, officer_hn):
    client = client_for(officer_hn)
    created = client.post("/api/v1/documents/", document_payload(officer_hn.unit, title="Bản đầu"), format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    assert client.patch(f"/api/v1/documents/{pk}/", {"title": "Bản sửa"}, format="json").status_code == 200
    assert client.delete(f"/api/v1/documents/{pk}/").status_code == 204

    history = list(Document.history.filter(id=pk).order_by("history_date", "history_id"))
    assert [h.history_type for h in history] == ["+", "~", "-"]
    assert all(h.history_user_id == officer_hn.pk for h in history)
    assert all(h.history_date is not None for h in history)
    created_row, changed_row, deleted_row = history
    assert created_row.title == "Bản đầu"
    delta = changed_row.diff_against(created_row)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("title", "Bản đầu", "Bản sửa")]
    assert deleted_row.title == "Bản sửa"  # what was deleted stays readable


def test_the_audit_names_the_administrator_who_changed_another_units_record(client_for, officer_hn, administrator):
    created = client_for(officer_hn).post("/api/v1/conferences/", conference_payload(officer_hn.unit), format="json")
    pk = created.json()["id"]
    client_for(administrator).patch(f"/api/v1/conferences/{pk}/", {"participants": 150}, format="json")
    latest = Conference.history.filter(id=pk).latest("history_date")
    assert latest.history_user_id == administrator.pk
    assert latest.participants == 150
    assert latest.prev_record.participants is None
    assert latest.prev_record.history_user_id == officer_hn.pk


def test_a_refused_write_leaves_no_audit_row(client_for, officer_hn, tree):
    before = Document.history.count()
    client_for(officer_hn).post("/api/v1/documents/", document_payload(tree["79"]), format="json")
    client_for(officer_hn).post("/api/v1/documents/", document_payload(officer_hn.unit, issued_on="2999-01-01"), format="json")
    assert Document.history.count() == before
