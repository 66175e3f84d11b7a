"""Vietnamese for everyone, whatever the browser asks for, until the person chooses English; the choice is kept."""
import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import PASSWORD

ENGLISH_BROWSER = "en-US,en;q=0.9"


def log_in(client: Client, user) -> None:
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.status_code


def choose(client: Client, code: str, next_url: str = "/"):
    """The EN/VI buttons of every page: Django's set_language view."""
    return client.post("/i18n/setlang/", {"language": code, "next": next_url})


@pytest.mark.django_db
def test_an_english_browser_gets_the_login_page_in_vietnamese():
    response = Client(HTTP_ACCEPT_LANGUAGE=ENGLISH_BROWSER).get("/login/")
    body = response.content.decode()
    assert response["Content-Language"] == "vi"
    assert '<html lang="vi">' in body and "Đăng nhập" in body
    # A cache keeps one copy per language choice (the cookie), not one per browser language.
    vary = [header.strip() for header in response["Vary"].split(",")]
    assert "Cookie" in vary and "Accept-Language" not in vary


def test_an_english_browser_gets_every_page_in_vietnamese_until_its_user_chooses(officer_hn):
    client = Client(HTTP_ACCEPT_LANGUAGE=ENGLISH_BROWSER)
    log_in(client, officer_hn)
    for url in ("/", "/documents/", "/reports/", "/imports/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Language"] == "vi", url
        assert '<html lang="vi">' in response.content.decode(), url


def test_choosing_english_is_remembered_across_requests_and_sign_ins(officer_hn):
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")  # even a browser that asks for Vietnamese first
    log_in(client, officer_hn)
    response = choose(client, "en", "/documents/")
    assert response.status_code == 302 and response["Location"] == "/documents/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert int(cookie["max-age"]) >= 365 * 24 * 3600  # outlives the browser session
    for url in ("/documents/", "/conferences/", "/reports/"):
        body = client.get(url).content.decode()
        assert '<html lang="en">' in body, url
    assert "Period reports" in client.get("/reports/").content.decode()
    client.post("/logout/")
    assert '<html lang="en">' in client.get("/login/").content.decode()
    log_in(client, officer_hn)
    assert '<html lang="en">' in client.get("/").content.decode()
    choose(client, "vi")
    assert '<html lang="vi">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_language_cookie_naming_no_offered_language_falls_back_to_vietnamese():
    client = Client(HTTP_ACCEPT_LANGUAGE=ENGLISH_BROWSER)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert '<html lang="vi">' in client.get("/login/").content.decode()


def test_the_api_answers_in_vietnamese_unless_english_was_chosen(officer_hn):
    client = APIClient(HTTP_ACCEPT_LANGUAGE=ENGLISH_BROWSER)
    client.force_authenticate(officer_hn)
    payload = {"unit": officer_hn.unit_id, "year": 2025, "quarter": 2, "procedures_total": 5, "procedures_digital": 9}
    refused = client.post("/api/v1/digitization-reports/", payload, format="json")
    assert refused.status_code == 400 and refused["Content-Language"] == "vi"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.post("/api/v1/digitization-reports/", payload, format="json")
    assert english.status_code == 400 and english["Content-Language"] == "en"
    assert refused.json() != english.json()
