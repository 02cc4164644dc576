"""What every import Resource shares: the importing user, notes and warnings for the preview, reading
cells (and knowing which columns the file has), periods within the limits, telling changed rows from
unchanged ones with old -> new per field, and saving through the domain's services.

A kind's Resource says how to find a row's record (find), how to apply the row's cells to it (apply),
and how to save it (save, which must call its domain's service). Columns the file leaves out are never
applied, so they keep what is stored.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from import_export import resources
from import_export.instance_loaders import BaseInstanceLoader

from . import clock, parsing
from .models import ReportingPeriod
from .records import RecordError, locked_message


class CouncilResource(resources.Resource):
    columns: tuple[str, ...] = ()
    # Model attributes compared to tell a changed row from an unchanged one, and shown old -> new.
    compared_fields: tuple[str, ...] = ()
    # Preview labels for compared fields that are not named as their column.
    field_labels: dict[str, str] = {}

    class Meta:
        instance_loader_class = BaseInstanceLoader
        skip_diff = True

    def __init__(self, user=None):
        super().__init__()
        self.user = user
        self.today = clock.today()
        self.notes: list[str] = []  # e.g. "New service area: Public Health"
        self.warnings: list[str] = []  # imported, but flagged for checking
        self.row_changes: dict[int, list[tuple[str, str, str]]] = {}  # data row number -> (field, old, new)
        self._headers: frozenset[str] = frozenset()
        self._row_number: int | None = None
        self._original: dict[str, Any] | None = None
        self._periods: dict[tuple[int, int | None], ReportingPeriod] = {}

    # --- reading a row ---------------------------------------------------------------------
    @staticmethod
    def cell(row, name: str) -> str:
        value = row.get(name)
        return "" if value is None else str(value).strip()

    def has(self, name: str) -> bool:
        """Whether the file has this column (optional columns left out keep their stored values)."""
        return name in self._headers

    def importing_user(self):
        return self.user if self.user is not None and getattr(self.user, "is_authenticated", False) else None

    def guard(self, errors: dict[str, str], column: str, func, *args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (parsing.InvalidValue, RecordError) as exc:
            errors.setdefault(column, str(exc))
            return None

    def period(self, text: str, *, quarter: bool | None = None, why: str = "", started: str = "") -> ReportingPeriod:
        """The period a cell names, within the limits of formats.md (created if new, as formats.md says).
        started: what the row gives ("figures"...), for rows that only a period already reached can have."""
        from .services import check_new_quarter, period_get_or_create

        value = parsing.parse_period(text, self.today, quarter=quarter, why=why)
        if started:
            parsing.check_started(value, self.today, what=started)
        key = (value.year, value.quarter)
        if key not in self._periods:
            check_new_quarter(value)
            self._periods[key] = period_get_or_create(value, today=self.today)
        return self._periods[key]

    @staticmethod
    def locked(errors: dict[str, str], period: ReportingPeriod | None) -> None:
        """formats.md: a row for a locked period is an error naming the row, not a column."""
        if period is not None and period.is_locked:
            errors[NON_FIELD_ERRORS] = locked_message(period.label)

    # --- what a kind says ------------------------------------------------------------------
    def find(self, row, errors: dict[str, str]) -> tuple[models.Model, bool]:
        raise NotImplementedError

    def apply(self, instance, row, errors: dict[str, str]) -> None:
        raise NotImplementedError

    def save(self, instance, is_create: bool, row) -> None:
        """Save through the domain's service."""
        raise NotImplementedError

    # --- import-export plumbing ------------------------------------------------------------
    def before_import(self, dataset, **kwargs):
        self._headers = frozenset(dataset.headers or ())

    def import_row(self, row, instance_loader, **kwargs):
        self._row_number = kwargs.get("row_number")
        return super().import_row(row, instance_loader, **kwargs)

    def get_instance(self, instance_loader, row):
        return None  # found in get_or_init_instance

    def init_instance(self, row=None):
        return self._meta.model()

    def get_or_init_instance(self, instance_loader, row):
        errors: dict[str, str] = {}
        instance, new = self.find(row, errors)
        if errors:
            raise ValidationError({k: [v] for k, v in errors.items()})
        self._original = None if new else {f: getattr(instance, f) for f in self.compared_fields}
        return instance, new

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, str] = {}
        self.apply(instance, row, errors)
        if errors:
            raise ValidationError({k: [v] for k, v in errors.items()})

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or self._original is None or instance.pk is None:
            return False
        changed = [(self.field_labels.get(f, f), self._original[f], getattr(instance, f))
                   for f in self.compared_fields if getattr(instance, f) != self._original[f]]
        if changed and self._row_number is not None:
            self.row_changes[self._row_number] = [(name, shown(old), shown(new)) for name, old, new in changed]
        return not changed

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=None):
        # Every cell was checked by the Resource with its domain's validation; the service checks again.
        if import_validation_errors:
            raise ValidationError(import_validation_errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        self.save(instance, is_create, row)

    def delete_instance(self, instance, row, **kwargs):
        raise RecordError("Imports never delete records")


def shown(value: Any) -> str:
    """A stored value as the preview shows it."""
    if value is None or value == "":
        return "blank"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."
