"""Writes for children's placements: the only code that changes headings, categories and snapshots.

The entry form, the import pipeline, the admin and the loaders call these. A
snapshot in a locked quarter never changes; a category with snapshots is
retired (inactive), never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from organisation import audit, parsing
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
)

from . import costing, validation
from .models import PlacementCategory, PlacementHeading, PlacementSnapshot

Action = audit.Action


@dataclass
class SnapshotInput:
    category: PlacementCategory
    version: int | None  # 0 = there was no snapshot when the form was opened; None: not checked (imports)
    children: int
    weekly_cost: Decimal


@transaction.atomic
def snapshot_save(*, user, period: ReportingPeriod, rows: list[SnapshotInput], reason: str = "") -> int:
    """Save a quarter's snapshot rows, all or none, with history and no lost updates."""
    if period.is_year:
        raise RecordError("A snapshot is taken at a quarter end, not for a whole year")
    ensure_open(lock_periods([period.pk])[period.pk])
    ensure_started(period, "snapshots")
    errors = {}
    for row in rows:
        try:
            validation.check_children(row.children)
            row.weekly_cost = validation.check_weekly_cost(row.weekly_cost)
        except parsing.InvalidValue as exc:
            errors[row.category.name] = str(exc)
    if errors:
        raise InvalidWrite(errors)
    existing = {
        s.category_id: s
        for s in PlacementSnapshot.objects.select_for_update(of=("self",)).filter(
            period=period, category__in=[r.category.pk for r in rows])
    }
    by_category = {r.category.pk: r for r in rows}
    late = stale(existing, {pk: r.version for pk, r in by_category.items()})
    if late:
        raise ConcurrentEdit([
            Conflict(key=by_category[pk].category,
                     theirs=(existing[pk].children, existing[pk].average_weekly_cost) if pk in existing else None,
                     yours=(by_category[pk].children, by_category[pk].weekly_cost))
            for pk in late
        ])
    saved = 0
    for row in rows:
        snap = existing.get(row.category.pk)
        if snap is not None and snap.children == row.children and snap.average_weekly_cost == row.weekly_cost:
            continue
        is_new = snap is None
        snap = snap or PlacementSnapshot(period=period, category=row.category, version=0)
        snap.children, snap.average_weekly_cost = row.children, row.weekly_cost
        snap.version += 1
        snap._history_user = user
        snap._change_reason = reason or "saved"
        if is_new:
            insert(snap, Conflict(key=row.category, theirs=None, yours=(row.children, row.weekly_cost)))
        else:
            snap.save()
        saved += 1
    return saved


# --- headings and categories ------------------------------------------------------------------

def heading_get_or_create(*, user, name: str) -> tuple[PlacementHeading, bool]:
    """For imports: a heading matched by name (any case), created if missing."""
    name = validation.check_name(name, "heading")
    found = PlacementHeading.objects.filter(name__iexact=name).first()
    if found is not None:
        return found, False
    heading = PlacementHeading(name=name, order=PlacementHeading.objects.count() + 1,
                               is_foster_care="foster" in name.lower())
    heading._history_user = user
    heading._change_reason = "imported"
    return insert(heading, Conflict(key=name, theirs=None)), True


def category_get_or_create(*, user, heading: PlacementHeading, name: str) -> tuple[PlacementCategory, bool]:
    name = validation.check_name(name, "category")
    found = PlacementCategory.objects.filter(heading=heading, name__iexact=name).first()
    if found is not None:
        return found, False
    category = PlacementCategory(heading=heading, name=name, provision=costing.guess_provision(name).value,
                                 order=PlacementCategory.objects.filter(heading=heading).count() + 1)
    category._history_user = user
    category._change_reason = "imported"
    return insert(category, Conflict(key=name, theirs=None)), True


FIELDS = {
    PlacementHeading: ("name", "order", "is_foster_care"),
    PlacementCategory: ("heading", "name", "order", "provision", "ssda903_codes", "active"),
}


@transaction.atomic
def placement_setup_save(*, user, instance: PlacementHeading | PlacementCategory,
                         via: str = "admin") -> PlacementHeading | PlacementCategory:
    """Add or change a heading or category (the admin), with its history and an audit entry."""
    kind = "heading" if isinstance(instance, PlacementHeading) else "category"
    try:
        instance.name = validation.check_name(instance.name, kind)
        if isinstance(instance, PlacementCategory):
            parsing.check_text(instance.ssda903_codes or "", limit=60, what="SSDA903 codes")
    except parsing.InvalidValue as exc:
        raise InvalidWrite({"name": str(exc)}) from None
    model = type(instance)
    before = model.objects.select_for_update().filter(pk=instance.pk).first() if instance.pk else None
    _check_reported(before, instance)
    instance._history_user = user
    instance.save()
    detail = audit.changes(audit.field_values(before, FIELDS[model]) if before else {},
                           audit.field_values(instance, FIELDS[model]))
    if detail:
        audit.record(user=user, action=Action.ADMIN_ADDED if before is None else Action.ADMIN_CHANGED,
                     object_type=f"Placement {kind}", object_label=str(instance), detail=detail,
                     about="placements")
    return instance


def _check_reported(before, instance) -> None:
    """What a locked quarter's figures were reported under stays as it was: a category's provision (in-house,
    external) and heading, and whether a heading is foster care, decide its totals and the foster-care split,
    so they do not change once the category has a snapshot in a locked quarter. Add a new category instead
    (and retire the old one)."""
    if before is None:
        return
    locked = ReportingPeriod.State.LOCKED
    if isinstance(instance, PlacementCategory):
        changed = [name for name in ("provision", "heading_id") if getattr(before, name) != getattr(instance, name)]
        reported = changed and instance.snapshots.filter(period__state=locked).exists()
        what = {"provision": "provision", "heading_id": "heading"}
        if reported:
            raise InvalidWrite({changed[0].removesuffix("_id"): f"{before.name} has figures in locked quarters, "
                                f"reported under its {what[changed[0]]} then: add a new category (and retire this "
                                "one) instead"})
    elif before.is_foster_care != instance.is_foster_care and PlacementSnapshot.objects.filter(
            category__heading=instance, period__state=locked).exists():
        raise InvalidWrite({"is_foster_care": f"{before.name} has figures in locked quarters, whose foster-care "
                                              "split counted it as it is: add a new heading instead"})


@transaction.atomic
def placement_setup_delete(*, user, instance: PlacementHeading | PlacementCategory) -> None:
    """Only an empty heading or a category with no snapshots can be deleted; a category with snapshots
    is retired instead (untick Active)."""
    if isinstance(instance, PlacementCategory) and instance.snapshots.exists():
        raise RecordError(f"{instance.name} has snapshots, so it is kept: retire it instead (untick Active)")
    if isinstance(instance, PlacementHeading) and instance.categories.exists():
        raise RecordError(f"{instance.name} has categories, so it is kept")
    label = str(instance)
    instance._history_user = user
    instance.delete()
    audit.record(user=user, action=Action.ADMIN_DELETED, object_type="Placement setup", object_label=label,
                 about="placements")


@transaction.atomic
def bulk_load(*, headings: list[PlacementHeading], categories: list[PlacementCategory],
              snapshots: list[PlacementSnapshot]) -> None:
    """For the synthetic loader only: a generated council's headings, categories and snapshots in bulk."""
    PlacementHeading.objects.bulk_create(headings)
    PlacementCategory.objects.bulk_create(categories)
    PlacementSnapshot.objects.bulk_create(snapshots, batch_size=2000)
    from organisation import summaries

    summaries.changed()


def lock_step(user, quarter: ReportingPeriod, sign_off_submitted: bool) -> str:
    """Locking a quarter: record each placement category its report shows (the active ones and any with a
    snapshot in it) as it stands - names, heading, order, provision - so the quarter's report, downloads and
    pack read the same whatever is renamed later. On a re-lock a category keeps what the earlier lock
    recorded unless its snapshot for the quarter was changed meanwhile."""
    from django.db.models import Q

    from .models import RecordedCategory

    kept = set(RecordedCategory.objects.filter(quarter=quarter).values_list("category_id", flat=True))
    if kept and quarter.recorded_at is not None:
        changed = set(PlacementSnapshot.history.filter(period_id=quarter.pk, history_date__gt=quarter.recorded_at)
                      .values_list("category_id", flat=True))
        kept -= changed
    RecordedCategory.objects.filter(quarter=quarter).exclude(category_id__in=kept).delete()
    shown = PlacementCategory.objects.filter(Q(active=True) | Q(snapshots__period=quarter)).exclude(
        pk__in=kept).select_related("heading").distinct()
    RecordedCategory.objects.bulk_create([RecordedCategory(
        quarter=quarter, category=c, heading=c.heading, heading_name=c.heading.name, heading_order=c.heading.order,
        is_foster_care=c.heading.is_foster_care, name=c.name, order=c.order, provision=c.provision)
        for c in shown], batch_size=1000)
    total = RecordedCategory.objects.filter(quarter=quarter).count()
    _record_trend(quarter)
    return f"{total} placement categor{'ies' if total != 1 else 'y'} recorded"


TREND_QUARTERS = 8  # the quarters a locked quarter's report keeps as it showed them (its own and those before)


def _record_trend(quarter: ReportingPeriod) -> None:
    """Keep the snapshots of the quarter and the ones before it as its report shows them now. A re-lock
    keeps the earlier quarters as they were recorded and writes the quarter's own afresh."""
    from .models import RecordedSnapshot
    from .report import quarters_with_snapshots

    recorded = RecordedSnapshot.objects.filter(as_at=quarter)
    # A re-lock (the quarter was recorded before, even with no snapshot at all) keeps the earlier quarters as
    # that lock recorded them: a snapshot given since to an earlier quarter is not in this quarter's report.
    if recorded.exists() or quarter.recorded_at is not None:
        periods = [quarter.pk]
        recorded.filter(period=quarter).delete()
    else:
        periods = [q.pk for q in quarters_with_snapshots() if q.value.sort_key <= quarter.value.sort_key][
            -TREND_QUARTERS:]
    RecordedSnapshot.objects.bulk_create([
        RecordedSnapshot(as_at=quarter, period_id=s.period_id, category_id=s.category_id, children=s.children,
                         average_weekly_cost=s.average_weekly_cost)
        for s in PlacementSnapshot.objects.filter(period_id__in=periods)], batch_size=1000)
