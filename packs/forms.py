from __future__ import annotations

from django import forms

from organisation.models import Directorate, ReportingPeriod
from organisation.records import InvalidWrite

from .models import Committee


def _programmes():
    from programmes.models import Programme

    return Programme.objects.select_related("directorate").order_by("name")


class PackForm(forms.Form):
    quarter = forms.ModelChoiceField(
        queryset=ReportingPeriod.objects.quarters().order_by("-year", "-quarter"), label="Quarter",
        help_text="A locked quarter is issued as it was reported; an open one can only be previewed as a draft.",
        error_messages={"required": "Choose the quarter", "invalid_choice": "Choose one of the quarters"})
    committee = forms.ModelChoiceField(queryset=Committee.objects.filter(active=True), label="Committee",
                                       error_messages={"required": "Choose the committee",
                                                       "invalid_choice": "Choose one of the committees"})
    meeting_date = forms.DateField(label="Meeting date", input_formats=["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y"],
                                   help_text="For example 14/10/2019",
                                   error_messages={"required": "Enter the meeting date",
                                                   "invalid": "Enter the meeting date as a date, like 14/10/2019"})
    directorate = forms.ModelChoiceField(queryset=Directorate.objects.all(), required=False,
                                         empty_label="All directorates", label="Directorate",
                                         error_messages={"invalid_choice": "Choose one of the directorates"})
    part = forms.ChoiceField(choices=[("a", "Part A (public)"), ("b", "Part B (not for publication)")],
                             initial="a", label="Part to preview", required=False)
    programmes = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label="Programme highlight reports",
        help_text="Optional: each programme chosen has its highlight report of the quarter appended to Part A.",
        error_messages={"invalid_choice": "Choose from the programmes listed",
                        "invalid_pk_value": "Choose from the programmes listed"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].label_from_instance = lambda q: f"{q.label} ({'locked' if q.is_locked else 'open'})"
        self.fields["programmes"].queryset = _programmes()

    def clean(self):
        data = super().clean()
        quarter, meeting = data.get("quarter"), data.get("meeting_date")
        if quarter is not None and meeting is not None:
            from .services import check_meeting

            try:
                check_meeting(meeting, quarter)
            except InvalidWrite as exc:
                message = exc.errors["meeting_date"]
                self.add_error("meeting_date", message[0].upper() + message[1:])
        return data


class CoveringScopeForm(forms.Form):
    """Which covering report: a quarter, a committee and a scope (the pack it opens)."""

    quarter = forms.ModelChoiceField(
        queryset=ReportingPeriod.objects.quarters().order_by("-year", "-quarter"), label="Quarter",
        error_messages={"required": "Choose the quarter", "invalid_choice": "Choose one of the quarters"})
    committee = forms.ModelChoiceField(queryset=Committee.objects.filter(active=True), label="Committee",
                                       error_messages={"required": "Choose the committee",
                                                       "invalid_choice": "Choose one of the committees"})
    directorate = forms.ModelChoiceField(queryset=Directorate.objects.all(), required=False,
                                         empty_label="All directorates", label="Directorate",
                                         error_messages={"invalid_choice": "Choose one of the directorates"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].label_from_instance = lambda q: f"{q.label} ({'locked' if q.is_locked else 'open'})"


class CoveringForm(forms.Form):
    """The covering report's sections and each service area's narrative, prefilled with what they read now."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, covering, areas: list[str], **kwargs):
        from .covering import SHORT, SOURCES
        from .models import SECTIONS

        super().__init__(*args, **kwargs)
        self.areas = areas
        for key, heading, _ in SECTIONS:
            short = key in SHORT
            self.fields[key] = forms.CharField(
                label=heading, required=False, initial=covering.sections.get(key, ""), strip=True,
                widget=forms.TextInput if short else forms.Textarea(attrs={"rows": 3 if key in (
                    "recommendation", "appendices", "background_papers") else 6}),
                help_text=(f"Filled in from {SOURCES[covering.sources[key]]}." if covering.sources.get(key) in SOURCES
                           else "Blank: say nothing, or write it here."))
        narratives = dict(covering.narratives)
        for index, area in enumerate(areas):
            self.fields[f"narrative_{index}"] = forms.CharField(
                label=area, required=False, initial=narratives.get(area, ""), widget=forms.Textarea(attrs={"rows": 6}),
                help_text="Filled in from the area's indicators reported by exception.")

    def section_fields(self):
        from .models import SECTIONS

        return [self[key] for key, _, _ in SECTIONS]

    def narrative_fields(self):
        return [self[f"narrative_{index}"] for index in range(len(self.areas))]
