"""Internal-audit recommendations and the management actions agreed for them (shared/domain.md, "Risk
management depth"; CIPFA's model terms of reference: the audit committee monitors their implementation).

Two sections: the services (the only code that writes a recommendation or a revision of its due date; the
forms, the import and the demo call them) and the queries (the list page, the risk page, the register's
"Audit action overdue" tag, the tasks, the export and the committee pack). The rules are in
risks/assurance.py: an open action whose due date (the latest revised one, else the first agreed) has
passed is overdue. That is worked out on the day and never stored.

Every revision of a due date is kept with its reason (risks.AuditRevision). Locking a quarter keeps the
recommendations as they stood that day (risks.RecordedRegister.audit_actions, written by
risks.services.lock_step from ``snapshot``), so a locked quarter reads what it reported, whatever is
implemented or revised afterwards; a re-lock after a reopen keeps what the first lock recorded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from organisation import access, audit, clock, parsing
from organisation.models import ReportingPeriod
from organisation.records import ConcurrentEdit, Conflict, InvalidWrite, RecordError, user_name

from . import assurance
from .models import AuditRecommendation, AuditRevision, RecordedRegister, Risk

Action = audit.Action
Status = AuditRecommendation.Status
Priority = AuditRecommendation.Priority
State = assurance.ActionState

FIELDS = ("source", "recommendation", "priority", "agreed_action", "owner", "due", "revised_due",
          "revision_reason", "status", "controls")
# What a manager of a linked risk's service area may change (organisation.access.can_update_audit_action).
MANAGER_FIELDS = ("agreed_action", "status", "revised_due", "revision_reason")
OWNER_MAX = 200
CONTROLS_MAX = 1000
MAX_RISKS = 50
PRIORITY_ORDER = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2}
STATUS_WORDS = "open, implemented or superseded"
OVERDUE_REFUSED = ('"overdue" is worked out from the due dates, never set: write open (it shows as overdue '
                   "once its due date has passed), implemented or superseded")
SPLIT = re.compile(r"[;,\s]+")  # references hold none of these (parsing.CODE)


def day(value: date | None) -> str:
    """30 June 2019."""
    return f"{value.day} {value:%B %Y}" if value else ""


def split_references(text: str) -> list[str]:
    """ "CRR9; CRR10" -> ["CRR9", "CRR10"] (formats.md separates them with ";"; a form may use commas)."""
    return [part for part in SPLIT.split(text or "") if part]


def text_key(text: str) -> str:
    """A recommendation's text as the import's key compares it: case and runs of spaces ignored."""
    return " ".join((text or "").split()).lower()


def natural_key(reference: str) -> tuple:
    return tuple(int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", reference))


def label_of(rec) -> str:
    """ "Internal audit 2018/19: ...: Check each external placement's..." for the trail and messages."""
    text = " ".join(str(rec.recommendation or "").replace("\x00", "").split())
    source = " ".join(str(rec.source or "").replace("\x00", "").split())[:120]
    return f"{source}: {text[:60]}{'...' if len(text) > 60 else ''}"


# --- services --------------------------------------------------------------------------------------------

def _risks(refs: Iterable[str] | None, errors: dict[str, str]) -> list[Risk] | None:
    """The risks the references name (case-insensitively), in the order given; None: keep the links."""
    if refs is None:
        return None
    wanted: list[str] = []
    for ref in refs:
        ref = (ref or "").strip()
        if not ref:
            continue
        try:
            ref = parsing.check_code(ref, what="risk reference")
        except parsing.InvalidValue as exc:
            errors["risks"] = str(exc).replace("\x00", "")
            return None
        if ref.upper() not in {w.upper() for w in wanted}:
            wanted.append(ref)
    if len(wanted) > MAX_RISKS:
        errors["risks"] = f"{len(wanted)} risks is too many: link at most {MAX_RISKS}"
        return None
    if not wanted:
        return []
    query = Q()
    for ref in wanted:
        query |= Q(reference__iexact=ref)
    found = {risk.reference.upper(): risk for risk in Risk.objects.filter(query)}
    missing = [ref for ref in wanted if ref.upper() not in found]
    if missing:
        errors["risks"] = (f'there is no risk with the reference "{missing[0]}"' if len(missing) == 1 else
                           "there are no risks with the references " + ", ".join(f'"{m}"' for m in missing[:10]))
        return None
    return [found[ref.upper()] for ref in wanted]


def validate(rec: AuditRecommendation, *, before: AuditRecommendation | None, risk_refs: Iterable[str] | None,
             today: date) -> tuple[dict[str, str], list[Risk] | None]:
    """Every check of a recommendation about to be saved, as {field: message} (the fields are the import's
    columns), with the linked risks the references name. ``before``: the stored recommendation (None: a new
    one). Tidies the texts in place (surrounding spaces)."""
    errors: dict[str, str] = {}

    def check(name: str, func, *args, **kwargs) -> None:
        try:
            func(*args, **kwargs)
        except parsing.InvalidValue as exc:
            errors.setdefault(name, str(exc).replace("\x00", ""))

    for name in ("source", "recommendation", "agreed_action", "owner", "revision_reason", "controls"):
        value = getattr(rec, name)
        setattr(rec, name, "" if value is None else str(value).strip())
    if not rec.source:
        errors["source"] = "enter the audit report the recommendation comes from"
    check("source", parsing.check_name, rec.source, what="source")
    if not rec.recommendation:
        errors["recommendation"] = "enter the recommendation"
    check("recommendation", parsing.check_text, rec.recommendation, what="recommendation")
    check("agreed_action", parsing.check_text, rec.agreed_action, what="agreed action")
    check("owner", parsing.check_name, rec.owner, limit=OWNER_MAX, what="owner")
    check("revision_reason", parsing.check_text, rec.revision_reason, what="revision reason")
    check("controls", parsing.check_name, rec.controls, limit=CONTROLS_MAX, what="list of controls")
    if rec.priority not in Priority.values:
        errors["priority"] = (f'"{str(rec.priority)[:40]}" is not a priority: use high, medium or low'
                              if rec.priority else "enter the priority: high, medium or low")
    if rec.status not in Status.values:
        errors["status"] = OVERDUE_REFUSED if rec.status == State.OVERDUE else (
            f'"{str(rec.status)[:40]}" is not a status: use {STATUS_WORDS}' if rec.status
            else f"enter the status: {STATUS_WORDS}")
    for name, what in (("due", "due date"), ("revised_due", "revised due date")):
        value = getattr(rec, name)
        if value is not None and not isinstance(value, date):
            errors[name] = f"the {what} is not a date"
        else:
            check(name, parsing.check_date, value, what=what, today=today)
    # A revised due date: a new date, with its own reason; once agreed it is kept (revise it again instead).
    old_revised = before.revised_due if before is not None else None
    old_reason = before.revision_reason if before is not None else ""
    if "revised_due" not in errors and "due" not in errors:
        if rec.revised_due != old_revised:
            current = old_revised or rec.due
            if rec.revised_due is None:
                errors["revised_due"] = (f"the due date was revised to {day(old_revised)}, and a revision is kept "
                                         "with its reason: give the date now agreed instead of clearing it")
            elif rec.due is None:
                errors["due"] = "enter the due date first agreed before revising it"
            elif rec.revised_due == current:
                errors["revised_due"] = (f"{day(current)} is the date already agreed: give the new date, or leave "
                                         "the revised due date as it was")
            elif not rec.revision_reason:
                errors["revision_reason"] = "give the reason the due date was revised"
            elif old_revised is not None and rec.revision_reason == old_reason:
                errors["revision_reason"] = ("give the reason for this revision (the one given is the reason for "
                                             f"the revision to {day(old_revised)})")
        elif rec.revision_reason != old_reason and "revision_reason" not in errors:
            errors["revision_reason"] = ("a reason goes with a new revised due date: change the revised due date "
                                         "too, or leave the reason as it was")
    if "source" not in errors and "recommendation" not in errors:
        key = text_key(rec.recommendation)
        for other in AuditRecommendation.objects.filter(source__iexact=rec.source).exclude(
                pk=rec.pk).only("pk", "recommendation"):
            if text_key(other.recommendation) == key:
                errors["recommendation"] = (f"{rec.source[:80]} already has this recommendation: change that one "
                                            "instead")
                break
    risks = _risks(risk_refs, errors)
    return errors, risks


@transaction.atomic
def recommendation_save(*, user, rec: AuditRecommendation, risk_refs: Iterable[str] | None = None,
                        reason: str = "", expected_version: int | None = None,
                        via: str = "") -> AuditRecommendation:
    """Add or change an internal-audit recommendation. risk_refs: the linked risks' references (None keeps
    the links as they are). expected_version: the version the form was opened on; a save made by someone
    else since is refused (ConcurrentEdit). A changed revised due date needs its reason and is kept as an
    AuditRevision; implemented sets implemented_on to today, and leaving implemented clears it. Audited;
    a save that changes nothing writes nothing."""
    today = clock.today()
    before = None
    if rec.pk:
        before = AuditRecommendation.objects.select_for_update().filter(pk=rec.pk).first()
        if before is None:
            raise RecordError("This recommendation is no longer there: nothing was saved")
        if expected_version is not None and before.version != expected_version:
            last = before.history.order_by("-history_date", "-history_id").select_related("history_user").first()
            raise ConcurrentEdit([Conflict(key=label_of(before), theirs=before,
                                           by=user_name(last.history_user) if last and last.history_user
                                           else "someone else")])
    errors, risks = validate(rec, before=before, risk_refs=risk_refs, today=today)
    if errors:
        raise InvalidWrite(errors, label_of(rec) if rec.source else "")
    if rec.status == Status.IMPLEMENTED:
        kept = before is not None and before.status == Status.IMPLEMENTED and before.implemented_on
        rec.implemented_on = before.implemented_on if kept else today
    else:
        rec.implemented_on = None
    names = FIELDS + ("implemented_on",)
    old = audit.field_values(before, names) if before is not None else {}
    new = audit.field_values(rec, names)
    if before is None:
        new = {name: value for name, value in new.items() if value not in (None, "")}
    refs_before = sorted(before.risks.values_list("reference", flat=True), key=natural_key) if before else []
    refs_after = refs_before if risks is None else sorted((r.reference for r in risks), key=natural_key)
    detail = audit.changes(old, new)
    if refs_after != refs_before:
        detail = "; ".join(part for part in (detail, f"risks: {', '.join(refs_before) or 'none'} -> "
                                                     f"{', '.join(refs_after) or 'none'}") if part)
    if before is not None and not detail:
        return before
    revised = rec.revised_due is not None and rec.revised_due != (before.revised_due if before else None)
    previous_due = before.revised_due if before is not None and before.revised_due else rec.due
    rec.version = before.version + 1 if before is not None else 1
    rec._history_user = user if getattr(user, "is_authenticated", False) else None
    rec._change_reason = (reason or via or ("created" if before is None else "changed"))[:100]
    rec.save()
    if risks is not None and refs_after != refs_before:
        rec.risks.set(risks)
    if revised:
        AuditRevision.objects.create(recommendation=rec, previous_due=previous_due, revised_due=rec.revised_due,
                                     reason=rec.revision_reason, by_name=user_name(user), at=timezone.now())
    audit.record(user=user, action=Action.CREATED if before is None else Action.CHANGED,
                 object_type="Audit recommendation", object_label=label_of(rec), detail=detail,
                 reason=reason if reason != via else "")
    from organisation import summaries

    summaries.changed()  # the tasks are kept in the summaries cache
    return rec


# --- queries ---------------------------------------------------------------------------------------------

def _overdue(today: date, prefix: str = "") -> Q:
    """Open, and the due date (the latest revised one, else the first) has passed: assurance.action_state,
    in the database."""
    return Q(**{f"{prefix}status": Status.OPEN}) & (
        Q(**{f"{prefix}revised_due__lt": today})
        | Q(**{f"{prefix}revised_due__isnull": True, f"{prefix}due__lt": today}))


def visible(user) -> QuerySet[AuditRecommendation]:
    """The recommendations a user reads: every one for the performance officer, the executive and the audit
    committee; a service manager, those linked to a risk of an area they manage."""
    found = AuditRecommendation.objects.all()
    if access.reads_every_audit_action(user):
        return found
    areas = access.managed_service_area_ids(user) if access.is_service_manager(user) else frozenset()
    if not areas:
        return found.none()
    through = AuditRecommendation.risks.through
    return found.filter(Exists(through.objects.filter(auditrecommendation_id=OuterRef("pk"),
                                                      risk__service_area_id__in=areas)))


# The list page's status filter: the states as said on the page (overdue is derived).
STATUS_FILTERS = {
    "outstanding": "Outstanding (open or overdue)",
    "overdue": "Overdue",
    "open": "Open, not yet overdue",
    "implemented": "Implemented",
    "superseded": "Superseded",
}
_RANKS = {"overdue": (0,), "open": (1,), "outstanding": (0, 1), "implemented": (2,), "superseded": (3,)}


def listing(user, today: date, *, status: str = "", priority: str = "") -> QuerySet[AuditRecommendation]:
    """The recommendations the user reads, filtered, overdue first (the longest overdue first), then open ones
    by due date, then implemented and superseded ones; counted and paged in the database."""
    found = visible(user).annotate(
        due_by=Coalesce("revised_due", "due"),
        rank=Case(When(_overdue(today), then=Value(0)), When(status=Status.OPEN, then=Value(1)),
                  When(status=Status.IMPLEMENTED, then=Value(2)), default=Value(3), output_field=IntegerField()))
    if status:
        found = found.filter(rank__in=_RANKS[status])
    if priority:
        found = found.filter(priority=priority)
    return found.order_by("rank", F("due_by").asc(nulls_last=True), "pk")


@dataclass(frozen=True)
class LinkedRisk:
    reference: str
    title: str  # blank where this reader may not see it (an exempt risk without Part B, or a risk not theirs)
    openable: bool  # whether this reader may open the risk's page


@dataclass
class Row:
    """A recommendation as a page shows it to one reader, live or as a locked quarter recorded it."""

    pk: int | None
    source: str
    recommendation: str
    priority: str
    agreed_action: str
    owner: str
    due: date | None
    revised_due: date | None
    revision_reason: str
    status: str
    implemented_on: date | None
    state: State
    days_overdue: int
    risks: list[LinkedRisk] = field(default_factory=list)
    controls: str = ""
    version: int = 0

    @property
    def priority_label(self) -> str:
        return Priority(self.priority).label if self.priority in Priority.values else self.priority

    @property
    def due_by(self) -> date | None:
        return assurance.due_date(self.due, self.revised_due)

    @property
    def overdue(self) -> bool:
        return self.state is State.OVERDUE

    @property
    def references(self) -> str:
        return ", ".join(r.reference for r in self.risks)


def _linked(user, risks: Iterable[dict]) -> list[LinkedRisk]:
    exempt_readable = access.can_view_exempt(user)
    out = []
    for risk in sorted(risks, key=lambda r: natural_key(r["reference"])):
        openable = access.can_view_risk(user, risk["register"], risk["service_area_id"])
        shown = openable and (not risk["exempt"] or exempt_readable)
        out.append(LinkedRisk(risk["reference"], risk["title"] if shown else "", openable))
    return out


def _risk_facts(risk: Risk) -> dict:
    return {"id": risk.pk, "reference": risk.reference, "title": risk.title, "exempt": risk.exempt,
            "register": risk.register, "service_area_id": risk.service_area_id}


def _prefetch() -> Prefetch:
    return Prefetch("risks", queryset=Risk.objects.only("pk", "reference", "title", "exempt", "register",
                                                        "service_area_id"))


def row_of(rec: AuditRecommendation, user, today: date) -> Row:
    """One live recommendation (its risks prefetched, or read here) as the user may see it."""
    return Row(
        pk=rec.pk, source=rec.source, recommendation=rec.recommendation, priority=rec.priority,
        agreed_action=rec.agreed_action, owner=rec.owner, due=rec.due, revised_due=rec.revised_due,
        revision_reason=rec.revision_reason, status=rec.status, implemented_on=rec.implemented_on,
        state=assurance.action_state(rec.status, rec.due, rec.revised_due, today),
        days_overdue=_days_overdue(rec.status, rec.due, rec.revised_due, today),
        risks=_linked(user, [_risk_facts(r) for r in rec.risks.all()]), controls=rec.controls, version=rec.version)


def _days_overdue(status: str, due: date | None, revised_due: date | None, today: date) -> int:
    if assurance.action_state(status, due, revised_due, today) is not State.OVERDUE:
        return 0
    return assurance.days_overdue(due, revised_due, today)


def rows_of(recs: Iterable[AuditRecommendation], user, today: date) -> list[Row]:
    """The page's recommendations with their linked risks (one query for all of them)."""
    recs = list(recs)
    if recs:
        from django.db.models import prefetch_related_objects

        prefetch_related_objects(recs, _prefetch())
    return [row_of(rec, user, today) for rec in recs]


def for_risk(risk: Risk, user, today: date) -> list[Row]:
    """A risk's linked recommendations, overdue first: for its page (two queries)."""
    recs = risk.audit_recommendations.prefetch_related(_prefetch()).annotate(
        rank=Case(When(_overdue(today), then=Value(0)), When(status=Status.OPEN, then=Value(1)), default=Value(2),
                  output_field=IntegerField()), due_by=Coalesce("revised_due", "due")).order_by(
        "rank", F("due_by").asc(nulls_last=True), "pk")
    return [row_of(rec, user, today) for rec in recs]


def revisions_of(rec: AuditRecommendation) -> list[AuditRevision]:
    return list(rec.revisions.order_by("at", "pk"))


# --- a locked quarter's record ---------------------------------------------------------------------------

def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def snapshot(today: date) -> list[dict]:
    """Every recommendation as it stands today, for a quarter's record at its lock (services.lock_step): its
    fields, its state and days overdue on the day, and its linked risks as they were named then."""
    return entries_of(AuditRecommendation.objects.all(), today)


def recorded(quarter: ReportingPeriod) -> list[dict] | None:
    """What a locked quarter recorded at its lock (one query); None where it kept no record (not locked, or
    locked before the record was kept)."""
    if not quarter.is_locked:
        return None
    found = RecordedRegister.objects.filter(quarter=quarter).values_list("audit_actions", flat=True).first()
    return found if isinstance(found, list) else None


def recorded_as_at(entries: list[dict] | None) -> date | None:
    return _date(entries[0].get("as_at")) if entries else None


def _entry_visible(user, entry: dict) -> bool:
    if access.reads_every_audit_action(user):
        return True
    return access.can_view_audit_action(user, {r.get("service_area_id") for r in entry.get("risks", [])})


def rows_recorded(entries: list[dict], user, *, status: str = "", priority: str = "") -> list[Row]:
    """A locked quarter's recorded recommendations as the list page shows them to the user, filtered, in the
    order of the live list."""
    out = []
    # A risk exempt at the lock or made exempt since: its title is for readers of Part B only (one query).
    exempt_now = set() if access.can_view_exempt(user) else set(Risk.objects.filter(
        pk__in={r.get("id") for e in entries for r in e.get("risks", [])}, exempt=True).values_list("pk", flat=True))
    for entry in entries:
        if exempt_now:
            entry = entry | {"risks": [r | {"exempt": True} if r.get("id") in exempt_now else r
                                       for r in entry.get("risks", [])]}
        if not _entry_visible(user, entry):
            continue
        state = State(entry["state"])
        rank = {State.OVERDUE: 0, State.OPEN: 1, State.IMPLEMENTED: 2}.get(state, 3)
        if status and rank not in _RANKS[status]:
            continue
        if priority and entry["priority"] != priority:
            continue
        out.append((rank, -entry.get("days_overdue", 0), entry.get("revised_due") or entry.get("due") or "9999",
                    entry["id"], Row(
                        pk=entry["id"], source=entry["source"], recommendation=entry["recommendation"],
                        priority=entry["priority"], agreed_action=entry["agreed_action"], owner=entry["owner"],
                        due=_date(entry["due"]), revised_due=_date(entry["revised_due"]),
                        revision_reason=entry["revision_reason"], status=entry["status"],
                        implemented_on=_date(entry.get("implemented_on")), state=state,
                        days_overdue=entry.get("days_overdue", 0), risks=_linked(user, entry.get("risks", [])),
                        controls=entry.get("controls", ""))))
    out.sort(key=lambda item: item[:4])
    return [item[-1] for item in out]


# --- the register, the tasks and the committee pack ------------------------------------------------------

def overdue_risk_ids(risk_ids: Iterable[int], quarter: ReportingPeriod, today: date) -> set[int]:
    """Of these risks, those with an overdue agreed action: as the quarter recorded it at its lock for a
    locked quarter, else on the day. One query, whatever the number of risks."""
    ids = set(risk_ids)
    if not ids:
        return set()
    if quarter.is_locked:
        return {risk["id"] for entry in recorded(quarter) or [] if entry.get("state") == State.OVERDUE
                for risk in entry.get("risks", []) if risk.get("id") in ids}
    through = AuditRecommendation.risks.through
    return set(through.objects.filter(_overdue(today, "auditrecommendation__"), risk_id__in=ids)
               .values_list("risk_id", flat=True).distinct())


def tasks(today: date, owners: dict[int, tuple[int, ...]], officers: tuple[int, ...], areas: dict) -> list:
    """Each overdue agreed action is a task for the people of its first linked risk's service area (else the
    performance officers), linking to its page. Two queries."""
    from django.urls import reverse

    from organisation.reminders import Task

    overdue = list(AuditRecommendation.objects.filter(_overdue(today)).values_list(
        "pk", "source", "due", "revised_due").order_by("pk"))
    if not overdue:
        return []
    through = AuditRecommendation.risks.through
    linked: dict[int, list[tuple[str, int | None]]] = {}
    for rec_id, reference, area_id in through.objects.filter(
            auditrecommendation_id__in=[pk for pk, *_ in overdue]).values_list(
            "auditrecommendation_id", "risk__reference", "risk__service_area_id"):
        linked.setdefault(rec_id, []).append((reference, area_id))
    out = []
    for pk, source, due, revised_due in overdue:
        by = assurance.due_date(due, revised_due)
        risks = sorted(linked.get(pk, []), key=lambda r: natural_key(r[0]))
        area_id = risks[0][1] if risks else None
        references = f" ({', '.join(r for r, _ in risks)})" if risks else ""
        out.append(Task(
            key=f"audit-action:{pk}:{by:%Y%m%d}", title=f"Agreed action overdue: {source}{references}, due {day(by)}",
            due=by, url=reverse("risks:audit_action", args=[pk]), area_id=area_id,
            area=areas[area_id].name if area_id in areas else "",
            people=(owners.get(area_id) if area_id is not None else None) or officers, kind="audit-action"))
    return out


@dataclass(frozen=True)
class PackRow:
    """An overdue agreed action as the committee pack reports it."""

    source: str
    recommendation: str
    priority: str  # "High"
    owner: str
    due: str  # as shown: "30 June 2019 (revised from 31 March 2019)"
    days_overdue: int
    risks: tuple[str, ...]  # the linked risks' references, in natural order
    agreed_action: str = ""
    due_date: date | None = None  # the date it is due by now (the latest revised one, else the first)
    revision_reason: str = ""
    exempt: bool = False  # linked to an exempt risk


def due_shown(due: date | None, revised_due: date | None) -> str:
    if revised_due and due:
        return f"{day(revised_due)} (revised from {day(due)})"
    return day(revised_due or due) or "no date agreed"


def overdue_for_pack(quarter: ReportingPeriod) -> list[PackRow]:
    """The agreed actions overdue in a quarter's committee pack, the longest overdue first: for a locked
    quarter as its lock recorded them (none where it kept no record), for an open one as they stand today."""
    if quarter.is_locked:
        entries = [e for e in recorded(quarter) or [] if e.get("state") == State.OVERDUE]
    else:
        today = clock.today()
        entries = entries_of(AuditRecommendation.objects.filter(_overdue(today)), today)
    rows = [PackRow(
        source=e["source"], recommendation=e["recommendation"],
        priority=Priority(e["priority"]).label if e["priority"] in Priority.values else e["priority"],
        owner=e["owner"], due=due_shown(_date(e["due"]), _date(e["revised_due"])),
        days_overdue=e.get("days_overdue", 0), risks=tuple(r["reference"] for r in e.get("risks", [])),
        agreed_action=e.get("agreed_action", ""), due_date=_date(e["revised_due"]) or _date(e["due"]),
        revision_reason=e.get("revision_reason", ""), exempt=any(r.get("exempt") for r in e.get("risks", [])),
    ) for e in entries]
    order = {label.label: PRIORITY_ORDER[label] for label in Priority}
    return sorted(rows, key=lambda r: (-r.days_overdue, order.get(r.priority, 9), r.source.lower()))


def entries_of(recs: QuerySet[AuditRecommendation], today: date) -> list[dict]:
    """Recommendations in the record's shape (two queries)."""
    out = []
    for rec in recs.prefetch_related(_prefetch()).order_by("pk"):
        out.append({
            "id": rec.pk, "source": rec.source, "recommendation": rec.recommendation, "priority": rec.priority,
            "agreed_action": rec.agreed_action, "owner": rec.owner, "due": _iso(rec.due),
            "revised_due": _iso(rec.revised_due), "revision_reason": rec.revision_reason, "status": rec.status,
            "implemented_on": _iso(rec.implemented_on), "controls": rec.controls,
            "state": assurance.action_state(rec.status, rec.due, rec.revised_due, today).value,
            "days_overdue": _days_overdue(rec.status, rec.due, rec.revised_due, today), "as_at": today.isoformat(),
            "risks": sorted((_risk_facts(r) for r in rec.risks.all()), key=lambda r: natural_key(r["reference"])),
        })
    return out
