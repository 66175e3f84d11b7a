"""The overview of a running year in a real browser at 1,400 px: the provisional badge shows, every chart draws,
and the console stays free of errors."""
from __future__ import annotations

from datetime import date

import pytest
from selenium.webdriver.common.by import By

from reporting.services import compliance_compute
from tests.browser.test_dashboard_browser import assert_only_local_requests, choose_language, log_in, wait_for_plots
from tests.reporting.helpers import confs, docs

pytestmark = [pytest.mark.browser]


def console_errors(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"
            and "favicon" not in entry["message"]]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_overview_of_a_running_year_shows_the_badge_and_draws_every_chart(live_server, browser, screenshot, tree):
    from tests.factories import UserFactory

    for code, before, now in (("00070", 20, 15), ("00004", 10, 9), ("01", 30, 20), ("26734", 8, 8)):
        docs(tree[code], before, date(2025, 3, 10))
        docs(tree[code], now, date(2026, 3, 10))
    confs(tree["00070"], 5, date(2025, 4, 2), format="online")
    confs(tree["00070"], 3, date(2026, 4, 2), format="online")
    compliance_compute(year=2025, as_of=date(2026, 12, 1))
    compliance_compute(year=2026, as_of=date(2026, 12, 1))
    UserFactory(username="browser-provisional", role="reviewer", unit=None)

    base = live_server.url
    log_in(browser, base, "browser-provisional")
    choose_language(browser, "en")
    browser.get_log("browser")  # drop what the log-in page logged
    browser.get(f"{base}/dashboard/?year=2026&period=Y")
    assert browser.get_window_size()["width"] == 1400
    for chart_id in ("status-shares", "provinces", "trend", "doc-reduction"):
        wait_for_plots(browser, f"#chart-{chart_id}")
    assert len(browser.find_elements(By.CSS_SELECTOR, ".chart.is-drawn")) == 4
    badges = [b for b in browser.find_elements(By.CSS_SELECTOR, ".badge--provisional") if b.is_displayed()]
    assert badges and all(b.text.startswith("provisional, to 1 Dec") for b in badges)
    # The figures carry it too: Plotly drew the subtitle into the trend's SVG.
    trend_title = browser.execute_script(
        "return document.querySelector('#chart-trend .gtitle') && document.querySelector('#chart-trend .gtitle')"
        ".textContent")
    assert trend_title == "provisional, to 1 Dec 2026"
    # The trend draws the running year and the year before on the same window as its own dashed pair.
    names = browser.execute_script("return document.getElementById('chart-trend').data.map(t => t.name)")
    assert any("1 Jan–1 Dec" in name for name in names)
    screenshot("overview-provisional")
    browser.execute_script("document.getElementById('trend').scrollIntoView()")
    screenshot("trend-same-window")
    assert console_errors(browser) == []
    assert_only_local_requests(browser, base)
