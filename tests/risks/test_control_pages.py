"""A risk's controls on its page and on the quarter's controls page: reviewed each quarter by whoever reviews
the risk, read by all who read it (an exempt risk's controls are Part B), kept by a locked quarter; the
register's inherent column and its review-prompted filter; the risks import's optional indicators column and
the target_* synonyms."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisation.models import ReportingPeriod
from risks import controls
from risks.models import ControlReview, Risk

from .conftest import make_risk, review


def add(risk, label, name, line=1, assurance="Reasonable", source="self-assessment", **extra):
    return ControlReview.objects.create(risk=risk, period=ReportingPeriod.for_label(label), control=name, line=line,
                                        assurance=assurance, assurance_source=source, **extra)


@pytest.fixture
def with_controls(corporate_risk):
    add(corporate_risk, "2018/19 Q4", "Multi-agency hub screens contacts", 1, "Reasonable")
    add(corporate_risk, "2018/19 Q4", "Internal audit of caseloads", 3, "Limited", "internal audit")
    return corporate_risk


@pytest.mark.parametrize(("persona", "status"), [
    ("officer", 200), ("executive", 200), ("audit", 200), ("manager_a", 200), ("manager_b", 404),
    ("anonymous", 302)], indirect=["persona"])
def test_who_reads_the_controls_page(with_controls, persona, status):
    response = persona.get("/risks/CRR9/controls/2019-20-Q1/")
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "Internal audit of caseloads" in page and "Limited" in page
        assert "as reviewed in 2018/19 Q4" in page  # carried forward: the open quarter has none of its own


@pytest.mark.parametrize(("persona", "can_edit"), [
    ("officer", True), ("manager_a", True), ("executive", False), ("audit", False)], indirect=["persona"])
def test_who_edits_them(with_controls, persona, can_edit):
    page = persona.get("/risks/CRR9/controls/2019-20-Q1/").content.decode()
    assert ("Add a control" in page) is can_edit
    response = persona.post("/risks/CRR9/controls/2019-20-Q1/add/", {
        "control": "Weekly performance clinic", "type": "detective", "line": "2", "assurance": "Substantial",
        "assurance_source": "second line"})
    assert response.status_code == (302 if can_edit else 403)
    assert ControlReview.objects.filter(control="Weekly performance clinic").exists() is can_edit


def test_the_first_save_copies_the_quarter_before_and_a_locked_quarter_never_changes(with_controls, manager_a):
    hub = ControlReview.objects.get(control__startswith="Multi-agency")
    response = manager_a.post(f"/risks/CRR9/controls/2019-20-Q1/{hub.pk}/", {
        "control": "Multi-agency hub screens contacts", "type": "detective", "line": "1",
        "assurance": "Substantial", "assurance_source": "self-assessment", "last_tested": "30/06/2019"})
    assert response.status_code == 302
    q1 = ControlReview.objects.filter(period__year=2019, period__quarter=1).order_by("position", "pk")
    assert [(c.control, c.assurance, c.carried_forward) for c in q1] == [
        ("Multi-agency hub screens contacts", "Substantial", False),
        ("Internal audit of caseloads", "Limited", True)]
    q4 = ControlReview.objects.filter(period__year=2018, period__quarter=4)
    assert sorted(c.assurance for c in q4) == ["Limited", "Reasonable"]  # as reported
    response = manager_a.post(f"/risks/CRR9/controls/2018-19-Q4/{hub.pk}/", {
        "control": "x", "type": "detective", "line": "1"})
    assert response.status_code == 403


@pytest.mark.parametrize(("field", "value", "message"), [
    ("control", "", "Enter what the control is"), ("control", "x" * 256, "at most 255"),
    ("line", "4", "Choose 1, 2 or 3"), ("type", "magic", "Choose the type"),
    ("assurance", "Excellent", "Select a valid choice"), ("last_tested", "31/02/2019", "like 30/06/2019"),
    ("last_tested", "soon", "cannot have been tested after today"),
    ("next_test_due", "01/01/1990", "outside the dates"), ("control", "bad\x00byte", None),
])
def test_bad_input_is_an_error_summary_and_saves_nothing(with_controls, officer, field, value, message):
    data = {"control": "A control", "type": "preventive", "line": "1", "assurance": "", "assurance_source": ""}
    from datetime import timedelta

    from organisation import clock

    data[field] = value if value != "soon" else (clock.today() + timedelta(days=30)).strftime("%d/%m/%Y")
    response = officer.post("/risks/CRR9/controls/2019-20-Q1/add/", data)
    assert response.status_code == 400
    page = response.content.decode()
    if message is not None:  # (a NUL is refused before any view, with its own message)
        assert "govuk-error-summary" in page and message in page.replace("&#x27;", "'").replace("&quot;", '"')
    assert not ControlReview.objects.filter(period__year=2019).exists()


def test_an_assurance_needs_who_gave_it(with_controls, officer):
    response = officer.post("/risks/CRR9/controls/2019-20-Q1/add/", {
        "control": "A control", "type": "preventive", "line": "1", "assurance": "Limited"})
    assert response.status_code == 400 and "Say who gave the assurance" in response.content.decode()


def test_removing_a_control_keeps_it_in_earlier_quarters(with_controls, officer):
    audit = ControlReview.objects.get(control__startswith="Internal audit")
    response = officer.post(f"/risks/CRR9/controls/2019-20-Q1/{audit.pk}/", {"action": "remove"})
    assert response.status_code == 302
    assert list(ControlReview.objects.filter(period__year=2019).values_list("control", flat=True)) == [
        "Multi-agency hub screens contacts"]
    assert ControlReview.objects.filter(period__year=2018, control__startswith="Internal audit").exists()


def test_an_exempt_risks_controls_are_part_b(with_controls, manager_a, audit):
    Risk.objects.filter(pk=with_controls.pk).update(exempt=True)
    assert manager_a.get("/risks/CRR9/controls/2019-20-Q1/").status_code == 403
    page = manager_a.get("/risks/CRR9/").content.decode()
    assert "Internal audit of caseloads" not in page and "controls are exempt" in page
    assert "Internal audit of caseloads" in audit.get("/risks/CRR9/").content.decode()


def test_the_risk_page_shows_the_controls_and_the_ratings_side_by_side(with_controls, officer):
    from risks.models import RiskReview
    from tests.conftest import opened

    with opened(ReportingPeriod.for_label("2018/19 Q4")):  # set up as it was before the lock
        RiskReview.objects.filter(risk=with_controls).update(inherent_likelihood=4, inherent_impact=7)
    page = officer.get("/risks/CRR9/").content.decode()
    assert "Controls and assurance, 2019/20 Q1" in page and "As reviewed in 2018/19 Q4" in page
    assert "Inherent (before controls)" in page and "4 &times; 7 = 28" in page
    assert "Reduce the rating by 14" in page
    assert "Weakest assurance: First line Reasonable; Second line none; Third line Limited." in page


def test_a_locked_quarter_keeps_its_controls_in_itself(with_controls, officer_user):
    """The lock copies the controls a quarter shows into it, so a later reopen and change of the quarter they
    came from cannot change what it reported."""
    from organisation import services as organisation_services

    quarter = ReportingPeriod.for_label("2019/20 Q1")
    organisation_services.period_lock(user=officer_user, period=quarter, sign_off_submitted=True, reason="test")
    assert ControlReview.objects.filter(period=quarter, risk=with_controls).count() == 2
    assert [c.control for c in controls.shown([with_controls.pk], quarter)[with_controls.pk]] == [
        "Multi-agency hub screens contacts", "Internal audit of caseloads"]


def test_the_register_shows_the_inherent_rating_in_flat_queries(directorate, area_a, open_quarter, locked_quarter,
                                                                 officer):
    from risks.models import RiskReview

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert officer.get("/risks/?period=2019-20-Q1").status_code == 200
        return len(queries)

    for n in range(3):
        review(make_risk(f"CRR{n}", directorate, area_a), "2018/19 Q4", inherent_likelihood=4, inherent_impact=7)
    few = count()
    for n in range(3, 20):
        review(make_risk(f"CRR{n}", directorate, area_a), "2018/19 Q4", inherent_likelihood=4, inherent_impact=7)
    assert count() == few
    page = officer.get("/risks/?period=2019-20-Q1").content.decode()
    assert "4 &times; 7 = 28" in page
    assert RiskReview.objects.count() == 20


def test_the_review_prompted_filter(db, settings):
    import io

    from django.core.management import call_command

    from tests.conftest import client_for, make_user

    settings.DEBUG = True
    call_command("load_demo_data", stdout=io.StringIO())
    officer = client_for(make_user("po", "Performance officer"))
    page = officer.get("/risks/?period=2019-20-Q1&prompted=yes").content.decode()
    assert "CRR9" in page and "CRR10" not in page and "1 risk," in page
    assert officer.get("/risks/?period=2019-20-Q1&prompted=nonsense").status_code == 200


GOOD = ("reference,title,kind,register,directorate,period,likelihood,impact,target_likelihood,target_impact,"
        "indicators\n"
        "CRR9,Safeguarding,threat,corporate,People,2019/20 Q1,2,7,1,7,{codes}\n")


@pytest.fixture
def indicators(directorate, area_a):
    from kpis.models import Indicator

    for code in ("DPE006", "DPE007"):
        Indicator.objects.create(code=code, title=code, service_area=area_a)


def run(text):
    from organisation import interchange

    return interchange.import_file("risks", "risks.csv", text.encode(), dry_run=False)


def test_the_import_reads_target_synonyms_and_links_indicators(indicators, open_quarter, locked_quarter):
    report = run(GOOD.format(codes="dpe006; DPE007"))
    assert not report.errors, report.errors
    risk = Risk.objects.get(reference="CRR9")
    assert sorted(risk.indicators.values_list("code", flat=True)) == ["DPE006", "DPE007"]
    assert (risk.reviews.get().tolerance_likelihood, risk.reviews.get().tolerance_impact) == (1, 7)
    again = run(GOOD.format(codes="DPE006;DPE007"))
    assert not again.errors and "unchanged" in again.summary() and "1 unchanged" in again.summary()


@pytest.mark.parametrize(("codes", "message"), [
    ("NOPE", 'row 2, column "indicators": there is no indicator with the code "NOPE"'),
    ("DPE006;bad code", 'row 2, column "indicators"'),
])
def test_an_unknown_or_bad_indicator_code_is_an_error_naming_row_and_column(indicators, open_quarter,
                                                                             locked_quarter, codes, message):
    report = run(GOOD.format(codes=codes))
    assert any(message in e for e in report.errors), report.errors
    assert not Risk.objects.exists()


def test_a_file_with_both_names_for_a_column_is_refused(indicators, open_quarter, locked_quarter):
    text = GOOD.replace("target_likelihood", "tolerance_likelihood,target_likelihood").replace(",1,7,", ",1,1,7,")
    report = run(text.format(codes=""))
    assert any("means the same" in e for e in report.errors), report.errors
    assert not Risk.objects.exists()


def test_omitting_the_indicators_column_keeps_the_links(indicators, open_quarter, locked_quarter):
    run(GOOD.format(codes="DPE006"))
    text = GOOD.replace(",indicators", "").replace(",{codes}", "")
    assert not run(text).errors
    assert list(Risk.objects.get().indicators.values_list("code", flat=True)) == ["DPE006"]
    assert not run(GOOD.format(codes="")).errors  # an empty cell unlinks them
    assert not Risk.objects.get().indicators.exists()


def test_the_export_lists_the_linked_indicators(indicators, open_quarter, locked_quarter):
    from risks.resources import risks_export

    run(GOOD.format(codes="DPE007;DPE006"))
    assert risks_export("2019/20 Q1").dict[0]["indicators"] == "DPE006; DPE007"

