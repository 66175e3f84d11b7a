"""The entry officer's home page gathers the outlook for the year and unread notifications."""
import pytest
from django.utils import translation

from reports.services import notification_create
from tests.factories import PASSWORD, choose_language


@pytest.fixture
def officer_client(client, officer_hn):
    client.login(username=officer_hn.username, password=PASSWORD)
    return client


def test_officer_home_shows_what_it_takes_to_meet_the_targets(officer_client, officer_hn):
    with translation.override("en"):
        response = choose_language(officer_client, "en").get("/")
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


def test_officer_home_lists_the_latest_entries_of_all_three_registers_of_their_subtree_only(officer_client, tree):
    from tests.factories import ConferenceFactory, DigitizationReportFactory, DocumentFactory

    older = [DocumentFactory(unit=tree["01"], number=f"{n}/QĐ-UBND", title=f"Cũ {n}") for n in range(1, 4)]
    conference = ConferenceFactory(unit=tree["00070"], title="Hội nghị sơ kết quý")
    report = DigitizationReportFactory(unit=tree["01"], year=2025, quarter=2, procedures_total=10, procedures_digital=9)
    newer = [DocumentFactory(unit=tree["00070"], number=f"{n}/QĐ-UBND", title=f"Mới {n}") for n in range(10, 16)]
    DocumentFactory(unit=tree["79"], number="99/QĐ-UBND", title="Của tỉnh khác")
    ConferenceFactory(unit=tree["26734"], title="Hội nghị của tỉnh khác")
    with translation.override("en"):
        body = choose_language(officer_client, "en").get("/").content.decode()
    table = body[body.index('id="recent-entries"'):]
    urls = [f"/documents/{d.pk}/" for d in reversed(newer)] + [f"/documents/digitization/{report.pk}/",
                                                                f"/conferences/{conference.pk}/"]
    positions = [table.find(url) for url in urls]
    assert -1 not in positions and positions == sorted(positions)  # all eight, newest first
    assert not any(f"/documents/{d.pk}/" in table for d in older)  # nothing older than the eighth
    assert "Của tỉnh khác" not in body and "Hội nghị của tỉnh khác" not in body
    assert "Quarter 2 · 2025" in table and "Hội nghị sơ kết quý" in table
    vietnamese = choose_language(officer_client, "vi").get("/").content.decode()
    assert "Hồ sơ nhập gần đây" in vietnamese and "Thời điểm nhập" in vietnamese and "Quý II · 2025" in vietnamese
