"""Writes: entering, submitting and signing off figures; targets and indicators."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from organisation.models import ReportingPeriod

from .models import Actual, Indicator, Target


@dataclass
class FigureInput:
    indicator: Indicator
    period: ReportingPeriod
    version: int  # the version the form was opened at; 0 = there was no figure
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    commentary: str


@dataclass
class Conflict:
    indicator: Indicator
    theirs: Decimal | None
    yours: Decimal | None
    by: str


class ConcurrentEdit(Exception):
    def __init__(self, conflicts: list[Conflict]):
        super().__init__(f"{len(conflicts)} figure(s) were changed by someone else")
        self.conflicts = conflicts


def _changed(actual: Actual, figure: FigureInput) -> bool:
    return (
        actual.value != figure.value
        or actual.numerator != figure.numerator
        or actual.denominator != figure.denominator
        or actual.commentary != figure.commentary
    )


@transaction.atomic
def figures_save(*, user, figures: list[FigureInput], submit: bool) -> int:
    """Save (and optionally submit) figures; all or none.

    A figure saved by someone else since the form was opened is never
    overwritten: the whole save is refused with both values.
    """
    now = timezone.now()
    conflicts: list[Conflict] = []
    saved = 0
    existing = {
        (a.indicator_id, a.period_id): a
        for a in Actual.objects.select_for_update(of=("self",)).filter(
            indicator__in=[f.indicator for f in figures], period__in={f.period.pk for f in figures}
        ).select_related("entered_by")
    }
    for figure in figures:
        actual = existing.get((figure.indicator.pk, figure.period.pk))
        current_version = actual.version if actual else 0
        if current_version != figure.version:
            conflicts.append(Conflict(
                figure.indicator, actual.value if actual else None, figure.value,
                (actual.entered_by.get_full_name() or actual.entered_by.username)
                if actual and actual.entered_by else "someone else",
            ))
            continue
        if actual is None:
            if figure.value is None and figure.numerator is None and not figure.commentary and not submit:
                continue
            actual = Actual(indicator=figure.indicator, period=figure.period, version=0)
        changed = actual.pk is None or _changed(actual, figure)
        becomes_submitted = submit and actual.state == Actual.State.DRAFT
        if not changed and not becomes_submitted:
            continue
        actual.value, actual.numerator, actual.denominator = figure.value, figure.numerator, figure.denominator
        actual.commentary = figure.commentary
        if changed:
            actual.entered_by, actual.entered_at = user, now
            if actual.state == Actual.State.SIGNED_OFF:
                # A correction after a reopen needs signing off again; the
                # figure as reported stays in reported_value.
                actual.state = Actual.State.SUBMITTED if submit else Actual.State.DRAFT
        if submit and actual.state == Actual.State.DRAFT:
            actual.state, actual.submitted_at = Actual.State.SUBMITTED, now
        actual.version += 1
        actual._change_reason = "submitted" if submit else "saved"
        actual._history_user = user
        actual.save()
        saved += 1
    if conflicts:
        transaction.set_rollback(True)
        raise ConcurrentEdit(conflicts)
    return saved


@transaction.atomic
def figures_sign_off(*, user, period: ReportingPeriod, service_area_id: int | None = None) -> int:
    """Sign off every submitted figure of the quarter (optionally of one service area)."""
    now = timezone.now()
    periods = [period]
    year = ReportingPeriod.objects.filter(year=period.year, quarter__isnull=True).first()
    if year is not None:
        periods.append(year)
    actuals = Actual.objects.select_for_update(of=("self",)).filter(period__in=periods, state=Actual.State.SUBMITTED)
    if service_area_id is not None:
        actuals = actuals.filter(indicator__service_area_id=service_area_id)
    count = 0
    for actual in actuals:
        actual.state = Actual.State.SIGNED_OFF
        actual.signed_off_by, actual.signed_off_at = user, now
        if actual.reported_value is None:
            actual.reported_value = actual.value
        actual.version += 1
        actual._change_reason = "signed off"
        actual._history_user = user
        actual.save()
        count += 1
    return count


@transaction.atomic
def target_set(*, user, indicator: Indicator, period: ReportingPeriod, value: Decimal | None) -> Target:
    target = Target.objects.select_for_update(of=("self",)).filter(indicator=indicator, period=period).first()
    if target is None:
        target = Target(indicator=indicator, period=period, value=value)
    elif target.value == value:
        return target
    target.value = value
    target._history_user = user
    target.save()
    return target
