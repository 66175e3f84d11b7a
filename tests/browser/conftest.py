"""Browser tests: headless Chromium from Debian driven by Selenium 4, against pytest-django's live server."""
from __future__ import annotations

import base64
import importlib
import json
import shutil
import tempfile
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


@pytest.fixture
def browser():
    """A headless Chromium that talks to nothing but the app (no background networking), asking for English first
    (Accept-Language en-US): the app answers in Vietnamese all the same until its user chooses English."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                "--no-first-run", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1400,1100", "--lang=en-US", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
    # "browser": the console, where Chromium reports Content-Security-Policy violations
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def viewport(browser):
    """`viewport(390)`: the page is laid out `width` CSS pixels wide, as on a phone (a mobile viewport below 700 px,
    which honours the page's `<meta name="viewport">`), whatever the window size the browser started with."""

    def set_width(width: int, height: int = 900) -> None:
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 700})

    return set_width


@pytest.fixture
def language(browser):
    """`language(base_url, "vi")`: the app's language cookie, which the app honours before the browser's
    Accept-Language (set after a first page of the app has loaded, so the cookie has its host)."""

    def set_language(base_url: str, code: str) -> None:
        from django.conf import settings

        if not browser.current_url.startswith(base_url):
            browser.get(f"{base_url}/login/")
        browser.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": code, "path": "/"})

    return set_language


@pytest.fixture
def screenshot(request, browser):
    """`screenshot("step")` writes test-artifacts/screenshots/<test>-<n>-<step>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    counter = {"n": 0}

    def take(step: str, *, full_page: bool = False) -> Path:
        counter["n"] += 1
        path = SCREENSHOTS / f"{request.node.name}-{counter['n']:02d}-{step}.png"
        if full_page:  # the whole document, below the fold too, at the page's own layout
            size = browser.execute_script(
                "return [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            shot = browser.execute_cdp_cmd("Page.captureScreenshot", {
                "format": "png", "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}})
            path.write_bytes(base64.b64decode(shot["data"]))
        else:
            browser.save_screenshot(str(path))
        return path

    return take


def network_events(driver) -> list[dict]:
    """The DevTools Network events logged since the last call (requests sent and responses received)."""
    events = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method", "").startswith("Network."):
            events.append(message)
    return events


def seed_catalogues() -> None:
    """Re-run the data migrations' seeds (targets, thresholds, document types, schedules) where they are missing.

    A transactional test ends with a flush of every table, which would leave a reused test database
    (`--reuse-db`) without the catalogues the migrations seeded, for this and every later session.
    """
    from django.apps import apps

    from documents.models import DocumentType
    from reform.models import Target

    if not Target.objects.exists():
        importlib.import_module("reform.migrations.0003_seed_targets").seed(apps, None)
    if not DocumentType.objects.exists():
        importlib.import_module("documents.migrations.0003_seed_document_types").seed(apps, None)


def restore_database() -> None:
    """After the flush: reload what the session serialized at its start (same primary keys, so the next
    serialized test reloads it without conflicts), then seed whatever is still missing."""
    from django.db import connection

    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        connection.creation.deserialize_db_from_string(contents)
    seed_catalogues()


@pytest.fixture(autouse=True)
def seeded_catalogues(django_db_setup, django_db_blocker):
    """Catalogues present before the test (a database reused after a flush may lack them)."""
    with django_db_blocker.unblock():
        seed_catalogues()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Put the catalogues back after the test's fixtures are gone, i.e. after the transactional flush."""
    yield
    if nextitem is None:  # the session's fixtures, the test database included, are already gone
        return
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        restore_database()
