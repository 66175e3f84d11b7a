"""The pages people work in, as they see them in Vietnamese on a phone (390 px) and a desktop (1,400 px): the
reviewer's overview, a province, a commune, the report queue and a report; the officer's home and forms. On each:
every chart drawn, no console error, no internal code in the page's text (target, status and period codes,
fractions), no sideways scroll of the page itself. Screenshots are kept under test-artifacts/screenshots/; three of
them (`readme-*.png`) are the README's."""
from __future__ import annotations

import re
import shutil

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_dashboard_browser import log_in
from tests.reporting.factories_dash import results_for_unit

pytestmark = [pytest.mark.browser]

WIDTHS = (390, 1400)
YEAR = 2025
# What no reader should see: the catalogue's codes, the engine's status values, period codes, raw fractions.
STATUS_CODES = ("not_applicable", "no_data", "missed", "met", "at_risk", "submitted", "approved", "returned")
PERIOD_CODE = re.compile(r"\b20\d\d-(?:Q[1-4]|H[12]|Y)\b")
FRACTION = re.compile(r"(?<![\d.,])0\.\d{3,}\b|\b\d+\.0{4}\b")


@pytest.fixture
def sweep_data(tree):
    from reports import services as reports

    from tests.factories import UserFactory

    for i, unit in enumerate(tree.values()):
        for year in (2024, 2025, 2026):
            results_for_unit(unit, seed=i + year, year=year)
    officer = UserFactory(username="sweep-officer", role="entry", unit=tree["01"])
    UserFactory(username="sweep-reviewer", role="reviewer")
    report = reports.report_submit(user=officer, unit=tree["01"], year=YEAR, period="Q3")
    return {"tree": tree, "report": report}


def _codes() -> list[str]:
    from reform.models import Target

    return list(Target.objects.values_list("code", flat=True))


def _visible_text(driver) -> str:
    return driver.execute_script("return document.body.innerText")


def _problems(driver, page: str, width: int, codes: list[str]) -> list[str]:
    problems = []
    severe = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    problems += [f"{page}@{width}: console error {m}" for m in severe]
    scroll, inner = driver.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]")
    if scroll > inner:
        problems.append(f"{page}@{width}: the page scrolls sideways ({scroll} > {inner} px)")
    text = _visible_text(driver)
    for code in codes:
        if re.search(rf"\b{re.escape(code)}\b", text):
            problems.append(f"{page}@{width}: the target code {code} is visible")
    for code in STATUS_CODES:
        if re.search(rf"(?<![\w-]){code}(?![\w-])", text):
            problems.append(f"{page}@{width}: the status code {code!r} is visible")
    problems += [f"{page}@{width}: the period code {m} is visible" for m in PERIOD_CODE.findall(text)]
    problems += [f"{page}@{width}: the raw fraction {m} is visible" for m in FRACTION.findall(text)]
    charts = driver.execute_script(
        "return [...document.querySelectorAll('.chart[data-figure]')].map(c => [c.id, c.classList.contains('is-drawn'),"
        " c.querySelectorAll('.main-svg').length])")
    problems += [f"{page}@{width}: chart {cid} not drawn" for cid, drawn, svgs in charts if not (drawn and svgs)]
    return problems


def _wait_for_charts(driver) -> None:
    WebDriverWait(driver, 40).until(lambda d: d.execute_script(
        "return [...document.querySelectorAll('.chart[data-figure]')].every("
        "c => c.classList.contains('is-drawn') || c.classList.contains('has-failed'))"))


def _visit(driver, base: str, page: str, path: str, width: int, screenshot, codes, readme: str | None = None):
    driver.get(base + path)
    _wait_for_charts(driver)
    shot = screenshot(f"{page}-{width}")
    if readme:
        shutil.copyfile(shot, SCREENSHOTS / f"readme-{readme}.png")
    return _problems(driver, page, width, codes)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_reviewers_pages_in_vietnamese(live_server, browser, viewport, screenshot, sweep_data, width):
    codes = _codes()
    viewport(width)
    log_in(browser, live_server.url, "sweep-reviewer")
    assert browser.execute_script("return document.documentElement.lang") == "vi"
    # A reviewer lands on the compliance overview.
    assert "/dashboard/" in browser.current_url
    report = sweep_data["report"]
    pages = {
        "overview": (f"/dashboard/?year={YEAR}&period=Y", "reviewer-overview" if width == 1400 else None),
        "province": (f"/dashboard/province/01/?year={YEAR}&period=Y", "province-phone" if width == 390 else None),
        "commune": (f"/dashboard/unit/00070/?year={YEAR}&period=Y", None),
        "report-queue": ("/reports/", None),
        "report": (f"/reports/{report.pk}/", None),
    }
    problems = []
    for page, (path, readme) in pages.items():
        problems += _visit(browser, live_server.url, page, path, width, screenshot, codes, readme)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_officers_home_and_forms_in_vietnamese(live_server, browser, viewport, screenshot, sweep_data, width):
    codes = _codes()
    viewport(width)
    log_in(browser, live_server.url, "sweep-officer")
    assert browser.execute_script("return document.documentElement.lang") == "vi"
    pages = {
        "home": ("/", None),
        "document-form": ("/documents/new/", "officer-form" if width == 390 else None),
        "conference-form": ("/conferences/new/", None),
        "digitisation-form": ("/documents/digitization/new/", None),
        "reports": ("/reports/", None),
    }
    problems = []
    for page, (path, readme) in pages.items():
        problems += _visit(browser, live_server.url, page, path, width, screenshot, codes, readme)
    assert not problems, "\n".join(problems)
