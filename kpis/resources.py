"""Import/export Resources for indicators, targets, actuals and benchmarks (formats.md), and the kpi-report
export.

Each row is checked with kpis/validation.py (the rules the entry form uses) and saved through
kpis/services.py (the only code that writes indicators, targets and figures).
"""

from __future__ import annotations

from decimal import Decimal

import tablib
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone

from organisation import parsing
from organisation.models import ReportingPeriod
from organisation.parsing import InvalidValue, parse_choice, parse_decimal
from organisation.records import RecordError, locked_message
from organisation.resources import CouncilResource
from organisation.services import directorate_get_or_create, service_area_get_or_create

from . import queries, services, validation
from . import status as rules
from .models import Actual, Comparator, Indicator, Target

POLARITIES = {"higher": "higher", "+": "higher", "lower": "lower", "-": "lower"}
UNITS = {u: u for u in Indicator.Unit.values}
FREQUENCIES = {f: f for f in Indicator.Frequency.values}
ACCUMULATIONS = {a: a for a in Indicator.Accumulation.values}


def number_text(value: Decimal | None) -> str:
    """A decimal as written in a file: 75.8000 -> 75.8, 550.0000 -> 550."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


class _Base(CouncilResource):
    """Indicators named by code, read once for the whole file."""

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._indicators: dict[str, Indicator] = {}
        self._year_quarters: dict[int, list[ReportingPeriod]] = {}
        if "code" in (dataset.headers or []):
            codes = {str(c).strip() for c in dataset["code"] if c}
            self._indicators = {i.code.lower(): i for i in Indicator.objects.filter(code__in=codes)}
            missing = [c for c in codes if c.lower() not in self._indicators]
            if missing:  # codes written in another case
                for found in Indicator.objects.filter(code__iregex=r"^(" + "|".join(
                        _regex_escape(c) for c in missing[:500]) + r")$"):
                    self._indicators.setdefault(found.code.lower(), found)

    def indicator(self, code: str) -> Indicator:
        if not code:
            raise InvalidValue("enter the indicator code")
        found = self._indicators.get(code.strip().lower())
        if found is None:
            raise InvalidValue(f'no indicator has the code "{code}" (import the indicators first)')
        return found

    def year_quarters(self, year: int) -> list[ReportingPeriod]:
        if year not in self._year_quarters:
            self._year_quarters[year] = list(ReportingPeriod.objects.quarters().filter(year=year))
        return self._year_quarters[year]

    def figure_locked(self, errors: dict[str, str], period: ReportingPeriod, actual: Actual | None) -> None:
        """A figure in a locked quarter, or an annual figure whose year (or reporting quarter) is locked."""
        if not period.is_year:
            self.locked(errors, period)
            return
        reported_in = actual.reported_in if actual is not None and actual.reported_in_id else None
        if reported_in is not None and reported_in.is_locked:
            errors[NON_FIELD_ERRORS] = locked_message(reported_in.label)
            return
        quarters = self.year_quarters(period.year)
        if services.year_locked(quarters):
            errors[NON_FIELD_ERRORS] = locked_message(max(quarters, key=lambda q: q.quarter).label)


def _regex_escape(text: str) -> str:
    import re

    return re.escape(text)


class IndicatorResource(_Base):
    columns = ("code", "title", "directorate", "service_area", "polarity", "unit", "frequency",
               "accumulation", "commitment", "tolerance", "benchmark_measure")
    compared_fields = ("code", "title", "service_area_id", "polarity", "unit", "frequency", "accumulation",
                       "commitment_id", "tolerance", "benchmark_measure")
    field_labels = {"service_area_id": "service_area", "commitment_id": "commitment"}

    class Meta(CouncilResource.Meta):
        model = Indicator

    def find(self, row, errors):
        code = self.guard(errors, "code", parsing.check_code, self.cell(row, "code"), what="indicator code")
        if code is None:
            return Indicator(), True
        existing = self._indicators.get(code.lower()) or Indicator.objects.filter(code__iexact=code).first()
        return (existing, False) if existing else (Indicator(code=code), True)

    def apply(self, instance, row, errors):
        if self.has("title") or instance.pk is None:
            title = self.cell(row, "title")
            if not title:
                errors["title"] = "enter the indicator's title"
            else:
                self.guard(errors, "title", parsing.check_name, title, limit=parsing.NAME_MAX, what="title")
            instance.title = title
        directorate_name, area_name = self.cell(row, "directorate"), self.cell(row, "service_area")
        if not directorate_name:
            errors["directorate"] = "enter the owning directorate"
        if not area_name:
            errors["service_area"] = "enter the owning service area"
        if directorate_name and area_name and not errors.get("directorate"):
            directorate = self.guard(errors, "directorate", self._directorate, directorate_name)
            if directorate is not None:
                area = self.guard(errors, "service_area", self._area, directorate, area_name)
                if area is not None:
                    instance.service_area = area
        polarity = self.guard(errors, "polarity", parse_choice, self.cell(row, "polarity"), POLARITIES,
                              allowed="higher or lower (or + / -)")
        unit = self.guard(errors, "unit", parse_choice, self.cell(row, "unit"), UNITS, allowed=", ".join(UNITS))
        frequency = self.guard(errors, "frequency", parse_choice, self.cell(row, "frequency"), FREQUENCIES,
                               allowed="monthly, quarterly or annual")
        if polarity:
            instance.polarity = polarity
        if unit:
            instance.unit = unit
            if instance.pk is None:
                instance.precision = 0 if unit == "number" else (2 if unit in ("score", "points") else 1)
        if frequency:
            if instance.pk is not None and frequency != instance.frequency and (
                    instance.actuals.exists() or instance.targets.exists()):
                errors["frequency"] = (f"{instance.code} is {instance.frequency} and has figures or targets: its "
                                       "frequency cannot change (retire it and add a new indicator)")
            instance.frequency = frequency
        if self.has("accumulation") or instance.pk is None:
            accumulation = self.guard(errors, "accumulation", parse_choice,
                                      self.cell(row, "accumulation") or "snapshot", ACCUMULATIONS,
                                      allowed="snapshot or cumulative")
            if accumulation:
                instance.accumulation = accumulation
        if self.has("tolerance"):
            tolerance = self.guard(errors, "tolerance", parse_decimal, self.cell(row, "tolerance"),
                                   max_digits=5, decimal_places=2)
            instance.tolerance = self.guard(errors, "tolerance", validation.check_tolerance, tolerance)
        if self.has("commitment"):
            code = self.cell(row, "commitment")
            if code:
                found = self.guard(errors, "commitment", services.commitment_get_or_create, code=code)
                if found is not None:
                    commitment, created = found
                    if created:
                        self.notes.append(f"New key commitment: {commitment.code}")
                    instance.commitment = commitment
            else:
                instance.commitment = None
        if self.has("benchmark_measure"):
            measure = self.cell(row, "benchmark_measure")
            self.guard(errors, "benchmark_measure", parsing.check_name, measure, limit=parsing.NAME_MAX,
                       what="benchmark measure")
            instance.benchmark_measure = measure

    def _directorate(self, name):
        directorate, created = directorate_get_or_create(name=name)
        if created:
            self.notes.append(f"New directorate: {directorate.name}")
        return directorate

    def _area(self, directorate, name):
        area, created = service_area_get_or_create(directorate=directorate, name=name)
        if created:
            self.notes.append(f"New service area: {area.name} ({directorate.name})")
        return area

    def save(self, instance, is_create, row):
        services.indicator_save(user=self.importing_user(), indicator=instance, reason="imported")

    def export_dataset(self, period=None) -> tablib.Dataset:
        data = tablib.Dataset(headers=list(self.columns))
        for i in Indicator.objects.select_related("service_area__directorate", "commitment").order_by("code"):
            data.append([i.code, i.title, i.service_area.directorate.name, i.service_area.name, i.polarity, i.unit,
                         i.frequency, i.accumulation, i.commitment.code if i.commitment else "",
                         i.tolerance if i.tolerance is not None else "", i.benchmark_measure])
        return data


class TargetResource(_Base):
    columns = ("code", "period", "target")
    compared_fields = ("value",)
    field_labels = {"value": "target"}

    class Meta(CouncilResource.Meta):
        model = Target

    def find(self, row, errors):
        indicator = self.guard(errors, "code", self.indicator, self.cell(row, "code"))
        period = self.guard(errors, "period", self.period, self.cell(row, "period"))
        if indicator is None or period is None:
            return Target(), True
        if indicator.is_annual and not period.is_year:
            errors["period"] = (f"{indicator.code} is an annual indicator: give a financial year such as "
                                f"{period.value.financial_year.label}")
        elif period.is_year:
            if services.year_locked(self.year_quarters(period.year)):
                errors[NON_FIELD_ERRORS] = locked_message(f"{period.label} (every quarter of it)")
        else:
            self.locked(errors, period)
        existing = Target.objects.filter(indicator=indicator, period=period).first()
        return (existing, False) if existing else (Target(indicator=indicator, period=period), True)

    def apply(self, instance, row, errors):
        instance.value = self.guard(errors, "target", parse_decimal, self.cell(row, "target"))

    def save(self, instance, is_create, row):
        services.target_set(user=self.importing_user(), indicator=instance.indicator, period=instance.period,
                            value=instance.value, reason="imported")

    def export_dataset(self, period=None) -> tablib.Dataset:
        data = tablib.Dataset(headers=list(self.columns))
        qs = Target.objects.select_related("indicator", "period").order_by("indicator__code", "period__year",
                                                                               "period__quarter")
        if period:
            qs = qs.filter(period__in=_periods_matching(period))
        for t in qs:
            data.append([t.indicator.code, t.period.label, number_text(t.value)])
        return data


class ActualResource(_Base):
    columns = ("code", "period", "value", "numerator", "denominator", "commentary")
    compared_fields = ("value", "numerator", "denominator", "commentary")

    class Meta(CouncilResource.Meta):
        model = Actual
        # Saved in batches through kpis.services.figures_import, each with its history records.
        use_bulk = True
        batch_size = 1000

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._changed_fields: set[str] = set()
        ids = [i.pk for i in self._indicators.values()]
        # Existing figures and targets of the file's indicators in the years its rows name (a year's quarters
        # and the year itself: enough for targets in force and year-to-date checks), in one query each.
        years = self._file_years(dataset)
        self._existing = {(a.indicator_id, a.period_id): a for a in Actual.objects.filter(
            indicator_id__in=ids, period__year__in=years).select_related("reported_in")}
        self._targets = {(t.indicator_id, t.period_id): t.value for t in Target.objects.filter(
            indicator_id__in=ids, period__year__in=years).only("indicator_id", "period_id", "value")}
        self._years: dict[int, ReportingPeriod | None] = {}  # each year's period, once (None: not created)
        self._seen: set[tuple[int, int]] = set()  # (indicator, period) of the rows read so far

    def _file_years(self, dataset) -> set[int]:
        """The financial years the file's period cells name (cells that do not parse are refused row by row)."""
        years: set[int] = set()
        if "period" not in (dataset.headers or []):
            return years
        for text in {self.cell({"period": c}, "period") for c in dataset["period"]}:
            try:
                years.add(parsing.parse_period(text, self.today).year)
            except (parsing.InvalidValue, RecordError, ValueError):
                continue
        return years

    def find(self, row, errors):
        indicator = self.guard(errors, "code", self.indicator, self.cell(row, "code"))
        period = self.guard(errors, "period", self.period, self.cell(row, "period"), started="figures")
        if indicator is None or period is None:
            return Actual(), True
        if indicator.is_annual and not period.is_year:
            errors["period"] = (f"{indicator.code} is an annual indicator: give a financial year such as "
                                f"{period.value.financial_year.label}")
        elif not indicator.is_annual and period.is_year:
            errors["period"] = f"{indicator.code} is reported {indicator.frequency}: give a quarter such as {period.label} Q1"
        if "period" not in errors:
            # "2019/20 Q1" and "2019/2020 Q1" are the same quarter: one figure may appear once.
            if (indicator.pk, period.pk) in self._seen:
                errors["period"] = (f"{indicator.code} {period.label} is already in an earlier row of this file "
                                    "(each figure may appear once)")
            self._seen.add((indicator.pk, period.pk))
        existing = self._existing.get((indicator.pk, period.pk))
        if "period" not in errors:
            self.figure_locked(errors, period, existing)
        if existing is not None:
            existing.indicator, existing.period = indicator, period  # already loaded: no query per row
            return existing, False
        return Actual(indicator=indicator, period=period), True

    def apply(self, instance, row, errors):
        for name in ("value", "numerator", "denominator"):
            if self.has(name):
                setattr(instance, name, self.guard(errors, name, parse_decimal, self.cell(row, name)))
        if self.has("commentary"):
            instance.commentary = self.cell(row, "commentary")
        indicator = instance.indicator if instance.indicator_id else None
        if indicator is None or errors:
            return
        period = instance.period
        check = validation.check_figure(
            indicator=indicator, value=instance.value, numerator=instance.numerator,
            denominator=instance.denominator, commentary=instance.commentary, target=self._target(indicator, period),
            submitting=False, **self._to_date(indicator, period))
        for name, message in check.errors.items():
            errors.setdefault(name, message)
        for warning in check.warnings:
            self.warnings.append(f"{indicator.code} {period.label}: {warning}")

    def _target(self, indicator: Indicator, period: ReportingPeriod) -> Decimal | None:
        if period.year not in self._years:
            self._years[period.year] = self._periods.get((period.year, None)) or ReportingPeriod.objects.filter(
                year=period.year, quarter__isnull=True).first()
        year = self._years[period.year]
        year_target = self._targets.get((indicator.pk, year.pk)) if year else None
        if period.is_year:
            return year_target
        return rules.target_in_force(quarter_target=self._targets.get((indicator.pk, period.pk)),
                                     year_target=year_target, accumulation=indicator.accumulation,
                                     quarter=period.quarter)

    def _to_date(self, indicator: Indicator, period: ReportingPeriod) -> dict:
        """For a year-to-date indicator: the previous quarter's count of the same year, if stored."""
        if indicator.accumulation != rules.Accumulation.CUMULATIVE or period.is_year or period.quarter == 1:
            return {}
        previous = next((q for q in self.year_quarters(period.year) if q.quarter == period.quarter - 1), None)
        stored = self._existing.get((indicator.pk, previous.pk)) if previous else None
        if stored is None or stored.value is None:
            return {}
        return {"previous_to_date": stored.value, "previous_label": previous.label}

    def save_instance(self, instance, is_create, row, **kwargs):
        if not is_create:
            before = self._original or {}
            self._changed_fields.update(f for f in self.compared_fields if getattr(instance, f) != before.get(f))
            self._changed_fields.update(("entered_by", "entered_at"))
        instance.entered_by, instance.entered_at = self.importing_user(), timezone.now()
        # use_bulk: import-export collects the instances; bulk_create / bulk_update save them.
        super(CouncilResource, self).save_instance(instance, is_create, row, **kwargs)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._bulk(result, raise_errors, dry_run)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._bulk(result, raise_errors, dry_run)

    def _bulk(self, result, raise_errors, dry_run: bool = False) -> None:
        if not (self.create_instances or self.update_instances):
            return
        if dry_run:
            # A preview: every row was read, checked and compared above; nothing is written (the confirm
            # writes them all, or none, in one transaction).
            self.create_instances.clear()
            self.update_instances.clear()
            self._changed_fields.clear()
            return
        try:
            services.figures_import(user=self.importing_user(), creates=list(self.create_instances),
                                    updates=list(self.update_instances), fields=self._changed_fields)
        except Exception as exc:
            self.handle_import_error(result, exc, raise_errors)
        finally:
            self.create_instances.clear()
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


# The benchmarks kind's comparators (formats.md) and the Comparator fields they set.
COMPARATOR_FIELDS = {"council": "council", "england": "england", "statistical neighbours": "statistical_neighbours",
                     "region": "regional", "quartile 25": "q25", "quartile 50": "q50", "quartile 75": "q75"}
COMPARATOR_NAMES = {field: "England" if field == "england" else name for name, field in COMPARATOR_FIELDS.items()}
COMPARATOR_SHOWN = ("council, England, statistical neighbours, region, quartile 25, quartile 50 or quartile 75")


class BenchmarkResource(_Base):
    """One published comparator of an indicator in a year per row; the rows of one indicator and year fill
    one Comparator, saved through kpis.services.comparator_set (its lock rule: a year whose every quarter is
    locked keeps the benchmarks it reported, though a blank one may be filled)."""

    columns = ("code", "year", "comparator", "value")

    class Meta(CouncilResource.Meta):
        model = Comparator

    def find(self, row, errors):
        indicator = self.guard(errors, "code", self.indicator, self.cell(row, "code"))
        year = self.guard(errors, "year", self.period, self.cell(row, "year"), quarter=False,
                          why="benchmarks are for a financial or academic year")
        name = self.guard(errors, "comparator", parse_choice, self.cell(row, "comparator"),
                          {k.lower(): v for k, v in COMPARATOR_FIELDS.items()}, allowed=COMPARATOR_SHOWN)
        self.compared_fields = (name,) if name else ()
        self.field_labels = {name: "value"} if name else {}
        self._field = name
        if indicator is None or year is None or name is None:
            return Comparator(), True
        existing = Comparator.objects.filter(indicator=indicator, period=year).first()
        return (existing, False) if existing else (Comparator(indicator=indicator, period=year), True)

    def apply(self, instance, row, errors):
        if not self._field:
            return
        value = self.guard(errors, "value", parse_decimal, self.cell(row, "value"))
        stored = getattr(instance, self._field)
        if instance.pk is not None and stored is not None and value != stored and \
                services.year_locked(self.year_quarters(instance.period.year)):
            errors[NON_FIELD_ERRORS] = (
                f"{instance.period.label} is locked (every quarter of it), so its {COMPARATOR_NAMES[self._field]} "
                "benchmark stays as reported; ask the performance team to reopen the year's last quarter to "
                "correct it")
        setattr(instance, self._field, value)

    def save(self, instance, is_create, row):
        services.comparator_set(user=self.importing_user(), indicator=instance.indicator, year=instance.period,
                                values={self._field: getattr(instance, self._field)})

    def export_dataset(self, period=None) -> tablib.Dataset:
        data = tablib.Dataset(headers=list(self.columns))
        qs = Comparator.objects.select_related("indicator", "period").order_by("indicator__code", "period__year")
        if period:
            qs = qs.filter(period__year=parsing.parse(period).year)
        for c in qs:
            for field in COMPARATOR_FIELDS.values():
                value = getattr(c, field)
                if value is not None:
                    data.append([c.indicator.code, c.period.label, COMPARATOR_NAMES[field], number_text(value)])
        return data


def _periods_matching(label: str):
    value = parsing.parse(label)
    return ReportingPeriod.objects.filter(year=value.year, quarter=value.quarter)


def _number(value: Decimal | None) -> Decimal | None:
    """A stored decimal as written (75.8000 -> 75.8): a number in XLSX and JSON, plain text in CSV."""
    if value is None:
        return None
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal


KPI_REPORT_COLUMNS = ("code", "period", "value", "numerator", "denominator", "commentary",
                      "target", "status", "rag", "direction", "previous_value", "data_quality")


def kpi_report_rows(rows: list[queries.Row]) -> tablib.Dataset:
    data = tablib.Dataset(headers=list(KPI_REPORT_COLUMNS))
    for r in rows:
        a = r.actual
        data.append([
            r.indicator.code, r.period_label, _number(r.value), _number(a.numerator if a else None),
            _number(a.denominator if a else None), a.commentary if a else "", _number(r.target),
            r.status.value, r.rag.value if r.rag else "", r.direction.value, _number(r.previous),
            "not submitted (a draft when the quarter was locked: never reported)" if r.not_submitted
            else r.data_quality or "",
        ])
    return data


def kpi_report(period: str | None, user=None) -> tablib.Dataset:
    if not period:
        raise ValueError('kpi-report needs --period, a quarter such as "2019/20 Q1"')
    value = parsing.parse(period)
    if value.is_year:
        raise ValueError(f'kpi-report needs a quarter such as "{value.label} Q1", not a whole year')
    quarter = ReportingPeriod.objects.filter(year=value.year, quarter=value.quarter).first()
    if quarter is None:
        raise ValueError(f"There are no figures for {value.label}")
    if quarter.has_record:  # every indicator the quarter reported, as it was reported
        return kpi_report_rows(queries.scope(None, quarter).rows)
    indicators = queries.indicators_in(quarter).order_by("code")
    return kpi_report_rows(queries.judge_quarter(queries.indicator_facts(indicators), quarter,
                                                 ids=indicators.values("pk")))
