"""Scoping through the API (SPEC 6): another unit's record is a 404, never the record; reviewers only read."""
import pytest

from tests.factories import DocumentFactory


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_officer_never_sees_another_provinces_records_listed(client_for, officer_hn, tree, resource):
    url, model, factory, payload, update = resource
    own = factory(unit=tree["01"])
    below = factory(unit=tree["00070"])
    other = factory(unit=tree["79"])
    listed = _ids(client_for(officer_hn).get(url, {"page_size": 500}))
    assert listed == {own.pk, below.pk}
    assert other.pk not in listed
    # Even asking for the other unit by filter shows nothing of it.
    assert other.pk not in _ids(client_for(officer_hn).get(url, {"unit_code": "79"}))


def test_officer_gets_404_on_another_provinces_record(client_for, officer_hn, tree, resource):
    url, model, factory, payload, (field, value) = resource
    other = factory(unit=tree["79"])
    before = list(model.objects.filter(pk=other.pk).values())
    client = client_for(officer_hn)
    assert client.get(f"{url}{other.pk}/").status_code == 404
    assert client.patch(f"{url}{other.pk}/", {field: value}, format="json").status_code == 404
    assert client.put(f"{url}{other.pk}/", payload(tree["79"]), format="json").status_code == 404
    assert client.delete(f"{url}{other.pk}/").status_code == 404
    assert list(model.objects.filter(pk=other.pk).values()) == before


def test_officer_cannot_create_for_another_province(client_for, officer_hn, tree, resource):
    url, model, factory, payload, update = resource
    count = model.objects.count()
    response = client_for(officer_hn).post(url, payload(tree["79"]), format="json")
    assert response.status_code == 400
    assert "unit" in response.json()
    assert model.objects.count() == count


def test_officer_cannot_move_a_record_to_another_province(client_for, officer_hn, tree, resource):
    url, model, factory, payload, update = resource
    own = factory(unit=tree["01"])
    response = client_for(officer_hn).patch(f"{url}{own.pk}/", {"unit": tree["79"].pk}, format="json")
    assert response.status_code == 400
    assert "unit" in response.json()
    assert model.objects.get(pk=own.pk).unit_id == tree["01"].pk


def test_officer_creates_reads_updates_and_deletes_in_their_subtree(client_for, officer_hn, tree, resource):
    url, model, factory, payload, (field, value) = resource
    client = client_for(officer_hn)
    created = client.post(url, payload(tree["00070"]), format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert client.get(f"{url}{pk}/").json()["unit"] == tree["00070"].pk
    changed = client.patch(f"{url}{pk}/", {field: value}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()[field] == value
    assert getattr(model.objects.get(pk=pk), field) == value
    replaced = client.put(f"{url}{pk}/", payload(tree["00070"]), format="json")
    assert replaced.status_code == 200, replaced.content
    assert client.delete(f"{url}{pk}/").status_code == 204
    assert not model.objects.filter(pk=pk).exists()


def test_commune_officer_sees_only_their_commune(client_for, officer_commune, tree, resource):
    url, model, factory, payload, update = resource
    own = factory(unit=tree["00070"])
    province = factory(unit=tree["01"])
    neighbour = factory(unit=tree["00004"])
    client = client_for(officer_commune)
    assert _ids(client.get(url)) == {own.pk}
    assert client.get(f"{url}{province.pk}/").status_code == 404
    assert client.get(f"{url}{neighbour.pk}/").status_code == 404
    count = model.objects.count()
    assert client.post(url, payload(tree["01"]), format="json").status_code == 400
    assert model.objects.count() == count


def test_reviewer_reads_everything(client_for, reviewer, tree, resource):
    url, model, factory, payload, update = resource
    records = {factory(unit=tree[code]).pk for code in ("01", "79", "26734", "00070")}
    client = client_for(reviewer)
    assert _ids(client.get(url)) == records
    for pk in records:
        assert client.get(f"{url}{pk}/").status_code == 200


def test_reviewer_gets_403_on_every_write(client_for, reviewer, tree, resource):
    url, model, factory, payload, (field, value) = resource
    record = factory(unit=tree["01"])
    before = list(model.objects.order_by("pk").values())
    client = client_for(reviewer)
    assert client.post(url, payload(tree["01"]), format="json").status_code == 403
    assert client.patch(f"{url}{record.pk}/", {field: value}, format="json").status_code == 403
    assert client.put(f"{url}{record.pk}/", payload(tree["01"]), format="json").status_code == 403
    assert client.delete(f"{url}{record.pk}/").status_code == 403
    assert list(model.objects.order_by("pk").values()) == before


def test_administrator_writes_for_any_unit(client_for, administrator, tree, resource):
    url, model, factory, payload, update = resource
    response = client_for(administrator).post(url, payload(tree["79"]), format="json")
    assert response.status_code == 201, response.content
    assert model.objects.get(pk=response.json()["id"]).unit_id == tree["79"].pk


def test_units_are_scoped_to_the_officers_subtree(client_for, officer_hn, reviewer, tree):
    client = client_for(officer_hn)
    codes = {row["code"] for row in client.get("/api/v1/units/").json()["results"]}
    assert codes == {"01", "00070", "00004", "01-VP"}
    assert client.get(f"/api/v1/units/{tree['79'].pk}/").status_code == 404
    assert client.get(f"/api/v1/units/{tree['00070'].pk}/").status_code == 200
    everything = client_for(reviewer).get("/api/v1/units/").json()
    assert everything["count"] == len(tree)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_units_are_read_only_even_for_administrators(client_for, administrator, tree, method):
    response = getattr(client_for(administrator), method)(f"/api/v1/units/{tree['01'].pk}/", {}, format="json")
    assert response.status_code == 405


def test_document_types_are_changed_only_by_administrators(client_for, officer_hn, reviewer, administrator):
    body = {"code": "QTr", "name_vi": "Quy trình", "name_en": "Procedure", "counts_toward_reduction": True}
    assert client_for(officer_hn).post("/api/v1/document-types/", body, format="json").status_code == 403
    assert client_for(reviewer).post("/api/v1/document-types/", body, format="json").status_code == 403
    assert client_for(officer_hn).patch(
        "/api/v1/document-types/QĐ/", {"counts_toward_reduction": False}, format="json"
    ).status_code == 403
    admin = client_for(administrator)
    assert admin.post("/api/v1/document-types/", body, format="json").status_code == 201
    changed = admin.patch("/api/v1/document-types/QTr/", {"counts_toward_reduction": False}, format="json")
    assert changed.status_code == 200 and changed.json()["counts_toward_reduction"] is False
    assert admin.patch("/api/v1/document-types/QTr/", {"code": "XX"}, format="json").status_code == 400


def test_a_document_type_in_use_cannot_be_deleted(client_for, administrator, tree):
    DocumentFactory(unit=tree["01"], number="3/KH-UBND", doc_type_id="KH")
    response = client_for(administrator).delete("/api/v1/document-types/KH/")
    assert response.status_code == 409
    assert client_for(administrator).get("/api/v1/document-types/KH/").status_code == 200


def test_filtering_by_another_provinces_unit_reveals_nothing(client_for, officer_hn, tree, resource):
    url, model, factory, payload, update = resource
    factory(unit=tree["79"])
    response = client_for(officer_hn).get(url, {"unit": tree["79"].pk})
    # The unit is not among those the officer may name: refused on the filter, no record shown.
    assert response.status_code == 400
    assert set(response.json()) == {"unit"}


def test_administrator_reads_every_unit_record(client_for, administrator, tree, resource):
    url, model, factory, payload, update = resource
    records = {factory(unit=tree[code]).pk for code in ("00004", "26740")}
    assert _ids(client_for(administrator).get(url)) == records
