"""What a committee pack says: its figures gathered from the same queries as the pages (kpis.queries.scope,
risks.queries.register, placements.report), as plain values the PDF and Word writers lay out.

Nothing here computes a rule of its own: statuses, ratings, travel, costs and the summary shares come from
the pure modules through those queries, so the pack's numbers are the dashboard's and the register's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from kpis import queries as kpi_queries
from kpis import status as rules
from kpis.templatetags.kpis import ARROWS, format_value
from organisation import clock
from organisation.models import Directorate, ReportingPeriod, recorded_directorate_name
from organisation.periods import Period
from placements import costing
from placements import report as placement_report
from risks import committee, scoring
from risks import queries as risk_queries
from risks.committee import RiskLine
from risks.models import Risk

PART_A = "a"
PART_B = "b"
SCHEDULE_12A = {
    1: "Information relating to any individual.",
    2: "Information which is likely to reveal the identity of an individual.",
    3: "Information relating to the financial or business affairs of any particular person (including the "
       "authority holding that information).",
    4: "Information relating to any consultations or negotiations, or contemplated consultations or negotiations, "
       "in connection with any labour relations matter arising between the authority and employees of, or "
       "office holders under, the authority.",
    5: "Information in respect of which a claim to legal professional privilege could be maintained in legal "
       "proceedings.",
    6: "Information which reveals that the authority proposes to give a notice under any enactment, or to make "
       "an order or direction under any enactment.",
    7: "Information relating to any action taken or to be taken in connection with the prevention, "
       "investigation or prosecution of crime.",
}
PLACEMENT_QUARTERS = 6


@dataclass
class Meta:
    council: str
    committee: str
    report_of: str
    meeting_date: date
    quarter: ReportingPeriod
    directorate: str | None
    draft: bool
    version: int | None = None
    issued_at: datetime | None = None
    supersedes: tuple[int, datetime] | None = None  # (version, issued at) of the version this one replaces
    # The corrigendum: why the quarter was reopened since that version, and every figure, status and rating
    # that now differs from it ("BCP214 value: 85.0% -> 88.0%").
    reopen_reasons: list[str] = field(default_factory=list)
    corrections: list[str] = field(default_factory=list)

    @property
    def supersedes_text(self) -> str:
        if not self.supersedes:
            return ""
        version, issued = self.supersedes
        issued = timezone.localtime(issued)
        return f"This version supersedes version {version}, issued on {issued.day} {issued:%B %Y}."

    @property
    def corrigendum(self) -> bool:
        return bool(self.supersedes and (self.corrections or self.reopen_reasons))

    @property
    def scope(self) -> str:
        return f"{self.directorate} Directorate" if self.directorate else "All directorates"

    @property
    def title(self) -> str:
        return f"Quarterly performance and risk report, {self.quarter.label}"

    @property
    def meeting(self) -> str:
        return f"{self.meeting_date.day} {self.meeting_date:%B %Y}"

    def header(self, part: str) -> str:
        """What every page says at its top: council, committee, meeting date and part."""
        return f"{self.council} | {self.committee} | {self.meeting} | {part_label(part)}"


def part_label(part: str) -> str:
    return "Part A (public)" if part == PART_A else "Part B: NOT FOR PUBLICATION"


@dataclass
class PiLine:
    """One indicator in the progress report (values formatted as the pages show them)."""

    area: str
    commitment: str
    code: str
    title: str
    sign: str  # "+" higher is better, "-" lower
    outturn: str  # last year's outturn
    target: str
    value: str
    status: str  # the reported status (or "Not submitted"/"No data")
    rag: str
    rule_status: str  # the rules' status, when the reported one is an override
    override_reason: str
    direction: str
    arrow: str
    notes: str
    draft: bool
    exception: bool
    target_to_date: str = ""  # for a cumulative indicator: the pro-rata target its status was judged against


@dataclass
class BenchmarkLine:
    """An indicator against its published benchmarks (the closure report's table): the council's published
    figure for the benchmark year, its figure in this report, its band (A the best quarter), its statistical
    neighbours and England, as the quarter shows them (a locked quarter: as recorded at its lock)."""

    code: str
    title: str
    sign: str
    year: str  # the benchmarks' year, e.g. 2017/18
    council: str
    latest: str  # this report's figure, with its period: "66.0 (2018/19)"
    band: str  # A-D, or "-" for none
    neighbours: str
    england: str


@dataclass
class Performance:
    on_or_above: rules.Share
    improved: rules.Share
    rag_counts: dict[str, int]
    exceptions: list[PiLine]
    quarterly: list[tuple[str, list[PiLine]]]  # by service area
    annual: list[tuple[str, list[PiLine]]]
    year_label: str
    last_year_label: str
    drafts: int
    commitments: list[tuple[str, str]] = field(default_factory=list)  # the key: (code, title) of those shown
    benchmarks: list[BenchmarkLine] = field(default_factory=list)


@dataclass
class Change:
    reference: str
    title: str
    what: str  # "New", "Closed", "Escalated", "De-escalated", "Re-rated"
    detail: str


@dataclass
class AssuranceLine:
    """One risk on the pack's assurance map: per line of defence, its controls and their weakest assurance."""

    reference: str
    title: str
    rating: str  # "14 High"
    lines: list[tuple[str, int, str]]  # (line, controls on it, weakest assurance or "")
    gaps: list[str]


@dataclass
class Assurance:
    """The audit committee's questions of the register (the Orange Book): ratings before and after controls,
    assurance over the three lines and its gaps, key risk indicators, formal acceptances, agreed actions
    overdue and the deep-dive candidates. Part A is public: an exempt risk's controls and indicators are left
    out (counted in exempt_left_out)."""

    ratings: list[tuple[str, str, str, str, str, str]] = field(default_factory=list)
    map: list[AssuranceLine] = field(default_factory=list)
    exempt_left_out: int = 0
    kris: list[tuple[str, str, str, bool]] = field(default_factory=list)  # ref, title, statuses, prompted
    acceptances: list[tuple[str, str, str, str, bool]] = field(default_factory=list)  # ref, title, until, by, expired
    overdue: list = field(default_factory=list)  # risks.audit_actions.PackAction rows
    deep_dives: list[tuple[str, str, str, int, str]] = field(default_factory=list)  # ref, title, rating, run, why
    # Part B: each exempt risk's controls in full - (ref, title, [(control, line, type, assurance, given by)], gaps)
    exempt_controls: list[tuple[str, str, list[tuple[str, int, str, str, str]], list[str]]] = field(
        default_factory=list)

    @property
    def gaps(self) -> list[tuple[str, str, str]]:
        return [(line.reference, line.title, gap) for line in self.map for gap in line.gaps]

    @property
    def exempt_overdue(self) -> list:
        """The overdue agreed actions linked to an exempt risk: Part A withholds their recommendation, Part B
        lists them in full."""
        return [o for o in self.overdue if o.exempt]


@dataclass
class Risks:
    scheme_name: str
    levels: list[tuple[str, int, int | None]]
    maps: list[dict]
    band_positions: dict[str, int]
    lines: list[RiskLine]
    outside: list[RiskLine]
    changes: list[Change]
    since: str  # "the last meeting (12 March 2019)" or "2018/19 Q4"
    long_standing: list[RiskLine]
    likelihoods: dict[int, str]
    # The corporate risk performance summary of the paper: the five quarters to this one, oldest first, and
    # per open risk (reference, title, owner, [(rating text "2 x 7 = 14", travel)]).
    summary_labels: list[str] = field(default_factory=list)
    summary: list[tuple[str, str, str, list[tuple[str, str]]]] = field(default_factory=list)
    level_counts: list[tuple[str, int]] = field(default_factory=list)  # risks at each level, highest first
    significant: list[RiskLine] = field(default_factory=list)  # the highest-rated, as the paper lists them
    exempt_off_maps: int = 0  # exempt risks left off Part A's heat maps
    # Risks outside their appetite (risks/appetite.py), as the quarter judged them: (reference, title, level)
    outside_appetite: list = field(default_factory=list)
    # The scoring criteria: (value, likelihood label, threat impact label, opportunity impact label).
    criteria: list[tuple[int, str, str, str]] = field(default_factory=list)
    assurance: Assurance = field(default_factory=Assurance)


@dataclass
class Placements:
    report: placement_report.Report | None
    charts: list[dict] = field(default_factory=list)
    latest_label: str = ""  # the last quarter with a snapshot, up to the pack's quarter
    latest_is_earlier: bool = False  # the pack's quarter has no snapshot of its own
    gaps: list[str] = field(default_factory=list)  # quarters with no snapshot between those shown, in words


@dataclass
class PackContent:
    meta: Meta
    performance: Performance
    risks: Risks
    placements: Placements
    snapshot: dict  # what the next pack to this committee compares with
    covering: object = None  # packs.covering.Covering: the covering report the pack opens with
    # The programmes' highlight reports appended when chosen (programmes.documents.Doc, laid out as plain
    # words and values), in the order of their names.
    programmes: list = field(default_factory=list)

    def fingerprint(self) -> str:
        """A digest of everything the pack says but its version and issue date: two packs with the same
        fingerprint say the same (the committee, meeting, scope, figures, risks and placements)."""
        import hashlib

        meta = self.meta
        said = repr((meta.council, meta.committee, meta.report_of, meta.meeting_date, meta.quarter.label,
                     meta.directorate, meta.draft, self.performance, self.risks, self.placements.report,
                     self.placements.latest_label, self.snapshot,
                     self.covering.as_issued() if self.covering is not None else None)
                    # A pack with no programme chosen says what it said before programmes could be chosen.
                    + ((self.programmes,) if self.programmes else ()))
        return hashlib.sha256(said.encode()).hexdigest()

    @property
    def exempt(self) -> list[RiskLine]:
        return [line for line in self.risks.lines if line.exempt]


# --- gathering ---------------------------------------------------------------------------------

def build(*, quarter: ReportingPeriod, committee, meeting_date: date, directorate: Directorate | None = None,
          draft: bool = False, previous=None, version: int | None = None,
          issued_at: datetime | None = None, supersedes: tuple[int, datetime] | None = None,
          superseded=None, programmes=()) -> PackContent:
    """The pack's contents for a quarter, a committee and a meeting; previous: the last pack issued to the
    committee (its contents say what changed since), else the previous quarter is compared. programmes: those
    whose highlight report of the quarter is appended (none unless chosen)."""
    meta = Meta(settings.COUNCIL_NAME, committee.name, committee.report_of, meeting_date, quarter,
                recorded_directorate_name(quarter, directorate) if directorate else None, draft, version, issued_at,
                supersedes)
    from . import covering

    directorate_id = directorate.pk if directorate else None
    performance = _performance(quarter, directorate_id)
    risks, snapshot = _risks(quarter, directorate_id, previous)
    report = covering.resolve(committee=committee, quarter=quarter, directorate=directorate, meta=meta,
                              performance=performance, exempt=sum(1 for line in risks.lines if line.exempt))
    snapshot["figures"] = {line.code: {"value": line.value, "status": line.status}
                           for _, group in performance.quarterly + performance.annual for line in group}
    if superseded is not None:
        meta.supersedes = meta.supersedes or (superseded.version, superseded.issued_at)
        meta.corrections = corrections(superseded.contents or {}, snapshot)
        meta.reopen_reasons = _reopen_reasons(quarter, superseded.issued_at)
    highlights = _programmes(quarter, programmes)
    if highlights:  # kept with the issued pack: the programmes it carried
        snapshot["programmes"] = [doc.programme for doc in highlights]
    return PackContent(meta, performance, risks, _placements(quarter), snapshot, report, highlights)


def _programmes(quarter: ReportingPeriod, programmes) -> list:
    """Each chosen programme's highlight report of the pack's quarter, as the committee reads it (user None:
    the risks to delivery on the committee's registers), laid out as the programme's own download is."""
    from programmes import documents
    from programmes import report as programme_report

    chosen = sorted({p.pk: p for p in programmes}.values(), key=lambda p: p.name)
    return [documents.highlight(programme_report.build(p, quarter, None)) for p in chosen]


def corrections(before: dict, now: dict) -> list[str]:
    """Every figure, status and risk rating that differs between an issued version's record and this one,
    old -> new, in natural order of code and reference (pure: both are the packs' snapshots)."""
    found = []
    old_figures, new_figures = before.get("figures", {}), now.get("figures", {})
    for code in sorted(set(old_figures) | set(new_figures), key=natural_key):
        old, new = old_figures.get(code), new_figures.get(code)
        if old is None or new is None:
            found.append(f"{code}: {'added to' if old is None else 'no longer in'} the report")
            continue
        for name in ("value", "status"):
            if old.get(name) != new.get(name):
                found.append(f"{code} {name}: {old.get(name)} -> {new.get(name)}")
    old_risks, new_risks = before.get("risks", {}), now.get("risks", {})
    for reference in sorted(set(old_risks) | set(new_risks), key=natural_key):
        old, new = old_risks.get(reference), new_risks.get(reference)
        if old is None or new is None:
            found.append(f"{reference}: {'added to' if old is None else 'no longer on'} the register")
        elif old.get("rating") != new.get("rating"):
            found.append(f"{reference} rating: {old.get('rating')} -> {new.get('rating')}")
    return found


def _reopen_reasons(quarter: ReportingPeriod, since: datetime) -> list[str]:
    from organisation.models import AuditEvent

    return [f"{timezone.localtime(when):%d/%m/%Y}: {reason}" for when, reason in AuditEvent.objects.filter(
        action=AuditEvent.Action.REOPENED, period=quarter, when__gt=since).order_by("when").values_list(
        "when", "reason")]


def _line(r: kpi_queries.Row, outturn: Decimal | None, year_target: Decimal | None = None, new: str = "") -> PiLine:
    """year_target: the financial year's target (the paper's Target column; the status beside it may be judged
    against a pro-rata target to date, given as target_to_date); new: "New PI 2019/20" for an indicator with no
    figure before the year."""
    indicator = r.indicator
    if r.not_submitted:
        status, value = "Not submitted", "n/a"
    elif r.value is None:
        status, value = r.status.value, "n/a"
    else:
        status, value = r.status.value, format_value(r.value, r)
    return PiLine(
        area=kpi_queries._area_name(indicator), commitment=getattr(indicator, "commitment_code", ""),
        code=indicator.code, title=indicator.title, sign="+" if indicator.polarity == "higher" else "-",
        outturn=format_value(outturn, r) if outturn is not None else (new or "n/a"),
        target=(format_value(year_target, r) if year_target is not None else
                format_value(r.target, r) if r.target is not None else "Baseline"),
        target_to_date=(format_value(r.target, r) if year_target is not None and r.target is not None
                        and r.target != year_target else ""),
        value=value, status=status,
        rag=r.rag.value if r.rag else "", rule_status=r.rule_status.value if r.overridden else "",
        override_reason=r.override_reason if r.overridden else "", direction=r.direction.value,
        arrow=ARROWS.get(r.direction.value, ""), notes=r.commentary, draft=r.is_draft, exception=r.is_exception,
    )


def _performance(quarter: ReportingPeriod, directorate_id: int | None) -> Performance:
    found = kpi_queries.scope(None, quarter, directorate_id=directorate_id)
    outturns = kpi_queries.last_year_outturns(quarter, [r.indicator for r in found.rows])
    ids = [r.indicator.pk for r in found.rows]
    year_label = quarter.value.financial_year.label
    year_targets, new = _year_facts(quarter, ids)
    lines = {r.indicator.pk: _line(r, outturns.get(r.indicator.pk), year_targets.get(r.indicator.pk),
                                   f"New PI {year_label}" if r.indicator.pk in new else "") for r in found.rows}
    commitments = _commitment_key([lines[pk].commitment for pk in ids], found.rows)
    summary = found.summary

    def grouped(annual: bool) -> list[tuple[str, list[PiLine]]]:
        groups: dict[str, list[PiLine]] = {}
        for r in found.rows:
            if r.indicator.is_annual == annual:
                groups.setdefault(lines[r.indicator.pk].area, []).append(lines[r.indicator.pk])
        return sorted(groups.items())

    return Performance(
        on_or_above=summary.on_or_above, improved=summary.improved, rag_counts=summary.rag_counts,
        exceptions=[lines[r.indicator.pk] for r in found.exceptions], quarterly=grouped(False),
        annual=grouped(True), year_label=quarter.value.financial_year.label,
        last_year_label=quarter.value.financial_year.previous().label,
        drafts=sum(1 for r in found.rows if r.is_draft), commitments=commitments,
        benchmarks=_benchmarks(quarter, found.rows, lines),
    )


def _benchmarks(quarter: ReportingPeriod, rows, lines: dict[int, PiLine]) -> list[BenchmarkLine]:
    published = kpi_queries.benchmarks(quarter, {r.indicator.pk: r.indicator.polarity for r in rows})
    found = []
    for r in rows:
        b = published.get(r.indicator.pk)
        if b is None:
            continue
        line = lines[r.indicator.pk]
        found.append(BenchmarkLine(
            code=line.code, title=line.title, sign=line.sign, year=b.year_label,
            council=format_value(b.council, r) or "n/a",
            latest=f"{line.value} ({r.period_label})" if line.value != "n/a" else "n/a",
            band=b.band or "-", neighbours=format_value(b.neighbours, r) or "n/a",
            england=format_value(b.england, r) or "n/a"))
    return sorted(found, key=lambda b: natural_key(b.code))


def _year_facts(quarter: ReportingPeriod, ids: list[int]) -> tuple[dict[int, Decimal], set[int]]:
    """The year's targets and the indicators new that year: as the lock recorded them, else as they are now."""
    from kpis.models import RecordedIndicator

    if quarter.has_record:
        recorded = list(RecordedIndicator.objects.filter(quarter=quarter, indicator_id__in=ids).values_list(
            "indicator_id", "year_target", "new_this_year"))
        if recorded:
            return ({pk: target for pk, target, _ in recorded if target is not None},
                    {pk for pk, _, new in recorded if new})
    return kpi_queries.year_targets(quarter, ids), kpi_queries.new_this_year(quarter, ids)


def _commitment_key(codes: list[str], rows) -> list[tuple[str, str]]:
    """The key commitments the pack's indicators name, by code: their titles as recorded (a locked quarter)
    or as they are now."""
    from kpis.models import KeyCommitment

    titles = {}
    for r in rows:
        code = getattr(r.indicator, "commitment_code", "")
        title = getattr(r.indicator, "commitment_title", "")
        if code and title:
            titles.setdefault(code, title)
    missing = {code for code in codes if code and code not in titles}
    if missing:
        titles |= dict(KeyCommitment.objects.filter(code__in=missing).values_list("code", "title"))
    return sorted(((code, titles.get(code, "")) for code in set(codes) if code), key=lambda item: natural_key(item[0]))


LADDER = {"service": 0, "directorate": 1, "corporate": 2}


SIGNIFICANT = 5  # the paper's "most significant risks": the highest-rated open risks


def _outside_appetite(quarter: ReportingPeriod, lines: list) -> list[tuple[str, str, str]]:
    """The register's risks outside their appetite, as the quarter's stored judgements say (a locked quarter's
    as reported), in natural reference order."""
    from risks.models import Judgement as RiskJudgement

    shown = {line.reference: line.title for line in lines}
    found = [(reference or live, level) for reference, live, level in RiskJudgement.objects.filter(
        quarter=quarter, outside_appetite=True).values_list("reference", "risk__reference", "appetite_level")]
    return sorted(((ref, shown[ref], level.capitalize()) for ref, level in found if ref in shown),
                  key=lambda item: natural_key(item[0]))


def _rated(likelihood, impact) -> str:
    return f"{likelihood} x {impact} = {likelihood * impact}" if likelihood and impact else "-"


def _assurance(quarter: ReportingPeriod, register, lines: list[RiskLine]) -> Assurance:
    """The pack's assurance section, from what the quarter stored (a locked quarter's as reported: its own
    control rows, its judgements' inherent ratings and acceptances, its indicators' judgements, the agreed
    actions as they stood at the lock)."""
    from risks import assurance, audit_actions, controls
    from risks.models import Judgement as RiskJudgement

    by_reference = {line.reference: line for line in lines}
    rows = [r for r in register.rows if r.review is not None and r.risk.reference in by_reference]
    public = [r for r in rows if not by_reference[r.risk.reference].exempt]
    ids = [r.risk.pk for r in rows]
    stored = {j["risk_id"]: j for j in RiskJudgement.objects.filter(quarter=quarter, risk_id__in=ids).values(
        "risk_id", "inherent_likelihood", "inherent_impact", "accepted_until", "accepted_by_name")}
    out = Assurance(exempt_left_out=len(rows) - len(public))
    for r in sorted(public, key=lambda r: natural_key(r.risk.reference)):
        line = by_reference[r.risk.reference]
        found = stored.get(r.risk.pk, {})
        inherent_l, inherent_i = found.get("inherent_likelihood"), found.get("inherent_impact")
        effect = "-"
        if inherent_l and inherent_i:
            reduction = inherent_l * inherent_i - line.rating
            effect = f"reduced by {reduction}" if reduction > 0 else ("none" if reduction == 0 else
                                                                     f"raised by {-reduction}")
        out.ratings.append((line.reference, line.title, _rated(inherent_l, inherent_i),
                            _rated(line.likelihood, line.impact), _rated(line.tolerance_likelihood,
                                                                         line.tolerance_impact), effect))
    # One read of every risk's controls (the public and the exempt alike), whatever the number of risks.
    mapped = controls.assurance_map(sorted(rows, key=lambda r: natural_key(r.risk.reference)), quarter)
    for row in mapped:
        line = by_reference[row.risk.risk.reference]
        if line.exempt or (not row.count and not row.gaps):
            continue
        out.map.append(AssuranceLine(line.reference, line.title, f"{line.rating} {line.level}",
                                     [(assurance.SHORT_LINES[c.line], len(c.controls), c.weakest or "")
                                      for c in row.lines], row.gaps))
    for row in (m for m in mapped if by_reference[m.risk.risk.reference].exempt):
        every = [c for line in row.lines for c in line.controls]
        out.exempt_controls.append((row.risk.risk.reference, by_reference[row.risk.risk.reference].title, [
            (c.control, c.line, c.get_type_display(), c.assurance or "Not assessed",
             c.get_assurance_source_display() or "-") for c in sorted(every, key=lambda c: (c.line, c.position))],
            row.gaps))
    indicators = risk_queries.key_indicators([r.risk.pk for r in public], quarter, recent=1)
    prompted = risk_queries.reviews_prompted([r.risk.pk for r in public], quarter)
    for r in sorted(public, key=lambda r: natural_key(r.risk.reference)):
        if r.risk.pk in indicators:
            said = "; ".join(f"{k.code} {k.latest[1]}" + (f" ({k.latest[2]})" if k.latest[2] else "")
                             if k.latest else f"{k.code} no figures" for k in indicators[r.risk.pk])
            out.kris.append((r.risk.reference, r.risk.title, said, r.risk.pk in prompted))
    on_the_day = quarter.end if quarter.is_locked else clock.today()
    for r in sorted(rows, key=lambda r: natural_key(r.risk.reference)):
        until = stored.get(r.risk.pk, {}).get("accepted_until")
        if until:
            out.acceptances.append((r.risk.reference, r.risk.title, f"{until:%-d %B %Y}",
                                    stored[r.risk.pk]["accepted_by_name"], until < on_the_day))
    shown = set(by_reference)
    out.overdue = [a for a in audit_actions.overdue_for_pack(quarter)
                   if not a.risks or any(ref in shown for ref in a.risks)]
    for dive in risk_queries.deep_dives(None, quarter):
        j = dive.judgement
        if j.reference not in shown:
            continue
        why = " and ".join(part for part in (
            f"outside target {dive.outside_target_run} quarters" if dive.outside_target_run >= 3 else "",
            f"outside appetite {dive.outside_appetite_run} quarters" if dive.outside_appetite_run >= 3 else "")
            if part) or f"outside target or appetite {dive.quarters_outside} quarters"
        out.deep_dives.append((j.reference, j.title, str(j.likelihood * j.impact), dive.quarters_outside, why))
    return out


def _five_quarters(quarter: ReportingPeriod, register, exempt: set[str]) -> tuple[list[str], list]:
    """Each open risk's rating and travel for the five quarters to this one; each rating as likelihood x
    impact where the review gives it."""
    rows = [r for r in register.rows if r.review is not None]
    labels = [v.label for v in risk_queries.last_quarters(quarter)]
    scores = risk_queries.history_scores([r.risk.pk for r in rows], quarter)
    summary = []
    for r in rows:
        cells = []
        for label, rating, travel in (r.history or []):
            if rating is None:
                cells.append(("No review", ""))
                continue
            # Part A is public: an exempt risk shows its rating only, as the public register does (its
            # likelihood and impact are Part B detail).
            hidden = r.risk.reference in exempt
            text = str(rating) if hidden else risk_queries.scored(rating, scores.get((r.risk.pk, label)))
            cells.append((text, travel.value if travel is not None and hasattr(travel, "value") else str(travel or "")))
        # Part A is public: an exempt risk is named by reference and title only (its owner is Part B detail).
        owner = "" if r.risk.reference in exempt else (getattr(r.risk, "risk_owner", "") or "")
        summary.append((r.risk.reference, r.risk.title, owner, cells))
    summary.sort(key=lambda item: natural_key(item[0]))
    return labels, summary


def _risks(quarter: ReportingPeriod, directorate_id: int | None, previous) -> tuple[Risks, dict]:
    register = risk_queries.register(None, quarter, directorate_id=directorate_id, history=True)
    scheme = register.scheme
    positions = {band.name: index + 1 for index, band in enumerate(scheme.levels)}
    lines = committee.lines(register)
    # Risks outside tolerance for three or more quarters running (this one and those before it).
    earlier = []
    current = quarter.value
    for _ in range(4):
        current = current.previous()
        period = ReportingPeriod.objects.filter(year=current.year, quarter=current.quarter).first()
        if period is None:
            break
        earlier.append({r.risk.reference for r in risk_queries.register(None, period, facts=True,
                                                                         directorate_id=directorate_id).outside})
    for line in lines:
        if line.outside:
            run = 1
            for refs in earlier:
                if line.reference not in refs:
                    break
                run += 1
            line.quarters_outside = run
    snapshot = {
        "quarter": quarter.label,
        "risks": {line.reference: {"title": line.title, "register": line.register.lower(), "rating": line.rating}
                  for line in lines},
        "exempt_references": [line.reference for line in lines if line.exempt],
        "summary": {"risks": len(lines), "outside": sum(1 for line in lines if line.outside)},
    }
    changes, since = _changes(quarter, directorate_id, lines, previous)
    summary_labels, summary = _five_quarters(quarter, register, {line.reference for line in lines if line.exempt})
    counts = {name: 0 for name, _, _ in [(b.name, b.minimum, b.maximum) for b in scheme.levels]}
    for line in lines:
        counts[line.level] = counts.get(line.level, 0) + 1
    return Risks(
        scheme_name=scheme.name, levels=[(b.name, b.minimum, b.maximum) for b in scheme.levels],
        # Part A is public: an exempt risk's cell on a heat map would give away its likelihood and impact.
        maps=register.maps(exclude={line.reference for line in lines if line.exempt}),
        exempt_off_maps=sum(1 for line in lines if line.exempt), band_positions=positions, lines=lines,
        outside_appetite=_outside_appetite(quarter, lines),
        outside=[line for line in lines if line.outside], changes=changes, since=since,
        long_standing=[line for line in lines if line.quarters_outside >= 3], likelihoods=scheme.likelihoods,
        summary_labels=summary_labels, summary=summary,
        criteria=[(value, scheme.likelihoods.get(value, ""), scheme.impacts[scoring.Kind.THREAT].get(value, ""),
                   scheme.impacts[scoring.Kind.OPPORTUNITY].get(value, ""))
                  for value in sorted(set(scheme.likelihoods) | set(scheme.impacts[scoring.Kind.THREAT])
                                      | set(scheme.impacts[scoring.Kind.OPPORTUNITY]))],
        level_counts=list(reversed(list(counts.items()))),
        significant=sorted(lines, key=lambda line: (-line.rating, natural_key(line.reference)))[:SIGNIFICANT],
        assurance=_assurance(quarter, register, lines),
    ), snapshot


def _changes(quarter: ReportingPeriod, directorate_id: int | None, lines: list[RiskLine], previous
             ) -> tuple[list[Change], str]:
    """What changed since the last pack to this committee (or, with none, since the previous quarter)."""
    if previous is not None:
        before = previous.contents.get("risks", {})
        since = f"the last meeting ({previous.meeting_date.day} {previous.meeting_date:%B %Y}, " \
                f"{previous.quarter.label})"
    else:
        prior = quarter.value.previous()
        period = ReportingPeriod.objects.filter(year=prior.year, quarter=prior.quarter).first()
        before = {}
        if period is not None:
            found = risk_queries.register(None, period, directorate_id=directorate_id)
            # The register each risk was on then: as locked (stored), else as it is now (RiskRow.register).
            for r in found.rows:
                if r.review is not None:
                    before[r.risk.reference] = {"title": r.risk.title, "rating": r.rating,
                                                "register": r.register}
        since = f"{prior.label} (the previous quarter)"
    now = {line.reference: line for line in lines}
    changes = []
    for reference, line in now.items():
        old = before.get(reference)
        if old is None:
            changes.append(Change(reference, line.title, "New", f"on the {line.register.lower()} register, rated "
                                                                f"{line.rating} {line.level}"))
            continue
        old_level, new_level = LADDER.get(old.get("register", ""), -1), LADDER.get(line.register.lower(), -1)
        if new_level > old_level >= 0:
            changes.append(Change(reference, line.title, "Escalated",
                                  f"from the {old['register']} to the {line.register.lower()} register"))
        elif 0 <= new_level < old_level:
            changes.append(Change(reference, line.title, "De-escalated",
                                  f"from the {old['register']} to the {line.register.lower()} register"))
        if old.get("rating") != line.rating:
            changes.append(Change(reference, line.title, "Re-rated", f"from {old.get('rating')} to {line.rating} "
                                                                     f"{line.level}"))
    gone = [ref for ref in before if ref not in now]
    if gone:
        from risks.models import RecordedRegister

        # A locked quarter says what its lock recorded of each risk; an open one, what is so now.
        recorded = (RecordedRegister.objects.filter(quarter=quarter).values_list("risks", flat=True).first()
                    if quarter.has_record else None) or {}
        live = {ref: (status, register) for ref, status, register in Risk.objects.filter(
            reference__in=[ref for ref in gone if ref not in recorded]).values_list("reference", "status", "register")}
        states = {ref: tuple(recorded.get(ref) or live.get(ref) or ("", "")) for ref in gone}
        closed = {ref: state[0] for ref, state in states.items()}
        registers = {ref: state[1] for ref, state in states.items() if state[1]}
        for reference in sorted(gone):
            if closed.get(reference) == Risk.Status.CLOSED:
                changes.append(Change(reference, before[reference]["title"], "Closed", "no longer on the register"))
            else:
                changes.append(Change(reference, before[reference]["title"], "De-escalated",
                                      f"to the {registers.get(reference, 'service')} register"))
    order = {"New": 0, "Closed": 1, "Escalated": 2, "De-escalated": 3, "Re-rated": 4}
    changes.sort(key=lambda c: (order[c.what], c.reference))
    return changes, since


def _placements(quarter: ReportingPeriod) -> Placements:
    quarters = placement_report.quarters_as_at(quarter)
    if not quarters:
        return Placements(None)
    chosen = quarters[-PLACEMENT_QUARTERS:]
    report = placement_report.build(chosen, chosen[0], as_at=quarter)
    from organisation.periods import gaps

    return Placements(report, latest_label=chosen[-1].label, latest_is_earlier=chosen[-1].pk != quarter.pk,
                      gaps=gaps([q.value for q in chosen]), charts=[
        {"title": "Children in care placements at each quarter end", "unit": "children",
         "points": [(q.value, g.children) for q, g in zip(chosen, report.grand)]},
        {"title": "Estimated annual cost of placements (£ thousands)", "unit": "£k",
         "points": [(q.value, costing.thousands(g.annual_cost)) for q, g in zip(chosen, report.grand)]},
    ])


def natural_key(text: str) -> str:
    """CRR9 before CRR10 (organisation.ordering.natural): the pack orders as the pages do."""
    from organisation.ordering import natural

    return natural(text)


def quarter_position(value: Period) -> int:
    """A quarter's place on a time axis (so charts space quarters by time and show gaps)."""
    return value.year * 4 + (value.quarter or 4) - 1
