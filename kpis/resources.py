"""Import/export Resources for indicators, targets and actuals (formats.md), and the kpi-report export."""

from __future__ import annotations

from decimal import Decimal

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from import_export.instance_loaders import BaseInstanceLoader
from simple_history.utils import bulk_create_with_history

from organisation import summaries
from organisation.models import Directorate, ReportingPeriod, ServiceArea
from organisation.periods import PeriodError, parse
from organisation.resources import CouncilResource

from . import queries
from . import status as rules
from .models import Actual, Indicator, KeyCommitment, Target
from .parsing import InvalidValue, parse_choice, parse_decimal

POLARITIES = {"higher": "higher", "+": "higher", "lower": "lower", "-": "lower"}
UNITS = {u: u for u in Indicator.Unit.values}
FREQUENCIES = {f: f for f in Indicator.Frequency.values}
ACCUMULATIONS = {a: a for a in Indicator.Accumulation.values}


def number_text(value: Decimal | None) -> str:
    """A decimal as written in a file: 75.8000 -> 75.8, 550.0000 -> 550."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


class _Base(CouncilResource):
    """Row-by-row import that validates every cell and reports it by column."""

    def __init__(self, user=None):
        super().__init__(user)
        self._periods: dict[str, ReportingPeriod] = {}

    def period(self, text: str, column: str = "period") -> ReportingPeriod:
        if not text:
            raise InvalidValue("enter a period such as 2019/20 Q1 or 2019/20")
        try:
            value = parse(text)
        except PeriodError as exc:
            raise InvalidValue(str(exc)) from None
        if value.label not in self._periods:
            self._periods[value.label] = ReportingPeriod.for_value(value)
        return self._periods[value.label]

    def before_import(self, dataset, **kwargs):
        # One query for every indicator the file names, instead of one a row.
        if "code" in (dataset.headers or []):
            codes = {str(c).strip() for c in dataset["code"] if c}
            self._indicators = {i.code.lower(): i for i in Indicator.objects.filter(code__in=codes)}
            for code in {c for c in codes if c.lower() not in self._indicators}:  # codes in another case
                found = Indicator.objects.filter(code__iexact=code).first()
                if found is not None:
                    self._indicators[code.lower()] = found

    def indicator(self, code: str) -> Indicator:
        if not code:
            raise InvalidValue("enter the indicator code")
        cache = getattr(self, "_indicators", None)
        found = cache.get(code.strip().lower()) if cache is not None else \
            Indicator.objects.filter(code__iexact=code.strip()).first()
        if found is None:
            raise InvalidValue(f'no indicator has the code "{code}" (import the indicators first)')
        return found

    # import-export plumbing -------------------------------------------------
    def get_instance(self, instance_loader, row):
        return None  # found in import_instance

    def init_instance(self, row=None):
        return self._meta.model()

    def get_or_init_instance(self, instance_loader, row):
        errors: dict[str, str] = {}
        instance, new = self.find(row, errors)
        if errors:
            raise ValidationError({k: [v] for k, v in errors.items()})
        # What the stored row held, for telling changed rows from unchanged ones
        # (cheaper than import-export's deep copy of every instance).
        self._original_values = None if new else {f: getattr(instance, f) for f in self.compared_fields}
        return instance, new

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, str] = {}
        self.apply(instance, row, errors)
        if errors:
            raise ValidationError({k: [v] for k, v in errors.items()})

    def skip_row(self, instance, original, row, import_validation_errors=None):
        before = getattr(self, "_original_values", None)
        if import_validation_errors or before is None or instance.pk is None:
            return False
        return all(getattr(instance, f) == before[f] for f in self.compared_fields)

    def guard(self, errors: dict[str, str], column: str, func, *args, **kwargs):
        try:
            return func(*args, **kwargs)
        except InvalidValue as exc:
            errors.setdefault(column, str(exc))
            return None


class _AuditedSave:
    def save_instance(self, instance, is_create, row, **kwargs):
        if self.importing_user() is not None:
            instance._history_user = self.user
        instance._change_reason = "imported"
        super().save_instance(instance, is_create, row, **kwargs)


class IndicatorResource(_AuditedSave, _Base):
    columns = ("code", "title", "directorate", "service_area", "polarity", "unit", "frequency",
               "accumulation", "commitment", "tolerance")
    compared_fields = ("title", "service_area_id", "polarity", "unit", "frequency", "accumulation",
                       "commitment_id", "tolerance")

    class Meta:
        model = Indicator
        instance_loader_class = BaseInstanceLoader
        skip_diff = True

    def find(self, row, errors):
        code = self.cell(row, "code")
        if not code:
            errors["code"] = "enter the indicator code"
            return Indicator(), True
        existing = Indicator.objects.filter(code__iexact=code).first()
        return (existing, False) if existing else (Indicator(code=code), True)

    def apply(self, instance, row, errors):
        title = self.cell(row, "title")
        if not title:
            errors["title"] = "enter the indicator's title"
        instance.title = title
        directorate_name = self.cell(row, "directorate")
        area_name = self.cell(row, "service_area")
        if not directorate_name:
            errors["directorate"] = "enter the owning directorate"
        if not area_name:
            errors["service_area"] = "enter the owning service area"
        if directorate_name and area_name:
            directorate, created = Directorate.objects.get_or_create(name=directorate_name)
            if created:
                self.notes.append(f"New directorate: {directorate_name}")
            area, created = ServiceArea.objects.get_or_create(directorate=directorate, name=area_name)
            if created:
                self.notes.append(f"New service area: {area_name} ({directorate_name})")
            instance.service_area = area
        polarity = self.guard(errors, "polarity", parse_choice, self.cell(row, "polarity"), POLARITIES,
                              allowed="higher or lower (or + / -)")
        unit = self.guard(errors, "unit", parse_choice, self.cell(row, "unit"), UNITS,
                          allowed=", ".join(UNITS))
        frequency = self.guard(errors, "frequency", parse_choice, self.cell(row, "frequency"), FREQUENCIES,
                               allowed="monthly, quarterly or annual")
        accumulation = self.guard(errors, "accumulation", parse_choice, self.cell(row, "accumulation") or "snapshot",
                                  ACCUMULATIONS, allowed="snapshot or cumulative")
        tolerance = self.guard(errors, "tolerance", parse_decimal, self.cell(row, "tolerance"))
        if tolerance is not None and not (0 <= tolerance <= 100):
            errors["tolerance"] = f"{self.cell(row, 'tolerance')} is not a percentage between 0 and 100"
        commitment_code = self.cell(row, "commitment")
        if commitment_code:
            commitment, created = KeyCommitment.objects.get_or_create(code=commitment_code)
            if created:
                self.notes.append(f"New key commitment: {commitment_code}")
            instance.commitment = commitment
        else:
            instance.commitment = None
        if polarity:
            instance.polarity = polarity
        if unit:
            instance.unit = unit
            if instance.pk is None:
                instance.precision = 0 if unit == "number" else (2 if unit in ("score", "points") else 1)
        if frequency:
            instance.frequency = frequency
        if accumulation:
            instance.accumulation = accumulation
        instance.tolerance = tolerance

    def export_dataset(self, period=None) -> tablib.Dataset:
        data = tablib.Dataset(headers=list(self.columns))
        for i in Indicator.objects.select_related("service_area__directorate", "commitment").order_by("code"):
            data.append([i.code, i.title, i.service_area.directorate.name, i.service_area.name, i.polarity, i.unit,
                         i.frequency, i.accumulation, i.commitment.code if i.commitment else "",
                         i.tolerance if i.tolerance is not None else ""])
        return data


class TargetResource(_AuditedSave, _Base):
    columns = ("code", "period", "target")
    compared_fields = ("value",)

    class Meta:
        model = Target
        instance_loader_class = BaseInstanceLoader
        skip_diff = True

    def find(self, row, errors):
        indicator = self.guard(errors, "code", self.indicator, self.cell(row, "code"))
        period = self.guard(errors, "period", self.period, self.cell(row, "period"))
        if indicator is None or period is None:
            return Target(), True
        if indicator.is_annual and not period.is_year:
            errors["period"] = f"{indicator.code} is an annual indicator: give a financial year such as {period.value.financial_year.label}"
        existing = Target.objects.filter(indicator=indicator, period=period).first()
        return (existing, False) if existing else (Target(indicator=indicator, period=period), True)

    def apply(self, instance, row, errors):
        instance.value = self.guard(errors, "target", parse_decimal, self.cell(row, "target"))

    def export_dataset(self, period=None) -> tablib.Dataset:
        data = tablib.Dataset(headers=list(self.columns))
        qs = Target.objects.select_related("indicator", "period").order_by("indicator__code", "period__year",
                                                                               "period__quarter")
        if period:
            qs = qs.filter(period__in=_periods_matching(period))
        for t in qs:
            data.append([t.indicator.code, t.period.label, number_text(t.value)])
        return data


def _update_with_history(actuals: list[Actual], fields: list[str], *, batch_size: int | None, user) -> None:
    """Save changed figures and their history records, in one transaction.

    Django's bulk_update writes a CASE WHEN per row and column, which cost more
    than the rest of a large import put together; an upsert keyed on the primary
    key (INSERT ... ON CONFLICT (id) DO UPDATE SET the changed columns), on rows
    that all exist, updates the same rows for a fraction of the cost. The history
    records are the ones simple_history's bulk_update_with_history would write.
    """
    with transaction.atomic(savepoint=False):
        # The upsert must only ever update: lock the rows, and refuse if one has gone meanwhile.
        ids = {a.pk for a in actuals}
        still_there = set(Actual.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
        if still_there != ids:
            raise ValueError("some figures in this file were deleted while it was being imported; "
                             "nothing was saved - import it again")
        Actual.objects.bulk_create(actuals, batch_size=batch_size, update_conflicts=True, unique_fields=["id"],
                                   update_fields=fields)
        Actual.history.bulk_history_create(actuals, batch_size=batch_size, update=True, default_user=user,
                                           default_change_reason="imported")
        summaries.changed()  # bulk writes send no signals


class ActualResource(_Base):
    columns = ("code", "period", "value", "numerator", "denominator", "commentary")
    compared_fields = ("value", "numerator", "denominator", "commentary")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._changed_fields: set[str] = set()
        # Existing figures for the file's indicators, in one query.
        ids = [i.pk for i in getattr(self, "_indicators", {}).values()]
        self._existing = {(a.indicator_id, a.period_id): a for a in Actual.objects.filter(indicator_id__in=ids)}
        self._seen: set[tuple[int, int]] = set()  # (indicator, period) of the rows read so far

    class Meta:
        model = Actual
        instance_loader_class = BaseInstanceLoader
        skip_diff = True
        # Saved in batches, each with its history records (bulk_*_with_history below).
        use_bulk = True
        batch_size = 1000

    def find(self, row, errors):
        indicator = self.guard(errors, "code", self.indicator, self.cell(row, "code"))
        period = self.guard(errors, "period", self.period, self.cell(row, "period"))
        if indicator is None or period is None:
            return Actual(), True
        if indicator.is_annual and not period.is_year:
            errors["period"] = (f"{indicator.code} is an annual indicator: give a financial year such as "
                                f"{period.value.financial_year.label}")
        elif not indicator.is_annual and period.is_year:
            errors["period"] = f"{indicator.code} is reported {indicator.frequency}: give a quarter such as {period.label} Q1"
        seen = getattr(self, "_seen", None)
        if seen is not None and "period" not in errors:
            # "2019/20 Q1" and "2019/2020 Q1" are the same quarter: one figure may appear once.
            if (indicator.pk, period.pk) in seen:
                errors["period"] = (f"{indicator.code} {period.label} is already in an earlier row of this file "
                                    "(each figure may appear once)")
            seen.add((indicator.pk, period.pk))
        cache = getattr(self, "_existing", None)
        existing = cache.get((indicator.pk, period.pk)) if cache is not None else \
            Actual.objects.filter(indicator=indicator, period=period).first()
        if existing is not None:
            existing.indicator, existing.period = indicator, period  # already loaded: no query per row
        return (existing, False) if existing else (Actual(indicator=indicator, period=period), True)

    def apply(self, instance, row, errors):
        value = self.guard(errors, "value", parse_decimal, self.cell(row, "value"))
        numerator = self.guard(errors, "numerator", parse_decimal, self.cell(row, "numerator"))
        denominator = self.guard(errors, "denominator", parse_decimal, self.cell(row, "denominator"))
        if denominator == 0 and "denominator" not in errors:
            errors["denominator"] = "the denominator cannot be zero"
        indicator = getattr(instance, "indicator", None) if instance.indicator_id else None
        if indicator is not None and value is not None and indicator.is_percent and not (0 <= value <= 100):
            errors.setdefault("value", f"{value} is not a percentage between 0 and 100")
        instance.value, instance.numerator, instance.denominator = value, numerator, denominator
        instance.commentary = self.cell(row, "commentary")
        if indicator is not None and not errors:
            problem = rules.data_quality_problem(value, numerator, denominator, indicator.unit)
            if problem:
                self.warnings.append(f"{indicator.code} {instance.period.label}: data quality - {problem}")

    def save_instance(self, instance, is_create, row, **kwargs):
        if not is_create:
            instance.version += 1
            # Only the columns that changed go into the batch's UPDATE (bulk_update is costly per column).
            before = self._original_values or {}
            self._changed_fields.update(f for f in self.compared_fields if getattr(instance, f) != before.get(f))
        if self.importing_user() is not None:
            instance.entered_by = self.user
        super().save_instance(instance, is_create, row, **kwargs)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.create_instances and (using_transactions or not dry_run):
            try:
                bulk_create_with_history(self.create_instances, Actual, batch_size=batch_size,
                                         default_user=self.importing_user(), default_change_reason="imported")
                summaries.changed()  # bulk writes send no signals
            except Exception as exc:
                self.handle_import_error(result, exc, raise_errors)
            finally:
                self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.update_instances and (using_transactions or not dry_run):
            try:
                fields = sorted(self._changed_fields) + ["version"]
                if self.importing_user() is not None:
                    fields.append("entered_by")
                _update_with_history(self.update_instances, fields, batch_size=batch_size,
                                     user=self.importing_user())
            except Exception as exc:
                self.handle_import_error(result, exc, raise_errors)
            finally:
                self.update_instances.clear()
                self._changed_fields.clear()

    def export_dataset(self, period=None) -> tablib.Dataset:
        data = tablib.Dataset(headers=list(self.columns))
        qs = Actual.objects.select_related("indicator", "period").order_by("indicator__code", "period__year",
                                                                               "period__quarter")
        if period:
            qs = qs.filter(period__in=_periods_matching(period))
        for a in qs:
            data.append([a.indicator.code, a.period.label, number_text(a.value), number_text(a.numerator),
                         number_text(a.denominator), a.commentary])
        return data


def _periods_matching(label: str):
    value = parse(label)
    return ReportingPeriod.objects.filter(year=value.year, quarter=value.quarter)


KPI_REPORT_COLUMNS = ("code", "period", "value", "numerator", "denominator", "commentary",
                      "target", "status", "rag", "direction", "previous_value", "data_quality")


def kpi_report_rows(rows: list[queries.Row]) -> tablib.Dataset:
    data = tablib.Dataset(headers=list(KPI_REPORT_COLUMNS))
    for r in rows:
        a = r.actual
        data.append([
            r.indicator.code, r.period_label, number_text(r.value), number_text(a.numerator if a else None),
            number_text(a.denominator if a else None), a.commentary if a else "", number_text(r.target),
            r.status.value, r.rag.value if r.rag else "", r.direction.value, number_text(r.previous),
            r.data_quality or "",
        ])
    return data


def kpi_report(period: str | None, user=None) -> tablib.Dataset:
    if not period:
        raise ValueError('kpi-report needs --period, a quarter such as "2019/20 Q1"')
    value = parse(period)
    if value.is_year:
        raise ValueError(f'kpi-report needs a quarter such as "{value.label} Q1", not a whole year')
    quarter = ReportingPeriod.objects.filter(year=value.year, quarter=value.quarter).first()
    if quarter is None:
        raise ValueError(f"There are no figures for {value.label}")
    indicators = Indicator.objects.filter(active=True).order_by("code")
    return kpi_report_rows(queries.judge_quarter(queries.indicator_facts(indicators), quarter,
                                                 ids=indicators.values("pk")))
