"""Fixtures of the web page tests: logged-in clients for each role."""
import pytest

from tests.factories import PASSWORD


def _client(client_class, user):
    client = client_class()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def hn_client(officer_hn):
    from django.test import Client

    return _client(Client, officer_hn)


@pytest.fixture
def hcm_client(officer_hcm):
    from django.test import Client

    return _client(Client, officer_hcm)


@pytest.fixture
def reviewer_client(reviewer):
    from django.test import Client

    return _client(Client, reviewer)


@pytest.fixture
def admin_client_(administrator):
    from django.test import Client

    return _client(Client, administrator)
