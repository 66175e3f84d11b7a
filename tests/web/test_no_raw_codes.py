"""No raw code reaches a reader (issue 15): the main pages of a reviewer, an entry officer and an administrator,
read as their text, hold no target code, no choice's code, no fraction, no ISO date, no period code and no
decimal point in Vietnamese; the administration names targets and thresholds in words."""
from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from documents.models import DigitizationReport, Document
from meetings.models import Conference
from reform.models import PolicySetting, TargetThreshold
from reporting.services import compliance_compute
from reports import services as reports
from tests.factories import PASSWORD, choose_language
from tests.reporting.helpers import confs, docs, seeded  # noqa: F401 - fixture
from tests.text import raw_codes, visible_text

pytestmark = pytest.mark.usefixtures("seeded")

# A closed year (its reports can be submitted) and the year before it, the baseline.
YEAR = timezone.localdate().year - 1


@pytest.fixture
def figures(tree, officer_hn, reviewer):
    """Two years of records in Hà Nội (fewer documents and conferences, one commune missing its targets), computed,
    and Hà Nội's first-quarter report submitted."""
    for code, before, now in (("01", 40, 30), ("00070", 30, 28), ("00004", 12, 9)):
        docs(tree[code], before, datetime.date(YEAR - 1, 2, 10))
        docs(tree[code], now, datetime.date(YEAR, 2, 10), digitized=code != "00070")
        confs(tree[code], 5, datetime.date(YEAR - 1, 3, 2))
        confs(tree[code], 3, datetime.date(YEAR, 3, 2), format="in_person" if code == "00070" else "online")
    DigitizationReport.objects.create(unit=tree["01"], year=YEAR, quarter=1, procedures_total=12500,
                                      procedures_digital=11875)
    compliance_compute(year=YEAR - 1)
    compliance_compute(year=YEAR)
    return reports.report_submit(user=officer_hn, unit=tree["01"], year=YEAR, period="Q1",
                                 difficulties="Thiếu máy quét", proposals="Bổ sung kinh phí")


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")  # Vietnamese all the same: nobody chose English
    assert client.login(username=user.username, password=PASSWORD)
    return client


def assert_no_raw_codes(client: Client, urls: list[str], language: str = "vi") -> None:
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert f'<html lang="{language}">' in response.content.decode(), url
        codes = raw_codes(visible_text(response.content.decode()), language=language)
        if codes:
            found[url] = codes
    assert found == {}


def test_the_reviewers_pages_show_no_raw_code(figures, reviewer):
    report = figures
    urls = ["/", f"/dashboard/?year={YEAR}", f"/dashboard/?year={YEAR}&period=Q1",
            f"/dashboard/province/01/?year={YEAR}",
            f"/dashboard/unit/01/?year={YEAR}", f"/dashboard/unit/00070/?year={YEAR}",
            f"/dashboard/signals/?year={YEAR}", "/documents/", "/conferences/", "/documents/digitization/",
            "/reports/", f"/reports/{report.pk}/", f"/reports/rate/?period={YEAR}-Q1"]
    client = client_for(reviewer)
    assert_no_raw_codes(client, urls)
    assert_no_raw_codes(choose_language(client, "en"), urls, language="en")


def test_the_entry_officers_pages_show_no_raw_code(figures, officer_hn, tree):
    document = Document.objects.filter(unit=tree["00070"]).first()
    conference = Conference.objects.filter(unit=tree["00070"]).first()
    digitization = DigitizationReport.objects.get()
    urls = ["/", "/documents/", f"/documents/{document.pk}/", f"/documents/{document.pk}/edit/", "/documents/new/",
            "/conferences/", f"/conferences/{conference.pk}/", "/conferences/new/", "/documents/digitization/",
            f"/documents/digitization/{digitization.pk}/", "/documents/digitization/new/", "/reports/",
            f"/reports/{figures.pk}/", "/reports/submit/", "/imports/", f"/dashboard/unit/01/?year={YEAR}",
            f"/dashboard/province/01/?year={YEAR}"]
    assert_no_raw_codes(client_for(officer_hn), urls)


def test_a_saved_digitisation_report_is_named_by_its_quarter_and_unit_not_its_ids(officer_hn, tree):
    client = client_for(officer_hn)
    response = client.post("/documents/digitization/new/", {
        "unit": tree["00070"].pk, "year": YEAR, "quarter": 4, "procedures_total": 1200, "procedures_digital": 1150,
    }, follow=True)
    text = visible_text(response.content.decode())
    assert "Đã thêm báo cáo số hóa “Quý IV/" in text and f"{YEAR} – Phường Hoàn Kiếm”" in text
    assert raw_codes(text) == []


def test_the_administration_names_targets_thresholds_and_switches_in_words(administrator, tree):
    client = client_for(administrator)
    threshold = TargetThreshold.objects.get(target_id="DOC_REDUCTION", applies_from=2025)
    listing = visible_text(client.get("/admin/reform/targetthreshold/").content.decode())
    change = visible_text(client.get(f"/admin/reform/targetthreshold/{threshold.pk}/change/").content.decode())
    for text in (listing, change):
        assert "Giảm số văn bản hành chính so với năm trước, từ năm 2025: 15 %" in text
        assert "Target" not in text and "DOC_REDUCTION" not in text and "0.1500" not in text
    assert "Chỉ tiêu" in listing and "Chỉ tiêu:" in change
    cap = TargetThreshold.objects.get(target_id="PROVINCE_WIDE_CAP", applies_from=2025)
    assert str(cap).endswith(": 2") and "2,0000" not in listing
    target = visible_text(client.get("/admin/reform/target/DOC_REDUCTION/change/").content.decode())
    assert "2.1 Giảm số văn bản hành chính so với năm trước" in target and "DOC_REDUCTION (2.1)" not in target
    setting = PolicySetting.objects.get(key=PolicySetting.HYBRID_COUNTS_AS_ONLINE)
    page = visible_text(client.get(f"/admin/reform/policysetting/{setting.pk}/change/").content.decode())
    assert "Hội nghị kết hợp được tính là trực tuyến: Có" in page and "= True" not in page
