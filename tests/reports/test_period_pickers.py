"""Period pickers: the rate page and the archive form offer periods by name ("Quý III 2026"), not typed codes; the
rate page opens on the latest closed period localities had to report on."""
from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.test import Client

from reports.models import ReportExport
from tests.factories import PASSWORD

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def first_of_december_2026():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, tzinfo=TZ), tick=True):
        yield


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def select(page: str, name: str) -> str:
    start = page.index(f'name="{name}"')
    return page[page.rindex("<select", 0, start):page.index("</select>", start)]


def selected(html: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"[^>]*selected', html)


def test_rate_page_opens_on_the_latest_closed_required_period(reviewer):
    page = login(reviewer).get("/reports/rate/").content.decode()
    periods = select(page, "period")
    # On 1 December 2026 the third quarter is the latest closed period (nine months ends with it, but is optional).
    assert selected(periods) == ["2026-Q3"]
    assert '<optgroup label="2026">' in periods and '<optgroup label="2025">' in periods
    for label in ("Quý III 2026", "6 tháng đầu năm 2026", "Năm 2025", "Quý I 2024"):
        assert label in periods
    assert "2026-Q4" not in periods and 'value="2026"' not in periods  # not ended: no reporting rate yet
    assert "Quý III 2026" in page[page.index('id="rate-figures"'):]  # the table is for that period


def test_rate_page_keeps_the_chosen_period_even_one_older_than_the_list(reviewer):
    client = login(reviewer)
    assert selected(select(client.get("/reports/rate/", {"period": "2025-H1"}).content.decode(), "period")) == ["2025-H1"]
    page = client.get("/reports/rate/", {"period": "2022-Q2"}).content.decode()
    assert selected(select(page, "period")) == ["2022-Q2"] and 'id="rate-figures"' in page


def test_rate_page_refuses_a_period_that_is_not_one(reviewer):
    response = login(reviewer).get("/reports/rate/", {"period": "2026-Q9"})
    page = response.content.decode()
    assert response.status_code == 200 and 'id="rate-figures"' not in page and "errorlist" in page


def test_archive_form_offers_named_periods_including_the_running_ones(officer_hn):
    page = login(officer_hn).get("/reports/archive/").content.decode()
    periods = select(page, "period")
    assert selected(periods) == ["2026-Q3"]
    assert "Quý IV 2026 (chưa kết thúc)" in periods and "Năm 2026 (chưa kết thúc)" in periods
    assert "6 tháng đầu năm 2026" in periods and "Quý III 2026" in periods
    assert "2027" not in periods  # nothing that has not begun


def test_archive_form_generates_the_chosen_period(officer_hn, tree, django_capture_on_commit_callbacks):
    client = login(officer_hn)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/archive/", {"unit": tree["01"].pk, "period": "2026-H1", "format": "csv"})
    assert response.status_code == 302
    export = ReportExport.objects.get()
    assert (export.year, export.period, export.format) == (2026, "H1", "csv")
    response = client.post("/reports/archive/", {"unit": tree["01"].pk, "period": "bad", "format": "csv"})
    assert response.status_code == 200 and ReportExport.objects.count() == 1
    assert "has-error" in select(response.content.decode(), "period") or "errorlist" in response.content.decode()
