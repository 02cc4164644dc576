"""The kinds of data of ../shared/formats.md: each app registers its own (in AppConfig.ready)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import tablib


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    resource_class: type | None  # an import_export Resource; None for export-only reports
    columns: tuple[str, ...]  # the header, in order
    required: tuple[str, ...] = ()  # columns that must be present in an import
    key: tuple[str, ...] = ()  # columns that identify a row (duplicates are refused)
    importable: bool = True
    # (period label or None, user or None) -> tablib.Dataset; default: Resource.export()
    export: Callable[[str | None, Any], tablib.Dataset] | None = None
    description: str = ""
    # What its imports' audit entries are about (organisation/audit_trail.SCOPES): "" for all readers.
    audit_about: str = ""
    # Other names a file may give a column ({"target_likelihood": "tolerance_likelihood"}): read as that column.
    synonyms: tuple[tuple[str, str], ...] = ()
    # A file in another body's format, read by the kind's own reader into rows of the Resource's columns:
    # (filename, content, further files by option name {"neighbours": (filename, content)}) -> Table.
    reader: Callable[[str, bytes, dict[str, tuple[str, bytes]]], Any] | None = None
    options: tuple[str, ...] = ()  # the further files its reader takes (import_data --NAME FILE)

    def resource(self, **kwargs):
        assert self.resource_class is not None
        return self.resource_class(**kwargs)


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    _KINDS[kind.name] = kind


def get_kind(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError:
        raise KeyError(f'"{name}" is not a kind of data; choose one of: {", ".join(kind_names())}') from None


def kind_names(*, importable: bool | None = None) -> list[str]:
    return [k.name for k in _KINDS.values() if importable is None or k.importable == importable]


def kinds(*, importable: bool | None = None) -> list[Kind]:
    return [k for k in _KINDS.values() if importable is None or k.importable == importable]
