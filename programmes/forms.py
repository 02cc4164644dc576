from __future__ import annotations

from decimal import Decimal

from django import forms

from organisation import clock, parsing, periods

from . import rules, services
from .models import Assessment, Objective


class AssessmentRowForm(forms.Form):
    """One objective's assessment in a quarter: RAG while running, status at closure, commentary."""

    rag = forms.ChoiceField(label="RAG", required=False, choices=[("", "Not assessed")] + Assessment.RAG_CHOICES)
    assessment = forms.ChoiceField(label="Status at closure", required=False,
                                   choices=[("", "Still running")] + Assessment.CLOSURE_CHOICES)
    commentary = forms.CharField(label="Commentary", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, objective: Objective, **kwargs):
        super().__init__(*args, **kwargs)
        self.objective = objective

    def clean_commentary(self) -> str:
        text = self.cleaned_data.get("commentary", "").strip()
        try:
            parsing.check_text(text, what="commentary")
        except parsing.InvalidValue as exc:
            raise forms.ValidationError(f"Objective {self.objective.number}, commentary: {exc}") from None
        return text


class SavingRowForm(forms.Form):
    """One financial year's saving as reported in the quarter."""

    planned = forms.CharField(label="Planned (£)", required=False)
    forecast = forms.CharField(label="Forecast (£)", required=False)
    delivered = forms.CharField(label="Delivered (£)", required=False)
    rag = forms.ChoiceField(label="Status", required=False,
                            choices=[("", "Judge from the amounts")] + [(s.value, s.value) for s in rules.SavingStatus])
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, year_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.year_label = year_label

    def _money(self, name: str, blank: bool) -> Decimal | None:
        try:
            return services.check_money(self.cleaned_data.get(name, "").strip(), f"{name} saving", blank=blank)
        except parsing.InvalidValue as exc:
            raise forms.ValidationError(f"{self.year_label}, {name}: {exc}") from None

    def clean_planned(self):
        return self._money("planned", blank=True)

    def clean_forecast(self):
        return self._money("forecast", blank=True)

    def clean_delivered(self):
        return self._money("delivered", blank=True)

    def clean(self):
        data = super().clean()
        if data.get("planned") is None and (data.get("forecast") is not None or data.get("delivered") is not None):
            self.add_error("planned", f"{self.year_label}, planned: enter the planned saving for the year")
        return data


class NewYearForm(forms.Form):
    year = forms.CharField(label="Add a financial year", required=False, help_text="For example, 2023/24",
                           max_length=7)

    def clean_year(self) -> str:
        text = self.cleaned_data.get("year", "").strip()
        if not text:
            return ""
        try:
            label = rules.financial_year(text)
            year = periods.parse(label)
            parsing.check_period(year, clock.today())
        except (ValueError, periods.PeriodError, parsing.InvalidValue) as exc:
            raise forms.ValidationError(str(exc)[0].upper() + str(exc)[1:]) from None
        return label


class QuestionForm(forms.Form):
    question = forms.CharField(label="Question for the programme's owner", widget=forms.Textarea(attrs={"rows": 3}))

    def clean_question(self) -> str:
        text = self.cleaned_data["question"].strip()
        try:
            parsing.check_text(text, what="question")
        except parsing.InvalidValue as exc:
            raise forms.ValidationError(str(exc)) from None
        return text
