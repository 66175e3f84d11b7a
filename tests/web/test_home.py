"""The entry officer's home page gathers the outlook for the year and unread notifications."""
import pytest
from django.utils import translation

from reports.services import notification_create
from tests.factories import PASSWORD


@pytest.fixture
def officer_client(client, officer_hn):
    client.login(username=officer_hn.username, password=PASSWORD)
    return client


def test_officer_home_shows_what_it_takes_to_meet_the_targets(officer_client, officer_hn):
    with translation.override("en"):
        response = officer_client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert 'id="outlook-title"' in response.content.decode()


def test_officer_home_lists_unread_notifications(officer_client, officer_hn, reviewer):
    notification_create(user=officer_hn, key="test:1", message="The 2026-Q3 report is due in 5 days.")
    notification_create(user=reviewer, key="test:2", message="Meant for someone else.")
    body = officer_client.get("/").content.decode()
    assert "The 2026-Q3 report is due in 5 days." in body
    assert "Meant for someone else." not in body


def test_reviewer_home_has_no_officer_outlook(client, reviewer):
    client.login(username=reviewer.username, password=PASSWORD)
    assert 'id="outlook-title"' not in client.get("/").content.decode()


def test_officer_home_lists_the_latest_entries_of_their_subtree_only(officer_client, tree):
    from tests.factories import DocumentFactory

    older = [DocumentFactory(unit=tree["01"], number=f"{n}/QĐ-UBND", title=f"Cũ {n}") for n in range(1, 4)]
    newer = [DocumentFactory(unit=tree["00070"], number=f"{n}/QĐ-UBND", title=f"Mới {n}") for n in range(10, 15)]
    DocumentFactory(unit=tree["79"], number="99/QĐ-UBND", title="Của tỉnh khác")
    body = officer_client.get("/").content.decode()
    listed = [document for document in older + newer if f"/documents/{document.pk}/" in body]
    assert listed == newer  # the five most recent, nothing older
    assert "Của tỉnh khác" not in body and "99/QĐ-UBND" not in body
    positions = [body.index(f"/documents/{document.pk}/") for document in newer]
    assert positions == sorted(positions, reverse=True)  # newest first
