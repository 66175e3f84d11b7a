"""The conference form on a phone (390 px) and on a desktop (1,400 px): its fieldsets stay on the screen, every
check box keeps its label beside it (in Vietnamese, the longest), and a tap on a label ticks its box."""
from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.browser.test_dashboard_browser import log_in
from tests.factories import UnitFactory, UserFactory

pytestmark = [pytest.mark.browser]

WIDTHS = {"phone": 390, "desktop": 1400}
LONG_NAME = "Văn phòng Ủy ban nhân dân thành phố Hà Nội và các cơ quan chuyên môn, đơn vị sự nghiệp trực thuộc"

LAYOUT = """
const width = window.innerWidth, boxes = [], sets = [], fields = [];
for (const f of document.querySelectorAll("form.card fieldset")) {
  const r = f.getBoundingClientRect(), legend = f.querySelector("legend").getBoundingClientRect();
  sets.push({left: r.left, right: r.right, legendRight: legend.right});
  for (const c of f.querySelectorAll("input, select, textarea")) {
    const cr = c.getBoundingClientRect();
    fields.push({name: c.name, inside: cr.left >= r.left && cr.right <= r.right});
  }
}
for (const box of document.querySelectorAll("form.card input[type=checkbox]")) {
  const b = box.getBoundingClientRect(), l = document.querySelector(`label[for="${box.id}"]`).getBoundingClientRect();
  boxes.push({name: box.name, besideIt: l.left >= b.right && l.top < b.bottom && b.top < l.bottom,
              labelRight: l.right, size: b.width});
}
return {width: width, scrollWidth: document.documentElement.scrollWidth, sets: sets, fields: fields, boxes: boxes};
"""


@pytest.mark.parametrize("size", WIDTHS)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_conference_form_fits_the_screen_with_every_label_beside_its_box(live_server, browser, screenshot,
                                                                              tree, size):
    UnitFactory(code="01-UB", name=LONG_NAME, level="provincial", kind="agency", parent=tree["01"])
    UserFactory(username="form-officer", role="entry", unit=tree["01"])
    width = WIDTHS[size]
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
    log_in(browser, live_server.url, "form-officer")
    browser.get(f"{live_server.url}/conferences/new/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    for language in ("en", "vi"):
        if language == "vi":  # Vietnamese, the users' language, has the longest labels
            browser.find_element(By.CSS_SELECTOR, "button.lang-switch__btn[value=vi]").click()
            browser.get(f"{live_server.url}/conferences/new/")
            assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi"
        layout = browser.execute_script(LAYOUT)
        assert layout["width"] == width and layout["scrollWidth"] <= width, layout  # nothing sideways
        assert len(layout["sets"]) == 3
        for fieldset in layout["sets"]:
            assert 0 <= fieldset["left"] and fieldset["right"] <= width and fieldset["legendRight"] <= fieldset["right"]
        assert all(field["inside"] for field in layout["fields"]), layout["fields"]
        assert len(layout["boxes"]) == 3
        for box in layout["boxes"]:
            assert box["besideIt"] and box["labelRight"] <= width, box
            assert box["size"] >= (20 if width < 600 else 18)  # a box a finger can hit on a phone
        browser.execute_script("document.querySelectorAll('form.card fieldset')[1].scrollIntoView()")
        screenshot(f"{size}-{language}")

    # a tap on a label ticks its box, and the exception reference comes alive with it
    reference = browser.find_element(By.ID, "id_exception_ref").find_element(By.XPATH, "./ancestor::div[contains(@class, 'field')]")
    assert "is-dimmed" in reference.get_attribute("class")
    browser.find_element(By.CSS_SELECTOR, "label[for=id_exception_approved]").click()
    assert browser.find_element(By.ID, "id_exception_approved").is_selected()
    assert "is-dimmed" not in reference.get_attribute("class")
