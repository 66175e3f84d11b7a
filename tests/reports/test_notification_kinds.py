"""Notifications say what they are: a reminder, an approval, a return or a reopening, each with its own colour and
name on the pages, and in a list without bullets; older notifications get their kind from their key."""
from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from django.conf import settings

from reports import services
from reports.models import Notification
from tests.reports.test_pages import login

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def items(html: str) -> list[tuple[str, str]]:
    """(kind, class) of each notification shown."""
    return re.findall(r'<li class="(notification notification--(\w+))" data-kind="\w+">', html)


def test_an_approval_and_a_return_are_told_apart(officer_hn, reviewer, tree):
    q1 = services.report_submit(user=officer_hn, unit=tree["01"], year=YEAR, period="Q1")
    q2 = services.report_submit(user=officer_hn, unit=tree["01"], year=YEAR, period="Q2")
    services.report_approve(user=reviewer, report=q1)
    services.report_return(user=reviewer, report=q2, comment="Thiếu số liệu")
    kinds = dict(Notification.objects.values_list("url", "kind"))
    assert kinds == {f"/reports/{q1.pk}/": "approved", f"/reports/{q2.pk}/": "returned"}
    for url in ("/", "/reports/"):
        html = login(officer_hn).get(url).content.decode()
        shown = items(html)
        assert sorted(kind for _css, kind in shown) == ["approved", "returned"]
        section = html[html.index('id="notifications"'):]
        section = section[:section.index("</section>")]
        assert "Đã phê duyệt" in section and "Đã trả lại" in section  # named, not by colour alone
        assert 'class="notification-list"' in section and "message--warning" not in section


def test_the_stylesheet_gives_no_bullets_and_a_colour_of_its_own_to_each(client):
    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text()
    assert re.search(r"\.notification-list \{[^}]*list-style: none", css)
    colours = {kind: re.search(rf"\.notification--{kind} \{{([^}}]*)\}}", css).group(1)
               for kind in ("approved", "returned", "reminder")}
    assert len(set(colours.values())) == 3 and "--c-ok" in colours["approved"] and "--c-err" in colours["returned"]


def test_a_reminder_is_a_reminder(officer_hn, tree, time_machine):
    from reports.periods import ReportingPeriod

    period = ReportingPeriod(year=YEAR, code="Q4")
    time_machine.move_to(period.deadline)
    assert services.reminders_send(today=period.deadline) >= 1
    assert set(Notification.objects.filter(user=officer_hn).values_list("kind", flat=True)) == {"reminder"}


def test_the_migration_gives_kept_notifications_their_kind(officer_hn, reviewer, tree):
    report = services.report_submit(user=officer_hn, unit=tree["01"], year=YEAR, period="Q1")
    services.report_return(user=reviewer, report=report, comment="Thiếu số liệu")
    services.notification_create(user=officer_hn, key=f"reminder:{tree['01'].pk}:{YEAR}-Q2", message="Sắp đến hạn")
    services.notification_create(user=officer_hn, key="other:1", message="Khác")
    Notification.objects.update(kind="other")
    importlib.import_module("reports.migrations.0004_notification_kind").backfill(apps, None)
    assert dict(Notification.objects.values_list("key", "kind")) == {
        f"report-event:{report.events.last().pk}": "returned", f"reminder:{tree['01'].pk}:{YEAR}-Q2": "reminder",
        "other:1": "other"}
