"""Brute force on /login/: five wrong passwords lock the user name at that address (429 page), DRF's rate caps the address."""
import datetime

import time_machine
from axes.models import AccessAttempt
from axes.utils import reset
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD, choose_language


def log_in(client, username, password, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def test_five_wrong_passwords_then_the_right_one_is_refused_until_the_cool_off_ends(client, officer_hn):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for n in range(4):
            wrong = log_in(client, "officer-hn", f"wrong-{n}")
            assert wrong.status_code == 200 and 'id="login-refusal"' not in wrong.content.decode()
        assert log_in(client, "officer-hn", "wrong-4").status_code == 429
        refused = log_in(choose_language(client, "en"), "officer-hn", PASSWORD)
        assert refused.status_code == 429
        body = refused.content.decode()
        assert 'id="login-refusal"' in body
        assert "Too many failed sign-in attempts for this user name from your address" in body
        assert "locked for 15 minutes" in body
        assert 'value="officer-hn"' in body  # the form comes back with the user name, ready for later
        assert refused["Retry-After"] == str(15 * 60)
        assert "_auth_user_id" not in client.session
        clock.shift(datetime.timedelta(minutes=15, seconds=1))
        response = log_in(client, "officer-hn", PASSWORD)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(officer_hn.pk)


def test_the_lockout_page_is_in_vietnamese_by_default(client, officer_hn):
    for n in range(5):
        log_in(client, "officer-hn", f"wrong-{n}")
    body = log_in(client, "officer-hn", PASSWORD).content.decode()
    assert "Quá nhiều lần đăng nhập sai cho tên đăng nhập này từ địa chỉ của bạn" in body
    assert "khoá trong 15 phút" in body


def test_axes_reset_lifts_a_lockout_at_once(client, officer_hn):
    for n in range(5):
        log_in(client, "officer-hn", f"wrong-{n}")
    assert log_in(client, "officer-hn", PASSWORD).status_code == 429
    assert reset(username="officer-hn") == 1  # what `manage.py axes_reset_username officer-hn` does
    assert log_in(client, "officer-hn", PASSWORD).status_code == 302


def test_the_admin_login_shares_the_lockout(client, administrator):
    for n in range(5):
        client.post("/admin/login/", {"username": "admin", "password": f"wrong-{n}"})
    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD})
    assert response.status_code == 429
    assert AccessAttempt.objects.get(username="admin").failures_since_start == 6


def test_the_lockout_is_per_user_name_and_address(officer_hn, officer_hcm):
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(5):
        log_in(attacker, "officer-hn", f"wrong-{n}")
    assert log_in(attacker, "officer-hn", PASSWORD).status_code == 429
    assert log_in(Client(), "officer-hn", PASSWORD).status_code == 302  # the officer at their own desk
    assert log_in(Client(REMOTE_ADDR="203.0.113.7"), "officer-hcm", PASSWORD).status_code == 302


def test_one_address_trying_many_user_names_is_throttled(client, tree):
    from django.conf import settings

    rate = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["sign-in"].split("/")[0])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for n in range(rate):
            assert log_in(client, f"guess-{n}", "password1").status_code == 200, n
        refused = log_in(choose_language(client, "en"), "someone-else", "password1")
        assert refused.status_code == 429
        assert "Too many sign-in attempts from your address" in refused.content.decode()
        assert not AccessAttempt.objects.filter(username="someone-else").exists()  # refused before any check
        assert log_in(Client(REMOTE_ADDR="203.0.113.7"), "guess-x", "password1").status_code == 200
        clock.shift(datetime.timedelta(seconds=61))
        assert log_in(client, "guess-y", "password1").status_code == 200
