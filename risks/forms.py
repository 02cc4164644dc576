from __future__ import annotations

from django import forms

from . import scoring, validation
from .models import Risk, RiskAction


def _scale_field(label: str, values: dict[int, str], what: str, required: bool = True) -> forms.TypedChoiceField:
    allowed = sorted(values)
    allowed_text = ", ".join(str(a) for a in allowed[:-1]) + f" or {allowed[-1]}"
    return forms.TypedChoiceField(
        label=label, coerce=int, required=required, empty_value=None,
        choices=([("", "Not assessed")] if not required else [("", "Choose")]) +
        [(v, f"{v} - {text}") for v, text in sorted(values.items())],
        error_messages={
            "invalid_choice": f"%(value)s is not on the {what} scale: use {allowed_text}",
            "required": f"Choose the {label.lower()}",
        },
    )


def _one_line_break(text: str) -> str:
    """A browser sends each line break as CR LF: count it as one character, as the box does."""
    return (text or "").replace("\r\n", "\n")


class NoChangeForm(forms.Form):
    """ "Reviewed, no change": confirm last quarter's review with a comment."""

    def clean_comment(self):
        return _one_line_break(self.cleaned_data["comment"])

    comment = forms.CharField(label="What did you check?",
                              help_text="For example: controls tested with the service; no new causes.",
                              widget=forms.Textarea(attrs={"rows": 2}),
                              error_messages={"required": "Say what was checked and why nothing has changed"})


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    controls = forms.CharField(label="Controls in place (what we have done)", required=False,
                               widget=forms.Textarea(attrs={"rows": 4}))
    actions = forms.CharField(label="Further actions (what we are doing)", required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))
    comment = forms.CharField(label="Review comment (optional)", required=False,
                              help_text="What you checked this quarter, for the record and the audit trail.",
                              widget=forms.Textarea(attrs={"rows": 2}))
    next_review_date = forms.DateField(label="Next review date", required=False,
                                       help_text="For example 30/09/2019",
                                       input_formats=["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y"],
                                       error_messages={"invalid": "Enter the next review date as a date, like 30/09/2019"})

    def __init__(self, *args, scheme: scoring.Scheme, kind: str, quarter=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.quarter = quarter
        likelihoods, impacts = scheme.likelihoods, scheme.impacts[scoring.Kind(kind)]
        impact_what = f"{kind} impact"
        self.fields["likelihood"] = _scale_field("Current likelihood", likelihoods, "likelihood")
        self.fields["impact"] = _scale_field("Current impact", impacts, impact_what)
        self.fields["tolerance_likelihood"] = _scale_field("Target likelihood", likelihoods, "likelihood")
        self.fields["tolerance_impact"] = _scale_field("Target impact", impacts, impact_what)
        self.fields["inherent_likelihood"] = _scale_field("Inherent likelihood (before controls)", likelihoods,
                                                          "likelihood", required=False)
        self.fields["inherent_impact"] = _scale_field("Inherent impact (before controls)", impacts, impact_what,
                                                      required=False)
        self.order_fields(["likelihood", "impact", "tolerance_likelihood", "tolerance_impact",
                           "inherent_likelihood", "inherent_impact", "controls", "actions", "next_review_date", "comment"])

    def clean_comment(self):
        return _one_line_break(self.cleaned_data["comment"])

    def clean(self):
        data = super().clean()
        for name, message in validation.check_texts(
                {n: data.get(n) or "" for n in ("controls", "actions")}, validation.REVIEW_TEXT_LIMITS).items():
            self.add_error(name, message[0].upper() + message[1:])
        if (data.get("inherent_likelihood") is None) != (data.get("inherent_impact") is None):
            missing = "inherent_impact" if data.get("inherent_impact") is None else "inherent_likelihood"
            self.add_error(missing, "Give both the inherent likelihood and impact, or neither")
        if self.quarter is not None and data.get("next_review_date"):
            problem = validation.check_next_review(data["next_review_date"], self.quarter.end, self.quarter.label)
            if problem:
                self.add_error("next_review_date", problem[0].upper() + problem[1:])
        return data


class RiskForm(forms.ModelForm):
    # The version the form was opened on: a save made by someone else since is refused, not overwritten.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31)
    reason = forms.CharField(required=False, max_length=4000, label="Why (optional)",
                             help_text="Kept in the audit trail beside the change, for the audit committee.",
                             widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Risk
        fields = ["reference", "title", "description", "causes", "consequences", "kind", "register", "directorate",
                  "service_area", "risk_owner", "action_owner", "portfolio", "strategy_themes", "category",
                  "treatment", "date_identified", "exempt", "exempt_paragraph"]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in ("description", "causes", "consequences")}
        error_messages = {
            "reference": {"required": "Enter the risk reference", "unique": "A risk with this reference exists"},
            "title": {"required": "Enter the risk's title"},
            "directorate": {"required": "Choose the owning directorate"},
            "kind": {"required": "Choose whether the risk is a threat or an opportunity"},
            "register": {"required": "Choose the register the risk is on"},
            "treatment": {"required": "Choose how the risk is treated (tolerate, treat, transfer or terminate)"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["reason"]
        self.fields["exempt_paragraph"].required = False
        self.fields["exempt_paragraph"].help_text = ("The paragraph of Schedule 12A that applies to an exempt risk; "
                                                     "leave blank for 3 (financial or business affairs).")

    def clean_exempt_paragraph(self):
        return self.cleaned_data.get("exempt_paragraph") or 3

    def clean(self):
        data = super().clean()
        area, directorate = data.get("service_area"), data.get("directorate")
        if area and directorate and area.directorate_id != directorate.pk:
            self.add_error("service_area", f"{area.name} is not in {directorate.name}")
        if data.get("register") == Risk.Register.SERVICE and not area:
            self.add_error("service_area", "A service-level risk needs its service area")
        return data


class ActionForm(forms.ModelForm):
    class Meta:
        model = RiskAction
        fields = ["description", "owner", "due_date", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"description": {"required": "Describe the action"}}


class CategoryForm(forms.ModelForm):
    """A risk category's appetite (the boundary on the matrix is posted beside it: risks.views.appetite_edit)."""

    reason = forms.CharField(label="Reason for the change (optional)", required=False, max_length=500,
                             help_text="For the audit trail, for example: agreed by the audit committee on 14 "
                                       "October 2019.")

    class Meta:
        from .models import RiskCategory

        model = RiskCategory
        fields = ["name", "level", "statement", "description", "active"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 3}), "description": forms.Textarea(attrs={"rows": 2})}
        labels = {"level": "Appetite level", "statement": "Appetite statement", "active": "In use"}


DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y"]


class ControlForm(forms.Form):
    """One control of a risk as reviewed in a quarter (risks/controls.py checks it again)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31)
    control = forms.CharField(label="Control", max_length=255,
                              help_text="What the control is, in a line: for example \"Monthly placement panel "
                                        "approves every residential placement\".",
                              error_messages={"required": "Enter what the control is"})
    owner = forms.CharField(label="Owner", max_length=200, required=False)
    type = forms.ChoiceField(label="Type", choices=[
        ("preventive", "Preventive: stops the risk happening"), ("detective", "Detective: finds it when it does"),
        ("corrective", "Corrective: limits the damage"), ("directive", "Directive: policy, procedure or training")],
        error_messages={"required": "Choose the type of control", "invalid_choice": "Choose the type of control"})
    line = forms.TypedChoiceField(label="Line of defence", coerce=int, choices=[
        (1, "1: management (the service runs it)"), (2, "2: oversight (risk, compliance, performance team)"),
        (3, "3: independent assurance (internal audit, inspection)")],
        error_messages={"required": "Choose the line of defence", "invalid_choice": "Choose 1, 2 or 3"})
    assurance = forms.ChoiceField(label="Assurance", required=False)
    assurance_source = forms.ChoiceField(label="Who gave the assurance", required=False, choices=[
        ("", "Not given yet"), ("self-assessment", "Self-assessment"), ("second line", "Second-line review"),
        ("internal audit", "Internal audit")])
    last_tested = forms.DateField(label="Last tested", required=False, input_formats=DATE_FORMATS,
                                  help_text="For example 30/06/2019",
                                  error_messages={"invalid": "Enter the date it was last tested, like 30/06/2019"})
    next_test_due = forms.DateField(label="Next test due", required=False, input_formats=DATE_FORMATS,
                                    help_text="For example 31/12/2019",
                                    error_messages={"invalid": "Enter the date the next test is due, like 31/12/2019"})

    def __init__(self, *args, labels: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assurance"].choices = [("", "Not assessed")] + [(label, label) for label in labels]
        self.fields["assurance"].help_text = ("Set by a person from the evidence (testing, audit, review), "
                                              "never worked out from counts.")

    def clean_control(self):
        return " ".join(self.cleaned_data["control"].split())

    def clean(self):
        data = super().clean()
        if data.get("assurance") and not data.get("assurance_source"):
            self.add_error("assurance_source", "Say who gave the assurance")
        return data


class AcceptanceForm(forms.Form):
    justification = forms.CharField(label="Why the council accepts this risk as it is",
                                    widget=forms.Textarea(attrs={"rows": 3}), max_length=4000,
                                    error_messages={"required": "Say why the council accepts this risk as it is"})
    expires = forms.DateField(label="Acceptance expires", input_formats=DATE_FORMATS,
                              help_text="At most two years ahead, for example 31/03/2020",
                              error_messages={"required": "Enter the date the acceptance expires",
                                              "invalid": "Enter the expiry as a date, like 31/03/2020"})

    def clean_justification(self):
        return _one_line_break(self.cleaned_data["justification"])


class WithdrawForm(forms.Form):
    reason = forms.CharField(label="Why the acceptance is withdrawn", max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "Say why the acceptance is withdrawn"})
