"""Writes for performance indicators: the only code that changes indicators, targets, figures and benchmarks.

Web forms, the import pipeline (web and command), the admin and the loaders
all call these functions. Each runs in one transaction, takes the rows it
changes and the periods they belong to under a lock, and enforces the record's
invariants: a locked period (for an annual figure, the quarter it was reported
in) never changes; sign-off states move forward except through a change that
needs signing off again; versions match; values are in range.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from organisation import audit, parsing, summaries
from organisation.models import ReportingPeriod
from organisation.records import (
    ConcurrentEdit,
    Conflict,
    InvalidWrite,
    PeriodLocked,
    RecordError,
    ensure_started,
    insert,
    lock_periods,
    stale,
    user_name,
)

from . import judging, validation
from . import status as rules
from .models import Actual, Comparator, Indicator, Judgement, KeyCommitment, Target

Action = audit.Action
FIGURE_FIELDS = ("value", "numerator", "denominator", "commentary")
DEFINITION_FIELDS = ("polarity", "unit", "precision", "frequency", "accumulation", "tolerance")
INDICATOR_FIELDS = ("code", "title", "description", "service_area", "polarity", "unit", "precision", "frequency",
                    "accumulation", "commitment", "tolerance", "owner", "statutory", "benchmark_measure", "active")


# --- periods an indicator's figures and targets belong to -------------------------------------

def _year_quarters(year_values: Iterable[int]) -> dict[int, list[ReportingPeriod]]:
    out: dict[int, list[ReportingPeriod]] = {}
    for quarter in ReportingPeriod.objects.quarters().filter(year__in=set(year_values)):
        out.setdefault(quarter.year, []).append(quarter)
    return out


def year_locked(quarters: list[ReportingPeriod]) -> bool:
    """A financial year is closed to change once every quarter of it that exists is locked (and one does)."""
    return bool(quarters) and all(q.is_locked for q in quarters)


def annual_reporting_quarter(year: ReportingPeriod, quarters: list[ReportingPeriod]) -> ReportingPeriod | None:
    """The quarter an annual figure entered now would be reported in: the year's newest open quarter."""
    open_ones = [q for q in quarters if not q.is_locked]
    return max(open_ones, key=lambda q: q.quarter) if open_ones else None


def _check_writable(actual: Actual | None, period: ReportingPeriod, periods: dict[int, ReportingPeriod],
                    year_quarters: dict[int, list[ReportingPeriod]]) -> None:
    """Raise PeriodLocked if this figure may not change (the periods are locked for this transaction)."""
    if not period.is_year:
        if periods[period.pk].is_locked:
            raise PeriodLocked(periods[period.pk])
        return
    reported_in = periods.get(actual.reported_in_id) if actual is not None and actual.reported_in_id else None
    if reported_in is not None and reported_in.is_locked:
        raise PeriodLocked(reported_in)
    quarters = year_quarters.get(period.year, [])
    if year_locked(quarters):
        raise PeriodLocked(max(quarters, key=lambda q: q.quarter))


def _lock_for(periods: Iterable[ReportingPeriod], actuals: Iterable[Actual] = ()):
    """Lock the periods involved (and for years, their quarters and the quarters figures were reported in)."""
    periods = list(periods)
    years = {p.year for p in periods if p.is_year}
    year_quarters = _year_quarters(years) if years else {}
    ids = {p.pk for p in periods} | {q.pk for qs in year_quarters.values() for q in qs}
    ids |= {a.reported_in_id for a in actuals if a.reported_in_id}
    locked = lock_periods(ids)
    # Re-read the quarters' states from the locked rows.
    year_quarters = {y: [locked[q.pk] for q in qs] for y, qs in year_quarters.items()}
    return locked, year_quarters


# --- figures ------------------------------------------------------------------------------------

@dataclass
class FigureInput:
    indicator: Indicator
    period: ReportingPeriod  # the quarter, or the financial year of an annual indicator
    version: int | None  # the version the form was opened at (0: there was no figure); None: not checked
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    commentary: str
    # The fields this input gives (an import file may leave columns out: they are kept as stored).
    given: frozenset[str] = frozenset(FIGURE_FIELDS)
    answer: str | None = None  # the manager's answer to a question the figure was sent back with


def _changed(actual: Actual, figure: FigureInput) -> bool:
    return any(getattr(actual, f) != getattr(figure, f) for f in figure.given)


def _apply_change(actual: Actual, *, submit: bool) -> None:
    """A changed figure needs (re)submitting and signing off: its state steps back."""
    if actual.state in (Actual.State.SUBMITTED, Actual.State.SIGNED_OFF):
        actual.state = Actual.State.SUBMITTED if submit else Actual.State.DRAFT


@dataclass
class SaveResult:
    saved: int = 0
    submitted: int = 0
    stepped_back: list[str] = field(default_factory=list)  # codes of figures that need signing off again
    withdrawn: list[str] = field(default_factory=list)  # submitted figures changed and saved as drafts
    answered: list[str] = field(default_factory=list)  # questions answered and resubmitted


@transaction.atomic
@judging.deferring
def figures_save(*, user, quarter: ReportingPeriod, figures: list[FigureInput], submit: bool,
                 reason: str = "") -> SaveResult:
    """Save (and optionally submit) figures entered for a quarter; all or none.

    A figure saved by someone else since the form was opened is never
    overwritten: the whole save is refused with both values (ConcurrentEdit).
    An annual figure entered in a quarter's form is reported in that quarter.
    """
    now = timezone.now()
    for period in {quarter.pk: quarter, **{f.period.pk: f.period for f in figures}}.values():
        ensure_started(period, "figures")
    periods, year_quarters = _lock_for([quarter] + [f.period for f in figures])
    existing = {
        (a.indicator_id, a.period_id): a
        for a in Actual.objects.select_for_update(of=("self",)).filter(
            indicator__in=[f.indicator.pk for f in figures], period__in={f.period.pk for f in figures}
        ).select_related("entered_by")
    }
    keys = {(f.indicator.pk, f.period.pk): f for f in figures}
    late = stale(existing, {k: f.version for k, f in keys.items()})
    if late:
        raise ConcurrentEdit([
            Conflict(key=keys[k].indicator, theirs=existing[k].value if k in existing else None, yours=keys[k].value,
                     by=user_name(existing[k].entered_by) if k in existing and existing[k].entered_by
                     else "someone else")
            for k in late
        ])
    result = SaveResult()
    touched: list[int] = []
    for figure in figures:
        actual = existing.get((figure.indicator.pk, figure.period.pk))
        _check_writable(actual, figure.period, periods, year_quarters)
        if actual is None:
            if figure.value is None and figure.numerator is None and not figure.commentary and not submit:
                continue
            actual = Actual(indicator=figure.indicator, period=figure.period, version=0)
        is_new = actual.pk is None
        answer = (figure.answer or "").strip() if figure.answer is not None else None
        answer_changed = answer is not None and actual.question_pending and answer != actual.answer
        changed = is_new or _changed(actual, figure)
        becomes_submitted = submit and actual.state == Actual.State.DRAFT
        if not changed and not becomes_submitted and not answer_changed:
            continue
        for name in figure.given:
            setattr(actual, name, getattr(figure, name))
        _validate(actual, quarter=quarter, submitting=submit)
        if answer is not None and actual.question_pending:
            try:
                parsing.check_text(answer, what="answer")
            except parsing.InvalidValue as exc:
                raise InvalidWrite({"answer": str(exc)}, figure.indicator.code) from None
            actual.answer = answer
        if changed:
            actual.entered_by, actual.entered_at = user, now
            if actual.state == Actual.State.SIGNED_OFF:
                result.stepped_back.append(figure.indicator.code)
            elif actual.state == Actual.State.SUBMITTED and not submit:
                result.withdrawn.append(figure.indicator.code)
            _apply_change(actual, submit=submit)
        if submit and actual.state == Actual.State.DRAFT:
            if actual.question_pending:
                if not actual.answer:
                    raise InvalidWrite({"answer": "answer the performance team's question before you submit the "
                                                  "figure again"}, figure.indicator.code)
                actual.answered_at = now
                result.answered.append(figure.indicator.code)
                audit.record(user=user, action=Action.ANSWERED, object_type="Figure",
                             object_label=figure.indicator.code, period=quarter,
                             detail=f"question: {actual.question}\nanswer: {actual.answer}\nresubmitted")
            actual.state, actual.submitted_at = Actual.State.SUBMITTED, now
            result.submitted += 1
        actual.version += 1
        actual._change_reason = reason or (("answered and resubmitted" if figure.indicator.code in result.answered
                                            else "submitted") if submit else "saved")
        actual._history_user = user
        if is_new:
            insert(actual, Conflict(key=figure.indicator, theirs=None, yours=figure.value))
        else:
            actual.save()
        result.saved += 1
        touched.append(figure.indicator.pk)
    _rejudge(touched)
    return result


def _validate(actual: Actual, *, quarter: ReportingPeriod, submitting: bool) -> None:
    """The domain's checks, again, under the lock (forms and imports ran them first to say where)."""
    errors = {}
    for name in ("value", "numerator", "denominator"):
        number = getattr(actual, name)
        if number is not None:
            try:
                parsing.check_decimal(number, max_digits=14, decimal_places=4)
            except parsing.InvalidValue as exc:
                errors[name] = str(exc)
    if errors:
        raise InvalidWrite(errors, actual.indicator.code)
    check = validation.check_figure(
        indicator=actual.indicator, value=actual.value, numerator=actual.numerator, denominator=actual.denominator,
        commentary=actual.commentary, target=None, submitting=False)
    if check.errors:
        raise InvalidWrite(check.errors, actual.indicator.code)


@transaction.atomic
@judging.deferring
def figures_import(*, user, creates: list[Actual], updates: list[Actual], fields: Iterable[str]) -> None:
    """Save a batch of imported figures (already validated by the Resource) with their history.

    The periods are locked and checked again here; a changed figure that was
    submitted or signed off goes back to draft (it needs signing off again).
    """
    all_rows = creates + updates
    if not all_rows:
        return
    periods, year_quarters = _lock_for({a.period for a in all_rows}, all_rows)
    if updates:
        ids = {a.pk for a in updates}
        current = {a.pk: a for a in Actual.objects.select_for_update().filter(pk__in=ids).only(
            "pk", "state", "reported_in", "version")}
        if set(current) != ids:
            raise RecordError("some figures in this file were deleted while it was being imported; nothing was "
                              "saved - import it again")
        for actual in updates:
            stored = current[actual.pk]
            actual.state, actual.reported_in_id = stored.state, stored.reported_in_id
            _check_writable(actual, actual.period, periods, year_quarters)
            _apply_change(actual, submit=False)
            actual.version = stored.version + 1
    for actual in creates:
        _check_writable(None, actual.period, periods, year_quarters)
    for actual in all_rows:
        _validate(actual, quarter=actual.period, submitting=False)
    if creates:
        bulk_create_with_history(creates, Actual, batch_size=1000, default_user=user,
                                 default_change_reason="imported")
    if updates:
        columns = sorted(set(fields) | {"state", "version"})
        # An upsert keyed on the primary key (INSERT ... ON CONFLICT (id) DO UPDATE SET the changed
        # columns) on rows that all exist and are locked above: Django's bulk_update writes a CASE WHEN
        # per row and column, which cost more than the rest of a large import put together.
        Actual.objects.bulk_create(updates, batch_size=1000, update_conflicts=True, unique_fields=["id"],
                                   update_fields=columns)
        Actual.history.bulk_history_create(updates, batch_size=1000, update=True, default_user=user,
                                           default_change_reason="imported")
    _rejudge({a.indicator_id for a in all_rows})
    summaries.changed()  # bulk writes send no signals


def _record(actual: Actual, row, quarter: ReportingPeriod) -> None:
    """Copy the figure and its judgement into the record fields (what a locked quarter shows)."""
    actual.signed_value, actual.signed_numerator = actual.value, actual.numerator
    actual.signed_denominator, actual.signed_commentary = actual.denominator, actual.commentary
    actual.signed_target, actual.signed_previous = row.target, row.previous
    actual.signed_status, actual.signed_direction = row.status.value, row.direction.value
    actual.signed_rule_status = (row.rule_status or row.status).value
    actual.signed_unit = actual.indicator.unit
    actual.reported_in = quarter


RECORD_FIELDS = ["signed_value", "signed_numerator", "signed_denominator", "signed_commentary", "signed_target",
                 "signed_previous", "signed_status", "signed_rule_status", "signed_direction", "signed_unit",
                 "reported_in"]


def _submitted_in(quarter: ReportingPeriod, service_area_id: int | None, state: str):
    """The figures reported in this quarter's forms: the quarter's own, and its year's annual figures
    not reported in an earlier quarter."""
    qs = Actual.objects.filter(state=state).filter(
        Q(period=quarter) | Q(period__year=quarter.year, period__quarter__isnull=True, indicator__frequency="annual")
        & (Q(reported_in__isnull=True) | Q(reported_in=quarter)))
    if service_area_id is not None:
        qs = qs.filter(indicator__service_area_id=service_area_id)
    return qs


@transaction.atomic
@judging.deferring
def figures_submit(*, user, period: ReportingPeriod, service_area_id: int | None = None) -> int:
    """Submit every draft figure with a value reported in this quarter's forms (a loader's, or an
    officer's on a manager's behalf); drafts without a value stay drafts."""
    periods, _ = _lock_for([period])
    if periods[period.pk].is_locked:
        raise PeriodLocked(period)
    drafts = list(_submitted_in(period, service_area_id, Actual.State.DRAFT).filter(value__isnull=False)
                  .select_for_update(of=("self",)).select_related("indicator"))
    now = timezone.now()
    for actual in drafts:
        actual.state, actual.submitted_at = Actual.State.SUBMITTED, now
        actual.version += 1
        actual._change_reason = "submitted"
        actual._history_user = user
        actual.save()
    _rejudge({a.indicator_id for a in drafts})
    return len(drafts)


@transaction.atomic
@judging.deferring
def figures_sign_off(*, user, period: ReportingPeriod, service_area_id: int | None = None,
                     indicator_ids: Iterable[int] | None = None) -> int:
    """Sign off every submitted figure of the quarter (optionally of one service area, or some indicators),
    recording each with the judgement it is reported with."""
    from . import queries

    quarter = period
    periods, _ = _lock_for([quarter])
    if periods[quarter.pk].is_locked:
        raise PeriodLocked(quarter)
    actuals = list(_submitted_in(quarter, service_area_id, Actual.State.SUBMITTED)
                   .select_for_update(of=("self",)).select_related("indicator"))
    if indicator_ids is not None:
        wanted = set(indicator_ids)
        actuals = [a for a in actuals if a.indicator_id in wanted]
    if not actuals:
        return 0
    now = timezone.now()
    rows = {r.indicator.pk: r for r in queries.judge_quarter([a.indicator for a in actuals], quarter, recorded=False)}
    for actual in actuals:
        actual.state = Actual.State.SIGNED_OFF
        actual.signed_off_by, actual.signed_off_at = user, now
        if actual.reported_value is None:
            actual.reported_value = actual.value
        _record(actual, rows[actual.indicator_id], quarter)
        actual.version += 1
        actual._change_reason = "signed off after the question was answered" if actual.question and \
            actual.answered_at else "signed off"
        actual._history_user = user
        actual.save()
    codes = sorted(a.indicator.code for a in actuals)
    # The outcome of a question: the figure was signed off once it was answered.
    answered = sorted(a.indicator.code for a in actuals if a.question and a.answered_at)
    audit.record(user=user, action=Action.SIGNED_OFF, object_type="Figures",
                 object_label=_scope_label(service_area_id, quarter), period=quarter,
                 detail=f"{len(codes)} figure{'s' if len(codes) != 1 else ''}: {', '.join(codes)}"
                        + (f"; signed off after their questions were answered: {', '.join(answered)}"
                           if answered else ""))
    _rejudge({a.indicator_id for a in actuals})
    return len(actuals)


def _scope_label(service_area_id: int | None, quarter: ReportingPeriod) -> str:
    from organisation.models import ServiceArea

    area = ServiceArea.objects.filter(pk=service_area_id).first() if service_area_id else None
    return f"{area.name if area else 'All service areas'}, {quarter.label}"


def lock_step(user, quarter: ReportingPeriod, sign_off_submitted: bool) -> str:
    """Locking a quarter: sign off what was submitted (if asked), then freeze the judgement of every
    signed-off figure reported in it with the targets and definitions in force now - except a figure
    already reported at an earlier lock of this quarter and not signed off again since (a re-lock after a
    reopen): it keeps the judgement it was reported with."""
    from . import queries

    # The sign-off's own refresh of stored judgements runs first (figures_sign_off is a service); the record
    # written below then replaces the quarter's rows.
    signed = figures_sign_off(user=user, period=quarter) if sign_off_submitted else 0
    previous_lock = quarter.recorded_at
    recorded = list(_submitted_in(quarter, None, Actual.State.SIGNED_OFF).select_related("indicator")
                    .select_for_update(of=("self",)))
    fresh = [a for a in recorded if not (previous_lock and a.signed_status and a.reported_in_id == quarter.pk
                                         and a.signed_off_at and a.signed_off_at <= previous_lock)]
    if fresh:
        rows = {r.indicator.pk: r for r in queries.judge_quarter([a.indicator for a in fresh], quarter,
                                                                 recorded=False)}
        for actual in fresh:
            _record(actual, rows[actual.indicator_id], quarter)
        Actual.objects.bulk_update(fresh, RECORD_FIELDS, batch_size=500)
    stored = store_judgements(quarter, corrected={a.indicator_id for a in fresh} if previous_lock else ())
    drafts = _submitted_in(quarter, None, Actual.State.DRAFT).count()
    waiting = _submitted_in(quarter, None, Actual.State.SUBMITTED).count()
    parts = [f"{len(recorded)} signed-off figure{'s' if len(recorded) != 1 else ''} recorded",
             f"{stored} indicator judgement{'s' if stored != 1 else ''} stored"]
    if signed:
        parts.append(f"{signed} signed off at the lock")
    if drafts or waiting:
        parts.append(f"{drafts} draft and {waiting} submitted figure{'s' if drafts + waiting != 1 else ''} "
                     "not reported (they read \"not submitted\")")
    summaries.changed()
    return "; ".join(parts)


def store_judgements(quarter: ReportingPeriod, *, corrected: Iterable[int] = ()) -> int:
    """Write the quarter's record (what a locked quarter reads for ever after): every indicator it shows,
    from the figures as signed off, with the targets and definitions in force now, and each indicator as it
    stands - its code, title, definition, service area and directorate, commitment, the people who entered
    and signed off its figure and the published benchmarks shown beside it (kpis.RecordedIndicator).

    On a re-lock after a reopen an indicator keeps what the earlier lock recorded of it, and stays in the
    record even if it has been retired or moved since, unless its figure was signed off again meanwhile
    (``corrected``): then it is recorded afresh from the live records."""
    from . import judging, queries
    from .models import RecordedIndicator

    corrected = set(corrected)
    earlier = RecordedIndicator.objects.filter(quarter=quarter)
    kept = queries.recorded_facts(quarter, earlier.exclude(indicator_id__in=corrected).values("indicator_id"))
    shown = queries.indicators_in(quarter)
    if earlier.exists():
        # A re-lock: the indicators reported at the earlier lock, and any with a figure in the quarter now
        # (one added while the quarter was locked and never given a figure was no part of it).
        periods = ReportingPeriod.objects.filter(year=quarter.year).filter(
            Q(quarter=quarter.quarter) | Q(quarter__isnull=True)).values("pk")
        shown = shown.filter(Q(pk__in=earlier.values("indicator_id"))
                             | Q(pk__in=Actual.objects.filter(period__in=periods).values("indicator_id")))
    indicators = Indicator.objects.filter(Q(pk__in=shown.values("pk")) | Q(pk__in=list(kept)))
    live = {f.pk: f for f in queries.indicator_facts(indicators)}
    facts = sorted((kept.get(pk) or f for pk, f in live.items()), key=lambda f: f.code)
    fresh = [f for f in facts if f.pk not in kept]
    people = _figure_people(quarter, [f.pk for f in fresh])
    outturns = queries.last_year_outturns(quarter, fresh)
    year_targets = queries.year_targets(quarter, [f.pk for f in fresh])
    new = queries.new_this_year(quarter, [f.pk for f in fresh])
    benchmarks = queries.live_benchmarks(quarter, {f.pk: f.polarity for f in fresh})
    rows = queries.judge_quarter(facts, quarter, ids=[f.pk for f in facts], recorded=True, store=False)
    Judgement.objects.filter(quarter=quarter).delete()
    RecordedIndicator.objects.filter(quarter=quarter).exclude(indicator_id__in=list(kept)).delete()
    RecordedIndicator.objects.bulk_create([RecordedIndicator(
        quarter=quarter, indicator_id=f.pk, code=f.code, title=f.title, polarity=f.polarity, unit=f.unit,
        precision=f.precision, frequency=f.frequency, accumulation=f.accumulation, tolerance=f.tolerance,
        service_area_id=f.service_area_id or None, service_area_name=f.service_area_name,
        directorate_id=f.directorate_id, directorate_name=f.directorate_name,
        commitment_id=people[f.pk][2], commitment_code=f.commitment_code, commitment_title=f.commitment_title,
        entered_by_name=people[f.pk][0], signed_off_by_name=people[f.pk][1], outturn=outturns.get(f.pk),
        year_target=year_targets.get(f.pk), new_this_year=f.pk in new,
        **queries.recorded_benchmark_fields(benchmarks.get(f.pk)),
    ) for f in fresh], batch_size=1000)
    records = dict(RecordedIndicator.objects.filter(quarter=quarter).values_list("indicator_id", "pk"))
    judgements = [judging.judgement_of(r, quarter, recorded=True) for r in rows]
    for judgement in judgements:
        judgement.facts_id = records[judgement.indicator_id]
    Judgement.objects.bulk_create(judgements, batch_size=1000)
    return len(rows)


def _figure_people(quarter: ReportingPeriod, indicator_ids: list[int]) -> dict[int, tuple[str, str, int | None]]:
    """(who entered, who signed off, commitment id) for each indicator's figure reported in the quarter,
    names as they are now (the record keeps them)."""
    from collections import defaultdict

    found: dict[int, tuple[str, str, int | None]] = defaultdict(lambda: ("", "", None))
    commitments = dict(Indicator.objects.filter(pk__in=indicator_ids).values_list("pk", "commitment_id"))
    for pk in indicator_ids:
        found[pk] = ("", "", commitments.get(pk))
    figures = _submitted_in(quarter, None, Actual.State.SIGNED_OFF).filter(indicator_id__in=indicator_ids) \
        .select_related("entered_by", "signed_off_by")
    for actual in figures:
        found[actual.indicator_id] = (
            user_name(actual.entered_by) if actual.entered_by_id else "",
            user_name(actual.signed_off_by) if actual.signed_off_by_id else "", commitments.get(actual.indicator_id))
    return found


def _rejudge(indicator_ids) -> None:
    """The stored judgements of these indicators in the open quarters follow a write (kpis/judging.py): at
    once, or when the outermost service returns."""
    judging.touched(indicator_ids)


@transaction.atomic
@judging.deferring
def figure_send_back(*, user, quarter: ReportingPeriod, indicator: Indicator, question: str) -> Actual:
    """Send a submitted figure back to its service area with a question: it returns to draft, the manager
    sees the question on the form and in their tasks, answers it and submits again. The question, the answer
    and the outcome are in the figure's history and the audit trail."""
    periods, _ = _lock_for([quarter])
    if periods[quarter.pk].is_locked:
        raise PeriodLocked(quarter)
    question = (question or "").strip()
    if not question:
        raise InvalidWrite({"question": "write the question the service manager should answer"})
    try:
        parsing.check_text(question, what="question")
    except parsing.InvalidValue as exc:
        raise InvalidWrite({"question": str(exc)}) from None
    period = ReportingPeriod.objects.filter(year=quarter.year, quarter__isnull=True).first() \
        if indicator.is_annual else quarter
    actual = Actual.objects.select_for_update(of=("self",)).filter(indicator=indicator, period=period).first()
    if actual is None or actual.state != Actual.State.SUBMITTED:
        raise RecordError(f"{indicator.code} has no submitted figure for {quarter.label} to send back"
                          + (" (it is signed off: reopen its sign-off by changing it, or ask outside the app)"
                             if actual is not None and actual.state == Actual.State.SIGNED_OFF else ""))
    if actual.reported_in_id and actual.reported_in_id != quarter.pk:
        raise RecordError(f"{indicator.code}'s figure was reported in another quarter")
    now = timezone.now()
    actual.state = Actual.State.DRAFT
    actual.question, actual.question_by, actual.question_at = question, user, now
    actual.answer, actual.answered_at = "", None
    actual.version += 1
    actual._history_user = user
    actual._change_reason = f"sent back: {question}"[:100]
    actual.save()
    audit.record(user=user, action=Action.SENT_BACK, object_type="Figure", object_label=indicator.code,
                 period=quarter, detail=f"question: {question}")
    _rejudge([indicator.pk])
    return actual


RULES_STATUS = "the rules' status"


@transaction.atomic
@judging.deferring
def figure_override_status(*, user, quarter: ReportingPeriod, indicator: Indicator, status: str,
                           reason: str) -> Actual:
    """Report a submitted or signed-off figure with another status than the rules give, with a reason (or
    clear the override with status ""). The rules' status is kept beside it; the audit trail records it."""
    periods, year_quarters = _lock_for([quarter])
    if periods[quarter.pk].is_locked:
        raise PeriodLocked(quarter)
    period = ReportingPeriod.objects.filter(year=quarter.year, quarter__isnull=True).first() \
        if indicator.is_annual else quarter
    actual = Actual.objects.select_for_update(of=("self",)).filter(indicator=indicator, period=period).first()
    if actual is None or actual.value is None or actual.state == Actual.State.DRAFT:
        raise RecordError(f"{indicator.code} has no submitted figure for {quarter.label} to report a status for")
    if actual.reported_in_id and actual.reported_in_id != quarter.pk:
        raise RecordError(f"{indicator.code}'s figure was reported in another quarter")
    status = (status or "").strip()
    reason = (reason or "").strip()
    judged = [s.value for s in rules.Status if s.judged]
    if status and status not in judged:
        raise InvalidWrite({"status": f'"{status}" is not a status: choose one of {", ".join(judged)}'})
    if status and not reason:
        raise InvalidWrite({"reason": "give the reason for reporting this status: it is shown beside it"})
    try:
        parsing.check_text(reason, what="reason")
    except parsing.InvalidValue as exc:
        raise InvalidWrite({"reason": str(exc)}) from None
    before = (actual.status_override or RULES_STATUS, actual.override_reason)
    actual.status_override, actual.override_reason = status, reason if status else ""
    if actual.state == Actual.State.SIGNED_OFF:
        from . import queries

        row = queries.judge_quarter([indicator], quarter, recorded=False)[0]
        _record(actual, row, quarter)
    actual.version += 1
    actual._history_user = user
    actual._change_reason = "reported status overridden" if status else "override removed"
    actual.save()
    audit.record(user=user, action=Action.STATUS_OVERRIDDEN, object_type="Figure", object_label=indicator.code,
                 period=quarter, detail=f"reported status: {before[0]} -> {status or RULES_STATUS}",
                 reason=reason)
    _rejudge([indicator.pk])
    return actual


# --- targets ------------------------------------------------------------------------------------

@transaction.atomic
@judging.deferring
def target_set(*, user, indicator: Indicator, period: ReportingPeriod, value: Decimal | None,
               reason: str = "") -> Target:
    """Set a quarter's or a year's target. A target changes open quarters only: a locked quarter,
    or a year whose quarters are all locked, is refused (signed-off figures keep the target they were
    judged against)."""
    periods, year_quarters = _lock_for([period])
    if period.is_year:
        quarters = year_quarters.get(period.year, [])
        if year_locked(quarters):
            raise PeriodLocked(f"{period.label} (every quarter of it)")
    elif periods[period.pk].is_locked:
        raise PeriodLocked(periods[period.pk])
    if indicator.is_annual and not period.is_year:
        raise RecordError(f"{indicator.code} is annual: give a financial year such as "
                          f"{period.value.financial_year.label}")
    if value is not None:
        try:
            parsing.check_decimal(value, max_digits=14, decimal_places=4)
            validation.check_target(indicator, value)
        except parsing.InvalidValue as exc:
            raise InvalidWrite({"target": str(exc)}, indicator.code) from None
    target = Target.objects.select_for_update(of=("self",)).filter(indicator=indicator, period=period).first()
    old = target.value if target is not None else None
    was = "none" if target is None else ("baseline" if old is None else audit.shown(old))
    if target is None:
        target = Target(indicator=indicator, period=period, value=value)
    elif target.value == value:
        return target
    target.value = value
    target._history_user = user
    target._change_reason = reason or "target set"
    if target.pk is None:
        insert(target, Conflict(key=indicator, theirs=None, yours=value))
    else:
        target.save()
    audit.record(user=user, action=Action.TARGET_CHANGED, object_type="Target", object_label=indicator.code,
                 period=period, detail=f"target: {was} -> {'baseline' if value is None else audit.shown(value)}",
                 reason=reason)
    _rejudge([indicator.pk])
    return target


# --- indicators ---------------------------------------------------------------------------------

def _check_indicator(indicator: Indicator) -> None:
    errors = {}
    try:
        parsing.check_code(indicator.code, what="indicator code")
    except parsing.InvalidValue as exc:
        errors["code"] = str(exc)
    if not (indicator.title or "").strip():
        errors["title"] = "enter the indicator's title"
    for name, limit in (("title", parsing.NAME_MAX), ("description", parsing.TEXT_MAX),
                        ("benchmark_measure", parsing.NAME_MAX)):
        try:
            check = parsing.check_name if name == "title" else parsing.check_text
            check(getattr(indicator, name) or "", limit=limit, what=name)
        except parsing.InvalidValue as exc:
            errors[name] = str(exc)
    try:
        validation.check_tolerance(indicator.tolerance)
    except parsing.InvalidValue as exc:
        errors["tolerance"] = str(exc)
    clash = Indicator.objects.filter(code__iexact=indicator.code).exclude(pk=indicator.pk).first()
    if clash is not None and "code" not in errors:
        errors["code"] = f"an indicator with the code {clash.code} already exists"
    if errors:
        raise InvalidWrite(errors, indicator.code)


@transaction.atomic
@judging.deferring
def indicator_save(*, user, indicator: Indicator, reason: str = "", via: str = "") -> Indicator:
    """Create or change an indicator. A new definition (polarity, unit, tolerance, accumulation...)
    applies to open quarters only: locked quarters show the judgement they were signed off with."""
    _check_indicator(indicator)
    before = None
    if indicator.pk is not None:
        before = Indicator.objects.select_for_update(of=("self",)).get(pk=indicator.pk)
        if before.frequency != indicator.frequency and (
                before.actuals.exists() or before.targets.exists()):
            raise InvalidWrite({"frequency": "it cannot change once the indicator has figures or targets "
                                             "(they are kept per quarter or per year): retire it and add a new one"},
                               indicator.code)
    indicator._history_user = user
    indicator._change_reason = reason or via or ("created" if before is None else "changed")
    if before is None:
        insert(indicator, Conflict(key=indicator.code, theirs=None))
        audit.record(user=user, action=Action.ADMIN_ADDED if via == "admin" else Action.CREATED,
                     object_type="Indicator", object_label=indicator.code, detail=f"{indicator.title}",
                     reason=reason)
        _rejudge([indicator.pk])
        return indicator
    indicator.save()
    definition = audit.changes(audit.field_values(before, DEFINITION_FIELDS),
                               audit.field_values(indicator, DEFINITION_FIELDS))
    if definition:
        audit.record(user=user, action=Action.DEFINITION_CHANGED, object_type="Indicator",
                     object_label=indicator.code, detail=definition, reason=reason)
    if before.active != indicator.active:
        audit.record(user=user, action=Action.RETIRED if not indicator.active else Action.REINSTATED,
                     object_type="Indicator", object_label=indicator.code, reason=reason)
    # Every other change (title, owning service area, owner...) is in the audit trail too, by any route.
    other_fields = ("code", "title", "description", "service_area", "commitment", "owner", "statutory",
                    "benchmark_measure")
    other = audit.changes(audit.field_values(before, other_fields), audit.field_values(indicator, other_fields))
    if other:
        audit.record(user=user, action=Action.ADMIN_CHANGED if via == "admin" else Action.CHANGED,
                     object_type="Indicator", object_label=indicator.code, detail=other, reason=reason)
    _rejudge([indicator.pk])
    return indicator


@transaction.atomic
@judging.deferring
def indicator_retire(*, user, indicator: Indicator, reason: str = "", active: bool = False) -> Indicator:
    """Retire (or reinstate) an indicator: hidden from entry, kept in history and reports."""
    indicator = Indicator.objects.select_for_update(of=("self",)).get(pk=indicator.pk)
    if indicator.active == active:
        return indicator
    indicator.active = active
    return indicator_save(user=user, indicator=indicator, reason=reason)


@transaction.atomic
@judging.deferring
def indicator_delete(*, user, indicator: Indicator, via: str = "") -> None:
    """Only an indicator with no figures, targets or benchmarks can be deleted; others are retired."""
    indicator = Indicator.objects.select_for_update(of=("self",)).get(pk=indicator.pk)
    if indicator.actuals.exists() or indicator.targets.exists() or indicator.comparators.exists():
        raise RecordError(f"{indicator.code} has figures or targets, so it is kept: retire it instead "
                          "(untick Active)")
    indicator._history_user = user
    audit.record(user=user, action=Action.ADMIN_DELETED if via == "admin" else Action.DELETED,
                 object_type="Indicator", object_label=indicator.code, detail=indicator.title)
    from . import judging

    judging.forget([indicator.pk])
    indicator.delete()


@transaction.atomic
def commitment_save(*, user, commitment: KeyCommitment, via: str = "") -> KeyCommitment:
    try:
        parsing.check_code(commitment.code, what="commitment code")
        parsing.check_name(commitment.title or "", limit=parsing.NAME_MAX, what="title")
    except parsing.InvalidValue as exc:
        raise InvalidWrite({"code": str(exc)}) from None
    before = KeyCommitment.objects.filter(pk=commitment.pk).first() if commitment.pk else None
    commitment.save()
    if via:
        detail = audit.changes(audit.field_values(before, ("code", "title")) if before else {},
                               audit.field_values(commitment, ("code", "title")))
        audit.record(user=user, action=Action.ADMIN_ADDED if before is None else Action.ADMIN_CHANGED,
                     object_type="Key commitment", object_label=commitment.code, detail=detail)
    return commitment


def commitment_get_or_create(*, code: str) -> tuple[KeyCommitment, bool]:
    parsing.check_code(code, what="commitment code")
    found = KeyCommitment.objects.filter(code__iexact=code).first()
    if found is not None:
        return found, False
    return KeyCommitment.objects.create(code=code), True


@transaction.atomic
def commitment_delete(*, user, commitment: KeyCommitment) -> None:
    if commitment.indicators.exists():
        raise RecordError(f"{commitment.code} has indicators, so it is kept")
    audit.record(user=user, action=Action.ADMIN_DELETED, object_type="Key commitment", object_label=commitment.code)
    commitment.delete()


BENCHMARK_FIELDS = ("council", "england", "statistical_neighbours", "regional", "q25", "q50", "q75")


@transaction.atomic
def comparator_set(*, user, indicator: Indicator, year: ReportingPeriod, values: dict) -> Comparator:
    """Set an indicator's benchmarks for a financial year. Once every quarter of the year is locked, what
    was set then stays as it was, like the year's targets (a correction needs a reopen); a benchmark still
    blank may be filled, as comparators are often published after a year is reported."""
    if not year.is_year:
        raise RecordError("Benchmarks are for a financial year such as 2018/19, not a quarter")
    for name in BENCHMARK_FIELDS:
        if values.get(name) is not None:
            try:
                parsing.check_decimal(values[name], max_digits=14, decimal_places=4)
            except parsing.InvalidValue as exc:
                raise InvalidWrite({name: str(exc)}, indicator.code) from None
    _, year_quarters = _lock_for([year])
    comparator = Comparator.objects.select_for_update(of=("self",)).filter(indicator=indicator, period=year).first()
    quarters = year_quarters.get(year.year, [])
    if comparator is not None and year_locked(quarters):
        kept = [name.replace("_", " ") for name, value in values.items()
                if getattr(comparator, name) is not None and getattr(comparator, name) != value]
        if kept:
            raise RecordError(f"{year.label} is locked (every quarter of it), so its {', '.join(kept)} benchmark"
                              f"{'s stay' if len(kept) != 1 else ' stays'} as reported; ask the performance team "
                              "to reopen the year's last quarter to correct "
                              f"{'them' if len(kept) != 1 else 'it'}")
    before = audit.field_values(comparator, values) if comparator else {}
    new = comparator is None
    comparator = comparator or Comparator(indicator=indicator, period=year)
    for name, value in values.items():
        setattr(comparator, name, value)
    if new:  # two first saves at once: the second is told, not given a server error
        insert(comparator, Conflict(key=indicator, theirs=None, yours=values))
    else:
        comparator.save()
    detail = audit.changes(before, values)
    if detail:
        audit.record(user=user, action=Action.CHANGED, object_type="Benchmarks", object_label=indicator.code,
                     period=year, detail=detail)
    return comparator



@transaction.atomic
@judging.deferring
def bulk_load(*, indicators: list[Indicator], targets: list[Target], actuals: list[Actual]) -> None:
    """For the synthetic loader only: write a generated council's indicators, targets and figures in bulk
    (no history: nothing was changed, it was made)."""
    Indicator.objects.bulk_create(indicators)
    Target.objects.bulk_create(targets, batch_size=2000)
    Actual.objects.bulk_create(actuals, batch_size=2000)
    _rejudge([i.pk for i in indicators])
    summaries.changed()
