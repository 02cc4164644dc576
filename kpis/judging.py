"""Stored judgements of indicators (kpis.Judgement): judged once, when something they depend on is written,
read many times.

- A locked quarter's rows are its record, written at the lock (services.store_judgements) and never changed.
- An open quarter's rows are the rules' judgement of today's figures, targets and definitions. The services
  that write any of them call refresh() for the indicators they touched, in the same transaction; opening,
  reopening and creating a quarter refresh it whole.

check() compares the stored rows with what the rules compute now (open quarters) or with the figures as
signed off (locked ones); `manage.py rejudge [--check]` runs refresh() or check() over everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS

from organisation.judgements import Deferral
from organisation.models import ReportingPeriod
from organisation.ordering import natural

from . import status as rules
from .models import Judgement

# What a stored row holds that pages read; compared by check().
COMPARED = ("actual_id", "period_label", "value", "numerator", "denominator", "reported_value", "commentary",
            "state", "target", "previous", "status", "rule_status", "override_reason", "direction",
            "data_quality", "unit", "not_submitted", "revision_pending", "rag", "severity", "exception",
            "deviation", "service_area_id")


def judgement_of(row, quarter: ReportingPeriod, *, recorded: bool) -> Judgement:
    """A Judgement row from a judged Row (kpis.queries.Row)."""
    actual = row.actual
    return Judgement(
        indicator_id=row.indicator.pk, quarter=quarter, actual_id=actual.pk if actual else None,
        period_label=row.period_label, value=row.value, numerator=actual.numerator if actual else None,
        denominator=actual.denominator if actual else None, reported_value=row.reported_value,
        commentary=row.commentary, state=actual.state if actual else "", target=row.target, previous=row.previous,
        status=row.status.value, direction=row.direction.value, data_quality=row.data_quality or "", unit=row.unit,
        not_submitted=row.not_submitted, revision_pending=row.revision_pending,
        rule_status=row.rule_status.value if row.rule_status else "", override_reason=row.override_reason,
        recorded=recorded, rag=row.rag.value if row.rag else "", severity=row.status.severity,
        exception=rules.is_exception(row.status, row.direction), deviation=row.deviation,
        service_area_id=getattr(row.indicator, "service_area_id", None), order_key=natural(row.indicator.code),
    )


def _open(quarters: Iterable[ReportingPeriod] | None) -> list[ReportingPeriod]:
    if quarters is None:
        return list(ReportingPeriod.objects.quarters().filter(state=ReportingPeriod.State.OPEN))
    pks = [q.pk for q in quarters if q is not None and not q.is_year]
    return list(ReportingPeriod.objects.filter(pk__in=pks, state=ReportingPeriod.State.OPEN))


def live(quarter: ReportingPeriod, indicator_ids: Iterable[int] | None = None) -> list[Judgement]:
    """What the rules give for the quarter now, as Judgement rows (not saved)."""
    from . import queries

    indicators = queries.indicators_in(quarter)
    if indicator_ids is not None:
        indicators = indicators.filter(pk__in=list(indicator_ids))
    rows = queries.judge_quarter(queries.indicator_facts(indicators), quarter, ids=indicators.values("pk"),
                                 recorded=False, store=False)
    return [judgement_of(row, quarter, recorded=False) for row in rows]


def refresh(*, indicator_ids: Iterable[int] | None = None, quarters: Iterable[ReportingPeriod] | None = None) -> int:
    """Write the stored judgements of these indicators (None: all) in these open quarters (None: every open
    quarter). An indicator no longer shown in a quarter (retired, say) loses its row there."""
    ids = None if indicator_ids is None else sorted(set(indicator_ids))
    if ids is not None and not ids:
        return 0
    written = 0
    for quarter in _open(quarters):
        # A quarter with no stored rows yet (just created by an import, say) is judged whole.
        scope = ids if ids is not None and Judgement.objects.filter(quarter=quarter).exists() else None
        rows = live(quarter, scope)
        stale = Judgement.objects.filter(quarter=quarter)
        if scope is not None:
            stale = stale.filter(indicator_id__in=scope)
        stale.delete()
        Judgement.objects.bulk_create(rows, batch_size=1000)
        written += len(rows)
    return written


# --- when to refresh: once per service call, or at once for a save made outside one ---------------------

_deferral = Deferral(lambda ids: refresh(indicator_ids=ids))
deferred = _deferral.deferred  # judge once at the end of the block (discard=True: judge nothing)
deferring = _deferral.deferring  # decorate a service whose writes change judgements
touched = _deferral.touched  # these ids' facts changed: refresh now, or when the service returns


def on_change(sender, instance, **kwargs) -> None:
    """A figure, target or indicator saved or deleted by any route (kpis/apps.py connects it)."""
    if kwargs.get("raw"):
        return  # loaddata
    touched([instance.pk if sender.__name__ == "Indicator" else instance.indicator_id])


def fill_missing(using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """After `migrate`: an open quarter with no stored judgements yet (a database from before they were kept)
    is judged whole, so that its pages read stored rows from the start."""
    if using != DEFAULT_DB_ALIAS:
        return  # a read replica is a copy of the primary, never written to
    for quarter in _open(None):
        if not Judgement.objects.filter(quarter=quarter).exists():
            refresh(quarters=[quarter])


def opened(quarter: ReportingPeriod) -> None:
    """A quarter opened for entry (the next one, or a locked one reopened): its rows become live."""
    refresh(quarters=[quarter])


def forget(indicator_ids: Iterable[int]) -> None:
    """Before an indicator is deleted: its open quarters' rows go (a locked quarter's record stays)."""
    Judgement.objects.filter(indicator_id__in=list(indicator_ids), recorded=False).delete()


@dataclass
class Difference:
    quarter: str
    indicator_id: int
    field: str
    stored: object
    computed: object

    def __str__(self) -> str:
        return f"{self.quarter} indicator {self.indicator_id}: {self.field} stored {self.stored!r}, " \
               f"the rules give {self.computed!r}"


def _values(judgement: Judgement) -> dict:
    out = {name: getattr(judgement, name) for name in COMPARED}
    for name in ("value", "numerator", "denominator", "reported_value", "target", "previous", "deviation"):
        if out[name] is not None:
            out[name] = Decimal(out[name])
            if name == "deviation":  # stored to 8 places
                out[name] = out[name].quantize(Decimal("1E-8"))
            out[name] = out[name].normalize()
    return out


def check(quarters: Iterable[ReportingPeriod] | None = None) -> list[Difference]:
    """Every way the stored judgements differ from what they should be: open quarters against the rules
    now, locked quarters (with a stored record) against the figures as signed off."""
    from . import queries

    if quarters is None:
        quarters = ReportingPeriod.objects.quarters().order_by("year", "quarter")
    found: list[Difference] = []
    for quarter in quarters:
        if quarter.is_locked:
            if not quarter.has_record:
                continue
            indicators = Judgement.objects.filter(quarter=quarter).values("indicator_id")
            from .models import Indicator

            # Judged with the indicators as the quarter recorded them (a later redefinition changes nothing).
            recorded = queries.recorded_facts(quarter, indicators)
            facts = [recorded.get(f.pk, f) for f in queries.indicator_facts(Indicator.objects.filter(pk__in=indicators))]
            rows = queries.judge_quarter(facts, quarter, ids=indicators, recorded=True, store=False)
            expected = {r.indicator.pk: judgement_of(r, quarter, recorded=True) for r in rows}
            compared = ("actual_id", "value", "status", "direction", "not_submitted")
        else:
            expected = {j.indicator_id: j for j in live(quarter)}
            compared = COMPARED
        stored = {j.indicator_id: j for j in Judgement.objects.filter(quarter=quarter)}
        for indicator_id in sorted(set(expected) | set(stored)):
            want, have = expected.get(indicator_id), stored.get(indicator_id)
            if want is None or have is None:
                found.append(Difference(quarter.label, indicator_id, "row", "present" if have else "missing",
                                        "present" if want else "none"))
                continue
            want_values, have_values = _values(want), _values(have)
            for name in compared:
                if want_values[name] != have_values[name]:
                    found.append(Difference(quarter.label, indicator_id, name, have_values[name], want_values[name]))
    return found
