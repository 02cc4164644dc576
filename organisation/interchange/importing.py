"""Running an import: all rows or none, every failure named by spreadsheet row and column.

The Resources validate each row with their domain's validation module and
save through their domain's services; this module runs them in one
transaction, rolls back a dry run or any error, and reports what happened.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from organisation.parsing import ERRORS_LISTED
from organisation.records import RecordError

from .reading import ImportFileError, RowError, Table, read_table
from .registry import Kind, get_kind


@dataclass
class RowPreview:
    row: int
    action: str  # "New", "Changed", "Unchanged"
    values: dict[str, str]
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, old, new) of a changed row


@dataclass
class ImportReport:
    kind: str
    dry_run: bool
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)  # the first ERRORS_LISTED
    more_errors: int = 0  # how many more there were
    notes: list[str] = field(default_factory=list)  # e.g. "New service area: Public Health"
    warnings: list[str] = field(default_factory=list)  # e.g. data-quality flags
    rows: list[RowPreview] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.more_errors

    def summary(self) -> str:
        return f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged, {self.error_count} errors"

    def set_errors(self, errors: list[str]) -> None:
        self.errors = errors[:ERRORS_LISTED]
        self.more_errors = max(0, len(errors) - ERRORS_LISTED)


def _message_text(error: Any) -> list[str]:
    if isinstance(error, ValidationError):
        return [str(m) for m in error.messages]
    if isinstance(error, (RowError, RecordError)):
        return [error.message]
    return [str(error)]


def _row_message(row: int, column: str | None, message: str) -> str:
    if column:
        return f'row {row}, column "{column}": {message}'
    return f"row {row}: {message}"


def _accepts(resource_class: type, name: str) -> bool:
    try:
        return name in inspect.signature(resource_class.__init__).parameters
    except (TypeError, ValueError):
        return False


def run_import(kind: Kind, table: Table, *, dry_run: bool, user=None, filename: str = "") -> ImportReport:
    """Import all rows or none. Errors name the sheet row and column."""
    resource = kind.resource(user=user) if _accepts(kind.resource_class, "user") else kind.resource()
    report = ImportReport(kind=kind.name, dry_run=dry_run)
    errors: list[str] = []
    from organisation import judgements

    with transaction.atomic(), judgements.deferred(discard=dry_run):
        # Stored judgements are written once for the whole file (none for a dry run: it is rolled back).
        result = resource.import_data(
            table.dataset,
            dry_run=dry_run,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
            user=user,
        )

        def sheet_row(number: int) -> int:
            return table.row_numbers[number - 1] if 0 < number <= len(table.row_numbers) else number + 1

        for error in result.base_errors:
            errors.extend(_message_text(error.error))
        for error_row in result.error_rows:
            for err in error_row.errors:
                exc = err.error
                column = getattr(exc, "column", None)
                for text in _message_text(exc):
                    errors.append(_row_message(sheet_row(error_row.number), column, text))
        for invalid in result.invalid_rows:
            for key, messages in invalid.error_dict.items():
                column = None if key == NON_FIELD_ERRORS else key
                for text in messages:
                    errors.append(_row_message(sheet_row(invalid.number), column, str(text)))
        errors.sort(key=lambda message: _error_sort_key(message, kind.columns))
        report.set_errors(errors)

        changes = getattr(resource, "row_changes", {})
        for index, row_result in enumerate(result.rows, start=1):
            action = {"new": "New", "update": "Changed", "skip": "Unchanged"}.get(row_result.import_type)
            if action is None:
                continue
            if action == "New":
                report.new += 1
            elif action == "Changed":
                report.updated += 1
            else:
                report.unchanged += 1
            values = dict(zip(table.dataset.headers, table.dataset[index - 1])) if index <= len(table.dataset) else {}
            report.rows.append(RowPreview(row=sheet_row(index), action=action, values=values,
                                          changes=changes.get(index, []) if action == "Changed" else []))
        report.notes = list(dict.fromkeys(getattr(resource, "notes", [])))
        report.warnings = list(dict.fromkeys(getattr(resource, "warnings", [])))
        if report.errors or dry_run:
            transaction.set_rollback(True)
        elif report.new or report.updated:
            from organisation import audit

            audit.record(user=user, action=audit.Action.IMPORTED, object_type="Import",
                         object_label=f"{kind.name}: {filename}" if filename else kind.name,
                         detail=report.summary(), about=kind.audit_about)
    if report.errors:
        report.new = report.updated = report.unchanged = 0
    return report


def _error_sort_key(message: str, columns: Sequence[str]) -> tuple[int, int, str]:
    """By row, then in the order of the file's columns."""
    match = re.match(r'row (\d+)(?:, column "([^"]+)")?', message)
    if not match:
        return (0, 0, message)
    column = match.group(2)
    position = columns.index(column) + 1 if column in columns else 0
    return (int(match.group(1)), position, message)


def import_file(kind_name: str, filename: str, content: bytes, *, dry_run: bool, user=None,
                extra: dict[str, tuple[str, bytes]] | None = None) -> ImportReport:
    """Read and import a file; file-level problems come back as errors too. extra: the further files a
    kind's own reader takes, by option name."""
    kind = get_kind(kind_name)
    try:
        table = kind.reader(filename, content, extra or {}) if kind.reader else read_table(kind, filename, content)
    except ImportFileError as exc:
        return ImportReport(kind=kind.name, dry_run=dry_run, errors=[str(exc)])
    return run_import(kind, table, dry_run=dry_run, user=user, filename=filename)


def confirm_pending(*, user, kind_name: str, pending_id: int) -> tuple[ImportReport, str]:
    """Import the file a preview kept (organisation.PendingImport), once: the pending file is claimed by
    stamping it confirmed in the import's transaction (a conditional UPDATE), so a second confirm of the
    same preview (a double click, two tabs) waits for the first and then finds it already confirmed. A
    file that no longer imports cleanly keeps its preview, and nothing is saved. Raises
    PendingImport.DoesNotExist for a preview that is not this user's (or was replaced by a newer one)."""
    from django.db import transaction
    from django.utils import timezone

    from organisation.models import PendingImport
    from organisation.records import RecordError

    with transaction.atomic():
        mine = PendingImport.objects.filter(pk=pending_id, user=user, kind=kind_name)
        pending = mine.get()
        claimed = mine.filter(confirmed_at__isnull=True).update(confirmed_at=timezone.now(), content=b"",
                                                                option_content=b"")
        if not claimed:
            raise RecordError("This import has already been confirmed: nothing more was imported. "
                              "Check the import pages or the audit trail")
        extra = {pending.option: (pending.option_filename, bytes(pending.option_content))} if pending.option else {}
        report = import_file(kind_name, pending.filename, bytes(pending.content), dry_run=False, user=user,
                             extra=extra)
        if not report.ok:
            transaction.set_rollback(True)  # keep the pending file unconfirmed; nothing was saved
    return report, pending.filename
