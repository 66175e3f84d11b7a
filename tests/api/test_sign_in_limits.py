"""Brute force on the token endpoint: axes' lockout per user name and address, DRF's rate per address (429 JSON)."""
import datetime

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import PASSWORD, choose_language

URL = "/api/v1/auth/token/"
ELSEWHERE = "203.0.113.7"  # documentation range: only a REMOTE_ADDR value, no traffic


def sign_in(username, password, language=None, **extra):
    client = choose_language(APIClient(), language) if language else APIClient()
    return client.post(URL, {"username": username, "password": password}, format="json", **extra)


def test_five_wrong_passwords_lock_the_user_name_at_that_address_for_15_minutes(officer_hn):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        answers = [sign_in("officer-hn", f"wrong-{n}").status_code for n in range(5)]
        assert answers == [400, 400, 400, 400, 429]
        locked = sign_in("officer-hn", PASSWORD)
        assert locked.status_code == 429
        assert set(locked.json()) == {"detail"}
        assert "15" in locked.json()["detail"] and "token" not in locked.json()
        assert int(locked["Retry-After"]) == 15 * 60
        # the same account from another address, and another account from this one, are not locked
        assert sign_in("officer-hn", PASSWORD, REMOTE_ADDR=ELSEWHERE).status_code == 200
        clock.shift(datetime.timedelta(minutes=14))
        assert sign_in("officer-hn", PASSWORD).status_code == 429
        # each try during the lockout starts the 15 minutes again: 16 minutes after the fifth failure, still locked
        clock.shift(datetime.timedelta(minutes=2))
        assert sign_in("officer-hn", PASSWORD).status_code == 429
        clock.shift(datetime.timedelta(minutes=15, seconds=1))
        reopened = sign_in("officer-hn", PASSWORD)
        assert reopened.status_code == 200
        assert set(reopened.json()) == {"token"}


def test_the_lockout_message_is_in_english_when_asked(officer_hn):
    for n in range(5):
        sign_in("officer-hn", f"wrong-{n}")
    response = sign_in("officer-hn", PASSWORD, language="en")
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Too many failed sign-in attempts for this user name")
    vietnamese = sign_in("officer-hn", PASSWORD, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")  # the default
    assert "Quá nhiều lần đăng nhập sai" in vietnamese.json()["detail"]


def test_another_user_name_from_the_same_address_is_not_locked(officer_hn, officer_hcm):
    for n in range(5):
        sign_in("officer-hn", f"wrong-{n}")
    assert sign_in("officer-hcm", PASSWORD).status_code == 200


def test_a_right_password_before_the_limit_clears_the_count(officer_hn):
    for n in range(4):
        assert sign_in("officer-hn", f"wrong-{n}").status_code == 400
    assert sign_in("officer-hn", PASSWORD).status_code == 200
    for n in range(4):
        assert sign_in("officer-hn", f"again-{n}").status_code == 400
    assert sign_in("officer-hn", PASSWORD).status_code == 200


def test_one_address_trying_many_user_names_is_throttled(tree):
    rate = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["sign-in"].split("/")[0])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for n in range(rate):
            assert sign_in(f"guess-{n}", "password1").status_code == 400, n
        refused = sign_in(f"guess-{rate}", "password1")
        assert refused.status_code == 429
        assert refused.json()["detail"].startswith(("Too many sign-in attempts from your address", "Quá nhiều lần thử"))
        assert 0 < int(refused["Retry-After"]) <= 60
        assert sign_in("guess-x", "password1", REMOTE_ADDR=ELSEWHERE).status_code == 400
        clock.shift(datetime.timedelta(seconds=61))
        assert sign_in("guess-y", "password1").status_code == 400


def test_the_login_page_and_the_token_endpoint_share_the_address_rate(tree, client):
    rate = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["sign-in"].split("/")[0])
    for n in range(rate):
        sign_in(f"guess-{n}", "password1")
    assert client.post("/login/", {"username": "guess-web", "password": "password1"}).status_code == 429


@override_settings(AXES_IPWARE_META_PRECEDENCE_ORDER=["HTTP_X_REAL_IP", "REMOTE_ADDR"])
def test_behind_a_proxy_each_client_address_it_reports_counts_on_its_own(officer_hn):
    # every request comes from the proxy (127.0.0.1); X-Real-IP names the client
    for n in range(5):
        sign_in("officer-hn", f"wrong-{n}", HTTP_X_REAL_IP="198.51.100.1")
    assert sign_in("officer-hn", PASSWORD, HTTP_X_REAL_IP="198.51.100.1").status_code == 429
    assert sign_in("officer-hn", PASSWORD, HTTP_X_REAL_IP="198.51.100.2").status_code == 200


@pytest.mark.django_db
def test_by_default_a_client_sent_address_header_is_ignored(officer_hn):
    for n in range(5):
        sign_in("officer-hn", f"wrong-{n}", HTTP_X_REAL_IP=f"198.51.100.{n}", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert sign_in("officer-hn", PASSWORD, HTTP_X_REAL_IP="198.51.100.9").status_code == 429
