"""The dashboards' plotly.js: a partial bundle of exactly the trace types the charts draw, served compressed."""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import brotli
import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

from tests.reporting.factories_dash import results_for_unit

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "static" / "vendor"
BUNDLE = VENDOR / "plotly.min.js"
BUILD = ROOT / "tools" / "plotly-bundle"
# The sizes the README states (bytes): what a cold load of a dashboard transfers for plotly.js.
RAW_BOUND, GZIP_BOUND, BROTLI_BOUND = 1_000_000, 350_000, 300_000


def _bundled_trace_types() -> set[str]:
    """The trace modules the build registers: the core carries scatter, index.js adds the others."""
    registered = (BUILD / "index.js").read_text().split("Plotly.register(", 1)[1]
    return {"scatter"} | set(re.findall(r"require\('plotly\.js/lib/(\w+)'\)", registered))


@pytest.mark.django_db
def test_the_bundle_holds_exactly_the_trace_types_the_dashboards_draw(reviewer_client, tree):
    for i, code in enumerate(["TW", "01", "79", "00070", "00004", "26734", "26740", "01-VP"]):
        results_for_unit(tree[code], seed=i)
        results_for_unit(tree[code], seed=i + 1, year=2025)
    drawn = set()
    for url in ("/dashboard/?year=2026", "/dashboard/province/01/?year=2026", "/dashboard/unit/00070/?year=2026"):
        for chart in reviewer_client.get(url).context["charts"]:
            drawn |= {trace["type"] for trace in json.loads(chart.figure.to_json())["data"]}
    assert drawn == {"scatter", "bar", "heatmap"}
    assert _bundled_trace_types() == drawn


def test_the_bundle_is_built_from_the_pinned_plotly_js_of_the_lock_file():
    package = json.loads((BUILD / "package.json").read_text())
    lock = json.loads((BUILD / "package-lock.json").read_text())
    for name, version in package["devDependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned: {version}"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    head = BUNDLE.read_text(encoding="utf-8")[:300]
    assert f"plotly.js v{package['devDependencies']['plotly.js']} (partial bundle: scatter, bar, heatmap)" in head


def test_the_committed_gzip_and_brotli_copies_are_the_bundle_compressed():
    raw = BUNDLE.read_bytes()
    assert len(raw) < RAW_BOUND
    assert gzip.decompress((VENDOR / "plotly.min.js.gz").read_bytes()) == raw
    assert brotli.decompress((VENDOR / "plotly.min.js.br").read_bytes()) == raw


def _get(url: str, encoding: str | None):
    headers = {"HTTP_ACCEPT_ENCODING": encoding} if encoding else {}
    response = Client().get(url, **headers)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body)
    assert "Accept-Encoding" in response["Vary"]
    return response, body


def _assert_served_compressed(url: str) -> None:
    raw = BUNDLE.read_bytes()
    response, body = _get(url, "gzip, deflate, br")
    assert response["Content-Encoding"] == "br"
    assert len(body) < BROTLI_BOUND and brotli.decompress(body) == raw
    response, body = _get(url, "gzip, deflate")
    assert response["Content-Encoding"] == "gzip"
    assert len(body) < GZIP_BOUND and gzip.decompress(body) == raw
    response, body = _get(url, None)  # a client that accepts no compression still gets the file
    assert not response.has_header("Content-Encoding") and body == raw


def test_production_serves_the_bundle_compressed_under_its_hashed_name(settings, tmp_path):
    """What `collectstatic` and WhiteNoise do in production (CompressedManifestStaticFilesStorage), on the app's
    own static folder: the bundle's hashed URL answers brotli or gzip, whichever the browser accepts."""
    settings.STATIC_ROOT = tmp_path
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    settings.WHITENOISE_USE_FINDERS = False
    settings.WHITENOISE_AUTOREFRESH = False
    call_command("collectstatic", interactive=False, verbosity=0)
    url = static("vendor/plotly.min.js")
    assert re.fullmatch(r"/static/vendor/plotly\.min\.[0-9a-f]{12}\.js", url)
    _assert_served_compressed(url)


def test_the_demo_serves_the_committed_compressed_copies(settings):
    """`make demo` serves the static folder as it is (through the finders, no collectstatic): the .br and .gz
    files beside the bundle are what it sends."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    _assert_served_compressed("/static/vendor/plotly.min.js")
