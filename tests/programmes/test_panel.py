"""The home page's programmes panel: savings planned and at risk in each programme's newest quarter."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisation.models import ReportingPeriod
from programmes import panels
from programmes.models import Programme, Saving


def programme(directorate, name, status=Programme.Status.RUNNING, tolerance=None, lines=()):
    """A programme with saving lines (financial year, quarter reported, planned, forecast, rag)."""
    item = Programme.objects.create(name=name, directorate=directorate, status=status, savings_tolerance=tolerance)
    for year, period, planned, forecast, rag in lines:
        Saving.objects.create(programme=item, year=ReportingPeriod.for_label(year),
                              period=ReportingPeriod.for_label(period), planned=Decimal(planned),
                              forecast=None if forecast is None else Decimal(forecast), rag=rag)
    return item


@pytest.fixture
def some(directorate):
    return [
        # Newest quarter 2019/20 Q1: 2019/20 forecast 10% short (At risk), 2020/21 on plan; the older quarter's
        # line is not counted.
        programme(directorate, "Better Lives", lines=[
            ("2019/20", "2018/19 Q4", 999999, 0, ""),
            ("2019/20", "2019/20 Q1", 100000, 90000, ""),
            ("2020/21", "2019/20 Q1", 50000, None, "")]),
        # Closed; an RAG entered is the one reported, whatever the amounts say.
        programme(directorate, "Strengthening Families", Programme.Status.CLOSED, lines=[
            ("2019/20", "2019/20 Q1", 1642067, 1642067, "Undeliverable"),
            ("2020/21", "2019/20 Q1", 2194632, 2194632, "On track")]),
        programme(directorate, "Mandated only", Programme.Status.MANDATED, lines=[
            ("2019/20", "2019/20 Q1", 5000, 0, "")]),
        programme(directorate, "No savings"),
    ]


def test_each_programme_running_or_closed_with_savings_at_risk_against_planned(some):
    shown = {p["name"]: p for p in panels.savings_summaries()}
    assert list(shown) == ["Better Lives", "Strengthening Families"]
    better, families = shown["Better Lives"], shown["Strengthening Families"]
    assert (better["planned"], better["years"], better["at_risk"], better["quarter"]) == (
        Decimal(150000), 2, Decimal(100000), "2019/20 Q1")
    assert (better["planned_text"], better["at_risk_text"], better["at_risk_lines"]) == ("£150k", "£100k", 1)
    assert (families["planned_text"], families["at_risk_text"], families["status"]) == ("£3.8m", "£1.6m", "Closed")


def test_the_programme_tolerance_judges_a_line_without_an_rag(directorate):
    # 10% short: inside the default 15 (At risk), beyond a tolerance of 5 (Undeliverable) - at risk either way;
    # 3% short with a tolerance of 0 is Undeliverable too.
    programme(directorate, "Tight", tolerance=Decimal(0), lines=[("2019/20", "2019/20 Q1", 100000, 97000, "")])
    programme(directorate, "Exact", lines=[("2019/20", "2019/20 Q1", 100000, 100000, "")])
    shown = {p["name"]: p["at_risk"] for p in panels.savings_summaries()}
    assert shown == {"Exact": 0, "Tight": Decimal(100000)}


@pytest.mark.parametrize("persona", ["executive", "officer", "audit", "manager_a"], indirect=True)
def test_readers_of_programmes_see_the_panel_with_a_link_and_status_words(persona, some):
    page = persona.get("/home/").content.decode()
    families = Programme.objects.get(name="Strengthening Families")
    assert "Programmes and savings" in page
    assert "Savings: £150k planned over 2 years, <strong>£100k at risk</strong> (1 line At risk or Undeliverable)" \
        in page
    assert f'href="/programmes/{families.pk}/"' in page and ">Closed</strong>" in page
    assert "Mandated only" not in page and "No savings" not in page


@pytest.mark.parametrize("persona", ["outsider"], indirect=True)
def test_others_see_no_panel(persona, some):
    assert "Programmes and savings" not in persona.get("/home/").content.decode()


def test_no_panel_without_savings(executive, directorate):
    programme(directorate, "No savings")
    assert "Programmes and savings" not in executive.get("/home/").content.decode()


def queries(executive) -> int:
    executive.get("/home/")  # the other panels' summaries cached, as on any page after the first
    with CaptureQueriesContext(connection) as captured:
        assert executive.get("/home/").status_code == 200
    return len(captured)


def test_the_query_count_does_not_grow_with_programmes_or_lines(executive, directorate):
    programme(directorate, "First", lines=[("2019/20", "2019/20 Q1", 1000, 1000, "")])
    with CaptureQueriesContext(connection) as captured:
        panels.savings_summaries()
    assert len(captured) == 1
    small = queries(executive)
    for n in range(6):
        programme(directorate, f"More {n}", Programme.Status.CLOSED if n % 2 else Programme.Status.RUNNING,
                  lines=[(year, quarter, 1000 + n, 900, "") for year in ("2019/20", "2020/21", "2021/22")
                         for quarter in ("2018/19 Q4", "2019/20 Q1")])
    with CaptureQueriesContext(connection) as captured:
        assert len(panels.savings_summaries()) == 7
    assert len(captured) == 1
    assert queries(executive) == small


def test_a_locked_quarter_shows_the_status_recorded_at_its_lock(directorate):
    from django.utils import timezone

    item = programme(directorate, "Locked", lines=[("2018/19", "2018/19 Q4", 100000, 100000, "")])
    quarter = ReportingPeriod.for_label("2018/19 Q4")
    Saving.objects.filter(programme=item).update(reported_status="At risk")
    quarter.state, quarter.recorded_at = ReportingPeriod.State.LOCKED, timezone.now()
    quarter.save()
    assert [p["at_risk"] for p in panels.savings_summaries()] == [Decimal(100000)]
