"""Reads for registers, heat maps and summaries, scored by scoring.py in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from organisation import access
from organisation.models import ReportingPeriod
from organisation.periods import quarter_range

from . import scoring
from .models import ReviewRatings, Risk, RiskReview, ScoringScheme

HISTORY_QUARTERS = 5


def risks_visible_to(user) -> QuerySet[Risk]:
    registers, areas = access.risk_visibility(user)
    return Risk.objects.filter(Q(register__in=registers) | Q(service_area_id__in=areas))


@dataclass(frozen=True, slots=True)
class RiskFacts:
    """A risk as plain values: enough to score it and name it on a summary, heat map or panel."""

    pk: int
    reference: str
    title: str
    kind: str


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


SCORE_FIELDS = ("pk", "period_id", "likelihood", "impact", "tolerance_likelihood", "tolerance_impact")


@dataclass
class RiskRow:
    risk: Risk | RiskFacts
    review: Scores | None  # the newest review up to the quarter (its scores)
    reviewed_this_quarter: bool
    rating: int | None
    level: scoring.Level | None
    tolerance_rating: int | None
    tolerance_level: scoring.Level | None
    previous_rating: int | None
    travel: scoring.Travel | None
    outside: bool
    history: list[tuple[str, int | None, scoring.Travel | None]]  # (quarter, rating, travel), oldest first

    @property
    def sort_rating(self) -> int:
        return self.rating if self.rating is not None else -1

    @property
    def level_name(self) -> str:
        return self.level.name if self.level else ""

    detail: RiskReview | None = None  # the whole review, when with_review_detail() has read it


def last_quarters(quarter: ReportingPeriod, count: int = HISTORY_QUARTERS) -> list:
    values = quarter_range(quarter.value, quarter.value)
    current = quarter.value
    for _ in range(count - 1):
        current = current.previous()
        values.insert(0, current)
    return values


def rows_for(risks: QuerySet[Risk] | list[Risk] | list[RiskFacts], quarter: ReportingPeriod, scheme: scoring.Scheme,
             *, ids: QuerySet | None = None) -> list[RiskRow]:
    """Score each risk for the quarter and the four before it, highest current rating first.

    Give Risk instances where a page shows a risk's details; RiskFacts (with
    ids, the same risks as a subquery) where it only names and scores them.
    """
    risk_list = list(risks)
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
        if ids is None:
            ids = risks.order_by().values("pk") if isinstance(risks, QuerySet) else [r.pk for r in risk_list]
        for risk_id, pk, period_id, *scores in RiskReview.objects.filter(
            risk_id__in=ids, period_id__in=list(labels)
        ).values_list("risk_id", *SCORE_FIELDS).order_by():
            reviews[(risk_id, period_id)] = Scores(pk, period_id, labels[period_id], *scores)
    this_period_id = slots[-1][1]
    rows = []
    for risk in risk_list:
        risk_id = risk.pk
        history: list[tuple[str, int | None, scoring.Travel | None]] = []
        previous: int | None = None
        latest: Scores | None = None
        before_latest: int | None = None
        for label, period_id in slots:
            review = reviews.get((risk_id, period_id)) if period_id else None
            if review is None:
                history.append((label, None, None))
                continue
            score = review.rating
            history.append((label, score, scoring.travel(score, previous)))
            before_latest, previous, latest = previous, score, review
        if latest is None:
            rows.append(RiskRow(risk, None, False, None, None, None, None, None, None, False, history))
            continue
        score, tolerance = latest.rating, latest.tolerance_rating
        rows.append(RiskRow(
            risk=risk, review=latest, reviewed_this_quarter=latest.period_id == this_period_id, rating=score,
            level=scoring.level(scheme, score), tolerance_rating=tolerance,
            tolerance_level=scoring.level(scheme, tolerance), previous_rating=before_latest,
            travel=scoring.travel(score, before_latest),
            outside=scoring.outside_tolerance(risk.kind, score, tolerance), history=history,
        ))
    rows.sort(key=lambda r: (-r.sort_rating, r.risk.reference))
    return rows


def with_review_detail(rows: list[RiskRow]) -> list[RiskRow]:
    """Read the whole newest review (controls, actions, dates) of each row, in one query."""
    wanted = [r.review.pk for r in rows if r.review is not None]
    found = {review.pk: review for review in RiskReview.objects.filter(pk__in=wanted).select_related("period")
             .order_by()} if wanted else {}
    for r in rows:
        r.detail = found.get(r.review.pk) if r.review is not None else None
    return rows


def default_quarter() -> ReportingPeriod | None:
    """The newest quarter with a review, or the open quarter."""
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
