from __future__ import annotations

from decimal import Decimal

from django import forms

from organisation import clock, parsing
from organisation.models import ReportingPeriod
from organisation.parsing import InvalidValue, parse_decimal

from . import benchmarking, validation
from . import status as rules
from .models import Comparator, Indicator


class FigureForm(forms.Form):
    """One indicator's row in the quarterly entry form; the rules are kpis/validation.py's, as the import's."""

    value = forms.CharField(required=False, label="Value")
    numerator = forms.CharField(required=False, label="Numerator")
    denominator = forms.CharField(required=False, label="Denominator")
    commentary = forms.CharField(required=False, label="Commentary", widget=forms.Textarea(attrs={"rows": 2}))
    answer = forms.CharField(required=False, max_length=4000, label="Your answer",
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Needed to submit the figure again; kept in its history and the audit trail.")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, indicator: Indicator, target: Decimal | None, submitting: bool = False,
                 previous_to_date: Decimal | None = None, previous_label: str = "", question: str = "",
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question  # the performance team's question, when the figure was sent back
        if not question:
            del self.fields["answer"]
        self.indicator = indicator
        self.target = target
        self.submitting = submitting
        self.previous_to_date, self.previous_label = previous_to_date, previous_label
        self.warnings: list[str] = []
        self.implied: Decimal | None = None
        if indicator.accumulation == Indicator.Accumulation.CUMULATIVE:
            self.fields["value"].label = "Value (year to date)"

    def _number(self, name: str) -> Decimal | None:
        raw = self.cleaned_data.get(name, "")
        try:
            return parse_decimal(raw)
        except InvalidValue as exc:
            raise forms.ValidationError(f"{self.indicator.code} {name}: {exc}") from None

    def clean_value(self):
        return self._number("value")

    def clean_numerator(self):
        return self._number("numerator")

    def clean_denominator(self):
        return self._number("denominator")

    def clean(self):
        data = super().clean()
        if any(name in self.errors for name in ("value", "numerator", "denominator")):
            return data
        data["commentary"] = (data.get("commentary") or "").strip()
        if self.question:
            data["answer"] = (data.get("answer") or "").strip()
            if self.submitting and not data["answer"]:
                self.add_error("answer", f"{self.indicator.code}: answer the performance team's question before "
                                         "you submit the figure again")
        check = validation.check_figure(
            indicator=self.indicator, value=data.get("value"), numerator=data.get("numerator"),
            denominator=data.get("denominator"), commentary=data["commentary"], target=self.target,
            submitting=self.submitting, previous_to_date=self.previous_to_date, previous_label=self.previous_label)
        for name, message in check.errors.items():
            self.add_error(name, f"{self.indicator.code} {name}: {message}")
        self.warnings, self.implied = check.warnings, check.implied
        return data


REASON_HELP = "Kept in the audit trail beside the change, for the audit committee. For example: new national guidance."


class IndicatorForm(forms.ModelForm):
    reason = forms.CharField(required=False, max_length=4000, label="Why (optional)", help_text=REASON_HELP,
                             widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Indicator
        fields = ["code", "title", "description", "service_area", "polarity", "unit", "precision", "frequency",
                  "accumulation", "commitment", "tolerance", "owner", "statutory", "benchmark_measure", "active"]
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
    reason = forms.CharField(required=False, max_length=4000, label="Why (optional)",
                             help_text="Kept in the audit trail beside the change. For example: Cabinet set the "
                                       "target on 12 March.", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, indicator: Indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator

    def clean_period(self):
        try:
            value = parsing.parse_period(self.cleaned_data["period"], clock.today())
        except InvalidValue as exc:
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

    quartile = forms.TypedChoiceField(
        label="Band, if the thresholds are not known", required=False, coerce=int, empty_value=None,
        choices=[("", "Work it out from the thresholds")] + [(n, f"{band}{' (the best quarter)' if n == 1 else ''}")
                                                             for n, band in benchmarking.QUARTILE_BANDS.items()])

    class Meta:
        model = Comparator
        fields = ["council", "england", "statistical_neighbours", "regional", "q25", "q50", "q75", "quartile"]
        labels = {"council": "The council's published figure", "england": "England",
                  "statistical_neighbours": "Statistical neighbours", "regional": "Region"}

    def clean_year(self):
        try:
            return parsing.parse_period(self.cleaned_data["year"], clock.today(), quarter=False)
        except InvalidValue as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        data = super().clean()
        given = [data.get(name) for name in ("q25", "q50", "q75")]
        if all(v is not None for v in given) and not given[0] <= given[1] <= given[2]:
            self.add_error("q50", "The thresholds must rise: quartile 25, then 50, then 75")
        return data


class StatusOverrideForm(forms.Form):
    """The performance officer's reported status for a figure, with the reason shown beside it."""

    status = forms.ChoiceField(label="Reported status", widget=forms.RadioSelect,
                               error_messages={"required": "Choose the status to report"})
    reason = forms.CharField(label="Reason", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Shown beside the status on every page, export and committee paper, and kept "
                                       "in the audit trail. For example: the best rate since records began.")

    def __init__(self, *args, rule_status: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", f"The rules' status: {rule_status}")] + [
            (s.value, s.value) for s in rules.Status if s.judged and s.value != rule_status]
        self.fields["status"].required = False

    def clean(self):
        data = super().clean()
        if data.get("status") and not (data.get("reason") or "").strip():
            self.add_error("reason", "Give the reason for reporting this status")
        return data


class SendBackForm(forms.Form):
    question = forms.CharField(
        label="Your question", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The service manager sees it on the entry form and in their tasks, and answers it when they "
                  "submit the figure again. It is kept in the figure's history and the audit trail.",
        error_messages={"required": "Write the question the service manager should answer",
                        "max_length": "The question must be 4,000 characters or fewer"})

    def clean_question(self):
        text = self.cleaned_data["question"].strip()
        try:
            parsing.check_text(text, what="question")
        except InvalidValue as exc:
            raise forms.ValidationError(str(exc)) from None
        if not text:
            raise forms.ValidationError("Write the question the service manager should answer")
        return text
