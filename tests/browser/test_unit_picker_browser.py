"""The unit picker in a real browser, on a phone (390 px) and a desktop (1,400 px): type a name without diacritics,
choose the unit (shown with its province), and the form or the list filter takes it; no policy violation."""
from __future__ import annotations

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from documents.models import Document
from tests.browser.test_csp_browser import csp_violations
from tests.browser.test_dashboard_browser import log_in
from tests.factories import DocumentFactory, UserFactory

pytestmark = [pytest.mark.browser]
WIDTHS = [390, 1400]


def type_and_choose(driver, select_id: str, text: str, value: str) -> str:
    """Type `text` into the picker of `select_id`, wait for the option of `value`, choose it; its text is returned."""
    focus_picker(driver, select_id).send_keys(text)
    css = f".ts-dropdown .option[data-value='{value}']"
    shown = WebDriverWait(driver, 20, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: d.find_element(By.CSS_SELECTOR, css).text)
    click_option(driver, css)
    return shown


def click_option(driver, css: str) -> None:
    """Click an option; the list is drawn again when the server's answer arrives, so a vanished option is found
    again."""
    def click(d):
        d.find_element(By.CSS_SELECTOR, css).click()
        return True

    WebDriverWait(driver, 20, ignored_exceptions=(StaleElementReferenceException,)).until(click)


def focus_picker(driver, select_id: str):
    """Click the picker's box (as a person would) and return the focused search input."""
    box = WebDriverWait(driver, 20).until(EC.element_to_be_clickable(
        (By.CSS_SELECTOR, f"#{select_id}-ts-control, #{select_id} + .ts-wrapper .ts-control")))
    driver.find_element(By.CSS_SELECTOR, f"#{select_id} + .ts-wrapper .ts-control").click()
    focused = driver.switch_to.active_element
    assert focused.get_attribute("id") == f"{select_id}-ts-control"
    return focused


def no_horizontal_scroll(driver) -> bool:
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_officer_types_a_commune_s_name_and_records_a_document_for_it(live_server, browser, screenshot, tree, width):
    UserFactory(username="picker-officer", role="entry", unit=tree["01"])
    browser.set_window_size(width, 1000)
    base = live_server.url
    log_in(browser, base, "picker-officer")
    browser.get(f"{base}/documents/new/")
    # The officer's own unit is chosen to begin with, shown by name.
    item = WebDriverWait(browser, 20).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".ts-control .item")))
    assert item.text == "Thành phố Hà Nội (01)"

    focus_picker(browser, "id_unit").send_keys("hoan kiem")
    css = f".ts-dropdown .option[data-value='{tree['00070'].pk}']"
    # The server's answer: Hoàn Kiếm with its code and province (Ba Đình and the province are filtered out).
    WebDriverWait(browser, 20, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: "Thành phố Hà Nội" in d.find_element(By.CSS_SELECTOR, css).text
        and len(d.find_elements(By.CSS_SELECTOR, ".ts-dropdown .option")) == 1)
    text = browser.find_element(By.CSS_SELECTOR, css).text
    assert "Phường Hoàn Kiếm" in text and "00070" in text
    assert no_horizontal_scroll(browser)
    screenshot(f"picker-open-{width}")
    click_option(browser, css)
    assert browser.execute_script("return document.getElementById('id_unit').value") == str(tree["00070"].pk)

    browser.find_element(By.NAME, "number").send_keys("15/QĐ-UBND")
    browser.execute_script("document.getElementById('id_doc_type').value = 'QĐ';"
                           "document.getElementById('id_issued_on').value = '2025-05-02';")
    browser.find_element(By.NAME, "title").send_keys("Quyết định về cải cách")
    screenshot(f"picker-chosen-{width}")
    browser.find_element(By.NAME, "title").submit()
    WebDriverWait(browser, 20).until(lambda d: "/documents/new/" not in d.current_url)
    assert Document.objects.get().unit == tree["00070"]
    assert csp_violations(browser) == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_reviewer_filters_the_register_by_typing_a_unit_s_name(live_server, browser, screenshot, tree, width):
    UserFactory(username="picker-reviewer", role="reviewer", unit=None)
    DocumentFactory(unit=tree["00004"], number="1/QĐ-UBND", title="Văn bản của Ba Đình")
    DocumentFactory(unit=tree["26734"], number="2/QĐ-UBND", title="Văn bản của Sài Gòn")
    browser.set_window_size(width, 1000)
    base = live_server.url
    log_in(browser, base, "picker-reviewer")
    browser.get(f"{base}/documents/")
    shown = type_and_choose(browser, "f-subtree", "ba dinh", "00004")
    assert "Phường Ba Đình" in shown and "Thành phố Hà Nội" in shown
    # Choosing filters at once (the list reloads with the unit's code).
    WebDriverWait(browser, 20).until(lambda d: "subtree=00004" in d.current_url)
    table = browser.find_element(By.ID, "document-table").text
    assert "Văn bản của Ba Đình" in table and "Văn bản của Sài Gòn" not in table
    item = WebDriverWait(browser, 20).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".ts-control .item")))
    assert item.text == "Phường Ba Đình (00004)"
    assert no_horizontal_scroll(browser)
    screenshot(f"filter-chosen-{width}")
    assert csp_violations(browser) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_javascript_the_filter_takes_a_typed_name(live_server, browser, tree):
    """JavaScript off: the filter is a plain text box, and a typed name filters all the same."""
    UserFactory(username="picker-nojs", role="reviewer", unit=None)
    DocumentFactory(unit=tree["00004"], number="1/QĐ-UBND", title="Văn bản của Ba Đình")
    DocumentFactory(unit=tree["26734"], number="2/QĐ-UBND", title="Văn bản của Sài Gòn")
    base = live_server.url
    log_in(browser, base, "picker-nojs")
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    browser.get(f"{base}/documents/")
    box = browser.find_element(By.ID, "f-subtree")
    assert box.tag_name == "input" and not browser.find_elements(By.CSS_SELECTOR, ".ts-wrapper")
    box.send_keys("Ba Đình")
    box.submit()
    WebDriverWait(browser, 20).until(lambda d: "subtree=" in d.current_url)
    table = browser.find_element(By.ID, "document-table").text
    assert "Văn bản của Ba Đình" in table and "Văn bản của Sài Gòn" not in table
