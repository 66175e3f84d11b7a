"""The unit picker on the pages: its search endpoint (scoped, nothing for anonymous users), the record and archive
forms (a select of few units, a code-or-name box for many), the list filters by unit name, and the admin's
autocomplete."""
from __future__ import annotations

import re

import pytest
from django.test import Client

from documents.models import Document
from reform.forms import UnitChoiceField
from tests.factories import PASSWORD, DocumentFactory, UnitFactory


def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def search(client, q, scope="visible"):
    return client.get("/units/search/", {"q": q, "scope": scope})


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


# --- the endpoint ---------------------------------------------------------------------------------------------

def test_anonymous_users_get_no_unit(client, tree):
    response = search(client, "ha noi")
    assert response.status_code == 403 and response.json()["results"] == []


def test_an_officer_finds_only_units_of_their_subtree(officer_hn, tree):
    client = login(officer_hn)
    assert codes(search(client, "hoan kiem")) == ["00070"]
    assert codes(search(client, "sai gon")) == [] and codes(search(client, "26734")) == []
    row = search(client, "HOÀN KIẾM").json()["results"][0]
    assert row == {"id": tree["00070"].pk, "code": "00070", "name": "Phường Hoàn Kiếm",
                   "label": "Phường Hoàn Kiếm (00070)", "detail": "Thành phố Hà Nội"}


def test_a_commune_officer_edits_only_their_commune(officer_commune, tree):
    client = login(officer_commune)
    assert codes(search(client, "", scope="editable")) == ["00070"]
    assert codes(search(client, "ba dinh", scope="editable")) == []


def test_a_reviewer_sees_every_unit_but_edits_none(reviewer, tree):
    client = login(reviewer)
    assert codes(search(client, "sai gon")) == ["26734"]
    assert codes(search(client, "sai gon", scope="editable")) == []


def test_the_export_scope_offers_a_reviewer_the_nation_and_provinces_only(reviewer, officer_hn, tree):
    client = login(reviewer)
    assert codes(search(client, "ha noi", scope="export")) == ["01"]
    assert codes(search(client, "hoan kiem", scope="export")) == []
    assert codes(search(login(officer_hn), "hoan kiem", scope="export")) == ["00070"]


def test_an_empty_query_lists_the_top_of_the_scope_and_an_unknown_scope_is_refused(officer_hn, tree):
    client = login(officer_hn)
    assert codes(search(client, ""))[0] == "01"
    assert search(client, "x", scope="everything").status_code == 400


def test_a_nul_byte_or_a_very_long_query_is_harmless(officer_hn, tree):
    client = login(officer_hn)
    assert codes(search(client, "hoan\x00 kiem")) == ["00070"]
    assert codes(search(client, "x" * 5000)) == []


def test_the_endpoint_runs_a_fixed_number_of_queries(officer_hn, tree, django_assert_max_num_queries):
    for n in range(30):
        UnitFactory(code=f"99{n:03d}", name=f"Xã Thử {n}", level="commune", parent=tree["01"])
    client = login(officer_hn)
    with django_assert_max_num_queries(5):  # session, user, units, provinces
        assert len(codes(search(client, "xa thu"))) == 20


# --- the forms ------------------------------------------------------------------------------------------------

def _unit_control(page: str) -> str:
    match = re.search(r'<(select|input)[^>]*name="unit"[^>]*>', page)
    assert match, "no unit control"
    end = page.index("</select>", match.start()) if match.group(1) == "select" else match.end()
    return page[match.start():end]


def test_a_few_units_are_a_plain_select_the_picker_enhances(officer_hn, tree):
    control = _unit_control(login(officer_hn).get("/documents/new/").content.decode())
    assert control.startswith("<select") and "data-unit-picker" in control
    assert 'data-search-url="/units/search/?scope=editable"' in control and 'data-value-field="id"' in control
    assert f'<option value="{tree["00070"].pk}"' in control and "26734" not in control
    assert "Phường Hoàn Kiếm" not in control.split("data-current=")[0]  # the choices are the options
    assert "&quot;code&quot;: &quot;01&quot;" in control  # the officer's own unit is the current one


@pytest.fixture
def many_units(monkeypatch):
    """Pretend every scope is large: the record form's unit becomes a text box taking a code or a name."""
    monkeypatch.setattr(UnitChoiceField, "INLINE_LIMIT", 2)


def document_post(unit_value, number="15/QĐ-UBND"):
    return {"unit": unit_value, "number": number, "doc_type": "QĐ", "title": "Quyết định về cải cách",
            "issued_on": "2025-05-02", "is_digitized": "on", "sent_electronically": "on"}


def test_many_units_are_a_text_box_with_no_options(officer_hn, tree, many_units):
    control = _unit_control(login(officer_hn).get("/documents/new/").content.decode())
    assert control.startswith("<input") and 'type="text"' in control and 'value="01"' in control
    assert 'data-value-field="code"' in control and "<option" not in control


@pytest.mark.parametrize("typed", ["00070", "hoan kiem", "Phường Hoàn Kiếm", " HOÀN KIẾM "])
def test_without_javascript_a_code_or_a_name_chooses_the_unit(officer_hn, tree, many_units, typed):
    response = login(officer_hn).post("/documents/new/", document_post(typed))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Document.objects.get().unit == tree["00070"]


def test_a_name_several_units_share_asks_for_the_code(officer_hn, tree, many_units):
    response = login(officer_hn).post("/documents/new/", document_post("phuong"))
    page = response.content.decode()
    assert response.status_code == 200 and not Document.objects.exists()
    assert "00070 Phường Hoàn Kiếm" in page and "00004 Phường Ba Đình" in page
    assert 'value="phuong"' in _unit_control(page)  # what was typed is kept


def test_a_unit_outside_the_officer_s_subtree_is_refused_by_name_and_by_code(officer_hn, tree, many_units):
    client = login(officer_hn)
    for typed in ("Sài Gòn", "26734"):
        response = client.post("/documents/new/", document_post(typed))
        assert response.status_code == 200
        assert f"Không có đơn vị nào bạn được chọn có tên hoặc mã “{typed}”." in response.content.decode()
    assert not Document.objects.exists()


def test_the_edit_page_shows_the_record_s_unit_in_the_text_box(officer_hn, tree, many_units):
    document = DocumentFactory(unit=tree["00004"])
    control = _unit_control(login(officer_hn).get(f"/documents/{document.pk}/edit/").content.decode())
    assert 'value="00004"' in control and "Phường Ba Đình (00004)" in control


def test_the_archive_form_uses_the_picker_with_the_export_scope(officer_hn, tree):
    control = _unit_control(login(officer_hn).get("/reports/archive/").content.decode())
    assert "data-unit-picker" in control and "scope=export" in control


# --- the list filters -----------------------------------------------------------------------------------------

@pytest.fixture
def documents(tree):
    return {code: DocumentFactory(unit=tree[code], number=f"{n}/QĐ-UBND", title=f"Văn bản {code}")
            for n, code in enumerate(["01", "00070", "00004", "01-VP", "26734"], start=1)}


def listed(client, **params) -> set[str]:
    response = client.get("/documents/", params)
    assert response.status_code == 200
    return {document.unit.code for document in response.context["object_list"]}


def test_the_list_filters_by_unit_name_or_code_with_its_subtree(reviewer, documents):
    client = login(reviewer)
    assert listed(client, subtree="hoan kiem") == {"00070"}
    assert listed(client, subtree="00070") == {"00070"}
    assert listed(client, subtree="Hà Nội") == {"01", "00070", "00004", "01-VP"}  # the province wins (exact name)
    assert listed(client, subtree="phuong") == {"00070", "00004", "26734"}  # every unit so named
    assert listed(client, subtree="nowhere") == set()


def test_an_officer_s_name_filter_never_reaches_another_province(officer_hn, documents):
    client = login(officer_hn)
    assert listed(client, subtree="sai gon") == set()
    assert listed(client, subtree="phuong") == {"00070", "00004"}


def test_a_name_too_many_units_share_asks_for_more(reviewer, documents, monkeypatch):
    monkeypatch.setattr("reform.filtersets.SEARCH_LIMIT", 1)
    monkeypatch.setattr("reform.unitsearch.SEARCH_LIMIT", 1)
    response = login(reviewer).get("/documents/", {"subtree": "phuong"})
    page = response.content.decode()
    assert response.status_code == 200 and not response.context["object_list"]
    assert "phuong" in page[page.index('class="errorlist'):]


def test_the_filter_input_carries_the_picker_and_its_current_unit(reviewer, documents):
    page = login(reviewer).get("/documents/", {"subtree": "00070"}).content.decode()
    start = page.rindex("<input", 0, page.index('id="f-subtree"'))
    control = page[start:page.index(">", start) + 1]
    assert "data-unit-picker" in control and 'data-value-field="code"' in control and "scope=visible" in control
    assert "Phường Hoàn Kiếm (00070)" in control


def test_the_api_subtree_filter_takes_a_name_too(reviewer, documents):
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(reviewer)[1]}")
    rows = client.get("/api/v1/documents/", {"subtree": "hoan kiem"}).json()["results"]
    assert {row["unit"] for row in rows} == {documents["00070"].unit_id}
    assert client.get("/api/v1/units/", {"q": "sai gon"}).json()["results"][0]["code"] == "26734"


# --- the admin ------------------------------------------------------------------------------------------------

def test_the_admin_chooses_units_with_its_autocomplete_searching_names_without_diacritics(administrator, tree):
    client = login(administrator)
    page = client.get("/admin/documents/document/add/").content.decode()
    control = page[page.index('name="unit"') - 300:page.index("</select>", page.index('name="unit"'))]
    assert "admin-autocomplete" in control and "26734" not in control  # no option per unit
    response = client.get("/admin/autocomplete/", {"app_label": "documents", "model_name": "document",
                                                   "field_name": "unit", "term": "hoan kiem"})
    assert [row["text"] for row in response.json()["results"]] == ["00070 Phường Hoàn Kiếm"]
    units = client.get("/admin/reform/unit/", {"q": "sai gon"}).content.decode()
    assert "Phường Sài Gòn" in units and "Phường Hoàn Kiếm" not in units
