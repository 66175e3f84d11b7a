"""Seed the integrity signals' parameters (reporting/signal_thresholds.py DEFAULTS), in force from 2000."""
from django.db import migrations

from reporting.signal_thresholds import DEFAULTS


def seed(apps, schema_editor):
    SignalThreshold = apps.get_model("reporting", "SignalThreshold")
    for kind, parameters in DEFAULTS.items():
        SignalThreshold.objects.get_or_create(kind=kind, applies_from=2000, defaults={
            "parameters": parameters, "note": "Initial values (issue 14)."})


def unseed(apps, schema_editor):
    apps.get_model("reporting", "SignalThreshold").objects.filter(applies_from=2000).delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0009_signals")]
    operations = [migrations.RunPython(seed, unseed)]
