"""What a programme page, its highlight report for a quarter and its closure report show, read in a fixed
number of queries and judged by the pure rules (programmes/rules.py). The pages, the downloads and the
committee pack all read this, so they never disagree.

A locked quarter reads as it was reported: its assessments as signed off (with the objectives' words
recorded at the lock), the savings reported in it, the linked indicators' and risks' stored judgements of
that quarter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Q

from organisation import access, clock
from organisation.models import ReportingPeriod

from . import links, rules
from .models import Assessment, Objective, Programme, Saving


@dataclass
class ObjectiveRow:
    number: int
    objective: str
    measure: str
    timeframe: str
    assessment: Assessment | None  # the quarter's (None: not assessed in it)
    reported: bool  # whether the assessment counts as reported (signed off, or any state in an open quarter)
    indicators: list[links.IndicatorFact] = field(default_factory=list)

    @property
    def rag(self) -> rules.Progress | None:
        if self.assessment is None or not self.reported or not self.assessment.rag:
            return None
        return rules.Progress(self.assessment.rag)

    @property
    def status(self) -> rules.Assessment | None:
        if self.assessment is None or not self.reported or not self.assessment.assessment:
            return None
        return rules.Assessment(self.assessment.assessment)

    @property
    def commentary(self) -> str:
        return self.assessment.commentary if self.assessment is not None and self.reported else ""

    @property
    def entered(self) -> bool:
        """Something was entered (a lock records an objective not assessed as an empty row)."""
        a = self.assessment
        return a is not None and bool(a.rag or a.assessment or a.commentary)

    @property
    def state_label(self) -> str:
        if not self.entered:
            return "Not assessed"
        if not self.reported:
            return "Not reported (not signed off)"
        return self.assessment.get_state_display()


@dataclass
class SavingRow:
    year: str
    planned: Decimal
    forecast: Decimal | None
    delivered: Decimal | None
    status: rules.SavingStatus
    owner: str
    forum: str
    how_measured: str
    commentary: str

    @property
    def variance(self) -> Decimal:
        return (self.planned if self.forecast is None else self.forecast) - self.planned


@dataclass
class MilestoneRow:
    name: str
    workstream: str
    baseline: date
    approved: date | None
    actual: date | None
    state: rules.MilestoneState
    days_late: int  # against the baseline, as known today
    reason: str

    @property
    def slipped(self) -> bool:
        return self.days_late > 0


@dataclass
class BudgetRow:
    kind: str
    source: str
    variance: rules.BudgetVariance


@dataclass
class ProgrammeReport:
    programme: Programme
    quarter: ReportingPeriod | None  # the quarter reported (None: nothing reported yet)
    savings_quarter: ReportingPeriod | None  # the quarter whose savings are shown (the newest up to quarter)
    objectives: list[ObjectiveRow]
    savings: list[SavingRow]
    workstreams: list
    benefits: list
    milestones: list[MilestoneRow]
    budget: list[BudgetRow]
    risks: list[links.RiskFact]
    quarters: list[ReportingPeriod]  # the quarters with assessments or savings, for the quarter picker
    today: date

    @property
    def tolerance(self):
        return self.programme.savings_tolerance

    @property
    def savings_totals(self) -> rules.SavingTotals:
        return rules.SavingTotals(
            planned=sum((s.planned for s in self.savings), rules.ZERO),
            forecast=sum((s.planned if s.forecast is None else s.forecast for s in self.savings), rules.ZERO),
            delivered=sum((s.delivered or rules.ZERO for s in self.savings), rules.ZERO))

    @property
    def savings_at_risk(self) -> Decimal:
        return sum((s.planned for s in self.savings if s.status.at_risk), rules.ZERO)

    @property
    def closure(self) -> rules.ClosureSummary:
        return rules.closure_summary([row.status for row in self.objectives])

    @property
    def rag_counts(self) -> dict[str, int]:
        counts = {p.value: 0 for p in rules.Progress}
        for row in self.objectives:
            if row.rag is not None:
                counts[row.rag.value] += 1
        return counts

    @property
    def slipped(self) -> list[MilestoneRow]:
        return [m for m in self.milestones if m.slipped]

    @property
    def handover(self) -> list:
        return list(self.benefits)

    @property
    def is_locked(self) -> bool:
        return self.quarter is not None and self.quarter.is_locked


def programmes_for(user):
    """The programmes this user may read (every role reads every programme)."""
    if not access.can_view_programmes(user):
        return Programme.objects.none()
    return Programme.objects.select_related("directorate", "service_area")


def reported_quarters(programme: Programme) -> list[ReportingPeriod]:
    """The quarters in which the programme's objectives were assessed or its savings reported, oldest first."""
    ids = set(Assessment.objects.filter(objective__programme=programme).exclude(rag="", assessment="", commentary="")
              .values_list("period_id", flat=True))
    ids |= set(Saving.objects.filter(programme=programme).values_list("period_id", flat=True))
    return list(ReportingPeriod.objects.filter(pk__in=ids).order_by("year", "quarter"))


def default_quarter(programme: Programme, quarters: list[ReportingPeriod] | None = None) -> ReportingPeriod | None:
    quarters = reported_quarters(programme) if quarters is None else quarters
    return quarters[-1] if quarters else ReportingPeriod.objects.latest_quarter()


def closure_quarter(programme: Programme, quarters: list[ReportingPeriod] | None = None) -> ReportingPeriod | None:
    """The quarter the closure report reads: the newest with a status at closure, else the newest reported."""
    quarters = reported_quarters(programme) if quarters is None else quarters
    with_status = set(Assessment.objects.filter(objective__programme=programme).exclude(assessment="")
                      .values_list("period_id", flat=True))
    for quarter in reversed(quarters):
        if quarter.pk in with_status:
            return quarter
    return quarters[-1] if quarters else None


def build(programme: Programme, quarter: ReportingPeriod | None, user, *, today: date | None = None) -> ProgrammeReport:
    """Everything the programme's pages and reports show for a quarter."""
    today = today or clock.today()
    quarters = reported_quarters(programme)
    objectives = list(Objective.objects.filter(programme=programme).order_by("number").prefetch_related(
        Prefetch("assessments", queryset=Assessment.objects.filter(period=quarter).select_related("period"),
                 to_attr="in_quarter") if quarter is not None else Prefetch("assessments", to_attr="in_quarter",
                                                                               queryset=Assessment.objects.none()),
        "indicators"))
    indicator_ids = {i.pk for o in objectives for i in o.indicators.all()}
    workstreams = list(programme.workstreams.order_by("order", "name").prefetch_related("indicators"))
    indicator_ids |= {i.pk for w in workstreams for i in w.indicators.all()}
    facts = links.indicator_facts(indicator_ids, quarter) if quarter is not None else {}
    locked = quarter is not None and quarter.has_record
    rows = []
    for o in objectives:
        found = o.in_quarter[0] if o.in_quarter else None
        if locked and found is None:
            continue  # added after the quarter was locked: not in its report
        reported = found is not None and (not quarter.is_locked or found.state == Assessment.State.SIGNED_OFF)
        words = found if (found is not None and locked and found.reported_objective) else None
        rows.append(ObjectiveRow(
            number=words.reported_number if words else o.number,
            objective=words.reported_objective if words else o.objective,
            measure=words.reported_measure if words else o.measure,
            timeframe=o.timeframe, assessment=found, reported=reported,
            indicators=[facts[i.pk] for i in o.indicators.all() if i.pk in facts]))
    if locked:
        rows.sort(key=lambda r: r.number)  # in the order the quarter reported them
    for w in workstreams:
        w.facts = [facts[i.pk] for i in w.indicators.all() if i.pk in facts]
    savings_quarter, savings = _savings(programme, quarter)
    milestones = [_milestone(m, today) for m in programme.milestones.select_related("workstream")
                  .order_by("baseline", "name")]
    budget = [BudgetRow(kind=b.get_kind_display(), source=b.source, variance=b.variance())
              for b in programme.budget.order_by("kind")]
    risk_facts = links.delivery_risks(user, programme, quarter) if quarter is not None else []
    return ProgrammeReport(
        programme=programme, quarter=quarter, savings_quarter=savings_quarter, objectives=rows, savings=savings,
        workstreams=workstreams, benefits=list(programme.benefits.select_related("workstream").order_by("order", "pk")),
        milestones=milestones, budget=budget, risks=risk_facts, quarters=quarters, today=today)


def _savings(programme: Programme, quarter: ReportingPeriod | None) -> tuple[ReportingPeriod | None, list[SavingRow]]:
    """The saving lines reported in the newest quarter up to ``quarter`` that has any."""
    if quarter is None:
        return None, []
    up_to = Q(period__year__lt=quarter.year) | Q(period__year=quarter.year, period__quarter__lte=quarter.quarter)
    newest = (Saving.objects.filter(up_to, programme=programme).order_by("-period__year", "-period__quarter")
              .values_list("period_id", flat=True).first())
    if newest is None:
        return None, []
    lines = list(Saving.objects.filter(programme=programme, period_id=newest).select_related("year", "period")
                 .order_by("year__year"))
    tolerance = programme.savings_tolerance
    rows = [SavingRow(year=s.year.label, planned=s.planned, forecast=s.forecast, delivered=s.delivered,
                      status=s.status(tolerance), owner=s.owner, forum=s.forum, how_measured=s.how_measured,
                      commentary=s.commentary) for s in lines]
    return lines[0].period, rows


def _milestone(m, today: date) -> MilestoneRow:
    dates = m.dates()
    return MilestoneRow(name=m.name, workstream=m.workstream.name if m.workstream else "", baseline=m.baseline,
                        approved=m.approved, actual=m.actual, state=rules.milestone_state(dates, today),
                        days_late=rules.days_slipped(dates, today)[0], reason=m.slippage_reason)


@dataclass(frozen=True)
class SavingsSummary:
    programme: Programme
    quarter: ReportingPeriod | None
    planned: Decimal
    at_risk: Decimal
    years: int


def savings_summaries(programmes) -> list[SavingsSummary]:
    """Each programme's savings as its newest quarter with savings reported them: the planned total and what
    is at risk (At risk or Undeliverable). Two queries whatever the number of programmes."""
    programmes = list(programmes)
    lines = list(Saving.objects.filter(programme__in=programmes).select_related("year", "period")
                 .order_by("programme_id", "-period__year", "-period__quarter", "year__year"))
    newest: dict[int, int] = {}
    for s in lines:
        newest.setdefault(s.programme_id, s.period_id)
    out = []
    for p in programmes:
        mine = [s for s in lines if s.programme_id == p.pk and s.period_id == newest.get(p.pk)]
        out.append(SavingsSummary(
            programme=p, quarter=mine[0].period if mine else None,
            planned=sum((s.planned for s in mine), rules.ZERO),
            at_risk=sum((s.planned for s in mine if s.status(p.savings_tolerance).at_risk), rules.ZERO),
            years=len({s.year_id for s in mine})))
    return out
