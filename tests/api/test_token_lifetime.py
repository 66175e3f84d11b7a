"""API tokens: one per sign-in, lapse after 8 hours unused or 30 days after issue, die on logout and on a new password."""
import datetime

import time_machine
from django.core.management import call_command
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import PASSWORD


def new_token(username="officer-hn", password=PASSWORD) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def get(token: str, url="/api/v1/units/"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(url)


def test_two_sign_ins_give_two_tokens_that_both_work(officer_hn):
    first, second = new_token(), new_token()
    assert first != second
    assert get(first).status_code == 200 and get(second).status_code == 200


def test_tokens_are_stored_hashed(officer_hn):
    token = new_token()
    stored = AuthToken.objects.get(user=officer_hn)
    assert token not in (stored.digest, stored.token_key) and stored.token_key == token[:15]


def test_a_token_lapses_after_8_hours_without_use(officer_hn):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token = new_token()
        clock.shift(datetime.timedelta(hours=7, minutes=59))
        assert get(token).status_code == 200
        # each use moves the idle deadline
        clock.shift(datetime.timedelta(hours=7, minutes=59))
        assert get(token).status_code == 200
        clock.shift(datetime.timedelta(hours=8, minutes=1))
        assert get(token).status_code == 401
        assert not AuthToken.objects.filter(user=officer_hn).exists()


def test_a_token_used_all_along_lapses_30_days_after_issue(officer_hn):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token = new_token()
        for _ in range(102):  # every 7 hours: never idle for 8, up to 29 days 18 hours
            clock.shift(datetime.timedelta(hours=7))
            assert get(token).status_code == 200
        clock.shift(datetime.timedelta(hours=6, minutes=1))  # 30 days and a minute after issue
        assert get(token).status_code == 401


def test_logout_revokes_only_the_token_it_was_sent_with(officer_hn):
    phone, laptop = new_token(), new_token()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {phone}")
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert get(phone).status_code == 401
    assert get(laptop).status_code == 200


def test_logout_without_a_token_is_refused(officer_hn):
    assert APIClient().post("/api/v1/auth/logout/").status_code == 401


def test_a_new_password_revokes_every_token_of_the_user(officer_hn, officer_hcm):
    mine, other = new_token(), new_token("officer-hcm")
    officer_hn.set_password("a-new-long-password-2026")
    officer_hn.save()
    assert get(mine).status_code == 401
    assert get(other).status_code == 200
    assert get(new_token(password="a-new-long-password-2026")).status_code == 200


def test_a_password_set_by_create_user_revokes_the_tokens(officer_hn):
    token = new_token()
    call_command("create_user", "officer-hn", role="entry", unit="01", password="another-long-password-2026")
    assert get(token).status_code == 401


def test_the_admin_password_form_revokes_the_tokens(client, administrator, officer_hn):
    token = new_token()
    client.force_login(administrator)
    response = client.post(
        f"/admin/reform/user/{officer_hn.pk}/password/",
        {"password1": "admin-chosen-password-2026", "password2": "admin-chosen-password-2026"},
    )
    assert response.status_code == 302, response.content[:2000]
    assert get(token).status_code == 401


def test_saving_the_user_without_a_new_password_keeps_the_tokens(officer_hn):
    token = new_token()
    officer_hn.first_name = "Lan"
    officer_hn.save()
    assert get(token).status_code == 200
