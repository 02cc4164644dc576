"""Reads for registers, heat maps and summaries, scored by scoring.py in a fixed number of queries."""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery

from organisation import access
from organisation.collation import binary, natural
from organisation.models import ReportingPeriod
from organisation.periods import Period, quarter_range

from . import scoring
from .models import Judgement, ReviewRatings, Risk, RiskReview, ScoringScheme

HISTORY_QUARTERS = 5


def risks_visible_to(user) -> QuerySet[Risk]:
    registers, areas = access.risk_visibility(user)
    return Risk.objects.filter(Q(register__in=registers) | Q(service_area_id__in=areas))


def audit_scope(user) -> Q | None:
    """The risk entries of the audit trail a user reads: those about risks the user may see on the registers
    (the audit committee does not read a service-register risk's changes). The performance officer reads
    them all, deleted risks' included."""
    if access.is_performance_officer(user):
        return Q()
    return Q(about_id__in=risks_visible_to(user).values("pk"))


def history_scores(risk_ids, quarter: ReportingPeriod) -> dict[tuple[int, str], tuple[int, int]]:
    """(risk id, quarter label) -> (likelihood, impact) of each review in the five quarters to this one: what
    a five-quarter summary writes as "2 x 7 = 14"."""
    window = last_quarters(quarter)
    labels = {(v.year, v.quarter): v.label for v in window}
    found = {}
    for risk_id, year, number, likelihood, impact in RiskReview.objects.filter(
            risk_id__in=list(risk_ids), period__quarter__isnull=False,
            period__year__in={v.year for v in window}).values_list(
            "risk_id", "period__year", "period__quarter", "likelihood", "impact").order_by():
        if (year, number) in labels:
            found[(risk_id, labels[(year, number)])] = (likelihood, impact)
    return found


def scored(rating, scores: tuple[int, int] | None) -> str:
    """ "2 x 7 = 14" where the review's scores give the rating shown, else the rating alone."""
    if scores is not None and scores[0] * scores[1] == rating:
        return f"{scores[0]} x {scores[1]} = {rating}"
    return str(rating)


def on_register(risks: QuerySet[Risk], quarter: ReportingPeriod) -> QuerySet[Risk]:
    """The risks a quarter's register shows: the open ones, and closed (retired) ones reviewed in it."""
    return risks.filter(Q(status=Risk.Status.OPEN) | Exists(RiskReview.objects.filter(risk=OuterRef("pk"),
                                                                                       period=quarter)))


@dataclass(frozen=True, slots=True)
class RiskFacts:
    """A risk as plain values: enough to score it and name it on a summary, heat map or panel."""

    pk: int
    reference: str
    title: str
    kind: str


@dataclass(frozen=True, slots=True)
class Named:
    """A directorate or service area as a record named it."""

    pk: int | None
    name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class RecordedRisk:
    """A risk as a locked quarter's register recorded it (its stored judgement): what that quarter's pages,
    downloads and packs show, whatever has been retitled, re-described, re-assigned, made exempt or not,
    renamed or closed since."""

    pk: int
    reference: str
    title: str
    description: str
    causes: str
    consequences: str
    kind: str
    register: str
    status: str
    risk_owner: str
    action_owner: str
    portfolio: str
    strategy_themes: str
    category: str
    exempt: bool
    exempt_paragraph: int
    directorate: Named
    service_area: Named | None
    as_reported: bool = True

    @property
    def directorate_id(self) -> int | None:
        return self.directorate.pk

    @property
    def service_area_id(self) -> int | None:
        return self.service_area.pk if self.service_area else None

    def get_kind_display(self) -> str:
        return Risk.Kind(self.kind).label if self.kind in Risk.Kind.values else self.kind

    def get_register_display(self) -> str:
        return Risk.Register(self.register).label if self.register in Risk.Register.values else self.register

    def get_status_display(self) -> str:
        return Risk.Status(self.status).label if self.status in Risk.Status.values else self.status


@dataclass(frozen=True, slots=True)
class RecordedReview:
    """The review a locked quarter's register showed, as it read then."""

    controls: str
    actions: str
    next_review_date: date | None
    reviewed_by_name: str
    reviewed_at: object
    inherent_likelihood: int | None = None
    inherent_impact: int | None = None


# A stored judgement's record of its risk and review (RecordedRisk's and RecordedReview's fields).
RECORDED_RISK = ("risk_id", "reference", "title", "description", "causes", "consequences", "kind", "register",
                 "status", "risk_owner", "action_owner", "portfolio", "strategy_themes", "category", "exempt",
                 "exempt_paragraph", "directorate_id", "directorate_name", "service_area_id", "service_area_name")
RECORDED_REVIEW = ("controls", "actions", "next_review_date", "reviewed_by_name", "reviewed_at", "inherent_likelihood",
                   "inherent_impact")


def recorded_risk(values) -> RecordedRisk:
    *fields, directorate_id, directorate_name, area_id, area_name = values
    return RecordedRisk(*fields, directorate=Named(directorate_id, directorate_name),
                        service_area=Named(area_id, area_name) if area_id else None)


def recorded_of(j: Judgement) -> tuple[RecordedRisk, RecordedReview]:
    return (recorded_risk([getattr(j, name) for name in RECORDED_RISK]),
            RecordedReview(*(getattr(j, name) for name in RECORDED_REVIEW)))


def recorded_register(quarter: ReportingPeriod, schemes: dict[int, scoring.Scheme], active: scoring.Scheme
                      ) -> tuple[dict[int, scoring.Scheme], scoring.Scheme]:
    """For a locked quarter: the schemes by the names they had when it was locked (a scheme's scales and
    bands are fixed once reviews are scored on it; only its name can change), and the scheme its register
    was shown on then (its heat maps', even with no risk on it), in one query."""
    from .models import RecordedRegister

    found = RecordedRegister.objects.filter(quarter=quarter).values_list("scheme_name", "definition", "names").first()
    if found is None:
        return schemes, active
    name, definition, names = found
    out = dict(schemes)
    for pk, scheme in schemes.items():
        then = names.get(str(pk))
        if then and then != scheme.name:
            out[pk] = dataclasses.replace(scheme, name=then)
    return out, scoring.Scheme.from_data(name, definition)


def risk_facts(risks: QuerySet[Risk]) -> list[RiskFacts]:
    return [RiskFacts(*values) for values in risks.values_list("pk", "reference", "title", "kind")]


@dataclass(frozen=True)
class Scores(ReviewRatings):
    """The scores of a review, read as plain values (registers read thousands of them)."""

    pk: int
    period_id: int
    period_label: str
    likelihood: int
    impact: int
    tolerance_likelihood: int
    tolerance_impact: int
    scheme_id: int


SCORE_FIELDS = ("pk", "period_id", "likelihood", "impact", "tolerance_likelihood", "tolerance_impact", "scheme_id")


@dataclass
class RiskRow:
    risk: Risk | RiskFacts
    review: Scores | None  # the newest review up to the quarter (carried forward when not reviewed in it)
    reviewed_this_quarter: bool
    rating: int | None
    level: scoring.Level | None
    tolerance_rating: int | None
    tolerance_level: scoring.Level | None
    previous_rating: int | None  # the rating it had at the previous quarter
    travel: scoring.Travel | None
    outside: bool
    history: list[tuple[str, int | None, scoring.Travel | None]]  # (quarter, rating, travel), oldest first
    scheme: scoring.Scheme | None = None  # the scheme the review was scored on
    stored_register: str = ""  # a locked quarter's: the register the risk was on then
    stored_kind: str = ""  # and its kind then

    @property
    def register(self) -> str:
        """The register the row reports the risk on: as locked, for a locked quarter; else the risk's now."""
        return self.stored_register or getattr(self.risk, "register", "")

    @property
    def kind(self) -> str:
        return self.stored_kind or getattr(self.risk, "kind", "")

    @property
    def register_display(self) -> str:
        return Risk.Register(self.register).label if self.register else ""

    @property
    def sort_rating(self) -> int:
        return self.rating if self.rating is not None else -1

    @property
    def level_name(self) -> str:
        return self.level.name if self.level else ""

    @property
    def not_reviewed_since(self) -> str | None:
        """ "2018/19 Q4" when the review shown was carried forward from that quarter."""
        return self.review.period_label if self.review is not None and not self.reviewed_this_quarter else None

    detail: RiskReview | None = None  # the whole review, when with_review_detail() has read it


def last_quarters(quarter: ReportingPeriod, count: int = HISTORY_QUARTERS) -> list:
    values = quarter_range(quarter.value, quarter.value)
    current = quarter.value
    for _ in range(count - 1):
        current = current.previous()
        values.insert(0, current)
    return values


def _before(period_value) -> Q:
    """Periods strictly before a quarter."""
    return Q(period__year__lt=period_value.year) | Q(period__year=period_value.year,
                                                     period__quarter__lt=period_value.quarter)


def rows_for(risks: QuerySet[Risk] | list[Risk] | list[RiskFacts], quarter: ReportingPeriod,
             scheme: scoring.Scheme | None = None, *, ids: QuerySet | None = None,
             schemes: dict[int, scoring.Scheme] | None = None, store: bool = True,
             history: bool = False) -> list[RiskRow]:
    """Score each risk for the quarter and the four before it, highest current rating first.

    A risk not reviewed in the quarter carries its last review forward (travel
    "Not reviewed"); each review is placed in the level bands of the scheme it
    was scored on. Give Risk instances where a page shows a risk's details;
    RiskFacts (with ids, the same risks as a subquery) where it only names and
    scores them. Four queries, whatever the number of risks; for a locked quarter,
    what was stored when it was locked (store=False: work it out as locking does).
    """
    risk_list = list(risks)
    schemes = schemes if schemes is not None else ScoringScheme.all_schemes()
    if ids is None:
        ids = risks.order_by().values("pk") if isinstance(risks, QuerySet) else [r.pk for r in risk_list]
    if store and not quarter.is_locked and not history:
        # An open quarter: as stored when its reviews, risks or scheme were last written (risks/judging.py);
        # a risk with no stored row (one not yet reviewed) is scored now.
        stored, missing = _stored_rows(risk_list, quarter, ids, schemes, scheme, with_missing=True)
        if missing:
            stored += rows_for(missing, quarter, scheme, schemes=schemes, store=False)
            stored.sort(key=lambda r: (-r.sort_rating, natural(r.risk.reference)))
        return stored
    if store and quarter.has_record:
        stored = _stored_rows(risk_list, quarter, ids, schemes, scheme)
        if history and any(not row.history for row in stored):
            # Rows recorded before the five-quarter history was: the earlier quarters as they stand now, the
            # quarter itself as stored.
            live = {r.risk.pk: r.history for r in rows_for(risk_list, quarter, scheme, ids=ids, schemes=schemes,
                                                             store=False)}
            for row in stored:
                if not row.history:
                    row.history = live.get(row.risk.pk, [])[:-1] + [(quarter.label, row.rating, row.travel)]
        return stored
    window = last_quarters(quarter)
    periods = {
        (p.year, p.quarter): p
        for p in ReportingPeriod.objects.filter(year__in={v.year for v in window}, quarter__isnull=False)
    }
    # (label, period id or None) for each quarter of the window, oldest first: worked out once.
    slots = [(v.label, periods[(v.year, v.quarter)].pk if (v.year, v.quarter) in periods else None) for v in window]
    labels = {period_id: label for label, period_id in slots if period_id}
    reviews: dict[tuple[int, int], Scores] = {}
    if risk_list and labels:
        for risk_id, pk, period_id, *scores in RiskReview.objects.filter(
            risk_id__in=ids, period_id__in=list(labels)
        ).values_list("risk_id", *SCORE_FIELDS).order_by():
            reviews[(risk_id, period_id)] = Scores(pk, period_id, labels[period_id], *scores)
    this_period_id = slots[-1][1]
    built = []
    needing: list[int] = []  # risks with fewer than two reviews in the window: their last earlier review
    for risk in risk_list:
        history: list[tuple[str, int | None, scoring.Travel | None]] = []
        previous: int | None = None
        latest: Scores | None = None
        before_latest: Scores | None = None
        for label, period_id in slots:
            review = reviews.get((risk.pk, period_id)) if period_id else None
            if review is None:
                history.append((label, previous, scoring.Travel.NOT_REVIEWED if previous is not None else None))
                continue
            score = review.rating
            history.append((label, score, scoring.travel(score, previous)))
            before_latest, previous, latest = latest, score, review
        if before_latest is None:
            needing.append(risk.pk)
        built.append((risk, history, latest, before_latest))
    earlier = _last_before(needing, window[0]) if needing else {}
    rows = []
    for risk, history, latest, before_latest in built:
        older = earlier.get(risk.pk)
        if latest is None:
            latest = older
            if older is not None:  # carried forward from before the window
                history = [(label, older.rating, scoring.Travel.NOT_REVIEWED) for label, _, _ in history]
        elif before_latest is None:
            before_latest = older
        if latest is None:
            rows.append(RiskRow(risk, None, False, None, None, None, None, None, None, False, history))
            continue
        reviewed_now = latest.period_id == this_period_id
        review_scheme = schemes.get(latest.scheme_id) or scheme
        score, tolerance = latest.rating, latest.tolerance_rating
        if reviewed_now:
            previous_rating = before_latest.rating if before_latest is not None else None
            travel = scoring.travel(score, previous_rating)
        else:
            previous_rating, travel = score, scoring.Travel.NOT_REVIEWED
        rows.append(RiskRow(
            risk=risk, review=latest, reviewed_this_quarter=reviewed_now, rating=score,
            level=scoring.level(review_scheme, score), tolerance_rating=tolerance,
            tolerance_level=scoring.level(review_scheme, tolerance), previous_rating=previous_rating,
            travel=travel, outside=scoring.outside_tolerance(risk.kind, score, tolerance), history=history,
            scheme=review_scheme,
        ))
    rows.sort(key=lambda r: (-r.sort_rating, natural(r.risk.reference)))
    return rows


JUDGEMENT_FIELDS = ("risk_id", "review_id", "review__period_id", "review_period_label", "likelihood", "impact",
                    "tolerance_likelihood", "tolerance_impact", "scheme_id", "previous_rating", "travel",
                    "reviewed_this_quarter", "register", "outside", "kind")


def _stored_rows(risk_list, quarter: ReportingPeriod, ids, schemes, fallback, *, with_missing: bool = False):
    """A quarter's rows as stored: a locked quarter's when it was locked (each risk and its review as the
    register recorded them), an open one's as last written. with_missing: also return the risks with no
    stored row (rows, missing)."""
    recorded = quarter.is_locked
    fields = JUDGEMENT_FIELDS + ((*RECORDED_RISK[1:], *RECORDED_REVIEW, "history") if recorded else ())
    width = len(JUDGEMENT_FIELDS)
    if recorded:
        schemes, _ = recorded_register(quarter, schemes, fallback)
    stored = {values[0]: values for values in Judgement.objects.filter(quarter=quarter, risk_id__in=ids)
              .values_list(*fields).order_by()}
    rows = []
    missing = []
    for risk in risk_list:
        found = stored.get(risk.pk)
        if found is None:  # locked: not on the register when the quarter was locked
            missing.append(risk)
            continue
        (_, review_id, period_id, label, likelihood, impact, tolerance_likelihood, tolerance_impact, scheme_id,
         previous_rating, travel, reviewed_now, register, outside, kind) = found[:width]
        detail, history = None, []
        if recorded:
            risk = recorded_risk((found[0], *found[width:width + len(RECORDED_RISK) - 1]))
            detail = RecordedReview(*found[width + len(RECORDED_RISK) - 1:-1])
            history = [(label, rating, scoring.Travel(travel) if travel else None)
                       for label, rating, travel in found[-1] or []]
        review = Scores(review_id, period_id, label, likelihood, impact, tolerance_likelihood, tolerance_impact,
                        scheme_id)
        review_scheme = schemes.get(scheme_id) or fallback
        rows.append(RiskRow(
            risk=risk, review=review, reviewed_this_quarter=reviewed_now, rating=review.rating,
            level=scoring.level(review_scheme, review.rating), tolerance_rating=review.tolerance_rating,
            tolerance_level=scoring.level(review_scheme, review.tolerance_rating), previous_rating=previous_rating,
            travel=scoring.Travel(travel), outside=outside, history=history, scheme=review_scheme,
            stored_register=register, stored_kind=kind, detail=detail,
        ))
    rows.sort(key=lambda r: (-r.sort_rating, natural(r.risk.reference)))
    return (rows, missing) if with_missing else rows


def _last_before(risk_ids: list[int], first) -> dict[int, Scores]:
    """Each risk's newest review before a quarter (any age), in one query."""
    newest = Subquery(RiskReview.objects.filter(risk=OuterRef("pk")).filter(_before(first)).order_by(
        "-period__year", "-period__quarter").values("pk")[:1])
    wanted = Risk.objects.filter(pk__in=risk_ids).annotate(last=newest).values("last")
    return {
        risk_id: Scores(pk, period_id, Period(year, q).label, *scores)
        for risk_id, pk, period_id, year, q, *scores in RiskReview.objects.filter(pk__in=wanted).values_list(
            "risk_id", "pk", "period_id", "period__year", "period__quarter", *SCORE_FIELDS[2:]).order_by()
    }


COMMITTEE_REGISTERS = ("corporate", "directorate")
LEVELS = ("all", "corporate", "directorate", "service")


@dataclass
class Register:
    """A quarter's register for one audience and set of filters: the one source of every figure the
    register, its downloads, the heat map, the home page and the committee pack show about it."""

    quarter: ReportingPeriod
    rows: list[RiskRow]  # highest current rating first; risks not reviewed carry their last review forward
    scheme: scoring.Scheme  # the scheme the quarter was scored on (its heat map's)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def outside(self) -> list[RiskRow]:
        """Risks outside tolerance (carried-forward ones included)."""
        return [r for r in self.rows if r.review is not None and r.outside]

    @property
    def placed(self) -> list[RiskRow]:
        """Rows that can be placed on the quarter's heat map (scored on its scheme)."""
        return [r for r in self.rows if r.review is not None and (r.scheme is None or r.scheme.name == self.scheme.name)]

    @property
    def elsewhere(self) -> list[RiskRow]:
        """Rows scored on another scheme (an open quarter after a switch): listed beside the map."""
        return [r for r in self.rows if r.review is not None and r.scheme is not None
                and r.scheme.name != self.scheme.name]

    def heat_map(self, kind: str = "threat", basis: str = "current", exclude=frozenset()) -> list[list[scoring.Cell]]:
        rows = [r for r in self.placed if r.kind == kind and r.risk.reference not in exclude]
        return scoring.heat_map(self.scheme, kind, [
            ((r.review.likelihood, r.review.impact) if basis == "current"
             else (r.review.tolerance_likelihood, r.review.tolerance_impact), r.risk.reference) for r in rows])

    def maps(self, exclude=frozenset()) -> list[dict]:
        """The heat maps a page or paper shows: current and tolerance, for threats and any opportunities.
        exclude: references left off (a public paper's exempt risks: their cell would give their scores)."""
        out = []
        for kind in (scoring.Kind.THREAT, scoring.Kind.OPPORTUNITY):
            of_kind = [r for r in self.placed if r.kind == kind.value and r.risk.reference not in exclude]
            if not of_kind and kind == scoring.Kind.OPPORTUNITY:
                continue
            for basis, label in (("current", "Current rating"), ("tolerance", "Tolerance (target) rating")):
                out.append({"kind": kind.value, "basis": basis, "label": label, "total": len(of_kind),
                            "grid": self.heat_map(kind.value, basis, exclude),
                            "impacts": [(v, self.scheme.impacts[kind][v]) for v in self.scheme.impact_values(kind)]})
        return out


def _on_record(quarter: ReportingPeriod, user=None, *, level: str = "all", directorates=(),
               committee: bool = True) -> QuerySet[Judgement]:
    """A locked quarter's stored rows that its registers show to ``user`` (as risks_on())."""
    stored = Judgement.objects.filter(quarter=quarter)
    if user is not None:
        registers, areas = access.risk_visibility(user)
        stored = stored.filter(Q(register__in=registers) | Q(service_area_id__in=areas))
    elif committee:
        stored = stored.filter(register__in=COMMITTEE_REGISTERS)
    if level != "all":
        stored = stored.filter(register=level)
    for directorate in directorates:
        stored = stored.filter(directorate=directorate)
    return stored


def risks_on(quarter: ReportingPeriod, user=None, *, level: str = "all", directorates=(),
             committee: bool = True) -> QuerySet[Risk]:
    """The risks a quarter's registers show to ``user`` (None: the committee's corporate and directorate
    registers; with committee=False, every register). A locked quarter: the risks on its registers when it
    was locked, by the register, directorate and service area they had then, whatever has been moved,
    re-assigned or closed since. An open one: the open risks, and closed ones reviewed in it."""
    if quarter.is_locked and quarter.has_record:
        stored = _on_record(quarter, user, level=level, directorates=directorates, committee=committee)
        return Risk.objects.filter(pk__in=stored.values("risk_id"))
    if user is not None:
        base = risks_visible_to(user)
    else:
        base = Risk.objects.filter(register__in=COMMITTEE_REGISTERS) if committee else Risk.objects.all()
    risks = on_register(base, quarter)
    if level != "all":
        risks = risks.filter(register=level)
    for directorate in directorates:
        risks = risks.filter(directorate=directorate)
    return risks


def _directorates(filters: dict, directorate_id: int | None) -> list:
    return [d for d in (directorate_id, filters.get("directorate")) if d]


def _text_filters(filters: dict, prefix: str = "") -> Q:
    """The register page's search (reference or title) and owner filters, on risks (or on rows that name a
    risk: prefix "risk__")."""
    found = Q()
    if filters.get("q"):
        found &= Q(**{f"{prefix}reference__icontains": filters["q"]}) | Q(**{f"{prefix}title__icontains": filters["q"]})
    if filters.get("owner"):
        found &= Q(**{f"{prefix}risk_owner__icontains": filters["owner"]})
    return found


def register(user, quarter: ReportingPeriod, *, level: str = "all", filters: dict | None = None,
             cell: tuple[str, int, int] | None = None, facts: bool = False, history: bool = False,
             directorate_id: int | None = None) -> Register:
    """The register of a quarter as ``user`` may see it (user None: the committee's - the corporate and
    directorate registers), at a register level, with the filters of the register page
    (q, directorate, owner, band, outside) and a heat-map cell (basis, likelihood, impact)."""
    filters = filters or {}
    if quarter.has_record:  # searched by the reference, title and owner each risk was reported with
        risks = Risk.objects.filter(pk__in=_on_record(
            quarter, user, level=level, directorates=_directorates(filters, directorate_id)).filter(
            _text_filters(filters)).values("risk_id"))
    else:
        risks = risks_on(quarter, user, level=level, directorates=_directorates(filters, directorate_id)).filter(
            _text_filters(filters))
    active = active_scheme()[1]
    if quarter.has_record:
        active = recorded_register(quarter, {}, active)[1]
    if facts:
        rows = rows_for(risk_facts(risks), quarter, active, ids=risks.values("pk"), history=history)
    else:
        rows = rows_for(risks.select_related("directorate", "service_area"), quarter, active, history=history)
    if quarter.is_locked:
        rows = [r for r in rows if r.review is not None]  # risks not yet on a register then
    scheme = quarter_scheme(rows, active)
    if filters.get("band"):
        rows = [r for r in rows if r.level and r.level.name.lower() == str(filters["band"]).lower()]
    if filters.get("outside"):
        rows = [r for r in rows if r.review is not None and r.outside == (filters["outside"] == "yes")]
    if filters.get("appetite"):
        rows = _by_appetite(rows, quarter, filters["appetite"] == "outside")
    if filters.get("prompted"):
        prompted = prompted_ids(quarter)
        rows = [r for r in rows if r.risk.pk in prompted]
    if cell is not None:
        basis, likelihood, impact = cell
        rows = [r for r in rows if r.review is not None and (r.scheme is None or r.scheme.name == scheme.name) and (
            (r.review.likelihood, r.review.impact) if basis == "current"
            else (r.review.tolerance_likelihood, r.review.tolerance_impact)) == (likelihood, impact)]
    return Register(quarter, rows, scheme)


# --- the register over the stored judgements: filtered, counted, sorted and paged in the database ----------

# A rating in SQL: scoring.rating() (likelihood x impact); tests/risks/test_stored_register.py pins the two.
RATING = F("likelihood") * F("impact")


class StoredRegister:
    """A quarter's register read from its stored judgements (risks.Judgement), for the pages: the database
    filters, counts, sorts (highest current rating first, then reference) and pages the rows, and counts the
    heat-map cells; rows are built for the page shown only. Risks on an open quarter's register that have
    never been reviewed (no stored row) follow the scored ones, by reference, as "not yet reviewed".

    The same figures as Register (tests/risks/test_stored_register.py compares the two); Register remains
    the source of the downloads and the committee pack, which list every risk.
    """

    def __init__(self, quarter: ReportingPeriod, judged: QuerySet, unjudged: QuerySet | None,
                 scheme: scoring.Scheme, schemes: dict[int, scoring.Scheme], active: scoring.Scheme,
                 groups: list[tuple] | None = None):
        self.quarter, self.judged, self.unjudged = quarter, judged, unjudged
        self.scheme, self.schemes, self.active = scheme, schemes, active
        # (scheme, kind, likelihood, impact, tolerance likelihood, tolerance impact, risks) of the rows, when
        # already counted (one query gives the scheme, the count and every heat-map cell).
        self.groups = groups
        self._counts: tuple[int, int] | None = None
        self._cell_counts: dict | None = None

    def _both(self) -> tuple[int, int]:
        if self._counts is None:
            judged = sum(g[-1] for g in self.groups) if self.groups is not None else self.judged.count()
            self._counts = (judged, self.unjudged.count() if self.unjudged is not None else 0)
        return self._counts

    def count(self) -> int:
        return sum(self._both())

    __len__ = count

    @property
    def total(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index:index + 1][0]
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        judged_count = self._both()[0]
        rows: list[RiskRow] = []
        if start < judged_count:
            rows += self._slice(self.judged, start, min(stop, judged_count))
        if stop > judged_count and self.unjudged is not None:
            found = self.unjudged.select_related("directorate", "service_area").order_by(binary("reference"))[
                max(0, start - judged_count):stop - judged_count]
            rows += [RiskRow(risk, None, False, None, None, None, None, None, None, False, []) for risk in found]
        return rows

    def _row(self, j: Judgement) -> RiskRow:
        review = Scores(j.review_id, j.review_period_id, j.review_period_label, j.likelihood, j.impact,
                        j.tolerance_likelihood, j.tolerance_impact, j.scheme_id)
        review_scheme = self.schemes.get(j.scheme_id) or self.active
        risk, detail = recorded_of(j) if self.quarter.is_locked else (j.risk, None)
        return RiskRow(
            risk=risk, detail=detail, review=review, reviewed_this_quarter=j.reviewed_this_quarter, rating=review.rating,
            level=scoring.level(review_scheme, review.rating), tolerance_rating=review.tolerance_rating,
            tolerance_level=scoring.level(review_scheme, review.tolerance_rating), previous_rating=j.previous_rating,
            travel=scoring.Travel(j.travel), outside=j.outside, history=[], scheme=review_scheme,
            stored_register=j.register, stored_kind=j.kind,
        )

    def _slice(self, judged: QuerySet, start: int, stop: int) -> list[RiskRow]:
        """Rows start to stop, highest rating first: their ids sorted in the database, then the page's rows
        read whole (with their risk and review) by id."""
        # Ties broken by id: CRR9 and CRR09 share a natural key, and without it PostgreSQL may order them
        # differently from one page's query to the next (one repeated, the other never shown).
        ids = list(judged.order_by("-rating", binary("order_key"), "pk").values_list("pk", flat=True)[start:stop])
        if not ids:
            return []
        found = Judgement.objects.filter(pk__in=ids)
        if not self.quarter.is_locked:  # a locked quarter's rows carry the risk as recorded
            found = found.select_related("risk__directorate", "risk__service_area")
        found = found.annotate(review_period_id=F("review__period_id")).in_bulk()
        return [self._row(found[pk]) for pk in ids]

    def outside(self, limit: int) -> list[RiskRow]:
        """The first risks outside tolerance, highest rating first (Register.outside[:limit])."""
        return self._slice(self.judged.filter(outside=True), 0, limit)

    def outside_count(self) -> int:
        if self.groups is not None:
            return sum(g[-1] for g in self.groups if g[-2])
        return self.judged.filter(outside=True).count()

    def _cells(self) -> dict[tuple[str, str], dict[tuple[int, int], int]]:
        """Risks per heat-map cell, by (kind, basis), counted by the database: the rows scored on the
        quarter's scheme."""
        if self._cell_counts is None:
            same = {pk for pk, found in self.schemes.items() if found.name == self.scheme.name}
            groups = self.groups if self.groups is not None else _groups(self.judged)
            cells: dict[tuple[str, str], dict[tuple[int, int], int]] = {}
            for scheme_id, kind, likelihood, impact, tolerance_likelihood, tolerance_impact, _, count in groups:
                if scheme_id not in same:
                    continue
                for basis, pair in (("current", (likelihood, impact)),
                                    ("tolerance", (tolerance_likelihood, tolerance_impact))):
                    found = cells.setdefault((kind, basis), {})
                    found[pair] = found.get(pair, 0) + count
            self._cell_counts = cells
        return self._cell_counts

    def heat_map(self, kind: str = "threat", basis: str = "current") -> list[list[scoring.Cell]]:
        return scoring.heat_map(self.scheme, kind, (), counted=self._cells().get((kind, basis), {}))

    def maps(self) -> list[dict]:
        """The heat maps (as Register.maps()), their cells counted by the database."""
        cells = self._cells()
        out = []
        for kind in (scoring.Kind.THREAT, scoring.Kind.OPPORTUNITY):
            total = sum(cells.get((kind.value, "current"), {}).values())
            if not total and kind == scoring.Kind.OPPORTUNITY:
                continue
            for basis, label in (("current", "Current rating"), ("tolerance", "Tolerance (target) rating")):
                out.append({"kind": kind.value, "basis": basis, "label": label, "total": total,
                            "grid": scoring.heat_map(self.scheme, kind.value, (),
                                                     counted=cells.get((kind.value, basis), {})),
                            "impacts": [(v, self.scheme.impacts[kind][v]) for v in self.scheme.impact_values(kind)]})
        return out


GROUPED = ("scheme_id", "kind", "likelihood", "impact", "tolerance_likelihood", "tolerance_impact", "outside")


def _groups(judged: QuerySet) -> list[tuple]:
    """The rows counted by scheme, kind, both pairs of scores and tolerance: at most a few hundred groups, in
    one query."""
    return list(judged.order_by().values_list(*GROUPED).annotate(n=Count("pk")))


def _band_q(band: str, schemes: dict[int, scoring.Scheme]) -> Q:
    """Stored rows whose rating falls in the band of that name (any case) of the scheme they were scored on."""
    wanted = str(band).lower()
    found = Q(pk__in=[])
    for pk, scheme in schemes.items():
        bands = [Q(rating__gte=b.minimum) & (Q() if b.maximum is None else Q(rating__lte=b.maximum))
                 for b in scheme.levels]
        for b, within in zip(scheme.levels, bands, strict=True):
            if b.name.lower() == wanted:
                found |= Q(scheme_id=pk) & within
        if scoring.UNBANDED.name.lower() == wanted and not any(b.name.lower() == wanted for b in scheme.levels):
            banded = Q(pk__in=[])
            for within in bands:
                banded |= within
            found |= Q(scheme_id=pk) & ~banded
    return found


def stored_register(user, quarter: ReportingPeriod, *, level: str = "all", filters: dict | None = None,
                    cell: tuple[str, int, int] | None = None, directorate_id: int | None = None) -> StoredRegister | None:
    """register() for the pages, in the database (StoredRegister); None for a locked quarter kept without a
    record (from before records were stored), which register() works out instead."""
    if quarter.is_locked and not quarter.has_record:
        return None
    filters = filters or {}
    risks = risks_on(quarter, user, level=level, directorates=_directorates(filters, directorate_id)).filter(
        _text_filters(filters))
    # Every scheme, and the active one (else the first), in one query.
    found_schemes = list(ScoringScheme.objects.order_by("pk").values_list("pk", "name", "definition", "active"))
    schemes = {pk: scoring.Scheme.from_data(name, definition) for pk, name, definition, _ in found_schemes}
    active_pk = next((pk for pk, *_, is_active in found_schemes if is_active),
                     found_schemes[0][0] if found_schemes else None)
    active = schemes[active_pk] if active_pk is not None else active_scheme()[1]
    if quarter.is_locked:
        # The record names each risk's register, directorate and service area then: filter on it directly.
        # Searched by the reference, title and owner it was reported with.
        judged = _on_record(quarter, user, level=level, directorates=_directorates(filters, directorate_id)).filter(
            _text_filters(filters)).annotate(rating=RATING)
        schemes, active = recorded_register(quarter, schemes, active)
    else:
        judged = Judgement.objects.filter(quarter=quarter, risk_id__in=risks.order_by().values("pk")).annotate(
            rating=RATING)
    groups = _groups(judged)
    counts: Counter = Counter()
    for scheme_id, *_, count in groups:
        found = schemes.get(scheme_id) or active
        counts[found.name] += count
    scheme = active
    if counts:
        name = max(counts, key=lambda n: (counts[n], n == active.name, n))  # as quarter_scheme()
        scheme = next((s for s in schemes.values() if s.name == name), active)
    unjudged = None
    narrowed = bool(filters.get("band") or filters.get("outside") or filters.get("appetite") or filters.get("prompted")
                    or cell is not None)
    if not quarter.is_locked and not narrowed:
        unjudged = risks.exclude(pk__in=Judgement.objects.filter(quarter=quarter).values("risk_id"))
    if filters.get("band"):
        judged = judged.filter(_band_q(filters["band"], schemes))
    if filters.get("outside"):
        judged = judged.filter(outside=filters["outside"] == "yes")
    if filters.get("appetite"):
        judged = judged.filter(outside_appetite=filters["appetite"] == "outside")
    if filters.get("prompted"):
        judged = judged.filter(risk_id__in=sorted(prompted_ids(quarter)))
    if cell is not None:
        basis, likelihood, impact = cell
        same = [pk for pk, found in schemes.items() if found.name == scheme.name]
        judged = judged.filter(scheme_id__in=same, **(
            {"likelihood": likelihood, "impact": impact} if basis == "current"
            else {"tolerance_likelihood": likelihood, "tolerance_impact": impact}))
    return StoredRegister(quarter, judged, unjudged, scheme, schemes, active, None if narrowed else groups)


def quarter_scheme(rows: list[RiskRow], active: scoring.Scheme) -> scoring.Scheme:
    """The scheme a quarter's register was scored on: the one most of its reviews name (a locked quarter
    keeps its scheme after a switch), else the active one."""
    counts = Counter(r.scheme.name for r in rows if r.scheme is not None)
    if not counts:
        return active
    name = max(counts, key=lambda n: (counts[n], n == active.name, n))  # a tie: the active one, else by name
    return next(r.scheme for r in rows if r.scheme is not None and r.scheme.name == name)


def with_review_detail(rows: list[RiskRow]) -> list[RiskRow]:
    """Read the whole newest review (controls, actions, dates) of each row, in one query; a locked quarter's
    rows already carry the review as it was recorded."""
    if all(r.detail is not None for r in rows if r.review is not None):
        return rows
    wanted = [r.review.pk for r in rows if r.review is not None and r.detail is None]
    found = {review.pk: review for review in RiskReview.objects.filter(pk__in=wanted).select_related("period",
                                                                                                    "scheme")
             .order_by()} if wanted else {}
    for r in rows:
        if r.detail is None:
            r.detail = found.get(r.review.pk) if r.review is not None else None
    return rows


def default_quarter(user=None) -> ReportingPeriod | None:
    """The quarter a register opens on: the last one reported for the executive and the audit committee;
    else the newest quarter with a review, or the open quarter."""
    if user is not None and access.reads_the_record(user):
        locked = ReportingPeriod.objects.latest_locked()
        if locked is not None:
            return locked
    # Newest quarter first, each checked for a review through the (period, risk) index: no sort of every review.
    latest = ReportingPeriod.objects.quarters().filter(
        Exists(RiskReview.objects.filter(period=OuterRef("pk")))).order_by("-year", "-quarter").first()
    return latest or ReportingPeriod.objects.latest_quarter()


def active_scheme() -> tuple[ScoringScheme, scoring.Scheme]:
    model = ScoringScheme.current()
    return model, model.scheme


def reviews_due(user, quarter: ReportingPeriod, today: date) -> list[Risk]:
    """Open risks of the user's service areas with no review for the quarter."""
    areas = access.managed_service_area_ids(user)
    reviewed = RiskReview.objects.filter(period=quarter).values("risk_id")
    return list(Risk.objects.filter(service_area_id__in=areas, status=Risk.Status.OPEN)
                .exclude(pk__in=reviewed).order_by("reference"))


def appetite_reader():
    """A function (category name, the risk's own level, scheme id) -> appetite.Appetite, over the categories,
    their drawn cells and the schemes read once (three queries)."""
    from . import appetite
    from .models import CategoryAppetite, RiskCategory, ScoringScheme

    schemes = {s.pk: (s.scheme, s.appetite_level) for s in ScoringScheme.objects.all()}
    categories = {c.name.strip().lower(): c for c in RiskCategory.objects.filter(active=True)}
    drawn = {(a.category_id, a.scheme_id): a.cells for a in CategoryAppetite.objects.all()}

    def read(category_name: str, own_level: str, scheme_id: int) -> appetite.Appetite:
        scheme, default = schemes[scheme_id]
        category = categories.get((category_name or "").strip().lower())
        return appetite.resolve(
            scheme, risk_level=own_level or "", category=category.name if category else (category_name or ""),
            category_level=category.level if category else "",
            category_cells=drawn.get((category.pk, scheme_id)) if category else None, default_level=default)

    return read


def appetite_judged(rows, quarter: ReportingPeriod) -> dict[int, tuple[bool, str]]:
    """Each row's risk: (outside appetite, the appetite level) - as the quarter stored it where it has a
    judgement (a locked quarter's as reported), else as the rules give it now. Three or four queries."""
    from .models import Judgement

    rows = [r for r in rows if r.review is not None]
    stored = {pk: (outside, level) for pk, outside, level in Judgement.objects.filter(
        quarter=quarter, risk_id__in=[r.risk.pk for r in rows]).values_list(
        "risk_id", "outside_appetite", "appetite_level")}
    missing = [r for r in rows if r.risk.pk not in stored]
    if missing:
        read = appetite_reader()
        facts = {pk: (category, own, kind) for pk, category, own, kind in Risk.objects.filter(
            pk__in=[r.risk.pk for r in missing]).values_list("pk", "category", "appetite_level", "kind")}
        for r in missing:
            category, own, kind = facts[r.risk.pk]
            judged = read(category, own, r.review.scheme_id)
            stored[r.risk.pk] = (judged.outside(r.review.likelihood, r.review.impact, kind), judged.level.value)
    return stored


def _by_appetite(rows, quarter: ReportingPeriod, wanted: bool) -> list:
    """The rows whose risk is (wanted True) or is not outside appetite (appetite_judged)."""
    rows = [r for r in rows if r.review is not None]
    judged = appetite_judged(rows, quarter)
    return [r for r in rows if judged[r.risk.pk][0] == wanted]


@dataclass
class KeyIndicator:
    """A risk's linked indicator as the risk page shows it: its status in each recent quarter (as judged and
    stored; a locked quarter's as reported), newest last."""

    code: str
    title: str
    statuses: list[tuple[str, str, str]]  # (quarter label, status, RAG), oldest first
    red_in: list[tuple[int, int]]  # the quarters (year, quarter) it read Red

    @property
    def latest(self) -> tuple[str, str, str] | None:
        return self.statuses[-1] if self.statuses else None


def key_indicators(risk_ids, quarter: ReportingPeriod, *, recent: int = 4) -> dict[int, list[KeyIndicator]]:
    """Each risk's key risk indicators up to ``quarter``, in two queries whatever the number of risks."""
    from kpis.models import Indicator
    from kpis.models import Judgement as IndicatorJudgement

    links: dict[int, list[tuple[int, str, str]]] = {}
    if quarter.is_locked and quarter.has_record:
        # A locked quarter's links are those its judgements recorded (a link made or undone later is not).
        recorded = {risk_id: found for risk_id, found in Judgement.objects.filter(
            quarter=quarter, risk_id__in=list(risk_ids)).values_list("risk_id", "key_indicators") if found}
        codes = {code for found in recorded.values() for code, _ in found}
        ids_by_code = dict(Indicator.objects.filter(code__in=codes).values_list("code", "pk")) if codes else {}
        for risk_id, found in recorded.items():
            links[risk_id] = [(ids_by_code[code], code, title) for code, title in found if code in ids_by_code]
    else:
        for risk_id, pk, code, title in Risk.indicators.through.objects.filter(
                risk_id__in=list(risk_ids)).values_list("risk_id", "indicator_id", "indicator__code",
                                                        "indicator__title").order_by("indicator__code"):
            links.setdefault(risk_id, []).append((pk, code, title))
    ids = {pk for found in links.values() for pk, _, _ in found}
    statuses: dict[int, list] = {}
    for pk, year, q, _label, status, rag in IndicatorJudgement.objects.filter(
            indicator_id__in=ids, quarter__year__lte=quarter.year).values_list(
            "indicator_id", "quarter__year", "quarter__quarter", "period_label", "status", "rag").order_by(
            "quarter__year", "quarter__quarter"):
        if (year, q) <= (quarter.year, quarter.quarter):
            statuses.setdefault(pk, []).append(((year, q), ReportingPeriod(year=year, quarter=q).label, status, rag))
    out = {}
    for risk_id, found in links.items():
        out[risk_id] = [KeyIndicator(code, title, [(label, status, rag) for _, label, status, rag in
                                                   statuses.get(pk, [])[-recent:]],
                                     [at for at, _, _, rag in statuses.get(pk, []) if rag == "Red"])
                        for pk, code, title in sorted(found, key=lambda item: natural(item[1]))]
    return out


def reviews_prompted(risk_ids, quarter: ReportingPeriod) -> dict[int, list[str]]:
    """The risks whose review a linked indicator prompts (risks.appetite.review_prompted), with the codes that
    read Red since the risk was last reviewed (up to ``quarter``)."""
    from . import appetite

    found = key_indicators(risk_ids, quarter, recent=1)
    last = {}
    for risk_id, year, q in RiskReview.objects.filter(risk_id__in=list(found), period__year__lte=quarter.year).values_list(
            "risk_id", "period__year", "period__quarter"):
        if q is not None and (year, q) <= (quarter.year, quarter.quarter):
            last[risk_id] = max(last.get(risk_id, (year, q)), (year, q))
    out = {}
    for risk_id, indicators in found.items():
        reds = [at for k in indicators for at in k.red_in]
        if appetite.review_prompted(reds, last.get(risk_id)):
            since = last.get(risk_id)
            out[risk_id] = [k.code for k in indicators if k.red_in and (since is None or max(k.red_in) >= since)]
    return out


def linked_codes(risk_ids, quarter: ReportingPeriod | None = None) -> dict[int, list[str]]:
    """Each risk's key risk indicator codes, in natural order (one query): as linked now, or as a locked
    quarter's judgements recorded them."""
    out: dict[int, list[str]] = {}
    if quarter is not None and quarter.is_locked and quarter.has_record:
        for risk_id, found in Judgement.objects.filter(quarter=quarter, risk_id__in=list(risk_ids)).values_list(
                "risk_id", "key_indicators"):
            out[risk_id] = [code for code, _ in found or []]
    else:
        for risk_id, code in Risk.indicators.through.objects.filter(risk_id__in=list(risk_ids)).values_list(
                "risk_id", "indicator__code"):
            out.setdefault(risk_id, []).append(code)
    return {pk: sorted(codes, key=natural) for pk, codes in out.items() if codes}


def prompted_ids(quarter: ReportingPeriod) -> set[int]:
    """Every risk whose review its key risk indicators prompt in the quarter (for the register's filter): a
    locked quarter's, from the links its judgements recorded (a link made or undone later is not)."""
    if quarter.is_locked and quarter.has_record:
        linked = [pk for pk, found in Judgement.objects.filter(quarter=quarter).values_list(
            "risk_id", "key_indicators") if found]
        return set(reviews_prompted(linked, quarter))
    linked = Risk.indicators.through.objects.values_list("risk_id", flat=True).distinct()
    return set(reviews_prompted(list(linked), quarter))


@dataclass
class DeepDive:
    """A deep-dive candidate: a risk outside appetite or target for DEEP_DIVE_QUARTERS quarters or more."""

    judgement: Judgement  # the quarter's, as stored (a locked quarter's as reported)
    quarters_outside: int
    outside_target_run: int
    outside_appetite_run: int
    history: list  # (quarter label, rating, travel), oldest first
    key_indicators: list
    actions: list


def deep_dives(user, quarter: ReportingPeriod) -> list[DeepDive]:
    """The risks the user may read that were outside their appetite or their target for three quarters or
    more running, to this one, highest rating first: the list an audit committee chooses its deep dives from.
    A handful of queries, whatever the number of risks."""
    from . import appetite
    from .models import RiskAction

    values = last_quarters(quarter, 8)
    periods = {(p.year, p.quarter): p.pk for p in ReportingPeriod.objects.quarters().filter(
        year__in={v.year for v in values})}
    order = [periods.get((v.year, v.quarter)) for v in values]
    # user None: the committee's registers (corporate and directorate), as register() reads them.
    registers, areas = access.risk_visibility(user) if user is not None else (
        (Risk.Register.CORPORATE, Risk.Register.DIRECTORATE), frozenset())
    stored = Judgement.objects.filter(quarter_id__in=[pk for pk in order if pk]).filter(
        Q(register__in=registers) | Q(service_area_id__in=areas))
    flags: dict[int, dict[int, tuple[bool, bool]]] = {}
    for risk_id, quarter_id, outside, outside_appetite in stored.values_list(
            "risk_id", "quarter_id", "outside", "outside_appetite"):
        flags.setdefault(risk_id, {})[quarter_id] = (outside, outside_appetite)
    chosen = {}
    for risk_id, by_quarter in flags.items():
        if quarter.pk not in by_quarter:
            continue
        target_run = appetite.quarters_running(by_quarter.get(pk, (False, False))[0] if pk else None for pk in order)
        appetite_run = appetite.quarters_running(by_quarter.get(pk, (False, False))[1] if pk else None
                                                 for pk in order)
        either = appetite.quarters_running(any(by_quarter.get(pk, (False, False))) if pk else None for pk in order)
        if either >= appetite.DEEP_DIVE_QUARTERS:
            chosen[risk_id] = (either, target_run, appetite_run)
    if not chosen:
        return []
    rows = {j.risk_id: j for j in Judgement.objects.filter(quarter=quarter, risk_id__in=list(chosen)).select_related(
        "scheme")}
    indicators = key_indicators(list(chosen), quarter)
    actions: dict[int, list] = {}
    for action in RiskAction.objects.filter(risk_id__in=list(chosen)).order_by("due_date", "pk"):
        actions.setdefault(action.risk_id, []).append(action)
    out = [DeepDive(rows[pk], *chosen[pk], history=rows[pk].history or [], key_indicators=indicators.get(pk, []),
                    actions=actions.get(pk, [])) for pk in chosen if pk in rows]
    return sorted(out, key=lambda d: (-(d.judgement.likelihood * d.judgement.impact), natural(d.judgement.reference
                                                                                               or "")))
