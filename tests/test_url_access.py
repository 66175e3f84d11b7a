"""Every URL of the URLconf, walked as each role, against the status that role must get.

The walk finds the routes itself (`get_resolver()`, recursively, namespaces joined as `reverse` names them), so a
new page or endpoint cannot be left out: a route without a row in the table below fails the test, naming it. Each
route that takes an argument is called with a real object of province 01 (a unit in the subtree of code "01"):
its entry officer reaches it, the officer of province 79 gets a 404 as for a missing object, reviewers and
administrators reach everything they may. GET for every route; POST (or DELETE) where a role must be refused.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Callable

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from knox.models import AuthToken
from simple_history.admin import SimpleHistoryAdmin

ROLES = ("anonymous", "officer_01", "officer_79", "reviewer", "administrator")


# --------------------------------------------------------------------------------------------------------------
# The routes of the URLconf
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Route:
    name: str | None  # as `reverse` takes it ("documents:document_detail"); None for an unnamed pattern
    route: str  # the joined pattern, as `resolve(url).route` gives it
    kwargs: tuple[str, ...]  # its named arguments

    @property
    def key(self) -> str:
        """Its row of the table: the name, or the pattern for an unnamed route."""
        return self.name or self.route


def _join(prefix: str, route: str) -> str:
    """Joined as Django joins them for `ResolverMatch.route` (an inner regex loses its `^`)."""
    return prefix + (route[1:] if prefix and route.startswith("^") else route)


def _walk(patterns, namespace: str, prefix: str):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, inner, _join(prefix, str(pattern.pattern)))
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield Route(name=name, route=_join(prefix, str(pattern.pattern)),
                        kwargs=tuple(pattern.pattern.regex.groupindex))


def all_routes() -> list[Route]:
    return list(_walk(get_resolver().url_patterns, "", ""))


# --------------------------------------------------------------------------------------------------------------
# What a role must get
# --------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Redirect:
    """A 302 to a path starting with `to` (the login page, the admin's login page, the officer's own page)."""

    to: str

    def __repr__(self) -> str:
        return f"302→{self.to}"


LOGIN = Redirect("/login/")
ADMIN_LOGIN = Redirect("/admin/login/")
Expected = int | Redirect | None  # None: not asserted (writes are only tried where a role must be refused)


@dataclass(frozen=True)
class Row:
    """One route: GET as each role (in ROLES order), the arguments it is called with, and refused writes."""

    get: tuple[Expected, ...]
    args: Callable[[SimpleNamespace], dict | list] | None = None
    writes: dict[str, tuple[Expected, ...]] = field(default_factory=dict)
    url: Callable[[SimpleNamespace], str] | None = None  # an unnamed route: how to build its URL
    query: Callable[[SimpleNamespace], dict] | None = None  # GET parameters naming an object of 01
    data: Callable[[SimpleNamespace], dict] | None = None  # the body of the writes (a valid one, but for the scope)


def row(*get: Expected, args=None, post=None, delete=None, url=None, query=None, data=None) -> Row:
    assert len(get) == len(ROLES)
    writes = {method: statuses for method, statuses in (("post", post), ("delete", delete)) if statuses}
    for statuses in writes.values():
        assert len(statuses) == len(ROLES)
    return Row(get=tuple(get), args=args, writes=writes, url=url, query=query, data=data)


def _pk(name: str):
    return lambda o: {"pk": getattr(o, name).pk}


def answer(response) -> int | Redirect:
    if response.status_code == 302:
        return Redirect(response["Location"])
    return response.status_code


def matches(expected: Expected, got: int | Redirect) -> bool:
    if isinstance(expected, Redirect):
        return isinstance(got, Redirect) and got.to.startswith(expected.to)
    return expected == got


# --------------------------------------------------------------------------------------------------------------
# The objects: one of each kind, in province 01
# --------------------------------------------------------------------------------------------------------------
@pytest.fixture
def objects(tree, officer_hn, officer_hcm, reviewer, administrator, settings, tmp_path,
            django_capture_on_commit_callbacks) -> SimpleNamespace:
    from django.contrib.auth.models import Group
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        PeriodicTask,
        SolarSchedule,
    )
    from django_celery_results.models import GroupResult, TaskResult
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from documents.models import DocumentType
    from imports import services as import_services
    from reform.models import PolicySetting, Target, TargetThreshold, UnitSuccession
    from reporting.models import ComputeRun, RecomputeRequest, Signal, SignalRequest, SignalThreshold
    from reports import services as report_services
    from reports.models import Notification
    from reports.periods import ReportingPeriod
    from tests.factories import ConferenceFactory, DigitizationReportFactory, DocumentFactory, UnitFactory
    from tests.imports.conftest import csv_bytes, doc_rows

    settings.MEDIA_ROOT = str(tmp_path / "media")
    now = timezone.now()
    year = timezone.localdate().year - 1  # a closed year: its reports can be submitted
    o = SimpleNamespace(tree=tree, unit=tree["01"], officer=officer_hn)
    o.document = DocumentFactory(unit=tree["00070"])
    o.conference = ConferenceFactory(unit=tree["01"])
    o.digitization = DigitizationReportFactory(unit=tree["01-VP"])
    o.report = report_services.report_submit(user=officer_hn, unit=tree["01"], year=year, period="Q1")
    # After the submission, whose recompute replaces the subtree's signals with those it finds.
    o.signal = Signal.objects.create(unit=tree["00004"], year=year, kind="number_gaps", key="qđ-ubnd",
                                     severity="warning", rank=1, params={"missing": 1}, evidence={"missing": 1},
                                     computed_at=now)
    with django_capture_on_commit_callbacks(execute=True):  # generated in-process (eager Celery): ready
        o.export = report_services.export_request(user=officer_hn, unit=tree["01"], format="csv",
                                                  period=ReportingPeriod(year=year, code="Q1"))
    o.export.refresh_from_db()
    assert o.export.file, o.export.error
    rows = doc_rows(2)
    rows[1][4] = "soon"  # a bad date: the upload is refused, with its errors file
    o.batch = import_services.import_create(user=officer_hn, kind="documents",
                                            upload=SimpleUploadedFile("a.csv", csv_bytes(rows)))
    import_services.import_run(batch_id=o.batch.pk)
    o.batch.refresh_from_db()
    assert o.batch.errors_file
    o.notification = Notification.objects.create(user=officer_hn, key="test", message="Hello")
    o.legacy = UnitFactory(code="01-OLD", name="Legacy", level="district", parent=tree["01"],
                           valid_until=datetime.date(2025, 6, 30))
    # What the admin lists, one object of each model (of province 01 where it has a unit).
    interval = IntervalSchedule.objects.create(every=1, period="days")
    o.admin = {
        "auth.group": Group.objects.create(name="g"),
        "knox.authtoken": AuthToken.objects.create(officer_hn)[0],
        "axes.accessattempt": AccessAttempt.objects.create(username="x", ip_address="127.0.0.1", user_agent="t",
                                                           http_accept="*/*", path_info="/login/",
                                                           get_data="", post_data="", failures_since_start=1),
        "axes.accesslog": AccessLog.objects.create(username="x", ip_address="127.0.0.1", user_agent="t",
                                                   http_accept="*/*", path_info="/login/"),
        "axes.accessfailurelog": AccessFailureLog.objects.create(username="x", ip_address="127.0.0.1",
                                                                 user_agent="t", http_accept="*/*",
                                                                 path_info="/login/"),
        "django_celery_beat.periodictask": PeriodicTask.objects.create(name="p", task="t", interval=interval),
        "django_celery_beat.clockedschedule": ClockedSchedule.objects.create(clocked_time=now),
        "django_celery_beat.crontabschedule": CrontabSchedule.objects.create(minute="5"),
        "django_celery_beat.solarschedule": SolarSchedule.objects.create(event="sunrise", latitude=21, longitude=105),
        "django_celery_beat.intervalschedule": interval,
        "django_celery_results.taskresult": TaskResult.objects.create(task_id="t-1", status="SUCCESS"),
        "django_celery_results.groupresult": GroupResult.objects.create(group_id="g-1"),
        "reporting.computerun": ComputeRun.objects.create(year=year, unit=tree["01"], trigger="command",
                                                          state="succeeded", started_at=now, finished_at=now),
        "reporting.recomputerequest": RecomputeRequest.objects.create(unit=tree["01"], year=year, requested_at=now),
        "reporting.signalrequest": SignalRequest.objects.create(unit=tree["01"], year=year, requested_at=now),
        "reporting.signalthreshold": SignalThreshold.objects.create(kind="number_gaps", applies_from=2020),
        "reporting.signal": o.signal,
        "reform.unit": tree["01"],
        "reform.unitsuccession": UnitSuccession.objects.create(predecessor=o.legacy, successor=tree["01"]),
        "reform.user": officer_hn,
        "reform.target": Target.objects.order_by("pk").first(),
        "reform.targetthreshold": TargetThreshold.objects.order_by("pk").first(),
        "reform.policysetting": PolicySetting.objects.order_by("pk").first(),
        "documents.documenttype": DocumentType.objects.get(code="QĐ"),
        "documents.document": o.document,
        "documents.digitizationreport": o.digitization,
        "meetings.conference": o.conference,
        "reports.periodreport": o.report,
        "reports.reportexport": o.export,
        "reports.notification": o.notification,
        "imports.importbatch": o.batch,
    }
    for obj in o.admin.values():
        if hasattr(obj, "history") and not obj.history.exists():
            obj.save()  # a seeded row has no history yet: one version for its history page
    return o


def _client(user, *, api: bool) -> Client:
    if user is None:
        return Client()
    if api:  # the API as other systems call it, with a token
        return Client(headers={"Authorization": f"Token {AuthToken.objects.create(user)[1]}"})
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def clients(officer_hn, officer_hcm, reviewer, administrator):
    users = dict(zip(ROLES, (None, officer_hn, officer_hcm, reviewer, administrator)))
    return {(role, api): _client(user, api=api) for role, user in users.items() for api in (False, True)}


# --------------------------------------------------------------------------------------------------------------
# The table: every route of the site and of the API
# --------------------------------------------------------------------------------------------------------------
DOC, CONF, DIG = _pk("document"), _pk("conference"), _pk("digitization")
REPORT, EXPORT, BATCH, SIGNAL = _pk("report"), _pk("export"), _pk("batch"), _pk("signal")


def _period(o) -> str:
    return f"{o.report.year}-Q1"


# Columns: anonymous, officer of 01, officer of 79, reviewer, administrator.
READ_01 = (LOGIN, 200, 404, 200, 200)  # a page of an object of 01
WRITE_01 = (LOGIN, 200, 404, 403, 200)  # its edit and delete pages: another unit's is a 404, a reviewer's a 403
WRITE_01_REFUSED = (LOGIN, None, 404, 403, None)
API_READ_01 = (401, 200, 404, 200, 200)
API_LIST = (401, 200, 200, 200, 200)

WEB = {
    "set_language": row(*(Redirect("/"),) * 5),
    "home": row(LOGIN, 200, 200, 200, 200),
    "login": row(200, Redirect("/"), Redirect("/"), Redirect("/"), Redirect("/")),
    "logout": row(405, 405, 405, 405, 405),  # logging out is a POST
    # the unit pickers' search: JSON, a 403 without a unit for anonymous users (each scope limits what is found)
    "unit_search": row(403, 200, 200, 200, 200, query=lambda o: {"q": "ha"}),
    "audit_trail": row(LOGIN, 403, 403, 403, 200),
    "api-docs": row(LOGIN, 200, 200, 200, 200),
    # registers
    "documents:document_list": row(LOGIN, 200, 200, 200, 200),
    "documents:document_create": row(LOGIN, 200, 200, 403, 200, post=(LOGIN, None, None, 403, None)),
    "documents:document_detail": row(*READ_01, args=DOC),
    "documents:document_update": row(*WRITE_01, args=DOC, post=WRITE_01_REFUSED),
    "documents:document_delete": row(*WRITE_01, args=DOC, post=WRITE_01_REFUSED),
    "documents:digitization_list": row(LOGIN, 200, 200, 200, 200),
    "documents:digitization_create": row(LOGIN, 200, 200, 403, 200, post=(LOGIN, None, None, 403, None)),
    "documents:digitization_detail": row(*READ_01, args=DIG),
    "documents:digitization_update": row(*WRITE_01, args=DIG, post=WRITE_01_REFUSED),
    "documents:digitization_delete": row(*WRITE_01, args=DIG, post=WRITE_01_REFUSED),
    "meetings:conference_list": row(LOGIN, 200, 200, 200, 200),
    "meetings:conference_create": row(LOGIN, 200, 200, 403, 200, post=(LOGIN, None, None, 403, None)),
    "meetings:conference_detail": row(*READ_01, args=CONF),
    "meetings:conference_update": row(*WRITE_01, args=CONF, post=WRITE_01_REFUSED),
    "meetings:conference_delete": row(*WRITE_01, args=CONF, post=WRITE_01_REFUSED),
    # dashboards: an officer's overview is their own province's page
    "reporting:overview": row(LOGIN, Redirect("/dashboard/province/01/"), Redirect("/dashboard/province/79/"),
                              200, 200),
    "reporting:province": row(*READ_01, args=lambda o: {"code": "01"}),
    "reporting:unit": row(*READ_01, args=lambda o: {"code": "00070"}),
    "reporting:signals": row(LOGIN, 200, 200, 200, 200),
    # a review is a POST; an officer of 01 is told no on the page they come from
    "reporting:signal_review": row(LOGIN, 404, 404, 404, 404, args=SIGNAL, post=(LOGIN, 403, 404, None, None)),
    # period reports
    "reports:index": row(LOGIN, 200, 200, 200, 200),
    "reports:submit": row(LOGIN, 200, 200, 403, 403, post=(LOGIN, None, None, 403, 403)),
    "reports:detail": row(*READ_01, args=REPORT),
    # GET: the preview that asks the reviewer to confirm (refused to anyone who may not approve)
    "reports:approve": row(LOGIN, 403, 404, 200, 403, args=REPORT, post=(LOGIN, 403, 404, None, 403)),
    "reports:return": row(LOGIN, 405, 405, 405, 405, args=REPORT, post=(LOGIN, 403, 404, None, 403)),
    "reports:reopen": row(LOGIN, 405, 405, 405, 405, args=REPORT, post=(LOGIN, 403, 404, 403, None)),
    "reports:archive": row(LOGIN, 200, 200, 200, 200),
    "reports:export_download": row(*READ_01, args=EXPORT),
    "reports:rate": row(LOGIN, 403, 403, 200, 200),
    "reports:notification_read": row(LOGIN, 405, 405, 405, 405, args=_pk("notification")),
    # uploads are their uploader's (and the administrators')
    "imports:home": row(LOGIN, 200, 200, 403, 200, post=(LOGIN, None, None, 403, None)),
    "imports:detail": row(LOGIN, 200, 404, 404, 200, args=BATCH),
    "imports:status": row(LOGIN, 200, 404, 404, 200, args=BATCH),
    "imports:errors_csv": row(LOGIN, 200, 404, 404, 200, args=BATCH),
    "imports:template": row(LOGIN, 200, 200, 200, 200, args=lambda o: {"kind": "documents", "fmt": "csv"}),
}

API = {
    "api-root": row(*API_LIST),
    "schema": row(*API_LIST),
    "api-token": row(405, 405, 405, 405, 405),  # signing in is a POST
    "api-logout": row(401, 405, 405, 405, 405),
    "api-target-list": row(*API_LIST),
    "api-compliance-list": row(*API_LIST, query=lambda o: {"unit_code": "01"}),
    "api-compliance-summary": row(*API_READ_01, query=lambda o: {"unit": "01"}),
    "api-compliance-compute": row(401, 403, 403, 405, 405, post=(401, 403, 403, None, None),
                                  data=lambda o: {"year": o.report.year, "unit": o.unit.pk}),
    "api-task-detail": row(*API_READ_01, args=lambda o: {"task_id": o.export.task_id}),
    # exports and period reports
    "api-report-list": row(*API_LIST, post=(401, None, 400, None, None),
                           data=lambda o: {"unit": o.unit.pk, "period": _period(o), "format": "csv"}),
    "api-report-detail": row(*API_READ_01, args=EXPORT),
    "api-report-download": row(*API_READ_01, args=EXPORT),
    "api-period-report-list": row(*API_LIST, post=(401, None, 403, 403, 403),
                                  data=lambda o: {"unit": o.unit.pk, "period": _period(o)}),
    "api-period-report-detail": row(*API_READ_01, args=REPORT),
    "api-period-report-approve": row(401, 405, 405, 405, 405, args=REPORT, post=(401, 403, 404, None, 403)),
    "api-period-report-return": row(401, 405, 405, 405, 405, args=REPORT, post=(401, 403, 404, None, 403),
                                    data=lambda o: {"comment": "Sửa lại"}),
    "api-period-report-reopen": row(401, 405, 405, 405, 405, args=REPORT, post=(401, 403, 404, 403, None),
                                    data=lambda o: {"comment": "Mở lại"}),
    # uploads
    "api-import-list": row(*API_LIST, post=(401, None, None, 403, None)),
    "api-import-detail": row(401, 200, 404, 404, 200, args=BATCH),
    "api-import-errors": row(401, 200, 404, 404, 200, args=BATCH),
    # the viewsets
    "unit-list": row(*API_LIST, post=(401, 405, 405, 405, 405)),
    "unit-detail": row(*API_READ_01, args=lambda o: {"pk": o.unit.pk}, delete=(401, 405, 405, 405, 405)),
    "document-type-list": row(*API_LIST, post=(401, 403, 403, 403, None)),
    "document-type-detail": row(*API_LIST, args=lambda o: {"code": "QĐ"}, delete=(401, 403, 403, 403, None)),
    "document-list": row(*API_LIST, post=(401, None, None, 403, None)),
    "document-detail": row(*API_READ_01, args=DOC, delete=(401, None, 404, 403, None)),
    "conference-list": row(*API_LIST, post=(401, None, None, 403, None)),
    "conference-detail": row(*API_READ_01, args=CONF, delete=(401, None, 404, 403, None)),
    "digitization-report-list": row(*API_LIST, post=(401, None, None, 403, None)),
    "digitization-report-detail": row(*API_READ_01, args=DIG, delete=(401, None, 404, 403, None)),
    "signal-list": row(*API_LIST),
    "signal-detail": row(*API_READ_01, args=SIGNAL),
    "signal-review": row(401, 403, 403, 405, 405, args=SIGNAL, post=(401, 403, 403, None, None)),
}

# The admin is for staff (the administrators): everyone else is sent to its login page.
STAFF_ONLY = (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200)


def staff(administrator: Expected = 200, **kwargs) -> Row:
    return row(*STAFF_ONLY[:-1], administrator, **kwargs)


ADMIN_SITE = {
    "admin:index": staff(),
    "admin:login": row(200, 200, 200, 200, Redirect("/admin/")),
    "admin:logout": row(Redirect("/admin/"), Redirect("/admin/"), Redirect("/admin/"), Redirect("/admin/"), 405),
    "admin:password_change": staff(),
    "admin:password_change_done": staff(),
    "admin:autocomplete": staff(403),  # without the field it completes, a bad request
    "admin:jsi18n": staff(),
    "admin:view_on_site": staff(404, args=lambda o: {  # a document has no page of its own outside the admin
        "content_type_id": ContentType.objects.get_for_model(o.document).pk, "object_id": o.document.pk}),
    "admin:app_list": staff(args=lambda o: {"app_label": "reform"}),
    "admin:auth_user_password_change": staff(args=lambda o: {"id": o.officer.pk}),
    "admin:reporting_computerun_recompute": staff(),
    "admin/(?P<url>.*)$": staff(404, url=lambda o: "/admin/no-such-page/"),
}

# Every model of the admin, with the administrator's answer on its add page and on its object's delete page.
ADMIN_MODELS = {
    "auth.group": (200, 200),
    "knox.authtoken": (200, 200),
    "axes.accessattempt": (403, 200),  # axes records the attempts; nobody adds one by hand
    "axes.accesslog": (403, 200),
    "axes.accessfailurelog": (403, 200),
    "django_celery_beat.periodictask": (200, 200),
    "django_celery_beat.clockedschedule": (200, 200),
    "django_celery_beat.crontabschedule": (200, 200),
    "django_celery_beat.solarschedule": (200, 200),
    "django_celery_beat.intervalschedule": (200, 200),
    "django_celery_results.taskresult": (200, 200),
    "django_celery_results.groupresult": (200, 200),
    "reporting.computerun": (403, 200),  # the engine writes runs and marks
    "reporting.recomputerequest": (403, 200),
    "reporting.signalrequest": (403, 200),
    "reporting.signalthreshold": (200, 200),
    "reporting.signal": (200, 200),
    "reform.unit": (200, 200),
    "reform.unitsuccession": (200, 200),
    "reform.user": (200, 200),
    "reform.target": (200, 200),
    "reform.targetthreshold": (200, 200),
    "reform.policysetting": (200, 200),
    "documents.documenttype": (200, 200),
    "documents.document": (200, 200),
    "documents.digitizationreport": (200, 200),
    "meetings.conference": (200, 200),
    "reports.periodreport": (403, 200),  # submitted on the report pages
    "reports.reportexport": (200, 200),
    "reports.notification": (200, 200),
    "imports.importbatch": (403, 403),  # uploaded on the upload page; never deleted (the audit record of an upload)
}


def _admin_rows() -> dict[str, Row]:
    rows = dict(ADMIN_SITE)
    for label, (add, delete) in ADMIN_MODELS.items():
        prefix = f"admin:{label.replace('.', '_')}"
        path = "/admin/{}/".format(label.replace(".", "/"))

        def obj(o, label=label):
            return o.admin[label]

        def pk(o, obj=obj):
            return {"object_id": obj(o).pk}

        rows[f"{prefix}_changelist"] = staff()
        rows[f"{prefix}_add"] = staff(add)
        rows[f"{prefix}_change"] = staff(args=pk)
        rows[f"{prefix}_history"] = staff(args=pk)
        rows[f"{prefix}_delete"] = staff(delete, args=pk)
        # `<id>/` alone sends to the change page
        rows[f"admin/{label.replace('.', '/')}/<path:object_id>/"] = row(
            *STAFF_ONLY[:-1], Redirect(path), url=lambda o, obj=obj, path=path: f"{path}{obj(o).pk}/")
        if isinstance(admin.site._registry[apps.get_model(label)], SimpleHistoryAdmin):
            # one version of its history
            rows[f"{prefix}_simple_history"] = staff(
                args=lambda o, obj=obj: [obj(o).pk, obj(o).history.order_by("history_id").last().history_id])
    return rows


ADMIN = _admin_rows()
TABLE = {**WEB, **API, **ADMIN}


# --------------------------------------------------------------------------------------------------------------
# The walk
# --------------------------------------------------------------------------------------------------------------
def test_every_route_has_a_row_and_every_row_a_route():
    routes = {route.key for route in all_routes()}
    missing = sorted(routes - TABLE.keys())
    assert not missing, f"Routes without a row in the table of tests/test_url_access.py: {missing}"
    stale = sorted(TABLE.keys() - routes)
    assert not stale, f"Rows of tests/test_url_access.py for routes that no longer exist: {stale}"


def _url(route: Route, spec: Row, o: SimpleNamespace) -> str:
    if spec.url is not None:
        return spec.url(o)
    args = spec.args(o) if spec.args else {}
    if isinstance(args, list):
        return reverse(route.name, args=args)
    if "format" in route.kwargs:
        args = {**args, "format": "json"}  # DRF's suffix routes: /api/v1/documents.json
    return reverse(route.name, kwargs=args)


def walk(table: dict[str, Row], objects: SimpleNamespace, clients: dict, *, api: bool) -> list[str]:
    """Call every route of `table` as every role; the mismatches, one line each (all of them, not the first)."""
    failures = []
    calls = []
    for route in all_routes():
        if route.key not in table:
            continue
        spec = table[route.key]
        url = _url(route, spec, objects)
        if resolve(url.split("?")[0]).route != route.route:
            failures.append(f"{route.key}: {url} does not resolve to {route.route}")
            continue
        calls.append((route, spec, url))
    # Every read first, then the refused writes (a write that wrongly succeeded cannot hide a read).
    for route, spec, url in calls:
        query = spec.query(objects) if spec.query else {}
        for role, expected in zip(ROLES, spec.get):
            got = answer(clients[role, api].get(url, query))
            if not matches(expected, got):
                failures.append(f"GET {url} as {role}: expected {expected!r}, got {got!r} ({route.key})")
    for route, spec, url in calls:
        data = spec.data(objects) if spec.data else {}
        for method, statuses in spec.writes.items():
            for role, expected in zip(ROLES, statuses):
                if expected is None:
                    continue
                client = clients[role, api]
                if api:
                    response = getattr(client, method)(url, data, content_type="application/json")
                else:
                    response = getattr(client, method)(url, data)
                got = answer(response)
                if not matches(expected, got):
                    failures.append(f"{method.upper()} {url} as {role}: expected {expected!r}, got {got!r} "
                                    f"({route.key})")
    return failures


def test_every_page_answers_each_role_as_the_table_says(objects, clients):
    failures = walk(WEB, objects, clients, api=False)
    assert not failures, "\n".join(failures)


def test_every_api_endpoint_answers_each_role_as_the_table_says(objects, clients):
    failures = walk(API, objects, clients, api=True)
    assert not failures, "\n".join(failures)


def test_every_admin_page_answers_each_role_as_the_table_says(objects, clients):
    failures = walk(ADMIN, objects, clients, api=False)
    assert not failures, "\n".join(failures)
