"""Synthetic records for demos and benchmarks: `manage.py demo_data` (catalogues, generators, the bulk load)."""
