"""One validation for performance indicators, shared by the web forms and the import Resources.

Each check returns (or raises) messages in the same words whichever route
the figure came by; the caller says where (a form field, or a spreadsheet
row and column). The rules come from status.py and organisation/parsing.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from organisation import parsing

from . import status as rules


@dataclass
class FigureCheck:
    errors: dict[str, str] = field(default_factory=dict)  # field -> message
    warnings: list[str] = field(default_factory=list)
    implied: Decimal | None = None  # the value numerator / denominator gives, when they disagree with it

    @property
    def ok(self) -> bool:
        return not self.errors


# Units whose figures are counts or measures that cannot fall below zero (children, rates, hours, days). Money,
# points (a Progress 8 score) and percentage-point changes can be negative.
NEVER_NEGATIVE = frozenset({"number", "rate per 1000", "rate per 10000", "rate per 100000", "hours", "days"})


def check_target(indicator, value: Decimal) -> Decimal:
    """A target in the figures' own range: a percentage from 0 to 100, no negative count, rate or time."""
    if indicator.is_percent and not (0 <= value <= 100):
        raise parsing.InvalidValue(f"{_n(value)} is not a percentage between 0 and 100")
    if value < 0 and indicator.unit in NEVER_NEGATIVE:
        from .models import Indicator

        unit = dict(Indicator.Unit.choices).get(indicator.unit, indicator.unit).lower()
        raise parsing.InvalidValue(f"{_n(value)} is below zero: a target in {unit} cannot be negative")
    return value


def implied_value(numerator: Decimal, denominator: Decimal, unit: str, places: int) -> Decimal:
    return (numerator / denominator * rules.multiplier(unit)).quantize(Decimal(1).scaleb(-max(places, 1)))


def check_figure(*, indicator, value: Decimal | None, numerator: Decimal | None, denominator: Decimal | None,
                 commentary: str, target: Decimal | None, submitting: bool,
                 previous_to_date: Decimal | None = None, previous_label: str = "") -> FigureCheck:
    """Every rule a figure must meet, in one place.

    Errors stop the save; warnings are shown (the form) or listed (the import
    preview) and the figure is flagged. Some rules bind only when a figure is
    submitted: a draft may be incomplete, a submitted figure may not.
    indicator: anything with unit, polarity, is_percent, effective_tolerance, accumulation.
    """
    check = FigureCheck()
    try:
        parsing.check_text(commentary or "", what="commentary")
    except parsing.InvalidValue as exc:
        check.errors["commentary"] = str(exc)
    if value is not None and indicator.is_percent and not (0 <= value <= 100):
        check.errors["value"] = f"{_n(value)} is not a percentage between 0 and 100"
    elif value is not None and value < 0 and indicator.unit in NEVER_NEGATIVE:
        from .models import Indicator

        unit = dict(Indicator.Unit.choices).get(indicator.unit, indicator.unit).lower()
        check.errors["value"] = f"{_n(value)} is below zero: a figure in {unit} cannot be negative"
    if numerator is not None and numerator < 0:
        check.errors["numerator"] = "the numerator cannot be negative"
    if denominator is not None and denominator <= 0:
        check.errors["denominator"] = "the denominator must be more than zero"
    if (numerator is None) != (denominator is None) and not ({"numerator", "denominator"} & set(check.errors)):
        missing = "denominator" if denominator is None else "numerator"
        check.errors[missing] = "give both the numerator and the denominator, or neither"
    if (indicator.is_percent and numerator is not None and denominator is not None
            and not ({"numerator", "denominator"} & set(check.errors)) and numerator > denominator):
        check.errors["numerator"] = (f"the numerator ({_n(numerator)}) is larger than the denominator "
                                     f"({_n(denominator)}): a percentage cannot be over 100")
    explained = bool((commentary or "").strip())
    if value is not None and "value" not in check.errors and not ({"numerator", "denominator"} & set(check.errors)):
        problem = rules.data_quality_problem(value, numerator, denominator, indicator.unit)
        if problem and denominator:
            places = -value.normalize().as_tuple().exponent if value.normalize().as_tuple().exponent < 0 else 0
            check.implied = implied_value(numerator, denominator, indicator.unit, places)
            message = (f"{_n(value)} does not match the numerator and denominator: {_n(numerator)} / "
                       f"{_n(denominator)} gives {check.implied:f}. Correct the value, or explain the "
                       "difference in the commentary")
            if submitting and not explained:
                check.errors["value"] = message
            else:
                check.warnings.append(f"data quality - {problem}")
        judged = rules.judge(value, target, indicator.polarity, indicator.effective_tolerance)
        if judged in (rules.Status.BELOW, rules.Status.WELL_BELOW) and not explained:
            message = f"explain why the figure is {judged.value.lower()} and what is being done"
            if submitting:
                check.errors["commentary"] = message
            else:
                check.warnings.append(f"{judged.value.lower()}: commentary is needed before it is submitted")
        if (indicator.accumulation == rules.Accumulation.CUMULATIVE and previous_to_date is not None
                and value < previous_to_date):
            check.warnings.append(
                f"year to date: {_n(value)} is less than {_n(previous_to_date)} at {previous_label}; a count "
                "for the year so far cannot fall")
    if submitting and value is None and not explained and "value" not in check.errors:
        check.errors["value"] = "enter a value, or say in the commentary why there is no data"
    return check


def _n(value: Decimal) -> str:
    return format(value.normalize(), "f")


def check_tolerance(value: Decimal | None) -> Decimal | None:
    if value is not None and not (0 <= value <= 100):
        raise parsing.InvalidValue(f"{_n(value)} is not a percentage between 0 and 100")
    return value
