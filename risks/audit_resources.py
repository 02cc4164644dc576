"""The audit-actions import/export (shared/formats.md, "audit-actions"; key: source + recommendation).

Each row is an internal-audit recommendation and the management action agreed for it. Rows are checked with
the same validation as the form (risks.audit_actions.validate) and saved through its service. Optional
columns left out keep the stored values; "overdue" is derived from the due dates, so it is written by the
export and refused by the import.
"""

from __future__ import annotations

import re
from datetime import date

import tablib

from organisation import clock, parsing
from organisation.models import ReportingPeriod
from organisation.resources import CouncilResource

from . import audit_actions
from .models import AuditRecommendation

COLUMNS = ("source", "recommendation", "priority", "agreed_action", "owner", "due", "revised_due",
           "revision_reason", "status", "risks")
REQUIRED = ("source", "recommendation")
COMPARED = ("source", "recommendation", "priority", "agreed_action", "owner", "due", "revised_due",
            "revision_reason", "status")
TEXT_COLUMNS = ("agreed_action", "owner", "revision_reason")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date(text: str) -> date | None:
    if not text:
        return None
    try:
        if not DATE.fullmatch(text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise parsing.InvalidValue(f'"{text[:40]}" is not a date: write it as YYYY-MM-DD, e.g. 2019-06-30') from None


class AuditActionResource(CouncilResource):
    columns = COLUMNS
    compared_fields = COMPARED

    class Meta(CouncilResource.Meta):
        model = AuditRecommendation

    def find(self, row, errors):
        source, recommendation = self.cell(row, "source"), self.cell(row, "recommendation")
        if not source:
            errors["source"] = "enter the audit report the recommendation comes from"
        if not recommendation:
            errors["recommendation"] = "enter the recommendation"
        self.guard(errors, "source", parsing.check_name, source, what="source")
        self.guard(errors, "recommendation", parsing.check_text, recommendation, what="recommendation")
        self._stored = None
        self._refs_before: list[str] = []
        if errors:
            return AuditRecommendation(), True
        key = audit_actions.text_key(recommendation)
        found = next((rec for rec in AuditRecommendation.objects.filter(source__iexact=source)
                      if audit_actions.text_key(rec.recommendation) == key), None)
        if found is None:
            return AuditRecommendation(source=source, recommendation=recommendation), True
        # The stored values, for the checks that compare with them (a revised due date needs a new reason).
        self._stored = AuditRecommendation(**{f.attname: getattr(found, f.attname)
                                              for f in found._meta.concrete_fields})
        self._refs_before = sorted(found.risks.values_list("reference", flat=True), key=audit_actions.natural_key)
        return found, False

    def apply(self, instance, row, errors):
        instance.source, instance.recommendation = self.cell(row, "source"), self.cell(row, "recommendation")
        if self.has("priority"):
            instance.priority = self.cell(row, "priority").lower()
        if self.has("status"):
            instance.status = self.cell(row, "status").lower()
        for name in TEXT_COLUMNS:
            if self.has(name):
                setattr(instance, name, self.cell(row, name))
        for name in ("due", "revised_due"):
            if self.has(name):
                value = self.guard(errors, name, _date, self.cell(row, name))
                if name not in errors:
                    setattr(instance, name, value)
        self._refs = audit_actions.split_references(self.cell(row, "risks")) if self.has("risks") else None
        problems, risks = audit_actions.validate(instance, before=self._stored, risk_refs=self._refs,
                                                 today=self.today)
        for name, message in problems.items():
            errors.setdefault(name, message)
        self._refs_after = self._refs_before if risks is None else sorted(
            (r.reference for r in risks), key=audit_actions.natural_key)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        unchanged = super().skip_row(instance, original, row, import_validation_errors)
        if import_validation_errors or self._stored is None:
            return False
        links_changed = self._refs_after != self._refs_before
        if links_changed and self._row_number is not None:
            self.row_changes.setdefault(self._row_number, []).append(
                ("risks", ", ".join(self._refs_before) or "blank", ", ".join(self._refs_after) or "blank"))
        return unchanged and not links_changed

    def save(self, instance, is_create, row):
        audit_actions.recommendation_save(user=self.importing_user(), rec=instance, risk_refs=self._refs,
                                          reason="imported", via="imported")


def _rows(entries: list[dict]) -> tablib.Dataset:
    data = tablib.Dataset(headers=list(COLUMNS))
    for e in sorted(entries, key=lambda e: (e["source"].lower(), e["id"])):
        data.append([e["source"], e["recommendation"], e["priority"], e["agreed_action"], e["owner"],
                     e["due"] or "", e["revised_due"] or "", e["revision_reason"], e["state"],
                     "; ".join(r["reference"] for r in e.get("risks", []))])
    return data


def export(period: str | None, user=None) -> tablib.Dataset:
    """Every recommendation, its status as on the day (overdue where its due date has passed); with a period,
    a locked quarter's as its lock recorded them."""
    if period:
        value = parsing.parse(period)
        if value.is_year:
            raise ValueError(f'give a quarter such as "{value.label} Q4": a locked quarter keeps its own record')
        quarter = ReportingPeriod.objects.filter(year=value.year, quarter=value.quarter).first()
        if quarter is None:
            raise ValueError(f"There is no quarter {value.label}")
        if quarter.is_locked:
            entries = audit_actions.recorded(quarter)
            if entries is None:
                raise ValueError(f"{value.label} was locked before its internal-audit recommendations were "
                                 "recorded")
            return _rows(entries)
    today = clock.today()
    return _rows(audit_actions.entries_of(AuditRecommendation.objects.all(), today))

