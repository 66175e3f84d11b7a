"""The documents' history keeps the indexes its readers use, and only those (uploads write a row per change)."""
import pytest
from django.db import connection

from documents.models import Document


@pytest.mark.django_db
def test_document_history_is_indexed_by_date_and_id_but_not_by_unit_type_or_user():
    table = Document.history.model._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    indexed = {tuple(c["columns"]) for c in constraints.values() if c["index"] or c["primary_key"]}
    # history_date: the audit trail and an upload's changes; id: a record's previous row and the upload's
    # baseline check; history_id: the key. Nothing reads by user but a user's deletion (one scan), and its index
    # was a quarter of the cost of an upload's history rows.
    assert {("history_date",), ("id",), ("history_id",)} <= indexed
    assert not indexed & {("unit_id",), ("doc_type_id",), ("history_user_id",)}
    assert len(indexed) == 3  # the LIKE twin of doc_type_id is gone too


@pytest.mark.django_db
def test_the_history_user_has_no_database_constraint_and_deleting_a_user_still_empties_it(tree):
    """The per-row check of the constraint was 0.7 s of an upload of 200,000 documents; Django's on_delete
    (SET_NULL) keeps the rows consistent without it, and the history rows themselves stay."""
    from reform import services
    from tests.factories import UserFactory

    table = Document.history.model._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    assert not [c for c in constraints.values() if c["foreign_key"] and c["columns"] == ["history_user_id"]]
    author = UserFactory(username="leaving", role="entry", unit=tree["00070"])
    document = services.record_create(model=Document, user=author, data={
        "unit": tree["00070"], "number": "1/QĐ-UBND", "doc_type_id": "QĐ", "title": "Quyết định 1",
        "issued_on": "2025-03-01"})
    row = Document.history.model.objects.get(id=document.pk)
    assert row.history_user_id == author.pk
    author.delete()
    row.refresh_from_db()
    assert row.history_user_id is None and row.history_type == "+"
