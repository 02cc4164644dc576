import django_filters
from django import forms
from django.db.models import Q

from organisation.models import Directorate

from .models import Risk


class RegisterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search reference or title")
    directorate = django_filters.ModelChoiceFilter(queryset=Directorate.objects.all(),
                                                   empty_label="All directorates")
    owner = django_filters.CharFilter(field_name="risk_owner", lookup_expr="icontains", label="Risk owner")
    # Judged after the query (they depend on the scores); the view applies them.
    band = django_filters.CharFilter(method="no_op", label="Level")
    outside = django_filters.ChoiceFilter(choices=[("yes", "Outside target"), ("no", "Within target")],
                                          method="no_op", empty_label="Any", label="Target")
    appetite = django_filters.ChoiceFilter(choices=[("outside", "Outside appetite"), ("inside", "Inside appetite")],
                                           method="no_op", empty_label="Any", label="Appetite")
    prompted = django_filters.ChoiceFilter(choices=[("yes", "Review prompted")], method="no_op", empty_label="Any",
                                           label="Key risk indicators")

    class Meta:
        model = Risk
        fields = ["q", "directorate", "owner", "band", "outside", "appetite", "prompted"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.form.fields.values():
            if isinstance(f.widget, forms.Select):
                f.widget.attrs["class"] = "govuk-select"
            else:
                f.widget.attrs["class"] = "govuk-input"

    def search(self, queryset, name, value):
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value))

    def no_op(self, queryset, name, value):
        return queryset
