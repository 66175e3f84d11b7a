"""The Content-Security-Policy in a real browser: the dashboard's Plotly charts and the Swagger docs work under it."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.test_dashboard_browser import dashboard_data, log_in, wait_for_plots  # noqa: F401 - fixture
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser]


def csp_violations(driver) -> list[str]:
    """Console entries since the last call that say the policy refused something."""
    return [e["message"] for e in driver.get_log("browser")
            if "Content Security Policy" in e["message"] or "Refused to" in e["message"]]


def page_policy(driver) -> str:
    return driver.execute_script(
        "return fetch(location.href, {credentials: 'same-origin'}).then(r => r.headers.get('content-security-policy'))")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_national_dashboard_draws_its_charts_with_no_policy_violation(live_server, browser, screenshot, dashboard_data):  # noqa: F811
    UserFactory(username="csp-reviewer", role="reviewer", unit=None)
    base = live_server.url
    log_in(browser, base, "csp-reviewer")
    assert csp_violations(browser) == []
    browser.get(f"{base}/dashboard/?year=2026&period=Y")
    wait_for_plots(browser, "#chart-provinces")
    wait_for_plots(browser, "#chart-status-shares")
    assert len(browser.find_elements(By.CSS_SELECTOR, ".chart.is-drawn")) == 4
    # hovering makes Plotly draw its tooltip and inject styles
    browser.execute_script("document.querySelector('#chart-status-shares .nsewdrag')"
                           ".dispatchEvent(new MouseEvent('mousemove', {bubbles: true, clientX: 300, clientY: 300}))")
    screenshot("dashboard-under-csp")
    assert "script-src 'self'" in page_policy(browser)
    assert csp_violations(browser) == []

    # the policy is enforced: a script written into the page does not run, and the browser says so
    ran = browser.execute_script(
        "const s = document.createElement('script'); s.textContent = 'window.__inline = 1;';"
        "document.body.appendChild(s); return window.__inline === 1;")
    assert ran is False
    assert any("script-src" in v for v in csp_violations(browser))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_swagger_docs_work_under_the_policy(live_server, browser, screenshot, tree):
    UserFactory(username="csp-officer", role="entry", unit=tree["01"])
    base = live_server.url
    log_in(browser, base, "csp-officer")
    browser.get(f"{base}/api/docs/")
    WebDriverWait(browser, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".swagger-ui .opblock-summary-path"))
    paths = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".swagger-ui .opblock-summary-path")]
    assert any("/api/v1/auth/token/" in p for p in paths)
    screenshot("swagger-under-csp")
    assert csp_violations(browser) == []
