from __future__ import annotations

from decimal import Decimal

from django import forms

from organisation.models import ReportingPeriod
from organisation.periods import PeriodError, parse

from . import status as rules
from .models import Comparator, Indicator
from .parsing import InvalidValue, parse_decimal


class FigureForm(forms.Form):
    """One indicator's row in the quarterly entry form."""

    value = forms.CharField(required=False, label="Value")
    numerator = forms.CharField(required=False, label="Numerator")
    denominator = forms.CharField(required=False, label="Denominator")
    commentary = forms.CharField(required=False, label="Commentary", widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, indicator: Indicator, target: Decimal | None, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.target = target
        self.submitting = submitting

    def _number(self, name: str) -> Decimal | None:
        raw = self.cleaned_data.get(name, "")
        try:
            return parse_decimal(raw)
        except InvalidValue as exc:
            raise forms.ValidationError(f"{self.indicator.code} {name}: {exc}") from None

    def clean_value(self):
        return self._number("value")

    def clean_numerator(self):
        value = self._number("numerator")
        if value is not None and value < 0:
            raise forms.ValidationError(f"{self.indicator.code} numerator: cannot be negative")
        return value

    def clean_denominator(self):
        value = self._number("denominator")
        if value is not None and value <= 0:
            raise forms.ValidationError(f"{self.indicator.code} denominator: must be more than zero")
        return value

    def clean(self):
        data = super().clean()
        code = self.indicator.code
        value, numerator, denominator = data.get("value"), data.get("numerator"), data.get("denominator")
        commentary = (data.get("commentary") or "").strip()
        data["commentary"] = commentary
        if self.indicator.is_percent and value is not None and value > 100:
            self.add_error("value", f"{code} value: a percentage cannot be more than 100")
        if self.indicator.is_percent and value is not None and value < 0:
            self.add_error("value", f"{code} value: a percentage cannot be negative")
        if (self.indicator.is_percent and numerator is not None and denominator is not None
                and numerator > denominator):
            self.add_error("numerator", f"{code} numerator: {numerator} is larger than the denominator "
                                        f"({denominator})")
        if (numerator is None) != (denominator is None) and "numerator" not in self.errors \
                and "denominator" not in self.errors:
            missing = "denominator" if denominator is None else "numerator"
            self.add_error(missing, f"{code} {missing}: give both the numerator and the denominator, or neither")
        if value is not None and not commentary and "value" not in self.errors:
            judged = rules.judge(value, self.target, self.indicator.polarity, self.indicator.effective_tolerance)
            if judged in (rules.Status.BELOW, rules.Status.WELL_BELOW):
                self.add_error("commentary", f"{code} commentary: explain why the figure is "
                                             f"{judged.value.lower()} and what is being done")
        if self.submitting and value is None and not commentary and "value" not in self.errors:
            self.add_error("value", f"{code} value: enter a value, or say in the commentary why there is no data")
        return data


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["code", "title", "description", "service_area", "polarity", "unit", "precision", "frequency",
                  "accumulation", "commitment", "tolerance", "owner", "active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}), "polarity": forms.RadioSelect,
                   "accumulation": forms.RadioSelect}
        error_messages = {
            "code": {"required": "Enter the indicator code", "unique": "An indicator with this code already exists"},
            "title": {"required": "Enter the indicator's title"},
            "service_area": {"required": "Choose the owning service area"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_area"].queryset = self.fields["service_area"].queryset.select_related("directorate")
        self.fields["owner"].queryset = self.fields["owner"].queryset.order_by("username")
        self.fields["tolerance"].help_text = "Percent. Leave blank for the default of 15."


class TargetForm(forms.Form):
    period = forms.CharField(label="Period", help_text="A quarter such as 2019/20 Q1, or a financial year such as "
                                                       "2019/20", error_messages={"required": "Enter the period"})
    value = forms.CharField(required=False, label="Target", help_text="Leave blank to establish a baseline.")

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator

    def clean_period(self):
        try:
            value = parse(self.cleaned_data["period"])
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None
        if self.indicator.is_annual and not value.is_year:
            raise forms.ValidationError(f"{self.indicator.code} is annual: give a financial year such as "
                                        f"{value.financial_year.label}")
        return value

    def clean_value(self):
        try:
            return parse_decimal(self.cleaned_data["value"])
        except InvalidValue as exc:
            raise forms.ValidationError(f"Target: {exc}") from None

    def period_object(self) -> ReportingPeriod:
        return ReportingPeriod.for_value(self.cleaned_data["period"])


class ComparatorForm(forms.ModelForm):
    year = forms.CharField(label="Financial year", help_text="For example 2018/19",
                           error_messages={"required": "Enter the financial year"})

    class Meta:
        model = Comparator
        fields = ["england", "statistical_neighbours", "regional", "quartile"]

    def clean_year(self):
        try:
            value = parse(self.cleaned_data["year"])
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None
        if not value.is_year:
            raise forms.ValidationError("Give a financial year such as 2018/19, not a quarter")
        return value
