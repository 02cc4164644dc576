"""GOV.UK Frontend rendering of Django form fields and error summaries."""

from __future__ import annotations

from django import template
from django.forms import BaseForm, BoundField

register = template.Library()

# BoundField.widget_type: the widget class name, lower case, less "Widget"/"Input".
_INPUT_TYPES = {"text", "number", "email", "password", "date", "url", "datetime", "time"}


def _anchor(field: BoundField) -> str:
    widget_type = field.widget_type
    if widget_type in ("radioselect", "checkboxselectmultiple"):
        return f"{field.auto_id}_0"
    return field.auto_id


@register.simple_tag
def form_error_list(form=None, forms=None) -> list[dict]:
    """Every error of the given form(s), each with the id to link to."""
    all_forms: list[BaseForm] = []
    if form is not None and form != "":
        all_forms.append(form)
    if forms:
        all_forms.extend(f for f in forms if f is not None)
    out = []
    for current in all_forms:
        if not getattr(current, "is_bound", False):
            continue
        first_field = next(iter(current), None)
        for message in current.non_field_errors():
            out.append({"message": message, "anchor": getattr(current, "error_anchor", None) or (
                _anchor(first_field) if first_field is not None else None)})
        for bound in current:
            for message in bound.errors:
                out.append({"message": message, "anchor": _anchor(bound)})
    return out


@register.simple_tag
def govuk_widget(field: BoundField, classes: str = "", describedby: str = "") -> str:
    widget_type = field.widget_type
    attrs: dict[str, str] = {}
    error = bool(field.errors)
    if widget_type in _INPUT_TYPES:
        base = "govuk-input"
        if widget_type == "number":
            # GOV.UK advice: a text input with inputmode, not type=number.
            field.field.widget.input_type = "text"
            attrs["inputmode"] = "decimal"
            attrs["spellcheck"] = "false"
        attrs["class"] = " ".join(filter(None, [base, classes, "govuk-input--error" if error else ""]))
    elif widget_type == "textarea":
        attrs["class"] = " ".join(filter(None, ["govuk-textarea", classes, "govuk-textarea--error" if error else ""]))
    elif widget_type in ("select", "selectmultiple"):
        attrs["class"] = " ".join(filter(None, ["govuk-select", classes, "govuk-select--error" if error else ""]))
    elif widget_type in ("file", "clearablefile"):
        attrs["class"] = " ".join(filter(None, ["govuk-file-upload", classes, "govuk-file-upload--error" if error else ""]))
    described = [describedby] if describedby else []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if error:
        described.append(f"{field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.inclusion_tag("includes/field.html")
def govuk_field(field: BoundField, label_class: str = "govuk-label", classes: str = "", hint: str = "",
                label: str = "", hide_label: bool = False) -> dict:
    return {
        "field": field,
        "widget_type": field.widget_type,
        "label_class": label_class + (" govuk-visually-hidden" if hide_label else ""),
        "classes": classes,
        "hint": hint or field.help_text,
        "label": label or field.label,
    }


@register.simple_tag
def page_numbers(page) -> list:
    """The page numbers to link to, with None for a gap: 1 ... 4 5 [6] 7 8 ... 80."""
    return [None if n == page.paginator.ELLIPSIS else n
            for n in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)]


@register.simple_tag(takes_context=True)
def typed_work_owner(context) -> str:
    """A hidden field naming (signed) who is typing into a form that keeps typed work through a sign-in, so
    that it is offered back to that person only (organisation/typed_work.py)."""
    from django.utils.html import format_html

    from organisation import typed_work

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    return format_html('<input type="hidden" name="{}" value="{}">', typed_work.OWNER_FIELD,
                       typed_work.owner_token(user))
