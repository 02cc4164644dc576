"""Writes: a quarter's snapshot, all categories at once, with history and no lost updates."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from organisation.models import ReportingPeriod

from .models import PlacementCategory, PlacementSnapshot


@dataclass
class SnapshotInput:
    category: PlacementCategory
    version: int  # 0 = there was no snapshot when the form was opened
    children: int
    weekly_cost: Decimal


@dataclass
class Conflict:
    category: PlacementCategory
    theirs: tuple[int, Decimal] | None
    yours: tuple[int, Decimal]


class ConcurrentEdit(Exception):
    def __init__(self, conflicts: list[Conflict]):
        super().__init__(f"{len(conflicts)} row(s) were changed by someone else")
        self.conflicts = conflicts


@transaction.atomic
def snapshot_save(*, user, period: ReportingPeriod, rows: list[SnapshotInput]) -> int:
    existing = {
        s.category_id: s
        for s in PlacementSnapshot.objects.select_for_update(of=("self",)).filter(
            period=period, category__in=[r.category for r in rows])
    }
    conflicts, saved = [], 0
    for row in rows:
        snap = existing.get(row.category.pk)
        if (snap.version if snap else 0) != row.version:
            conflicts.append(Conflict(row.category, (snap.children, snap.average_weekly_cost) if snap else None,
                                      (row.children, row.weekly_cost)))
            continue
        if snap is None:
            snap = PlacementSnapshot(period=period, category=row.category, version=0)
        elif snap.children == row.children and snap.average_weekly_cost == row.weekly_cost:
            continue
        snap.children, snap.average_weekly_cost = row.children, row.weekly_cost
        snap.version += 1
        snap._history_user = user
        snap.save()
        saved += 1
    if conflicts:
        transaction.set_rollback(True)
        raise ConcurrentEdit(conflicts)
    return saved
