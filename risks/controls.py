"""Controls and their assurance, and formal acceptance of risks outside appetite: the writes (services) and
the reads (queries). The rules are in risks/assurance.py.

A quarter keeps its own control rows (risks.ControlReview). A quarter not yet reviewed shows the rows of the
last quarter that has any; the first write to a quarter's controls copies those rows into it (marked carried
forward until each is saved), and so does the lock, so that a locked quarter holds what it reported and
never reads another quarter's rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from organisation import audit, clock, parsing, summaries
from organisation.models import ReportingPeriod
from organisation.records import (
    ConcurrentEdit,
    Conflict,
    InvalidWrite,
    RecordError,
    ensure_open,
    ensure_started,
    lock_periods,
    user_name,
)

from . import assurance, judging
from .models import ControlReview, Judgement, Risk, RiskAcceptance

Action = audit.Action
CONTROL_FIELDS = ("control", "owner", "type", "line", "assurance", "assurance_source", "last_tested",
                  "next_test_due")
MAX_CONTROLS = 60  # controls of one risk in one quarter


def labels() -> tuple[str, ...]:
    """The assurance labels, strongest first (the RISK_ASSURANCE_LABELS setting)."""
    return assurance.labels_from(getattr(settings, "RISK_ASSURANCE_LABELS", None))


# --- reads ------------------------------------------------------------------------------------------

def _up_to(quarter: ReportingPeriod) -> Q:
    return Q(period__year__lt=quarter.year) | Q(period__year=quarter.year, period__quarter__lte=quarter.quarter)


def shown(risk_ids, quarter: ReportingPeriod) -> dict[int, list[ControlReview]]:
    """Each risk's controls as the quarter shows them: its own rows, else the last earlier quarter's (two
    queries whatever the number of risks)."""
    ids = list(risk_ids)
    if not ids:
        return {}
    if quarter.has_record:
        # The lock copied every risk's controls into the quarter: it reads only its own rows, so that a
        # control added later to an earlier quarter (reopened for a correction) never reaches it.
        rows = ControlReview.objects.filter(risk_id__in=ids, period=quarter)
    else:
        latest = ControlReview.objects.filter(_up_to(quarter), risk_id=OuterRef("risk_id")).order_by(
            "-period__year", "-period__quarter").values("period_id")[:1]
        rows = ControlReview.objects.filter(risk_id__in=ids).filter(period_id=Subquery(latest))
    rows = rows.select_related("period").order_by("risk_id", "position", "pk")
    out: dict[int, list[ControlReview]] = defaultdict(list)
    for row in rows:
        out[row.risk_id].append(row)
    return dict(out)


@dataclass
class ControlLine:
    """One line of defence of one risk on the assurance map."""

    line: int
    controls: list[ControlReview] = field(default_factory=list)
    weakest: str | None = None
    weak: bool = False


@dataclass
class MapRow:
    risk: object  # queries.RiskRow
    lines: list[ControlLine]
    gaps: list[str]
    count: int
    period_label: str  # the quarter the controls were reviewed in ("" when there are none)
    carried: bool


def assurance_map(rows, quarter: ReportingPeriod) -> list[MapRow]:
    """The assurance map of these register rows (queries.RiskRow, scored): per risk, the controls on each
    line and the weakest assurance there, and the gaps in words."""
    chosen = labels()
    controls = shown([r.risk.pk for r in rows], quarter)
    out = []
    for r in rows:
        mine = controls.get(r.risk.pk, [])
        lines = []
        for number in (1, 2, 3):
            on_line = [c for c in mine if c.line == number]
            worst = assurance.weakest([c.assurance for c in on_line], chosen)
            lines.append(ControlLine(number, on_line, worst, assurance.is_weak(worst, chosen)))
        levels = list(r.scheme.levels) if r.scheme else []
        index = next((i for i, lv in enumerate(levels) if lv.name == r.level.name), 0) if r.level else 0
        gaps = [g.reason for g in assurance.gaps(index, len(levels), [
            assurance.ControlFact(c.line, c.assurance) for c in mine], chosen)]
        out.append(MapRow(r, lines, gaps, len(mine), mine[0].period.label if mine else "",
                          any(c.period_id != quarter.pk or c.carried_forward for c in mine)))
    return out


def acceptances(risk_ids) -> dict[int, RiskAcceptance]:
    """Each risk's latest acceptance that has not been withdrawn (one query)."""
    out: dict[int, RiskAcceptance] = {}
    ids = risk_ids if hasattr(risk_ids, "query") else list(risk_ids)  # a queryset stays a subquery
    for acceptance in RiskAcceptance.objects.filter(risk_id__in=ids, withdrawn_on__isnull=True).select_related(
            "risk").order_by("risk_id", "-accepted_on", "-pk"):
        out.setdefault(acceptance.risk_id, acceptance)
    return out


def acceptance_in_force(risk_ids) -> dict[int, tuple[date, str]]:
    """For stored judgements: each risk's acceptance expiry and approver."""
    return {pk: (a.expires, a.accepted_by_name) for pk, a in acceptances(risk_ids).items()}


# --- writes: controls -------------------------------------------------------------------------------

@dataclass
class ControlInput:
    control: str
    owner: str = ""
    type: str = ControlReview.Type.PREVENTIVE
    line: int | str = 1
    assurance: str = ""
    assurance_source: str = ""
    last_tested: date | None = None
    next_test_due: date | None = None
    given: frozenset[str] = field(default=frozenset(CONTROL_FIELDS))


def check_control(data: ControlInput, today: date) -> dict[str, object]:
    """The fields given, checked: {field: value}; InvalidWrite naming each field refused."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    given = data.given | {"control"}
    name = " ".join((data.control or "").split()) if "\x00" not in (data.control or "") else data.control
    try:
        if not name:
            raise parsing.InvalidValue("enter what the control is")
        values["control"] = parsing.check_name(name, what="control")
    except parsing.InvalidValue as exc:
        errors["control"] = str(exc)
    if "owner" in given:
        try:
            values["owner"] = parsing.check_name((data.owner or "").strip(), limit=200, what="owner")
        except parsing.InvalidValue as exc:
            errors["owner"] = str(exc)
    if "type" in given:
        kind = (data.type or "").strip().lower()
        if kind not in ControlReview.Type.values:
            errors["type"] = (f'"{str(data.type)[:40]}" is not a type of control: use preventive, detective, '
                              "corrective or directive")
        values["type"] = kind
    if "line" in given:
        line = str(data.line).strip()
        if line not in ("1", "2", "3"):
            errors["line"] = f'"{line[:40]}" is not a line of defence: use 1, 2 or 3'
        else:
            values["line"] = int(line)
    if "assurance" in given:
        text = (data.assurance or "").strip()
        label = assurance.canonical(text, labels()) if text else ""
        if label is None:
            errors["assurance"] = f'"{text[:40]}" is not an assurance level: use {", ".join(labels())} or leave blank'
        values["assurance"] = label or ""
    if "assurance_source" in given:
        source = (data.assurance_source or "").strip().lower()
        if source and source not in ControlReview.Source.values:
            errors["assurance_source"] = (f'"{source[:40]}" is not who gave the assurance: use self-assessment, '
                                          "second line or internal audit")
        values["assurance_source"] = source
    for name in ("last_tested", "next_test_due"):
        if name in given:
            try:
                values[name] = parsing.check_date(getattr(data, name), what=name.replace("_", " "), today=today)
            except parsing.InvalidValue as exc:
                errors[name] = str(exc)
    if values.get("last_tested") and values["last_tested"] > today:
        errors["last_tested"] = "the control cannot have been tested after today"
    if values.get("last_tested") and values.get("next_test_due") and values["next_test_due"] < values["last_tested"]:
        errors["next_test_due"] = "the next test is due before the last one was made"
    if errors:
        raise InvalidWrite(errors, str(values.get("control") or "control")[:60])
    return values


def _earlier(risk: Risk, period: ReportingPeriod) -> list[ControlReview]:
    from .queries import _before

    earlier = ControlReview.objects.filter(risk=risk).filter(_before(period)).order_by("-period__year", "-period__quarter").values_list("period_id", flat=True).first()
    if earlier is None:
        return []
    return list(ControlReview.objects.filter(risk=risk, period_id=earlier).order_by("position", "pk"))


def carry_forward(risk: Risk, period: ReportingPeriod) -> int:
    """Copy the last earlier quarter's controls of this risk into the quarter, if it has none yet."""
    if ControlReview.objects.filter(risk=risk, period=period).exists():
        return 0
    copies = []
    for row in _earlier(risk, period):
        row.pk = None
        row.id = None
        row.period = period
        row.carried_forward = True
        row.version = 1
        copies.append(row)
    for row in copies:
        row._change_reason = "carried forward"
        row.save(force_insert=True)
    return len(copies)


def carry_forward_all(quarter: ReportingPeriod, risk_ids) -> int:
    """At the lock: every risk on the quarter's register keeps its controls in the quarter itself."""
    ids = set(risk_ids) - set(ControlReview.objects.filter(period=quarter).values_list("risk_id", flat=True))
    with_earlier = set(ControlReview.objects.filter(_up_to(quarter), risk_id__in=ids).values_list(
        "risk_id", flat=True))
    return sum(carry_forward(risk, quarter) for risk in Risk.objects.filter(pk__in=with_earlier))


def _open_quarter(period: ReportingPeriod) -> ReportingPeriod:
    if period.is_year:
        raise RecordError("Controls are reviewed for a quarter, not a whole year")
    periods = lock_periods([period.pk])
    ensure_open(periods[period.pk])
    ensure_started(period, "reviews")
    return periods[period.pk]


def _ensure_risk_open(risk: Risk) -> None:
    # As a review (services.review_save): a closed risk's controls are no longer reviewed, by any route.
    if risk.status != Risk.Status.OPEN:
        raise RecordError(f"{risk.reference} is closed: reopen it before reviewing its controls")


@transaction.atomic
def control_save(*, user, risk: Risk, period: ReportingPeriod, data: ControlInput, original: str | None = None,
                 version: int | None = None, reason: str = "") -> ControlReview:
    """Add or change one control of a risk as reviewed in an open quarter. original: the control's name as
    the form showed it (a rename); version: the version the form saw (None: an import, not checked)."""
    _open_quarter(period)
    risk = Risk.objects.select_for_update(of=("self",)).get(pk=risk.pk)
    _ensure_risk_open(risk)
    values = check_control(data, clock.today())
    carry_forward(risk, period)
    mine = ControlReview.objects.filter(risk=risk, period=period)
    wanted = (original or values["control"]).lower()
    row = next((c for c in mine if c.control.lower() == wanted), None)
    if original and row is None:
        raise ConcurrentEdit([Conflict(key=original, theirs=None)])
    if row is not None and version is not None and row.version != version and not row.carried_forward:
        raise ConcurrentEdit([Conflict(key=row.control, theirs=row, by=row.reviewed_by_name or "someone else")])
    clash = next((c for c in mine if c.control.lower() == values["control"].lower() and c != row), None)
    if clash is not None:
        raise InvalidWrite({"control": f'{risk.reference} already has a control called "{clash.control[:60]}" '
                                       f"in {period.label}"}, risk.reference)
    if row is None and mine.count() >= MAX_CONTROLS:
        raise InvalidWrite({"control": f"{risk.reference} has {MAX_CONTROLS} controls in {period.label}: "
                                       "that is the most one risk may list"}, risk.reference)
    before = {name: getattr(row, name) for name in CONTROL_FIELDS} if row else {}
    row = row or ControlReview(risk=risk, period=period, version=0,
                               position=(max((c.position for c in mine), default=-1) + 1))
    for name, value in values.items():
        setattr(row, name, value)
    after = {name: getattr(row, name) for name in CONTROL_FIELDS}
    if before == after and not row.carried_forward and row.pk:
        return row
    row.carried_forward = False
    row.reviewed_by = user if getattr(user, "is_authenticated", False) else None
    row.reviewed_by_name = user_name(user) if row.reviewed_by else ""
    row.reviewed_at = timezone.now()
    row.version += 1
    row._history_user = row.reviewed_by
    row._change_reason = reason or ("added" if not before else "reviewed")
    row.save()
    detail = audit.changes(before, after) if before else "; ".join(
        f"{name}: {audit.shown(value)}" for name, value in after.items()
        if value not in ("", None))
    audit.record(user=user, action=Action.CREATED if not before else Action.CHANGED, object_type="Control",
                 object_label=f"{risk.reference}: {row.control}"[:255], period=period,
                 detail=detail or "reviewed, no change", reason=reason, about="risk", about_id=risk.pk)
    summaries.changed()  # the pages and downloads cached for this data
    return row


@transaction.atomic
def control_remove(*, user, risk: Risk, period: ReportingPeriod, control: str, reason: str = "") -> None:
    """A control no longer in place: gone from this open quarter on (earlier quarters keep it)."""
    _open_quarter(period)
    risk = Risk.objects.select_for_update(of=("self",)).get(pk=risk.pk)
    _ensure_risk_open(risk)
    carry_forward(risk, period)
    row = next((c for c in ControlReview.objects.filter(risk=risk, period=period)
                if c.control.lower() == (control or "").strip().lower()), None)
    if row is None:
        raise RecordError(f'{risk.reference} has no control called "{(control or "")[:60]}" in {period.label}')
    row._history_user = user if getattr(user, "is_authenticated", False) else None
    row._change_reason = reason or "removed"
    row.delete()
    audit.record(user=user, action=Action.DELETED, object_type="Control",
                 object_label=f"{risk.reference}: {row.control}"[:255], period=period, detail="removed",
                 reason=reason, about="risk", about_id=risk.pk)
    summaries.changed()


# --- writes: acceptance -----------------------------------------------------------------------------

def _owns(user, risk: Risk) -> bool:
    name = user_name(user).strip().lower()
    return bool(name) and name in {risk.risk_owner.strip().lower(), risk.action_owner.strip().lower()}


def latest_judgement(risk: Risk) -> Judgement | None:
    """The risk as the latest quarter judged it (open or locked)."""
    return Judgement.objects.filter(risk=risk).order_by("-quarter__year", "-quarter__quarter").select_related(
        "quarter").first()


@transaction.atomic
@judging.deferring
def risk_accept(*, user, risk: Risk, justification: str, expires: date | None, on: date | None = None,
                approver_name: str = "") -> RiskAcceptance:
    """Formally accept a risk outside appetite: by the second line (the risk and performance team), never by
    the risk's own owner, with a justification and an expiry. A new acceptance replaces the one before.
    A loader (user None) names the approver and may date it (on)."""
    from organisation import access

    if user is not None and not access.is_performance_officer(user):
        raise RecordError("Only the second line (the risk and performance team) can accept a risk")
    if user is None and not approver_name.strip():
        raise RecordError("An acceptance names who gave it")
    if user is not None:
        on = None  # a person accepts today
    risk = Risk.objects.select_for_update(of=("self",)).get(pk=risk.pk)
    if _owns(user, risk):
        raise RecordError(f"You own {risk.reference}: its acceptance must come from someone else in the second line")
    if risk.status != Risk.Status.OPEN:
        raise RecordError(f"{risk.reference} is closed: there is nothing to accept")
    judged = latest_judgement(risk)
    if judged is None or not judged.outside_appetite:
        raise RecordError(f"{risk.reference} is not outside appetite"
                          + (f" in {judged.quarter.label}" if judged else "") + ": there is nothing to accept")
    today = on or clock.today()
    errors = {}
    justification = (justification or "").strip()
    try:
        if not justification:
            raise parsing.InvalidValue("say why the council accepts this risk as it is")
        parsing.check_text(justification, what="justification")
    except parsing.InvalidValue as exc:
        errors["justification"] = str(exc)
    try:
        parsing.check_date(expires, what="expiry", today=today)
        problem = assurance.check_acceptance(today, expires)
        if problem:
            errors["expires"] = problem
    except parsing.InvalidValue as exc:
        errors["expires"] = str(exc)
    if errors:
        raise InvalidWrite(errors, risk.reference)
    name = user_name(user) if user is not None else approver_name.strip()[:255]
    for earlier in RiskAcceptance.objects.filter(risk=risk, withdrawn_on__isnull=True):
        earlier.withdrawn_on, earlier.withdrawn_by_name = today, name
        earlier._history_user = user
        earlier._change_reason = "replaced by a new acceptance"
        earlier.save()
    acceptance = RiskAcceptance(risk=risk, accepted_by=user, accepted_by_name=name,
                                justification=justification, accepted_on=today, expires=expires,
                                likelihood=judged.likelihood, impact=judged.impact)
    acceptance._history_user = user
    acceptance.save()
    audit.record(user=user, action=Action.CHANGED, object_type="Risk", object_label=risk.reference,
                 detail=f"accepted outside appetite at {judged.likelihood} x {judged.impact} until "
                        f"{expires:%-d %B %Y}", reason=justification, about="risk", about_id=risk.pk)
    judging.touched([risk.pk])
    summaries.changed()
    return acceptance


@transaction.atomic
@judging.deferring
def acceptance_withdraw(*, user, risk: Risk, reason: str) -> RiskAcceptance:
    from organisation import access

    if not access.is_performance_officer(user):
        raise RecordError("Only the second line (the risk and performance team) can withdraw an acceptance")
    acceptance = RiskAcceptance.objects.select_for_update().filter(risk=risk, withdrawn_on__isnull=True).order_by(
        "-accepted_on", "-pk").first()
    if acceptance is None:
        raise RecordError(f"{risk.reference} has no acceptance in force")
    reason = (reason or "").strip()
    try:
        if not reason:
            raise parsing.InvalidValue("say why the acceptance is withdrawn")
        parsing.check_text(reason, limit=2000, what="reason")
    except parsing.InvalidValue as exc:
        raise InvalidWrite({"reason": str(exc)}, risk.reference) from None
    acceptance.withdrawn_on, acceptance.withdrawn_by_name = clock.today(), user_name(user)
    acceptance._history_user = user
    acceptance._change_reason = reason
    acceptance.save()
    audit.record(user=user, action=Action.CHANGED, object_type="Risk", object_label=risk.reference,
                 detail="acceptance withdrawn", reason=reason, about="risk", about_id=risk.pk)
    judging.touched([risk.pk])
    summaries.changed()
    return acceptance
