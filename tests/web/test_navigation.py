"""Where each role lands after signing in, and the dashboard in every menu that has a unit or the nation to show."""
import pytest
from django.test import Client

from tests.factories import PASSWORD, UserFactory


def sign_in(user, **extra) -> "Client":
    client = Client()
    response = client.post("/login/", {"username": user.username, "password": PASSWORD, **extra})
    return client, response


def test_a_reviewer_lands_on_the_compliance_overview(reviewer):
    client, response = sign_in(reviewer)
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_a_reviewer_who_asked_for_a_page_gets_that_page(reviewer):
    _client, response = sign_in(reviewer, next="/reports/")
    assert response["Location"] == "/reports/"


def test_officers_and_administrators_land_on_the_home_page(officer_hn, administrator):
    for user in (officer_hn, administrator):
        _client, response = sign_in(user)
        assert response["Location"] == "/", user.username


def test_a_signed_in_reviewer_opening_the_login_page_goes_to_the_overview(reviewer_client):
    assert reviewer_client.get("/login/")["Location"] == "/dashboard/"


def _nav(page: str) -> str:
    start = page.index('class="site-nav"')
    return page[start:page.index("</nav>", start)]


@pytest.mark.parametrize("fixture", ["officer_hn", "officer_commune", "reviewer", "administrator"])
def test_the_menu_has_a_dashboard_item(request, fixture):
    user = request.getfixturevalue(fixture)
    client, _response = sign_in(user)
    nav = _nav(client.get("/").content.decode())
    assert 'href="/dashboard/"' in nav


def test_an_officer_s_dashboard_item_opens_their_own_unit(officer_hn, officer_commune, tree):
    client, _response = sign_in(officer_hn)
    response = client.get("/dashboard/", follow=True)
    assert response.redirect_chain[-1][0] == "/dashboard/province/01/" and response.status_code == 200
    assert '<a href="/dashboard/" aria-current="page">' in _nav(response.content.decode())
    client, _response = sign_in(officer_commune)
    response = client.get("/dashboard/", follow=True)
    assert response.redirect_chain[-1][0] == "/dashboard/unit/00070/" and response.status_code == 200


def test_a_superuser_without_a_unit_or_role_still_gets_the_dashboard_item(tree):
    admin = UserFactory(username="root", role="entry", unit=None, is_staff=True, is_superuser=True)
    client, response = sign_in(admin)
    assert response["Location"] == "/"
    assert 'href="/dashboard/"' in _nav(client.get("/").content.decode())
