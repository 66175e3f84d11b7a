"""Content-Security-Policy: scripts only from the app's own files, on every page, and the pages keep to it."""
import re

import pytest

from tests.factories import PASSWORD

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in header.split(";")) if d}


def assert_keeps_to_the_policy(response) -> None:
    assert response.status_code == 200
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
    body = response.content.decode()
    assert INLINE_SCRIPT.findall(body) == []
    assert EVENT_HANDLER.findall(body) == []


@pytest.mark.django_db
def test_the_login_page_has_the_policy(client):
    assert_keeps_to_the_policy(client.get("/login/"))


@pytest.mark.parametrize("url", ["/", "/dashboard/", "/dashboard/province/01/", "/dashboard/unit/00070/", "/api/docs/"])
def test_dashboard_pages_have_the_policy(client, reviewer, url):
    assert client.login(username=reviewer.username, password=PASSWORD)
    assert_keeps_to_the_policy(client.get(url))


def test_the_lockout_page_has_the_policy(client, officer_hn):
    for n in range(6):
        response = client.post("/login/", {"username": "officer-hn", "password": f"wrong-{n}"})
    assert response.status_code == 429
    assert policy(response)["script-src"] == ["'self'"]


def test_an_upload_in_progress_polls_from_a_script_file(client, officer_hn):
    from imports.models import ImportBatch

    # a batch still waiting for its worker: the page polls its status
    batch = ImportBatch.objects.create(user=officer_hn, kind="documents", file_name="documents.csv", sha256="0" * 64)
    assert client.login(username=officer_hn.username, password=PASSWORD)
    response = client.get(f"/imports/{batch.pk}/")
    assert_keeps_to_the_policy(response)
    assert re.search(r'<script src="/static/js/import_status\.js" data-rows-label="[^"]+" defer>', response.content.decode())
