"""One document is counted once: a number is compared normalised (case, spaces, trailing punctuation, NFC).

With `456/QĐ-UBND` registered for unit 01 in 2026, `456/qđ-ubnd`, `456/QĐ-UBND.` and `456/QĐ-ubnd` are the
same document: refused on the `number` field like an exact duplicate (API, web form, model, database),
so the compliance engine counts one. Numbers are still stored as written.
"""
import datetime
import itertools
import unicodedata
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from documents.models import Document
from reform import services
from reporting.services import compliance_compute
from tests.api.conftest import client_for, document_payload  # noqa: F401 - fixture
from tests.factories import DocumentFactory
from tests.reporting.helpers import result, seeded  # noqa: F401 - fixture
from tests.web.conftest import hn_client  # noqa: F401 - fixture

REGISTERED = "456/QĐ-UBND"
VARIANTS = ["456/qđ-ubnd", "456/QĐ-UBND.", "456/QĐ-ubnd"]
ISSUED = datetime.date(2026, 3, 10)
_spare = itertools.count(900)


@pytest.fixture
def registered(tree):
    return DocumentFactory(unit=tree["01"], number=REGISTERED, issued_on=ISSUED)


@pytest.fixture
def api(client_for, officer_hn):  # noqa: F811
    return client_for(officer_hn)


def _post(api, unit, number, on=ISSUED):
    payload = document_payload(unit, number=number, issued_on=on.isoformat())
    return api.post("/api/v1/documents/", payload, format="json")


def _exact_duplicate_message(api, unit) -> list[str]:
    response = _post(api, unit, REGISTERED)
    assert response.status_code == 400, response.content
    return response.json()["number"]


@pytest.mark.parametrize("variant", [*VARIANTS, unicodedata.normalize("NFD", "456/Qđ-Ubnd . ")])
def test_the_api_refuses_a_number_written_differently_with_the_exact_duplicates_error(api, registered, variant):
    expected = _exact_duplicate_message(api, registered.unit)
    history = Document.history.count()
    response = _post(api, registered.unit, variant)
    assert response.status_code == 400, response.content
    assert response.json() == {"number": expected}
    assert list(Document.objects.values_list("number", flat=True)) == [REGISTERED]
    assert Document.history.count() == history


def test_the_api_refuses_an_update_into_a_variant_of_another_number(api, registered):
    other = DocumentFactory(unit=registered.unit, number="457/QĐ-UBND", issued_on=ISSUED)
    response = api.patch(f"/api/v1/documents/{other.pk}/", {"number": "456/qđ-ubnd."}, format="json")
    assert response.status_code == 400 and "number" in response.json(), response.content
    assert Document.objects.get(pk=other.pk).number == "457/QĐ-UBND"


def test_a_document_may_change_the_way_its_own_number_is_written(api, registered):
    response = api.patch(f"/api/v1/documents/{registered.pk}/", {"number": "456/qđ-ubnd"}, format="json")
    assert response.status_code == 200, response.content
    assert Document.objects.get(pk=registered.pk).number == "456/qđ-ubnd"


def test_the_number_is_stored_and_shown_as_written(api, tree):
    response = _post(api, tree["01"], "456/qđ-Ubnd.")
    assert response.status_code == 201, response.content
    assert response.json()["number"] == "456/qđ-Ubnd."
    document = Document.objects.get()
    assert (document.number, document.number_key) == ("456/qđ-Ubnd.", "456/qđ-ubnd")


def test_a_variant_is_accepted_in_another_unit_or_another_year(api, registered, tree):
    assert _post(api, tree["00070"], "456/qđ-ubnd").status_code == 201
    assert _post(api, tree["01"], "456/qđ-ubnd", datetime.date(2025, 3, 10)).status_code == 201
    assert Document.objects.count() == 3


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_web_form_refuses_a_variant_on_the_number_field(hn_client, registered, variant):  # noqa: F811
    data = {"unit": registered.unit.pk, "number": variant, "doc_type": "QĐ", "title": "Quyết định",
            "issued_on": ISSUED.isoformat(), "is_digitized": "on"}
    exact = hn_client.post(reverse("documents:document_create"), {**data, "number": REGISTERED})
    response = hn_client.post(reverse("documents:document_create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors.get("number")
    assert errors and errors == exact.context["form"].errors["number"]
    assert Document.objects.count() == 1


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_database_itself_refuses_a_variant(registered, variant):
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentFactory(unit=registered.unit, number=variant, issued_on=ISSUED)
    with pytest.raises(IntegrityError), transaction.atomic():  # bulk_create fills the key too
        Document.objects.bulk_create([Document(unit=registered.unit, number=variant, doc_type_id="QĐ", title="x",
                                               issued_on=ISSUED, year=2026)])


def test_full_clean_reports_a_variant_on_the_number_field(registered):
    duplicate = Document(unit=registered.unit, number="456/QĐ-ubnd", doc_type_id="QĐ", title="x", issued_on=ISSUED)
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    assert list(caught.value.message_dict) == ["number"]


@pytest.mark.usefixtures("seeded")
def test_the_engine_counts_one_document_when_its_variants_were_posted(api, tree):
    DocumentFactory(unit=tree["01"], number="1/QĐ-UBND", issued_on=datetime.date(2025, 3, 10))
    DocumentFactory(unit=tree["01"], number="2/QĐ-UBND", issued_on=datetime.date(2025, 3, 11))
    statuses = [_post(api, tree["01"], number).status_code for number in [REGISTERED, *VARIANTS]]
    assert statuses == [201, 400, 400, 400]
    compliance_compute(year=2026, unit=tree["01"])
    row = result(tree["01"], "DOC_REDUCTION", year=2026)
    assert (row.numerator, row.baseline, row.value) == (1, 2, Decimal("0.5000"))


# --- documents registered twice before the rule --------------------------------------------------------------

def _repeat(registered, number: str) -> Document:
    """A document that repeats `registered` once normalised, as one written before the rule is (its own key)."""
    document = DocumentFactory(unit=registered.unit, number=f"{next(_spare)}/QĐ-UBND", issued_on=ISSUED)
    Document.objects.filter(pk=document.pk).update(number=number)  # update() bypasses the key, like old rows
    document.refresh_from_db()
    return document


def test_find_duplicate_numbers_lists_the_repeated_numbers_as_written_with_their_ids(registered, tree, capsys):
    first, second = _repeat(registered, "456/qđ-ubnd"), _repeat(registered, "456/QĐ-UBND.")
    DocumentFactory(unit=tree["01"], number="457/QĐ-UBND", issued_on=ISSUED)  # not repeated
    DocumentFactory(unit=tree["01"], number="456/qđ-ubnd", issued_on=datetime.date(2025, 3, 1))  # another year
    call_command("find_duplicate_numbers")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (f"01\t2026\t'456/QĐ-UBND' (id {registered.pk}), '456/qđ-ubnd' (id {first.pk}), "
                      f"'456/QĐ-UBND.' (id {second.pk})")
    assert "1 number(s) registered more than once, 3 documents" in out[1]
    assert len(out) == 2
    assert Document.objects.count() == 5  # nothing merged or deleted


def test_find_duplicate_numbers_says_so_when_there_is_none(registered, capsys):
    call_command("find_duplicate_numbers", "--unit", "01", "--year", "2026")
    assert capsys.readouterr().out.strip() == "No document number is registered twice."


def test_find_duplicate_numbers_looks_only_in_the_unit_and_year_given(registered, tree, capsys):
    _repeat(registered, "456/qđ-ubnd")
    call_command("find_duplicate_numbers", "--unit", "79")
    call_command("find_duplicate_numbers", "--year", "2025")
    call_command("find_duplicate_numbers", "--unit", "TW", "--year", "2026")
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == ["No document number is registered twice."] * 2
    assert out[2].startswith("01\t2026\t")


def test_a_repeated_document_cannot_be_edited_until_its_number_is_made_distinct(registered, officer_hn):
    repeat = _repeat(registered, "456/qđ-ubnd")
    with pytest.raises(ValidationError) as caught:
        services.record_update(instance=repeat, user=officer_hn, data={"title": "Quyết định (sửa)"})
    assert list(caught.value.message_dict) == ["number"]
    repeat.refresh_from_db()
    services.record_update(instance=repeat, user=officer_hn, data={"number": "456A/QĐ-UBND", "title": "Sửa"})
    assert Document.objects.values_list("number", "number_key").get(pk=repeat.pk) == ("456A/QĐ-UBND", "456a/qđ-ubnd")


def test_the_refusal_of_a_variant_is_in_the_users_language(api, registered):
    payload = document_payload(registered.unit, number="456/qđ-ubnd", issued_on=ISSUED.isoformat())
    response = api.post("/api/v1/documents/", payload, format="json")  # Vietnamese: the default
    assert response.status_code == 400
    assert response.json() == {"number": ["Đơn vị này đã đăng ký một văn bản có số này trong năm."]}


def test_the_admin_refuses_a_variant_on_the_number_field(registered, administrator):
    from django.test import Client

    client = Client()
    client.force_login(administrator)
    data = {"unit": registered.unit.pk, "number": "456/QĐ-ubnd", "doc_type": "QĐ", "title": "Quyết định",
            "issued_on": ISSUED.isoformat()}
    response = client.post(reverse("admin:documents_document_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["number"]
    assert Document.objects.count() == 1
