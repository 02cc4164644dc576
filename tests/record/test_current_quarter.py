"""The current quarter is the one the council is in (issue 18): a row for a far-future quarter is refused by
the imports, and an open quarter that has not started never becomes "current" for forms, dashboards or
tasks."""

from __future__ import annotations

from datetime import date

import pytest

from organisation import interchange, parsing, roles
from organisation import services as organisation_services
from organisation.models import ReportingPeriod
from organisation.periods import parse, quarter_containing
from organisation.records import RecordError
from tests.conftest import make_user
from tests.kpis.conftest import make_indicator


def _far() -> str:
    return parse(f"{quarter_containing(date.today()).year + 5}/{str(quarter_containing(date.today()).year + 6)[2:]} Q1").label


def _next() -> str:
    return quarter_containing(date.today()).next().label


@pytest.mark.parametrize(("kind", "header", "row"), [
    ("actuals", "code,period,value,commentary", "DPE007,{period},75.8,x"),
    ("placements", "period,heading,category,children,average_weekly_cost", "{period},Fostering,In-house,3,500"),
])
def test_a_row_for_a_far_future_quarter_is_refused_and_makes_no_quarter(area_a, open_quarter, kind, header, row):
    make_indicator(area_a, "DPE007")
    before = ReportingPeriod.objects.count()
    content = f"{header}\n{row.format(period=_far())}\n".encode()
    report = interchange.import_file(kind, "f.csv", content, dry_run=False)
    assert any(f'row 2, column "period": {_far()} has not started' in e for e in report.errors), report.errors
    assert ReportingPeriod.objects.count() == before


def test_the_risks_import_refuses_reviews_for_a_quarter_not_started(directorate, area_a, open_quarter):
    from tests.risks.conftest import make_risk

    make_risk("CRR9", directorate, area_a)
    content = (f"reference,period,title,directorate,register,likelihood,impact,tolerance_likelihood,"
               f"tolerance_impact\nCRR9,{_far()},Risk,People,corporate,2,3,1,2\n").encode()
    report = interchange.import_file("risks", "r.csv", content, dry_run=True)
    assert any("has not started: reviews are given" in e for e in report.errors), report.errors


def test_the_next_quarter_may_be_given_and_targets_years_ahead(area_a, open_quarter):
    make_indicator(area_a, "DPE007")
    assert parsing.check_started(parse(_next()), date.today())
    with pytest.raises(parsing.InvalidValue):
        parsing.check_started(parse(_next()).next(), date.today())
    year = quarter_containing(date.today()).year + 4
    report = interchange.import_file("targets", "t.csv", f"code,period,target\nDPE007,{year}/{str(year + 1)[2:]},80\n"
                                     .encode(), dry_run=True)
    assert report.ok, report.errors


def test_an_open_quarter_not_yet_started_is_never_the_current_one(area_a, open_quarter, officer):
    far = ReportingPeriod.for_label(_far())
    assert not far.is_locked
    assert ReportingPeriod.objects.latest_quarter() == open_quarter
    page = officer.get("/performance/entry/").content.decode() + officer.get("/performance/").content.decode()
    assert open_quarter.label in page
    # With nothing open that has started, the last quarter reached (locked), never the one years ahead.
    open_quarter.state = ReportingPeriod.State.LOCKED
    open_quarter.save()
    assert ReportingPeriod.objects.latest_quarter() == open_quarter


def test_opening_the_next_quarter_stops_at_the_one_after_today(db):
    officer = make_user("opener", roles.PERFORMANCE_OFFICER)
    ReportingPeriod.for_label(_next())
    with pytest.raises(RecordError, match="cannot be opened yet"):
        organisation_services.period_open_next(user=officer)


def test_a_target_years_ahead_never_makes_its_quarter_current_or_open_for_figures(area_a, open_quarter, manager_a):
    from kpis.models import Actual

    make_indicator(area_a, "DPE007")
    report = interchange.import_file("targets", "t.csv", f"code,period,target\nDPE007,{_far()},5\n".encode(),
                                     dry_run=False)
    assert report.ok, report.errors
    far = ReportingPeriod.for_label(_far())
    officer = make_user("far-officer", roles.PERFORMANCE_OFFICER)
    organisation_services.period_lock(user=officer, period=open_quarter, sign_off_submitted=True)
    assert ReportingPeriod.objects.latest_quarter() == ReportingPeriod.objects.get(pk=open_quarter.pk)
    # The entry form for that quarter saves nothing: figures are for periods the council has reached.
    response = manager_a.post(f"/performance/entry/{far.slug}/{area_a.pk}/", {"action": "draft"}, follow=True)
    assert not Actual.objects.filter(period=far).exists()
    assert response.status_code in (200, 403, 404)
    # "Open the next quarter" opens the one after the quarter the council has reached.
    opened = organisation_services.period_open_next(user=officer)
    assert opened.label == "2019/20 Q2"


def test_services_refuse_figures_reviews_and_snapshots_for_a_quarter_not_started(directorate, area_a, db):
    from decimal import Decimal

    from kpis import services as kpi_services
    from kpis.services import FigureInput
    from placements import services as placement_services
    from risks import services as risk_services
    from tests.risks.conftest import make_risk

    far = ReportingPeriod.for_label(_far())
    indicator = make_indicator(area_a, "DPE007")
    officer = make_user("svc-officer", roles.PERFORMANCE_OFFICER)
    with pytest.raises(RecordError, match="has not started: figures"):
        kpi_services.figures_save(user=officer, quarter=far, submit=False, figures=[FigureInput(
            indicator=indicator, period=far, version=None, value=Decimal(1), numerator=None, denominator=None,
            commentary="")])
    with pytest.raises(RecordError, match="has not started: reviews"):
        risk_services.review_save(user=officer, risk=make_risk("CRR9", directorate, area_a), period=far,
                                  version=None, data=None)
    with pytest.raises(RecordError, match="has not started: snapshots"):
        placement_services.snapshot_save(user=officer, period=far, rows=[])
