"""Writes for risk registers: the only code that changes risks, reviews, actions and scoring schemes.

Forms, the import pipeline, the admin and the loaders call these. A review
in a locked quarter never changes; each review keeps the scheme it was scored
on, so a switch of scheme re-scores open quarters only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from organisation import audit, parsing, summaries
from organisation.models import ReportingPeriod
from organisation.records import (
    ConcurrentEdit,
    Conflict,
    InvalidWrite,
    RecordError,
    ensure_open,
    ensure_started,
    insert,
    lock_periods,
    stale,
    user_name,
)

from . import judging, scoring, validation
from .models import Risk, RiskAction, RiskReview, ScoringScheme

Action = audit.Action
LADDER = [Risk.Register.SERVICE, Risk.Register.DIRECTORATE, Risk.Register.CORPORATE]
RISK_FIELDS = ("reference", "title", "description", "causes", "consequences", "kind", "register", "directorate",
               "service_area", "risk_owner", "action_owner", "portfolio", "strategy_themes", "treatment",
               "date_identified", "exempt", "exempt_paragraph")
REVIEW_FIELDS = ("likelihood", "impact", "tolerance_likelihood", "tolerance_impact", "inherent_likelihood",
                 "inherent_impact", "controls", "actions", "next_review_date")


@dataclass
class ReviewInput:
    likelihood: int
    impact: int
    tolerance_likelihood: int
    tolerance_impact: int
    inherent_likelihood: int | None = None
    inherent_impact: int | None = None
    controls: str = ""
    actions: str = ""
    next_review_date: date | None = None
    comment: str = ""  # the reviewer's note (the review form's; imports leave it as it is)
    # The fields given (an import may leave optional columns out: they keep their stored values).
    given: frozenset[str] = field(default=frozenset(REVIEW_FIELDS))
    unchanged: bool = False  # "reviewed, no change": the quarter before's scores, confirmed


def active_scheme() -> ScoringScheme:
    scheme = ScoringScheme.current()
    if scheme is None:
        raise RecordError("There is no risk scoring scheme: add one in the admin")
    return scheme


@transaction.atomic
@judging.deferring
def review_save(*, user, risk: Risk, period: ReportingPeriod, version: int | None, data: ReviewInput,
                reason: str = "") -> RiskReview:
    """Record (or correct) a risk's review for an open quarter, scored on the active scheme."""
    periods = lock_periods([period.pk])
    ensure_open(periods[period.pk])
    ensure_started(period, "reviews")
    if period.is_year:
        raise RecordError("A review is for a quarter, not a whole year")
    review = RiskReview.objects.select_for_update(of=("self",)).filter(risk=risk, period=period).select_related(
        "reviewed_by").first()
    if stale({risk.pk: review} if review else {}, {risk.pk: version}):
        raise ConcurrentEdit([Conflict(key=risk, theirs=review, by=user_name(review.reviewed_by)
                                       if review and review.reviewed_by else "someone else")])
    if risk.status != Risk.Status.OPEN:
        raise RecordError(f"{risk.reference} is closed: reopen it before reviewing it")
    scheme = active_scheme()
    values = {name: getattr(data, name) for name in data.given}
    scores, errors = validation.check_scores(scheme.scheme, risk.kind, {
        k: v for k, v in values.items() if k in REVIEW_FIELDS[:6]})
    if "comment" in data.given:
        values["comment"] = data.comment or ""
    errors.update(validation.check_texts({k: v for k, v in values.items() if k in ("controls", "actions", "comment")},
                                         validation.REVIEW_TEXT_LIMITS))
    problem = validation.check_next_review(values.get("next_review_date"), period.end, period.label)
    if problem:
        errors["next_review_date"] = problem
    if errors:
        raise InvalidWrite(errors, risk.reference)
    is_new = review is None
    review = review or RiskReview(risk=risk, period=period, version=0)
    for name, value in values.items():
        setattr(review, name, scores.get(name, value))
    review.scheme = scheme
    review.unchanged = data.unchanged
    review.reviewed_by, review.reviewed_at = (user if getattr(user, "is_authenticated", False) else None,
                                              timezone.now())
    review.reviewed_by_name = user_name(user) if review.reviewed_by else ""
    review.version += 1
    review._history_user = user
    review._change_reason = reason or "reviewed"
    if is_new:
        insert(review, Conflict(key=risk, theirs=None))
    else:
        review.save()
    from . import controls

    controls.carry_forward(risk, period)  # the controls are reviewed with the risk: the quarter has its own
    return review


def review_unchanged(*, user, risk: Risk, period: ReportingPeriod, comment: str) -> RiskReview:
    """ "Reviewed, no change": this quarter's review is the last quarter's scores, controls, actions and next
    review date, confirmed by the reviewer with a comment. Refused where there is nothing earlier to confirm,
    or where this quarter already has a review (change that one instead)."""
    comment = (comment or "").strip()
    if not comment:
        raise InvalidWrite({"comment": "Say what was checked and why nothing has changed"}, risk.reference)
    if RiskReview.objects.filter(risk=risk, period=period).exists():
        raise RecordError(f"{risk.reference} already has a review for {period.label}: change it on the form")
    earlier = RiskReview.objects.filter(risk=risk).filter(
        Q(period__year__lt=period.year) | Q(period__year=period.year, period__quarter__lt=period.quarter)
    ).order_by("-period__year", "-period__quarter").select_related("period").first()
    if earlier is None:
        raise RecordError(f"{risk.reference} has no earlier review to confirm: score it on the form")
    next_review = earlier.next_review_date if earlier.next_review_date and earlier.next_review_date > period.end \
        else None
    data = ReviewInput(**{name: getattr(earlier, name) for name in REVIEW_FIELDS if name != "next_review_date"},
                       next_review_date=next_review, comment=comment, unchanged=True,
                       given=frozenset(REVIEW_FIELDS) | {"comment"})
    return review_save(user=user, risk=risk, period=period, version=0, data=data,
                       reason=f"reviewed, no change since {earlier.period.label}")


def _check_risk(risk: Risk) -> None:
    errors = validation.check_risk({name: getattr(risk, name) for name in (
        "reference", "title", *validation.RISK_TEXT_LIMITS, "exempt_paragraph", "date_identified")})
    if risk.kind not in Risk.Kind.values:
        errors["kind"] = f'"{risk.kind}" is not allowed: use threat or opportunity'
    if risk.register not in Risk.Register.values:
        errors["register"] = f'"{risk.register}" is not a register: use service, directorate or corporate'
    if risk.service_area_id and risk.directorate_id and risk.service_area.directorate_id != risk.directorate_id:
        errors["service_area"] = f"{risk.service_area.name} is not in {risk.directorate.name}"
    if risk.register == Risk.Register.SERVICE and not risk.service_area_id:
        errors["service_area"] = "a service-level risk needs its service area"
    clash = Risk.objects.filter(reference__iexact=risk.reference).exclude(pk=risk.pk).first()
    if clash is not None and "reference" not in errors:
        errors["reference"] = f"a risk with the reference {clash.reference} already exists"
    if errors:
        raise InvalidWrite(errors, risk.reference)


@transaction.atomic
@judging.deferring
def risk_save(*, user, risk: Risk, reason: str = "", via: str = "", expected_version: int | None = None) -> Risk:
    """Create or change a risk's own record (title, owners, register, exempt...). expected_version: the version
    the form was opened on; a save made by someone else since is refused (ConcurrentEdit)."""
    _check_risk(risk)
    before = Risk.objects.select_for_update(of=("self",)).get(pk=risk.pk) if risk.pk else None
    if before is not None and expected_version is not None and before.version != expected_version:
        last = before.history.order_by("-history_date").select_related("history_user").first()
        raise ConcurrentEdit([Conflict(key=risk.reference, theirs=before,
                                       by=user_name(last.history_user) if last else "someone else")])
    risk._history_user = user
    risk._change_reason = reason or via or ("created" if before is None else "changed")
    if before is None:
        risk.version = 1
        insert(risk, Conflict(key=risk.reference, theirs=None))
    else:
        risk.version = before.version + 1
        risk.save()
    # Every change to a risk's record is in the audit trail (its kind, title, owners, register, exemption...),
    # by any route; a new risk too.
    detail = audit.changes(audit.field_values(before, RISK_FIELDS) if before else {},
                           audit.field_values(risk, RISK_FIELDS))
    if via == "admin":
        action = Action.ADMIN_ADDED if before is None else Action.ADMIN_CHANGED
    else:
        action = Action.CREATED if before is None else Action.CHANGED
    if detail:
        audit.record(user=user, action=action, object_type="Risk", object_label=risk.reference, detail=detail,
                     reason=reason, about="risk", about_id=risk.pk)
    return risk


@transaction.atomic
@judging.deferring
def risk_move(*, user, risk: Risk, up: bool) -> Risk:
    """Escalate one level up the registers (service -> directorate -> corporate), or back down."""
    risk = Risk.objects.select_for_update(of=("self",)).get(pk=risk.pk)
    position = LADDER.index(risk.register) + (1 if up else -1)
    if not 0 <= position < len(LADDER):
        raise RecordError(f"{risk.reference} is already on the {risk.get_register_display().lower()} register")
    before = risk.get_register_display()
    risk.register = LADDER[position]
    risk.version += 1
    risk._history_user = user
    risk._change_reason = "escalated" if up else "de-escalated"
    risk.save()
    audit.record(user=user, action=Action.CHANGED, object_type="Risk", object_label=risk.reference,
                 detail=f"register: {before} -> {risk.get_register_display()} "
                        f"({'escalated' if up else 'de-escalated'})", about="risk", about_id=risk.pk)
    return risk


@transaction.atomic
@judging.deferring
def risk_set_status(*, user, risk: Risk, status: str, reason: str = "") -> Risk:
    """Close a risk (it is retired: off the registers from now on, kept in history and past reports), or reopen it."""
    if status not in Risk.Status.values:
        raise RecordError(f'"{status}" is not a risk status')
    risk = Risk.objects.select_for_update(of=("self",)).get(pk=risk.pk)
    if risk.status == status:
        return risk
    risk.status = status
    risk.version += 1
    risk._history_user = user
    risk._change_reason = "closed" if status == Risk.Status.CLOSED else "reopened"
    risk.save()
    audit.record(user=user, action=Action.RETIRED if status == Risk.Status.CLOSED else Action.REINSTATED,
                 object_type="Risk", object_label=risk.reference, reason=reason, about="risk", about_id=risk.pk)
    return risk


@transaction.atomic
def risk_delete(*, user, risk: Risk, via: str = "") -> None:
    """Only a risk with no reviews or actions can be deleted; others are closed (retired)."""
    risk = Risk.objects.select_for_update(of=("self",)).get(pk=risk.pk)
    if risk.reviews.exists() or risk.action_items.exists():
        raise RecordError(f"{risk.reference} has reviews or actions, so it is kept: close it instead")
    risk._history_user = user
    audit.record(user=user, action=Action.ADMIN_DELETED if via == "admin" else Action.DELETED, object_type="Risk",
                 object_label=risk.reference, detail=risk.title, about="risk", about_id=risk.pk)
    risk.delete()


@transaction.atomic
def action_save(*, user, action: RiskAction, via: str = "") -> RiskAction:
    errors = validation.check_texts({"description": action.description, "owner": action.owner},
                                    {"description": 4000, "owner": 200})
    if not (action.description or "").strip():
        errors["description"] = "describe the action"
    try:
        parsing.check_date(action.due_date, what="due date")
    except parsing.InvalidValue as exc:
        errors["due_date"] = str(exc)
    if action.status not in RiskAction.Status.values:
        errors["status"] = "choose open or done"
    if errors:
        raise InvalidWrite(errors)
    before = RiskAction.objects.filter(pk=action.pk).first() if action.pk else None
    action._history_user = user
    action.save()
    if via == "admin":
        fields = ("description", "owner", "due_date", "status")
        audit.record(user=user, action=Action.ADMIN_ADDED if before is None else Action.ADMIN_CHANGED,
                     object_type="Risk action", object_label=f"{action.risk.reference}: {action.description[:60]}",
                     detail=audit.changes(audit.field_values(before, fields) if before else {},
                                          audit.field_values(action, fields)), about="risk", about_id=action.risk_id)
    return action


@transaction.atomic
def action_delete(*, user, action: RiskAction) -> None:
    label = f"{action.risk.reference}: {action.description[:60]}"
    risk_id = action.risk_id
    action._history_user = user
    action.delete()
    audit.record(user=user, action=Action.ADMIN_DELETED, object_type="Risk action", object_label=label,
                 about="risk", about_id=risk_id)


# --- scoring schemes -------------------------------------------------------------------------------

@dataclass
class SwitchResult:
    scheme: ScoringScheme
    rescored: int  # reviews of open quarters now scored on the new scheme
    off_scale: list[RiskReview]  # open quarters' reviews whose scores are not on the new scheme's scales


@transaction.atomic
def scheme_activate(*, user, scheme: ScoringScheme, reason: str = "") -> SwitchResult:
    """Make a scheme the active one. It applies to open quarters only: their reviews whose scores are on
    the new scales are re-scored on it; the others are listed for review (they keep the old scheme until
    re-scored). Locked quarters keep the scheme they were scored on."""
    schemes = list(ScoringScheme.objects.select_for_update().order_by("pk"))
    chosen = next((s for s in schemes if s.pk == scheme.pk), None)
    if chosen is None:
        raise RecordError("That scheme no longer exists")
    previous = next((s for s in schemes if s.active), None)
    open_ids = list(ReportingPeriod.objects.quarters().filter(state=ReportingPeriod.State.OPEN)
                    .values_list("pk", flat=True))
    lock_periods(open_ids)
    new = chosen.scheme
    rescored, off_scale = [], []
    for review in RiskReview.objects.filter(period_id__in=open_ids).exclude(scheme=chosen).select_related(
            "risk", "period").select_for_update(of=("self",)):
        _, errors = validation.check_scores(new, review.risk.kind, {
            name: getattr(review, name) for name in REVIEW_FIELDS[:6]})
        if errors:
            off_scale.append(review)
        else:
            review.scheme = chosen
            rescored.append(review)
    if rescored:
        bulk_update_with_history(rescored, RiskReview, ["scheme"], batch_size=500, default_user=user,
                                 default_change_reason=f"Re-scored on {chosen.name}")
    ScoringScheme.objects.exclude(pk=chosen.pk).update(active=False)
    ScoringScheme.objects.filter(pk=chosen.pk).update(active=True)
    if rescored:
        judging.touched({review.risk_id for review in rescored})
    if previous is None or previous.pk != chosen.pk or rescored:
        # Choosing the active scheme again still re-scores the reviews of a quarter reopened since.
        switch = f"{previous.name if previous else 'none'} -> {chosen.name}" if previous is None or \
            previous.pk != chosen.pk else f"{chosen.name} (already active) chosen again"
        detail = f"{switch}; {len(rescored)} open-quarter review{'s' if len(rescored) != 1 else ''} re-scored"
        if off_scale:
            # Counted, not named: the trail is read by those who may not see every register (the schemes page
            # lists the reviews to re-score for the performance officer).
            detail += f"; {len(off_scale)} review{'s' if len(off_scale) != 1 else ''} off the new scales, to re-score"
        audit.record(user=user, action=Action.SCHEME_SWITCHED, object_type="Scoring scheme",
                     object_label=chosen.name, detail=detail, reason=reason)
    from organisation import summaries

    summaries.changed()
    return SwitchResult(chosen, len(rescored), off_scale)


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_shape(definition) -> None:
    """Every number a JSON whole number (not "12" or 12.0), every label text, bands in order without gaps or
    overlaps: a stored scheme is read by every register page, so nothing odd may be stored."""
    if not isinstance(definition, dict):
        raise InvalidWrite({"definition": "the scheme must be a JSON object"})
    for key in ("likelihood", "threat_impact", "opportunity_impact"):
        pairs = definition.get(key)
        if not isinstance(pairs, list) or not pairs:
            raise InvalidWrite({"definition": f'"{key}" must be a list of [value, label] pairs'})
        for pair in pairs:
            if not (isinstance(pair, list) and len(pair) == 2 and _whole(pair[0]) and 1 <= pair[0] <= 100
                    and isinstance(pair[1], str) and pair[1].strip()):
                raise InvalidWrite({"definition": f'"{key}": {json.dumps(pair)} is not [a whole number from 1 to '
                                                  '100, "a label"]'})
        values = [pair[0] for pair in pairs]
        if len(set(values)) != len(values):
            raise InvalidWrite({"definition": f'"{key}" gives a value twice'})
    levels = definition.get("levels")
    if not isinstance(levels, list) or not levels:
        raise InvalidWrite({"definition": '"levels" must be a list of {"name", "min", "max", "colour"}'})
    expected_min = None
    for index, level in enumerate(levels):
        if not isinstance(level, dict) or not isinstance(level.get("name"), str) or not level["name"].strip() \
                or not isinstance(level.get("colour"), str):
            raise InvalidWrite({"definition": f"level {index + 1} needs a name and a colour"})
        low, high = level.get("min"), level.get("max")
        last = index == len(levels) - 1
        if not _whole(low) or (high is not None and not _whole(high)) or (high is None and not last):
            raise InvalidWrite({"definition": f'level "{level["name"]}": min and max must be whole numbers (not text '
                                              'in quotes); only the last level may have no max'})
        if high is not None and high < low:
            raise InvalidWrite({"definition": f'level "{level["name"]}": max is below min'})
        if expected_min is not None and low != expected_min:
            raise InvalidWrite({"definition": f'level "{level["name"]}" starts at {low}, but the level before it '
                                              f'ends at {expected_min - 1}: levels must follow on without gaps or '
                                              'overlaps'})
        expected_min = None if high is None else high + 1


def check_definition(definition) -> scoring.Scheme:
    _check_shape(definition)
    try:
        scheme = scoring.Scheme.from_data("check", definition)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidWrite({"definition": f"the scheme is not in the expected form ({exc}): give likelihood, "
                                          "threat_impact and opportunity_impact as [[value, label]...] and levels "
                                          "as [{name, min, max, colour}...]"}) from None
    if not scheme.likelihoods or not all(scheme.impacts.values()) or not scheme.levels:
        raise InvalidWrite({"definition": "a scheme needs likelihoods, impacts of both kinds and levels"})
    return scheme


@transaction.atomic
def scheme_save(*, user, scheme: ScoringScheme, via: str = "admin") -> ScoringScheme:
    """Add a scheme or change one; a scheme reviews were scored on keeps its scales and bands."""
    check_definition(scheme.definition)
    before = ScoringScheme.objects.select_for_update().filter(pk=scheme.pk).first() if scheme.pk else None
    if before is not None and before.definition != scheme.definition and before.reviews.exists():
        raise InvalidWrite({"definition": f"{before.name} has reviews scored on it, so its scales and bands are "
                                          "kept: add a new scheme instead"})
    if before is not None and before.active != scheme.active:
        raise InvalidWrite({"active": "choose the active scheme on the Scoring schemes page, which re-scores the "
                                      "open quarters"})
    if before is None:
        scheme.active = False
    scheme.save()
    detail = audit.changes(audit.field_values(before, ("name", "description", "definition")) if before else {},
                           audit.field_values(scheme, ("name", "description", "definition")))
    audit.record(user=user, action=Action.ADMIN_ADDED if before is None else Action.ADMIN_CHANGED,
                 object_type="Scoring scheme", object_label=scheme.name, detail=detail)
    return scheme


@transaction.atomic
def scheme_delete(*, user, scheme: ScoringScheme) -> None:
    if scheme.active:
        raise RecordError(f"{scheme.name} is the active scheme: choose another before deleting it")
    if scheme.reviews.exists():
        raise RecordError(f"{scheme.name} has reviews scored on it, so it is kept")
    audit.record(user=user, action=Action.ADMIN_DELETED, object_type="Scoring scheme", object_label=scheme.name)
    scheme.delete()


@transaction.atomic
@judging.deferring
def bulk_load(*, risks: list[Risk], reviews: list[RiskReview]) -> None:
    """For the synthetic loader only: a generated council's risks and reviews in bulk (no history)."""
    Risk.objects.bulk_create(risks)
    RiskReview.objects.bulk_create(reviews, batch_size=2000)
    judging.touched([risk.pk for risk in risks])
    from organisation import summaries

    summaries.changed()


def lock_step(user, quarter: ReportingPeriod, sign_off_submitted: bool) -> str:
    """Locking a quarter: store its register as reported - every risk on it with the review shown (its
    own, or the last carried forward), the scheme it was scored on, its previous rating and travel, and
    the register, kind, directorate and area it had. On a re-lock after a reopen, a risk whose review shown
    is the one reported at the earlier lock, unchanged since, keeps what was reported then (a move, a
    change of kind or a closure made meanwhile does not rewrite it)."""
    from django.db.models import Q

    from . import queries
    from .models import Judgement

    previous_lock = quarter.recorded_at
    earlier = {j.risk_id: j for j in Judgement.objects.filter(quarter=quarter, recorded=True)} if previous_lock else {}
    changed = set(RiskReview.history.filter(id__in=[j.review_id for j in earlier.values()],
                                            history_date__gt=previous_lock).values_list("id", flat=True)) \
        if earlier else set()
    risks = Risk.objects.filter(Q(pk__in=queries.on_register(Risk.objects.all(), quarter).values("pk"))
                                | Q(pk__in=list(earlier)))
    rows = [r for r in queries.rows_for(queries.risk_facts(risks), quarter, ids=risks.values("pk"), store=False)
            if r.review is not None]
    kept = {r.risk.pk for r in rows if r.risk.pk in earlier and earlier[r.risk.pk].review_id == r.review.pk
            and r.review.pk not in changed}
    on_now = set(queries.on_register(Risk.objects.all(), quarter).values_list("pk", flat=True))
    rows = [r for r in rows if r.risk.pk not in kept and r.risk.pk in on_now]
    Judgement.objects.filter(quarter=quarter).exclude(risk_id__in=kept).delete()
    Judgement.objects.bulk_create(judging.judgements_from(rows, quarter, recorded=True), batch_size=1000)
    from organisation import clock

    from . import audit_actions, controls
    from .models import RecordedRegister

    # Each risk's controls as the quarter shows them are kept in the quarter itself (never read from another).
    controls.carry_forward_all(quarter, on_now | kept)

    states = {reference: [status, register] for reference, status, register in
              Risk.objects.values_list("reference", "status", "register")}
    if not RecordedRegister.objects.filter(quarter=quarter).exists():  # a re-lock keeps the first lock's
        scheme = ScoringScheme.current()
        if scheme is not None:
            RecordedRegister.objects.create(
                quarter=quarter, scheme=scheme, scheme_name=scheme.name, definition=scheme.definition,
                names={str(pk): name for pk, name in ScoringScheme.objects.values_list("pk", "name")},
                risks=states, audit_actions=audit_actions.snapshot(clock.today()))  # as they stand at the lock
    else:  # the risks' states as this lock leaves them (a reopen may have closed or moved one)
        RecordedRegister.objects.filter(quarter=quarter).update(risks=states)
    total = len(rows) + len(kept)
    return f"{total} risk{'s' if total != 1 else ''} recorded on the register" + (
        f" ({len(kept)} as reported at the earlier lock)" if kept else "")


@transaction.atomic
@judging.deferring
def category_save(*, user, category, cells: dict | None = None, reason: str = ""):
    """Set a risk category's appetite: its level, statement and, per scheme, the cells of the matrix inside
    appetite (None for a scheme: they follow from the level). Open quarters' risks in the category are judged
    again; a locked quarter keeps what it reported."""
    from . import appetite
    from .models import CategoryAppetite, RiskCategory

    errors = {}
    try:
        category.name = parsing.check_name((category.name or "").strip(), what="category's name")
    except parsing.InvalidValue as exc:
        errors["name"] = str(exc)
    if category.level not in {lv.value for lv in appetite.Level}:
        errors["level"] = f'"{category.level}" is not an appetite level: use averse, minimal, cautious, open or eager'
    errors.update(validation.check_texts({"statement": category.statement or "",
                                          "description": category.description or ""},
                                         {"statement": parsing.TEXT_MAX, "description": parsing.TEXT_MAX}))
    clash = RiskCategory.objects.filter(name__iexact=category.name).exclude(pk=category.pk).first()
    if clash is not None and "name" not in errors:
        errors["name"] = f"a category called {clash.name} already exists"
    checked = {}
    schemes = {s.pk: s for s in ScoringScheme.objects.all()}
    for scheme_id, drawn in (cells or {}).items():
        if scheme_id not in schemes:
            errors["cells"] = "that scoring scheme does not exist"
            continue
        if drawn is None:
            checked[scheme_id] = None
            continue
        try:
            checked[scheme_id] = sorted(appetite.checked_cells(schemes[scheme_id].scheme, drawn))
        except ValueError as exc:
            errors["cells"] = str(exc)
    if errors:
        raise InvalidWrite(errors, category.name)
    before = RiskCategory.objects.select_for_update().filter(pk=category.pk).first() if category.pk else None
    old_name = before.name if before else category.name
    category.save()
    drawn_before = {a.scheme_id: a.cells for a in CategoryAppetite.objects.filter(category=category)}
    for scheme_id, value in checked.items():
        if value is None:
            CategoryAppetite.objects.filter(category=category, scheme_id=scheme_id).delete()
        else:
            CategoryAppetite.objects.update_or_create(category=category, scheme_id=scheme_id,
                                                      defaults={"cells": value})
    fields = ("name", "level", "statement", "active")
    detail = audit.changes(audit.field_values(before, fields) if before else {}, audit.field_values(category, fields))
    for scheme_id, value in checked.items():
        if drawn_before.get(scheme_id) != value:
            detail = (detail + "; " if detail else "") + (
                f"cells inside appetite on {schemes[scheme_id].name}: "
                + (", ".join(f"{li}x{im}" for li, im in value) if value is not None else "as the level gives"))
    audit.record(user=user, action=Action.CREATED if before is None else Action.CHANGED, object_type="Risk category",
                 object_label=category.name, detail=detail or "no change", reason=reason)
    names = {old_name.strip().lower(), category.name.strip().lower()}
    judging.touched({pk for pk, name in Risk.objects.exclude(category="").values_list("pk", "category")
                     if name.strip().lower() in names})
    summaries.changed()  # the pages and downloads cached for this data
    return category


@transaction.atomic
@judging.deferring
def risk_indicators_set(*, user, risk: Risk, codes: list[str]) -> list[str]:
    """Link a risk to its key risk indicators (the council's own indicators, by code); the links replace
    those it had. Audited with what was added and removed."""
    from kpis.models import Indicator

    wanted = []
    for code in codes:
        code = (code or "").strip()
        if not code:
            continue
        try:
            code = parsing.check_code(code, what="indicator code")
        except parsing.InvalidValue as exc:
            raise InvalidWrite({"indicators": str(exc).replace("\x00", "")}, risk.reference) from None
        if code.upper() not in {c.upper() for c in wanted}:
            wanted.append(code)
    if len(wanted) > 50:
        raise InvalidWrite({"indicators": f"{len(wanted)} indicators is too many: link at most 50"}, risk.reference)
    found = {i.code.upper(): i for i in Indicator.objects.filter(code__in=wanted)} if wanted else {}
    for code in wanted:
        if code.upper() not in found:
            match = Indicator.objects.filter(code__iexact=code).first()
            if match is None:
                raise InvalidWrite({"indicators": f'there is no indicator with the code "{code[:40]}"'},
                                   risk.reference)
            found[code.upper()] = match
    risk = Risk.objects.select_for_update().get(pk=risk.pk)
    before = set(risk.indicators.values_list("code", flat=True))
    chosen = [found[code.upper()] for code in wanted]
    risk.indicators.set(chosen)
    judging.touched([risk.pk])  # open quarters' judgements name the indicators linked
    summaries.changed()
    after = {i.code for i in chosen}
    added, removed = sorted(after - before), sorted(before - after)
    if added or removed:
        detail = "; ".join(part for part in (f"linked {', '.join(added)}" if added else "",
                                             f"unlinked {', '.join(removed)}" if removed else "") if part)
        audit.record(user=user, action=Action.CHANGED, object_type="Risk", object_label=risk.reference,
                     detail=f"key risk indicators: {detail}", about="risk", about_id=risk.pk)
    return sorted(after)
