"""The record holds, as a stateful property (hypothesis RuleBasedStateMachine); and the stored judgements
never disagree with the rules.

Any sequence of saves, submissions, sign-offs, locks, reopens, imports of every kind, target and
definition edits, scheme switches and admin edits leaves each locked quarter's figures, statuses,
ratings, levels and snapshots exactly as they were when it was locked; and every change that was
allowed left a change-history or audit-trail record.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from kpis import queries as kpi_queries
from kpis import services as kpi_services
from kpis.models import Actual, Indicator, Target
from organisation import interchange, roles
from organisation import services as organisation_services
from organisation.models import AuditEvent, Directorate, ReportingPeriod, ServiceArea
from organisation.records import RecordError
from placements import services as placement_services
from placements.models import PlacementCategory, PlacementHeading, PlacementSnapshot
from programmes import report as programme_report
from programmes import services as programme_services
from programmes.models import Assessment, Objective, Programme, Saving
from risks import queries as risk_queries
from risks import services as risk_services
from risks.models import Risk, RiskReview, ScoringScheme
from tests.conftest import client_for, make_user

QUARTERS = ("2018/19 Q4", "2019/20 Q1")
CODES = ("PCT1", "NUM2", "ANN3")
VALUES = st.sampled_from([None, Decimal("0"), Decimal("12.5"), Decimal("49.9"), Decimal("50"), Decimal("75.8"),
                          Decimal("90"), Decimal("100")])
HISTORIES = ("kpis.Actual", "kpis.Target", "kpis.Indicator", "risks.Risk", "risks.RiskReview",
             "placements.PlacementSnapshot", "placements.PlacementCategory", "placements.PlacementHeading",
             "programmes.Assessment", "programmes.Saving", "programmes.Objective")
RAGS = st.sampled_from(["", "On track", "At risk", "Off track"])
MONEY = st.sampled_from([Decimal("0"), Decimal("453228"), Decimal("1642067"), Decimal("2194632.50")])


def _csv(text: str) -> bytes:
    return text.encode()


class RecordMachine(RuleBasedStateMachine):
    """One small council per example, in a transaction rolled back when the example ends."""

    @initialize()
    def council(self):
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        directorate = Directorate.objects.create(name="People")
        self.area = ServiceArea.objects.create(directorate=directorate, name="Children & Families Services")
        self.officer = make_user("machine.officer", roles.PERFORMANCE_OFFICER, is_staff=True)
        self.client = client_for(self.officer)
        self.quarters = {label: ReportingPeriod.for_label(label) for label in QUARTERS}
        self.years = {label: ReportingPeriod.for_label(label) for label in ("2018/19", "2019/20")}
        specs = (("PCT1", "percent", "higher", "quarterly", "snapshot"),
                 ("NUM2", "number", "lower", "quarterly", "cumulative"),
                 ("ANN3", "percent", "higher", "annual", "snapshot"))
        self.indicators = {}
        for code, unit, polarity, frequency, accumulation in specs:
            self.indicators[code] = kpi_services.indicator_save(user=self.officer, indicator=Indicator(
                code=code, title=f"Indicator {code}", service_area=self.area, unit=unit, polarity=polarity,
                frequency=frequency, accumulation=accumulation))
            for year in self.years.values():
                kpi_services.target_set(user=self.officer, indicator=self.indicators[code], period=year,
                                        value=Decimal("50"))
        self.risk = risk_services.risk_save(user=self.officer, risk=Risk(
            reference="CRR9", title="Safeguarding", directorate=directorate, service_area=self.area,
            register="corporate"))
        heading = PlacementHeading.objects.create(name="Foster Care", is_foster_care=True)
        self.category = PlacementCategory.objects.create(heading=heading, name="In-house", provision="in_house")
        self.programme = programme_services.setup_save(user=self.officer, via="test", instance=Programme(
            name="Strengthening Families", directorate=directorate, service_area=self.area))
        self.objectives = [programme_services.setup_save(user=self.officer, via="test", instance=Objective(
            programme=self.programme, number=n, objective=f"Objective {n}", measure="monthly")) for n in (1, 2)]
        self.frozen: dict[str, tuple] = {}  # quarter label -> what it showed when it was locked
        self.before = self._fingerprint()
        self.records_before = self._records()

    def teardown(self):
        if hasattr(self, "_atomic"):
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

    # --- what a quarter shows, and what is recorded ---------------------------------------------
    def _shown(self, label: str) -> tuple:
        quarter = ReportingPeriod.objects.get(pk=self.quarters[label].pk)
        figures = tuple(
            (r.indicator.code, r.value, r.target, r.status.value, r.direction.value, r.not_submitted, r.commentary)
            for r in kpi_queries.judge_quarter(list(Indicator.objects.order_by("code")), quarter))
        risks = tuple((r.risk.reference, r.rating, r.level_name, r.tolerance_rating, r.outside)
                      for r in risk_queries.rows_for(list(Risk.objects.all()), quarter))
        snapshots = tuple(PlacementSnapshot.objects.filter(period=quarter).values_list("children",
                                                                                          "average_weekly_cost"))
        # The records themselves, not only what the pages show.
        stored_figures = tuple(Actual.objects.filter(period=quarter).order_by("pk").values_list(
            "value", "numerator", "denominator", "commentary", "state", "signed_status", "signed_target"))
        stored_annual = tuple(Actual.objects.filter(reported_in=quarter, state="signed_off").order_by("pk")
                              .values_list("value", "signed_status"))
        stored_reviews = tuple(RiskReview.objects.filter(period=quarter).order_by("pk").values_list(
            "likelihood", "impact", "tolerance_likelihood", "tolerance_impact", "scheme_id", "controls"))
        programme = Programme.objects.get(pk=self.programme.pk)
        shown = programme_report.build(programme, quarter, self.officer)
        objectives = tuple((o.number, o.objective, o.measure, o.rag, o.status, o.commentary, o.reported)
                           for o in shown.objectives)
        savings = tuple((s.year, s.planned, s.forecast, s.delivered, s.status) for s in shown.savings)
        stored_programme = (
            tuple(Assessment.objects.filter(period=quarter).order_by("pk").values_list(
                "rag", "assessment", "commentary", "state", "reported_objective")),
            tuple(Saving.objects.filter(period=quarter).order_by("pk").values_list(
                "planned", "forecast", "delivered", "rag")))
        return (figures, risks, snapshots, stored_figures, stored_annual, stored_reviews, objectives, savings,
                stored_programme)

    @staticmethod
    def _fingerprint() -> tuple:
        return (
            tuple(Actual.objects.order_by("pk").values_list("pk", "value", "numerator", "denominator", "commentary",
                                                            "state", "signed_status")),
            tuple(Target.objects.order_by("pk").values_list("pk", "value")),
            tuple(Indicator.objects.order_by("pk").values_list("pk", "polarity", "tolerance", "unit", "active")),
            tuple(RiskReview.objects.order_by("pk").values_list("pk", "likelihood", "impact", "scheme_id")),
            tuple(Risk.objects.order_by("pk").values_list("pk", "register", "status")),
            tuple(PlacementSnapshot.objects.order_by("pk").values_list("pk", "children", "average_weekly_cost")),
            tuple(ScoringScheme.objects.order_by("pk").values_list("pk", "active")),
            tuple(ReportingPeriod.objects.order_by("pk").values_list("pk", "state")),
            tuple(Assessment.objects.order_by("pk").values_list("pk", "rag", "commentary", "state")),
            tuple(Saving.objects.order_by("pk").values_list("pk", "planned", "forecast", "delivered")),
            tuple(Objective.objects.order_by("pk").values_list("pk", "objective")),
        )

    @staticmethod
    def _records() -> int:
        return AuditEvent.objects.count() + sum(apps.get_model(label).history.count() for label in HISTORIES)

    def _attempt(self, write) -> None:
        """Run a write; a refusal by the record's rules is an allowed outcome (and must change nothing)."""
        try:
            with transaction.atomic():
                write()
        except RecordError:
            pass

    # --- the rules --------------------------------------------------------------------------
    @rule(quarter=st.sampled_from(QUARTERS), code=st.sampled_from(CODES), value=VALUES, submit=st.booleans())
    def save_figure(self, quarter, code, value, submit):
        indicator = self.indicators[code]
        period = self.years[quarter.split()[0]] if indicator.is_annual else self.quarters[quarter]
        self._attempt(lambda: kpi_services.figures_save(
            user=self.officer, quarter=ReportingPeriod.objects.get(pk=self.quarters[quarter].pk), submit=submit,
            figures=[kpi_services.FigureInput(indicator=indicator, period=period, version=None, value=value,
                                              numerator=None, denominator=None,
                                              commentary="explained" if value is not None else "")]))

    @rule(quarter=st.sampled_from(QUARTERS))
    def sign_off(self, quarter):
        self._attempt(lambda: kpi_services.figures_sign_off(
            user=self.officer, period=ReportingPeriod.objects.get(pk=self.quarters[quarter].pk)))

    @rule(quarter=st.sampled_from(QUARTERS), sign_off=st.booleans())
    def lock(self, quarter, sign_off):
        self._attempt(lambda: organisation_services.period_lock(
            user=self.officer, period=self.quarters[quarter], sign_off_submitted=sign_off))
        if ReportingPeriod.objects.get(pk=self.quarters[quarter].pk).is_locked and quarter not in self.frozen:
            self.frozen[quarter] = self._shown(quarter)

    @rule(quarter=st.sampled_from(QUARTERS))
    def reopen(self, quarter):
        self._attempt(lambda: organisation_services.period_reopen(
            user=self.officer, period=self.quarters[quarter], reason="A correction"))
        if not ReportingPeriod.objects.get(pk=self.quarters[quarter].pk).is_locked:
            self.frozen.pop(quarter, None)

    @rule(quarter=st.sampled_from(QUARTERS), code=st.sampled_from(CODES[:2]), value=VALUES)
    def import_actual(self, quarter, code, value):
        interchange.import_file("actuals", "a.csv", _csv(
            f"code,period,value,commentary\n{code},{quarter},{'' if value is None else value},imported\n"),
            dry_run=False, user=self.officer)

    @rule(year=st.sampled_from(("2018/19", "2019/20")), code=st.sampled_from(CODES), value=VALUES)
    def import_target(self, year, code, value):
        interchange.import_file("targets", "t.csv", _csv(
            f"code,period,target\n{code},{year},{'' if value is None else value}\n"), dry_run=False,
            user=self.officer)

    @rule(quarter=st.sampled_from(QUARTERS), likelihood=st.sampled_from([1, 2, 3, 4, 5]),
          impact=st.sampled_from([1, 3, 4, 5, 7]))
    def import_review(self, quarter, likelihood, impact):
        interchange.import_file("risks", "r.csv", _csv(
            "reference,register,directorate,period,likelihood,impact,tolerance_likelihood,tolerance_impact\n"
            f"CRR9,corporate,People,{quarter},{likelihood},{impact},1,1\n"), dry_run=False, user=self.officer)

    @rule(quarter=st.sampled_from(QUARTERS), children=st.integers(0, 300))
    def import_snapshot(self, quarter, children):
        interchange.import_file("placements", "p.csv", _csv(
            "period,heading,category,children,average_weekly_cost\n"
            f"{quarter},Foster Care,In-house,{children},327\n"), dry_run=False, user=self.officer)

    @rule(quarter=st.sampled_from(QUARTERS), likelihood=st.sampled_from([1, 2, 3, 4]))
    def review_risk(self, quarter, likelihood):
        self._attempt(lambda: risk_services.review_save(
            user=self.officer, risk=self.risk, period=self.quarters[quarter], version=None,
            data=risk_services.ReviewInput(likelihood, 5, 1, 5)))

    @rule(quarter=st.sampled_from(QUARTERS), children=st.integers(0, 300))
    def enter_snapshot(self, quarter, children):
        self._attempt(lambda: placement_services.snapshot_save(
            user=self.officer, period=self.quarters[quarter],
            rows=[placement_services.SnapshotInput(self.category, None, children, Decimal("327"))]))

    @rule(year=st.sampled_from(("2018/19", "2019/20")), code=st.sampled_from(CODES), value=VALUES)
    def set_target(self, year, code, value):
        self._attempt(lambda: kpi_services.target_set(user=self.officer, indicator=self.indicators[code],
                                                      period=self.years[year], value=value))

    @rule(code=st.sampled_from(CODES), tolerance=st.sampled_from([None, Decimal("0"), Decimal("5"),
                                                                  Decimal("40")]))
    def edit_definition(self, code, tolerance):
        indicator = Indicator.objects.get(code=code)
        indicator.polarity = "lower" if indicator.polarity == "higher" else "higher"
        indicator.tolerance = tolerance
        self._attempt(lambda: kpi_services.indicator_save(user=self.officer, indicator=indicator))

    @rule(code=st.sampled_from(CODES), unit=st.sampled_from(["percent", "number", "score"]))
    def edit_in_the_admin(self, code, unit):
        indicator = Indicator.objects.get(code=code)
        self.client.post(f"/admin/kpis/indicator/{indicator.pk}/change/", {
            "code": code, "title": indicator.title, "description": "", "service_area": self.area.pk,
            "polarity": indicator.polarity, "unit": unit, "precision": 1, "frequency": indicator.frequency,
            "accumulation": indicator.accumulation, "commitment": "", "tolerance": "", "owner": "",
            "active": "on"})

    @rule(name=st.sampled_from(["Council 4x4", "Standard 5x5"]))
    def switch_scheme(self, name):
        self._attempt(lambda: risk_services.scheme_activate(user=self.officer,
                                                            scheme=ScoringScheme.objects.get(name=name)))

    @rule(quarter=st.sampled_from(QUARTERS), number=st.sampled_from([1, 2]), rag=RAGS, submit=st.booleans())
    def assess_objective(self, quarter, number, rag, submit):
        objective = self.objectives[number - 1]
        self._attempt(lambda: programme_services.assessments_save(
            user=self.officer, programme=self.programme, period=self.quarters[quarter], submit=submit,
            rows=[programme_services.AssessmentInput(objective, None, rag, "", f"commentary {rag}")]))

    @rule(quarter=st.sampled_from(QUARTERS))
    def sign_off_assessments(self, quarter):
        self._attempt(lambda: programme_services.assessments_sign_off(
            user=self.officer, programme=self.programme, period=self.quarters[quarter]))

    @rule(quarter=st.sampled_from(QUARTERS), planned=MONEY, forecast=MONEY)
    def enter_savings(self, quarter, planned, forecast):
        self._attempt(lambda: programme_services.savings_save(
            user=self.officer, programme=self.programme, period=self.quarters[quarter],
            rows=[programme_services.SavingInput(year=self.years["2019/20"], version=None, planned=planned,
                                                 forecast=forecast)]))

    @rule(number=st.sampled_from([1, 2]), words=st.sampled_from(["Reworded", "Children in care reduce"]))
    def reword_objective(self, number, words):
        objective = Objective.objects.get(pk=self.objectives[number - 1].pk)
        objective.objective = words
        self._attempt(lambda: programme_services.setup_save(user=self.officer, instance=objective, via="test"))

    # --- what must hold after every step ----------------------------------------------------------
    @invariant()
    def locked_quarters_read_as_they_were_locked(self):
        if not hasattr(self, "frozen"):
            return
        for label, shown in self.frozen.items():
            assert self._shown(label) == shown, f"{label} changed while locked"

    @invariant()
    def stored_judgements_are_what_the_rules_give(self):
        """Open quarters' stored judgements equal the rules' verdict on the stored facts; locked quarters'
        equal what was signed off (organisation.judgements: `manage.py rejudge --check`)."""
        from organisation import judgements

        differences = judgements.check()
        assert not differences, "\n".join(str(d) for d in differences[:10])

    @invariant()
    def every_change_left_a_record(self):
        if not hasattr(self, "before"):
            return
        now, records = self._fingerprint(), self._records()
        if now != self.before:
            assert records > self.records_before, "a change left no history or audit record"
        self.before, self.records_before = now, records


@pytest.mark.django_db
def test_the_record_holds_whatever_is_done_in_whatever_order(settings_module=None):
    run_state_machine_as_test(RecordMachine, settings=settings(
        max_examples=40, stateful_step_count=30, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
