"""The forms of an internal-audit recommendation (risks/audit_actions.py checks every value again, and its
messages are shown on the fields)."""

from __future__ import annotations

from django import forms

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y", "%d-%m-%Y"]
PRIORITIES = [("high", "High"), ("medium", "Medium"), ("low", "Low")]
STATUSES = [("open", "Open: not yet implemented (shown as overdue once its due date has passed)"),
            ("implemented", "Implemented"), ("superseded", "Superseded (replaced or no longer applies)")]


def _one_line_break(text: str) -> str:
    """A browser sends each line break as CR LF: count it as one character, as the box does."""
    return (text or "").replace("\r\n", "\n")


def _date(label: str, example: str, what: str) -> forms.DateField:
    return forms.DateField(label=label, required=False, input_formats=DATE_FORMATS,
                           help_text=f"For example {example}",
                           error_messages={"invalid": f"Enter the {what} as a date, like {example}"})


class UpdateForm(forms.Form):
    """What a manager of a linked risk's service area updates: the agreed action, its status and a revised
    due date with its reason."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31)
    agreed_action = forms.CharField(label="Agreed management action", required=False,
                                    help_text="What the service agreed to do about the recommendation.",
                                    widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label="Status", choices=STATUSES, widget=forms.RadioSelect,
                               error_messages={"required": "Choose the status",
                                               "invalid_choice": "Choose open, implemented or superseded"})
    revised_due = _date("Revised due date", "30/09/2019", "revised due date")
    revision_reason = forms.CharField(
        label="Reason for the revised due date", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when you change the revised due date: each revision is kept with its reason. Leave it "
                  "blank otherwise.")
    reason = forms.CharField(label="Note for the audit trail (optional)", required=False,
                             widget=forms.Textarea(attrs={"rows": 2}), max_length=1000,
                             error_messages={"max_length": "Write the note in at most 1,000 characters"})

    field_order = ["agreed_action", "status", "revised_due", "revision_reason", "reason", "version"]

    def clean_agreed_action(self):
        return _one_line_break(self.cleaned_data["agreed_action"])

    def clean_revision_reason(self):
        return _one_line_break(self.cleaned_data["revision_reason"])


class RecommendationForm(UpdateForm):
    """Everything about a recommendation, for the performance officer who logs internal audit's reports."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31)
    source = forms.CharField(label="Source", help_text="The internal audit report it comes from, for example "
                                                       "\"Internal audit 2018/19: Placement commissioning\".",
                             error_messages={"required": "Enter the audit report the recommendation comes from"})
    recommendation = forms.CharField(label="Recommendation", widget=forms.Textarea(attrs={"rows": 3}),
                                     error_messages={"required": "Enter the recommendation"})
    priority = forms.ChoiceField(label="Priority", choices=PRIORITIES, widget=forms.RadioSelect, initial="medium",
                                 error_messages={"required": "Choose the priority",
                                                 "invalid_choice": "Choose high, medium or low"})
    owner = forms.CharField(label="Action owner", required=False)
    due = _date("Due date agreed", "31/03/2019", "due date")
    risks = forms.CharField(label="Linked risks (optional)", required=False,
                            help_text="Risk references separated by semicolons, for example CRR9; CRR10.")
    controls = forms.CharField(label="Controls it concerns (optional)", required=False,
                               help_text="By name, separated by semicolons.")

    field_order = ["source", "recommendation", "priority", "agreed_action", "owner", "due", "revised_due",
                   "revision_reason", "status", "risks", "controls", "reason", "version"]

    def clean_recommendation(self):
        return _one_line_break(self.cleaned_data["recommendation"])
