from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is inactive. Ask the performance team to reactivate it.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})
        # GOV.UK fields do not autofocus; the error summary takes focus instead.
        self.fields["username"].widget.attrs.pop("autofocus", None)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV (UTF-8) or Excel (.xlsx) file with the header row first.",
        error_messages={"required": "Choose a CSV or Excel file to upload", "empty": "The chosen file is empty"},
    )

    # The further files a kind's reader takes, as optional upload fields: (label, hint).
    OPTIONS = {"neighbours": ("Statistical neighbours file (optional)",
                              "DfE's statistical neighbours file (LA Number, SN1 to SN10), to work out the "
                              "council's neighbours' average. Without it the neighbours' figure is left blank.")}

    def __init__(self, *args, options: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.options = tuple(name for name in options if name in self.OPTIONS)
        for name in self.options:
            label, hint = self.OPTIONS[name]
            self.fields[name] = forms.FileField(label=label, help_text=hint, required=False,
                                                error_messages={"empty": "The chosen file is empty"})

    @property
    def option_fields(self):
        return [self[name] for name in self.options]

    @staticmethod
    def _checked(upload):
        name = upload.name.lower()
        if not (name.endswith(".csv") or name.endswith(".xlsx")):
            raise forms.ValidationError("The file must be a CSV (.csv) or Excel (.xlsx) file")
        if upload.size > settings.MAX_UPLOAD_BYTES:
            limit = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
            raise forms.ValidationError(f"The file must be smaller than {limit} MB")
        return upload

    def clean_file(self):
        return self._checked(self.cleaned_data["file"])

    def clean(self):
        cleaned = super().clean()
        for name in self.options:
            if cleaned.get(name):
                try:
                    cleaned[name] = self._checked(cleaned[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def further_files(self) -> dict[str, tuple[str, bytes]]:
        """{option: (filename, content)} of the further files chosen."""
        return {name: (self.cleaned_data[name].name, self.cleaned_data[name].read())
                for name in self.options if self.cleaned_data.get(name)}


class LockForm(forms.Form):
    confirm = forms.BooleanField(
        required=True, label="I understand that nothing in this quarter can change until it is reopened",
        error_messages={"required": "Confirm that you want to lock the quarter"})
    sign_off_submitted = forms.BooleanField(
        required=False, initial=True, label="Sign off the submitted figures as they stand before locking",
        help_text="Figures still in draft, and submitted figures you do not sign off, were never reported: "
                  "in the locked quarter they read \"not submitted\".")
    reason = forms.CharField(required=False, max_length=4000, label="Note for the audit trail (optional)",
                             widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why does this quarter need reopening?", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: correcting DPE007, wrongly entered as 7.5 instead of 75. The reason is kept in the "
                  "audit trail.",
        error_messages={"required": "Give the reason for reopening the quarter",
                        "max_length": "The reason must be 4,000 characters or fewer"})

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give the reason for reopening the quarter")
        return reason


class BoundedJSONField(forms.JSONField):
    """The admin's JSON settings (a scoring scheme's definition), bounded before parsing: a deeply nested or
    huge value is refused with a message instead of failing the page (parsing.parse_json)."""

    def to_python(self, value):
        from . import parsing

        if self.disabled or value in self.empty_values or not isinstance(value, str) \
                or isinstance(value, forms.fields.JSONString):
            return super().to_python(value)
        try:
            parsed = parsing.parse_json(value)
        except parsing.InvalidValue as exc:
            raise forms.ValidationError(str(exc)[0].upper() + str(exc)[1:], code="invalid") from None
        return forms.fields.JSONString(parsed) if isinstance(parsed, str) else parsed

    def bound_data(self, data, initial):
        from . import parsing

        if self.disabled or not isinstance(data, str):
            return super().bound_data(data, initial)
        try:
            return parsing.parse_json(data)
        except parsing.InvalidValue:
            return forms.fields.InvalidJSONInput(data)
