"""The read API's resources. Each list reads the query its page reads (the same access rules, the same stored
judgements, a locked quarter as reported) and pages it; nothing here decides access (organisation/access.py
does) or judges a figure (the apps' rules and stored judgements do)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db.models import F, Prefetch, Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import MethodNotAllowed, NotAcceptable, PermissionDenied
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.utils.urls import remove_query_param

from kpis import queries as kpi_queries
from kpis import status as kpi_rules
from kpis.models import RecordedIndicator, Target
from organisation import access, clock
from organisation.models import ReportingPeriod
from organisation.periods import Period
from placements import report as placement_report
from programmes import rules as programme_rules
from programmes.models import Assessment, Objective, Programme, Saving
from risks import audit_actions
from risks import queries as risk_queries
from risks.control_resources import export_rows as control_rows
from risks.models import AuditRecommendation, Risk
from risks.models import Judgement as RiskJudgement

from . import params
from . import serializers as shapes
from .authentication import QUERY_PARAMETER

SAFE_METHODS = ("GET", "HEAD")


class Pages(PageNumberPagination):
    """``count``, ``next``, ``previous``, ``results``; ``?page=`` (and ``?page_size=``, at most 500)."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500

    # A key sent as ?api_key= is not copied into the links (Power BI pages by number and sends its key itself).
    def get_next_link(self):
        link = super().get_next_link()
        return remove_query_param(link, QUERY_PARAMETER) if link else link

    def get_previous_link(self):
        link = super().get_previous_link()
        return remove_query_param(link, QUERY_PARAMETER) if link else link


def _param(name: str, description: str, enum=None) -> OpenApiParameter:
    return OpenApiParameter(name, str, OpenApiParameter.QUERY, required=False, description=description, enum=enum)


PERIOD = _param("period", "A quarter: 2019/20 Q1 or 2019-20-Q1 (default: the quarter the page opens on).")
DIRECTORATE = OpenApiParameter("directorate", int, OpenApiParameter.QUERY, required=False,
                               description="A directorate's id.")
SERVICE_AREA = OpenApiParameter("service_area", int, OpenApiParameter.QUERY, required=False,
                                description="A service area's id.")
LEVEL = _param("level", "The register: all, corporate, directorate or service (as the register page).",
               list(risk_queries.LEVELS))
REGISTER = _param("register", "Another name for level.", list(risk_queries.LEVELS))
FIGURE_STATUSES = [s.value for s in kpi_rules.Status] + ["exceptions"]


class JsonWhateverAccepted(DefaultContentNegotiation):
    """An Accept header the API cannot meet (text/html alone, say) gets JSON, not a 406 answered before the
    caller is even authenticated (an anonymous browser call must read 401, a signed-in one its data)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type


class ReadView(generics.ListAPIView):
    """GET only (anything else 405, before anything is read); signed in or a token (else 401); and
    ``allowed`` says whether the caller's roles open this resource at all (else 403)."""

    http_method_names = ["get", "head"]
    pagination_class = Pages
    content_negotiation_class = JsonWhateverAccepted

    def allowed(self, user) -> bool:  # pragma: no cover - each resource says
        raise NotImplementedError

    def initial(self, request, *args, **kwargs):
        if request.method not in SAFE_METHODS:
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)
        if not self.allowed(request.user):
            raise PermissionDenied("Your role does not give you this resource.")

    def rows(self, request):  # pragma: no cover - each resource says
        raise NotImplementedError

    def list(self, request, *args, **kwargs):
        found, shape = self.rows(request)
        page = self.paginate_queryset(found)
        return self.get_paginated_response(self.get_serializer(shape(page), many=True).data)


def _text(value) -> str:
    return "" if value is None else str(value)


# --- indicators -----------------------------------------------------------------------------------------

@extend_schema(parameters=[DIRECTORATE, SERVICE_AREA], summary="Performance indicators (the active ones)")
class IndicatorList(ReadView):
    serializer_class = shapes.IndicatorSerializer

    def allowed(self, user):
        return access.can_view_performance(user)

    def rows(self, request):
        directorate = params.directorate(request)
        area = params.service_area(request, directorate)
        found = kpi_queries.indicators_visible_to(request.user)
        if directorate is not None:
            found = found.filter(service_area__directorate=directorate)
        if area is not None:
            found = found.filter(service_area=area)
        found = found.order_by("code", "pk").values_list(*kpi_queries.FACT_FIELDS)

        def shape(page):
            return [{
                "code": f.code, "title": f.title, "unit": f.unit, "precision": f.precision, "polarity": f.polarity,
                "frequency": f.frequency, "accumulation": f.accumulation, "tolerance": f.tolerance,
                "directorate_id": f.directorate_id, "directorate": f.directorate_name,
                "service_area_id": f.service_area_id, "service_area": f.service_area_name,
                "commitment": f.commitment_code,
            } for f in (kpi_queries.facts_of(values) for values in page)]
        return found, shape


# --- targets --------------------------------------------------------------------------------------------

@extend_schema(parameters=[PERIOD, DIRECTORATE, SERVICE_AREA],
               summary="Targets of the quarter's financial year: each quarter's and the year's (blank: baseline)")
class TargetList(ReadView):
    serializer_class = shapes.TargetSerializer

    def allowed(self, user):
        return access.can_view_performance(user)

    def rows(self, request):
        user = request.user
        quarter = params.quarter(request, lambda: kpi_queries.default_quarter(user))
        directorate = params.directorate(request)
        area = params.service_area(request, directorate)
        if quarter is None:
            return [], list
        found = Target.objects.filter(indicator__in=kpi_queries.indicators_visible_to(user),
                                      period__year=quarter.year)
        if directorate is not None:
            found = found.filter(indicator__service_area__directorate=directorate)
        if area is not None:
            found = found.filter(indicator__service_area=area)
        found = found.order_by("indicator__code", F("period__quarter").asc(nulls_first=True), "pk").values_list(
            "indicator__code", "indicator__title", "period__year", "period__quarter", "value")

        def shape(page):
            return [{"code": code, "title": title, "year": Period(year, None).label,
                     "period": Period(year, q).label, "annual": q is None, "target": value}
                    for code, title, year, q, value in page]
        return found, shape


# --- benchmarks -----------------------------------------------------------------------------------------

@extend_schema(parameters=[PERIOD, DIRECTORATE, SERVICE_AREA],
               summary="Published benchmarks beside each indicator for a quarter: the latest year up to it, "
                       "with the council's band (a locked quarter: as its lock recorded them)")
class BenchmarkList(ReadView):
    serializer_class = shapes.BenchmarkSerializer

    def allowed(self, user):
        return access.can_view_performance(user)

    def rows(self, request):
        user = request.user
        quarter = params.quarter(request, lambda: kpi_queries.default_quarter(user))
        directorate = params.directorate(request)
        area = params.service_area(request, directorate)
        if quarter is None:
            return [], list
        visible = kpi_queries.indicators_visible_to(user)
        if quarter.has_record:  # the indicators as the lock recorded them: their names and places then
            found = RecordedIndicator.objects.filter(quarter=quarter, indicator__in=visible)
            if directorate is not None:
                found = found.filter(directorate_id=directorate.pk)
            if area is not None:
                found = found.filter(service_area_id=area.pk)
            facts = list(found.order_by("code", "indicator_id").values_list("indicator_id", "code", "title",
                                                                               "polarity"))
        else:
            if directorate is not None:
                visible = visible.filter(service_area__directorate=directorate)
            if area is not None:
                visible = visible.filter(service_area=area)
            facts = list(visible.order_by("code", "pk").values_list("pk", "code", "title", "polarity"))
        found = kpi_queries.benchmarks(quarter, {pk: polarity for pk, _, _, polarity in facts})
        rows = [{"period": quarter.label, "locked": quarter.is_locked, "code": code, "title": title,
                 "polarity": polarity, "year": b.year_label, "council": b.council, "england": b.england,
                 "statistical_neighbours": b.neighbours, "region": b.regional, "band": b.band}
                for pk, code, title, polarity in facts if (b := found.get(pk)) is not None]
        return rows, list


# --- figures --------------------------------------------------------------------------------------------

def _indicator_place(indicator) -> tuple[int | None, str, int | None, str]:
    """(directorate id, name, service area id, name) of a row's indicator: as reported (facts) or live."""
    if hasattr(indicator, "service_area_name"):
        return (indicator.directorate_id, indicator.directorate_name, indicator.service_area_id,
                indicator.service_area_name)
    area = getattr(indicator, "service_area", None)
    return (area.directorate_id if area else None, area.directorate.name if area else "",
            area.pk if area else None, area.name if area else "")


@extend_schema(parameters=[PERIOD, DIRECTORATE, SERVICE_AREA,
                           _param("status", "A status, or exceptions.", FIGURE_STATUSES)],
               summary="Figures judged for a quarter (a locked quarter: as reported)")
class FigureList(ReadView):
    serializer_class = shapes.FigureSerializer

    def allowed(self, user):
        return access.can_view_performance(user)

    def rows(self, request):
        user = request.user
        quarter = params.quarter(request, lambda: kpi_queries.default_quarter(user))
        directorate = params.directorate(request)
        area = params.service_area(request, directorate)
        status = params.choice(request, "status", FIGURE_STATUSES)
        if quarter is None:
            return [], list
        filters = {"service_area": area, "status": status}
        directorate_id = directorate.pk if directorate else None
        # The dashboard's own reads: the stored judgements (a locked quarter's as it reported them).
        found = kpi_queries.stored_scope(user, quarter, directorate_id=directorate_id, filters=filters)
        rows = found.filtered if found is not None else kpi_queries.scope(
            user, quarter, directorate_id=directorate_id, filters=filters).filtered

        def shape(page):
            out = []
            for r in page:
                directorate_id, directorate_name, area_id, area_name = _indicator_place(r.indicator)
                out.append({
                    "period": quarter.label, "period_label": r.period_label, "locked": quarter.is_locked,
                    "code": r.indicator.code, "title": r.indicator.title, "directorate_id": directorate_id,
                    "directorate": directorate_name, "service_area_id": area_id, "service_area": area_name,
                    "unit": r.unit or r.indicator.unit, "value": r.value, "target": r.target, "previous": r.previous,
                    "status": _text(r.status), "rule_status": _text(r.rule_status) if r.overridden else None,
                    "override_reason": r.override_reason if r.overridden else "",
                    "rag": _text(r.rag) if r.rag else None, "direction": _text(r.direction), "draft": r.is_draft,
                    "not_submitted": r.not_submitted, "commentary": r.commentary,
                })
            return out
        return rows, shape


# --- risks ----------------------------------------------------------------------------------------------

def _named(value) -> str:
    return getattr(value, "name", "") if value is not None else ""


def _band(request) -> str:
    """``band``: a rating level of any scoring scheme (High, Critical, Not banded ...), in any case."""
    from risks import scoring
    from risks.models import ScoringScheme

    if not params.text(request, "band"):
        return ""
    names = {level.name for found in ScoringScheme.objects.all() for level in found.scheme.levels}
    return params.choice(request, "band", sorted(names | {scoring.UNBANDED.name}))


@extend_schema(parameters=[
    PERIOD, LEVEL, REGISTER, DIRECTORATE,
    _param("band", "A rating level of the scheme (e.g. High)."),
    _param("outside", "Outside tolerance (target): yes or no.", ["yes", "no"]),
    _param("appetite", "Outside or inside appetite.", ["outside", "inside"]),
], summary="The risk register for a quarter, highest rating first (a locked quarter: as reported)")
class RiskList(ReadView):
    serializer_class = shapes.RiskSerializer

    def allowed(self, user):
        return access.can_view_risks(user)

    def rows(self, request):
        user = request.user
        quarter = params.quarter(request, lambda: risk_queries.default_quarter(user))
        level = params.register_level(request)
        directorate = params.directorate(request)
        filters = {"directorate": directorate, "band": _band(request),
                   "outside": params.choice(request, "outside", ["yes", "no"]),
                   "appetite": params.choice(request, "appetite", ["outside", "inside"])}
        if quarter is None:
            return [], list
        found = risk_queries.stored_register(user, quarter, level=level, filters=filters)
        rows = found if found is not None else risk_queries.register(user, quarter, level=level,
                                                                     filters=filters).rows
        part_b = access.can_view_exempt(user)
        today = clock.today()

        def shape(page):
            page = risk_queries.with_review_detail(list(page))
            ids = [r.risk.pk for r in page]
            judged = {values[0]: values[1:] for values in RiskJudgement.objects.filter(
                quarter=quarter, risk_id__in=ids).values_list(
                "risk_id", "inherent_likelihood", "inherent_impact", "accepted_until", "outside_appetite",
                "appetite_level")} if ids else {}
            indicators = risk_queries.key_indicators(ids, quarter) if ids else {}
            # A locked quarter's rows say whether each risk was exempt then; one made exempt since keeps its
            # detail to readers of Part B too (as the deep dives and the audit actions read it).
            exempt_now = set(Risk.objects.filter(pk__in=ids, exempt=True).values_list("pk", flat=True)) if (
                ids and quarter.is_locked and not part_b) else set()
            out = []
            for r in page:
                risk, review, detail = r.risk, r.review, r.detail
                exempt = bool(getattr(risk, "exempt", False)) or risk.pk in exempt_now
                withheld = exempt and not part_b
                inherent_l, inherent_i, accepted_until, outside_appetite, appetite_level = judged.get(
                    risk.pk, (None, None, None, None, ""))
                ends = quarter.end if quarter.is_locked else today

                def secret(value, withheld=withheld):
                    return None if withheld else _text(value)
                out.append({
                    "period": quarter.label, "locked": quarter.is_locked, "reference": risk.reference,
                    "title": risk.title, "register": r.register, "kind": r.kind,
                    "directorate_id": risk.directorate_id, "directorate": _named(risk.directorate),
                    "service_area_id": risk.service_area_id, "service_area": _named(risk.service_area),
                    "exempt": exempt, "detail_withheld": withheld,
                    "reviewed_in": review.period_label if review is not None else None,
                    "reviewed_this_quarter": r.reviewed_this_quarter,
                    "likelihood": review.likelihood if review else None, "impact": review.impact if review else None,
                    "rating": r.rating, "rating_level": r.level.name if r.level else "",
                    "tolerance_likelihood": review.tolerance_likelihood if review else None,
                    "tolerance_impact": review.tolerance_impact if review else None,
                    "tolerance_rating": r.tolerance_rating,
                    "tolerance_level": r.tolerance_level.name if r.tolerance_level else "",
                    "inherent_likelihood": inherent_l, "inherent_impact": inherent_i,
                    "inherent_rating": inherent_l * inherent_i if inherent_l and inherent_i else None,
                    "previous_rating": r.previous_rating, "travel": _text(r.travel.value if r.travel else ""),
                    "outside_tolerance": bool(review is not None and r.outside),
                    "outside_appetite": outside_appetite, "appetite_level": appetite_level or "",
                    "accepted_until": accepted_until,
                    "acceptance_expired": bool(accepted_until and accepted_until < ends),
                    "scheme": r.scheme.name if r.scheme else "",
                    "description": secret(getattr(risk, "description", "")),
                    "causes": secret(getattr(risk, "causes", "")),
                    "consequences": secret(getattr(risk, "consequences", "")),
                    "risk_owner": secret(getattr(risk, "risk_owner", "")),
                    "action_owner": secret(getattr(risk, "action_owner", "")),
                    "controls": secret(getattr(detail, "controls", "")),
                    "actions": secret(getattr(detail, "actions", "")),
                    "key_risk_indicators": [] if withheld else [
                        {"code": k.code, "title": k.title,
                         "statuses": [{"period": p, "status": s, "rag": rag} for p, s, rag in k.statuses]}
                        for k in indicators.get(risk.pk, [])],
                })
            return out
        return rows, shape


# --- controls -------------------------------------------------------------------------------------------

@extend_schema(parameters=[PERIOD],
               summary="Each risk's controls as the quarter shows them (a locked quarter: as reported)")
class ControlList(ReadView):
    serializer_class = shapes.ControlSerializer

    def allowed(self, user):
        return access.can_view_risks(user)

    def rows(self, request):
        user = request.user
        quarter = params.quarter(request, lambda: risk_queries.default_quarter(user))
        if quarter is None:
            return [], list
        # The assurance download's reading: an exempt risk's controls left out for those without Part B.
        data = control_rows(quarter, user)
        found = [dict(zip(data.headers, (_text(v) for v in row))) for row in data]
        return found, list


# --- internal audit recommendations ---------------------------------------------------------------------

@extend_schema(parameters=[
    _param("period", "A locked quarter: its list as recorded at its lock (default: as things stand today)."),
    _param("status", "outstanding, overdue, open, implemented or superseded.", list(audit_actions.STATUS_FILTERS)),
    _param("priority", "high, medium or low.", list(AuditRecommendation.Priority.values)),
], summary="Internal audit recommendations and their agreed actions, overdue first")
class AuditActionList(ReadView):
    serializer_class = shapes.AuditActionSerializer

    def allowed(self, user):
        return access.can_view_audit_actions(user)

    def rows(self, request):
        user = request.user
        status = params.choice(request, "status", list(audit_actions.STATUS_FILTERS))
        priority = params.choice(request, "priority", list(AuditRecommendation.Priority.values))
        quarter = params.quarter(request, lambda: None) if params.text(request, "period") else None
        today = clock.today()
        if quarter is not None and quarter.is_locked:
            found = audit_actions.rows_recorded(audit_actions.recorded(quarter) or [], user, status=status,
                                                priority=priority)
            live = False
        else:
            found = audit_actions.listing(user, today, status=status, priority=priority)
            live = True

        def shape(page):
            rows = audit_actions.rows_of(page, user, today) if live else page
            return [{
                "id": r.pk, "source": r.source, "recommendation": r.recommendation, "priority": r.priority,
                "agreed_action": r.agreed_action, "owner": r.owner, "due": r.due, "revised_due": r.revised_due,
                "revision_reason": r.revision_reason, "status": r.status, "state": _text(r.state.value),
                "implemented_on": r.implemented_on, "days_overdue": r.days_overdue,
                "risks": [{"reference": x.reference, "title": x.title} for x in r.risks],
            } for r in rows]
        return found, shape


# --- placements -----------------------------------------------------------------------------------------

def _placement_quarter(request) -> ReportingPeriod:
    def default():
        found = placement_report.quarters_with_snapshots()
        return found[-1] if found else ReportingPeriod.objects.latest_quarter()
    return params.quarter(request, default)


class PlacementPages(Pages):
    """The placements' pages also carry the report's totals for the quarter (the whole council's)."""

    def get_paginated_response_schema(self, schema):
        out = super().get_paginated_response_schema(schema)
        number = {"type": "number", "nullable": True}
        integer = {"type": "integer"}
        out["properties"]["totals"] = {"type": "object", "properties": {
            "period": {"type": "string"}, "locked": {"type": "boolean"}, "children": integer,
            "annual_cost": number, "average_weekly_cost": number, "in_house": integer, "external": integer,
            "in_house_percent": number, "foster_in_house": integer, "foster_external": integer,
            "foster_in_house_percent": number, "target_in_house_percent": number,
        }, "required": list(shapes.PlacementTotalsSerializer().fields)}
        out["required"] = [*out.get("required", []), "totals"]
        return out


@extend_schema(parameters=[PERIOD],
               summary="Children in care placement snapshots for a quarter, with the report's totals")
class PlacementList(ReadView):
    serializer_class = shapes.PlacementSerializer
    pagination_class = PlacementPages

    def allowed(self, user):
        return access.can_view_placements(user)

    def rows(self, request):
        quarter = _placement_quarter(request)
        if quarter is None:  # no quarters yet
            self.totals = {"period": "", "locked": False, "children": 0, "annual_cost": Decimal(0),
                           "average_weekly_cost": None, "in_house": 0, "external": 0, "in_house_percent": None,
                           "foster_in_house": 0, "foster_external": 0, "foster_in_house_percent": None,
                           "target_in_house_percent": Decimal(settings.PLACEMENTS_TARGET_IN_HOUSE)}
            return [], list
        as_at = None
        if quarter.has_record:
            recorded = placement_report.quarters_as_at(quarter)
            if recorded and recorded[-1].pk == quarter.pk:
                as_at = quarter
        built = placement_report.build([quarter], None, as_at=as_at)
        found = [{"period": quarter.label, "heading": block.name, "category": row.category.name,
                  "provision": row.category.provision, "children": row.cells[0].children,
                  "average_weekly_cost": row.cells[0].weekly_cost, "annual_cost": row.cells[0].annual_cost}
                 for block in built.headings for row in block.rows]
        grand, split, foster = built.grand[0], built.splits[0], built.foster_splits[0]
        self.totals = {
            "period": quarter.label, "locked": quarter.is_locked, "children": grand.children,
            "annual_cost": grand.annual_cost, "average_weekly_cost": grand.average_weekly_cost,
            "in_house": split.in_house, "external": split.external, "in_house_percent": split.in_house_percent,
            "foster_in_house": foster.in_house, "foster_external": foster.external,
            "foster_in_house_percent": foster.in_house_percent,
            "target_in_house_percent": Decimal(settings.PLACEMENTS_TARGET_IN_HOUSE),
        }
        return found, list

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        response.data["totals"] = shapes.PlacementTotalsSerializer(self.totals).data
        return response


# --- programmes and their savings -----------------------------------------------------------------------

def _up_to(quarter: ReportingPeriod) -> Q:
    """Rows whose quarter is ``quarter`` or earlier."""
    return Q(period__year__lt=quarter.year) | Q(period__year=quarter.year, period__quarter__lte=quarter.quarter)


def _programme_quarter(request) -> ReportingPeriod | None:
    def default():
        return (ReportingPeriod.objects.filter(pk__in=Saving.objects.values("period")).order_by(
            "-year", "-quarter").first() or ReportingPeriod.objects.latest_quarter())
    return params.quarter(request, default)


def _objective_row(objective: Objective, assessment: Assessment | None) -> dict:
    """An objective with its assessment shown: a locked quarter's in the words it was reported in, and one
    never signed off before the lock reads "not reported" (as programmes.services.lock_step records it)."""
    if assessment is None:
        return {"number": objective.number, "objective": objective.objective, "assessed_in": None, "state": None,
                "not_reported": False, "rag": None, "colour": None, "assessment": None}
    unreported = assessment.period.is_locked and assessment.state != Assessment.State.SIGNED_OFF
    rag = None if unreported or not assessment.rag else programme_rules.Progress(assessment.rag)
    closure = None if unreported or not assessment.assessment else programme_rules.Assessment(assessment.assessment)
    return {"number": assessment.shown_number, "objective": assessment.shown_objective,
            "assessed_in": assessment.period.label, "state": assessment.state, "not_reported": unreported,
            "rag": _text(rag) if rag else None, "colour": _text(rag.colour) if rag else None,
            "assessment": _text(closure) if closure else None}


@extend_schema(parameters=[
    _param("period", "A quarter: 2019/20 Q1 or 2019-20-Q1 (default: the newest quarter with savings reported)."),
    DIRECTORATE, _param("status", "mandated, running or closed.", list(Programme.Status.values)),
], summary="Transformation programmes: their savings as reported in the period (each programme's newest quarter "
           "with savings in or before it) and their objectives with the latest assessment in or before it")
class ProgrammeList(ReadView):
    serializer_class = shapes.ProgrammeSerializer

    def allowed(self, user):
        return access.can_view_programmes(user)

    def rows(self, request):
        quarter = _programme_quarter(request)
        directorate = params.directorate(request)
        status = params.choice(request, "status", list(Programme.Status.values))
        found = Programme.objects.select_related("directorate", "service_area")
        if directorate is not None:
            found = found.filter(directorate=directorate)
        if status:
            found = found.filter(status=status)
        found = found.order_by("name", "pk")

        def shape(page):
            page = list(page)
            ids = [p.pk for p in page]
            savings: dict[int, list[Saving]] = {}
            objectives: dict[int, list[Objective]] = {}
            if ids and quarter is not None:
                for saving in Saving.objects.filter(_up_to(quarter), programme_id__in=ids).select_related(
                        "year", "period").order_by("programme_id", "period__year", "period__quarter", "year__year"):
                    savings.setdefault(saving.programme_id, []).append(saving)
            if ids:
                assessed = Assessment.objects.select_related("period").order_by("period__year", "period__quarter")
                assessed = assessed.filter(_up_to(quarter)) if quarter is not None else assessed.none()
                for objective in Objective.objects.filter(programme_id__in=ids).order_by(
                        "programme_id", "number", "pk").prefetch_related(Prefetch("assessments", queryset=assessed)):
                    objectives.setdefault(objective.programme_id, []).append(objective)
            out = []
            for p in page:
                lines = savings.get(p.pk, [])
                newest = lines[-1].period if lines else None
                lines = [s for s in lines if s.period_id == newest.pk] if newest else []
                tolerance = programme_rules.savings_tolerance(p.savings_tolerance)
                totals = programme_rules.savings_total(s.line() for s in lines) if lines else None
                at_risk = sum((s.planned for s in lines if s.status(tolerance).at_risk), Decimal(0))
                out.append({
                    "id": p.pk, "name": p.name, "directorate_id": p.directorate_id, "directorate": p.directorate.name,
                    "service_area_id": p.service_area_id, "service_area": _named(p.service_area),
                    "sponsor": p.sponsor, "senior_responsible_owner": p.senior_responsible_owner,
                    "manager": p.manager, "mandate_date": p.mandate_date, "planned_closure": p.planned_closure,
                    "approved_closure": p.approved_closure, "actual_closure": p.actual_closure, "status": p.status,
                    "period": quarter.label if quarter is not None else None,
                    "savings_period": newest.label if newest else None, "savings_tolerance": tolerance,
                    "savings_planned": totals.planned if totals else None,
                    "savings_forecast": totals.forecast if totals else None,
                    "savings_delivered": totals.delivered if totals else None,
                    "savings_at_risk": at_risk if totals else None,
                    # A locked quarter's record lists the objectives it had (the lock writes a row for each
                    # running then): one added since is not in it, as on the highlight report.
                    "objectives": [_objective_row(o, (list(o.assessments.all()) or [None])[-1])
                                   for o in objectives.get(p.pk, [])
                                   if not (quarter is not None and quarter.has_record)
                                   or any(a.period_id == quarter.pk for a in o.assessments.all())],
                })
            return out
        return found, shape


@extend_schema(parameters=[
    _param("period", "The quarter the savings were reported in: 2019/20 Q1 or 2019-20-Q1 (default: every quarter)."),
    _param("programme", "A programme's id or name."),
    _param("year", "The financial year the savings fall in: 2019/20 or 2019-20."),
    DIRECTORATE,
], summary="Programme savings: one row per line (programme, financial year, quarter reported) with the RAG reported")
class SavingList(ReadView):
    serializer_class = shapes.SavingSerializer

    def allowed(self, user):
        return access.can_view_programmes(user)

    def rows(self, request):
        quarter = params.quarter(request, lambda: None)
        programme = params.programme(request)
        year = params.financial_year(request)
        directorate = params.directorate(request)
        found = Saving.objects.select_related("programme", "programme__directorate", "year", "period")
        if quarter is not None:
            found = found.filter(period=quarter)
        if programme is not None:
            found = found.filter(programme=programme)
        if year is not None:
            found = found.filter(year=year)
        if directorate is not None:
            found = found.filter(programme__directorate=directorate)
        found = found.order_by("programme__name", "programme_id", "period__year", "period__quarter", "year__year",
                               "pk")

        def shape(page):
            out = []
            for s in page:
                status = s.status(s.programme.savings_tolerance)
                out.append({
                    "id": s.pk, "programme_id": s.programme_id, "programme": s.programme.name,
                    "directorate_id": s.programme.directorate_id, "directorate": s.programme.directorate.name,
                    "year": s.year.label, "period": s.period.label, "locked": s.period.is_locked,
                    "planned": s.planned, "forecast": s.forecast, "delivered": s.delivered,
                    "rag": _text(status), "colour": _text(status.colour), "owner": s.owner, "forum": s.forum,
                })
            return out
        return found, shape


# --- the schema and its page ----------------------------------------------------------------------------

class SchemaMixin:
    """The schema and its documentation page: GET only, for signed-in callers (session or token)."""

    http_method_names = ["get", "head"]
    content_negotiation_class = JsonWhateverAccepted

    def initial(self, request, *args, **kwargs):
        if request.method not in SAFE_METHODS:
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)
