"""The risks import/export (formats.md): one row is a risk plus its review for a quarter.

Rows are checked with risks/validation.py (the rules of the forms) and saved through risks/services.py.
The risk's own fields follow the file's newest row for it; optional columns left out keep their values.
"""

from __future__ import annotations

from datetime import date

import tablib

from organisation import parsing
from organisation.models import ReportingPeriod
from organisation.resources import CouncilResource, shown
from organisation.services import directorate_get_or_create, service_area_get_or_create

from . import queries, services, validation
from .models import Judgement, Risk, RiskReview

COLUMNS = ("reference", "title", "description", "causes", "kind", "register", "directorate", "service_area",
           "risk_owner", "action_owner", "portfolio", "strategy_themes", "period", "likelihood", "impact",
           "tolerance_likelihood", "tolerance_impact", "controls", "actions")
OPTIONAL_COLUMNS = ("exempt", "exempt_paragraph", "category", "inherent_likelihood", "inherent_impact",
                    "next_review", "indicators")
IMPORT_COLUMNS = COLUMNS + OPTIONAL_COLUMNS
DERIVED_COLUMNS = ("rating", "level", "tolerance_rating", "tolerance_level", "previous_rating", "travel",
                   "outside_tolerance", "last_reviewed", "scheme", "appetite", "outside_appetite", "inherent_rating", "review_prompted",
                   "accepted_until")
EXPORT_COLUMNS = IMPORT_COLUMNS + DERIVED_COLUMNS
REQUIRED = ("reference", "register", "directorate", "period", "likelihood", "impact", "tolerance_likelihood",
            "tolerance_impact")
RISK_TEXT_FIELDS = ("title", "description", "causes", "risk_owner", "action_owner", "portfolio", "strategy_themes",
                    "category")
RISK_COMPARED = RISK_TEXT_FIELDS + ("kind", "register", "directorate_id", "service_area_id", "exempt",
                                    "exempt_paragraph")
REVIEW_COMPARED = ("likelihood", "impact", "tolerance_likelihood", "tolerance_impact", "inherent_likelihood",
                   "inherent_impact", "controls", "actions", "next_review_date")
KINDS = {"threat": "threat", "opportunity": "opportunity"}
REGISTERS = {"service": "service", "directorate": "directorate", "corporate": "corporate"}
YES_NO = {"yes": True, "y": True, "true": True, "1": True, "no": False, "n": False, "false": False, "0": False}


def _date(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise parsing.InvalidValue(f'"{text}" is not a date: write it as YYYY-MM-DD, e.g. 2019-09-30') from None


class RiskResource(CouncilResource):
    columns = IMPORT_COLUMNS
    compared_fields = REVIEW_COMPARED

    class Meta(CouncilResource.Meta):
        model = RiskReview

    def __init__(self, user=None):
        super().__init__(user)
        self.scheme = queries.active_scheme()[1]

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # The risk's own fields follow the file's newest row for it (rows may come in any order).
        self._newest: dict[str, tuple[int, int]] = {}
        if "reference" in self._headers and "period" in self._headers:
            for reference, period in zip(dataset["reference"], dataset["period"]):
                try:
                    value = parsing.parse(str(period))
                except Exception:
                    continue
                key = str(reference).strip().lower()
                self._newest[key] = max(self._newest.get(key, (0, 0)), (value.year, value.quarter or 0))

    def find(self, row, errors):
        self._indicators = None  # the key risk indicators the row gives (newest row only); None: kept
        self._indicator_change = None
        reference = self.guard(errors, "reference", parsing.check_code, self.cell(row, "reference"),
                               what="risk reference")
        period = self.guard(errors, "period", self.period, self.cell(row, "period"), quarter=True,
                            why="a review is for a quarter", started="reviews")
        kind = self.cell(row, "kind").lower() or "threat"
        if kind not in KINDS:
            errors["kind"] = f'"{self.cell(row, "kind")}" is not allowed: use threat or opportunity'
        register = self.cell(row, "register").lower()
        if register not in REGISTERS:
            errors["register"] = (f'"{self.cell(row, "register")}" is not a register: use service, directorate '
                                  "or corporate" if register else "enter the register: service, directorate or corporate")
        risk = Risk.objects.filter(reference__iexact=reference).select_related(
            "directorate", "service_area").first() if reference else None
        if risk is None and not self.cell(row, "title"):
            errors["title"] = "enter the title of this new risk"
        if kind in KINDS:
            _, problems = validation.check_scores(self.scheme, kind, {
                name: self.cell(row, name) for name in ("likelihood", "impact", "tolerance_likelihood",
                                                        "tolerance_impact", "inherent_likelihood", "inherent_impact")
                if self.has(name)})
            errors.update({k: v for k, v in problems.items() if k not in errors})
        self.locked(errors, period)
        if errors:
            return RiskReview(), True
        risk = risk or Risk(reference=reference)
        self._risk_before = {f: getattr(risk, f) for f in RISK_COMPARED} if risk.pk else None
        if (period.year, period.quarter) >= self._newest.get(reference.lower(), (0, 0)):
            self._apply_risk(risk, row, errors, kind, register)
            if self.has("indicators"):
                self._indicators = self.guard(errors, "indicators", _indicator_codes, self.cell(row, "indicators"))
                if self._indicators is not None:
                    before = sorted(risk.indicators.values_list("code", flat=True)) if risk.pk else []
                    if sorted(c.upper() for c in before) == sorted(c.upper() for c in self._indicators):
                        self._indicators = None
                    else:
                        self._indicator_change = ("; ".join(before), "; ".join(self._indicators))
        self._risk = risk
        existing = RiskReview.objects.filter(risk=risk, period=period).first() if risk.pk else None
        if existing is not None:
            existing.risk = risk
            return existing, False
        return RiskReview(risk=risk, period=period), True

    def _apply_risk(self, risk: Risk, row, errors, kind: str, register: str) -> None:
        for name in RISK_TEXT_FIELDS:
            if self.has(name) or (risk.pk is None and name == "title"):
                setattr(risk, name, self.cell(row, name))
        errors.update({k: v for k, v in validation.check_risk(
            {name: getattr(risk, name) for name in RISK_TEXT_FIELDS if name != "category"} |
            {"title": risk.title}).items() if k not in errors})
        risk.kind, risk.register = kind, register
        directorate = self.guard(errors, "directorate", self._directorate, self.cell(row, "directorate"))
        if directorate is not None:
            risk.directorate = directorate
            if self.has("service_area"):
                name = self.cell(row, "service_area")
                risk.service_area = self.guard(errors, "service_area", self._area, directorate, name) if name else None
        if self.has("exempt"):
            text = self.cell(row, "exempt").lower()
            if text:
                flag = self.guard(errors, "exempt", parsing.parse_choice, text, YES_NO, allowed="yes or no")
                if flag is not None:
                    risk.exempt = flag
        if self.has("exempt_paragraph") and self.cell(row, "exempt_paragraph"):
            paragraph = self.guard(errors, "exempt_paragraph", parsing.parse_whole,
                                   self.cell(row, "exempt_paragraph"), minimum=1, maximum=7)
            if paragraph is not None:
                risk.exempt_paragraph = paragraph

    def _directorate(self, name):
        if not name:
            raise parsing.InvalidValue("enter the owning directorate")
        directorate, created = directorate_get_or_create(name=name)
        if created:
            self.notes.append(f"New directorate: {directorate.name}")
        return directorate

    def _area(self, directorate, name):
        area, created = service_area_get_or_create(directorate=directorate, name=name)
        if created:
            self.notes.append(f"New service area: {area.name} ({directorate.name})")
        return area

    def apply(self, instance, row, errors):
        kind = self._risk.kind
        scores, _ = validation.check_scores(self.scheme, kind, {
            name: self.cell(row, name) for name in ("likelihood", "impact", "tolerance_likelihood",
                                                    "tolerance_impact", "inherent_likelihood", "inherent_impact")
            if self.has(name)})
        for name, value in scores.items():
            setattr(instance, name, value)
        for name in ("controls", "actions"):
            if self.has(name):
                setattr(instance, name, self.cell(row, name))
        errors.update(validation.check_texts({n: getattr(instance, n) for n in ("controls", "actions")},
                                             validation.REVIEW_TEXT_LIMITS))
        if self.has("next_review"):
            next_review = self.guard(errors, "next_review", _date, self.cell(row, "next_review"))
            problem = validation.check_next_review(next_review, instance.period.end, instance.period.label)
            if problem:
                errors["next_review"] = problem
            instance.next_review_date = next_review

    def skip_row(self, instance, original, row, import_validation_errors=None):
        unchanged_review = super().skip_row(instance, original, row, import_validation_errors)
        before = getattr(self, "_risk_before", None)
        risk = self._risk
        risk_changes = [] if before is None else [
            (f.replace("_id", ""), before[f], getattr(risk, f)) for f in RISK_COMPARED if before[f] != getattr(risk, f)]
        if risk_changes and self._row_number is not None:
            self.row_changes.setdefault(self._row_number, [])[:0] = [
                (name, _name(old), _name(new)) for name, old, new in risk_changes]
        change = self._indicator_change
        if change is not None and self._row_number is not None:
            self.row_changes.setdefault(self._row_number, []).append(("indicators", _name(change[0]),
                                                                      _name(change[1])))
        if import_validation_errors or before is None:
            return False
        return unchanged_review and not risk_changes and change is None

    def save(self, instance, is_create, row):
        user = self.importing_user()
        risk = self._risk
        before = self._risk_before
        if before is None or any(before[f] != getattr(risk, f) for f in RISK_COMPARED):
            risk = services.risk_save(user=user, risk=risk, reason="imported")
        given = {name for name in ("likelihood", "impact", "tolerance_likelihood", "tolerance_impact")}
        given |= {name for name in ("inherent_likelihood", "inherent_impact", "controls", "actions")
                  if self.has(name)}
        if self.has("next_review"):
            given.add("next_review_date")
        data = services.ReviewInput(**{name: getattr(instance, name) for name in services.REVIEW_FIELDS},
                                    given=frozenset(given))
        services.review_save(user=user, risk=risk, period=instance.period, version=None, data=data,
                             reason="imported")
        if self._indicators is not None:
            services.risk_indicators_set(user=user, risk=risk, codes=self._indicators)


def _indicator_codes(text: str) -> list[str]:
    """formats.md: linked indicator codes separated by ";", each checked as a code and known."""
    from kpis.models import Indicator

    codes = []
    for part in (text or "").split(";"):
        code = part.strip()
        if code:
            codes.append(parsing.check_code(code, what="indicator code"))
    if len(codes) > 50:
        raise parsing.InvalidValue(f"{len(codes)} indicators is too many: link at most 50")
    known = {c.upper(): c for c in Indicator.objects.filter(code__in=codes).values_list("code", flat=True)}
    for code in codes:
        if code.upper() not in known:
            match = Indicator.objects.filter(code__iexact=code).values_list("code", flat=True).first()
            if match is None:
                raise parsing.InvalidValue(f'there is no indicator with the code "{code}"')
            known[code.upper()] = match
    return list(dict.fromkeys(known[c.upper()] for c in codes))


def _name(value) -> str:
    return shown(value)


def export_rows(quarter: ReportingPeriod, user=None, *, risks=None) -> tablib.Dataset:
    """The register for a quarter in the interchange layout (formats.md), highest rating first.

    A risk not reviewed in the quarter appears with its last review carried forward (travel
    "Not reviewed", last_reviewed its quarter).
    """
    if risks is None:  # the quarter's registers, as locked for a locked quarter (queries.risks_on)
        risks = queries.risks_on(quarter, user, committee=False)
    risks = risks.select_related("directorate", "service_area")
    data = tablib.Dataset(headers=list(EXPORT_COLUMNS))
    rows = [r for r in queries.rows_for(risks, quarter) if r.review is not None]
    appetites = queries.appetite_judged(rows, quarter)
    prompted = queries.reviews_prompted([r.risk.pk for r in rows], quarter)
    linked = queries.linked_codes([r.risk.pk for r in rows], quarter)
    # The acceptance in force as the quarter judged it (a locked quarter's as reported).
    accepted = dict(Judgement.objects.filter(quarter=quarter, risk_id__in=[r.risk.pk for r in rows]).values_list(
        "risk_id", "accepted_until"))
    for r in queries.with_review_detail(rows):
        if r.detail is None:  # deleted since the rows were scored
            continue
        # The scores and quarter of the review shown (r.review), its words (r.detail): as recorded, for a
        # locked quarter.
        risk, scores, review = r.risk, r.review, r.detail
        data.append([
            risk.reference, risk.title, risk.description, risk.causes, r.kind, r.register,
            risk.directorate.name, risk.service_area.name if risk.service_area else "", risk.risk_owner,
            risk.action_owner, risk.portfolio, risk.strategy_themes, scores.period_label, scores.likelihood,
            scores.impact, scores.tolerance_likelihood, scores.tolerance_impact, review.controls, review.actions,
            "yes" if risk.exempt else "no", risk.exempt_paragraph, risk.category,
            review.inherent_likelihood if review.inherent_likelihood is not None else "",
            review.inherent_impact if review.inherent_impact is not None else "",
            review.next_review_date.isoformat() if review.next_review_date else "",
            "; ".join(linked.get(risk.pk, [])),
            r.rating, r.level.name, r.tolerance_rating, r.tolerance_level.name,
            r.previous_rating if r.previous_rating is not None else "", r.travel.value,
            "yes" if r.outside else "no", scores.period_label, r.scheme.name if r.scheme else "",
            appetites[risk.pk][1], "yes" if appetites[risk.pk][0] else "no",
            review.inherent_likelihood * review.inherent_impact
            if review.inherent_likelihood is not None and review.inherent_impact is not None else "",
            "yes" if risk.pk in prompted else "no",
            accepted[risk.pk].isoformat() if accepted.get(risk.pk) else "",
        ])
    return data


def risks_export(period: str | None, user=None) -> tablib.Dataset:
    if period:
        value = parsing.parse(period)
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

