"""Writes for reporting periods: creating them, opening the next quarter, locking and reopening.

Locking is where the record is made: each domain app registers what locking a
quarter means for it (kpis: sign off what was submitted if asked, and freeze
the judgements of the signed-off figures) and what the confirmation page
should say is still outstanding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import audit, clock, parsing, periods
from .models import Directorate, ReportingPeriod, ServiceArea
from .records import InvalidWrite, PeriodLocked, RecordError

Action = audit.Action


@dataclass(frozen=True)
class Outstanding:
    """Something a lock would leave as it is, shown on the lock confirmation page."""

    text: str  # "3 figures are drafts: they will read "not submitted""
    count: int
    link: str = ""


LockCheck = Callable[[ReportingPeriod], list[Outstanding]]
# (user, quarter, sign_off_submitted) -> a line for the audit trail, or "".
LockStep = Callable[..., str]

_CHECKS: list[LockCheck] = []
_STEPS: list[LockStep] = []
# (quarter) -> None: a quarter opened for entry (opened next, or reopened): stored judgements follow.
_OPENED: list[Callable[[ReportingPeriod], None]] = []
# (quarter) -> None: store a locked quarter's record from what it holds (the synthetic loader's history).
_RECORDS: list[Callable[[ReportingPeriod], None]] = []


def register_lock(*, check: LockCheck | None = None, step: LockStep | None = None,
                  opened: Callable[[ReportingPeriod], None] | None = None,
                  record: Callable[[ReportingPeriod], None] | None = None) -> None:
    """Called from each app's AppConfig.ready()."""
    if check is not None and check not in _CHECKS:
        _CHECKS.append(check)
    if step is not None and step not in _STEPS:
        _STEPS.append(step)
    if opened is not None and opened not in _OPENED:
        _OPENED.append(opened)
    if record is not None and record not in _RECORDS:
        _RECORDS.append(record)


def _opened(quarter: ReportingPeriod) -> None:
    for step in _OPENED:
        step(quarter)


def outstanding(quarter: ReportingPeriod) -> list[Outstanding]:
    return [item for check in _CHECKS for item in check(quarter)]


def period_get_or_create(value: periods.Period, *, today: date | None = None) -> ReportingPeriod:
    """The period, created (open) if it does not exist yet; within the limits of formats.md."""
    try:
        parsing.check_period(value, today or clock.today())
    except parsing.InvalidValue as exc:
        raise RecordError(str(exc)) from None
    period, _ = ReportingPeriod.objects.get_or_create(
        year=value.year, quarter=value.quarter, defaults={"start": value.start, "end": value.end})
    return period


def check_new_quarter(value: periods.Period) -> None:
    """An import may add a quarter after the council's locked history, never inside it: a quarter the
    council never reported cannot appear, open, between locked ones (and reopen its year to new targets)."""
    if value.quarter is None or ReportingPeriod.objects.filter(year=value.year, quarter=value.quarter).exists():
        return
    later_locked = ReportingPeriod.objects.quarters().filter(state=ReportingPeriod.State.LOCKED).filter(
        Q(year__gt=value.year) | Q(year=value.year, quarter__gt=value.quarter)).order_by("-year", "-quarter").first()
    if later_locked is not None:
        raise RecordError(f"{value.label} is not a quarter of this system, and it falls before "
                          f"{later_locked.label}, which is locked: quarters are added after the last one "
                          "(Periods, Open the next quarter)")


@transaction.atomic
def period_open_next(*, user) -> ReportingPeriod:
    # The quarter after the newest the council has reached (a quarter years ahead, created by a target, is
    # not where the reporting cycle stands).
    today = clock.today()
    latest = (ReportingPeriod.objects.quarters().filter(start__lte=today).order_by("-year", "-quarter").first()
              or ReportingPeriod.objects.quarters().order_by("year", "quarter").first())
    if latest is None:
        raise RecordError("There are no quarters yet: they are created when figures are imported")
    try:
        following = latest.value.next()
        parsing.check_started(following, clock.today(), what="quarters")
    except periods.PeriodError as exc:
        raise RecordError(str(exc)) from None
    except parsing.InvalidValue as exc:
        raise RecordError(f"{following.label} cannot be opened yet: {exc}") from None
    if ReportingPeriod.objects.filter(year=following.year, quarter=following.quarter).exists():
        raise RecordError(f"{following.label} is already open: the next quarter is opened once "
                          f"{following.label} has started")
    created = period_get_or_create(following)
    audit.record(user=user, action=Action.OPENED, object_type="Quarter", object_label=created.label, period=created)
    _opened(created)
    return created


@transaction.atomic
def period_lock(*, user, period: ReportingPeriod, sign_off_submitted: bool = False, reason: str = "") -> list[str]:
    """Lock a quarter: nothing in it changes again until a performance officer reopens it."""
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.is_year:
        raise RecordError("Only quarters are locked; a year's figures lock with the quarter they are reported in")
    if period.is_locked:
        raise RecordError(f"{period.label} is already locked")
    lines = [line for step in _STEPS if (line := step(user, period, sign_off_submitted))]
    record_organisation(period)
    period.state = ReportingPeriod.State.LOCKED
    period.recorded_at = timezone.now()
    period.save(update_fields=["state", "recorded_at"])
    audit.record(user=user, action=Action.LOCKED, object_type="Quarter", object_label=period.label, period=period,
                 detail="; ".join(lines), reason=reason)
    from . import summaries

    summaries.changed()
    return lines


def record_organisation(quarter: ReportingPeriod) -> None:
    """Record the directorates and service areas as they are named now (a re-lock keeps what the earlier
    lock recorded and adds what is new)."""
    from .models import RecordedOrganisation

    have = set(RecordedOrganisation.objects.filter(quarter=quarter).values_list("directorate_id", "service_area_id"))
    rows = [RecordedOrganisation(quarter=quarter, directorate_id=area.directorate_id,
                                 directorate_name=area.directorate.name, service_area=area, service_area_name=area.name)
            for area in ServiceArea.objects.select_related("directorate")
            if (area.directorate_id, area.pk) not in have]
    rows += [RecordedOrganisation(quarter=quarter, directorate=d, directorate_name=d.name)
             for d in Directorate.objects.filter(service_areas__isnull=True) if (d.pk, None) not in have]
    RecordedOrganisation.objects.bulk_create(rows, batch_size=1000)


def lift_quarter_lock() -> None:
    """On PostgreSQL a trigger keeps a locked quarter locked (organisation migration 0015) except in a
    transaction that says it is reopening one: the reopen service's, and nothing else in the app."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('council.reopening', 'on', true)")


@transaction.atomic
def period_reopen(*, user, period: ReportingPeriod, reason: str) -> ReportingPeriod:
    """Reopen a locked quarter for a correction; the reason goes in the audit trail."""
    reason = (reason or "").strip()
    if not reason:
        raise RecordError("Give the reason for reopening the quarter: it goes in the audit trail")
    try:
        parsing.check_text(reason, what="reason")
    except parsing.InvalidValue as exc:
        raise RecordError(str(exc)) from None
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if not period.is_locked:
        raise RecordError(f"{period.label} is not locked")
    lift_quarter_lock()
    period.state = ReportingPeriod.State.OPEN
    period.save(update_fields=["state"])
    audit.record(user=user, action=Action.REOPENED, object_type="Quarter", object_label=period.label, period=period,
                 reason=reason)
    _opened(period)
    from . import summaries

    summaries.changed()
    return period


@transaction.atomic
def periods_record(*, quarters: list[ReportingPeriod]) -> None:
    """For the synthetic loader: store the record of quarters it created locked, once their signed-off
    figures and reviews are written (as a lock would), so that their pages read stored judgements."""
    for quarter in quarters:
        for record in _RECORDS:
            record(quarter)
        record_organisation(quarter)
        quarter.recorded_at = timezone.now()
        quarter.save(update_fields=["recorded_at"])


@transaction.atomic
def periods_load(*, values: list[periods.Period], open_value: periods.Period) -> list[ReportingPeriod]:
    """For the synthetic loader: the periods it needs. A quarter it creates before open_value is created
    locked (synthetic history, its generators write the signed-off figures it holds), with an audit entry;
    a period that already exists keeps its state: the loader never locks or reopens a quarter."""
    found = []
    for value in values:
        try:
            parsing.check_period(value, clock.today())
        except parsing.InvalidValue as exc:
            raise RecordError(str(exc)) from None
        period, created = ReportingPeriod.objects.get_or_create(
            year=value.year, quarter=value.quarter, defaults={"start": value.start, "end": value.end})
        if created and not period.is_year and period.value < open_value:
            period.state = ReportingPeriod.State.LOCKED
            period.save(update_fields=["state"])
            period.created_locked = True
            audit.record(user=None, action=Action.LOCKED, object_type="Quarter", object_label=period.label,
                         period=period, detail="created locked by generate_data: synthetic history")
        found.append(period)
    return found


# --- directorates and service areas -------------------------------------------------------

def _name(name: str, what: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidWrite({"name": f"enter the {what}'s name"})
    try:
        parsing.check_name(name, limit=120, what=f"{what}'s name")
    except parsing.InvalidValue as exc:
        raise InvalidWrite({"name": str(exc)}) from None
    return name


def directorate_get_or_create(*, name: str) -> tuple[Directorate, bool]:
    """For imports: a directorate matched by name (any case), created if missing."""
    name = _name(name, "directorate")
    found = Directorate.objects.filter(name__iexact=name).first()
    if found is not None:
        return found, False
    return Directorate.objects.create(name=name), True


def service_area_get_or_create(*, directorate: Directorate, name: str) -> tuple[ServiceArea, bool]:
    name = _name(name, "service area")
    found = ServiceArea.objects.filter(directorate=directorate, name__iexact=name).first()
    if found is not None:
        return found, False
    return ServiceArea.objects.create(directorate=directorate, name=name), True


def service_area_add_manager(*, area: ServiceArea, user) -> None:
    area.managers.add(user)
    _tasks_changed()


@transaction.atomic
def organisation_save(*, user, instance: Directorate | ServiceArea, before: dict | None, managers=None,
                      via: str = "admin") -> Directorate | ServiceArea:
    """Create or change a directorate or service area (and a service area's managers), with an audit entry."""
    what = "service area" if isinstance(instance, ServiceArea) else "directorate"
    instance.name = _name(instance.name, what)
    clash = type(instance).objects.filter(name__iexact=instance.name).exclude(pk=instance.pk)
    if isinstance(instance, ServiceArea):
        clash = clash.filter(directorate=instance.directorate_id)
    if clash.exists():
        raise InvalidWrite({"name": f"a {what} called {instance.name} already exists"})
    created = instance.pk is None
    instance.save()
    after = {"name": instance.name}
    if isinstance(instance, ServiceArea):
        after["directorate"] = str(instance.directorate)
        after["head of service"] = instance.head_of_service.get_username() if instance.head_of_service else ""
        if managers is not None:
            instance.managers.set(managers)
            after["managers"] = sorted(m.get_username() for m in managers)
    detail = audit.changes(before or {}, after)
    if detail or created:
        audit.record(user=user, action=Action.ADMIN_ADDED if created else Action.ADMIN_CHANGED,
                     object_type=what.capitalize(), object_label=str(instance), detail=detail)
        _tasks_changed()
    return instance


@transaction.atomic
def organisation_delete(*, user, instance: Directorate | ServiceArea) -> None:
    """Only an empty directorate or service area can be deleted (anything with records is PROTECTed)."""
    from django.db.models import ProtectedError

    what = "Service area" if isinstance(instance, ServiceArea) else "Directorate"
    label = str(instance)
    try:
        with transaction.atomic():
            instance.delete()
    except ProtectedError:
        raise RecordError(f"{label} has indicators, risks or service areas, so it is kept") from None
    audit.record(user=user, action=Action.ADMIN_DELETED, object_type=what, object_label=label)


@transaction.atomic
def account_event(*, user, object_type: str, label: str, detail: str, deleted: bool = False) -> None:
    """Record what a superuser did to an account or a role that has no record of its own (a password set,
    an account or role deleted)."""
    audit.record(user=user, action=Action.ADMIN_DELETED if deleted else Action.ADMIN_CHANGED,
                 object_type=object_type, object_label=label, detail=detail)


def user_records(target) -> int:
    """How many records name this person (as who entered, reviewed, signed off, issued, or did an act in the
    trail or a change history): each would lose the link to the account were it deleted."""
    from django.db.models.deletion import Collector

    collector = Collector(using="default")
    collector.collect([target])
    return sum(len(objs) for objs in (o for batch in collector.field_updates.values() for o in batch))


@transaction.atomic
def user_deactivate(*, user, target) -> bool:
    """Close an account: its holder can no longer sign in; its name stays on everything it did."""
    if not target.is_active:
        return False
    target.is_active = False
    target.save(update_fields=["is_active"])
    audit.record(user=user, action=Action.ADMIN_CHANGED, object_type="User", object_label=target.get_username(),
                 detail="account deactivated: active: yes -> no")
    _tasks_changed()
    return True


def role_permissions_recorded(*, user, role, before: list[str], after: list[str], created: bool = False) -> None:
    """Record a change to a role's permissions (superusers only change them)."""
    added, removed = sorted(set(after) - set(before)), sorted(set(before) - set(after))
    if not (added or removed or created):
        return
    parts = ([f"permissions added: {', '.join(added)}"] if added else []) + \
            ([f"permissions removed: {', '.join(removed)}"] if removed else [])
    audit.record(user=user, action=Action.ADMIN_ADDED if created else Action.ADMIN_CHANGED, object_type="Role",
                 object_label=role.name, detail="; ".join(parts) or "role added")


def user_access_save(*, user, target, before: dict, after: dict, via: str = "admin") -> None:
    """Record a change to someone's account, roles or service areas (the admin saves the user itself)."""
    detail = audit.changes(before, after)
    if detail:
        audit.record(user=user, action=Action.ADMIN_ADDED if not before else Action.ADMIN_CHANGED,
                     object_type="User", object_label=target.get_username(), detail=detail)
        _tasks_changed()


# --- running the quarter ----------------------------------------------------------------------

@transaction.atomic
def deadlines_set(*, user, quarter: ReportingPeriod, dates: dict, reason: str = ""):
    """Set a quarter's deadlines (figures, reviews, sign-off, committee). Each falls after the quarter ends,
    in order (figures and reviews, then sign-off, then the committee), within the system's horizon."""
    from .deadlines import Deadline
    from .models import QuarterDeadlines

    quarter = ReportingPeriod.objects.select_for_update().get(pk=quarter.pk)
    if quarter.is_year:
        raise RecordError("Deadlines are set for a quarter")
    if quarter.is_locked:
        raise PeriodLocked(quarter)
    errors = {}
    last = periods.Period(parsing.latest_year_allowed(clock.today())).end
    for kind in Deadline:
        day = dates.get(kind.value)
        if day is None:
            errors[kind.value] = f"enter the date: {kind.label.lower()}"
        elif day <= quarter.end:
            errors[kind.value] = f"{kind.label.lower()} must fall after {quarter.label} ends ({quarter.end:%d/%m/%Y})"
        elif day > last:
            errors[kind.value] = f"{parsing._day(day)} is too far ahead: check the year"
    if not errors:
        if dates["sign_off"] < max(dates["figures"], dates["reviews"]):
            errors["sign_off"] = "sign-off must fall on or after the figures and the risk reviews are due"
        elif dates["committee"] < dates["sign_off"]:
            errors["committee"] = "the committee must meet on or after sign-off"
    if errors:
        raise InvalidWrite(errors)
    from . import quarter as running

    before = running.dates(quarter)
    stored, _ = QuarterDeadlines.objects.get_or_create(quarter=quarter, defaults={
        kind.value: dates[kind.value] for kind in Deadline})
    for kind in Deadline:
        setattr(stored, kind.value, dates[kind.value])
    stored.set_by, stored.set_at = (user if getattr(user, "is_authenticated", False) else None), timezone.now()
    stored.save()
    detail = "; ".join(f"{kind.label.lower()}: {before[kind]:%d/%m/%Y} -> {dates[kind.value]:%d/%m/%Y}"
                       for kind in Deadline if before[kind] != dates[kind.value])
    audit.record(user=user, action=Action.DEADLINES_SET, object_type="Quarter", object_label=quarter.label,
                 period=quarter, detail=detail or "the default dates confirmed", reason=reason)
    _tasks_changed()
    return stored


@transaction.atomic
def reminder_preference_set(*, user, reminders: bool) -> None:
    from .models import ReminderPreference

    ReminderPreference.objects.update_or_create(user=user, defaults={"reminders": bool(reminders)})


def reminders_sent(*, user_keys: list[tuple[int, str]], today) -> int:
    """Record messages as sent (never sent again); the caller sends first. Returns how many were new."""
    from .models import SentReminder

    created = SentReminder.objects.bulk_create(
        [SentReminder(user_id=user_id, key=key[:200], sent_on=today) for user_id, key in user_keys],
        ignore_conflicts=True)
    return len(created)


def reminders_run_recorded(*, today, digests: int, messages: int, failures: int) -> None:
    """The audit trail's line for a send_reminders run."""
    audit.record(user=None, action=Action.REMINDERS_SENT, object_type="Reminders", object_label=f"{today:%d/%m/%Y}",
                 detail=f"{digests} digest{'s' if digests != 1 else ''} sent, {messages} messages"
                        + (f"; {failures} not sent" if failures else ""))


@transaction.atomic
def service_area_set_head(*, user, area: ServiceArea, head) -> ServiceArea:
    """Name the head of service the area's late returns escalate to (None: straight to the performance team)."""
    area = ServiceArea.objects.select_for_update().get(pk=area.pk)
    before = area.head_of_service.get_username() if area.head_of_service else ""
    area.head_of_service = head
    area.save(update_fields=["head_of_service"])
    after = head.get_username() if head else ""
    if before != after:
        audit.record(user=user, action=Action.CHANGED, object_type="Service area", object_label=area.name,
                     detail=f"head of service: {before or 'none'} -> {after or 'none'}")
        _tasks_changed()
    return area


def _tasks_changed() -> None:
    """Who has which task changed (deadlines, managers, heads of service, accounts): the tasks cached with the
    summaries are worked out again (organisation/summaries.py)."""
    from . import summaries

    summaries.changed()


def demo_clock_set(day: date | None) -> None:
    """Pin this database's clock to ``day`` (None: unpin), as load_demo_data does for the demo's story
    (organisation/clock.py)."""
    from .models import DemoClock

    if day is None:
        DemoClock.objects.filter(pk=1).delete()
    else:
        DemoClock.objects.update_or_create(pk=1, defaults={"today": day})
    from django.core.cache import caches

    caches["summaries"].delete(clock.CACHE_KEY)  # the pin is read through the cache (organisation/clock.py)
