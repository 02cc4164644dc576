from __future__ import annotations

from decimal import Decimal

from django import forms

from kpis.parsing import InvalidValue, parse_decimal

from .models import PlacementCategory


class SnapshotRowForm(forms.Form):
    children = forms.CharField(label="Children", required=False)
    weekly_cost = forms.CharField(label="Average weekly cost (£)", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, category: PlacementCategory, **kwargs):
        super().__init__(*args, **kwargs)
        self.category = category

    def clean_children(self) -> int:
        raw = (self.cleaned_data.get("children") or "").strip()
        name = self.category.name
        if raw == "":
            raise forms.ValidationError(f"{name}: enter the number of children (0 if none)")
        try:
            value = parse_decimal(raw)
        except InvalidValue:
            raise forms.ValidationError(f'{name}: children must be a whole number, not "{raw}"') from None
        if value != value.to_integral_value():
            raise forms.ValidationError(f'{name}: children must be a whole number, not "{raw}"')
        if value < 0:
            raise forms.ValidationError(f"{name}: children cannot be negative")
        return int(value)

    def clean_weekly_cost(self) -> Decimal:
        raw = (self.cleaned_data.get("weekly_cost") or "").strip()
        name = self.category.name
        if raw == "":
            raise forms.ValidationError(f"{name}: enter the average weekly cost in pounds (0 if none)")
        try:
            value = parse_decimal(raw.lstrip("£"))
        except InvalidValue:
            raise forms.ValidationError(f'{name}: the weekly cost must be an amount in pounds, not "{raw}"') from None
        if value < 0:
            raise forms.ValidationError(f"{name}: the weekly cost cannot be negative")
        return value.quantize(Decimal("0.01"))
