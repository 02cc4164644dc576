"""The risks import/export (formats.md): one row is a risk plus its review for a quarter."""

from __future__ import annotations

import tablib
from django.core.exceptions import ValidationError
from import_export.instance_loaders import BaseInstanceLoader

from organisation.models import Directorate, ReportingPeriod, ServiceArea
from organisation.periods import PeriodError, parse
from organisation.resources import CouncilResource

from . import queries, scoring
from .models import Risk, RiskReview

COLUMNS = ("reference", "title", "description", "causes", "kind", "register", "directorate", "service_area",
           "risk_owner", "action_owner", "portfolio", "strategy_themes", "period", "likelihood", "impact",
           "tolerance_likelihood", "tolerance_impact", "controls", "actions")
EXPORT_COLUMNS = COLUMNS + ("rating", "level", "tolerance_rating", "tolerance_level", "previous_rating", "travel")
RISK_TEXT_FIELDS = ("title", "description", "causes", "risk_owner", "action_owner", "portfolio", "strategy_themes")
KINDS = {"threat": "threat", "opportunity": "opportunity"}
REGISTERS = {"service": "service", "directorate": "directorate", "corporate": "corporate"}


class RiskResource(CouncilResource):
    columns = COLUMNS

    class Meta:
        model = RiskReview
        instance_loader_class = BaseInstanceLoader
        skip_html_diff = True

    def __init__(self, user=None):
        super().__init__(user)
        self.scheme = queries.active_scheme()[1]
        self._newest: dict[str, tuple[int, int]] = {}

    def get_or_init_instance(self, instance_loader, row):
        errors: dict[str, list[str]] = {}
        reference = self.cell(row, "reference")
        if not reference:
            errors["reference"] = ["enter the risk reference, such as CRR9"]
        period = None
        text = self.cell(row, "period")
        try:
            value = parse(text) if text else None
            if value is None:
                errors["period"] = ["enter the quarter reviewed, such as 2018/19 Q4"]
            elif value.is_year:
                errors["period"] = [f"a review is for a quarter: give one such as {value.label} Q4"]
            else:
                period = ReportingPeriod.for_value(value)
        except PeriodError as exc:
            errors["period"] = [str(exc)]
        kind = self.cell(row, "kind").lower() or "threat"
        if kind not in KINDS:
            errors["kind"] = [f'"{self.cell(row, "kind")}" is not allowed: use threat or opportunity']
        register = self.cell(row, "register").lower()
        if register not in REGISTERS:
            errors["register"] = [f'"{self.cell(row, "register")}" is not a register: use service, directorate '
                                  "or corporate" if register else "enter the register: service, directorate or corporate"]
        if not self.cell(row, "directorate"):
            errors["directorate"] = ["enter the owning directorate"]
        risk = Risk.objects.filter(reference__iexact=reference).first() if reference else None
        if risk is None and not self.cell(row, "title"):
            errors["title"] = ["enter the title of this new risk"]
        if kind in KINDS:
            for lk, ik in (("likelihood", "impact"), ("tolerance_likelihood", "tolerance_impact")):
                try:
                    scoring.on_scale(self.cell(row, lk), self.scheme.likelihood_values(), "likelihood")
                except scoring.OffScale as exc:
                    errors[lk] = [str(exc)]
                try:
                    scoring.on_scale(self.cell(row, ik), self.scheme.impact_values(kind), f"{kind} impact")
                except scoring.OffScale as exc:
                    errors[ik] = [str(exc)]
        if errors:
            raise ValidationError(errors)

        directorate, created = Directorate.objects.get_or_create(name=self.cell(row, "directorate"))
        if created:
            self.notes.append(f"New directorate: {directorate.name}")
        area = None
        if self.cell(row, "service_area"):
            area, created = ServiceArea.objects.get_or_create(directorate=directorate,
                                                              name=self.cell(row, "service_area"))
            if created:
                self.notes.append(f"New service area: {area.name} ({directorate.name})")
        newest_key = self._newest.get(reference.lower())
        if risk is not None and newest_key is None:
            latest = risk.reviews.select_related("period").order_by("-period__year", "-period__quarter").first()
            newest_key = latest.period.value.sort_key if latest else None
        self.risk_changed = False
        if risk is None or newest_key is None or period.value.sort_key >= newest_key:
            # The risk's own fields follow its newest quarter's row.
            risk = risk or Risk(reference=reference)
            compared = RISK_TEXT_FIELDS + ("kind", "register", "directorate_id", "service_area_id")
            before = {f: getattr(risk, f) for f in compared} if risk.pk else None
            for f in RISK_TEXT_FIELDS:
                setattr(risk, f, self.cell(row, f))
            risk.kind, risk.register = kind, register
            risk.directorate, risk.service_area = directorate, area
            changed = before is None or any(before[f] != getattr(risk, f) for f in compared)
            if changed:
                if risk.pk:
                    risk.version += 1
                if self.importing_user() is not None:
                    risk._history_user = self.user
                risk.save()
                self.risk_changed = True
            self._newest[reference.lower()] = period.value.sort_key
        existing = RiskReview.objects.filter(risk=risk, period=period).first()
        if existing:
            return existing, False
        return RiskReview(risk=risk, period=period), True

    def import_instance(self, instance, row, **kwargs):
        instance.likelihood = int(self.cell(row, "likelihood"))
        instance.impact = int(self.cell(row, "impact"))
        instance.tolerance_likelihood = int(self.cell(row, "tolerance_likelihood"))
        instance.tolerance_impact = int(self.cell(row, "tolerance_impact"))
        instance.controls = self.cell(row, "controls")
        instance.actions = self.cell(row, "actions")

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or original.pk is None or self.risk_changed:
            return False
        return all(getattr(instance, f) == getattr(original, f) for f in
                   ("likelihood", "impact", "tolerance_likelihood", "tolerance_impact", "controls", "actions"))

    def save_instance(self, instance, is_create, row, **kwargs):
        if not is_create:
            instance.version += 1
        if self.importing_user() is not None:
            instance._history_user = self.user
        instance._change_reason = "imported"
        super().save_instance(instance, is_create, row, **kwargs)


def export_rows(quarter: ReportingPeriod, user=None) -> tablib.Dataset:
    """The register for a quarter in the interchange layout, highest rating first."""
    scheme = queries.active_scheme()[1]
    risks = (queries.risks_visible_to(user) if user is not None else Risk.objects.all()).select_related(
        "directorate", "service_area")
    data = tablib.Dataset(headers=list(EXPORT_COLUMNS))
    rows = [r for r in queries.rows_for(risks, quarter, scheme) if r.review is not None and r.reviewed_this_quarter]
    for r in queries.with_review_detail(rows):
        if r.detail is None:  # deleted since the rows were scored
            continue
        risk, review = r.risk, r.detail
        data.append([
            risk.reference, risk.title, risk.description, risk.causes, risk.kind, risk.register,
            risk.directorate.name, risk.service_area.name if risk.service_area else "", risk.risk_owner,
            risk.action_owner, risk.portfolio, risk.strategy_themes, review.period.label, review.likelihood,
            review.impact, review.tolerance_likelihood, review.tolerance_impact, review.controls, review.actions,
            r.rating, r.level.name, r.tolerance_rating, r.tolerance_level.name,
            r.previous_rating if r.previous_rating is not None else "", r.travel.value,
        ])
    return data


def risks_export(period: str | None, user=None) -> tablib.Dataset:
    if period:
        value = parse(period)
        if value.is_year:
            raise ValueError(f'risks are reviewed quarterly: give a quarter such as "{value.label} Q4"')
        quarter = ReportingPeriod.objects.filter(year=value.year, quarter=value.quarter).first()
        if quarter is None:
            raise ValueError(f"There are no risk reviews for {value.label}")
    else:
        quarter = queries.default_quarter()
        if quarter is None:
            return tablib.Dataset(headers=list(EXPORT_COLUMNS))
    return export_rows(quarter)
