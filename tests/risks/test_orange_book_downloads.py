"""Downloads of the assurance map's controls and of the internal-audit recommendations: formats.md's columns,
what the user reads and no more, a locked quarter's as recorded, and the committee register's new columns."""

import csv
import io
from datetime import date

import pytest

from organisation.models import ReportingPeriod
from risks import audit_actions
from risks.models import AuditRecommendation, ControlReview, Risk

from .conftest import make_risk, review


def rows(response):
    assert response.status_code == 200, response.status_code
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def council(corporate_risk, service_risk, other_service_risk, officer_user):
    ControlReview.objects.create(risk=corporate_risk, period=ReportingPeriod.for_label("2018/19 Q4"),
                                 control="Multi-agency hub", line=1, assurance="Reasonable",
                                 assurance_source="self-assessment")
    for ref in ("CRR9", "SRR2"):
        audit_actions.recommendation_save(user=officer_user, rec=AuditRecommendation(
            source=f"Audit of {ref}", recommendation="Do it", priority="high", owner="Head", due=date(2019, 3, 31)),
            risk_refs=[ref])
    return corporate_risk


@pytest.mark.parametrize(("persona", "sources"), [
    ("officer", {"Audit of CRR9", "Audit of SRR2"}), ("audit", {"Audit of CRR9", "Audit of SRR2"}),
    ("manager_a", {"Audit of CRR9"}), ("manager_b", {"Audit of SRR2"})], indirect=["persona"])
def test_the_audit_actions_download_holds_what_the_user_reads(council, persona, sources):
    found = rows(persona.get("/risks/audit-actions/export.csv"))
    assert {r["source"] for r in found} == sources
    assert list(found[0]) == ["source", "recommendation", "priority", "agreed_action", "owner", "due",
                              "revised_due", "revision_reason", "status", "risks"]
    assert {r["status"] for r in found} == {"overdue"}  # due 31 March 2019, today is later


def test_the_downloads_refuse_other_formats_and_readers(council, officer, outsider, manager_a):
    assert officer.get("/risks/audit-actions/export.exe").status_code == 404
    assert officer.get("/risks/assurance/export.exe").status_code == 404
    assert outsider.get("/risks/audit-actions/export.csv").status_code == 403
    assert manager_a.get("/risks/assurance/export.csv").status_code == 403
    assert officer.get("/risks/assurance/export.csv?period=nonsense").status_code == 404
    assert officer.get("/risks/audit-actions/export.xlsx").content[:2] == b"PK"


def test_the_controls_download_is_the_quarters(council, officer):
    found = rows(officer.get("/risks/assurance/export.csv?period=2019-20-Q1"))
    assert [(r["reference"], r["period"], r["control"], r["assurance"], r["rating"]) for r in found] == [
        ("CRR9", "2019/20 Q1", "Multi-agency hub", "Reasonable", "14")]


def test_the_committee_register_download_adds_appetite_inherent_and_acceptance(directorate, area_a, open_quarter,
                                                                               locked_quarter, officer):
    risk = make_risk("CRR9", directorate, area_a)
    review(risk, "2018/19 Q4", inherent_likelihood=4, inherent_impact=7)
    line = next(r for r in rows(officer.get("/risks/export.csv?period=2019-20-Q1")) if r["Reference"] == "CRR9")
    assert (line["Inherent rating"], line["Outside appetite"], line["Appetite"], line["Accepted until"]) == (
        "28", "Yes", "Cautious", "")
    assert Risk.objects.count() == 1


def test_a_cached_register_download_follows_an_acceptance_and_an_appetite_change(
        directorate, area_a, open_quarter, locked_quarter, officer, officer_user):
    """The register's downloads are cached until the data changes: accepting a risk and changing a category's
    appetite are changes."""
    from datetime import timedelta

    from organisation import clock
    from risks import controls, services
    from risks.models import RiskCategory

    risk = make_risk("CRR9", directorate, area_a, category="Safeguarding")
    review(risk, "2018/19 Q4")

    def crr9():
        return next(r for r in rows(officer.get("/risks/export.csv?period=2019-20-Q1")) if r["Reference"] == "CRR9")

    assert crr9()["Accepted until"] == ""
    until = clock.today() + timedelta(days=30)
    controls.risk_accept(user=officer_user, risk=risk, justification="x", expires=until)
    assert crr9()["Accepted until"] == f"{until:%d/%m/%Y}"
    category = RiskCategory.objects.get(name="Safeguarding")
    category.level = "eager"
    services.category_save(user=officer_user, category=category)
    assert (crr9()["Outside appetite"], crr9()["Appetite"]) == ("No", "Eager")
