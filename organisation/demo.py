"""The demo data set (public figures in demo/) and one demo user per role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from . import interchange, roles, services
from .models import Directorate, ReportingPeriod, ServiceArea

DEMO_DIR = Path(settings.BASE_DIR) / "demo"

# Loaded in this order, through the same import path as the web and commands.
DEMO_FILES = (
    ("indicators", "indicators.csv"),
    ("targets", "targets.csv"),
    ("actuals", "actuals.csv"),
    ("risks", "risks.csv"),
    ("controls", "controls.csv"),
    ("placements", "placements.csv"),
    ("programmes", "programmes.csv"),
    ("objectives", "objectives.csv"),
    ("savings", "savings.csv"),
    ("milestones", "milestones.csv"),
)

# The quarter left open for entry; every earlier quarter is locked.
OPEN_QUARTER = "2019/20 Q1"
# The day the demo's story is told: OPEN_QUARTER's figures were due on 19 July and are in,
# awaiting sign-off (due 2 August); the risk reviews were due on the same day as the figures.
DEMO_TODAY = date(2019, 7, 29)

DEMO_PASSWORD = "council-demo-2026"
DEMO_DIRECTORATE = "People"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    service_areas: tuple[str, ...] = ()
    head_of: tuple[str, ...] = ()  # service areas whose late returns escalate to them


DEMO_USERS = (
    DemoUser("performance", "Priya", "Shah", roles.PERFORMANCE_OFFICER),
    DemoUser("executive", "Elaine", "Morgan", roles.EXECUTIVE),
    DemoUser("audit", "Arthur", "Bennett", roles.AUDIT_COMMITTEE),
    DemoUser("manager.children", "Chloe", "Adams", roles.SERVICE_MANAGER, ("Children & Families Services",)),
    DemoUser("manager.adults", "Sam", "Okafor", roles.SERVICE_MANAGER, ("Adult Social Care",)),
    DemoUser("head.children", "Hannah", "Hughes", roles.EXECUTIVE, head_of=("Children & Families Services",)),
)


class DemoError(RuntimeError):
    pass


def has_data() -> bool:
    """Whether the database already holds figures, risks, placements, periods or an organisation of its own."""
    from django.apps import apps

    return ReportingPeriod.objects.exists() or Directorate.objects.exists() or ServiceArea.objects.exists() or any(
        apps.get_model(label).objects.exists()
        for label in ("kpis.Indicator", "risks.Risk", "placements.PlacementSnapshot", "programmes.Programme")
        if apps.is_installed(label.split(".")[0]))


def is_demo_database() -> bool:
    """Whether the database holds the demo data and nothing else (or nothing yet): no directorate but the
    demo's, and no indicator but the demo's. Demo users (a published password) go into such a database only."""
    import csv

    from django.apps import apps

    names = set(Directorate.objects.values_list("name", flat=True))
    if not names <= {DEMO_DIRECTORATE}:
        return False
    if not apps.is_installed("kpis"):
        return True
    with open(DEMO_DIR / "indicators.csv", newline="", encoding="utf-8") as handle:
        codes = {row["code"] for row in csv.DictReader(handle)}
    Indicator = apps.get_model("kpis", "Indicator")
    return not Indicator.objects.exclude(code__in=codes).exists()


def load_data() -> list[str]:
    """Load the demo files into an empty database, then report the quarters before OPEN_QUARTER as the
    council did: their figures submitted and signed off, and the quarters locked. OPEN_QUARTER's figures
    are submitted and await sign-off. An existing database
    is never changed (its records and period states are its own)."""
    if has_data():
        return ["The database already holds data, so the demo data was not loaded (an existing database is "
                "never changed)."]
    lines = []
    with transaction.atomic():
        for kind, filename in DEMO_FILES:
            if kind not in interchange.kind_names(importable=True):
                continue
            path = DEMO_DIR / filename
            report = interchange.import_file(kind, filename, path.read_bytes(), dry_run=False)
            if report.errors:
                raise DemoError(f"{filename}: " + "; ".join(report.errors[:5]))
            lines.append(f"{kind}: {report.summary()}")
        lines += import_benchmarks()
        lines += name_commitments()
        lines += committee_standing_text()
        lines += categorise_risks()
        lines += report_programmes()
        lines += report_earlier_quarters()
        services.demo_clock_set(DEMO_TODAY)
        lines += log_audit_recommendations()  # on the demo's day: CRR9's agreed action is overdue on it
        lines.append(f"Demo date: {DEMO_TODAY.day} {DEMO_TODAY:%B %Y} (deadlines and tasks read as on that day; "
                     "DEMO_TODAY=off shows the real date)")
    return lines


# DfE LAIT-style long-format data and its statistical neighbours file: the council's, England's and its
# region's figures as the closure report published them; the other authorities are synthetic, chosen so that
# the neighbours' mean and the quartile band come out as published (80, band B) when computed.
DEMO_LAIT = ("lait.csv", "lait-neighbours.csv")


def import_benchmarks() -> list[str]:
    """The published benchmarks, read through the `lait` kind as `import_data lait FILE --neighbours FILE`
    reads them, before the earlier quarters are locked (their record keeps the benchmarks they showed)."""
    if "lait" not in interchange.kind_names(importable=True):
        return []
    data, neighbours = (DEMO_DIR / name for name in DEMO_LAIT)
    report = interchange.import_file("lait", data.name, data.read_bytes(), dry_run=False,
                                     extra={"neighbours": (neighbours.name, neighbours.read_bytes())})
    if report.errors:
        raise DemoError(f"{data.name}: " + "; ".join(report.errors[:5]))
    return [f"benchmarks (LAIT): {report.summary()}"]


def name_commitments() -> list[str]:
    """The corporate plan's key commitments by name (demo/commitments.csv, from the published papers), so
    that the pack's key and the pages name them, not just their codes."""
    import csv

    from kpis import services as kpi_services
    from kpis.models import KeyCommitment

    path = DEMO_DIR / "commitments.csv"
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as handle:
        titles = {row["code"]: row["title"] for row in csv.DictReader(handle)}
    named = 0
    for commitment in KeyCommitment.objects.filter(code__in=list(titles)):
        if commitment.title != titles[commitment.code]:
            commitment.title = titles[commitment.code]
            kpi_services.commitment_save(user=None, commitment=commitment)
            named += 1
    return [f"key commitments: {named} named"]


# The People Scrutiny Commission's standing text, so that the demo's covering report needs nothing added: the
# names and number are the published paper's (shared/reference/committee-papers-2019-10.md), the wording ours.
DEMO_COMMITTEE = "People Scrutiny Commission"
DEMO_COMMITTEE_TEXT = {
    "report_of": "Jacqui Jensen, Executive Director: People",
    "officer_presenting": "Jacqui Jensen",
    "contact_telephone": "0117 357 6390",
    "recommendation": "To note the People Directorate's performance progress report for the quarter.",
    "policy": "The indicators in Appendix A1 are the People Directorate's indicators in the Corporate Strategy "
              "2018-23; the report shows progress against them.",
    "consultation": "Internal: the performance progress was presented to the Executive Directorate Meeting before "
                    "this report was written.\nExternal: not applicable.",
    "risk_assessment": "The directorate's significant risks, and how they are managed, are set out in the risk "
                       "report (Appendix A2).",
    "equalities": "Section 149 of the Equality Act 2010 requires each decision-maker to have due regard to the need "
                  "to eliminate discrimination, advance equality of opportunity and foster good relations between "
                  "people who share a protected characteristic and those who do not. This report asks for no "
                  "decision: it reports progress against the Corporate Strategy 2018-23, which had an Equalities "
                  "Impact Assessment.",
    "legal": "None arising from this report.",
    "resources": "None arising from this report.",
    "background_papers": "None",
}


def committee_standing_text() -> list[str]:
    from packs import services as pack_services
    from packs.models import Committee

    committee = Committee.objects.filter(name=DEMO_COMMITTEE).first()
    if committee is None:
        return []
    for name, value in DEMO_COMMITTEE_TEXT.items():
        setattr(committee, name, value)
    pack_services.committee_save(user=None, committee=committee, via="demo")
    return [f"{DEMO_COMMITTEE}: standing text for the covering report"]


# Each demo risk's category, for its appetite (risks/appetite.py): safeguarding is averse, so CRR9 and CRR10,
# rated 2 x 7 = 14 High, are outside appetite.
DEMO_CATEGORIES = {"CRR9": "Safeguarding", "CRR10": "Safeguarding", "CRR23": "Project and programme"}
DEMO_KEY_INDICATORS = ("DPE006", "DPE007")


def categorise_risks() -> list[str]:
    from risks import services as risk_services
    from risks.models import Risk

    named = 0
    for risk in Risk.objects.filter(reference__in=list(DEMO_CATEGORIES)):
        risk.category = DEMO_CATEGORIES[risk.reference]
        risk_services.risk_save(user=None, risk=risk, via="demo")
        named += 1
    # CRR9's key risk indicators: both Red in 2019/20 Q1, so its review is prompted.
    from kpis.models import Indicator

    crr9 = Risk.objects.filter(reference="CRR9").first()
    if crr9 is not None and Indicator.objects.filter(code__in=DEMO_KEY_INDICATORS).exists():
        risk_services.risk_indicators_set(user=None, risk=crr9, codes=list(DEMO_KEY_INDICATORS))
    # CRR10 was accepted outside appetite for the winter, by the risk and performance team: the acceptance ran
    # out on 30 June 2019, so at the demo date it shows as expired and is the team's task.
    from risks import controls as risk_controls

    crr10 = Risk.objects.filter(reference="CRR10").first()
    if crr10 is not None:
        risk_controls.risk_accept(
            user=None, risk=crr10, on=date(2019, 1, 15), expires=date(2019, 6, 30), approver_name="Priya Shah",
            justification="Demand from hospital discharges over the winter is beyond the council's control; the "
                          "safeguarding adults team triages every concern and the position is reviewed monthly.")
    return [f"risk categories: {named} risks categorised for their appetite"] if named else []


# Internal audit's recommendations and the actions agreed for them (risks/audit_actions.py), in our own words.
# CRR9's was due on 31 March 2019, revised to 30 June 2019, and is still open: overdue on the demo's day.
DEMO_AUDIT_RECOMMENDATIONS = (
    {"source": "Internal audit 2018/19: Placement commissioning and costs", "priority": "high", "risks": ["CRR9"],
     "recommendation": "Check each external placement's weekly cost against the framework rates before it is "
                       "agreed, and record why any placement above them is made.",
     "agreed_action": "A placement panel approves every external placement above the framework rate, with the "
                      "reason recorded; finance reports the exceptions to the panel each month.",
     "owner": "Director for Children's and Families Services", "due": date(2019, 3, 31),
     "revised_due": date(2019, 6, 30),
     "revision_reason": "The panel's terms of reference wait for the new commissioning strategy, agreed in May "
                        "2019."},
    {"source": "Internal audit 2018/19: Adult safeguarding referrals", "priority": "medium", "risks": ["CRR10"],
     "recommendation": "Screen every safeguarding referral within the time the multi-agency procedures set, and "
                       "record the date it was screened.",
     "agreed_action": "The screening date is now a required field in the case system, and team managers check a "
                      "weekly list of referrals not screened in time.",
     "owner": "Interim Director Adult Social Care", "due": date(2019, 7, 31), "status": "implemented"},
    {"source": "Internal audit 2019/20: Better Lives programme benefits", "priority": "medium", "risks": ["CRR23"],
     "recommendation": "Track each savings line against its benefits profile every month and report any "
                       "slippage to the transformation board.",
     "agreed_action": "The programme office adds a benefits tracker, with a named owner for each savings line, "
                      "to the monthly highlight report.",
     "owner": "Interim Director Adult Social Care", "due": date(2019, 12, 31)},
)


def log_audit_recommendations() -> list[str]:
    """The demo's internal-audit recommendations, logged through the services as the performance officer would
    (a revised due date is a second save, with its reason)."""
    from risks import audit_actions
    from risks.models import AuditRecommendation, Risk

    known = set(Risk.objects.values_list("reference", flat=True))
    logged = 0
    for item in DEMO_AUDIT_RECOMMENDATIONS:
        if not set(item["risks"]) <= known:
            continue
        fields = {k: v for k, v in item.items() if k not in ("risks", "revised_due", "revision_reason")}
        rec = audit_actions.recommendation_save(user=None, rec=AuditRecommendation(**fields),
                                                risk_refs=item["risks"], via="demo")
        if item.get("revised_due"):
            rec.revised_due, rec.revision_reason = item["revised_due"], item["revision_reason"]
            audit_actions.recommendation_save(user=None, rec=rec, via="demo")
        logged += 1
    return [f"internal audit recommendations: {logged} logged"] if logged else []


def report_programmes() -> list[str]:
    """The programme's set-up beyond its files (programmes/demo.py), and its assessments reported: the earlier
    quarters' signed off before they are locked, the open quarter's submitted."""
    from programmes import demo as programme_demo

    return programme_demo.set_up() + programme_demo.report(ReportingPeriod.for_label(OPEN_QUARTER))


def report_earlier_quarters() -> list[str]:
    """Sign off and lock every quarter before the open one, oldest first, through the services; the open
    quarter's figures are left submitted, for the performance officer to sign off."""
    from kpis import services as kpi_services

    from . import services

    open_quarter = ReportingPeriod.for_label(OPEN_QUARTER)
    earlier = ReportingPeriod.objects.quarters().filter(state=ReportingPeriod.State.OPEN).order_by("year", "quarter")
    lines = []
    for quarter in earlier:
        if quarter.value.sort_key >= open_quarter.value.sort_key:
            if quarter.pk == open_quarter.pk:
                # The service managers have submitted the open quarter: it awaits the performance officer's
                # sign-off and lock (figures without a value stay drafts).
                submitted = kpi_services.figures_submit(user=None, period=quarter)
                lines.append(f"{quarter.label}: {submitted} figures submitted, awaiting sign-off")
            continue
        kpi_services.figures_submit(user=None, period=quarter)
        services.period_lock(user=None, period=quarter, sign_off_submitted=True,
                             reason="Demo data: reported to committee before this system")
        lines.append(f"{quarter.label}: signed off and locked")
    return lines


@transaction.atomic
def create_users() -> list[DemoUser]:
    if not settings.DEBUG:
        raise DemoError("Demo users have a published password: they are only created when DEBUG is on.")
    if not is_demo_database():
        raise DemoError("This database holds data of its own, not the demo's: demo users (with a published "
                        "password) are only added to a database that holds the demo data.")
    User = get_user_model()
    directorate, _ = services.directorate_get_or_create(name=DEMO_DIRECTORATE)
    for demo in DEMO_USERS:
        if User.objects.filter(username=demo.username).exists():
            continue  # an existing account is never changed
        user = User(username=demo.username)
        user.first_name = demo.first_name
        user.last_name = demo.last_name
        user.email = f"{demo.username}@example.org"
        user.is_staff = demo.role == roles.PERFORMANCE_OFFICER
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=demo.role)])
        areas = [services.service_area_get_or_create(directorate=directorate, name=name)[0]
                 for name in demo.service_areas]
        user.managed_service_areas.set(areas)
        for name in demo.head_of:
            area = services.service_area_get_or_create(directorate=directorate, name=name)[0]
            if area.head_of_service_id is None:
                services.service_area_set_head(user=None, area=area, head=user)
    return list(DEMO_USERS)
