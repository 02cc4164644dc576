"""Indicator codes in natural order (BCP9 before BCP10) on the dashboard, its downloads and the stored
judgements, open and locked alike."""

import io

import openpyxl
import pytest

from kpis import queries
from organisation import services as organisation_services
from organisation.models import ReportingPeriod
from tests.kpis.conftest import make_indicator, set_actual, set_target

CODES = ["PI10", "PI9", "PI100", "PI1a", "PI1"]
WANT = ["PI1", "PI1a", "PI9", "PI10", "PI100"]


@pytest.fixture
def indicators(area_a, open_quarter):
    made = []
    for code in CODES:
        indicator = make_indicator(area_a, code)
        set_target(indicator, "2019/20", 50)
        set_actual(indicator, "2019/20 Q1", 60, state="submitted")  # on target: not exceptions
        made.append(indicator)
    return made


@pytest.mark.parametrize("locked", [False, True])
def test_the_dashboard_table_and_the_stored_scope_list_codes_naturally(executive, officer_user, indicators,
                                                                         open_quarter, locked):
    if locked:
        organisation_services.period_lock(user=officer_user, period=open_quarter, sign_off_submitted=True)
        open_quarter = ReportingPeriod.objects.get(pk=open_quarter.pk)
    stored = queries.stored_scope(None, open_quarter)
    assert [r.indicator.code for r in stored.rows] == WANT
    assert [r.indicator.code for r in queries.scope(None, open_quarter).rows] == WANT
    response = executive.get(f"/performance/?period={open_quarter.slug}&sort=indicator__code")
    assert [r.record.indicator.code for r in response.context["table"].page.object_list] == WANT
    book = openpyxl.load_workbook(io.BytesIO(executive.get(
        f"/performance/report/{open_quarter.slug}.xlsx").content))
    codes = [cell for row in book.active.iter_rows(values_only=True) for cell in row if cell in CODES]
    assert codes == WANT
