"""The document form's live symbol hint in a real browser, on a phone and on a desktop: it judges a number and symbol as
the server does (documents/symbols.py), for every Vietnamese letter, because it runs the server's own rules."""
from __future__ import annotations

import datetime
import json
import re
import unicodedata

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from documents.models import DocumentType
from documents.rules import document_rules
from documents.symbols import _PARTY, _STATE, parse_symbol
from tests.browser.test_dashboard_browser import log_in
from tests.browser.test_csp_browser import csp_violations
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser]

WIDTHS = {"phone": 390, "desktop": 1400}
UNKNOWN = "Số 12 ngày 5/3"
SYMBOLS = ["456/QĐ-UBND", "226-KL/TW", "123/UBND-VP", UNKNOWN, "7-ctr/TU", "05/2025/NQ-HĐND",
           unicodedata.normalize("NFD", "12/QĐ-HĐND"), "3/QD\u0336-UBND", " 9 / qđ - ubnd ", "12/2025/UBND-VP"]


def server_verdict(number: str, chosen: str | None) -> tuple[str, str]:
    """What the server says of the number with the chosen type: (verdict, implied type) as the hint shows them."""
    codes = list(DocumentType.objects.values_list("code", flat=True))
    errors, facts = document_rules(number=number, doc_type=chosen, issued_on=None, type_codes=codes,
                                   today=datetime.date.today())
    if facts.needs_review:
        return "unparsed", ""
    implied = parse_symbol(number, codes).implied_type
    return ("mismatch" if "number" in errors else "ok"), implied


def open_form(browser, base: str, width: int) -> None:
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600})
    browser.get(f"{base}/documents/new/")
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "symbol-hint"))
    assert browser.execute_script("return window.innerWidth") == width


def type_symbol(browser, text: str, chosen: str = "") -> dict:
    """Empty the field, choose the type (or none), type the symbol as a person does, and read the hint."""
    field = browser.find_element(By.ID, "id_number")
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.DELETE)  # a person's deletion: an input event, so the hint forgets the last symbol
    Select(browser.find_element(By.ID, "id_doc_type")).select_by_value(chosen)
    field.send_keys(text)
    hint = browser.find_element(By.ID, "symbol-hint")
    return {"verdict": hint.get_attribute("data-verdict"), "type": hint.get_attribute("data-type"),
            "text": hint.text, "class": hint.get_attribute("class"), "visible": hint.is_displayed(),
            "right": browser.execute_script("return arguments[0].getBoundingClientRect().right", hint),
            "chosen": Select(browser.find_element(By.ID, "id_doc_type")).first_selected_option.get_attribute("value")}


@pytest.mark.parametrize("size", WIDTHS)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_hint_agrees_with_the_server_for_every_form_of_symbol(live_server, browser, screenshot, tree, size):
    UserFactory(username="hint-officer", role="entry", unit=tree["01"])
    log_in(browser, live_server.url, "hint-officer")
    open_form(browser, live_server.url, WIDTHS[size])
    for text in SYMBOLS:
        verdict, implied = server_verdict(text, None)
        hint = type_symbol(browser, text)
        assert (hint["verdict"], hint["type"]) == (verdict, implied), text
        assert hint["visible"] and hint["right"] <= WIDTHS[size], text
        if verdict == "ok":  # no type chosen yet: the hint picks the one the symbol implies, as the server would
            assert hint["chosen"] == implied and implied in hint["text"] and "is-ok" in hint["class"], text
        else:
            assert "is-warn" in hint["class"] and hint["text"], text
    assert server_verdict("456/QĐ-UBND", None) == ("ok", "QĐ")  # the case the old ASCII-only hint called unknown
    screenshot(f"{size}-unknown-symbol")

    # A chosen type the symbol contradicts: the hint says so, and so does the server on the same page.
    assert server_verdict("456/QĐ-UBND", "NQ") == ("mismatch", "QĐ")
    hint = type_symbol(browser, "456/QĐ-UBND", chosen="NQ")
    assert (hint["verdict"], hint["type"], hint["chosen"]) == ("mismatch", "QĐ", "NQ")
    browser.find_element(By.ID, "id_title").send_keys("Quyết định về cải cách hành chính")
    browser.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".field.has-error .errorlist"))
    error = browser.find_element(By.CSS_SELECTOR, ".field.has-error .errorlist").text
    assert "QĐ" in error and "NQ" in error
    hint = browser.find_element(By.ID, "symbol-hint")
    assert (hint.get_attribute("data-verdict"), hint.get_attribute("data-type")) == ("mismatch", "QĐ")
    screenshot(f"{size}-server-and-hint-agree")
    assert csp_violations(browser) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_type_code_folds_as_python_casefold_does(live_server, browser, tree):
    # ß folds to "ss" (not to its lower case, ß): a type "TSS" is written "Tß" in a symbol, by the server's rule.
    DocumentType.objects.create(code="TSS", name_vi="Thử", name_en="Test")
    UserFactory(username="fold-officer", role="entry", unit=tree["01"])
    log_in(browser, live_server.url, "fold-officer")
    open_form(browser, live_server.url, WIDTHS["desktop"])
    for text in ("4-Tß/TU", "4-tſs/TU", "4-TSS/TU"):
        assert server_verdict(text, None) == ("ok", "TSS"), text
        hint = type_symbol(browser, text)
        assert (hint["verdict"], hint["type"]) == ("ok", "TSS"), text


# Every code point that both Python and the browser know: the page's patterns accept it exactly where the server's do.
PROBES = {
    "letter": ("1-{}/TW", _PARTY, "party"),  # the type part: letters
    "digit": ("{}-KL/TW", _PARTY, "party"),  # the number: decimal digits
    "nonspace": ("1/QĐ-U{}", _STATE, "state"),  # the issuer: anything but a space
}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_served_patterns_hold_the_same_characters_as_the_servers(live_server, browser, tree):
    UserFactory(username="sets-officer", role="entry", unit=tree["01"])
    log_in(browser, live_server.url, "sets-officer")
    open_form(browser, live_server.url, WIDTHS["desktop"])
    # Compared where both know the character: Unicode assigns new ones in each version, at its own pace on each side.
    ranges = browser.execute_script("""
        const unassigned = /^\\p{Cn}$/u, out = [];
        for (let cp = 0; cp <= 0x10FFFF; cp++) {
          if (!unassigned.test(String.fromCodePoint(cp))) continue;
          if (out.length && out[out.length - 1][1] === cp - 1) out[out.length - 1][1] = cp; else out.push([cp, cp]);
        }
        return out;""")
    browser_unassigned = {cp for start, end in ranges for cp in range(start, end + 1)}
    known = [cp for cp in range(0x110000) if cp not in browser_unassigned and unicodedata.category(chr(cp)) != "Cn"]
    assert len(known) > 140_000
    for name, (probe, pattern, form) in PROBES.items():
        accepted = browser.execute_script("""
            const rules = JSON.parse(document.getElementById("symbol-rules").textContent);
            const form = new RegExp(rules[arguments[0]], "u"), [before, after] = arguments[1].split("{}");
            return arguments[2].filter(cp => form.test(before + String.fromCodePoint(cp) + after));""",
            form, probe, known)
        server = [cp for cp in known if pattern.match(probe.format(chr(cp)))]
        assert accepted == server, (name, sorted(set(accepted) ^ set(server))[:20])
        assert len(server) > 100  # the probe did reach the set

    # The spaces normalisation removes: str.isspace() on the server.
    rules = json.loads(browser.find_element(By.ID, "symbol-rules").get_attribute("textContent"))
    spaces = browser.execute_script("""
        const space = new RegExp("^" + arguments[0] + "$", "u"), out = [];
        for (let cp = 0; cp <= 0x10FFFF; cp++) if (space.test(String.fromCodePoint(cp))) out.push(cp);
        return out;""", rules["space"])
    assert spaces == [cp for cp in range(0x110000) if chr(cp).isspace()]
    assert re.fullmatch(r"\s", "\u3000") and 0x3000 in spaces
