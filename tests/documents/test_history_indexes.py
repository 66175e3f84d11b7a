"""The documents' history keeps the indexes its readers use, and only those (uploads write a row per change)."""
import pytest
from django.db import connection

from documents.models import Document


@pytest.mark.django_db
def test_document_history_is_indexed_by_date_id_and_user_but_not_by_unit_or_type():
    table = Document.history.model._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    indexed = {tuple(c["columns"]) for c in constraints.values() if c["index"] or c["primary_key"]}
    # history_date: the audit trail and an upload's changes; id: a record's previous row and the upload's
    # baseline check; history_user_id: its foreign key (deleting a user). history_id: the key.
    assert {("history_date",), ("id",), ("history_user_id",), ("history_id",)} <= indexed
    assert not indexed & {("unit_id",), ("doc_type_id",)}
    assert len(indexed) == 4  # the LIKE twin of doc_type_id is gone too
