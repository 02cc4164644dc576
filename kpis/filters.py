import django_filters
from django import forms
from django.db.models import Q

from organisation.models import ServiceArea

from . import status as rules
from .models import Indicator, KeyCommitment


class IndicatorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search code or title")
    service_area = django_filters.ModelChoiceFilter(
        queryset=ServiceArea.objects.select_related("directorate"), empty_label="All service areas"
    )
    commitment = django_filters.ModelChoiceFilter(queryset=KeyCommitment.objects.all(),
                                                  empty_label="All commitments")
    frequency = django_filters.ChoiceFilter(choices=Indicator.Frequency.choices, empty_label="Any frequency")
    # Status is judged in Python after the query; the view applies it.
    status = django_filters.ChoiceFilter(
        choices=[(s.value, s.value) for s in rules.Status] + [("exceptions", "Exceptions only")],
        method="no_op", empty_label="Any status",
    )

    class Meta:
        model = Indicator
        fields = ["q", "service_area", "commitment", "frequency", "status"]

    def __init__(self, *args, directorate=None, **kwargs):
        super().__init__(*args, **kwargs)
        if directorate is not None:
            self.filters["service_area"].queryset = ServiceArea.objects.filter(directorate=directorate)
        for f in self.form.fields.values():
            if isinstance(f.widget, forms.Select):
                f.widget.attrs["class"] = "govuk-select"

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(title__icontains=value))

    def no_op(self, queryset, name, value):
        return queryset
