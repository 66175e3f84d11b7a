"""Widen the stored window of existing reports to the year to date: approval locks what the figures cover.

Reports submitted before this change stored the period alone (Q3 = July–September) although their
figures run from the start of the reporting year; from now on the stored window starts there too.
The start follows REPORTING_WINDOWS as it is when the migration runs (1 January, or 15 December of
the year before under Decree 09); the end is kept as submitted.
"""
from django.db import migrations


def widen_windows(apps, schema_editor):
    from reporting.periods import quarter_window

    PeriodReport = apps.get_model("reports", "PeriodReport")
    for year in PeriodReport.objects.values_list("year", flat=True).distinct():
        start = quarter_window(year, 1)[0]
        PeriodReport.objects.filter(year=year, window_start__gt=start).update(window_start=start)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    # Not reversed: the period-alone start is still derivable from year and period if ever needed.
    operations = [migrations.RunPython(widen_windows, migrations.RunPython.noop)]
