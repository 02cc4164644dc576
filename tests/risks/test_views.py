import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from organisation import demo
from organisation.models import ReportingPeriod
from risks import committee
from risks.models import Risk, RiskReview, ScoringScheme
from tests.risks.conftest import make_risk, review

Q4 = "2018-19-Q4"


def review_url(risk, slug="2019-20-Q1"):
    return f"/risks/{risk.reference}/review/{slug}/"


def review_post(version=0, **values):
    data = {"version": str(version), "likelihood": "2", "impact": "5", "tolerance_likelihood": "1",
            "tolerance_impact": "5", "inherent_likelihood": "", "inherent_impact": "", "controls": "c",
            "actions": "a", "next_review_date": ""}
    data.update(values)
    return data


# --- who sees what --------------------------------------------------------------

@pytest.mark.parametrize("persona", ["officer", "executive", "audit", "manager_a", "manager_b"], indirect=True)
def test_risk_readers_see_the_register_heat_map_and_summary(persona, corporate_risk):
    for path in (f"/risks/?period={Q4}", f"/risks/heat-map/?period={Q4}", f"/risks/summary/?period={Q4}"):
        assert persona.get(path).status_code == 200, path


def test_an_outsider_is_refused(outsider, corporate_risk):
    for path in ("/risks/", "/risks/heat-map/", "/risks/summary/", "/risks/export.csv"):
        assert outsider.get(path).status_code == 403, path
    assert outsider.get("/risks/CRR9/").status_code == 404  # a risk one may not see is not there


def test_audit_sees_no_service_risks_unless_escalated(audit, corporate_risk, service_risk, officer_user):
    page = audit.get(f"/risks/?period={Q4}").content.decode()
    assert "CRR9" in page and "SRR1" not in page
    assert audit.get("/risks/SRR1/").status_code == 404
    from risks.services import risk_move

    risk_move(user=officer_user, risk=service_risk, up=True)
    assert "SRR1" in audit.get(f"/risks/?period={Q4}").content.decode()


def test_audit_sees_no_entry_forms(audit, corporate_risk):
    assert audit.get(review_url(corporate_risk)).status_code == 403
    assert audit.post(review_url(corporate_risk), review_post()).status_code == 403
    for path in ("/risks/new/", "/risks/CRR9/edit/", "/risks/schemes/"):
        assert audit.get(path).status_code == 403
    page = audit.get("/risks/CRR9/").content.decode()
    assert "Review for" not in page and "Escalate" not in page


def test_a_manager_sees_their_own_service_risks_only(manager_a, service_risk, other_service_risk):
    page = manager_a.get(f"/risks/?period={Q4}").content.decode()
    assert "SRR1" in page and "SRR2" not in page
    assert manager_a.get("/risks/SRR2/").status_code == 404
    assert manager_a.post(review_url(other_service_risk), review_post()).status_code == 404


@pytest.mark.parametrize("persona", ["manager_a", "executive", "audit"], indirect=True)
def test_only_officers_create_escalate_close_and_pick_the_scheme(persona, corporate_risk):
    assert persona.post("/risks/CRR9/move/down/").status_code == 403
    assert persona.post("/risks/CRR9/status/closed/").status_code == 403
    assert persona.post("/risks/schemes/", {"scheme": ScoringScheme.objects.get(name="Standard 5x5").pk}
                        ).status_code == 403
    corporate_risk.refresh_from_db()
    assert corporate_risk.register == "corporate" and corporate_risk.status == "open"
    assert ScoringScheme.objects.get(active=True).name == "Council 4x4"


def header_row(sheet):
    """The register download has title rows above its header row ("Reference", "Title", ...)."""
    return next(row[0].row for row in sheet.iter_rows() if row[0].value == "Reference")


def register_rows(sheet):
    return [[c.value for c in r] for r in sheet.iter_rows(min_row=header_row(sheet) + 1)]


# --- the demo figures ---------------------------------------------------------------

def test_the_demo_corporate_risks_are_rated_14_high_with_tolerance_7_medium_everywhere(audit, db):
    demo.load_data()
    page = audit.get("/risks/").content.decode()
    assert page.count("14 High") == 3 and page.count("7 Medium") == 3
    heat = audit.get("/risks/heat-map/").content.decode()
    assert "cell=current-2-7\">3<" in heat and "cell=tolerance-1-7\">3<" in heat
    csv_text = audit.get("/risks/export.csv").content.decode("utf-8-sig")
    assert csv_text.count(",14,High,") == 3 and csv_text.count(",7,Medium,") == 3
    sheet = load_workbook(io.BytesIO(audit.get("/risks/export.xlsx").content)).active
    rows = register_rows(sheet)
    assert sorted(r[0] for r in rows) == ["CRR10", "CRR23", "CRR9"]
    assert all(r[7] == 14 and r[8] == "High" and r[12] == 7 and r[13] == "Medium" for r in rows)
    pdf = PdfReader(io.BytesIO(audit.get("/risks/export.pdf").content))
    register_text, criteria = pdf.pages[0].extract_text(), "".join(p.extract_text() for p in pdf.pages[1:])
    assert register_text.count("14 High") == 3 and register_text.count("7 Medium") == 3
    assert "Scoring matrix and criteria" in criteria and "28 Critical" in criteria
    assert pdf.pages[0].mediabox.width > pdf.pages[0].mediabox.height  # landscape


# --- exports ----------------------------------------------------------------------

def test_public_exports_hide_exempt_detail_and_the_appendix_holds_it(audit, directorate, area_a, locked_quarter):
    secret = make_risk("CRR99", directorate, area_a, exempt=True, description="Confidential detail")
    review(secret, "2018/19 Q4")
    public = audit.get(f"/risks/export.csv?period={Q4}").content.decode("utf-8-sig")
    assert "CRR99" in public and "Confidential detail" not in public and committee.EXEMPT_TEXT in public
    appendix = audit.get(f"/risks/export.csv?period={Q4}&part=exempt").content.decode("utf-8-sig")
    assert "Confidential detail" in appendix
    pdf = PdfReader(io.BytesIO(audit.get(f"/risks/export.pdf?period={Q4}").content))
    assert "Confidential detail" not in "".join(p.extract_text() for p in pdf.pages)


def test_exports_are_formula_safe(audit, directorate, area_a, locked_quarter):
    risk = make_risk("CRR5", directorate, area_a)
    risk.title = "=HYPERLINK(\"http://x\")"
    risk.save()
    review(risk, "2018/19 Q4")
    csv_text = audit.get(f"/risks/export.csv?period={Q4}").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text
    sheet = load_workbook(io.BytesIO(audit.get(f"/risks/export.xlsx?period={Q4}").content)).active
    title_cell = sheet.cell(row=header_row(sheet) + 1, column=2)
    assert title_cell.value.startswith("'=") and title_cell.data_type == "s"


def test_bad_export_requests(audit, executive, corporate_risk):
    assert audit.get("/risks/export.doc").status_code == 404
    assert audit.get("/risks/export.csv?part=secret").status_code == 404
    assert audit.get("/risks/export.csv?period=2019-20-Q9").status_code == 404


# --- reviews ----------------------------------------------------------------------

def test_the_review_form_is_prefilled_from_last_quarter(manager_a, corporate_risk):
    page = manager_a.get(review_url(corporate_risk)).content.decode()
    assert "starts from the 2018/19 Q4 review" in page
    assert '<option value="2" selected>2 - Unlikely</option>' in page


def test_a_manager_reviews_their_risk(manager_a, corporate_risk, open_quarter):
    response = manager_a.post(review_url(corporate_risk), review_post(next_review_date="30/09/2019"), follow=True)
    assert "CRR9 review for 2019/20 Q1 saved." in response.content.decode()
    saved = RiskReview.objects.get(risk=corporate_risk, period=open_quarter)
    assert (saved.rating, saved.tolerance_rating, saved.reviewed_by.username) == (10, 5, "manager.a")
    assert saved.history.first().history_user.username == "manager.a"


@pytest.mark.parametrize(("values", "message"), [
    ({"likelihood": "9"}, "9 is not on the likelihood scale: use 1, 2, 3 or 4"),
    ({"impact": "4"}, "4 is not on the threat impact scale: use 1, 3, 5 or 7"),
    ({"tolerance_impact": "x"}, "x is not on the threat impact scale"),
    ({"likelihood": ""}, "Choose the current likelihood"),
    ({"next_review_date": "soon"}, "Enter the next review date as a date"),
])
def test_off_scale_and_bad_values_are_refused_and_nothing_is_saved(manager_a, corporate_risk, open_quarter, values,
                                                                   message):
    response = manager_a.post(review_url(corporate_risk), review_post(**values))
    page = response.content.decode()
    assert message in page and "There is a problem" in page and "<title>Error:" in page
    assert not RiskReview.objects.filter(period=open_quarter).exists()


def test_a_locked_quarter_is_read_only(manager_a, corporate_risk):
    page = manager_a.get(review_url(corporate_risk, Q4)).content.decode()
    assert "is locked: this review is read-only" in page and "Save review" not in page
    assert manager_a.post(review_url(corporate_risk, Q4), review_post(version=1)).status_code == 403
    assert RiskReview.objects.get(risk=corporate_risk).likelihood == 2


def test_a_concurrent_review_is_refused_showing_both(manager_a, officer_user, corporate_risk, open_quarter):
    from risks.services import ReviewInput, review_save

    manager_a.get(review_url(corporate_risk))
    review_save(user=officer_user, risk=corporate_risk, period=open_quarter, version=0, data=ReviewInput(
        likelihood=3, impact=7, tolerance_likelihood=1, tolerance_impact=7, inherent_likelihood=None,
        inherent_impact=None, controls="x", actions="y", next_review_date=None))
    response = manager_a.post(review_url(corporate_risk), review_post())
    page = response.content.decode()
    assert response.status_code == 409
    assert "Olu Officer saved this review" in page and "likelihood 3 x impact 7 = 21" in page
    assert "likelihood 2 x impact 5 = 10" in page
    assert RiskReview.objects.get(period=open_quarter).likelihood == 3


# --- officer journeys ------------------------------------------------------------

def test_an_officer_escalates_and_brings_back_a_risk(officer, service_risk):
    officer.post("/risks/SRR1/move/up/")
    service_risk.refresh_from_db()
    assert service_risk.register == "directorate"
    officer.post("/risks/SRR1/move/up/")
    response = officer.post("/risks/SRR1/move/up/", follow=True)
    assert "already on the corporate register" in response.content.decode()
    officer.post("/risks/SRR1/move/down/")
    service_risk.refresh_from_db()
    assert service_risk.register == "directorate"
    assert [h.history_change_reason for h in service_risk.history.order_by("history_date")][-1] == "de-escalated"


def test_an_officer_closes_a_risk_and_it_leaves_the_register_but_not_the_record(officer, corporate_risk):
    officer.post("/risks/CRR9/status/closed/")
    page = officer.get("/risks/?period=2019-20-Q1").content.decode()
    assert "0 risks" in page and 'href="/risks/CRR9/"' not in page
    # A closed risk is retired, not deleted: the quarter it was reviewed in still shows it.
    page = officer.get(f"/risks/?period={Q4}").content.decode()
    assert "1 risk," in page and 'href="/risks/CRR9/"' in page and "Closed</strong>" in page


def test_an_officer_creates_a_risk_with_clear_errors(officer, directorate, area_a):
    page = officer.post("/risks/new/", {}).content.decode()
    assert "Enter the risk reference" in page and "Choose the owning directorate" in page
    page = officer.post("/risks/new/", {"reference": "S9", "title": "t", "kind": "threat", "register": "service",
                                        "directorate": directorate.pk, "treatment": "treat"}).content.decode()
    assert "A service-level risk needs its service area" in page
    assert not Risk.objects.exists()
    response = officer.post("/risks/new/", {"reference": "S9", "title": "t", "kind": "threat", "register": "service",
                                            "directorate": directorate.pk, "service_area": area_a.pk,
                                            "treatment": "treat"})
    assert response.status_code == 302 and Risk.objects.get().reference == "S9"


def test_an_officer_switches_the_scheme(officer):
    standard = ScoringScheme.objects.get(name="Standard 5x5")
    officer.post("/risks/schemes/", {"scheme": standard.pk})
    assert list(ScoringScheme.objects.filter(active=True)) == [standard]


def test_history_is_visible_to_audit(audit, corporate_risk, officer_user):
    from risks.services import risk_move

    risk_move(user=officer_user, risk=corporate_risk, up=False)
    page = audit.get("/risks/CRR9/").content.decode()
    assert "Change history" in page and "register: corporate &rarr; directorate" in page


# --- query counts -----------------------------------------------------------------

@pytest.mark.parametrize("path", [f"/risks/?period={Q4}", f"/risks/heat-map/?period={Q4}",
                                  f"/risks/summary/?period={Q4}", f"/risks/export.xlsx?period={Q4}",
                                  f"/risks/export.pdf?period={Q4}", "/home/", "/risks/R0/"])
def test_risk_pages_queries_do_not_grow_with_the_data(executive, directorate, area_a, locked_quarter, path):
    def build(start, stop):
        for i in range(start, stop):
            risk = make_risk(f"R{i}", directorate, area_a, register=["corporate", "directorate", "service"][i % 3])
            # Every fifth risk missed its last review: the register shows when it was last reviewed.
            for label in ("2018/19 Q1", "2018/19 Q2", "2018/19 Q3", "2018/19 Q4")[:3 if i % 5 == 0 else 4]:
                review(risk, label, 1 + i % 4, [1, 3, 5, 7][i % 4])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert executive.get(path).status_code == 200
        return len(ctx.captured_queries)

    build(0, 3)
    small = count()
    build(3, 30)
    assert count() <= small and small <= 25


def test_the_register_says_when_an_overdue_risk_was_last_reviewed(executive, directorate, area_a, locked_quarter):
    late = make_risk("LATE1", directorate, area_a)
    review(late, "2018/19 Q2", 4, 7)
    page = executive.get(f"/risks/?period={Q4}").content.decode()
    assert "Not reviewed since 2018/19 Q2" in page and "4 &times; 7 =" in page


def test_exports_carry_the_reviews_controls_and_actions(audit, directorate, area_a, locked_quarter):
    risk = make_risk("CRR7", directorate, area_a)
    review(risk, "2018/19 Q3", controls="Old controls", actions="Old actions")
    review(risk, "2018/19 Q4", controls="Weekly checks", actions="Recruit two officers")
    text = audit.get(f"/risks/export.csv?period={Q4}").content.decode("utf-8-sig")
    assert "Weekly checks" in text and "Recruit two officers" in text and "Old controls" not in text
    pdf = PdfReader(io.BytesIO(audit.get(f"/risks/export.pdf?period={Q4}").content))
    assert "Weekly checks" in "".join(p.extract_text() for p in pdf.pages)
    from risks.resources import export_rows

    data = export_rows(ReportingPeriod.for_label("2018/19 Q4"))
    assert data.dict[0]["controls"] == "Weekly checks" and data.dict[0]["period"] == "2018/19 Q4"


def test_a_long_register_is_paginated_highest_first(executive, directorate, area_a, locked_quarter):
    for i in range(55):
        review(make_risk(f"P{i:02d}", directorate, area_a), "2018/19 Q4", 1 + i % 4, 7)
    first = executive.get(f"/risks/?period={Q4}").content.decode()
    assert "55 risks, highest current rating first (page 1 of 2)" in first
    assert 'aria-current="page">1<' in first and "28 Critical" in first
    second = executive.get(f"/risks/?period={Q4}&page=2").content.decode()
    assert second.count('class="govuk-link" href="/risks/P') == 5 and "28 Critical" not in second


def test_scoring_plain_facts_matches_scoring_model_instances(directorate, area_a, locked_quarter):
    from risks import queries

    for i in range(12):
        risk = make_risk(f"F{i:02d}", directorate, area_a, kind="opportunity" if i % 4 == 0 else "threat")
        for label in ("2018/19 Q2", "2018/19 Q3", "2018/19 Q4")[i % 3:]:
            review(risk, label, 1 + i % 4, [1, 3, 5, 7][(i + len(label)) % 4])
    quarter = ReportingPeriod.for_label("2018/19 Q4")
    scheme = queries.active_scheme()[1]
    risks = Risk.objects.all()
    with_models = queries.rows_for(risks, quarter, scheme)
    with_facts = queries.rows_for(queries.risk_facts(risks), quarter, scheme, ids=risks.values("pk"))

    def key(row):
        return (row.risk.reference, row.rating, row.tolerance_rating, row.travel, row.outside,
                row.reviewed_this_quarter, row.history)

    assert [key(r) for r in with_facts] == [key(r) for r in with_models]


def test_an_edit_saved_by_someone_else_since_the_form_opened_is_refused(officer, corporate_risk):
    page = officer.get("/risks/CRR9/edit/").content.decode()
    assert 'name="version"' in page
    data = {"reference": "CRR9", "title": "Mine", "description": "d", "causes": "", "consequences": "",
            "kind": "threat", "register": "corporate", "directorate": corporate_risk.directorate_id,
            "service_area": corporate_risk.service_area_id or "", "risk_owner": "", "action_owner": "",
            "portfolio": "", "strategy_themes": "", "category": "", "treatment": "treat", "date_identified": "",
            "exempt_paragraph": "3", "version": str(corporate_risk.version), "reason": "Retitled"}
    assert officer.post("/risks/CRR9/edit/", {**data, "title": "Theirs"}).status_code == 302
    assert officer.post("/risks/CRR9/edit/", {**data, "treatment": ""}).content.decode().count(
        "Choose how the risk is treated") >= 1
    response = officer.post("/risks/CRR9/edit/", data)  # opened on the same version
    assert response.status_code == 200 and "after you opened this form, so nothing was saved" in \
        response.content.decode()
    assert Risk.objects.get(reference="CRR9").title == "Theirs"
    from organisation.models import AuditEvent
    assert AuditEvent.objects.filter(object_label="CRR9", reason="Retitled").exists()


def test_a_register_too_long_for_a_committee_paper_asks_for_a_directorate(audit, directorate, area_a,
                                                                           locked_quarter, settings):
    settings.REGISTER_PDF_MAX_RISKS = 1
    for reference in ("CRR1", "CRR2"):
        review(make_risk(reference, directorate, area_a), "2018/19 Q4")
    response = audit.get(f"/risks/export.pdf?period={Q4}")
    page = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "holds 2 risks: more than the 1 a committee paper lists" in page
    assert f'<option value="{directorate.pk}">People</option>' in page
    assert audit.get(f"/risks/export.xlsx?period={Q4}")["Content-Type"].startswith("application/vnd")


def test_the_register_xlsx_header_is_bold_frozen_and_printed_on_every_page(audit, directorate, area_a,
                                                                            locked_quarter):
    for n in range(3):
        review(make_risk(f"CRR{n}", directorate, area_a), "2018/19 Q4", 2 + n % 2, 7)
    sheet = load_workbook(io.BytesIO(audit.get(f"/risks/export.xlsx?period={Q4}").content)).active
    header = header_row(sheet)
    assert sheet.cell(row=header, column=1).font.bold
    assert sheet.freeze_panes == f"C{header + 1}" and sheet.print_title_rows == f"${header}:${header}"
    last = header + 3
    assert sheet.cell(row=last, column=3).alignment.wrap_text  # the last risk's description wraps too
    assert not sheet.cell(row=header, column=3).alignment.wrap_text or sheet.cell(row=header, column=3).font.bold
