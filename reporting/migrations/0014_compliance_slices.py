"""The slices of each rolled-up locality's subtree per level and block (ComplianceSlice), filled for the years
already computed from their stored results, as the engine fills them from now on (selectors.slice_sums)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import Substr

STATUSES = ("met", "missed", "no_baseline", "no_data", "not_applicable")


def fill(apps, schema_editor):
    """Every locality that has a roll-up gets the slices of its subtree, year by year (a copy of the engine's
    aggregation as of this migration: migrations do not import the app's code)."""
    Rollup = apps.get_model("reporting", "ComplianceRollup")
    Result = apps.get_model("reporting", "ComplianceResult")
    Slice = apps.get_model("reporting", "ComplianceSlice")
    Unit = apps.get_model("reform", "Unit")
    applies = ~Q(status="not_applicable") | Q(threshold__isnull=True)
    # Named apart from the results' own fields (an aggregate may not take a field's name).
    fields = {f"n_{status}": Count("id", filter=Q(status=status)) for status in STATUSES}
    fields.update(s_numerator=Sum("numerator", filter=applies), s_denominator=Sum("denominator", filter=applies),
                  s_baseline=Sum("baseline", filter=applies), n_provisional=Count("id", filter=Q(provisional=True)),
                  s_window_end=Min("window_end"), s_provisional_end=Min("window_end", filter=Q(provisional=True)),
                  s_computed_at=Max("computed_at"))
    for year in Rollup.objects.order_by().values_list("year", flat=True).distinct():
        ids = Rollup.objects.filter(year=year).order_by().values_list("unit_id", flat=True).distinct()
        by_length = {}
        for unit_id, path in Unit.objects.filter(id__in=ids).values_list("id", "path"):
            by_length.setdefault(len(path), {})[path] = unit_id
        rows = []
        for length, id_of in by_length.items():
            sums = (Result.objects.filter(year=year).order_by()
                    .annotate(locality=Substr("unit__path", 1, length)).filter(locality__in=list(id_of))
                    .values("locality", "period", "target_id", "unit__level", "unit__block").annotate(**fields))
            for row in sums:
                rows.append(Slice(
                    unit_id=id_of[row["locality"]], year=year, period=row["period"], target_id=row["target_id"],
                    level=row["unit__level"], block=row["unit__block"],
                    **{f"n_{status}": row[f"n_{status}"] for status in STATUSES},
                    numerator=row["s_numerator"] or 0, denominator=row["s_denominator"] or 0,
                    baseline=row["s_baseline"] or 0, n_provisional=row["n_provisional"],
                    window_end=row["s_window_end"], provisional_end=row["s_provisional_end"],
                    computed_at=row["s_computed_at"]))
        Slice.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('reform', '0005_unit_lineage'),
        ('reporting', '0013_compute_run_subtrees'),
    ]

    operations = [
        migrations.CreateModel(
            name='ComplianceSlice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('period', models.CharField(choices=[('Y', 'Year'), ('Q1', 'Q1 to date'), ('Q2', 'Q2 to date'), ('Q3', 'Q3 to date'), ('Q4', 'Q4 to date')], max_length=2, verbose_name='period')),
                ('level', models.CharField(choices=[('central', 'Central'), ('provincial', 'Provincial'), ('district', 'District (before 1 July 2025)'), ('commune', 'Commune')], max_length=16, verbose_name='level')),
                ('block', models.CharField(choices=[('party', 'Party'), ('state', 'State'), ('elected', 'Elected bodies'), ('front', 'Fatherland Front and mass organisations')], max_length=16, verbose_name='block')),
                ('n_met', models.PositiveIntegerField(default=0, verbose_name='units met')),
                ('n_missed', models.PositiveIntegerField(default=0, verbose_name='units missed')),
                ('n_no_baseline', models.PositiveIntegerField(default=0, verbose_name='units without baseline')),
                ('n_no_data', models.PositiveIntegerField(default=0, verbose_name='units without data')),
                ('n_not_applicable', models.PositiveIntegerField(default=0, verbose_name='units not applicable')),
                ('numerator', models.BigIntegerField(default=0, verbose_name='numerator')),
                ('denominator', models.BigIntegerField(default=0, verbose_name='denominator')),
                ('baseline', models.BigIntegerField(default=0, verbose_name='baseline')),
                ('n_provisional', models.PositiveIntegerField(default=0, verbose_name='provisional results')),
                ('window_end', models.DateField(blank=True, null=True, verbose_name='window end')),
                ('provisional_end', models.DateField(blank=True, null=True, verbose_name='provisional window end')),
                ('computed_at', models.DateTimeField(verbose_name='computed at')),
                ('target', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='slices', to='reform.target')),
                ('unit', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='compliance_slices', to='reform.unit')),
            ],
            options={
                'verbose_name': 'compliance slice',
                'verbose_name_plural': 'compliance slices',
                'ordering': ['unit', 'year', 'period', 'target', 'level', 'block'],
                'constraints': [models.UniqueConstraint(fields=('unit', 'year', 'period', 'target', 'level', 'block'), name='one_slice_per_unit_period_target_level_block')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
