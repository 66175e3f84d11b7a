"""Schemathesis against `/api/schema/`: every operation answers only the status codes the schema documents, in the
documented content type and shape, and never a server error (SPEC 7: the schema describes the API).

The run is in-process (Django's WSGI application, inside the test's transaction), signed in with an entry
officer's token of Hà Nội, whose subtree holds one object of each kind: the detail routes answer 200 too, and the
writes reach the services (field errors, locks, roles) instead of stopping at a 404. Fixed seed, derandomized,
bounded examples: the same requests every run.
"""
from __future__ import annotations

import collections
import datetime
import re

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from knox.models import AuthToken

from imports import services as import_services
from reporting.choices import SignalKind
from reporting.models import Signal
from reports import services as report_services
from reports.periods import ReportingPeriod
from tests.factories import ConferenceFactory, DigitizationReportFactory, DocumentFactory

CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance"]
SEED = 226
MAX_EXAMPLES = 10  # per operation, in the fuzzing phase (the examples and coverage phases are bounded by the schema)
YEAR = datetime.date.today().year - 1  # a closed year: its reports can be submitted
LOGOUT = "POST /api/v1/auth/logout/"
# The writes only a reviewer gets past the role check with: the reviewer's run makes them succeed and refuses them.
REVIEWER_WRITES = r"^/api/v1/(compliance/compute/|period-reports/\{id\}/(approve|return)/|signals/\{id\}/review/)$"


@pytest.fixture
def wsgi_app():
    """Django's WSGI application, in this process and this test's transaction. As Django's test client does, a
    request does not close the database connection at its start or end (that would end the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_objects(tree, officer_hn, settings, tmp_path) -> dict[str, dict]:
    """One object of each kind in Hà Nội's subtree; the path parameters that reach each of them."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    hn = tree["01"]
    document = DocumentFactory(unit=hn, issued_on=datetime.date(YEAR, 5, 6))
    conference = ConferenceFactory(unit=tree["00070"], held_on=datetime.date(YEAR, 5, 6))
    digitization = DigitizationReportFactory(unit=hn, year=YEAR, quarter=2)
    report = report_services.report_submit(user=officer_hn, unit=hn, year=YEAR, period="Q1")
    other_report = report_services.report_submit(user=officer_hn, unit=hn, year=YEAR, period="Q2")
    export = report_services.export_request(user=officer_hn, unit=hn, period=ReportingPeriod.parse(f"{YEAR}-Q1"),
                                            format="csv")
    report_services.export_generate(export=export)
    header = "unit_code,number,doc_type,title,issued_on,is_digitized,sent_electronically\n"
    batch = import_services.import_create(user=officer_hn, kind="documents", upload=SimpleUploadedFile(
        "register.csv", f"{header}01,1/QĐ-UBND,QĐ,Quyết định,{YEAR}-13-01,true,true\n".encode()))
    import_services.import_run(batch_id=batch.pk)  # refused: its errors file is there to download
    signal = Signal.objects.create(
        unit=tree["00070"], year=YEAR, kind=SignalKind.NUMBER_GAPS, key="qđ-ubnd", severity="warning", rank=1,
        params={"missing": 3, "expected": 10, "series": "QĐ-UBND"}, evidence={"missing": 3},
        computed_at=datetime.datetime(YEAR + 1, 1, 1, tzinfo=datetime.timezone.utc))
    return {
        "/api/v1/documents/{id}/": {"id": document.pk},
        "/api/v1/conferences/{id}/": {"id": conference.pk},
        "/api/v1/digitization-reports/{id}/": {"id": digitization.pk},
        "/api/v1/document-types/{code}/": {"code": "QĐ"},
        "/api/v1/units/{id}/": {"id": tree["00070"].pk},
        "/api/v1/period-reports/{id}/": {"id": report.pk},
        "/api/v1/period-reports/{id}/approve/": {"id": report.pk},
        "/api/v1/period-reports/{id}/return/": {"id": other_report.pk},  # approve and return both succeed once
        "/api/v1/period-reports/{id}/reopen/": {"id": report.pk},
        "/api/v1/reports/{id}/": {"id": export.pk},
        "/api/v1/reports/{id}/download/": {"id": export.pk},
        "/api/v1/imports/{id}/": {"id": batch.pk},
        "/api/v1/imports/{id}/errors.csv": {"id": batch.pk},
        "/api/v1/signals/{id}/": {"id": signal.pk},
        "/api/v1/signals/{id}/review/": {"id": signal.pk},
        "/api/v1/tasks/{task_id}/": {"task_id": export.task_id},
    }


@pytest.fixture
def api_user(request):
    """Whose token signs the calls: the fixture named by the test's parameter."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def sign_in(api_user):
    """The headers of each call: the user's token; logging out gets a token of its own each time (it ends it)."""
    _, token = AuthToken.objects.create(api_user)

    def headers(case) -> dict[str, str]:
        if case is not None and case.operation.label == LOGOUT:
            return {"Authorization": f"Token {AuthToken.objects.create(api_user)[1]}"}
        return {"Authorization": f"Token {token}"}

    return headers


@pytest.fixture
def answers(api_user, api_schema):
    """The status codes each operation answered. Every read of the officer's run, and every decision of the
    reviewer's, must have succeeded at least once: a run that met only 401s, 403s or 404s would test nothing."""
    seen: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    yield seen
    labels = [result.ok().label for result in api_schema.get_all_operations()]
    if api_user.is_reviewer:
        expected = [label for label in labels if label.startswith("POST ") and re.match(REVIEWER_WRITES, label[5:])]
    else:
        expected = [label for label in labels if label.startswith("GET ")]
    assert len(expected) >= 4, labels
    assert [label for label in expected if not any(200 <= code < 300 for code in seen[label])] == []


@pytest.fixture
def api_schema(wsgi_app, sign_in, api_objects):
    config = schemathesis.Config.from_dict({
        "seed": SEED,
        "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        # Our checks do not judge the methods an operation lacks (405): `unsupported_method` would.
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True, "unexpected-methods": []},
                   "fuzzing": {"enabled": True}, "stateful": {"enabled": False}},
        "operations": [
            *({"include-path": path, "parameters": values} for path, values in api_objects.items()),
            # A PUT is validated as its POST and PATCH are (same serializer, same service): the coverage phase of
            # those two walks its fields, and skipping it here saves a sixth of the run. PUT is still fuzzed.
            {"include-method": "PUT", "phases": {"coverage": {"enabled": False}}},
        ],
    })
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, config=config,
                                          headers=sign_in(None))


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.parametrize("api_user", ["officer_hn"], indirect=True)
@schema.parametrize()
def test_every_operation_answers_as_documented(case, sign_in, answers):
    response = case.call_and_validate(headers=sign_in(case))
    answers[case.operation.label][response.status_code] += 1


@pytest.mark.parametrize("api_user", ["reviewer"], indirect=True)
@schema.include(method="POST", path_regex=REVIEWER_WRITES).parametrize()
def test_a_reviewers_decisions_answer_as_documented(case, sign_in, answers):
    response = case.call_and_validate(headers=sign_in(case))
    answers[case.operation.label][response.status_code] += 1
