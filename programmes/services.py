"""Writes for programmes: the only code that changes a programme, its objectives and their assessments,
savings, workstreams, benefits, milestones and budget lines.

The entry forms, the import pipeline, the admin and the demo loader call these. A locked quarter's
assessments and savings never change (and PostgreSQL refuses it too, migration 0002); each write keeps its
history and an entry in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from organisation import audit, clock, parsing, summaries
from organisation.models import ReportingPeriod
from organisation.records import (
    ConcurrentEdit,
    Conflict,
    InvalidWrite,
    PeriodLocked,
    RecordError,
    ensure_open,
    ensure_started,
    insert,
    lock_periods,
    stale,
)

from . import rules
from .models import Assessment, Benefit, BudgetLine, Milestone, Objective, Programme, Saving, Workstream

Action = audit.Action
ABOUT = "programme"
MAX_MONEY = Decimal("999999999999.99")


def _about(programme: Programme) -> dict:
    return {"about": ABOUT, "about_id": programme.pk}


def _clean(instance, exclude=()) -> None:
    """The model's own validation (lengths, ranges, choices) as the record's message: field -> words."""
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise InvalidWrite({name: " ".join(str(m) for m in messages)
                            for name, messages in exc.message_dict.items()}) from None


def check_money(value, what: str, *, blank: bool = False) -> Decimal | None:
    """Pounds: a Decimal of at most two places from 0 to £999,999,999,999.99."""
    if value is None or value == "":
        if blank:
            return None
        raise parsing.InvalidValue(f"enter the {what} in pounds")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).replace(",", "").replace("£", "").strip())
    except Exception:
        raise parsing.InvalidValue(f'"{value}" is not an amount of money') from None
    if not number.is_finite():
        raise parsing.InvalidValue(f'"{value}" is not an amount of money')
    if number < 0:
        raise parsing.InvalidValue(f"the {what} cannot be negative")
    if number > MAX_MONEY:
        raise parsing.InvalidValue(f"the {what} is more than £999,999,999,999.99")
    if number != number.quantize(Decimal("0.01")):
        raise parsing.InvalidValue(f"the {what} has more than two decimal places (pence)")
    return number.quantize(Decimal("0.01"))


# --- the programme and its set-up ----------------------------------------------------------------

FIELDS = {
    Programme: ("name", "directorate", "service_area", "sponsor", "senior_responsible_owner", "manager",
                "governance", "mandate_date", "planned_closure", "approved_closure", "actual_closure", "status",
                "savings_tolerance"),
    Workstream: ("name", "owner", "projects", "measures", "performance", "order"),
    Objective: ("number", "objective", "measure", "timeframe"),
    Benefit: ("benefit", "workstream", "how_measured", "owner", "forum", "when", "financial", "order"),
    Milestone: ("name", "workstream", "baseline", "approved", "actual", "slippage_reason"),
    BudgetLine: ("kind", "source", "original", "final_approved", "spend"),
}
KIND_NAMES = {Programme: "Programme", Workstream: "Workstream", Objective: "Objective", Benefit: "Benefit",
              Milestone: "Milestone", BudgetLine: "Budget line"}


def _programme_of(instance) -> Programme:
    return instance if isinstance(instance, Programme) else instance.programme


def _check(instance) -> None:
    errors = {}
    if isinstance(instance, Programme):
        if instance.service_area_id and instance.directorate_id and \
                instance.service_area.directorate_id != instance.directorate_id:
            errors["service_area"] = f"{instance.service_area.name} is not in {instance.directorate.name}"
        dates = [("mandate_date", instance.mandate_date), ("planned_closure", instance.planned_closure),
                 ("approved_closure", instance.approved_closure), ("actual_closure", instance.actual_closure)]
        mandate = instance.mandate_date
        for name, value in dates[1:]:
            if mandate and value and value < mandate:
                errors[name] = "a closure cannot come before the mandate"
        if instance.status == Programme.Status.CLOSED and not instance.actual_closure:
            errors["actual_closure"] = "a closed programme has its actual closure date"
    if isinstance(instance, Objective) and instance.pk:
        before = Objective.objects.filter(pk=instance.pk).values_list("programme_id", flat=True).first()
        if before is not None and before != instance.programme_id and instance.assessments.exists():
            errors["programme"] = (f"objective {instance.number} has assessments reported under its programme: "
                                   "add a new objective to the other programme instead")
    if isinstance(instance, Milestone):
        if instance.actual and instance.actual > clock.today():
            errors["actual"] = "the actual date cannot be in the future: leave it blank until the milestone is met"
        if instance.baseline and rules.reason_missing(instance.dates(), clock.today(), instance.slippage_reason):
            errors["slippage_reason"] = "give the reason for the slippage: the milestone is later than its baseline"
    if isinstance(instance, BudgetLine):
        for name in ("original", "final_approved", "spend"):
            try:
                setattr(instance, name, check_money(getattr(instance, name), name.replace("_", " ")))
            except parsing.InvalidValue as exc:
                errors[name] = str(exc)
    if isinstance(instance, Workstream | Benefit | Milestone) and getattr(instance, "workstream_id", None) and \
            instance.workstream.programme_id != instance.programme_id:
        errors["workstream"] = "the workstream belongs to another programme"
    if errors:
        raise InvalidWrite(errors)


@transaction.atomic
def setup_save(*, user, instance, via: str = "admin", reason: str = ""):
    """Add or change a programme or one of its workstreams, objectives, benefits, milestones or budget
    lines, with its history and an entry in the audit trail."""
    model = type(instance)
    _clean(instance, exclude=[f.name for f in model._meta.many_to_many] + ["programme"])
    _check(instance)
    before = model.objects.select_for_update().filter(pk=instance.pk).first() if instance.pk else None
    instance._history_user = user
    instance._change_reason = reason or via
    if before is None:
        insert(instance, Conflict(key=str(instance), theirs=None))
    else:
        instance.save()
    detail = audit.changes(audit.field_values(before, FIELDS[model]) if before else {},
                           audit.field_values(instance, FIELDS[model]))
    if detail:
        added = Action.ADMIN_ADDED if via == "admin" else Action.CREATED
        changed = Action.ADMIN_CHANGED if via == "admin" else Action.CHANGED
        audit.record(user=user, action=added if before is None else changed, object_type=KIND_NAMES[model],
                     object_label=str(instance)[:255], detail=detail, reason=reason,
                     **_about(_programme_of(instance)))
    summaries.changed()
    return instance


@transaction.atomic
def setup_delete(*, user, instance, via: str = "admin") -> None:
    """Delete a workstream, benefit, milestone or budget line; an objective only without assessments and a
    programme only when nothing has been reported for it."""
    if isinstance(instance, Objective) and instance.assessments.exists():
        raise RecordError(f"Objective {instance.number} has assessments, so it is kept")
    if isinstance(instance, Programme) and (instance.savings.exists()
                                            or Assessment.objects.filter(objective__programme=instance).exists()):
        raise RecordError(f"{instance.name} has assessments or savings reported, so it is kept: close it instead")
    programme = _programme_of(instance)
    label = str(instance)
    instance._history_user = user
    instance.delete()
    audit.record(user=user, action=Action.ADMIN_DELETED if via == "admin" else Action.DELETED,
                 object_type=KIND_NAMES[type(instance)], object_label=label[:255],
                 about=ABOUT, about_id=programme.pk if programme.pk else None)
    summaries.changed()


@transaction.atomic
def links_set(*, user, instance, field: str, items, via: str = "admin") -> None:
    """Set a many-to-many link (a programme's risks, an objective's or workstream's indicators) with an
    audit entry naming what was added and removed."""
    manager = getattr(instance, field)
    before = {str(x) for x in manager.all()}
    items = list(items)
    manager.set(items)
    after = {str(x) for x in items}
    if before != after:
        parts = []
        if after - before:
            parts.append("added " + ", ".join(sorted(after - before)))
        if before - after:
            parts.append("removed " + ", ".join(sorted(before - after)))
        audit.record(user=user, action=Action.ADMIN_CHANGED if via == "admin" else Action.CHANGED,
                     object_type=KIND_NAMES[type(instance)], object_label=str(instance)[:255],
                     detail=f"{field}: " + "; ".join(parts), **_about(_programme_of(instance)))
    summaries.changed()


# --- quarterly assessments of the objectives -------------------------------------------------------

@dataclass
class AssessmentInput:
    objective: Objective
    version: int | None  # 0 = none when the form was opened; None = not checked (imports)
    rag: str = ""
    assessment: str = ""
    commentary: str = ""


def _check_assessment(row: AssessmentInput) -> dict[str, str]:
    errors = {}
    if row.rag and row.rag not in [p.value for p in rules.Progress]:
        errors["rag"] = f'"{row.rag}" is not an objective RAG'
    if row.assessment and row.assessment not in [a.value for a in rules.Assessment]:
        errors["assessment"] = f'"{row.assessment}" is not a status at closure: use Achieved, Achieved in part ' \
                               "or Not achieved"
    try:
        parsing.check_text(row.commentary or "", what="commentary")
    except parsing.InvalidValue as exc:
        errors["commentary"] = str(exc)
    return errors


def _open_quarter(period: ReportingPeriod, what: str) -> ReportingPeriod:
    if period.is_year:
        raise RecordError(f"{what} are reported for a quarter, not a whole year")
    period = lock_periods([period.pk])[period.pk]
    ensure_open(period)
    ensure_started(period, what)
    return period


@transaction.atomic
def assessments_save(*, user, programme: Programme, period: ReportingPeriod, rows: list[AssessmentInput],
                     submit: bool = False, reason: str = "") -> int:
    """Save a quarter's assessments of a programme's objectives, all or none, without lost updates; with
    ``submit`` each assessed one (a RAG or a status at closure) is submitted for sign-off."""
    period = _open_quarter(period, "assessments")
    errors = {}
    for row in rows:
        if row.objective.programme_id != programme.pk:
            raise RecordError(f"Objective {row.objective.number} is not one of {programme.name}'s")
        for name, message in _check_assessment(row).items():
            errors[f"objective {row.objective.number}, {name}"] = message
        if submit and not (row.rag or row.assessment):
            errors[f"objective {row.objective.number}, rag"] = "choose a RAG (or a status at closure) to submit"
    if errors:
        raise InvalidWrite(errors)
    existing = {a.objective_id: a for a in Assessment.objects.select_for_update(of=("self",)).filter(
        period=period, objective__in=[r.objective.pk for r in rows])}
    by_objective = {r.objective.pk: r for r in rows}
    late = stale(existing, {pk: r.version for pk, r in by_objective.items()})
    if late:
        raise ConcurrentEdit([Conflict(key=f"Objective {by_objective[pk].objective.number}",
                                       theirs=(existing[pk].rag, existing[pk].commentary) if pk in existing else None,
                                       yours=(by_objective[pk].rag, by_objective[pk].commentary)) for pk in late])
    now = timezone.now()
    saved = 0
    for row in rows:
        item = existing.get(row.objective.pk)
        signed = item is not None and item.state == Assessment.State.SIGNED_OFF
        same = item is not None and (item.rag, item.assessment, item.commentary) == (
            row.rag, row.assessment, row.commentary)
        if same and not (submit and item.state == Assessment.State.DRAFT):
            continue
        is_new = item is None
        item = item or Assessment(objective=row.objective, period=period, version=0)
        item.rag, item.assessment, item.commentary = row.rag, row.assessment, row.commentary
        item.entered_by, item.entered_at = (user if getattr(user, "is_authenticated", False) else None), now
        if submit and (row.rag or row.assessment):
            item.state, item.submitted_at = Assessment.State.SUBMITTED, now
        elif signed or item.state == Assessment.State.SUBMITTED and not submit:
            # A change after submission or sign-off goes back to draft: it is signed off again.
            item.state = Assessment.State.DRAFT if not same else item.state
        item.version += 1
        item._history_user = user
        item._change_reason = reason or ("submitted" if submit else "saved")
        if is_new:
            insert(item, Conflict(key=f"Objective {row.objective.number}", theirs=None))
        else:
            item.save()
        saved += 1
    if saved and submit:
        audit.record(user=user, action=Action.CHANGED, object_type="Programme assessments",
                     object_label=f"{programme.name}, {period.label}", period=period,
                     detail=f"{saved} objective assessment{'s' if saved != 1 else ''} submitted", **_about(programme))
    summaries.changed()
    return saved


@transaction.atomic
def assessments_sign_off(*, user, programme: Programme | None, period: ReportingPeriod) -> int:
    """Sign off every submitted assessment of the quarter (of one programme, or all)."""
    period = _open_quarter(period, "assessments")
    qs = Assessment.objects.select_for_update(of=("self",)).filter(period=period, state=Assessment.State.SUBMITTED)
    if programme is not None:
        qs = qs.filter(objective__programme=programme)
    items = list(qs.select_related("objective__programme"))
    now = timezone.now()
    for item in items:
        item.state, item.signed_off_by, item.signed_off_at = Assessment.State.SIGNED_OFF, user, now
        item.version += 1
        item._history_user = user
        item._change_reason = "signed off"
        item.save()
    for name, pk, count in sorted({(i.objective.programme.name, i.objective.programme_id,
                                    sum(1 for j in items if j.objective.programme_id == i.objective.programme_id))
                                   for i in items}):
        audit.record(user=user, action=Action.SIGNED_OFF, object_type="Programme assessments",
                     object_label=f"{name}, {period.label}", period=period,
                     detail=f"{count} objective assessment{'s' if count != 1 else ''} signed off",
                     about=ABOUT, about_id=pk)
    summaries.changed()
    return len(items)


@transaction.atomic
def assessment_send_back(*, user, objective: Objective, period: ReportingPeriod, question: str) -> Assessment:
    """Send a submitted or signed-off assessment back to its owner with a question (back to draft)."""
    question = (question or "").strip()
    if not question:
        raise InvalidWrite({"question": "write the question for the programme's owner"})
    try:
        parsing.check_text(question, what="question")
    except parsing.InvalidValue as exc:
        raise InvalidWrite({"question": str(exc)}) from None
    period = _open_quarter(period, "assessments")
    item = Assessment.objects.select_for_update(of=("self",)).filter(objective=objective, period=period).first()
    if item is None or item.state == Assessment.State.DRAFT:
        raise RecordError(f"Objective {objective.number}'s assessment for {period.label} has not been submitted")
    item.state, item.question, item.question_at = Assessment.State.DRAFT, question, timezone.now()
    item.signed_off_by = item.signed_off_at = None
    item.version += 1
    item._history_user = user
    item._change_reason = "sent back"
    item.save()
    audit.record(user=user, action=Action.SENT_BACK, object_type="Programme assessment",
                 object_label=f"{objective.programme.name}: objective {objective.number}, {period.label}",
                 period=period, detail=question, **_about(objective.programme))
    return item


# --- savings -----------------------------------------------------------------------------------------

@dataclass
class SavingInput:
    year: ReportingPeriod  # the financial year the saving falls in
    version: int | None
    planned: Decimal | None
    forecast: Decimal | None = None
    delivered: Decimal | None = None
    rag: str = ""
    owner: str = ""
    forum: str = ""
    how_measured: str = ""
    commentary: str = ""


def _check_saving(row: SavingInput) -> dict[str, str]:
    errors = {}
    for name, blank in (("planned", False), ("forecast", True), ("delivered", True)):
        try:
            setattr(row, name, check_money(getattr(row, name), f"{name} saving", blank=blank))
        except parsing.InvalidValue as exc:
            errors[name] = str(exc)
    if row.rag and row.rag not in [s.value for s in rules.SavingStatus]:
        errors["rag"] = f'"{row.rag}" is not a savings RAG: use Delivered, On track, At risk or Undeliverable'
    for name in ("owner", "forum", "how_measured"):
        try:
            parsing.check_text(getattr(row, name) or "", limit=255, what=name.replace("_", " "))
        except parsing.InvalidValue as exc:
            errors[name] = str(exc)
    try:
        parsing.check_text(row.commentary or "", what="commentary")
    except parsing.InvalidValue as exc:
        errors["commentary"] = str(exc)
    if not row.year.is_year:
        errors["year"] = "a saving falls in a financial year, such as 2019/20"
    return errors


@transaction.atomic
def savings_save(*, user, programme: Programme, period: ReportingPeriod, rows: list[SavingInput],
                 reason: str = "") -> int:
    """Save a quarter's savings lines of a programme (one per financial year), all or none."""
    period = _open_quarter(period, "savings")
    errors = {}
    for row in rows:
        for name, message in _check_saving(row).items():
            errors[f"{row.year.label}, {name}"] = message
    if errors:
        raise InvalidWrite(errors)
    existing = {s.year_id: s for s in Saving.objects.select_for_update(of=("self",)).filter(
        programme=programme, period=period, year__in=[r.year.pk for r in rows])}
    by_year = {r.year.pk: r for r in rows}
    late = stale(existing, {pk: r.version for pk, r in by_year.items()})
    if late:
        raise ConcurrentEdit([Conflict(key=by_year[pk].year.label,
                                       theirs=(existing[pk].forecast, existing[pk].delivered) if pk in existing else None,
                                       yours=(by_year[pk].forecast, by_year[pk].delivered)) for pk in late])
    fields = ("planned", "forecast", "delivered", "rag", "owner", "forum", "how_measured", "commentary")
    saved = 0
    for row in rows:
        item = existing.get(row.year.pk)
        if item is not None and all(getattr(item, f) == getattr(row, f) for f in fields):
            continue
        is_new = item is None
        item = item or Saving(programme=programme, year=row.year, period=period, version=0)
        for f in fields:
            setattr(item, f, getattr(row, f))
        item.entered_by = user if getattr(user, "is_authenticated", False) else None
        item.version += 1
        item._history_user = user
        item._change_reason = reason or "saved"
        if is_new:
            insert(item, Conflict(key=row.year.label, theirs=None))
        else:
            item.save()
        saved += 1
    summaries.changed()
    return saved


# --- the lock ---------------------------------------------------------------------------------------

def lock_step(user, quarter: ReportingPeriod, sign_off_submitted: bool) -> str:
    """Locking a quarter: sign off the submitted assessments (if asked), then record each assessment's
    objective as worded now, so the quarter's highlight report reads the same for ever after."""
    signed = 0
    if sign_off_submitted:
        signed = assessments_sign_off(user=user, programme=None, period=quarter)
    items = list(Assessment.objects.filter(period=quarter).select_related("objective"))
    for item in items:
        item.reported_number = item.objective.number
        item.reported_objective = item.objective.objective
        item.reported_measure = item.objective.measure
    Assessment.objects.bulk_update(items, ["reported_number", "reported_objective", "reported_measure"],
                                   batch_size=500)
    # An objective of a programme running in the quarter but not assessed in it is recorded too (as not
    # assessed), so the quarter's report lists the objectives it had, worded as they were, whatever is
    # reworded or added afterwards.
    assessed = {item.objective_id for item in items}
    running = Objective.objects.exclude(pk__in=assessed).exclude(
        programme__actual_closure__lt=quarter.start).exclude(programme__mandate_date__gt=quarter.end)
    Assessment.objects.bulk_create([
        Assessment(objective=o, period=quarter, reported_number=o.number, reported_objective=o.objective,
                   reported_measure=o.measure) for o in running], batch_size=500)
    savings = list(Saving.objects.filter(period=quarter).select_related("programme", "period"))
    for saving in savings:
        saving.reported_status = saving.status(saving.programme.savings_tolerance).value
    Saving.objects.bulk_update(savings, ["reported_status"], batch_size=500)
    if not items and not signed and not savings:
        return ""
    waiting = sum(1 for i in items if i.state != Assessment.State.SIGNED_OFF)
    line = f"{len(items) - waiting} programme objective assessment{'s' if len(items) - waiting != 1 else ''} recorded"
    if waiting:
        line += f" ({waiting} not signed off or not assessed: they read so)"
    if savings:
        line += f"; {len(savings)} saving line{'s' if len(savings) != 1 else ''} recorded"
    return line


def ensure_writable(period: ReportingPeriod) -> None:
    if period.is_locked:
        raise PeriodLocked(period)
