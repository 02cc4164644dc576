"""The placements import/export (formats.md) and the placements-report export."""

from __future__ import annotations

import tablib
from django.core.exceptions import ValidationError
from import_export.instance_loaders import BaseInstanceLoader

from kpis.parsing import InvalidValue, parse_decimal
from organisation.models import ReportingPeriod
from organisation.periods import PeriodError, parse
from organisation.resources import CouncilResource

from . import costing
from .models import PlacementCategory, PlacementHeading, PlacementSnapshot

COLUMNS = ("period", "heading", "category", "children", "average_weekly_cost")
REPORT_COLUMNS = COLUMNS + ("estimated_annual_cost",)


def money_text(value) -> str:
    if value is None:
        return ""
    return format(value.quantize(costing.Decimal("0.01")).normalize(), "f")


class PlacementResource(CouncilResource):
    columns = COLUMNS

    class Meta:
        model = PlacementSnapshot
        instance_loader_class = BaseInstanceLoader
        skip_html_diff = True

    def __init__(self, user=None):
        super().__init__(user)
        self._periods: dict[str, ReportingPeriod] = {}

    def get_or_init_instance(self, instance_loader, row):
        errors = {}
        period = None
        text = self.cell(row, "period")
        try:
            value = parse(text) if text else None
            if value is None:
                errors["period"] = ["enter the quarter, such as 2018/19 Q1"]
            elif value.is_year:
                errors["period"] = [f"a snapshot is taken at a quarter end: give a quarter such as {value.label} Q4"]
            else:
                period = self._periods.get(value.label) or ReportingPeriod.for_value(value)
                self._periods[value.label] = period
        except PeriodError as exc:
            errors["period"] = [str(exc)]
        heading_name, category_name = self.cell(row, "heading"), self.cell(row, "category")
        if not heading_name:
            errors["heading"] = ["enter the heading, such as Foster Care"]
        if not category_name:
            errors["category"] = ["enter the placement category"]
        if errors:
            raise ValidationError(errors)
        heading = PlacementHeading.objects.filter(name__iexact=heading_name).first()
        if heading is None:
            heading = PlacementHeading.objects.create(
                name=heading_name, order=PlacementHeading.objects.count() + 1,
                is_foster_care="foster" in heading_name.lower())
            self.notes.append(f"New heading: {heading_name}")
        category = PlacementCategory.objects.filter(heading=heading, name__iexact=category_name).first()
        if category is None:
            provision = costing.guess_provision(category_name)
            category = PlacementCategory.objects.create(
                heading=heading, name=category_name, provision=provision.value,
                order=PlacementCategory.objects.filter(heading=heading).count() + 1)
            self.notes.append(f"New category: {category_name} under {heading_name} "
                              f"({category.get_provision_display().lower()} provision)")
        existing = PlacementSnapshot.objects.filter(period=period, category=category).first()
        if existing:
            return existing, False
        return PlacementSnapshot(period=period, category=category), True

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        children_text = self.cell(row, "children")
        if not children_text:
            errors["children"] = ["enter the number of children (0 if none)"]
        else:
            try:
                children = parse_decimal(children_text)
                if children != children.to_integral_value():
                    errors["children"] = [f'"{children_text}" is not a whole number']
                elif children < 0:
                    errors["children"] = [f"{children_text} is negative: enter 0 or more"]
                else:
                    instance.children = int(children)
            except InvalidValue as exc:
                errors["children"] = [str(exc)]
        cost_text = self.cell(row, "average_weekly_cost")
        if not cost_text:
            errors["average_weekly_cost"] = ["enter the average weekly cost in pounds (0 if none)"]
        else:
            try:
                cost = parse_decimal(cost_text.lstrip("£"))
                if cost < 0:
                    errors["average_weekly_cost"] = [f"{cost_text} is negative: a cost cannot be below zero"]
                else:
                    instance.average_weekly_cost = cost.quantize(costing.Decimal("0.01"))
            except InvalidValue as exc:
                errors["average_weekly_cost"] = [str(exc)]
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or original.pk is None:
            return False
        return (instance.children == original.children
                and instance.average_weekly_cost == original.average_weekly_cost)

    def save_instance(self, instance, is_create, row, **kwargs):
        if not is_create:
            instance.version += 1
        if self.importing_user() is not None:
            instance._history_user = self.user
        instance._change_reason = "imported"
        super().save_instance(instance, is_create, row, **kwargs)

    def export_dataset(self, period: str | None = None) -> tablib.Dataset:
        data = tablib.Dataset(headers=list(COLUMNS))
        for s in _snapshots(period):
            data.append([s.period.label, s.category.heading.name, s.category.name, s.children,
                         money_text(s.average_weekly_cost)])
        return data


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
    by_period: dict[str, list[PlacementSnapshot]] = {}
    for s in _snapshots(period):
        by_period.setdefault(s.period.label, []).append(s)

    def total_row(label, heading, lines):
        t = costing.total(lines)
        return [label, heading, "Total", t.children, money_text(t.average_weekly_cost), money_text(t.annual_cost)]

    for label, snaps in by_period.items():
        all_lines = []
        heading, lines = None, []
        for s in snaps:
            if heading is not None and s.category.heading.name != heading:
                data.append(total_row(label, heading, lines))
                lines = []
            heading = s.category.heading.name
            line = costing.Line(s.children, s.average_weekly_cost)
            lines.append(line)
            all_lines.append(line)
            data.append([label, heading, s.category.name, s.children, money_text(s.average_weekly_cost),
                         money_text(line.annual_cost)])
        if heading is not None:
            data.append(total_row(label, heading, lines))
        data.append(total_row(label, "Grand Total", all_lines))
    return data
