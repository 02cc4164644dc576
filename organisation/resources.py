"""What every import Resource shares: the importing user, notes and warnings
for the preview, reading a cell as text, and validation left to the Resource."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export import resources


class CouncilResource(resources.Resource):
    def __init__(self, user=None):
        super().__init__()
        self.user = user
        self.notes: list[str] = []  # e.g. "New service area: Public Health"
        self.warnings: list[str] = []  # imported, but flagged for checking

    @staticmethod
    def cell(row, name: str) -> str:
        value = row.get(name)
        return "" if value is None else str(value).strip()

    def importing_user(self):
        return self.user if self.user is not None and getattr(self.user, "is_authenticated", False) else None

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=None):
        # Every cell was checked by the Resource itself; model validation would repeat it.
        if import_validation_errors:
            raise ValidationError(import_validation_errors)
