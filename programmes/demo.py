"""The demo's programme: Bristol's Strengthening Families (shared/reference/programme-papers-2018-2019.md).

The programme, its objectives and their assessments, its savings and its milestones come from demo/*.csv
through the import kinds (organisation/demo.py, DEMO_FILES). What the import formats do not carry - the
programme manager and governance, the workstreams of the benefits map, the handover table, the budget lines,
the links to indicators and the risks to delivery - is written here through the services, as the
performance officer would enter it. Figures, names and dates are the published papers'; the wording is ours.
"""

from __future__ import annotations

from decimal import Decimal

from organisation.models import ReportingPeriod

from . import services
from .models import Assessment, Benefit, BudgetLine, Milestone, Programme, Workstream

PROGRAMME = "Strengthening Families"
VIA = "demo"

GOVERNANCE = ("Programme Board monthly, reporting to the Transformation Board; a PMO highlight report monthly; "
              "the SMART objectives tracked by monthly trajectories with the service's narrative.")

# The benefits map: each workstream, its projects (one a line), its measures and the demo indicators it reads.
WORKSTREAMS = (
    {"name": "Workforce",
     "projects": ("Social worker recruitment and retention", "Agile working for social workers",
                  "Embed Signs of Safety"),
     "measures": "Turnover under 18%; sickness under 22%; agency workers under 9; quality of assessments and "
                 "plans improves; caseloads reduce.",
     "indicators": ("DPE008a", "DPE008b")},
    {"name": "Supply management",
     "projects": ("Increase adoptions and SGOs", "High cost health calculator", "Increase in-house foster carers",
                  "New model of children's homes"),
     "measures": "Children leaving care by an appropriate route (SGO, adoption, reunification); use of in-house "
                 "foster carers rather than independent ones (objectives 4 and 5).",
     "indicators": ()},
    {"name": "Demand management",
     "projects": ("Integrated locality working (launched as Families in Focus teams in North, South and "
                  "East Central)",
                  "Edge of care / edge of custody (launched as Strengthening Families teams)",
                  "Reunification / exit from care", "Supervised contact service", "ACE-aware city",
                  "Refresh of the area social work model", "MASH telephony"),
     "measures": "Children in care and older children entering care (objectives 1 and 2); partner referrals to "
                 "First Response (objective 6); families supported by joint working (objective 7).",
     "indicators": ("CLA01",)},
)

# The closure report's handover table: the benefits still to be realised, and who owns them.
SAVINGS_OWNER = "Service Director, Children & Family Services"
SAVINGS_FORUM = "Budget Working Group"
SAVINGS_MEASURE = "Division 15 forecasting and outturn"
BENEFITS = (
    {"benefit": "Savings profiled for 2019/20 of £1,642,067", "when": "To April 2020"},
    {"benefit": "Savings profiled for 2020/21 of £2,194,632", "when": "April 2020 to April 2021"},
    {"benefit": "Savings profiled for 2021/22 of £1,828,292", "when": "April 2021 to April 2022"},
    {"benefit": "Savings profiled for 2022/23 of £453,228", "when": "April 2022 to April 2023"},
)
NON_FINANCIAL_BENEFITS = (
    {"benefit": "A model of smaller children's homes", "workstream": "Supply management",
     "how_measured": "Occupancy reports", "forum": "Children's Home Project Board", "when": "2019 to 2023"},
    {"benefit": "Social workers working on the move", "workstream": "Workforce",
     "how_measured": "Deployment of the devices, then the annual social worker health check",
     "forum": "ITTP governance", "when": "2020"},
    {"benefit": "A better understanding of placement type and spend, through enhancements to the finance system",
     "workstream": "Supply management", "how_measured": "Placement type and spend reported from the case system",
     "forum": "A new project board", "when": "Q4 2019/20"},
)

BUDGET = (
    (BudgetLine.Kind.CAPITAL, "Capital reserves", Decimal(1_815_000), Decimal(1_815_000), Decimal(1_815_000)),
    (BudgetLine.Kind.REVENUE, "Revenue", Decimal(1_017_000), Decimal(1_017_000), Decimal(1_017_000)),
)

# The milestones' workstreams (the import format names none).
MILESTONE_WORKSTREAMS = {
    "Cabinet approval and funding for agile working for social workers": "Workforce",
    "Agile working for social workers": "Workforce",
    "High cost health calculator": "Supply management",
    "Families in Focus teams launched in North, South and East Central": "Demand management",
    "Strengthening Families edge of care teams launched": "Demand management",
}

# The demo registers' risks to its delivery: CRR9's causes (demand beyond capacity, difficulty recruiting and
# keeping social workers) are the programme's risks to delivery. CRR23 is another programme's (Better Lives,
# adult social care), so it is not linked.
RISKS = ("CRR9",)


def set_up() -> list[str]:
    """The programme's set-up beyond what the import formats carry; nothing when the programme was not
    imported (the kinds are not registered)."""
    programme = Programme.objects.filter(name=PROGRAMME).first()
    if programme is None or programme.workstreams.exists():
        return []
    from kpis.models import Indicator
    from risks.models import Risk

    def save(instance):
        return services.setup_save(user=None, instance=instance, via=VIA)

    programme.governance = GOVERNANCE
    save(programme)
    workstreams = {}
    for order, item in enumerate(WORKSTREAMS, start=1):
        workstream = save(Workstream(programme=programme, name=item["name"], projects="\n".join(item["projects"]),
                                     measures=item["measures"], order=order))
        workstreams[workstream.name] = workstream
        indicators = list(Indicator.objects.filter(code__in=item["indicators"]).order_by("code"))
        if indicators:
            services.links_set(user=None, instance=workstream, field="indicators", items=indicators, via=VIA)
    order = 0
    for item in BENEFITS:
        order += 1
        save(Benefit(programme=programme, benefit=item["benefit"], how_measured=SAVINGS_MEASURE,
                     owner=SAVINGS_OWNER, forum=SAVINGS_FORUM, when=item["when"], financial=True, order=order))
    for item in NON_FINANCIAL_BENEFITS:
        order += 1
        save(Benefit(programme=programme, workstream=workstreams[item["workstream"]], benefit=item["benefit"],
                     how_measured=item["how_measured"], forum=item["forum"], when=item["when"], financial=False,
                     order=order))
    for kind, source, original, final_approved, spend in BUDGET:
        save(BudgetLine(programme=programme, kind=kind, source=source, original=original,
                        final_approved=final_approved, spend=spend))
    for milestone in Milestone.objects.filter(programme=programme, name__in=list(MILESTONE_WORKSTREAMS)):
        milestone.workstream = workstreams[MILESTONE_WORKSTREAMS[milestone.name]]
        save(milestone)
    risks = list(Risk.objects.filter(reference__in=RISKS).order_by("reference"))
    if risks:
        services.links_set(user=None, instance=programme, field="risks", items=risks, via=VIA)
    return [f"{PROGRAMME}: {len(workstreams)} workstreams, {order} benefits to be realised, "
            f"{len(BUDGET)} budget lines, {len(risks)} risk{'s' if len(risks) != 1 else ''} to delivery"]


def report(open_quarter: ReportingPeriod) -> list[str]:
    """The programme's assessments as they were reported: those of the quarters before ``open_quarter``
    submitted and signed off (before those quarters are locked), the open quarter's submitted and awaiting
    sign-off."""
    programme = Programme.objects.filter(name=PROGRAMME).first()
    if programme is None:
        return []
    assessments = Assessment.objects.filter(objective__programme=programme).select_related("objective", "period")
    by_period: dict[int, list[Assessment]] = {}
    for item in assessments:
        by_period.setdefault(item.period_id, []).append(item)
    lines = []
    for items in sorted(by_period.values(), key=lambda group: group[0].period.value.sort_key):
        period = items[0].period
        if period.value.sort_key > open_quarter.value.sort_key or period.is_locked:
            continue
        rows = [services.AssessmentInput(objective=a.objective, version=None, rag=a.rag, assessment=a.assessment,
                                         commentary=a.commentary) for a in items]
        services.assessments_save(user=None, programme=programme, period=period, rows=rows, submit=True,
                                  reason="Demo data: submitted by the programme")
        if period.pk == open_quarter.pk:
            lines.append(f"{PROGRAMME}, {period.label}: {len(rows)} objective assessments submitted, awaiting "
                         "sign-off")
        else:
            signed = services.assessments_sign_off(user=None, programme=programme, period=period)
            lines.append(f"{PROGRAMME}, {period.label}: {signed} objective assessments signed off")
    return lines
