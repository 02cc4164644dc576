"""Red-team regression tests for issue 11: each reproduces a defect found after the issue was implemented,
through the route an officer, manager or loader would use, and fails until it is fixed.

Quarters are locked here as the performance officer locks them (Periods, then Lock), so that each
quarter's record is stored as it is in production.
"""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection

from kpis.models import Actual, Indicator, KeyCommitment
from organisation import roles
from organisation.models import AuditEvent, Directorate, ReportingPeriod, ServiceArea
from placements.models import PlacementCategory, PlacementSnapshot
from risks.models import Risk, RiskAction, ScoringScheme
from tests.conftest import client_for, make_user
from tests.kpis.conftest import make_indicator, set_actual, set_target
from tests.record.support import export_rows, rows_containing, text
from tests.risks.conftest import make_risk, review

# --- helpers ---------------------------------------------------------------------------------

def lock_as_officer(officer, period: ReportingPeriod) -> ReportingPeriod:
    """Lock a quarter through the Periods page, signing off what was submitted."""
    response = officer.post(f"/periods/{period.pk}/lock/", {"confirm": "on", "sign_off_submitted": "on"})
    assert response.status_code == 302
    period.refresh_from_db()
    assert period.has_record
    return period


def reopen_as_officer(officer, period: ReportingPeriod, reason: str) -> None:
    response = officer.post(f"/periods/{period.pk}/reopen/", {"reason": reason})
    assert response.status_code == 302
    period.refresh_from_db()
    assert not period.is_locked


def set_year_target(officer, indicator: Indicator, year: str, value: str, **extra) -> None:
    officer.post(f"/performance/manage/{indicator.code}/targets/",
                 {"form": "target", "t-period": year, "t-value": value, **extra})
    assert indicator.targets.get(period__year=int(year[:4]), period__quarter=None).value == Decimal(value)


def indicator_form(indicator: Indicator, **changes) -> dict:
    data = {
        "code": indicator.code, "title": indicator.title, "description": indicator.description,
        "service_area": indicator.service_area_id, "polarity": indicator.polarity, "unit": indicator.unit,
        "precision": indicator.precision, "frequency": indicator.frequency, "accumulation": indicator.accumulation,
        "commitment": indicator.commitment_id or "", "tolerance": indicator.tolerance or "",
        "owner": indicator.owner_id or "", "active": "on" if indicator.active else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def risk_form(risk: Risk, **changes) -> dict:
    data = {
        "reference": risk.reference, "title": risk.title, "description": risk.description, "causes": risk.causes,
        "consequences": risk.consequences, "kind": risk.kind, "register": risk.register,
        "directorate": risk.directorate_id, "service_area": risk.service_area_id or "",
        "risk_owner": risk.risk_owner, "action_owner": risk.action_owner, "portfolio": risk.portfolio,
        "strategy_themes": risk.strategy_themes, "category": risk.category, "treatment": risk.treatment,
        "date_identified": risk.date_identified or "", "exempt_paragraph": risk.exempt_paragraph,
    }
    if risk.exempt:
        data["exempt"] = "on"
    data.update(changes)
    return data


def report_row(code: str, label: str) -> dict[str, str]:
    rows = [r for r in export_rows("kpi-report", period=label) if r["code"] == code]
    assert len(rows) == 1
    return rows[0]


@pytest.fixture
def second_quarter(open_quarter) -> ReportingPeriod:
    """2019/20 Q2, open: the quarter after the one the officer locks in these tests."""
    return ReportingPeriod.for_label("2019/20 Q2")


@pytest.fixture
def red_figure_reported_in_q1(officer, area_a, open_quarter, second_quarter):
    """DPE007 (percent, higher is better, 2019/20 target 90) submitted at 75.8 in 2019/20 Q1, signed off at the
    lock: Well below target, Red. 2019/20 Q2 is open, so the year's target may still change."""
    indicator = make_indicator(area_a, "DPE007")
    set_target(indicator, "2019/20", 90)
    set_actual(indicator, "2019/20 Q1", 75.8, state="submitted", commentary="Recruitment gaps")
    lock_as_officer(officer, open_quarter)
    assert report_row("DPE007", "2019/20 Q1")["status"] == "Well below target"
    return indicator


# --- 1. the record of a locked quarter ---------------------------------------------------------

def test_relocking_a_reopened_quarter_keeps_the_judgement_of_a_figure_nobody_changed(
        officer, red_figure_reported_in_q1, open_quarter):
    set_year_target(officer, red_figure_reported_in_q1, "2019/20", "70")  # for Q2, still open
    reopen_as_officer(officer, open_quarter, "Correcting another indicator's typo")
    lock_as_officer(officer, open_quarter)
    row = report_row("DPE007", "2019/20 Q1")
    assert (row["target"], row["status"], row["rag"]) == ("90", "Well below target", "Red")


def test_relocking_a_reopened_quarter_keeps_the_polarity_a_figure_nobody_changed_was_judged_with(
        officer, red_figure_reported_in_q1, open_quarter):
    officer.post("/performance/manage/DPE007/edit/", indicator_form(red_figure_reported_in_q1, polarity="lower"))
    assert Indicator.objects.get(code="DPE007").polarity == "lower"
    reopen_as_officer(officer, open_quarter, "Correcting another indicator's typo")
    lock_as_officer(officer, open_quarter)
    assert report_row("DPE007", "2019/20 Q1")["status"] == "Well below target"


def test_a_year_target_edit_does_not_rejudge_an_annual_figure_reported_in_a_locked_quarter(
        officer, area_a, open_quarter, second_quarter):
    indicator = make_indicator(area_a, "BCP222", frequency="annual")
    set_target(indicator, "2019/20", 70)
    set_actual(indicator, "2019/20", 64, state="submitted", commentary="National data")
    lock_as_officer(officer, open_quarter)
    assert Actual.objects.get(indicator=indicator).reported_in == open_quarter
    as_reported = report_row("BCP222", "2019/20 Q1")
    assert as_reported["status"] == "Below target"

    officer.post("/performance/manage/BCP222/targets/", {"form": "target", "t-period": "2019/20", "t-value": "50"})

    # The figure is locked with the quarter it was reported in: it reads the same wherever it is shown.
    later = report_row("BCP222", "2019/20 Q2")
    assert (later["value"], later["target"], later["status"]) == ("64", "70", "Below target")


def test_the_indicator_page_shows_a_locked_figure_against_the_target_it_was_judged_against(
        officer, executive, red_figure_reported_in_q1):
    set_year_target(officer, red_figure_reported_in_q1, "2019/20", "70")
    rows = rows_containing(text(executive.get("/performance/indicators/DPE007/")), "2019/20 Q1")
    chart_rows = [r for r in rows if r.startswith("2019/20 Q1 ")]
    assert chart_rows == ["2019/20 Q1 75.8% 90.0%"]




def test_a_draft_never_reported_in_a_locked_quarter_is_not_charted_as_its_value_on_the_indicator_page(
        officer, executive, area_a, open_quarter, second_quarter):
    indicator = make_indicator(area_a, "DPE007")
    set_target(indicator, "2019/20", 90)
    set_actual(indicator, "2019/20 Q1", 12.5, state="draft", commentary="A typo, never submitted")
    lock_as_officer(officer, open_quarter)
    assert report_row("DPE007", "2019/20 Q1")["value"] == ""  # never reported: "not submitted"
    page = text(executive.get("/performance/indicators/DPE007/"))
    chart_rows = [r for r in rows_containing(page, "2019/20 Q1") if r.startswith("2019/20 Q1 ")]
    assert chart_rows and not any("12.5" in r for r in chart_rows)


@pytest.fixture
def risk_carried_into_locked_q1(officer, directorate, area_a, open_quarter, locked_quarter):
    """CRR9, corporate, reviewed in 2018/19 Q4 (2 x 7 = 14 against a tolerance of 7: outside tolerance),
    not reviewed in 2019/20 Q1: carried forward onto that quarter's register when the officer locks it."""
    risk = make_risk("CRR9", directorate, area_a)
    review(risk, "2018/19 Q4")
    lock_as_officer(officer, open_quarter)
    rows = [r for r in export_rows("risks", period="2019/20 Q1") if r["reference"] == "CRR9"]
    assert [(r["rating"], r["outside_tolerance"]) for r in rows] == [("14", "yes")]
    return risk


def test_closing_a_risk_keeps_it_on_the_register_of_a_locked_quarter_it_was_carried_forward_onto(
        officer, executive, risk_carried_into_locked_q1):
    officer.post("/risks/CRR9/status/closed/")
    assert Risk.objects.get(reference="CRR9").status == Risk.Status.CLOSED
    assert [r["reference"] for r in export_rows("risks", period="2019/20 Q1")] == ["CRR9"]
    assert rows_containing(text(executive.get("/risks/?period=2019-20-Q1")), ">CRR9<")


def test_moving_a_risk_down_keeps_it_on_the_audit_committees_register_of_a_locked_quarter(
        officer, audit, risk_carried_into_locked_q1):
    officer.post("/risks/CRR9/move/down/")
    officer.post("/risks/CRR9/move/down/")
    assert Risk.objects.get(reference="CRR9").register == Risk.Register.SERVICE
    rows = rows_containing(text(audit.get("/risks/?period=2019-20-Q1")), ">CRR9<")
    assert len(rows) == 1 and "Corporate" in rows[0]


def test_changing_a_risks_kind_does_not_change_outside_tolerance_in_a_locked_quarter(
        officer, risk_carried_into_locked_q1):
    response = officer.post("/risks/CRR9/edit/", risk_form(risk_carried_into_locked_q1, kind="opportunity"))
    assert response.status_code == 302
    assert Risk.objects.get(reference="CRR9").kind == "opportunity"
    rows = [r for r in export_rows("risks", period="2019/20 Q1") if r["reference"] == "CRR9"]
    assert [r["outside_tolerance"] for r in rows] == ["yes"]




def test_changing_a_placement_categorys_provision_does_not_change_a_locked_quarters_in_house_share(
        staff_officer_user, executive, foster_care, locked_quarter):
    agency = PlacementCategory.objects.create(heading=foster_care.heading, name="Agency foster care", order=2,
                                              provision=PlacementCategory.ProvisionType.EXTERNAL)
    PlacementSnapshot.objects.create(period=locked_quarter, category=foster_care, children=8,
                                     average_weekly_cost=Decimal("400"))
    PlacementSnapshot.objects.create(period=locked_quarter, category=agency, children=2,
                                     average_weekly_cost=Decimal("900"))

    def foster_split() -> list[str]:
        return rows_containing(text(executive.get("/placements/")), "Foster care: in-house / external")

    assert foster_split() == ["Foster care: in-house / external 80.0 / 20.0"]
    response = client_for(staff_officer_user).post(
        f"/admin/placements/placementcategory/{foster_care.pk}/change/", {
            "heading": foster_care.heading_id, "name": foster_care.name, "order": "1", "provision": "external",
            "ssda903_codes": "", "active": "on"}, follow=True)
    # Refused: the category has figures in a locked quarter, reported under its provision then.
    assert "Nothing was saved" in text(response) and "add a new category" in text(response)
    assert PlacementCategory.objects.get(pk=foster_care.pk).provision != "external"
    assert foster_split() == ["Foster care: in-house / external 80.0 / 20.0"]



# --- 2. loaders --------------------------------------------------------------------------------

def test_generate_data_never_reopens_a_quarter_the_officer_locked(officer, db):
    quarter = ReportingPeriod.for_label("2019/20 Q4")
    lock_as_officer(officer, quarter)
    call_command("generate_data", "--scale", "1", stdout=io.StringIO())
    assert ReportingPeriod.objects.get(pk=quarter.pk).is_locked


def test_generate_data_never_locks_an_open_quarter_without_its_record_or_an_audit_entry(db, open_quarter):
    call_command("generate_data", "--scale", "1", stdout=io.StringIO())
    quarter = ReportingPeriod.objects.get(pk=open_quarter.pk)
    locked_entries = AuditEvent.objects.filter(action=AuditEvent.Action.LOCKED, period=quarter)
    assert not quarter.is_locked or (quarter.has_record and locked_entries.exists())


def test_load_demo_data_loads_nothing_into_a_database_that_has_its_own_organisation(db):
    council = Directorate.objects.create(name="Place")
    ServiceArea.objects.create(directorate=council, name="Highways")
    call_command("load_demo_data", "--no-users", stdout=io.StringIO())
    assert not ReportingPeriod.objects.exists()
    assert not Indicator.objects.exists()


# --- 3. privilege ----------------------------------------------------------------------------------

def test_a_performance_officer_cannot_take_over_another_officers_account_by_changing_its_email(
        officer_user, mailoutbox):
    officer_user.is_staff = True
    officer_user.save()
    colleague = make_user("colleague", roles.PERFORMANCE_OFFICER, email="colleague@council.example",
                          is_staff=True)
    client_for(officer_user).post(f"/admin/auth/user/{colleague.pk}/change/", {
        "username": "colleague", "first_name": "", "last_name": "", "email": "mine@attacker.example",
        "is_active": "on", "groups": [Group.objects.get(name=roles.PERFORMANCE_OFFICER).pk],
        "ServiceArea_managers-TOTAL_FORMS": "0", "ServiceArea_managers-INITIAL_FORMS": "0"})
    browser = client_for(officer_user)
    browser.logout()
    browser.post("/account/reset/", {"email": "mine@attacker.example"})
    links = [re.search(r"https?://[^/\s]+(/account/reset/\S+/)", m.body) for m in mailoutbox
             if "mine@attacker.example" in m.to]
    if links and links[0]:
        chosen = browser.get(links[0].group(1), follow=True).redirect_chain[-1][0]
        browser.post(chosen, {"new_password1": "Chosen-by-the-officer-42", "new_password2": "Chosen-by-the-officer-42"})
    colleague.refresh_from_db()
    assert not colleague.check_password("Chosen-by-the-officer-42")


# --- 4. exempt detail --------------------------------------------------------------------------

def test_a_service_manager_does_not_see_the_actions_of_an_exempt_risk_on_its_page(
        manager_a, directorate, area_a, open_quarter, locked_quarter):
    risk = make_risk("SRR9", directorate, area_a, register="service", exempt=True)
    review(risk, "2018/19 Q4", controls="Exempt controls", actions="Exempt further actions")
    RiskAction.objects.create(risk=risk, description="Renegotiate the exempt contract with the provider",
                              owner="Director")
    page = text(manager_a.get("/risks/SRR9/"))
    assert "Exempt controls" not in page  # as the review table already hides
    assert "Renegotiate the exempt contract" not in page


def test_work_typed_before_one_persons_session_ended_is_not_shown_to_the_next_person_who_signs_in(
        officer_user, manager_a_user, directorate, area_a, open_quarter, locked_quarter):
    risk = make_risk("SRR9", directorate, area_a, register="service", exempt=True)
    review(risk, "2018/19 Q4", controls="Exempt controls", actions="Exempt further actions")
    browser = client_for(officer_user)
    path = "/risks/SRR9/review/2019-20-Q1/"
    assert browser.get(path).status_code == 200
    browser.logout()  # the officer's session ends (time-out) with the review form open
    browser.post(path, {"version": "0", "likelihood": "2", "impact": "7", "tolerance_likelihood": "1",
                        "tolerance_impact": "7", "controls": "Officer's exempt note on the contract dispute",
                        "actions": "", "next_review_date": ""})
    browser.force_login(manager_a_user)  # the next person to use the shared PC
    page = text(browser.get(path))
    assert "contract dispute" not in page

# --- 5. the audit trail ------------------------------------------------------------------------

def latest_event(**filters) -> AuditEvent:
    event = AuditEvent.objects.filter(**filters).order_by("-pk").first()
    assert event is not None, f"no audit entry {filters}"
    return event


def test_a_target_change_on_the_targets_page_records_why(officer, red_figure_reported_in_q1):
    set_year_target(officer, red_figure_reported_in_q1, "2019/20", "70", **{"t-reason": "Cabinet lowered the target"})
    event = latest_event(action=AuditEvent.Action.TARGET_CHANGED, object_label="DPE007")
    assert event.reason == "Cabinet lowered the target"


def test_a_definition_change_on_the_indicator_page_records_why(officer, red_figure_reported_in_q1):
    officer.post("/performance/manage/DPE007/edit/",
                 indicator_form(red_figure_reported_in_q1, tolerance="5", reason="New national guidance"))
    assert Indicator.objects.get(code="DPE007").tolerance == Decimal("5")
    event = latest_event(action=AuditEvent.Action.DEFINITION_CHANGED, object_label="DPE007")
    assert event.reason == "New national guidance"


def test_moving_an_indicator_to_another_service_area_is_in_the_audit_trail(
        officer, red_figure_reported_in_q1, area_b):
    officer.post("/performance/manage/DPE007/edit/", indicator_form(red_figure_reported_in_q1, service_area=area_b.pk))
    assert Indicator.objects.get(code="DPE007").service_area == area_b
    assert AuditEvent.objects.filter(object_label="DPE007", detail__contains=area_b.name).exists()


def test_changing_a_risks_kind_and_title_on_its_edit_page_is_in_the_audit_trail(officer, risk_carried_into_locked_q1):
    officer.post("/risks/CRR9/edit/", risk_form(risk_carried_into_locked_q1, kind="opportunity",
                                                title="A new title after the lock"))
    assert Risk.objects.get(reference="CRR9").kind == "opportunity"
    assert AuditEvent.objects.filter(object_label="CRR9", detail__contains="opportunity").exists()


@pytest.fixture
def superuser_client(db):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "a-long-test-password-1")
    return client_for(admin)


def test_a_superuser_setting_another_users_password_is_in_the_audit_trail(superuser_client, executive_user):
    superuser_client.post(f"/admin/auth/user/{executive_user.pk}/password/",
                          {"password1": "Another-long-pass-4567", "password2": "Another-long-pass-4567"})
    executive_user.refresh_from_db()
    assert executive_user.check_password("Another-long-pass-4567")
    assert AuditEvent.objects.filter(object_label=executive_user.username).exists()


def test_a_superuser_editing_a_roles_permissions_is_in_the_audit_trail(superuser_client):
    role = Group.objects.get(name=roles.EXECUTIVE)
    extra = Permission.objects.get(codename="change_user")
    superuser_client.post(f"/admin/auth/group/{role.pk}/change/", {
        "name": role.name, "permissions": [*role.permissions.values_list("pk", flat=True), extra.pk]})
    assert role.permissions.filter(pk=extra.pk).exists()
    assert AuditEvent.objects.filter(object_label=roles.EXECUTIVE).exists()


def test_a_superuser_deleting_a_user_is_in_the_audit_trail(superuser_client):
    leaver = make_user("leaver", roles.SERVICE_MANAGER)
    superuser_client.post(f"/admin/auth/user/{leaver.pk}/delete/", {"post": "yes"})
    assert not get_user_model().objects.filter(username="leaver").exists()
    assert AuditEvent.objects.filter(object_label="leaver").exists()


def test_a_bulk_delete_in_the_admin_that_is_refused_deletes_nothing(staff_officer_user, area_a, open_quarter):
    unused = KeyCommitment.objects.create(code="AA1", title="Not used")
    used = KeyCommitment.objects.create(code="EC1", title="Used")
    make_indicator(area_a, "DPE007", commitment=used)
    response = client_for(staff_officer_user).post("/admin/kpis/keycommitment/", {
        "action": "delete_selected", "_selected_action": [unused.pk, used.pk], "post": "yes"}, follow=True)
    assert "Nothing was deleted" in text(response)
    assert KeyCommitment.objects.filter(pk=unused.pk).exists()


# --- 6. server errors ----------------------------------------------------------------------------

def test_a_scheme_whose_band_maximums_are_quoted_numbers_does_not_take_down_the_heat_map(
        officer, staff_officer_user, executive, open_quarter):
    definition = dict(ScoringScheme.objects.get(name="Council 4x4").definition)
    definition["levels"] = [dict(level, max=str(level["max"])) if level.get("max") is not None else level
                            for level in definition["levels"]]  # "max": "12" rather than 12
    client_for(staff_officer_user).post("/admin/risks/scoringscheme/add/", {
        "name": "Council 4x4 (typed)", "description": "", "definition": json.dumps(definition)})
    added = ScoringScheme.objects.filter(name="Council 4x4 (typed)").first()
    if added is None:
        return  # refused in the admin: nothing stored can fail later
    officer.post("/risks/schemes/", {"scheme": added.pk})
    assert ScoringScheme.current() == added
    assert executive.get("/risks/heat-map/?period=2019-20-Q1").status_code == 200
    assert executive.get("/risks/export.pdf?period=2019-20-Q1").status_code == 200


@pytest.mark.parametrize("path", ["/admin/kpis/indicator/{pk}/history/x/", "/admin/kpis/indicator/x/history/1/"])
def test_a_non_numeric_id_in_an_admin_history_address_is_not_a_server_error(staff_officer_user, area_a, path):
    indicator = make_indicator(area_a, "DPE007")
    response = client_for(staff_officer_user).get(path.format(pk=indicator.pk))
    assert response.status_code == 404


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's integers overflow (the default database)")
def test_an_out_of_range_id_in_an_admin_list_filter_is_not_a_server_error(staff_officer_user):
    response = client_for(staff_officer_user).get("/admin/kpis/actual/", {"period": "99999999999999999999"})
    assert response.status_code < 500


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL refuses NUL in text")
@pytest.mark.parametrize("path,query", [("/admin/organisation/auditevent/", {"who": "\x00"}),
                                        ("/admin/kpis/indicator/", {"frequency": "\x00"})])
def test_a_nul_character_in_an_admin_list_filter_is_not_a_server_error(staff_officer_user, path, query):
    response = client_for(staff_officer_user).get(path, query)
    assert response.status_code < 500


@pytest.mark.parametrize("url,data", [
    ("/risks/schemes/", {"scheme": "\u00b2"}),
    ("/performance/submissions/2019-20-Q1/sign-off/", {"service_area": "\u00b2"}),
])
def test_a_superscript_digit_posted_as_an_id_is_not_a_server_error(officer, open_quarter, url, data):
    response = officer.post(url, data)
    assert response.status_code < 500




def test_two_simultaneous_first_saves_of_an_indicators_benchmarks_give_no_server_error(
        officer, area_a, open_quarter, monkeypatch):
    """The other officer's save lands between this save's read (no benchmarks yet) and its insert."""
    from kpis.models import Comparator

    make_indicator(area_a, "DPE007")
    year = ReportingPeriod.for_label("2018/19")
    save = Comparator.save

    def save_just_after_someone_else(self, *args, **kwargs):
        if self.pk is None and not Comparator.objects.filter(indicator=self.indicator, period=self.period).exists():
            Comparator.objects.bulk_create([Comparator(indicator=self.indicator, period=year, england=Decimal("81"))])
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Comparator, "save", save_just_after_someone_else)
    response = officer.post("/performance/manage/DPE007/targets/", {
        "form": "comparator", "c-year": "2018/19", "c-england": "80", "c-statistical_neighbours": "",
        "c-regional": "", "c-quartile": ""})
    assert response.status_code < 500


def test_relocking_keeps_a_risk_reported_at_the_earlier_lock_whose_review_nobody_changed(
        officer, audit, risk_carried_into_locked_q1, open_quarter):
    officer.post("/risks/CRR9/edit/", risk_form(risk_carried_into_locked_q1, kind="opportunity", treatment="treat"))
    officer.post("/risks/CRR9/move/down/")
    reopen_as_officer(officer, open_quarter, "Correcting another risk")
    lock_as_officer(officer, open_quarter)
    rows = [r for r in export_rows("risks", period="2019/20 Q1") if r["reference"] == "CRR9"]
    assert [(r["kind"], r["register"], r["outside_tolerance"]) for r in rows] == [("threat", "corporate", "yes")]
    assert rows_containing(text(audit.get("/risks/?period=2019-20-Q1")), ">CRR9<")


def test_a_preview_confirmed_twice_is_imported_once_and_the_second_is_told(officer, area_a, open_quarter):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from organisation.models import AuditEvent, PendingImport
    from tests.kpis.conftest import make_indicator

    make_indicator(area_a, "DPE007")
    upload = SimpleUploadedFile("actuals.csv", b"code,period,value,commentary\nDPE007,2019/20 Q1,75.8,imported\n")
    assert officer.post("/imports/actuals/", {"file": upload}).status_code == 200
    url = f"/imports/actuals/{PendingImport.objects.get().pk}/confirm/"
    assert officer.post(url).status_code == 302
    again = officer.post(url, follow=True)
    assert "This import has already been confirmed" in again.content.decode()
    assert AuditEvent.objects.filter(action="imported").count() == 1
