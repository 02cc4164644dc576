"""The quarter as reported, word for word, as a stateful property (hypothesis RuleBasedStateMachine).

Whatever is retitled, redefined, moved, renamed, made exempt or not, retired, re-benchmarked or deactivated,
in whatever order, every locked quarter's pages and downloads - the dashboard (whole and narrowed to a
directorate), the report download, the register (officer and audit committee), its public and exempt
downloads, the heat map, the five-quarter summary, the placements report and its download, and the committee
pack's contents - read exactly as they did when the quarter was locked; open quarters follow the live records.
"""

from __future__ import annotations

import io
import os
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import transaction
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from lxml import html as lxml_html

from kpis import queries as kpi_queries
from kpis import services as kpi_services
from kpis.models import Indicator, KeyCommitment
from organisation import interchange, roles
from organisation import services as organisation_services
from organisation.models import Directorate, ReportingPeriod, ServiceArea
from organisation.records import RecordError
from packs import content
from packs import services as pack_services
from packs.models import Committee
from placements import services as placement_services
from placements.models import PlacementCategory, PlacementHeading, PlacementSnapshot
from risks import services as risk_services
from risks.models import Risk, ScoringScheme
from tests.conftest import client_for, make_user

QUARTERS = ("2018/19 Q4", "2019/20 Q1")
CODES = ("PCT1", "NUM2", "ANN3")
NAMES = st.sampled_from(["Alpha", "Beta", "Gamma"])


def _main_text(response) -> str:
    """What a page says in its main column: forms (filters, the quarter picker), messages and links to act
    in the current quarter (app-action) set aside."""
    assert response.status_code == 200, (response.status_code, response.content[:500])
    document = lxml_html.fromstring(response.content.decode())
    main = document.xpath("//main")[0]
    for element in main.xpath(".//form | .//select | .//*[contains(@class, 'govuk-notification-banner')]"
                              " | .//*[contains(@class, 'app-action')]"):
        element.getparent().remove(element)
    return re.sub(r"\s+", " ", main.text_content()).strip()


def _download(response) -> str:
    assert response.status_code == 200, (response.status_code, response.content[:500])
    return "\n".join(line for line in response.content.decode("utf-8-sig").splitlines() if "Downloaded" not in line)


def _xlsx(response) -> tuple:
    from openpyxl import load_workbook

    assert response.status_code == 200, response.status_code
    sheet = load_workbook(io.BytesIO(response.content)).active
    return tuple(tuple(cell for cell in row) for row in sheet.iter_rows(values_only=True)
                 if not any(isinstance(cell, str) and "Downloaded" in cell for cell in row))


def pack_contents(quarter: ReportingPeriod, committee: Committee) -> tuple:
    """The committee pack's contents (what its PDF and Word files lay out), as plain values."""
    made = content.build(quarter=quarter, committee=committee, meeting_date=date(2026, 1, 14), draft=True)
    performance = made.performance
    risks = made.risks
    report = made.placements.report
    return (
        repr(performance.on_or_above), repr(performance.improved), repr(performance.quarterly),
        repr(performance.annual), repr(performance.exceptions), risks.scheme_name, repr(risks.lines),
        repr([(m["label"], m["total"], m["grid"]) for m in risks.maps]),
        repr([(b.name, [(r.category.name, r.category.provision, r.cells) for r in b.rows]) for b in report.headings])
        if report else None,
        repr(made.exempt), repr(risks.assurance), repr(risks.outside_appetite),
    )


class AsReportedMachine(RuleBasedStateMachine):
    """One small council per example, in a transaction rolled back when the example ends."""

    @initialize()
    def council(self):
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.people = Directorate.objects.create(name="People")
        self.place = Directorate.objects.create(name="Place")
        self.area = ServiceArea.objects.create(directorate=self.people, name="Children & Families Services")
        self.other_area = ServiceArea.objects.create(directorate=self.place, name="Housing")
        self.officer = make_user("machine.officer", roles.PERFORMANCE_OFFICER, is_staff=True)
        self.manager = make_user("machine.manager", roles.SERVICE_MANAGER, [self.area], first_name="Mo",
                                 last_name="Manager")
        self.audit = make_user("machine.audit", roles.AUDIT_COMMITTEE)
        self.clients = {"officer": client_for(self.officer), "audit": client_for(self.audit)}
        self.quarters = {label: ReportingPeriod.for_label(label) for label in QUARTERS}
        self.years = {label: ReportingPeriod.for_label(label) for label in ("2018/19", "2019/20")}
        self.commitment = KeyCommitment.objects.create(code="EC1", title="Every child safe")
        specs = (("PCT1", "percent", "higher", "quarterly", "snapshot"),
                 ("NUM2", "number", "lower", "quarterly", "cumulative"),
                 ("ANN3", "percent", "higher", "annual", "snapshot"))
        for code, unit, polarity, frequency, accumulation in specs:
            indicator = kpi_services.indicator_save(user=self.officer, indicator=Indicator(
                code=code, title=f"Indicator {code}", service_area=self.area, unit=unit, polarity=polarity,
                frequency=frequency, accumulation=accumulation, commitment=self.commitment))
            for year in self.years.values():
                kpi_services.target_set(user=self.officer, indicator=indicator, period=year, value=Decimal("50"))
        self.risks = {
            "CRR9": risk_services.risk_save(user=self.officer, risk=Risk(
                reference="CRR9", title="Safeguarding", description="Children at risk of harm",
                causes="Demand", directorate=self.people, service_area=self.area, register="corporate",
                risk_owner="Director", portfolio="Children", category="Safeguarding")),
            # Safeguarding's appetite is averse: CRR9 (2 x 7 and up) is outside it.
            "SRR1": risk_services.risk_save(user=self.officer, risk=Risk(
                reference="SRR1", title="Service staffing", description="Vacancies", directorate=self.people,
                service_area=self.area, register="service")),
        }
        self.heading = PlacementHeading.objects.create(name="Foster Care", is_foster_care=True)
        self.category = PlacementCategory.objects.create(heading=self.heading, name="In-house", provision="in_house")
        self.committee = Committee.objects.get(name="People Scrutiny Commission")
        self.frozen: dict[str, tuple] = {}
        risk_services.risk_indicators_set(user=self.officer, risk=self.risks["CRR9"], codes=["PCT1"])

    def teardown(self):
        if hasattr(self, "_atomic"):
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)

    # --- what a quarter shows ---------------------------------------------------------------------
    def _shown(self, label: str) -> dict:
        for cache in caches.all():  # read afresh: a cached page must never be what makes a quarter look frozen
            cache.clear()
        quarter = ReportingPeriod.objects.get(pk=self.quarters[label].pk)
        slug = quarter.slug
        officer, audit = self.clients["officer"], self.clients["audit"]
        return {
            "dashboard": _main_text(officer.get(f"/performance/?period={slug}")),
            "dashboard People": _main_text(officer.get(f"/performance/?period={slug}&directorate={self.people.pk}")),
            "report csv": _download(officer.get(f"/performance/report/{slug}.csv")),
            "report xlsx": _xlsx(officer.get(f"/performance/report/{slug}.xlsx")),
            "kpi-report": interchange.export_dataset("kpi-report", period=label).csv,
            "register": _main_text(officer.get(f"/risks/?period={slug}")),
            "register (audit)": _main_text(audit.get(f"/risks/?period={slug}")),
            "register csv": _download(officer.get(f"/risks/export.csv?period={slug}")),
            "exempt csv": _download(officer.get(f"/risks/export.csv?period={slug}&part=exempt")),
            "heat map": _main_text(officer.get(f"/risks/heat-map/?period={slug}")),
            "summary": _main_text(officer.get(f"/risks/summary/?period={slug}")),
            "risks export": interchange.export_dataset("risks", period=label).csv,
            "placements": _main_text(officer.get(f"/placements/?to={slug}"))
            if PlacementSnapshot.objects.filter(period=quarter).exists() else None,
            "placements-report": interchange.export_dataset("placements-report", period=label).csv,
            "pack": pack_contents(quarter, self.committee),
            "controls": _main_text(officer.get(f"/risks/CRR9/controls/{slug}/")),
            "controls (audit)": _main_text(audit.get(f"/risks/CRR9/controls/{slug}/")),
            "controls export": interchange.export_dataset("controls", period=label).csv,
            "assurance map": _main_text(officer.get(f"/risks/assurance/?period={slug}")),
            "audit actions": _main_text(officer.get(f"/risks/audit-actions/?period={slug}")),
            "deep dives": _main_text(audit.get(f"/risks/deep-dives/?period={slug}")),
        }

    def _attempt(self, write) -> None:
        """Run a write; a refusal by the record's rules is an allowed outcome."""
        try:
            with transaction.atomic():
                write()
        except RecordError:
            pass

    def _indicator(self, code: str) -> Indicator:
        return Indicator.objects.select_related("service_area").get(code=code)

    # --- entering and reporting ---------------------------------------------------------------------
    @rule(quarter=st.sampled_from(QUARTERS), code=st.sampled_from(CODES),
          value=st.sampled_from([None, Decimal("12.5"), Decimal("50"), Decimal("75.8")]))
    def enter_and_submit(self, quarter, code, value):
        indicator = self._indicator(code)
        period = self.years[quarter.split()[0]] if indicator.is_annual else self.quarters[quarter]
        self._attempt(lambda: kpi_services.figures_save(
            user=self.manager, quarter=ReportingPeriod.objects.get(pk=self.quarters[quarter].pk), submit=True,
            figures=[kpi_services.FigureInput(indicator=indicator, period=period, version=None, value=value,
                                              numerator=None, denominator=None,
                                              commentary="explained" if value is not None else "")]))

    @rule(quarter=st.sampled_from(QUARTERS), reference=st.sampled_from(["CRR9", "SRR1"]),
          likelihood=st.sampled_from([1, 2, 3, 4]))
    def review_risk(self, quarter, reference, likelihood):
        risk = Risk.objects.get(reference=reference)
        self._attempt(lambda: risk_services.review_save(
            user=self.manager, risk=risk, period=self.quarters[quarter], version=None,
            data=risk_services.ReviewInput(likelihood, 5, 1, 5, controls=f"controls {likelihood}",
                                           actions="act")))

    @rule(quarter=st.sampled_from(QUARTERS), children=st.integers(0, 40))
    def enter_snapshot(self, quarter, children):
        self._attempt(lambda: placement_services.snapshot_save(
            user=self.officer, period=self.quarters[quarter],
            rows=[placement_services.SnapshotInput(self.category, None, children, Decimal("327"))]))

    @rule(quarter=st.sampled_from(QUARTERS))
    def lock(self, quarter):
        self._attempt(lambda: organisation_services.period_lock(
            user=self.officer, period=self.quarters[quarter], sign_off_submitted=True))
        if ReportingPeriod.objects.get(pk=self.quarters[quarter].pk).is_locked and quarter not in self.frozen:
            self.frozen[quarter] = self._shown(quarter)

    @rule(quarter=st.sampled_from(QUARTERS))
    def reopen_and_relock(self, quarter):
        """A reopen and a re-lock with nothing changed in between: the quarter reads as it did."""
        if quarter not in self.frozen:
            return
        organisation_services.period_reopen(user=self.officer, period=self.quarters[quarter], reason="A check")
        organisation_services.period_lock(user=self.officer, period=self.quarters[quarter])

    @rule(quarter=st.sampled_from(QUARTERS))
    def reopen(self, quarter):
        self._attempt(lambda: organisation_services.period_reopen(
            user=self.officer, period=self.quarters[quarter], reason="A correction"))
        if not ReportingPeriod.objects.get(pk=self.quarters[quarter].pk).is_locked:
            self.frozen.pop(quarter, None)

    # --- the edits around the numbers -----------------------------------------------------------------
    @rule(code=st.sampled_from(CODES), title=NAMES)
    def retitle_indicator(self, code, title):
        indicator = self._indicator(code)
        indicator.title = f"{title} {code}"
        self._attempt(lambda: kpi_services.indicator_save(user=self.officer, indicator=indicator))

    @rule(code=st.sampled_from(CODES), precision=st.integers(0, 3), unit=st.sampled_from(["percent", "number"]))
    def redefine_indicator(self, code, precision, unit):
        indicator = self._indicator(code)
        indicator.polarity = "lower" if indicator.polarity == "higher" else "higher"
        indicator.precision, indicator.unit = precision, unit
        indicator.accumulation = "cumulative" if indicator.accumulation == "snapshot" else "snapshot"
        self._attempt(lambda: kpi_services.indicator_save(user=self.officer, indicator=indicator))

    @rule(code=st.sampled_from(CODES))
    def move_indicator(self, code):
        indicator = self._indicator(code)
        indicator.service_area = self.other_area if indicator.service_area_id == self.area.pk else self.area
        self._attempt(lambda: kpi_services.indicator_save(user=self.officer, indicator=indicator))

    @rule(code=st.sampled_from(CODES), name=NAMES)
    def import_indicator_into_a_new_area(self, code, name):
        indicator = self._indicator(code)
        interchange.import_file("indicators", "i.csv", (
            "code,title,directorate,service_area,polarity,unit,frequency,accumulation\n"
            f"{code},{indicator.title},Place,{name} services,{indicator.polarity},{indicator.unit},"
            f"{indicator.frequency},{indicator.accumulation}\n").encode(), dry_run=False, user=self.officer)

    @rule(code=st.sampled_from(CODES), active=st.booleans())
    def retire_or_reinstate(self, code, active):
        self._attempt(lambda: kpi_services.indicator_retire(user=self.officer, indicator=self._indicator(code),
                                                            active=active))

    @rule(code=st.sampled_from(("NEW1", "NEW2")))
    def add_an_indicator(self, code):
        if not Indicator.objects.filter(code=code).exists():
            kpi_services.indicator_save(user=self.officer, indicator=Indicator(
                code=code, title=f"New {code}", service_area=self.area, unit="number", polarity="higher"))

    @rule(name=NAMES)
    def move_and_rename_an_area(self, name):
        area = ServiceArea.objects.get(pk=self.area.pk)
        before = {"name": area.name, "directorate": str(area.directorate)}
        area.name = f"{name} Families"
        area.directorate = self.place if area.directorate_id == self.people.pk else self.people
        self._attempt(lambda: organisation_services.organisation_save(user=self.officer, instance=area,
                                                                      before=before))

    @rule(name=NAMES)
    def rename_a_directorate(self, name):
        directorate = Directorate.objects.get(pk=self.people.pk)
        before = {"name": directorate.name}
        directorate.name = f"{name} People"
        self._attempt(lambda: organisation_services.organisation_save(user=self.officer, instance=directorate,
                                                                      before=before))

    @rule(title=NAMES)
    def rename_the_commitment(self, title):
        commitment = KeyCommitment.objects.get(pk=self.commitment.pk)
        commitment.code, commitment.title = f"EC{len(title)}", f"{title} commitment"
        self._attempt(lambda: kpi_services.commitment_save(user=self.officer, commitment=commitment))

    @rule(reference=st.sampled_from(["CRR9", "SRR1"]), title=NAMES, exempt=st.booleans())
    def reword_a_risk(self, reference, title, exempt):
        risk = Risk.objects.get(reference=reference)
        risk.title, risk.description, risk.causes = f"{title} risk", f"{title} description", f"{title} causes"
        risk.risk_owner, risk.portfolio, risk.strategy_themes = f"{title} owner", f"{title} portfolio", title
        risk.exempt = exempt
        self._attempt(lambda: risk_services.risk_save(user=self.officer, risk=risk))

    @rule(title=NAMES)
    def reword_a_risk_by_import(self, title):
        interchange.import_file("risks", "r.csv", (
            "reference,title,description,register,directorate,period,likelihood,impact,tolerance_likelihood,"
            "tolerance_impact,exempt\n"
            f"CRR9,{title} imported,{title} imported detail,corporate,People,2019/20 Q2,2,5,1,5,no\n").encode(),
            dry_run=False, user=self.officer)

    @rule(reference=st.sampled_from(["CRR9", "SRR1"]), up=st.booleans())
    def move_a_risk(self, reference, up):
        self._attempt(lambda: risk_services.risk_move(user=self.officer, risk=Risk.objects.get(reference=reference),
                                                      up=up))

    @rule(reference=st.sampled_from(["CRR9", "SRR1"]), status=st.sampled_from(["open", "closed"]))
    def close_or_reopen_a_risk(self, reference, status):
        self._attempt(lambda: risk_services.risk_set_status(user=self.officer,
                                                            risk=Risk.objects.get(reference=reference),
                                                            status=status))

    # --- the Orange Book: appetite, controls, acceptance, key risk indicators, agreed actions ---------------
    @rule(quarter=st.sampled_from(QUARTERS), name=st.sampled_from(["Hub screens contacts", "Audit of caseloads"]),
          line=st.integers(1, 3), assurance=st.sampled_from(["", "Substantial", "Limited", "No"]))
    def review_a_control(self, quarter, name, line, assurance):
        from risks import controls

        self._attempt(lambda: controls.control_save(
            user=self.manager, risk=Risk.objects.get(reference="CRR9"), period=self.quarters[quarter],
            data=controls.ControlInput(control=name, line=line, assurance=assurance,
                                       assurance_source="internal audit" if assurance else "")))

    @rule(quarter=st.sampled_from(QUARTERS))
    def remove_a_control(self, quarter):
        from risks import controls

        self._attempt(lambda: controls.control_remove(user=self.officer, risk=Risk.objects.get(reference="CRR9"),
                                                      period=self.quarters[quarter], control="Hub screens contacts"))

    @rule(level=st.sampled_from(["averse", "open", "eager"]))
    def change_the_appetite(self, level):
        from risks.models import RiskCategory

        category = RiskCategory.objects.get(name="Safeguarding")
        category.level = level
        self._attempt(lambda: risk_services.category_save(user=self.officer, category=category,
                                                          reason="machine"))

    @rule(accept=st.booleans())
    def accept_or_withdraw(self, accept):
        from datetime import timedelta

        from organisation import clock
        from risks import controls

        risk = Risk.objects.get(reference="CRR9")
        if accept:
            self._attempt(lambda: controls.risk_accept(user=self.officer, risk=risk, justification="machine",
                                                       expires=clock.today() + timedelta(days=90)))
        else:
            self._attempt(lambda: controls.acceptance_withdraw(user=self.officer, risk=risk, reason="machine"))

    @rule(codes=st.sampled_from([[], ["PCT1"], ["NUM2", "ANN3"]]))
    def relink_key_risk_indicators(self, codes):
        self._attempt(lambda: risk_services.risk_indicators_set(user=self.officer,
                                                                risk=Risk.objects.get(reference="CRR9"), codes=codes))

    @rule(status=st.sampled_from(["open", "implemented", "superseded"]), late=st.booleans())
    def track_an_audit_action(self, status, late):
        from risks import audit_actions
        from risks.models import AuditRecommendation

        rec = AuditRecommendation.objects.filter(source="Machine audit").first() or AuditRecommendation(
            source="Machine audit", recommendation="Check the caseloads", priority="high", owner="Director",
            due=date(2019, 3, 31))
        rec.status = status
        if late and rec.pk:
            rec.revised_due, rec.revision_reason = (rec.revised_due or date(2019, 3, 31)).replace(day=1), "later"
        self._attempt(lambda: audit_actions.recommendation_save(user=self.officer, rec=rec, risk_refs=["CRR9"],
                                                                reason="machine"))

    @rule(name=NAMES)
    def rename_the_scheme(self, name):
        scheme = ScoringScheme.objects.get(active=True)
        scheme.name = f"{name} scheme"
        self._attempt(lambda: risk_services.scheme_save(user=self.officer, scheme=scheme))

    @rule(name=NAMES)
    def rename_heading_and_category(self, name):
        heading = PlacementHeading.objects.get(pk=self.heading.pk)
        heading.name = f"{name} Care"
        self._attempt(lambda: placement_services.placement_setup_save(user=self.officer, instance=heading))
        category = PlacementCategory.objects.get(pk=self.category.pk)
        category.name = f"{name} in-house"
        self._attempt(lambda: placement_services.placement_setup_save(user=self.officer, instance=category))

    @rule()
    def add_a_category(self):
        heading = PlacementHeading.objects.get(pk=self.heading.pk)
        if not PlacementCategory.objects.filter(name="Agency").exists():
            placement_services.placement_setup_save(user=self.officer, instance=PlacementCategory(
                heading=heading, name="Agency", provision="external"))

    @rule(name=NAMES)
    def rename_the_committee(self, name):
        committee = Committee.objects.get(pk=self.committee.pk)
        committee.name = f"{name} Scrutiny"
        self._attempt(lambda: pack_services.committee_save(user=self.officer, committee=committee))

    @rule(code=st.sampled_from(CODES), value=st.sampled_from([None, Decimal("40"), Decimal("60")]))
    def change_benchmarks(self, code, value):
        self._attempt(lambda: kpi_services.comparator_set(
            user=self.officer, indicator=self._indicator(code), year=self.years["2018/19"],
            values={"england": value}))

    @rule(first=NAMES)
    def rename_and_deactivate_the_reviewer(self, first):
        manager = type(self.manager).objects.get(pk=self.manager.pk)
        manager.first_name = first
        manager.is_active = not manager.is_active
        manager.save()

    @rule()
    def try_to_delete_the_reviewer_then_deactivate(self):
        from organisation import services as organisation_services

        manager = type(self.manager).objects.get(pk=self.manager.pk)
        if organisation_services.user_records(manager):
            organisation_services.user_deactivate(user=self.officer, target=manager)  # what the admin offers

    # --- what must hold after every step -------------------------------------------------------------
    @invariant()
    def the_audit_trail_stays_whole(self):
        from organisation import audit_chain

        verdict = audit_chain.verify()
        assert verdict.ok, verdict.problems

    @invariant()
    def locked_quarters_read_as_they_were_locked(self):
        if not hasattr(self, "frozen"):
            return
        for label, shown in self.frozen.items():
            now = self._shown(label)
            for name, was in shown.items():
                assert now[name] == was, f"{label}: the {name} changed while locked:\nwas {was!r}\nnow {now[name]!r}"

    @invariant()
    def open_quarters_follow_the_live_records(self):
        if not hasattr(self, "quarters"):
            return
        for quarter in self.quarters.values():
            quarter = ReportingPeriod.objects.get(pk=quarter.pk)
            if quarter.is_locked:
                continue
            live = {i.pk: (i.code, i.title, i.service_area.name) for i in Indicator.objects.select_related(
                "service_area")}
            for row in kpi_queries.scope(None, quarter).rows:
                indicator = row.indicator
                assert (indicator.code, indicator.title, kpi_queries._area_name(indicator)) == live[indicator.pk]


@pytest.mark.django_db
def test_a_locked_quarter_reads_as_reported_whatever_is_changed_around_it():
    run_state_machine_as_test(AsReportedMachine, settings=settings(
        max_examples=12, stateful_step_count=25, deadline=None,
        # MACHINE_NO_SHRINK=1: report the first failure as found (shrinking a long run takes minutes).
        phases=[p for p in Phase if p != Phase.shrink or not os.environ.get("MACHINE_NO_SHRINK")],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
