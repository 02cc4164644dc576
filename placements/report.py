"""Reads for the "Finance and activity" report, judged by costing.py, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef

from organisation.models import ReportingPeriod, ServiceArea

from . import costing
from .models import PlacementCategory, PlacementSnapshot


def owning_service_area() -> ServiceArea | None:
    return ServiceArea.objects.filter(name=settings.PLACEMENTS_SERVICE_AREA).first()


def quarters_with_snapshots() -> list[ReportingPeriod]:
    return list(ReportingPeriod.objects.quarters().filter(
        Exists(PlacementSnapshot.objects.filter(period=OuterRef("pk")))).order_by("year", "quarter"))


@dataclass
class Cell:
    children: int | None
    weekly_cost: Decimal | None

    @property
    def annual_cost(self) -> Decimal | None:
        if self.children is None or self.weekly_cost is None:
            return None
        return costing.annual_cost(self.children, self.weekly_cost)


@dataclass(frozen=True)
class CategoryFacts:
    """A category as the report names it: as the report's last quarter recorded it when that quarter is
    locked, else as it is now."""

    pk: int
    name: str
    provision: str
    heading_name: str

    def get_provision_display(self) -> str:
        return PlacementCategory.ProvisionType(self.provision).label \
            if self.provision in PlacementCategory.ProvisionType.values else self.provision

    def __str__(self) -> str:
        return f"{self.heading_name}: {self.name}"


@dataclass
class CategoryRow:
    category: CategoryFacts
    cells: list[Cell]


@dataclass
class HeadingBlock:
    name: str
    rows: list[CategoryRow]
    totals: list[costing.Total]


@dataclass
class Report:
    quarters: list[ReportingPeriod]
    baseline: ReportingPeriod | None
    headings: list[HeadingBlock]
    grand: list[costing.Total]
    changes: list[costing.Change | None]
    splits: list[costing.Split]
    foster_splits: list[costing.Split]
    target_in_house: Decimal
    baseline_total: costing.Total | None = None
    heading_names: list[str] = field(default_factory=list)  # every heading's, in order (headings: those built)

    @property
    def foster_gaps(self) -> list[Decimal | None]:
        return [s.gap_to(self.target_in_house) for s in self.foster_splits]


def build(quarters: list[ReportingPeriod], baseline: ReportingPeriod | None, *,
          pick: Callable[[list[str]], list[str]] | None = None, as_at: ReportingPeriod | None = None) -> Report:
    """The report over these quarters against the baseline.

    pick: given every heading's name, in order, the names whose rows and subtotals to build (a page of a
    large council's report); None: all of them. The grand totals, changes and splits are always the whole
    council's, summed from plain values (no object per snapshot). as_at: the quarter whose report this is
    (default: the last one shown); when it is locked, its categories and snapshots read as it recorded them."""
    as_at = as_at or (quarters[-1] if quarters else None)
    periods = list(quarters) + ([baseline] if baseline and baseline not in quarters else [])
    categories = categories_as_at(as_at)
    # (children, average weekly cost) by (period, category), read as plain values: as the last quarter's
    # report recorded them when it is locked, for the quarters it recorded.
    as_recorded = recorded_trend(as_at) if as_at is not None else {}
    live_periods = [p.pk for p in periods if p.pk not in as_recorded]
    snapshots: dict[tuple[int, int], tuple[int, Decimal]] = {
        key: cell for period in periods for key, cell in as_recorded.get(period.pk, {}).items()}
    for period_id, category_id, children, weekly_cost in PlacementSnapshot.objects.filter(
            period__in=live_periods).values_list("period_id", "category_id", "children",
                                                 "average_weekly_cost").order_by():
        snapshots[(period_id, category_id)] = (children, weekly_cost)
    used = {cid for (_, cid) in snapshots}
    categories = [c for c in categories if c[5] or c[0] in used]
    shown = {c[0]: c for c in categories}
    # Per period: children, week's cost, and the children in-house and external (all, and in foster care).
    sums: dict[int, list] = {p.pk: [0, Decimal(0), 0, 0, 0, 0] for p in periods}
    for (period_id, category_id), (children, weekly_cost) in snapshots.items():
        category = shown.get(category_id)
        if category is None:
            continue
        costing.annual_cost(children, weekly_cost)  # refuses a negative count or cost, as total() does
        found = sums[period_id]
        found[0] += children
        found[1] += Decimal(children) * weekly_cost
        provision, foster = category[3], category[4]
        if provision in (costing.Provision.IN_HOUSE, costing.Provision.EXTERNAL):
            at = 2 if provision == costing.Provision.IN_HOUSE else 3
            found[at] += children
            if foster:
                found[at + 2] += children

    def split(period, foster_care_only=False):
        found = sums[period.pk]
        return costing.Split(*(found[4:6] if foster_care_only else found[2:4]))

    by_heading: dict[int, list[tuple]] = {}
    for c in categories:
        by_heading.setdefault(c[1], []).append(c)
    names = [cats[0][2] for cats in by_heading.values()]
    wanted = set(pick(names)) if pick is not None else set(names)
    instances = {c[0]: CategoryFacts(c[0], c[6], c[3], c[2]) for c in categories}
    blocks: list[HeadingBlock] = []
    for cats in by_heading.values():
        if cats[0][2] not in wanted:
            continue
        rows = [CategoryRow(instances[c[0]], [Cell(*snapshots.get((q.pk, c[0]), (None, None))) for q in quarters])
                for c in cats]
        totals = []
        for q in quarters:
            lines = [snapshots[(q.pk, c[0])] for c in cats if (q.pk, c[0]) in snapshots]
            totals.append(costing.total_of(sum(ch for ch, _ in lines),
                                           sum((Decimal(ch) * w for ch, w in lines), Decimal(0))))
        blocks.append(HeadingBlock(cats[0][2], rows, totals))
    grand = [costing.total_of(*sums[q.pk][:2]) for q in quarters]
    baseline_total = costing.total_of(*sums[baseline.pk][:2]) if baseline else None
    return Report(
        quarters=list(quarters), baseline=baseline, headings=blocks, grand=grand,
        changes=[costing.change(baseline_total, g) if baseline_total else None for g in grand],
        splits=[split(q) for q in quarters],
        foster_splits=[split(q, foster_care_only=True) for q in quarters],
        target_in_house=Decimal(settings.PLACEMENTS_TARGET_IN_HOUSE), baseline_total=baseline_total,
        heading_names=names,
    )


def categories_as_at(quarter: ReportingPeriod | None) -> list[tuple]:
    """(id, heading id, heading name, provision, foster care, active, name) of every category, in the report's
    order: as the quarter recorded them when it is locked (its report then), with any category it did not
    record after them; else as they are now."""
    from .models import RecordedCategory

    live = list(PlacementCategory.objects.order_by("heading__order", "heading__name", "order", "name").values_list(
        "pk", "heading_id", "heading__name", "provision", "heading__is_foster_care", "active", "name"))
    if quarter is None or not quarter.has_record:
        return live
    recorded = list(RecordedCategory.objects.filter(quarter=quarter).order_by(
        "heading_order", "heading_name", "order", "name").values_list(
        "category_id", "heading_id", "heading_name", "provision", "is_foster_care", "name"))
    if not recorded:
        return live
    seen = {r[0] for r in recorded}
    # A category the quarter did not show (added since) is no part of it: only its snapshots in earlier
    # quarters of the range bring it in (inactive, so it is listed only where it has figures).
    return [(*r[:5], True, r[5]) for r in recorded] + [(*c[:5], False, c[6]) for c in live if c[0] not in seen]


def recorded_trend(quarter: ReportingPeriod) -> dict[int, dict[tuple[int, int], tuple[int, Decimal]]]:
    """For a locked quarter: the snapshots of it and the quarters before it as its report recorded them,
    {period id: {(period id, category id): (children, weekly cost)}}; {} for an open quarter."""
    if not quarter.has_record:
        return {}
    from .models import RecordedSnapshot

    out: dict[int, dict] = {}
    for period_id, category_id, children, weekly_cost in RecordedSnapshot.objects.filter(as_at=quarter).values_list(
            "period_id", "category_id", "children", "average_weekly_cost").order_by():
        out.setdefault(period_id, {})[(period_id, category_id)] = (children, weekly_cost)
    return out


def quarters_as_at(quarter: ReportingPeriod) -> list[ReportingPeriod]:
    """The quarters with a snapshot up to this one, oldest first: for a locked quarter, those its report
    recorded (a quarter given its first snapshot since is not in it)."""
    if not quarter.has_record:
        return [q for q in quarters_with_snapshots() if q.value.sort_key <= quarter.value.sort_key]  # open
    # Locked: the quarters its lock recorded, none if it recorded none (a snapshot given since to an earlier
    # quarter is not in it). Quarters locked before the record kept placements were given it by migration.
    recorded = recorded_trend(quarter)
    return [q for q in ReportingPeriod.objects.filter(pk__in=list(recorded)).order_by("year", "quarter")]
