"""The programmes imports and exports (shared/formats.md, "programmes, objectives, savings, milestones").

- ``programmes`` (key: name): a programme's set-up, its directorate (and owning service area) matched by name
  and created if missing;
- ``objectives`` (key: programme + number + period): a SMART objective and its assessment in a quarter;
  imported assessments are drafts (the programme's owner submits them for sign-off);
- ``savings`` (key: programme + year + period): a saving line of a financial year as reported in a quarter;
- ``milestones`` (key: programme + milestone): the baseline, approved and actual dates and any slippage reason.

Each row is checked here cell by cell (every message names its column) and saved through
programmes/services.py, which checks again; optional columns left out of a file keep the stored values, and a
row that matches what is stored is not written, so re-importing a file (or an export) changes nothing.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import tablib
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from organisation import access, parsing
from organisation.models import ReportingPeriod
from organisation.records import InvalidWrite, RecordError
from organisation.resources import CouncilResource, shown
from organisation.services import directorate_get_or_create, service_area_get_or_create

from . import rules, services
from .models import Assessment, Milestone, Objective, Programme, Saving

PROGRAMME_COLUMNS = ("name", "directorate", "sponsor", "senior_responsible_owner", "mandate_date",
                     "planned_closure", "approved_closure", "actual_closure", "status")
PROGRAMME_OPTIONAL = ("service_area", "manager")
PROGRAMME_IMPORT_COLUMNS = PROGRAMME_COLUMNS + PROGRAMME_OPTIONAL
PROGRAMME_REQUIRED = ("name", "directorate")
PROGRAMME_DATES = ("mandate_date", "planned_closure", "approved_closure", "actual_closure")
PROGRAMME_TEXT = ("sponsor", "senior_responsible_owner", "manager")

OBJECTIVE_COLUMNS = ("programme", "number", "objective", "measure", "timeframe", "period", "rag", "assessment",
                     "commentary", "indicators")
OBJECTIVE_REQUIRED = ("programme", "number", "period")
OBJECTIVE_FIELDS = ("objective", "measure", "timeframe")

SAVING_COLUMNS = ("programme", "year", "period", "planned", "forecast", "delivered", "rag", "owner", "forum")
SAVING_OPTIONAL = ("how_measured", "commentary")
SAVING_IMPORT_COLUMNS = SAVING_COLUMNS + SAVING_OPTIONAL
SAVING_REQUIRED = ("programme", "year", "period", "planned")
SAVING_FIELDS = ("planned", "forecast", "delivered", "rag", "owner", "forum", "how_measured", "commentary")

MILESTONE_COLUMNS = ("programme", "milestone", "baseline", "approved", "actual", "slippage_reason")
MILESTONE_REQUIRED = ("programme", "milestone", "baseline")

STATUSES = {s.value: s.value for s in Programme.Status}
PROGRESS_NAMES = ", ".join(f"{p.colour.value} ({p.value})" for p in rules.Progress)
CLOSURE = {a.value.casefold(): a.value for a in rules.Assessment}
SAVING_RAGS = {s.value.casefold(): s.value for s in rules.SavingStatus}
NAME_MAX = Programme._meta.get_field("name").max_length  # 120
OBJECTIVE_MAX = 1000
MAX_INDICATORS = 50
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DRAFT_NOTE = ("Imported assessments are saved as drafts: the programme's owner submits them for sign-off "
              "on the programme's page")


# --- cells ---------------------------------------------------------------------------------------------

def _date(text: str, today: date) -> date | None:
    """A date written YYYY-MM-DD (an Excel date cell reads as one), within the dates the system accepts."""
    if not text:
        return None
    value = None
    if DATE.fullmatch(text):
        try:
            value = date.fromisoformat(text)
        except ValueError:
            pass
    if value is None:
        raise parsing.InvalidValue(f'"{text[:40]}" is not a date: write it as YYYY-MM-DD, e.g. 2019-09-30')
    return parsing.check_date(value, today=today)


def money(text: str, what: str, *, blank: bool = False) -> Decimal | None:
    """Pounds as a spreadsheet holds them: "1642067", "1,642,067.00" or "£1,642,067"; "12,3" is not a number."""
    raw = (text or "").strip()
    cleaned = raw.replace("£", "").strip()
    try:
        value = parsing.parse_decimal(cleaned, max_digits=14, decimal_places=2)
    except parsing.InvalidValue as exc:
        raise parsing.InvalidValue(str(exc).replace(f'"{cleaned}"', f'"{raw[:40]}"', 1)) from None
    return services.check_money(value, what, blank=blank)


def money_text(value: Decimal | None) -> str:
    """Pounds as exported: a plain number, 1642067.00 -> "1642067" (as the placements export writes them)."""
    if value is None:
        return ""
    return format(value.quantize(Decimal("0.01")).normalize(), "f")


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _programme(name: str, errors: dict[str, str]) -> Programme | None:
    """The programme a row names (any case), or an error in the "programme" column."""
    if not name:
        errors["programme"] = "enter the programme's name"
        return None
    found = Programme.objects.filter(name__iexact=name).select_related("directorate").first()
    if found is None:
        errors["programme"] = (f'there is no programme "{name[:80]}": add it first (with a programmes import '
                               "or on the programmes pages)")
    return found


def _indicators(text: str) -> list:
    """Indicator codes separated by ";", each checked as a code and known (any case)."""
    indicator = apps.get_model("kpis", "Indicator")
    codes = []
    for part in (text or "").split(";"):
        code = part.strip()
        if code:
            codes.append(parsing.check_code(code, what="indicator code"))
    if len(codes) > MAX_INDICATORS:
        raise parsing.InvalidValue(f"{len(codes)} indicators is too many: link at most {MAX_INDICATORS}")
    found = {}
    for code in dict.fromkeys(c.upper() for c in codes):
        match = indicator.objects.filter(code__iexact=code).first()
        if match is None:
            raise parsing.InvalidValue(f'there is no indicator with the code "{code}"')
        found[match.pk] = match
    return list(found.values())


def _codes(items) -> str:
    return "; ".join(sorted(i.code for i in items))


def _service_errors(exc: InvalidWrite, columns: dict[str, str] | None = None) -> ValidationError:
    """A service's refusal as the row's errors, each in the column it concerns ("objective 2, rag" -> "rag")."""
    out: dict[str, list[str]] = {}
    for name, message in exc.errors.items():
        field = name.rsplit(", ", 1)[-1]
        column = (columns or {}).get(field, field)
        out.setdefault(column if column else NON_FIELD_ERRORS, []).append(message)
    return ValidationError(out)


class _ProgrammeResource(CouncilResource):
    """What the four kinds share: the service's refusals named by column."""

    service_columns: dict[str, str] = {}

    def _save(self, func, **kwargs):
        try:
            return func(**kwargs)
        except InvalidWrite as exc:
            errors = _service_errors(exc, self.service_columns)
            known = set(self.columns) | {NON_FIELD_ERRORS}
            raise ValidationError({(k if k in known else NON_FIELD_ERRORS): v
                                   for k, v in errors.message_dict.items()}) from None
        except RecordError as exc:
            raise ValidationError({NON_FIELD_ERRORS: [exc.message]}) from None


def _refused_period(period: str | None, what: str) -> None:
    if period:
        raise ValueError(f"{what} are not reported by period: export them without --period")


# --- programmes ----------------------------------------------------------------------------------------

class ProgrammeResource(_ProgrammeResource):
    columns = PROGRAMME_IMPORT_COLUMNS
    compared_fields = ("name", "directorate", "service_area") + PROGRAMME_TEXT + PROGRAMME_DATES + ("status",)
    service_columns = {"governance": "", "savings_tolerance": ""}

    class Meta(CouncilResource.Meta):
        model = Programme

    def find(self, row, errors):
        name = self.cell(row, "name")
        if not name:
            errors["name"] = "enter the programme's name"
        else:
            self.guard(errors, "name", parsing.check_name, name, limit=NAME_MAX, what="programme's name")
        if errors:
            return Programme(), True
        found = Programme.objects.filter(name__iexact=name).select_related("directorate", "service_area").first()
        if found is not None:
            return found, False
        return Programme(name=name, status=Programme.Status.RUNNING), True

    def apply(self, instance, row, errors):
        instance.name = self.cell(row, "name")
        directorate = self.guard(errors, "directorate", self._directorate, self.cell(row, "directorate"))
        if directorate is not None:
            instance.directorate = directorate
            if self.has("service_area"):
                name = self.cell(row, "service_area")
                instance.service_area = self.guard(errors, "service_area", self._area, directorate, name) \
                    if name else None
        for name in PROGRAMME_TEXT:
            if self.has(name):
                value = self.guard(errors, name, parsing.check_name, self.cell(row, name),
                                   what=name.replace("_", " "))
                if value is not None:
                    setattr(instance, name, value)
        for name in PROGRAMME_DATES:
            if self.has(name):
                value = self.guard(errors, name, _date, self.cell(row, name), self.today)
                if name not in errors:
                    setattr(instance, name, value)
        if self.has("status") and self.cell(row, "status"):
            status = self.guard(errors, "status", parsing.parse_choice, self.cell(row, "status"), STATUSES,
                                allowed="mandated, running or closed")
            if status is not None:
                instance.status = status

    @staticmethod
    def _name(name: str, what: str) -> str:
        if not name:
            raise parsing.InvalidValue(f"enter the {what}")
        return parsing.check_name(name, limit=120, what=f"{what}'s name")

    def _directorate(self, name: str):
        self._name(name, "directorate")
        directorate, created = directorate_get_or_create(name=name)
        if created:
            self.notes.append(f"New directorate: {directorate.name}")
        return directorate

    def _area(self, directorate, name: str):
        self._name(name, "service area")
        area, created = service_area_get_or_create(directorate=directorate, name=name)
        if created:
            self.notes.append(f"New service area: {area.name} ({directorate.name})")
        return area

    def save(self, instance, is_create, row):
        self._save(services.setup_save, user=self.importing_user(), instance=instance, via="imported",
                   reason="imported")


def programmes_export(period: str | None, user=None) -> tablib.Dataset:
    _refused_period(period, "programmes")
    data = tablib.Dataset(headers=list(PROGRAMME_IMPORT_COLUMNS))
    if user is not None and not access.can_view_programmes(user):
        return data
    for p in Programme.objects.select_related("directorate", "service_area").order_by("name"):
        data.append([p.name, p.directorate.name, p.sponsor, p.senior_responsible_owner, _iso(p.mandate_date),
                     _iso(p.planned_closure), _iso(p.approved_closure), _iso(p.actual_closure), p.status,
                     p.service_area.name if p.service_area else "", p.manager])
    return data


# --- objectives and their quarterly assessments -------------------------------------------------------

class ObjectiveResource(_ProgrammeResource):
    """One row: an objective (its words follow the file's newest quarter for it) and its assessment in a
    quarter. A row with no RAG, status or commentary adds no assessment: it sets the objective only."""

    columns = OBJECTIVE_COLUMNS
    compared_fields = ("rag", "assessment", "commentary")
    service_columns = {"number": "number"}

    class Meta(CouncilResource.Meta):
        model = Assessment

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._newest: dict[tuple[str, str], tuple[int, int]] = {}
        if {"programme", "number", "period"} <= self._headers:
            for name, number, period in zip(dataset["programme"], dataset["number"], dataset["period"]):
                try:
                    value = parsing.parse(str(period))
                except Exception:
                    continue
                key = (str(name).strip().casefold(), str(number).strip())
                self._newest[key] = max(self._newest.get(key, (0, 0)), (value.year, value.quarter or 0))

    def find(self, row, errors):
        self._objective = self._before = self._links = self._link_change = None
        programme = _programme(self.cell(row, "programme"), errors)
        number = self.guard(errors, "number", parsing.parse_whole, self.cell(row, "number"), minimum=1,
                            maximum=32767)
        if number is None and "number" not in errors:
            errors["number"] = "enter the objective's number, a whole number from 1"
        period = self.guard(errors, "period", self.period, self.cell(row, "period"), quarter=True,
                            why="an objective is assessed for a quarter", started="assessments")
        self.locked(errors, period)
        if errors:
            return Assessment(), True
        objective = Objective.objects.filter(programme=programme, number=number).first()
        if objective is None:
            objective = Objective(programme=programme, number=number)
            if not self.cell(row, "objective"):
                errors["objective"] = f"enter the objective: {programme.name} has no objective {number} yet"
                return Assessment(), True
        else:
            objective.programme = programme
            self._before = {f: getattr(objective, f) for f in OBJECTIVE_FIELDS}
        self._objective = objective
        key = (self.cell(row, "programme").casefold(), self.cell(row, "number"))
        self._words = objective.pk is None or (period.year, period.quarter) >= self._newest.get(key, (0, 0))
        existing = Assessment.objects.filter(objective=objective, period=period).first() if objective.pk else None
        if existing is not None:
            existing.objective, existing.period = objective, period
            return existing, False
        return Assessment(objective=objective, period=period), True

    def apply(self, instance, row, errors):
        objective = self._objective
        if self._words:
            for name, limit, check in (("objective", OBJECTIVE_MAX, parsing.check_text),
                                       ("measure", parsing.TEXT_MAX, parsing.check_text),
                                       ("timeframe", parsing.NAME_MAX, parsing.check_name)):
                if self.has(name):
                    value = self.guard(errors, name, check, self.cell(row, name), limit=limit, what=name)
                    if value is not None:
                        setattr(objective, name, value)
            if not objective.objective.strip() and "objective" not in errors:
                errors["objective"] = "enter the objective: it cannot be blank"
            if self.has("indicators"):
                links = self.guard(errors, "indicators", _indicators, self.cell(row, "indicators"))
                if links is not None:
                    before = _codes(objective.indicators.all()) if objective.pk else ""
                    if before != _codes(links):
                        self._links, self._link_change = links, (before, _codes(links))
        if self.has("rag"):
            text = self.cell(row, "rag")
            if text:
                try:
                    instance.rag = rules.progress(text).value
                except ValueError as exc:
                    errors["rag"] = str(exc)
            else:
                instance.rag = ""
        if self.has("assessment"):
            text = self.cell(row, "assessment")
            if text and text.casefold() not in CLOSURE:
                errors["assessment"] = (f'"{text[:40]}" is not a status at closure: use Achieved, Achieved in '
                                        "part or Not achieved (blank while the programme runs)")
            else:
                instance.assessment = CLOSURE.get(text.casefold(), "")
        if self.has("commentary"):
            value = self.guard(errors, "commentary", parsing.check_text, self.cell(row, "commentary"),
                               what="commentary")
            if value is not None:
                instance.commentary = value

    def _assessed(self, instance) -> bool:
        """Whether the row's assessment is written: it is stored already, or the row gives one."""
        return instance.pk is not None or bool(instance.rag or instance.assessment or instance.commentary)

    def _objective_changed(self) -> bool:
        objective = self._objective
        return objective.pk is None or any(getattr(objective, f) != self._before[f] for f in OBJECTIVE_FIELDS)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or self._objective is None:
            return False
        unchanged = super().skip_row(instance, original, row, import_validation_errors) \
            if instance.pk is not None else not self._assessed(instance)
        changes = []
        if self._before is not None:
            changes = [(f, shown(self._before[f]), shown(getattr(self._objective, f))) for f in OBJECTIVE_FIELDS
                       if self._before[f] != getattr(self._objective, f)]
        if self._link_change is not None:
            changes.append(("indicators", shown(self._link_change[0]), shown(self._link_change[1])))
        if changes and self._row_number is not None:
            self.row_changes.setdefault(self._row_number, [])[:0] = changes
        return unchanged and not self._objective_changed() and self._link_change is None

    def save(self, instance, is_create, row):
        user = self.importing_user()
        objective = self._objective
        if self._objective_changed():
            objective = self._save(services.setup_save, user=user, instance=objective, via="imported",
                                   reason="imported")
        if self._links is not None:
            self._save(services.links_set, user=user, instance=objective, field="indicators", items=self._links,
                       via="imported")
        if self._assessed(instance):
            saved = self._save(services.assessments_save, user=user, programme=objective.programme,
                               period=instance.period, submit=False, reason="imported", rows=[
                                   services.AssessmentInput(objective=objective, version=None, rag=instance.rag,
                                                            assessment=instance.assessment,
                                                            commentary=instance.commentary)])
            if saved:
                self.notes.append(DRAFT_NOTE)


def _quarters(period: str | None, what: str) -> list[ReportingPeriod] | None:
    """The quarters an export is for: a quarter, or every quarter of a year; None: every quarter."""
    if not period:
        return None
    value = parsing.parse(period)
    if value.is_year:
        return list(ReportingPeriod.objects.filter(year=value.year, quarter__isnull=False))
    found = ReportingPeriod.objects.filter(year=value.year, quarter=value.quarter).first()
    if found is None:
        raise ValueError(f"There are no {what} for {value.label}")
    return [found]


def objectives_export(period: str | None, user=None) -> tablib.Dataset:
    """Each objective's assessment in each quarter (of the quarter or year given), its objective as the
    quarter reported it when locked. With a quarter, every objective appears (blank where not yet assessed)
    so the file can be filled in and imported; without one, an objective never assessed appears with the
    current quarter."""
    data = tablib.Dataset(headers=list(OBJECTIVE_COLUMNS))
    if user is not None and not access.can_view_programmes(user):
        return data
    quarters = _quarters(period, "objectives")
    objectives = list(Objective.objects.select_related("programme").prefetch_related("indicators").order_by(
        "programme__name", "number"))
    assessments = Assessment.objects.select_related("period", "objective")
    if quarters is not None:
        assessments = assessments.filter(period__in=quarters)
    by_objective: dict[int, list[Assessment]] = {}
    for a in assessments.order_by("period__year", "period__quarter"):
        by_objective.setdefault(a.objective_id, []).append(a)
    fill = [quarters[0]] if quarters is not None and len(quarters) == 1 else None
    if quarters is None:
        current = ReportingPeriod.objects.latest_quarter()
        fill = [current] if current is not None else []
    for o in objectives:
        codes = _codes(o.indicators.all())
        mine = by_objective.get(o.pk, [])
        for a in mine:
            data.append([o.programme.name, a.shown_number, a.shown_objective, a.shown_measure, o.timeframe,
                         a.period.label, a.rag, a.assessment, a.commentary, codes])
        if not mine and fill:
            for q in fill:
                data.append([o.programme.name, o.number, o.objective, o.measure, o.timeframe, q.label, "", "", "",
                             codes])
    return data


# --- savings ----------------------------------------------------------------------------------------------

class SavingResource(_ProgrammeResource):
    columns = SAVING_IMPORT_COLUMNS
    compared_fields = SAVING_FIELDS

    class Meta(CouncilResource.Meta):
        model = Saving

    def find(self, row, errors):
        programme = _programme(self.cell(row, "programme"), errors)
        year = self.guard(errors, "year", self.period, self.cell(row, "year"), quarter=False,
                          why="a saving falls in a financial year")
        period = self.guard(errors, "period", self.period, self.cell(row, "period"), quarter=True,
                            why="savings are reported in a quarter", started="savings")
        self.locked(errors, period)
        if errors:
            return Saving(), True
        existing = Saving.objects.filter(programme=programme, year=year, period=period).first()
        if existing is not None:
            existing.programme, existing.year, existing.period = programme, year, period
            return existing, False
        return Saving(programme=programme, year=year, period=period), True

    def apply(self, instance, row, errors):
        for name, blank in (("planned", False), ("forecast", True), ("delivered", True)):
            if self.has(name):
                value = self.guard(errors, name, money, self.cell(row, name), f"{name} saving", blank=blank)
                if name not in errors:
                    setattr(instance, name, value)
        if self.has("rag"):
            text = self.cell(row, "rag")
            if text and text.casefold() not in SAVING_RAGS:
                errors["rag"] = f'"{text[:40]}" is not a savings RAG: use Delivered, On track, At risk or Undeliverable'
            else:
                instance.rag = SAVING_RAGS.get(text.casefold(), "")
        for name in ("owner", "forum", "how_measured"):
            if self.has(name):
                value = self.guard(errors, name, parsing.check_name, self.cell(row, name),
                                   what=name.replace("_", " "))
                if value is not None:
                    setattr(instance, name, value)
        if self.has("commentary"):
            value = self.guard(errors, "commentary", parsing.check_text, self.cell(row, "commentary"),
                               what="commentary")
            if value is not None:
                instance.commentary = value

    def save(self, instance, is_create, row):
        self._save(services.savings_save, user=self.importing_user(), programme=instance.programme,
                   period=instance.period, reason="imported", rows=[services.SavingInput(
                       year=instance.year, version=None, **{f: getattr(instance, f) for f in SAVING_FIELDS})])


def savings_export(period: str | None, user=None) -> tablib.Dataset:
    """Each saving line as reported in each quarter (of the quarter or year given)."""
    data = tablib.Dataset(headers=list(SAVING_IMPORT_COLUMNS))
    if user is not None and not access.can_view_programmes(user):
        return data
    quarters = _quarters(period, "savings")
    savings = Saving.objects.select_related("programme", "year", "period").order_by(
        "programme__name", "period__year", "period__quarter", "year__year")
    if quarters is not None:
        savings = savings.filter(period__in=quarters)
    for s in savings:
        data.append([s.programme.name, s.year.label, s.period.label, money_text(s.planned), money_text(s.forecast),
                     money_text(s.delivered), s.rag, s.owner, s.forum, s.how_measured, s.commentary])
    return data


# --- milestones --------------------------------------------------------------------------------------------

class MilestoneResource(_ProgrammeResource):
    columns = MILESTONE_COLUMNS
    compared_fields = ("name", "baseline", "approved", "actual", "slippage_reason")
    field_labels = {"name": "milestone"}
    service_columns = {"name": "milestone", "workstream": ""}

    class Meta(CouncilResource.Meta):
        model = Milestone

    def find(self, row, errors):
        programme = _programme(self.cell(row, "programme"), errors)
        name = self.cell(row, "milestone")
        if not name:
            errors["milestone"] = "enter the milestone"
        else:
            self.guard(errors, "milestone", parsing.check_name, name, what="milestone")
        if errors:
            return Milestone(), True
        existing = Milestone.objects.filter(programme=programme, name__iexact=name).first()
        if existing is not None:
            existing.programme = programme
            return existing, False
        return Milestone(programme=programme, name=name), True

    def apply(self, instance, row, errors):
        instance.name = self.cell(row, "milestone")
        baseline = self.guard(errors, "baseline", _date, self.cell(row, "baseline"), self.today)
        if baseline is None and "baseline" not in errors:
            errors["baseline"] = "enter the baseline date, YYYY-MM-DD"
        elif baseline is not None:
            instance.baseline = baseline
        for name in ("approved", "actual"):
            if self.has(name):
                value = self.guard(errors, name, _date, self.cell(row, name), self.today)
                if name not in errors:
                    setattr(instance, name, value)
        if self.has("slippage_reason"):
            value = self.guard(errors, "slippage_reason", parsing.check_text, self.cell(row, "slippage_reason"),
                               what="slippage reason")
            if value is not None:
                instance.slippage_reason = value

    def save(self, instance, is_create, row):
        self._save(services.setup_save, user=self.importing_user(), instance=instance, via="imported",
                   reason="imported")


def milestones_export(period: str | None, user=None) -> tablib.Dataset:
    _refused_period(period, "milestones")
    data = tablib.Dataset(headers=list(MILESTONE_COLUMNS))
    if user is not None and not access.can_view_programmes(user):
        return data
    for m in Milestone.objects.select_related("programme").order_by("programme__name", "baseline", "name"):
        data.append([m.programme.name, m.name, _iso(m.baseline), _iso(m.approved), _iso(m.actual),
                     m.slippage_reason])
    return data
