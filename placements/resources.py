"""The placements import/export (formats.md) and the placements-report export."""

from __future__ import annotations

import tablib

from organisation.periods import parse
from organisation.resources import CouncilResource

from . import costing, services, validation
from .models import PlacementSnapshot

COLUMNS = ("period", "heading", "category", "children", "average_weekly_cost")
REPORT_COLUMNS = COLUMNS + ("estimated_annual_cost",)


def money_text(value) -> str:
    if value is None:
        return ""
    return format(value.quantize(costing.Decimal("0.01")).normalize(), "f")


class PlacementResource(CouncilResource):
    columns = COLUMNS
    compared_fields = ("children", "average_weekly_cost")

    class Meta(CouncilResource.Meta):
        model = PlacementSnapshot

    def find(self, row, errors):
        period = self.guard(errors, "period", self.period, self.cell(row, "period"), quarter=True,
                            why="a snapshot is taken at a quarter end", started="snapshots")
        heading_name, category_name = self.cell(row, "heading"), self.cell(row, "category")
        if not heading_name:
            errors["heading"] = "enter the heading, such as Foster Care"
        if not category_name:
            errors["category"] = "enter the placement category"
        self.locked(errors, period)
        if errors:
            return PlacementSnapshot(), True
        found = self.guard(errors, "heading", services.heading_get_or_create, user=self.importing_user(),
                           name=heading_name)
        if found is None:
            return PlacementSnapshot(), True
        heading, created = found
        if created:
            self.notes.append(f"New heading: {heading.name}")
        found = self.guard(errors, "category", services.category_get_or_create, user=self.importing_user(),
                           heading=heading, name=category_name)
        if found is None:
            return PlacementSnapshot(), True
        category, created = found
        if created:
            self.notes.append(f"New category: {category.name} under {heading.name} "
                              f"({category.get_provision_display().lower()} provision)")
        existing = PlacementSnapshot.objects.filter(period=period, category=category).first()
        if existing:
            return existing, False
        return PlacementSnapshot(period=period, category=category), True

    def apply(self, instance, row, errors):
        children = self.guard(errors, "children", validation.parse_children, self.cell(row, "children"))
        cost = self.guard(errors, "average_weekly_cost", validation.parse_weekly_cost,
                          self.cell(row, "average_weekly_cost"))
        if children is not None:
            instance.children = children
        if cost is not None:
            instance.average_weekly_cost = cost

    def save(self, instance, is_create, row):
        services.snapshot_save(user=self.importing_user(), period=instance.period, reason="imported", rows=[
            services.SnapshotInput(instance.category, None, instance.children, instance.average_weekly_cost)])

    def export_dataset(self, period: str | None = None) -> tablib.Dataset:
        data = tablib.Dataset(headers=list(COLUMNS))
        for s, heading, category in _named(_snapshots(period)):
            data.append([s.period.label, heading, category, s.children, money_text(s.average_weekly_cost)])
        return data


def _named(snapshots) -> list[tuple[PlacementSnapshot, str, str]]:
    """Each snapshot with its heading's and category's names: as its quarter recorded them when it is locked
    (in the order it recorded), else as they are now."""
    from .models import RecordedCategory

    snapshots = list(snapshots)
    locked = {s.period_id for s in snapshots if s.period.has_record}
    recorded = {(r.quarter_id, r.category_id): r for r in RecordedCategory.objects.filter(quarter_id__in=locked)}
    out = []
    for s in snapshots:
        r = recorded.get((s.period_id, s.category_id))
        if r is not None:
            key = (0, r.heading_order, r.heading_name, r.order, r.name)
            out.append((key, s, r.heading_name, r.name))
        else:
            c = s.category
            key = (1 if s.period_id in locked else 0, c.heading.order, c.heading.name, c.order, c.name)
            out.append((key, s, c.heading.name, c.name))
    out.sort(key=lambda item: (item[1].period.year, item[1].period.quarter, item[0]))
    return [(s, heading, category) for _, s, heading, category in out]


def _snapshots(period: str | None):
    qs = PlacementSnapshot.objects.select_related("period", "category__heading").order_by(
        "period__year", "period__quarter", "category__heading__order", "category__heading__name",
        "category__order", "category__name")
    if period:
        value = parse(period)
        if value.is_year:
            raise ValueError(f"placements are quarterly snapshots: give a quarter such as {value.label} Q4")
        qs = qs.filter(period__year=value.year, period__quarter=value.quarter)
    return qs


def placements_report(period: str | None, user=None) -> tablib.Dataset:
    """formats.md placements-report: rows plus a Total after each heading and a Grand Total per period."""
    data = tablib.Dataset(headers=list(REPORT_COLUMNS))
    by_period: dict[str, list[tuple]] = {}
    for s, heading_name, category_name in _named(_snapshots(period)):
        by_period.setdefault(s.period.label, []).append((s, heading_name, category_name))

    def total_row(label, heading, lines):
        t = costing.total(lines)
        return [label, heading, "Total", t.children, money_text(t.average_weekly_cost), money_text(t.annual_cost)]

    for label, snaps in by_period.items():
        all_lines = []
        heading, lines = None, []
        for s, heading_name, category_name in snaps:
            if heading is not None and heading_name != heading:
                data.append(total_row(label, heading, lines))
                lines = []
            heading = heading_name
            line = costing.Line(s.children, s.average_weekly_cost)
            lines.append(line)
            all_lines.append(line)
            data.append([label, heading, category_name, s.children, money_text(s.average_weekly_cost),
                         money_text(line.annual_cost)])
        if heading is not None:
            data.append(total_row(label, heading, lines))
        data.append(total_row(label, "Grand Total", all_lines))
    return data
