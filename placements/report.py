"""Reads for the "Finance and activity" report, judged by costing.py, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass
class CategoryRow:
    category: PlacementCategory
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

    @property
    def foster_gaps(self) -> list[Decimal | None]:
        return [s.gap_to(self.target_in_house) for s in self.foster_splits]


def build(quarters: list[ReportingPeriod], baseline: ReportingPeriod | None) -> Report:
    periods = list(quarters) + ([baseline] if baseline and baseline not in quarters else [])
    categories = list(PlacementCategory.objects.select_related("heading").order_by(
        "heading__order", "heading__name", "order", "name"))
    # (children, average weekly cost) by (period, category), read as plain values.
    snapshots: dict[tuple[int, int], tuple[int, Decimal]] = {
        (period_id, category_id): (children, weekly_cost)
        for period_id, category_id, children, weekly_cost in PlacementSnapshot.objects.filter(
            period__in=[p.pk for p in periods]).values_list("period_id", "category_id", "children",
                                                            "average_weekly_cost").order_by()
    }
    used = {cid for (_, cid) in snapshots}
    categories = [c for c in categories if c.active or c.pk in used]

    def lines_for(period, cats):
        out = []
        for c in cats:
            s = snapshots.get((period.pk, c.pk))
            if s is not None:
                out.append(costing.Line(s[0], s[1], costing.Provision(c.provision),
                                        c.heading.is_foster_care))
        return out

    blocks: list[HeadingBlock] = []
    by_heading: dict[int, list[PlacementCategory]] = {}
    for c in categories:
        by_heading.setdefault(c.heading_id, []).append(c)
    for cats in by_heading.values():
        rows = [
            CategoryRow(c, [
                Cell(*snapshots.get((q.pk, c.pk), (None, None)))
                for q in quarters
            ])
            for c in cats
        ]
        blocks.append(HeadingBlock(cats[0].heading.name, rows, [costing.total(lines_for(q, cats)) for q in quarters]))
    grand = [costing.total(lines_for(q, categories)) for q in quarters]
    baseline_total = costing.total(lines_for(baseline, categories)) if baseline else None
    all_lines = [lines_for(q, categories) for q in quarters]
    return Report(
        quarters=list(quarters), baseline=baseline, headings=blocks, grand=grand,
        changes=[costing.change(baseline_total, g) if baseline_total else None for g in grand],
        splits=[costing.split(lines) for lines in all_lines],
        foster_splits=[costing.split(lines, foster_care_only=True) for lines in all_lines],
        target_in_house=Decimal(settings.PLACEMENTS_TARGET_IN_HOUSE), baseline_total=baseline_total,
    )
