"""Units that ended on 30 June 2025 (legacy units, directly under the root) report no more: they are not expected
in the reporting rate, reminders or scheduled exports, and the dashboards' province pickers list current ones."""
import datetime

import pytest

from reporting import dashboards
from reports import selectors
from reports.periods import ReportingPeriod
from tests.factories import UnitFactory

from .conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture
def legacy(tree):
    ended = datetime.date(2025, 6, 30)
    return {
        "L30": UnitFactory(code="L30", name="Tỉnh Hải Dương", level="provincial", parent=tree["TW"], valid_until=ended),
        "L00013": UnitFactory(code="L00013", name="Phường Quán Thánh", level="commune", parent=tree["TW"],
                              valid_until=ended),
    }


def test_the_nations_reporting_rate_expects_current_provinces_only(tree, legacy):
    table = selectors.reporting_rate(unit=tree["TW"], period=ReportingPeriod(year=YEAR, code="Q1"))
    assert {row["unit"].code for row in table["rows"]} == {"01", "79"}
    assert table["expected"] == 2


def test_reminders_and_scheduled_exports_skip_legacy_units(tree, legacy):
    assert not selectors.reporting_localities().filter(code__startswith="L").exists()
    assert {u.code for u in selectors.scheduled_export_units()} == {"TW", "01", "79"}


def test_the_dashboards_province_picker_lists_current_provinces(tree, legacy):
    assert [u.code for u in dashboards.provinces()] == ["01", "79"]
