"""The programme's links into the other registers: its objectives' and workstreams' indicators (their stored
judgements for the quarter) and its risks to delivery (their stored ratings for the quarter, as the registers
show them to the reader).

The one place the programmes domain reads another domain's records, and only their stored judgements (each
domain's record of what it reported), through the apps registry: programmes never writes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.apps import apps

from organisation import access
from organisation.models import ReportingPeriod


@dataclass(frozen=True)
class IndicatorFact:
    code: str
    title: str
    value: Decimal | None
    target: Decimal | None
    status: str  # "Below target", "No data", ... (as stored)
    rag: str  # Green, Amber, Red or blank
    unit: str

    @property
    def shown_value(self) -> str:
        """The value with its unit where it has one to show (61.3%, £420, 12 days); "No data" when none."""
        if self.value is None:
            return "No data"
        number = format(self.value.normalize(), "f") if self.value == self.value.to_integral() else \
            format(self.value.quantize(Decimal("0.1")), "f")
        if self.unit == "percent":
            return f"{number}%"
        if self.unit == "currency":
            return f"£{number}"
        if self.unit in ("", "number", "score"):
            return number
        return f"{number} {self.unit}"


@dataclass(frozen=True)
class RiskFact:
    reference: str
    title: str
    rating: int
    level: str
    register: str
    outside: bool


def indicator_facts(indicator_ids, quarter: ReportingPeriod) -> dict[int, IndicatorFact]:
    """The linked indicators as the quarter judged them (a locked quarter's record: its code and title then)."""
    if not indicator_ids or not apps.is_installed("kpis"):
        return {}
    judgement = apps.get_model("kpis", "Judgement")
    rows = judgement.objects.filter(quarter=quarter, indicator_id__in=list(indicator_ids)).select_related(
        "indicator", "facts")
    out = {}
    for j in rows:
        named = j.facts or j.indicator
        out[j.indicator_id] = IndicatorFact(code=named.code, title=named.title, value=j.value, target=j.target,
                                            status=j.status, rag=j.rag, unit=j.unit)
    return out


def delivery_risks(user, programme, quarter: ReportingPeriod) -> list[RiskFact]:
    """The programme's risks to delivery that the reader may see on the quarter's registers, with their
    stored rating and level, highest first. user None: the committee's view (the corporate and directorate
    registers, as the committee pack shows them)."""
    committee = user is None
    if not apps.is_installed("risks") or not (committee or access.can_view_risks(user)):
        return []
    from risks import queries, scoring  # the registers' own visibility rule and scheme bands

    linked = list(programme.risks.values_list("pk", flat=True))
    if not linked:
        return []
    visible = queries.risks_on(quarter, user, committee=committee).filter(pk__in=linked).values("pk")
    judgement = apps.get_model("risks", "Judgement")
    rows = list(judgement.objects.filter(quarter=quarter, risk_id__in=visible).select_related("risk", "scheme"))
    schemes: dict[int, scoring.Scheme] = {}
    out = []
    for j in rows:
        if j.scheme_id not in schemes:
            schemes[j.scheme_id] = scoring.Scheme.from_data(j.scheme.name, j.scheme.definition)
        rating = scoring.rating(j.likelihood, j.impact)
        recorded = quarter.has_record and j.reference
        out.append(RiskFact(reference=j.reference if recorded else j.risk.reference,
                            title=j.title if recorded else j.risk.title, rating=rating,
                            level=scoring.level(schemes[j.scheme_id], rating).name,
                            register=j.get_register_display(), outside=j.outside))
    out.sort(key=lambda r: (-r.rating, r.reference))
    return out
