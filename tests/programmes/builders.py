"""Small builders of programmes for the documents' tests: a programme shaped like Strengthening Families
(shared/reference/programme-papers-2018-2019.md), with as many objectives, savings years, milestones,
workstreams, benefits and risks as asked, written straight to the models (the services are tested elsewhere).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from organisation.models import ReportingPeriod
from programmes.models import Assessment, Benefit, BudgetLine, Milestone, Objective, Programme, Saving, Workstream
from tests.kpis.conftest import make_indicator, set_actual, set_target
from tests.risks.conftest import make_risk, review

NAME = "Strengthening Families"
SAVINGS = (("2019/20", Decimal("1642067")), ("2020/21", Decimal("2194632")), ("2021/22", Decimal("1828292")),
           ("2022/23", Decimal("453228")))
CLOSURE = ("Achieved", "Achieved", "Achieved", "Achieved in part", "Not achieved", "Achieved in part",
           "Achieved in part")
RAGS = ("On track", "On track", "At risk", "Off track")


def make_programme(directorate, area=None, *, name: str = NAME, **extra) -> Programme:
    fields = {"sponsor": "Executive Director, People", "senior_responsible_owner": "Service Director",
              "manager": "Senior Project Manager", "governance": "Programme Board monthly",
              "mandate_date": date(2017, 8, 30), "planned_closure": date(2019, 9, 30),
              "approved_closure": date(2019, 9, 30), "actual_closure": date(2019, 10, 2)} | extra
    return Programme.objects.create(name=name, directorate=directorate, service_area=area, **fields)


def add_objectives(programme, quarter: ReportingPeriod, count: int, *, closure: bool = True,
                   state=Assessment.State.SIGNED_OFF) -> list[Objective]:
    made = []
    for number in range(1, count + 1):
        objective = Objective.objects.create(programme=programme, number=number,
                                             objective=f"Objective {number}: children in care reduce",
                                             measure=f"Measure {number} monthly", timeframe="Life of the programme")
        Assessment.objects.create(objective=objective, period=quarter, rag=RAGS[(number - 1) % len(RAGS)],
                                  assessment=CLOSURE[(number - 1) % len(CLOSURE)] if closure else "",
                                  commentary=f"Commentary on objective {number}", state=state)
        made.append(objective)
    return made


def add_savings(programme, quarter: ReportingPeriod, years: int = 4) -> list[Saving]:
    made = []
    for index, (label, planned) in enumerate(SAVINGS[:years]):
        # The third year is forecast 10% short: At risk at the default 15% tolerance.
        forecast = planned * Decimal("0.9") if index == 2 else planned
        made.append(Saving.objects.create(programme=programme, year=ReportingPeriod.for_label(label), period=quarter,
                                          planned=planned, forecast=forecast.quantize(Decimal("1")),
                                          owner="Service Director", forum="Budget Working Group"))
    return made


def add_milestones(programme, count: int, workstream=None) -> list[Milestone]:
    made = []
    for n in range(count):
        slipped = n % 2 == 0
        made.append(Milestone.objects.create(
            programme=programme, workstream=workstream, name=f"Milestone {n + 1}: agile working devices",
            baseline=date(2018, 4, 1), approved=date(2018, 9, 1) if slipped else None,
            actual=date(2018, 10, 1) if slipped else date(2018, 3, 1),
            slippage_reason="Device deployment not completed" if slipped else ""))
    return made


def add_budget(programme) -> None:
    BudgetLine.objects.create(programme=programme, kind="capital", source="Capital reserves",
                              original=Decimal(1815000), final_approved=Decimal(1815000), spend=Decimal(1815000))
    BudgetLine.objects.create(programme=programme, kind="revenue", source="Revenue",
                              original=Decimal(1017000), final_approved=Decimal(1017000), spend=Decimal(1017000))


def add_workstreams(programme, count: int, indicators=()) -> list[Workstream]:
    made = []
    for n in range(count):
        workstream = Workstream.objects.create(programme=programme, name=f"Workstream {n + 1}", order=n,
                                               projects="Social worker recruitment\nEmbed Signs of Safety",
                                               measures="Turnover under 18%", performance="Turnover 16%")
        workstream.indicators.set(indicators)
        made.append(workstream)
    return made


def add_benefits(programme, count: int) -> list[Benefit]:
    return [Benefit.objects.create(programme=programme, benefit=f"Savings profiled for {label} of £{planned:,}",
                                   how_measured="Division 15 forecasting and outturn", owner="Service Director",
                                   forum="Budget Working Group", when=f"To April {2020 + n}", financial=True, order=n)
            for n, (label, planned) in enumerate((SAVINGS * (count // len(SAVINGS) + 1))[:count])]


def add_risks(programme, directorate, area, quarter_label: str, count: int, *, start: int = 1) -> list:
    made = []
    for n in range(start, start + count):
        risk = make_risk(f"CRR{n}", directorate, area, title=f"Foster carer shortfall {n}")
        review(risk, quarter_label, 3, 4, (2, 4))
        made.append(risk)
    programme.risks.add(*made)
    return made


def add_indicator(area, code: str = "CLA01", value: str = "620", quarter_label: str = "2019/20 Q1"):
    indicator = make_indicator(area, code, polarity="lower", unit="number")
    set_target(indicator, "2019/20", 650)
    set_actual(indicator, quarter_label, value)
    return indicator


def strengthening_families(directorate, area, quarter: ReportingPeriod, *, size: int = 1,
                           name: str = NAME) -> Programme:
    """A whole programme: ``size`` scales every list (objectives 7 x size, the four savings years, ...)."""
    programme = make_programme(directorate, area, name=name)
    add_objectives(programme, quarter, 7 * size)
    add_savings(programme, quarter)
    streams = add_workstreams(programme, 2 * size, indicators=[add_indicator(area, f"CLA{name[:2]}{size}",
                                                                             quarter_label=quarter.label)])
    add_milestones(programme, 3 * size, workstream=streams[0])
    add_budget(programme)
    add_benefits(programme, 4 * size)
    add_risks(programme, directorate, area, quarter.label, 2 * size,
              start=100 * size + (0 if name == NAME else 50))
    return programme
