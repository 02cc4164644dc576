"""The controls import/export (formats.md, "controls"): one row is one control of a risk as reviewed in a
quarter, keyed by the risk's reference, the quarter and the control's name.

Every cell is checked with the rules the control form uses (controls.check_control) and each row is saved
through the controls service (controls.control_save), which refuses locked quarters, copies the earlier
quarter's controls into the quarter first and writes the audit trail. Columns left out of a file keep what
is stored. A row that matches the control as the quarter shows it (its own, or carried forward from an
earlier quarter) changes nothing and is not written, so re-importing a file, or an export, changes nothing.
"""

from __future__ import annotations

import re
from datetime import date

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from organisation import access, parsing
from organisation.models import ReportingPeriod
from organisation.records import InvalidWrite, RecordError
from organisation.resources import CouncilResource, shown

from . import controls as control_services
from . import queries
from .models import ControlReview, Risk

COLUMNS = ("reference", "period", "control", "owner", "type", "line", "assurance", "assurance_source",
           "last_tested", "next_test_due")
REQUIRED = ("reference", "period", "control")
DERIVED_COLUMNS = ("risk_title", "rating", "level")
EXPORT_COLUMNS = COLUMNS + DERIVED_COLUMNS
# The columns a file may leave out (each then keeps what is stored; a new control takes the defaults).
OPTIONAL = tuple(c for c in COLUMNS if c not in REQUIRED)
DATE_COLUMNS = ("last_tested", "next_test_due")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _date(text: str) -> date | None:
    if not text:
        return None
    if _ISO_DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise parsing.InvalidValue(f'"{text[:40]}" is not a date: write it as YYYY-MM-DD, e.g. 2019-09-30')


class ControlResource(CouncilResource):
    columns = COLUMNS
    compared_fields = control_services.CONTROL_FIELDS

    class Meta(CouncilResource.Meta):
        model = ControlReview

    # --- finding the row's control --------------------------------------------------------------
    def _risk(self, reference: str, errors: dict[str, str]) -> Risk | None:
        risk = Risk.objects.filter(reference__iexact=reference).first()
        user = self.importing_user()
        if risk is not None and user is not None and not (
                access.can_view_risk(user, risk.register, risk.service_area_id)
                and (not risk.exempt or access.can_view_exempt(user))):
            risk = None  # a risk the importer may not read is, to them, not there
        if risk is None:
            errors["reference"] = (f'there is no risk "{reference}": add the risk first (on the register or '
                                   "with a risks import)")
        return risk

    def _values(self, row, errors: dict[str, str]) -> tuple[dict[str, object], frozenset[str]]:
        """The row's cells checked as the control form checks them: {field: value}, and the fields given."""
        given = frozenset({"control"} | {name for name in OPTIONAL if self.has(name)})
        raw: dict[str, object] = {name: self.cell(row, name) for name in given}
        for name in DATE_COLUMNS:
            if name in given:
                raw[name] = self.guard(errors, name, _date, str(raw[name]))
        data = control_services.ControlInput(**{k: v for k, v in raw.items() if k in control_services.CONTROL_FIELDS},
                                             given=given)
        try:
            values = control_services.check_control(data, self.today)
        except InvalidWrite as exc:
            for name, message in exc.errors.items():
                errors.setdefault(name if name in COLUMNS else NON_FIELD_ERRORS, message)
            values = {}
        return values, given

    def find(self, row, errors):
        reference = self.guard(errors, "reference", parsing.check_code, self.cell(row, "reference"),
                               what="risk reference")
        period = self.guard(errors, "period", self.period, self.cell(row, "period"), quarter=True,
                            why="controls are reviewed for a quarter", started="reviews")
        risk = self._risk(reference, errors) if reference else None
        values, given = self._values(row, errors)
        self.locked(errors, period)
        self._carried_from = ""
        if errors:
            return ControlReview(), True
        self._values_given, self._given, self._risk_found = values, given, risk
        wanted = str(values["control"]).lower()
        current = next((c for c in control_services.shown([risk.pk], period).get(risk.pk, [])
                        if c.control.lower() == wanted), None)
        if current is None:  # a control new to this quarter
            return ControlReview(risk=risk, period=period), True
        if current.period_id == period.pk and not current.carried_forward:
            current.risk, current.period = risk, period
            return current, False
        # Shown in the quarter as carried forward from an earlier one: compared with what the quarter shows.
        self._carried_from = current.period.label
        return ControlReview(risk=risk, period=period, **{
            name: getattr(current, name) for name in control_services.CONTROL_FIELDS}), False

    def apply(self, instance, row, errors):
        for name, value in self._values_given.items():
            setattr(instance, name, value)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or not getattr(self, "_carried_from", "") or self._original is None:
            return super().skip_row(instance, original, row, import_validation_errors)
        changed = [(name, self._original[name], getattr(instance, name)) for name in self.compared_fields
                   if getattr(instance, name) != self._original[name]]
        if changed and self._row_number is not None:
            self.row_changes[self._row_number] = [(name, shown(old), shown(new)) for name, old, new in changed] + [
                ("reviewed", f"carried forward from {self._carried_from}", f"in {instance.period.label}")]
        return not changed

    def save(self, instance, is_create, row):
        data = control_services.ControlInput(
            **{name: getattr(instance, name) for name in control_services.CONTROL_FIELDS}, given=self._given)
        try:
            control_services.control_save(user=self.importing_user(), risk=self._risk_found,
                                          period=instance.period, data=data, version=None, reason="imported")
        except InvalidWrite as exc:
            raise ValidationError({(name if name in COLUMNS else NON_FIELD_ERRORS): [message]
                                   for name, message in exc.errors.items()}) from None
        except RecordError as exc:
            raise ValidationError({NON_FIELD_ERRORS: [exc.message]}) from None


# --- export -------------------------------------------------------------------------------------------

def export_rows(quarter: ReportingPeriod, user=None) -> tablib.Dataset:
    """Each risk's controls as the quarter shows them (its own, else carried forward from the last quarter
    that reviewed them), with the risk's title, rating and level as the quarter's register shows it: the
    risks in the register's order (highest rating first), each one's controls in their order. user None:
    every register (the command line); else what the user may read, an exempt risk's controls (Part B)
    left out for a user who may not read Part B (the risk itself appears once, its title blank)."""
    risks = queries.risks_on(quarter, user, committee=False)
    rows = queries.rows_for(risks, quarter)
    if quarter.is_locked:
        rows = [r for r in rows if r.review is not None]  # not on a register when it was locked
    found = control_services.shown([r.risk.pk for r in rows], quarter)
    part_b = user is None or access.can_view_exempt(user)
    # A locked quarter's rows say whether each risk was exempt then; one made exempt since keeps its controls to
    # readers of Part B too (as the deep dives and the audit actions read it).
    exempt_now = set(Risk.objects.filter(pk__in=[r.risk.pk for r in rows], exempt=True).values_list(
        "pk", flat=True)) if quarter.is_locked and not part_b and rows else set()
    data = tablib.Dataset(headers=list(EXPORT_COLUMNS))
    for r in rows:
        mine = found.get(r.risk.pk, [])
        if not mine:
            continue
        rating = r.rating if r.rating is not None else ""
        level = r.level.name if r.level is not None and r.rating is not None else ""
        if (getattr(r.risk, "exempt", False) or r.risk.pk in exempt_now) and not part_b:
            data.append([r.risk.reference, quarter.label] + [""] * (len(COLUMNS) - 2) + ["", rating, level])
            continue
        for c in mine:
            data.append([
                r.risk.reference, quarter.label, c.control, c.owner, c.type, c.line, c.assurance,
                c.assurance_source, c.last_tested.isoformat() if c.last_tested else "",
                c.next_test_due.isoformat() if c.next_test_due else "", r.risk.title, rating, level,
            ])
    return data


def controls_export(period: str | None, user=None) -> tablib.Dataset:
    if period:
        value = parsing.parse(period)
        if value.is_year:
            raise ValueError(f'controls are reviewed quarterly: give a quarter such as "{value.label} Q1"')
        quarter = ReportingPeriod.objects.filter(year=value.year, quarter=value.quarter).first()
        if quarter is None:
            raise ValueError(f"There are no controls for {value.label}")
    else:
        quarter = queries.default_quarter(user)
        if quarter is None:
            return tablib.Dataset(headers=list(EXPORT_COLUMNS))
    return export_rows(quarter, user)
