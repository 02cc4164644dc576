"""Writes: reviews (no lost updates), escalation, closing, the active scheme."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from organisation.models import ReportingPeriod

from .models import Risk, RiskReview, ScoringScheme

LADDER = [Risk.Register.SERVICE, Risk.Register.DIRECTORATE, Risk.Register.CORPORATE]


class ConcurrentEdit(Exception):
    def __init__(self, theirs: RiskReview | None, by: str):
        super().__init__("the review was changed by someone else")
        self.theirs, self.by = theirs, by


@dataclass
class ReviewInput:
    likelihood: int
    impact: int
    tolerance_likelihood: int
    tolerance_impact: int
    inherent_likelihood: int | None
    inherent_impact: int | None
    controls: str
    actions: str
    next_review_date: object


@transaction.atomic
def review_save(*, user, risk: Risk, period: ReportingPeriod, version: int, data: ReviewInput) -> RiskReview:
    review = RiskReview.objects.select_for_update(of=("self",)).filter(risk=risk, period=period).select_related(
        "reviewed_by").first()
    if (review.version if review else 0) != version:
        by = (review.reviewed_by.get_full_name() or review.reviewed_by.username) if review and review.reviewed_by \
            else "someone else"
        raise ConcurrentEdit(review, by)
    review = review or RiskReview(risk=risk, period=period, version=0)
    for name, value in data.__dict__.items():
        setattr(review, name, value)
    review.reviewed_by, review.reviewed_at = user, timezone.now()
    review.version += 1
    review._history_user = user
    review.save()
    return review


@transaction.atomic
def risk_move(*, user, risk: Risk, up: bool) -> Risk:
    """Escalate one level up the registers (service -> directorate -> corporate), or back down."""
    risk = Risk.objects.select_for_update(of=("self",)).get(pk=risk.pk)
    position = LADDER.index(risk.register) + (1 if up else -1)
    if not 0 <= position < len(LADDER):
        raise ValueError(f"{risk.reference} is already on the {risk.get_register_display().lower()} register")
    risk.register = LADDER[position]
    risk.version += 1
    risk._history_user = user
    risk._change_reason = "escalated" if up else "de-escalated"
    risk.save()
    return risk


@transaction.atomic
def risk_set_status(*, user, risk: Risk, status: str) -> Risk:
    risk = Risk.objects.select_for_update(of=("self",)).get(pk=risk.pk)
    risk.status = status
    risk.version += 1
    risk._history_user = user
    risk._change_reason = "closed" if status == Risk.Status.CLOSED else "reopened"
    risk.save()
    return risk


@transaction.atomic
def scheme_activate(*, scheme: ScoringScheme) -> None:
    ScoringScheme.objects.exclude(pk=scheme.pk).update(active=False)
    ScoringScheme.objects.filter(pk=scheme.pk).update(active=True)
