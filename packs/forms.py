from __future__ import annotations

from django import forms

from organisation.models import Directorate, ReportingPeriod
from organisation.records import InvalidWrite

from .models import Committee


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].label_from_instance = lambda q: f"{q.label} ({'locked' if q.is_locked else 'open'})"

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
