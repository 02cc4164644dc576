"""Reads: every figure a page shows, in a fixed number of queries, judged by status.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cached_property

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from organisation import access
from organisation.collation import binary
from organisation.models import ReportingPeriod
from organisation.ordering import natural

from . import status as rules
from .models import Actual, Indicator, IndicatorRules, Judgement, Target


def indicators_visible_to(user) -> QuerySet[Indicator]:
    qs = Indicator.objects.filter(active=True)
    if not access.can_view_performance(user):
        return qs.none()
    return qs


def indicators_in(quarter: ReportingPeriod | None, user=None) -> QuerySet[Indicator]:
    """The indicators a quarter's pages and reports show: the active ones, and retired ones that have a
    figure for the quarter (or its year), which stay in the reports they were part of."""
    if quarter is None:
        qs = Indicator.objects.filter(active=True)
    else:
        periods = ReportingPeriod.objects.filter(year=quarter.year).filter(
            Q(quarter=quarter.quarter) | Q(quarter__isnull=True)).values("pk")
        qs = Indicator.objects.filter(
            Q(active=True) | Exists(Actual.objects.filter(indicator=OuterRef("pk"), period__in=periods)))
    if user is not None and not access.can_view_performance(user):
        return qs.none()
    return qs


def indicators_for_entry(user) -> QuerySet[Indicator]:
    """The indicators whose figures this user may see in the entry form."""
    qs = Indicator.objects.filter(active=True).select_related("service_area__directorate", "commitment")
    if access.is_performance_officer(user):
        return qs
    return qs.filter(service_area_id__in=access.managed_service_area_ids(user))


@dataclass(frozen=True)
class IndicatorFacts(IndicatorRules):
    """An indicator as plain values: enough to judge it and to show its code, title and figures.

    Council-wide summaries judge every indicator; reading them as model
    instances (with their service areas) cost more than the judging. In a locked
    quarter these are the indicator as reported (kpis.RecordedIndicator), not as it is now.
    """

    pk: int
    code: str
    title: str
    unit: str
    precision: int
    frequency: str
    accumulation: str
    polarity: str
    tolerance: Decimal | None
    service_area_id: int | None = 0
    service_area_name: str = ""
    commitment_code: str = ""
    directorate_id: int | None = None
    directorate_name: str = ""
    commitment_title: str = ""
    entered_by_name: str = ""
    signed_off_by_name: str = ""
    outturn: Decimal | None = None  # last year's outturn, as a locked quarter recorded it
    as_reported: bool = False  # the facts a locked quarter recorded

    def get_polarity_display(self) -> str:
        return Indicator.Polarity(self.polarity).label if self.polarity in Indicator.Polarity.values else self.polarity

    def get_unit_display(self) -> str:
        return Indicator.Unit(self.unit).label if self.unit in Indicator.Unit.values else self.unit

    def get_accumulation_display(self) -> str:
        return Indicator.Accumulation(self.accumulation).label \
            if self.accumulation in Indicator.Accumulation.values else self.accumulation

    def get_frequency_display(self) -> str:
        return Indicator.Frequency(self.frequency).label if self.frequency in Indicator.Frequency.values \
            else self.frequency


# IndicatorFacts' fields in order, read from the live indicator...
FACT_FIELDS = ("pk", "code", "title", "unit", "precision", "frequency", "accumulation", "polarity", "tolerance",
               "service_area_id", "service_area__name", "commitment__code", "service_area__directorate_id",
               "service_area__directorate__name", "commitment__title")
# ...the same through a stored judgement (an open quarter's: the live indicator)...
FACTS_VIA_JUDGEMENT = ("indicator_id", *(f"indicator__{name}" for name in FACT_FIELDS[1:]))
# ...and as a locked quarter recorded them (its judgement's facts).
RECORDED_FACT_FIELDS = ("indicator_id", "code", "title", "unit", "precision", "frequency", "accumulation",
                        "polarity", "tolerance", "service_area_id", "service_area_name", "commitment_code",
                        "directorate_id", "directorate_name", "commitment_title", "entered_by_name",
                        "signed_off_by_name", "outturn")
FACTS_VIA_RECORD = tuple(f"facts__{name}" for name in RECORDED_FACT_FIELDS)
_TEXT_FACTS = {10, 11, 13, 14, 15, 16}  # positions of names that read "" rather than None


def facts_of(values, *, as_reported: bool = False) -> IndicatorFacts:
    """IndicatorFacts from FACT_FIELDS' (or RECORDED_FACT_FIELDS') values."""
    return IndicatorFacts(*(("" if v is None else v) if i in _TEXT_FACTS else v for i, v in enumerate(values)),
                          as_reported=as_reported)


def indicator_facts(indicators: QuerySet[Indicator]) -> list[IndicatorFacts]:
    return [facts_of(values) for values in indicators.values_list(*FACT_FIELDS)]


def directorate_name(quarter: ReportingPeriod, directorate) -> str:
    """A directorate's name as a locked quarter recorded it, else now."""
    from organisation.models import recorded_directorate_name

    return recorded_directorate_name(quarter, directorate) if directorate is not None else ""


def recorded_facts(quarter: ReportingPeriod, indicator_ids) -> dict[int, IndicatorFacts]:
    """The indicators as a locked quarter recorded them, by indicator id."""
    from .models import RecordedIndicator

    return {values[0]: facts_of(values, as_reported=True) for values in RecordedIndicator.objects.filter(
        quarter=quarter, indicator_id__in=indicator_ids).values_list(*RECORDED_FACT_FIELDS).order_by()}


@dataclass(frozen=True, slots=True)
class Figure:
    """The parts of an Actual that pages and reports show, read as plain values.

    Judging a whole council reads thousands of figures; building a model
    instance for each cost more than everything else on the page. In a locked
    quarter these are the figure as recorded at sign-off (Actual.signed_*).
    """

    pk: int
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    reported_value: Decimal | None
    commentary: str
    state: str
    version: int
    status_override: str = ""
    override_reason: str = ""
    question: str = ""
    question_at: datetime | None = None
    answer: str = ""
    answered_at: datetime | None = None

    @property
    def is_revised(self) -> bool:
        return self.reported_value is not None and self.value != self.reported_value

    question_pending = Actual.question_pending

    @property
    def is_draft(self) -> bool:
        return self.state == Actual.State.DRAFT

    def get_state_display(self) -> str:
        return Actual.State(self.state).label


FIGURE_FIELDS = ("pk", "value", "numerator", "denominator", "reported_value", "commentary", "state", "version",
                 "status_override", "override_reason", "question", "question_at", "answer", "answered_at")
RECORD_FIELDS = ("pk", "signed_value", "signed_numerator", "signed_denominator", "reported_value",
                 "signed_commentary", "state", "version", "status_override", "override_reason")
RECORD_JUDGEMENT = ("signed_status", "signed_direction", "signed_target", "signed_previous", "signed_unit",
                    "reported_in__year", "reported_in__quarter", "signed_rule_status")


@dataclass
class Row:
    """One indicator judged for a quarter (annual indicators: for its financial year).

    In a locked quarter the row is the record: the figure and judgement as
    signed off (recorded=True), or "not submitted" for a figure that was never
    signed off there (it was never reported).
    """

    indicator: Indicator | IndicatorFacts
    period_label: str
    actual: Figure | None
    value: Decimal | None
    target: Decimal | None
    previous: Decimal | None
    status: rules.Status
    rag: rules.RAG | None
    direction: rules.Direction
    deviation: Decimal | None
    data_quality: str | None
    recorded: bool = False  # the judgement recorded at sign-off (a locked quarter)
    not_submitted: bool = False  # a figure existed but was never reported in this (locked) quarter
    revision_pending: bool = False  # recorded, and a later revision has not been signed off
    unit: str = ""  # the unit the value is shown in (as recorded)
    rule_status: rules.Status | None = None  # what the rules gave, when the reported status is an override
    override_reason: str = ""

    @property
    def overridden(self) -> bool:
        return self.rule_status is not None and self.rule_status != self.status

    @property
    def is_draft(self) -> bool:
        """A figure not yet submitted, in a quarter not yet locked (pages mark it as a draft)."""
        return not self.recorded and self.actual is not None and self.actual.is_draft

    @property
    def precision(self) -> int:
        return self.indicator.precision

    @property
    def indicator_as_reported(self) -> bool:
        """The row names the indicator as a locked quarter recorded it."""
        return bool(getattr(self.indicator, "as_reported", False))

    @property
    def status_severity(self) -> int:
        return self.status.severity

    @property
    def is_exception(self) -> bool:
        return rules.is_exception(self.status, self.direction)

    @property
    def reported_value(self) -> Decimal | None:
        return self.actual.reported_value if self.actual else None

    @property
    def is_revised(self) -> bool:
        return bool(self.actual and self.actual.is_revised)

    @property
    def commentary(self) -> str:
        return self.actual.commentary if self.actual else ""


def _periods_around(quarter: ReportingPeriod) -> dict[str, ReportingPeriod]:
    """The quarter, its year, and the same two a year earlier (those that exist)."""
    value = quarter.value
    wanted = {
        "quarter": value, "year": value.financial_year,
        "quarter_last_year": value.same_period_last_year(), "year_last_year": value.financial_year.previous(),
    }
    found = {
        (p.year, p.quarter): p
        for p in ReportingPeriod.objects.filter(year__in={value.year, value.year - 1})
    }
    return {k: found[(v.year, v.quarter)] for k, v in wanted.items() if (v.year, v.quarter) in found}


def judge_quarter(indicators: QuerySet[Indicator] | list[Indicator] | list[IndicatorFacts], quarter: ReportingPeriod,
                  *, ids: QuerySet | None = None, recorded: bool | None = None, store: bool = True) -> list[Row]:
    """Judge each indicator for the quarter in three queries (plus the indicators themselves).

    recorded (default: whether the quarter is locked): show the record - the
    judgements stored when the quarter was locked (one query), or for a quarter
    locked before they were kept, the figures as signed off - instead of judging
    today's figures against today's targets. store=False builds the record from
    the signed-off figures (what locking stores).
    """
    indicator_list = list(indicators)
    if recorded is None:
        recorded = quarter.is_locked
        if store and not recorded:
            # An open quarter: the judgements stored as its figures, targets and definitions were written
            # (kpis/judging.py); any indicator without one yet is judged now.
            rows, missing = _stored_rows(indicator_list, quarter, ids, with_missing=True)
            if missing:
                rows += judge_quarter(missing, quarter, recorded=False)
                order = {i.pk: n for n, i in enumerate(indicator_list)}
                rows.sort(key=lambda r: order.get(r.indicator.pk, 0))
            return rows
    if recorded and store and quarter.has_record:
        return _stored_rows(indicator_list, quarter, ids)
    periods = _periods_around(quarter)
    # A queryset goes to the database as a subquery: cheaper than a long IN list.
    if ids is None:
        ids = indicators.order_by().values("pk") if isinstance(indicators, QuerySet) else [i.pk for i in indicator_list]
    current_ids = [p.pk for k, p in periods.items() if k in ("quarter", "year")]
    last_ids = [p.pk for k, p in periods.items() if k in ("quarter_last_year", "year_last_year")]
    figures: dict[tuple[int, int], Figure] = {}
    records: dict[tuple[int, int], tuple] = {}
    previous_values: dict[tuple[int, int], Decimal | None] = {}
    targets: dict[tuple[int, int], Decimal] = {}
    if indicator_list and current_ids:
        current = Actual.objects.filter(indicator_id__in=ids, period_id__in=current_ids).order_by()
        if recorded:
            for indicator_id, period_id, *fields in current.values_list(
                    "indicator_id", "period_id", *RECORD_FIELDS, *RECORD_JUDGEMENT):
                figures[(indicator_id, period_id)] = Figure(*fields[:len(RECORD_FIELDS)])
                records[(indicator_id, period_id)] = tuple(fields[len(RECORD_FIELDS):])
        else:
            for indicator_id, period_id, *fields in current.values_list("indicator_id", "period_id", *FIGURE_FIELDS):
                figures[(indicator_id, period_id)] = Figure(*fields)
            # A year's figure reported in an earlier quarter that is now locked reads as it was reported there,
            # whatever has happened to the year's target or the definition since.
            year = periods.get("year")
            if year is not None:
                for indicator_id, period_id, *fields in current.filter(
                        period_id=year.pk, state=Actual.State.SIGNED_OFF,
                        reported_in__state=ReportingPeriod.State.LOCKED).exclude(reported_in_id=quarter.pk) \
                        .values_list("indicator_id", "period_id", *RECORD_FIELDS, *RECORD_JUDGEMENT):
                    figures[(indicator_id, period_id)] = Figure(*fields[:len(RECORD_FIELDS)])
                    records[(indicator_id, period_id)] = tuple(fields[len(RECORD_FIELDS):])
        targets = {
            (indicator_id, period_id): value
            for indicator_id, period_id, value in Target.objects.filter(
                indicator_id__in=ids, period_id__in=current_ids
            ).values_list("indicator_id", "period_id", "value").order_by()
        }
    if indicator_list and last_ids and not recorded:
        previous_values = {
            (indicator_id, period_id): value
            for indicator_id, period_id, value in Actual.objects.filter(
                indicator_id__in=ids, period_id__in=last_ids
            ).values_list("indicator_id", "period_id", "value").order_by()
        }

    def pid(key: str) -> int | None:
        p = periods.get(key)
        return p.pk if p else None

    rows = []
    for indicator in indicator_list:
        if indicator.is_annual:
            current, last = pid("year"), pid("year_last_year")
            label = quarter.value.financial_year.label
        else:
            current, last = pid("quarter"), pid("quarter_last_year")
            label = quarter.label
        actual = figures.get((indicator.pk, current))
        if indicator.is_annual:
            target = targets.get((indicator.pk, pid("year")))
        else:
            target = rules.target_in_force(
                quarter_target=targets.get((indicator.pk, pid("quarter"))),
                year_target=targets.get((indicator.pk, pid("year"))),
                accumulation=indicator.accumulation,
                quarter=quarter.quarter,
            )
        if recorded or (indicator.pk, current) in records:
            rows.append(_recorded_row(indicator, label, actual, records.get((indicator.pk, current)), quarter,
                                      target))
            continue
        rows.append(_judged_row(indicator, label, actual, target, previous_values.get((indicator.pk, last)),
                                indicator.unit))
    return rows


JUDGEMENT_FIELDS = ("indicator_id", "period_label", "actual_id", "value", "numerator", "denominator", "reported_value",
                    "commentary", "state", "target", "previous", "status", "direction", "data_quality", "unit",
                    "not_submitted", "revision_pending", "rule_status", "override_reason", "recorded")


def _stored_rows(indicator_list, quarter: ReportingPeriod, ids, *, with_missing: bool = False):
    """A quarter's rows as stored: a locked quarter's when it was locked (each indicator as it was reported
    then), an open one's as last written. with_missing: also return the indicators that have no stored row
    (rows, missing)."""
    if ids is None:
        ids = [i.pk for i in indicator_list]
    recorded = quarter.is_locked
    fields = JUDGEMENT_FIELDS + (("facts_id", *FACTS_VIA_RECORD) if recorded else ())
    width = len(JUDGEMENT_FIELDS)
    stored = {values[0]: values for values in Judgement.objects.filter(quarter=quarter, indicator_id__in=ids)
              .values_list(*fields).order_by()}
    rows = []
    missing = []
    for indicator in indicator_list:
        found = stored.get(indicator.pk)
        if found is None:  # locked: an indicator added since the lock was not in the report
            missing.append(indicator)
            continue
        if recorded and found[width] is not None:
            indicator = facts_of(found[width + 1:], as_reported=True)
        rows.append(_row_of(indicator, found[:width]))
    return (rows, missing) if with_missing else rows


def _row_of(indicator, found: tuple) -> Row:
    """A Row from a stored judgement's JUDGEMENT_FIELDS."""
    (_, label, actual_id, value, numerator, denominator, reported, commentary, state, target, previous,
     status, direction, quality, unit, not_submitted, pending, rule_status, reason, was_recorded) = found
    judged = rules.Status(status)
    actual = Figure(actual_id, value, numerator, denominator, reported, commentary, state or "draft", 0) \
        if actual_id and not not_submitted else None
    return Row(
        indicator=indicator, period_label=label, actual=actual, value=value, target=target, previous=previous,
        status=judged, rag=rules.rag(judged), direction=rules.Direction(direction),
        deviation=rules.deviation(value, target, indicator.polarity) if value is not None and target else None,
        data_quality=quality or None, recorded=was_recorded, not_submitted=not_submitted,
        revision_pending=pending, unit=unit, rule_status=rules.Status(rule_status) if rule_status else None,
        override_reason=reason,
    )


# --- pages that count, sort and page in the database (over the stored judgements) -------------------------

# Worst first, as rules.exception_sort_key: status severity, worsened first, the largest shortfall, code.
EXCEPTION_ORDER = ("severity", Case(When(direction=rules.Direction.WORSENED.value, then=Value(0)), default=Value(1)),
                   Coalesce("deviation", Value(Decimal(0))), "indicator__code")
# Codes in code-point order, as Python sorts them for the pack and downloads (organisation/collation.py).
EXCEPTION_ORDER = (*EXCEPTION_ORDER[:-1], binary("order_key"), binary("indicator__code"))
# A Row's sort keys (django-tables2 accessors) as the stored judgement's columns.
ORDER_FIELDS = {"status_severity": "severity", "indicator__code": "order_key",
                "indicator__title": "indicator__title", "indicator__service_area_name": "indicator__service_area__name",
                "value": "value", "target": "target", "direction": "direction", "previous": "previous"}
RECORDED_ORDER_FIELDS = {**ORDER_FIELDS, "indicator__code": "order_key", "indicator__title": "facts__title",
                         "indicator__service_area_name": "facts__service_area_name"}
RECORDED_EXCEPTION_ORDER = (*EXCEPTION_ORDER[:-1], binary("facts__code"))


class RowQuery:
    """Stored judgements as Rows, QuerySet-like (count, order_by, slicing) so that django-tables2 and the
    Paginator sort and page in the database and only the page's rows are built. A locked quarter's rows
    name each indicator as it was reported (its judgement's facts), an open quarter's as it is now."""

    def __init__(self, queryset, *, as_reported: bool = False):
        self.queryset = queryset
        self.model = Judgement
        self.as_reported = as_reported

    @property
    def query(self):
        return self.queryset.query

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def order_by(self, *fields) -> RowQuery:
        names = RECORDED_ORDER_FIELDS if self.as_reported else ORDER_FIELDS
        mapped = []
        for name in fields:
            if isinstance(name, str):
                bare = name.lstrip("-")
                name = ("-" if name.startswith("-") else "") + names.get(bare, bare)
            mapped.append(name)
        return RowQuery(self.queryset.order_by(*mapped, binary(_code(self.as_reported))),
                        as_reported=self.as_reported)

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self._rows(self.queryset[key])
        return self._rows(self.queryset[key:key + 1])[0]

    def __iter__(self):
        return iter(self._rows(self.queryset))

    def _rows(self, queryset) -> list[Row]:
        facts = FACTS_VIA_RECORD if self.as_reported else FACTS_VIA_JUDGEMENT
        width = len(facts)
        return [_row_of(facts_of(values[:width], as_reported=self.as_reported), values[width:])
                for values in queryset.values_list(*facts, *JUDGEMENT_FIELDS)]


def _code(as_reported: bool) -> str:
    """The column rows are listed by: the code in natural order (stored with each judgement)."""
    return "order_key"


@dataclass
class StoredScope:
    """Scope's figures counted, sorted and paged in SQL over the stored judgements (kpis.Judgement): what
    the dashboard and the home page read, whatever the size of the council. A locked quarter's rows are
    grouped, filtered and named by the indicators as it recorded them (service area, directorate, code,
    title), whatever has been moved or renamed since."""

    quarter: ReportingPeriod
    judgements: QuerySet  # every indicator in scope
    chosen: QuerySet  # those the table's filters choose

    @property
    def as_reported(self) -> bool:
        return self.quarter.is_locked

    @cached_property
    def summary(self) -> rules.Summary:
        return rules.summarise_counts(self._counts(self.judgements))

    @staticmethod
    def _counts(queryset) -> list[tuple[rules.Status, rules.Direction, int]]:
        return [(rules.Status(status), rules.Direction(direction), n) for status, direction, n in
                queryset.order_by().values_list("status", "direction").annotate(n=Count("pk"))]

    def by_area(self) -> list[tuple[str, int, list, rules.Summary]]:
        area = ("facts__service_area_id", "facts__service_area_name") if self.as_reported \
            else ("service_area_id", "service_area__name")
        groups: dict[int, tuple[str, list]] = {}
        for area_id, name, status, direction, n in self.judgements.order_by().values_list(
                *area, "status", "direction").annotate(n=Count("pk")):
            groups.setdefault(area_id or 0, (name or "", []))[1].append(
                (rules.Status(status), rules.Direction(direction), n))
        return sorted(((name, area_id, [], rules.summarise_counts(counts))
                       for area_id, (name, counts) in groups.items()), key=lambda item: item[0])

    def _rows(self, queryset) -> RowQuery:
        return RowQuery(queryset, as_reported=self.as_reported)

    @cached_property
    def exceptions(self) -> RowQuery:
        order = RECORDED_EXCEPTION_ORDER if self.as_reported else EXCEPTION_ORDER
        return self._rows(self.judgements.filter(exception=True).order_by(*order))

    @cached_property
    def filtered(self) -> RowQuery:
        return self._rows(self.chosen.order_by(binary(_code(self.as_reported))))

    def table_rows(self, asked: bool) -> RowQuery:
        """The dashboard's table: what the filters ask for, else what the exceptions above do not list."""
        return self.filtered if asked else self._rows(self.chosen.filter(exception=False).order_by(
            binary(_code(self.as_reported))))

    @cached_property
    def drafts(self) -> int:
        return self.judgements.filter(recorded=False, state=Actual.State.DRAFT).count()

    def narrowed(self) -> StoredScope:
        """This scope cut down to what its filters choose: every figure of it (summary, RAG by area,
        exceptions, the table) then counts only those rows, so a narrowed page tells one truth."""
        return StoredScope(self.quarter, self.chosen, self.chosen)

    @cached_property
    def rows(self) -> list[Row]:
        return list(self._rows(self.judgements.order_by(binary(_code(self.as_reported)))))


def stored_scope(user, quarter: ReportingPeriod, *, directorate_id: int | None = None,
                 filters: dict | None = None) -> StoredScope | None:
    """The stored judgements of a quarter in scope, or None for a locked quarter with no stored record (one
    locked before records were kept): then scope() judges it. A locked quarter is narrowed by the
    directorate, service area, key commitment, frequency, code and title its indicators were reported with."""
    if quarter.is_locked and not quarter.has_record:
        return None
    filters = filters or {}
    # Where each fact is: as the quarter recorded it (locked), or the live indicator (open).
    at = "facts__" if quarter.is_locked else "indicator__"
    judgements = Judgement.objects.filter(quarter=quarter)
    if user is not None and not access.can_view_performance(user):
        judgements = judgements.none()
    if directorate_id is not None:
        judgements = judgements.filter(**{"facts__directorate_id" if quarter.is_locked
                                          else "service_area__directorate_id": directorate_id})
    chosen = judgements
    if filters.get("service_area"):
        chosen = chosen.filter(**{"facts__service_area" if quarter.is_locked else "service_area":
                                  filters["service_area"]})
    if filters.get("commitment"):
        chosen = chosen.filter(**{f"{at}commitment": filters["commitment"]})
    if filters.get("frequency"):
        chosen = chosen.filter(**{f"{at}frequency": filters["frequency"]})
    if filters.get("q"):
        chosen = chosen.filter(Q(**{f"{at}code__icontains": filters["q"]})
                               | Q(**{f"{at}title__icontains": filters["q"]}))
    status = filters.get("status")
    if status == "exceptions":
        chosen = chosen.filter(exception=True)
    elif status:
        chosen = chosen.filter(status=status)
    return StoredScope(quarter, judgements, chosen)


def _judged_row(indicator, label, actual, target, previous, unit, **extra) -> Row:
    value = actual.value if actual else None
    rule_status = rules.judge(value, target, indicator.polarity, indicator.effective_tolerance)
    judged, reason = rule_status, ""
    if actual is not None and actual.status_override and rule_status.judged:
        judged, reason = rules.Status(actual.status_override), actual.override_reason
    return Row(
        indicator=indicator, period_label=label, actual=actual, value=value, target=target,
        previous=previous, status=judged, rag=rules.rag(judged),
        rule_status=rule_status if judged != rule_status else None, override_reason=reason,
        direction=rules.direction(value, previous, indicator.polarity),
        deviation=rules.deviation(value, target, indicator.polarity) if value is not None and target else None,
        data_quality=rules.data_quality_problem(
            value, actual.numerator if actual else None, actual.denominator if actual else None, unit
        ),
        unit=unit, **extra,
    )


def _recorded_row(indicator, label: str, actual: Figure | None, record: tuple | None, quarter: ReportingPeriod,
                  target_now: Decimal | None) -> Row:
    """A locked quarter's row: what was signed off, or "not submitted"."""
    if actual is not None and record is not None:
        status, direction, target, previous, unit, in_year, in_quarter, rule_status = record
        reported_here = bool(status) and in_year is not None and (in_year, in_quarter) <= (quarter.year,
                                                                                           quarter.quarter)
        if reported_here:
            judged = rules.Status(status)
            value = actual.value
            return Row(
                indicator=indicator, period_label=label, actual=actual, value=value, target=target,
                previous=previous, status=judged, rag=rules.rag(judged), direction=rules.Direction(direction),
                deviation=rules.deviation(value, target, indicator.polarity) if value is not None and target else None,
                data_quality=rules.data_quality_problem(value, actual.numerator, actual.denominator, unit),
                recorded=True, revision_pending=actual.state != Actual.State.SIGNED_OFF, unit=unit,
                rule_status=rules.Status(rule_status) if rule_status and rule_status != status else None,
                override_reason=actual.override_reason if rule_status and rule_status != status else "",
            )
    return Row(
        indicator=indicator, period_label=label, actual=None, value=None, target=target_now, previous=None,
        status=rules.Status.NO_DATA, rag=None, direction=rules.Direction.NOT_KNOWN, deviation=None,
        data_quality=None, recorded=True, not_submitted=actual is not None, unit=indicator.unit,
    )


def last_year_outturns(quarter: ReportingPeriod, indicators) -> dict[int, Decimal | None]:
    """Last year's outturn of each indicator: its value at the end of the previous financial year (Q4, or
    the year's figure for an annual indicator), as that quarter shows it. A locked quarter's indicators
    carry the outturn it recorded."""
    indicators = list(indicators)
    out = {i.pk: i.outturn for i in indicators if getattr(i, "as_reported", False)}
    wanted = [i for i in indicators if i.pk not in out]
    last = ReportingPeriod.objects.filter(year=quarter.year - 1, quarter=4).first()
    if last is None or not wanted:
        return out
    out.update({r.indicator.pk: r.value for r in judge_quarter(wanted, last)})
    return out


TREND_POINTS = 5  # quarters (or years, for an annual indicator) in the entry form's small trend


@dataclass
class EntryContext:
    """What a manager sees beside a figure: the one before, a year ago, last year's outturn and the trend."""

    previous: tuple[str, Decimal | None] | None  # (label, value): the quarter before (a year, if annual)
    outturn: tuple[str, Decimal | None] | None  # last year's outturn (Q4, or the year's figure)
    trend: list[tuple[str, Decimal | None]]  # oldest first, ending with the period before this one


def entry_context(indicators, quarter: ReportingPeriod) -> dict[int, EntryContext]:
    """EntryContext for each indicator of the entry form, in one query. Figures are as reported where their
    quarter is locked (a draft there was never reported: no figure), else as last saved."""
    indicators = list(indicators)
    value = quarter.value
    quarters = []
    at = value
    for _ in range(TREND_POINTS):
        at = at.previous()
        quarters.append(at)
    years = []
    year = value.financial_year
    for _ in range(TREND_POINTS):
        year = year.previous()
        years.append(year)
    wanted = Q()
    for p in quarters:
        wanted |= Q(period__year=p.year, period__quarter=p.quarter)
    wanted |= Q(period__year__in=[y.year for y in years], period__quarter__isnull=True)
    found: dict[tuple[int, str], Decimal | None] = {}
    for indicator_id, year_, quarter_, state, value_, reported, reported_state, in_state in Actual.objects.filter(
            wanted, indicator__in=[i.pk for i in indicators]).values_list(
            "indicator_id", "period__year", "period__quarter", "state", "value", "reported_value",
            "period__state", "reported_in__state"):
        locked = (in_state or reported_state) == ReportingPeriod.State.LOCKED
        if locked and state == Actual.State.DRAFT:
            continue  # never reported
        shown = reported if locked and reported is not None else value_
        label = ReportingPeriod(year=year_, quarter=quarter_).label
        found[(indicator_id, label)] = shown
    out = {}
    last_q4 = ReportingPeriod(year=value.year - 1, quarter=4).label
    last_year = value.financial_year.previous().label
    for i in indicators:
        periods = years if i.is_annual else quarters
        labels = [ReportingPeriod(year=p.year, quarter=p.quarter).label for p in periods]
        trend = [(label, found.get((i.pk, label))) for label in reversed(labels)]
        while trend and trend[0][1] is None:  # the trend starts at the first figure
            trend.pop(0)
        outturn_label = last_year if i.is_annual else last_q4
        out[i.pk] = EntryContext(
            previous=(labels[0], found.get((i.pk, labels[0]))),
            outturn=(outturn_label, found.get((i.pk, outturn_label))) if not i.is_annual else None,
            trend=trend if sum(1 for _, v in trend if v is not None) >= 2 else [])
    return out


def previous_to_date(indicators, quarter: ReportingPeriod) -> dict[int, tuple[Decimal, str]]:
    """For year-to-date (cumulative) indicators: the previous quarter's count in the same year, if any."""
    cumulative = [i.pk for i in indicators if i.accumulation == rules.Accumulation.CUMULATIVE and not i.is_annual]
    if not cumulative or quarter.quarter in (None, 1):
        return {}
    label = ReportingPeriod(year=quarter.year, quarter=quarter.quarter - 1).label
    return {
        indicator_id: (value, label)
        for indicator_id, value in Actual.objects.filter(
            indicator_id__in=cumulative, period__year=quarter.year, period__quarter=quarter.quarter - 1,
            value__isnull=False).values_list("indicator_id", "value")
    }


@dataclass
class Scope:
    """A quarter's indicators for one audience and scope: the one source of every figure the dashboard,
    its downloads, the home page and the committee pack show ("27% (8) on or above target", the RAG
    counts, the exceptions). Summaries count the reported status (an officer's override, if any)."""

    quarter: ReportingPeriod
    rows: list[Row]  # every indicator in scope, by code
    filtered: list[Row]  # those the table's filters choose

    @property
    def summary(self) -> rules.Summary:
        return rules.summarise((r.status, r.direction) for r in self.rows)

    @property
    def exceptions(self) -> list[Row]:
        return worst_first(self.rows)

    def narrowed(self) -> Scope:
        """This scope cut down to what its filters choose (StoredScope.narrowed)."""
        return Scope(self.quarter, list(self.filtered), list(self.filtered))

    def by_area(self) -> list[tuple[str, int, list[Row], rules.Summary]]:
        """(service area name, id, rows, summary) for each service area, by name."""
        groups: dict[int, list[Row]] = {}
        for r in self.rows:
            groups.setdefault(_area_id(r.indicator), []).append(r)
        out = [(_area_name(rows[0].indicator), area_id, rows, rules.summarise((r.status, r.direction) for r in rows))
               for area_id, rows in groups.items()]
        return sorted(out, key=lambda item: item[0])


def _area_id(indicator) -> int:
    return getattr(indicator, "service_area_id", 0)


def _area_name(indicator) -> str:
    name = getattr(indicator, "service_area_name", None)
    return name if name is not None else indicator.service_area.name


def scope(user, quarter: ReportingPeriod, *, directorate_id: int | None = None, filters: dict | None = None
          ) -> Scope:
    """The indicators of a quarter that ``user`` may read (user None: every one), optionally of one
    directorate, judged (a locked quarter: as recorded), with the dashboard's filters applied to
    ``filtered``: service_area, commitment, frequency, q (code or title) and status (a status, or
    "exceptions")."""
    filters = filters or {}
    if quarter.has_record:  # as the quarter recorded them: every indicator it reported, named as it was
        stored = stored_scope(user, quarter, directorate_id=directorate_id, filters=filters)
        return Scope(quarter, stored.rows, list(stored.filtered))
    indicators = indicators_in(quarter, user)
    if directorate_id is not None:
        indicators = indicators.filter(service_area__directorate_id=directorate_id)
    indicators = indicators.order_by("code")
    rows = sorted(judge_quarter(indicator_facts(indicators), quarter, ids=indicators.values("pk")),
                  key=lambda r: (natural(r.indicator.code), r.indicator.code))
    chosen = indicators
    if filters.get("service_area"):
        chosen = chosen.filter(service_area=filters["service_area"])
    if filters.get("commitment"):
        chosen = chosen.filter(commitment=filters["commitment"])
    if filters.get("frequency"):
        chosen = chosen.filter(frequency=filters["frequency"])
    if filters.get("q"):
        chosen = chosen.filter(Q(code__icontains=filters["q"]) | Q(title__icontains=filters["q"]))
    if chosen is indicators:
        filtered = list(rows)
    else:
        wanted = set(chosen.values_list("pk", flat=True))
        filtered = [r for r in rows if r.indicator.pk in wanted]
    status = filters.get("status")
    if status == "exceptions":
        filtered = [r for r in filtered if r.is_exception]
    elif status:
        filtered = [r for r in filtered if r.status.value == status]
    return Scope(quarter, rows, filtered)


def worst_first(rows: list[Row]) -> list[Row]:
    return sorted(
        (r for r in rows if r.is_exception),
        key=lambda r: (*rules.exception_sort_key(r.status, r.direction, r.deviation), natural(r.indicator.code),
                       r.indicator.code),
    )


def quarters_with_figures() -> QuerySet[ReportingPeriod]:
    return ReportingPeriod.objects.quarters().order_by("-year", "-quarter")


def year_targets(quarter: ReportingPeriod, indicator_ids) -> dict[int, Decimal]:
    """Each indicator's target for the quarter's financial year, as it is now."""
    return dict(Target.objects.filter(indicator_id__in=list(indicator_ids), period__year=quarter.year,
                                      period__quarter__isnull=True, value__isnull=False)
                .values_list("indicator_id", "value"))


def new_this_year(quarter: ReportingPeriod, indicator_ids) -> set[int]:
    """The indicators with no figure before the quarter's financial year: "New PI" in the papers."""
    ids = set(indicator_ids)
    start = quarter.value.financial_year.start
    earlier = set(Actual.objects.filter(indicator_id__in=list(ids), period__start__lt=start)
                  .values_list("indicator_id", flat=True).distinct())
    return ids - earlier


def default_quarter(user=None) -> ReportingPeriod | None:
    """The quarter a page opens on: the last one reported for the executive and the audit committee,
    else the one open for entry."""
    if user is not None and access.reads_the_record(user):
        # Read once per request (the page and each of its home-page panels ask).
        if not hasattr(user, "_landing_quarter"):
            user._landing_quarter = landing_quarter()
        return user._landing_quarter
    return ReportingPeriod.objects.latest_quarter()


def landing_quarter() -> ReportingPeriod | None:
    """Where the executive's and the audit committee's pages open, in one query: the newest locked quarter
    that judged at least one figure against a target; else the current quarter (its figures shown with the
    warning that they are not yet signed off); else the newest locked one; else the last one reached. A
    quarter reported with no targets at all (the demo's 2018/19 Q4, before the council set 2019/20's) would
    open on an empty page, so it is passed over."""
    from organisation import clock

    judged = [s.value for s in rules.Status if s.judged]
    locked_and_judged = Q(state=ReportingPeriod.State.LOCKED, pk__in=Judgement.objects.filter(
        recorded=True, status__in=judged).values("quarter_id"))
    today = clock.today()
    current = Q(state=ReportingPeriod.State.OPEN, start__lte=today)
    locked = Q(state=ReportingPeriod.State.LOCKED)
    return (ReportingPeriod.objects.quarters().filter(locked | Q(start__lte=today))
            .annotate(rank=Case(When(locked_and_judged, then=Value(0)), When(current, then=Value(1)),
                                When(locked, then=Value(2)), default=Value(3)))
            .order_by("rank", "-year", "-quarter").first())


def history_series(indicator: Indicator) -> list[tuple[str, Decimal | None, Decimal | None, Actual | None]]:
    """(period label, value, target in force, actual) for every period with a figure or target, oldest first.

    A locked quarter is charted as it was reported (its stored judgement, or the figure as signed off): the
    target it was judged against, and no value for a figure never reported (a draft reads "not submitted").
    A year's figure reported in a locked quarter is charted as reported there."""
    actuals = {a.period_id: a for a in indicator.actuals.select_related("period", "entered_by", "reported_in")}
    targets = {t.period_id: t.value for t in indicator.targets.select_related("period")}
    stored = {quarter_id: (value, target, not_submitted) for quarter_id, value, target, not_submitted in
              Judgement.objects.filter(indicator=indicator).values_list("quarter_id", "value", "target",
                                                                        "not_submitted")}
    periods = ReportingPeriod.objects.filter(pk__in=set(actuals) | set(targets)).order_by("year", "quarter")
    by_year = {p.year: p.pk for p in ReportingPeriod.objects.years().filter(year__in={p.year for p in periods})}
    out = []
    for period in periods:
        if indicator.is_annual != period.is_year:
            continue
        if period.is_year:
            target = targets.get(period.pk)
        else:
            target = rules.target_in_force(
                quarter_target=targets.get(period.pk), year_target=targets.get(by_year.get(period.year)),
                accumulation=indicator.accumulation, quarter=period.quarter,
            )
        actual = actuals.get(period.pk)
        value = actual.value if actual else None
        reported_in = period if not period.is_year else (actual.reported_in if actual else None)
        if reported_in is not None and reported_in.is_locked:
            if reported_in.pk in stored and not period.is_year:
                value, target, not_submitted = stored[reported_in.pk]
                value = None if not_submitted else value
            elif actual is not None and actual.signed_status and actual.reported_in_id == reported_in.pk:
                value, target = actual.signed_value, actual.signed_target
            else:  # never reported
                value = None
        out.append((period.label, value, target, actual))
    return out


# --- published benchmarks --------------------------------------------------------------------------

@dataclass(frozen=True)
class Benchmark:
    """An indicator's published benchmarks for a year, with the council's band (A the best quarter)."""

    year_label: str
    council: Decimal | None
    england: Decimal | None
    neighbours: Decimal | None
    regional: Decimal | None
    band: str  # "" when there is none


def live_benchmarks(quarter: ReportingPeriod, polarities: dict[int, str]) -> dict[int, Benchmark]:
    """Each indicator's benchmarks of the latest year up to the quarter's financial year, as they are now,
    banded by the given polarity (one query)."""
    from .models import Comparator

    found: dict[int, Benchmark] = {}
    comparators = Comparator.objects.filter(indicator_id__in=list(polarities), period__year__lte=quarter.year,
                                            period__quarter__isnull=True).select_related("period") \
        .order_by("indicator_id", "-period__year")
    for c in comparators:
        if c.indicator_id not in found:
            found[c.indicator_id] = Benchmark(c.period.label, c.council, c.england, c.statistical_neighbours,
                                              c.regional, c.band(polarities[c.indicator_id]) or "")
    return found


def recorded_benchmark_fields(benchmark: Benchmark | None) -> dict:
    """A Benchmark as RecordedIndicator's fields (none: blank)."""
    if benchmark is None:
        return {}
    return {"benchmark_year": benchmark.year_label, "benchmark_council": benchmark.council,
            "benchmark_england": benchmark.england, "benchmark_neighbours": benchmark.neighbours,
            "benchmark_regional": benchmark.regional, "benchmark_band": benchmark.band}


def benchmarks(quarter: ReportingPeriod, polarities: dict[int, str]) -> dict[int, Benchmark]:
    """The benchmarks a quarter shows beside its indicators: as its lock recorded them, for a locked quarter
    (whatever is published or corrected since), else as they are now."""
    from .models import RecordedIndicator

    if quarter.has_record:
        recorded = RecordedIndicator.objects.filter(quarter=quarter, indicator_id__in=list(polarities)) \
            .values_list("indicator_id", "benchmark_year", "benchmark_council", "benchmark_england",
                         "benchmark_neighbours", "benchmark_regional", "benchmark_band")
        return {pk: Benchmark(year, *values) for pk, year, *values in recorded if year}
    return live_benchmarks(quarter, polarities)
