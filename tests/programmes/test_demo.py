"""The demo's programme reads as Bristol's published papers (shared/reference/programme-papers-2018-2019.md)."""

from datetime import date
from decimal import Decimal

import pytest

from organisation import demo
from organisation.models import ReportingPeriod
from programmes import rules
from programmes.models import Assessment, Programme

CLOSURE = {1: "Achieved", 2: "Achieved", 3: "Achieved", 4: "Achieved in part", 5: "Not achieved",
           6: "Achieved in part", 7: "Achieved in part"}
SAVINGS = {"2019/20": Decimal("1642067.00"), "2020/21": Decimal("2194632.00"), "2021/22": Decimal("1828292.00"),
           "2022/23": Decimal("453228.00")}
SLIPPED = {"Agile working for social workers", "High cost health calculator", "Finance module for the case system"}


@pytest.fixture
def programme(db):
    demo.load_data()
    return Programme.objects.get(name="Strengthening Families")


def test_the_programme_is_the_published_one(programme):
    assert programme.directorate.name == "People"
    assert programme.service_area.name == "Children & Families Services"
    assert programme.sponsor == "Executive Director, People"
    assert programme.senior_responsible_owner == "Service Director, Children & Families Services"
    assert programme.manager == "Senior project manager"
    assert "Programme Board monthly" in programme.governance
    assert (programme.mandate_date, programme.planned_closure, programme.approved_closure,
            programme.actual_closure) == (date(2017, 8, 30), date(2019, 9, 30), date(2019, 9, 30), date(2019, 10, 2))
    assert programme.status == Programme.Status.CLOSED
    workstreams = {w.name: w for w in programme.workstreams.all()}
    assert list(workstreams) == ["Workforce", "Supply management", "Demand management"]
    assert "Embed Signs of Safety" in workstreams["Workforce"].project_list
    assert "turnover under 18%" in workstreams["Workforce"].measures.lower()
    assert len(workstreams["Demand management"].project_list) == 7


def test_seven_objectives_with_their_closure_statuses_submitted_in_the_open_quarter(programme):
    objectives = list(programme.objectives.order_by("number"))
    assert [o.number for o in objectives] == [1, 2, 3, 4, 5, 6, 7]
    assert objectives[0].objective == "Number of children in care and/or the cost of placements reduce"
    assert objectives[4].timeframe == "3 years"
    closing = Assessment.objects.filter(objective__programme=programme, period__year=2019, period__quarter=1)
    assert {a.objective.number: a.assessment for a in closing} == CLOSURE
    assert all(a.commentary and not a.rag for a in closing)
    assert {a.state for a in closing} == {Assessment.State.SUBMITTED}
    summary = rules.closure_summary(a.assessment for a in closing)
    assert summary.text == "7 objectives: 3 achieved, 3 in part, 1 not"
    # Objective 1 reads the demo's children-in-care indicator.
    assert [i.code for i in objectives[0].indicators.all()] == ["CLA01"]


def test_the_october_2018_scrutiny_report_is_signed_off_and_locked(programme):
    quarter = ReportingPeriod.objects.get(year=2018, quarter=2)
    assert quarter.is_locked
    # Objectives 4 and 7 were not reported that quarter: the lock records them as not assessed.
    reported = Assessment.objects.filter(objective__programme=programme, period=quarter).exclude(rag="")
    assert sorted(a.objective.number for a in reported) == [1, 2, 3, 5, 6]
    assert {a.state for a in reported} == {Assessment.State.SIGNED_OFF}
    assert all(a.rag in {p.value for p in rules.Progress} and a.commentary for a in reported)
    first = reported.get(objective__number=1)
    assert "69" in first.commentary and "statistical neighbours" in first.commentary
    # The lock recorded the objectives' words as reported.
    assert first.reported_number == 1 and first.reported_objective == first.objective.objective


def test_savings_total_six_million_over_four_years(programme):
    lines = list(programme.savings.select_related("year", "period"))
    assert {s.period.label for s in lines} == {"2019/20 Q1"}
    by_year = rules.savings_by_year(s.line() for s in lines)
    assert {year: t.planned for year, t in by_year.items()} == SAVINGS
    assert {year: t.forecast for year, t in by_year.items()} == SAVINGS
    total = rules.savings_total(s.line() for s in lines)
    assert total.planned == Decimal("6118219.00") and total.variance == 0
    assert {s.status(programme.savings_tolerance) for s in lines} == {rules.SavingStatus.ON_TRACK}
    assert rules.savings_at_risk([s.line() for s in lines]) == 0
    assert {(s.owner, s.forum, s.how_measured) for s in lines} == {
        ("Service Director, Children & Family Services", "Budget Working Group", "Division 15 forecasting and outturn")}


def test_the_budget_was_spent_as_approved(programme):
    lines = {b.kind: b for b in programme.budget.all()}
    capital, revenue = lines["capital"].variance(), lines["revenue"].variance()
    assert lines["capital"].source == "Capital reserves"
    assert (capital.original, capital.final_approved, capital.spend) == (Decimal(1815000),) * 3
    assert (revenue.original, revenue.final_approved, revenue.spend) == (Decimal(1017000),) * 3
    assert capital.variation == revenue.variation == 0


def test_three_milestones_slipped_each_with_its_reason(programme):
    milestones = list(programme.milestones.all())
    slipped = {m.name: m for m in milestones if rules.reason_required(m.dates(), demo.DEMO_TODAY)}
    assert set(slipped) == SLIPPED
    assert all(m.slippage_reason.strip() for m in slipped.values())
    assert "6 March 2018" in slipped["Agile working for social workers"].slippage_reason
    assert "CCG" in slipped["High cost health calculator"].slippage_reason
    assert "options appraisal" in slipped["Finance module for the case system"].slippage_reason
    for m in slipped.values():
        assert m.actual is None and (m.approved is None or m.approved > m.baseline)
    delivered = [m for m in milestones if m.name not in SLIPPED]
    assert delivered and all(m.actual and m.actual <= m.baseline for m in delivered)
    assert all(programme.mandate_date <= m.baseline <= programme.approved_closure for m in milestones)


def test_the_handover_table(programme):
    benefits = list(programme.benefits.all())
    financial = [b for b in benefits if b.financial]
    assert [b.benefit for b in financial] == [
        "Savings profiled for 2019/20 of £1,642,067", "Savings profiled for 2020/21 of £2,194,632",
        "Savings profiled for 2021/22 of £1,828,292", "Savings profiled for 2022/23 of £453,228"]
    assert [b.when for b in financial] == ["To April 2020", "April 2020 to April 2021", "April 2021 to April 2022",
                                           "April 2022 to April 2023"]
    assert {(b.how_measured, b.owner, b.forum) for b in financial} == {
        ("Division 15 forecasting and outturn", "Service Director, Children & Family Services",
         "Budget Working Group")}
    others = [b for b in benefits if not b.financial]
    assert len(others) == 3
    assert {b.forum for b in others} == {"Children's Home Project Board", "ITTP governance", "A new project board"}


def test_the_risks_to_delivery_are_linked(programme):
    assert [r.reference for r in programme.risks.all()] == ["CRR9"]


def test_the_executive_home_page_shows_the_savings_panel(programme, executive):
    page = executive.get("/home/").content.decode()
    assert "Savings: £6.1m planned over 4 years, £0 at risk" in page
    assert f'href="/programmes/{programme.pk}/"' in page
