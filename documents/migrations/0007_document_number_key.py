"""One document is counted once: numbers are compared by their normalised key (`documents.symbols.number_key`).

Adds `number_key`, fills it for every stored document and history row, and makes the unique index
(unit, year, number_key) replace (unit, year, number), so the table keeps four indexes. Documents that
this rule makes duplicates of an earlier one (`456/qđ-ubnd` beside `456/QĐ-UBND`) were accepted before
it: they are kept as they are, nothing is merged or deleted, and get the key `<key> #<id>` (a real key has
no space, so it never collides) so that the index can be built. `manage.py find_duplicate_numbers` lists
them from their numbers, and saving one is refused until its number is made distinct.
"""
import sys

from django.db import migrations, models

import documents.models
from documents.symbols import number_key

BATCH = 5000


def _write_keys(schema_editor, model, pairs: list[tuple[int, str]]) -> None:
    if not pairs:
        return
    connection = schema_editor.connection
    if connection.vendor == "postgresql":  # one statement per batch: a national register has millions of rows
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        values = ", ".join(["(%s, %s)"] * len(pairs))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} t SET number_key = v.key FROM (VALUES {values}) AS v(id, key) WHERE t.{pk} = v.id",
                [value for pair in pairs for value in pair],
            )
    else:
        objs = [model(pk=pk, number_key=key) for pk, key in pairs]
        model.objects.bulk_update(objs, ["number_key"], batch_size=500)  # bulk_update runs no pre_save
    pairs.clear()


def fill_number_keys(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    HistoricalDocument = apps.get_model("documents", "HistoricalDocument")
    alias = schema_editor.connection.alias
    if schema_editor.connection.vendor == "postgresql":
        # Foreign keys are checked at commit by default: rows written earlier in this transaction would leave
        # checks pending, and PostgreSQL refuses to alter a table that has some (the constraint swap below).
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    pairs: list[tuple[int, str]] = []
    duplicates = 0
    group, seen = None, set()
    rows = (Document.objects.using(alias).order_by("unit_id", "year", "id")
            .values_list("id", "unit_id", "year", "number").iterator(chunk_size=BATCH))
    for pk, unit_id, year, number in rows:
        if (unit_id, year) != group:
            group, seen = (unit_id, year), set()
        key = number_key(number)
        if key in seen:  # a later duplicate of an earlier document: kept, set apart
            duplicates += 1
            key = f"{key} #{pk}"
        else:
            seen.add(key)
        pairs.append((pk, key))
        if len(pairs) >= BATCH:
            _write_keys(schema_editor, Document, pairs)
    _write_keys(schema_editor, Document, pairs)
    rows = HistoricalDocument.objects.using(alias).order_by("history_id").values_list("history_id", "number")
    for pk, number in rows.iterator(chunk_size=BATCH):
        pairs.append((pk, number_key(number)))
        if len(pairs) >= BATCH:
            _write_keys(schema_editor, HistoricalDocument, pairs)
    _write_keys(schema_editor, HistoricalDocument, pairs)
    if duplicates:
        sys.stdout.write(
            f"\n  {duplicates} document(s) repeat an earlier number of the same unit and year once normalised; "
            f"kept as they are. List them with: python manage.py find_duplicate_numbers\n"
        )


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0006_four_indexes'),
        ('reform', '0003_seed_targets'),
    ]

    operations = [
        migrations.AddField(
            model_name='document',
            name='number_key',
            field=documents.models.NumberKeyField(blank=True, editable=False, help_text='The number without case, spaces or trailing punctuation: what makes two numbers the same.', max_length=128, verbose_name='number as compared'),
        ),
        migrations.AddField(
            model_name='historicaldocument',
            name='number_key',
            field=documents.models.NumberKeyField(blank=True, editable=False, help_text='The number without case, spaces or trailing punctuation: what makes two numbers the same.', max_length=128, verbose_name='number as compared'),
        ),
        migrations.RunPython(fill_number_keys, migrations.RunPython.noop, elidable=False),
        migrations.RemoveConstraint(
            model_name='document',
            name='document_number_unique_per_unit_year',
        ),
        migrations.AddConstraint(
            model_name='document',
            constraint=models.UniqueConstraint(fields=('unit', 'year', 'number_key'), name='document_number_key_unique_per_unit_year', violation_error_message='This unit has already registered a document with this number this year.'),
        ),
    ]
