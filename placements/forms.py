from __future__ import annotations

from decimal import Decimal

from django import forms

from organisation.parsing import InvalidValue

from . import validation
from .models import PlacementCategory


class SnapshotRowForm(forms.Form):
    """One category's row of the snapshot grid; the rules are placements/validation.py's, as the import's."""

    children = forms.CharField(label="Children", required=False)
    weekly_cost = forms.CharField(label="Average weekly cost (£)", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, category: PlacementCategory, **kwargs):
        super().__init__(*args, **kwargs)
        self.category = category

    def clean_children(self) -> int:
        try:
            return validation.parse_children(self.cleaned_data.get("children"))
        except InvalidValue as exc:
            raise forms.ValidationError(f"{self.category.name}, children: {exc}") from None

    def clean_weekly_cost(self) -> Decimal:
        try:
            return validation.parse_weekly_cost(self.cleaned_data.get("weekly_cost"))
        except InvalidValue as exc:
            raise forms.ValidationError(f"{self.category.name}, average weekly cost: {exc}") from None
