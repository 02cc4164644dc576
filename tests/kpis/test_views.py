import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpis import status as rules
from kpis.models import Actual, Indicator, Target
from kpis.services import FigureInput, figures_save
from tests.kpis.conftest import build_many, make_indicator, set_actual, set_target

READERS = ["manager_a", "manager_b", "officer", "executive", "audit"]
NON_READERS = ["outsider"]


def entry_url(quarter, area):
    return f"/performance/entry/{quarter.slug}/{area.pk}/"


def post_data(indicator, version=0, action="draft", **values):
    prefix = f"i{indicator.pk}"
    data = {f"{prefix}-version": str(version), "action": action}
    for name in ("value", "numerator", "denominator", "commentary"):
        data[f"{prefix}-{name}"] = values.get(name, "")
    return data


# --- who may see what ---------------------------------------------------------

@pytest.mark.parametrize("persona", READERS, indirect=True)
def test_readers_see_the_dashboard_and_indicator_pages(persona, dpe007):
    set_actual(dpe007, "2019/20 Q1", "75.8")
    page = persona.get("/performance/").content.decode()
    assert "Performance, 2019/20 Q1" in page and "DPE007" in page
    assert persona.get("/performance/indicators/DPE007/").status_code == 200


@pytest.mark.parametrize("persona", NON_READERS, indirect=True)
def test_others_are_refused_the_performance_pages(persona, dpe007, open_quarter):
    for path in ("/performance/", "/performance/indicators/DPE007/", "/performance/export/indicators.csv",
                 f"/performance/report/{open_quarter.slug}.csv", "/performance/entry/",
                 entry_url(open_quarter, dpe007.service_area)):
        assert persona.get(path).status_code == 403, path


def test_the_audit_committee_reads_figures_and_their_history_but_no_entry_form(audit, dpe007, open_quarter):
    assert "Change history" in audit.get("/performance/indicators/DPE007/").content.decode()
    assert audit.get("/performance/entry/").status_code == 403
    assert audit.get(entry_url(open_quarter, dpe007.service_area)).status_code == 403


@pytest.mark.parametrize("persona", ["manager_a", "manager_b", "executive", "audit", "outsider"], indirect=True)
def test_only_officers_manage_and_sign_off(persona, dpe007, open_quarter):
    for path in ("/performance/manage/", "/performance/manage/new/", "/performance/manage/DPE007/edit/",
                 "/performance/manage/DPE007/targets/", f"/performance/submissions/{open_quarter.slug}/"):
        assert persona.get(path).status_code == 403, path
    assert persona.post(f"/performance/submissions/{open_quarter.slug}/sign-off/").status_code == 403
    assert persona.post("/performance/manage/DPE007/targets/", {"form": "target", "t-period": "2019/20",
                                                               "t-value": "1"}).status_code == 403
    assert Target.objects.get(indicator=dpe007).value == 90


def test_the_dashboard_shows_the_domain_statuses(executive, dpe007, area_a):
    caseload = make_indicator(area_a, "DPE008a", polarity="lower", unit="number")
    set_target(caseload, "2019/20", 54)
    set_actual(caseload, "2019/20 Q1", "55.7")
    set_actual(dpe007, "2019/20 Q1", "75.8")
    page = executive.get("/performance/").content.decode()
    assert "Well below target" in page and "Below target" in page
    assert "(RAG Red)" in page and "(RAG Amber)" in page


def test_the_dashboard_filters_by_service_area_and_status(executive, dpe007, adults_indicator):
    set_actual(dpe007, "2019/20 Q1", "75.8")
    set_actual(adults_indicator, "2019/20 Q1", "88")
    page = executive.get(f"/performance/?service_area={adults_indicator.service_area.pk}").content.decode()
    table = page.split('id="indicators"')[1]
    assert "BCP278" in table and "DPE007" not in table
    page = executive.get("/performance/?status=On+target").content.decode().split('id="indicators"')[1]
    assert "BCP278" in page and "DPE007" not in page


def test_a_bad_period_is_not_found(executive, dpe007):
    assert executive.get("/performance/?period=2019-20-Q9").status_code == 404
    assert executive.get("/performance/?period=2030-31-Q1").status_code == 404
    assert executive.get("/performance/indicators/NOPE/").status_code == 404


# --- entry -----------------------------------------------------------------------

def test_the_entry_form_shows_each_indicator_with_target_and_last_year(manager_a, dpe007, open_quarter):
    set_actual(dpe007, "2018/19 Q1", "79.1")
    page = manager_a.get(entry_url(open_quarter, dpe007.service_area)).content.decode()
    assert "DPE007 Indicator DPE007" in page and "Target: 90.0%" in page
    assert "A year ago (2018/19 Q1)</dt><dd>79.1%" in page
    assert "Submit figures" in page
    assert "Not entered yet." in page


def test_the_entry_form_says_what_state_each_figure_is_in(manager_a, dpe007, open_quarter):
    set_actual(dpe007, "2019/20 Q1", "75.8", state="submitted", reported_value=Decimal("75"))
    page = manager_a.get(entry_url(open_quarter, dpe007.service_area)).content.decode()
    assert "Now: submitted, reported 75.0%." in page


def test_a_manager_cannot_read_or_post_another_areas_entry_form(manager_a, adults_indicator, open_quarter):
    url = entry_url(open_quarter, adults_indicator.service_area)
    assert manager_a.get(url).status_code == 403
    assert manager_a.post(url, post_data(adults_indicator, value="50")).status_code == 403
    assert not Actual.objects.exists()


def test_entry_start_sends_a_manager_to_their_area(manager_a, dpe007, open_quarter):
    assert manager_a.get("/performance/entry/").url == entry_url(open_quarter, dpe007.service_area)


def test_saving_a_draft_then_submitting(manager_a, dpe007, open_quarter):
    url = entry_url(open_quarter, dpe007.service_area)
    response = manager_a.post(url, post_data(dpe007, value="75.8", numerator="144", denominator="190",
                                             commentary="Staff shortages"), follow=True)
    assert "1 figure saved; kept as drafts (not yet sent to the performance team)" in response.content.decode()
    actual = Actual.objects.get()
    assert (actual.value, actual.state, actual.version) == (Decimal("75.8"), "draft", 1)
    assert actual.entered_by.username == "manager.a"
    # Submit first shows what will be sent, and sends nothing until confirmed.
    confirm = manager_a.post(url, post_data(dpe007, version=1, action="submit", value="75.8", numerator="144",
                                            denominator="190", commentary="Staff shortages"))
    page = confirm.content.decode()
    assert confirm.status_code == 200 and "Submit 1 figure to the performance team?" in page and "DPE007" in page
    actual.refresh_from_db()
    assert actual.state == "draft"
    manager_a.post(url, post_data(dpe007, version=1, action="confirm-submit", value="75.8", numerator="144",
                                  denominator="190", commentary="Staff shortages"))
    actual.refresh_from_db()
    assert actual.state == "submitted" and actual.submitted_at is not None


def test_go_back_from_the_confirmation_shows_the_form_as_typed_and_saves_nothing(manager_a, dpe007, open_quarter):
    url = entry_url(open_quarter, dpe007.service_area)
    response = manager_a.post(url, post_data(dpe007, action="back", value="61.5", commentary="Typed"))
    assert response.status_code == 200 and 'value="61.5"' in response.content.decode()
    assert not Actual.objects.exists()


def test_enter_saves_a_draft_the_first_button_of_the_form(manager_a, dpe007, open_quarter):
    page = manager_a.get(entry_url(open_quarter, dpe007.service_area)).content.decode()
    buttons = re.findall(r'<button type="submit" name="action" value="([a-z-]+)"', page)
    assert buttons[0] == "draft" and "submit" in buttons


def test_changing_a_submitted_figure_and_saving_a_draft_says_it_went_back_to_draft(manager_a, dpe007, open_quarter):
    url = entry_url(open_quarter, dpe007.service_area)
    manager_a.post(url, post_data(dpe007, action="confirm-submit", value="92", commentary="On track"))
    actual = Actual.objects.get()
    assert actual.state == "submitted"
    response = manager_a.post(url, post_data(dpe007, version=actual.version, value="93", commentary="On track"),
                              follow=True)
    assert "DPE007 had been submitted: your change returned it to draft, so submit again" in \
        response.content.decode()
    assert Actual.objects.get().state == "draft"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"value": "12,3"}, "DPE007 value: &quot;12,3&quot; is not a number"),
        ({"value": "abc"}, "DPE007 value: &quot;abc&quot; is not a number"),
        ({"value": "101", "commentary": "x"}, "DPE007 value: 101 is not a percentage between 0 and 100"),
        ({"value": "50", "numerator": "200", "denominator": "190", "commentary": "x"},
         "DPE007 numerator: the numerator (200) is larger than the denominator (190)"),
        ({"value": "50", "numerator": "20"}, "DPE007 denominator: give both the numerator and the denominator"),
        # Commentary on a figure below target is needed to submit it (a draft may be saved without it).
        ({"value": "75.8", "action": "submit"}, "DPE007 commentary: explain why the figure is well below target"),
        ({"value": "50", "denominator": "0", "numerator": "0", "commentary": "x"},
         "DPE007 denominator: the denominator must be more than zero"),
        ({"value": "10000000000", "commentary": "x"}, "DPE007 value: &quot;10000000000&quot; is too large"),
    ],
)
def test_bad_figures_get_specific_messages_and_nothing_is_saved(manager_a, dpe007, open_quarter, values, message):
    response = manager_a.post(entry_url(open_quarter, dpe007.service_area), post_data(dpe007, **values))
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert "There is a problem" in page and f'href="#id_i{dpe007.pk}-' in page
    assert "<title>Error:" in page
    assert not Actual.objects.exists()


def test_submitting_a_blank_figure_needs_a_reason(manager_a, dpe007, open_quarter):
    page = manager_a.post(entry_url(open_quarter, dpe007.service_area),
                          post_data(dpe007, action="submit")).content.decode()
    assert "enter a value, or say in the commentary why there is no data" in page
    assert not Actual.objects.exists()


def test_a_locked_quarter_is_read_only_and_refuses_posts(manager_a, dpe007, locked_quarter):
    url = entry_url(locked_quarter, dpe007.service_area)
    page = manager_a.get(url).content.decode()
    assert "is locked: the figures are read-only" in page and "Submit figures" not in page and "disabled" in page
    assert manager_a.post(url, post_data(dpe007, value="80")).status_code == 403
    assert not Actual.objects.exists()


def test_a_concurrent_edit_is_refused_showing_both_values(manager_a, officer_user, dpe007, open_quarter):
    url = entry_url(open_quarter, dpe007.service_area)
    manager_a.get(url)  # the form is opened with no figure (version 0)
    figures_save(user=officer_user, quarter=open_quarter, submit=False, figures=[FigureInput(
        indicator=dpe007, period=open_quarter, version=0, value=Decimal("76.3"), numerator=None,
        denominator=None, commentary="officer's correction")])
    response = manager_a.post(url, post_data(dpe007, value="75.8", commentary="mine"))
    page = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved these figures" in page
    assert "Olu Officer saved <strong>76.3%</strong>; you entered <strong>75.8%</strong>" in page
    actual = Actual.objects.get()
    assert actual.value == Decimal("76.3") and actual.commentary == "officer's correction"


def test_a_stale_version_is_refused_in_the_service(officer_user, dpe007, open_quarter):
    from organisation.records import ConcurrentEdit

    set_actual(dpe007, "2019/20 Q1", "70", version=3)
    with pytest.raises(ConcurrentEdit):
        figures_save(user=officer_user, quarter=open_quarter, submit=False, figures=[FigureInput(
            indicator=dpe007, period=open_quarter, version=2, value=Decimal("71"), numerator=None,
            denominator=None, commentary="x")])
    assert Actual.objects.get().value == Decimal("70")


def test_an_officer_signs_off_and_a_later_correction_shows_beside_the_reported_value(
        officer, officer_user, executive, dpe007, open_quarter):
    set_actual(dpe007, "2019/20 Q1", "75.8", state="submitted", commentary="why")
    response = officer.post(f"/performance/submissions/{open_quarter.slug}/sign-off/", {"confirm": "yes"}, follow=True)
    assert "Signed off 1 submitted figure" in response.content.decode()
    actual = Actual.objects.get()
    assert actual.state == "signed_off" and actual.reported_value == Decimal("75.8")
    figures_save(user=officer_user, quarter=open_quarter, submit=True, figures=[FigureInput(
        indicator=dpe007, period=open_quarter, version=actual.version, value=Decimal("76.3"), numerator=None,
        denominator=None, commentary="why")])
    actual.refresh_from_db()
    assert actual.value == Decimal("76.3") and actual.reported_value == Decimal("75.8")
    page = executive.get("/performance/indicators/DPE007/").content.decode()
    assert "reported 75.8%, revised 76.3%" in page


def test_submissions_list_who_has_not_submitted(officer, dpe007, adults_indicator, open_quarter):
    set_actual(dpe007, "2019/20 Q1", "80", state="submitted")
    page = officer.get(f"/performance/submissions/{open_quarter.slug}/").content.decode()
    assert "BCP278" in page.split("Adult Social Care")[1]
    assert "Sign off<span class=\"govuk-visually-hidden\"> Children &amp; Families Services" in page


def test_history_is_shown_to_officers_executives_and_audit_but_not_managers(
        officer, manager_a, manager_a_user, dpe007, open_quarter):
    figures_save(user=manager_a_user, quarter=open_quarter, submit=False, figures=[FigureInput(
        indicator=dpe007, period=open_quarter, version=0, value=Decimal("75.8"), numerator=None,
        denominator=None, commentary="first")])
    page = officer.get("/performance/indicators/DPE007/").content.decode()
    assert "Change history" in page and "Ann Able" in page and "value: blank &rarr; 75.8%" in page
    assert "Change history" not in manager_a.get("/performance/indicators/DPE007/").content.decode()


# --- management ---------------------------------------------------------------

def test_an_officer_adds_an_indicator_and_a_target(officer, area_a, open_quarter):
    response = officer.post("/performance/manage/new/", {
        "code": "NEW1", "title": "A new one", "service_area": area_a.pk, "polarity": "higher", "unit": "percent",
        "precision": "1", "frequency": "quarterly", "accumulation": "snapshot", "active": "on",
    })
    assert response.status_code == 302
    response = officer.post("/performance/manage/NEW1/targets/", {"form": "target", "t-period": "2019/20 Q2",
                                                                   "t-value": "12.5"}, follow=True)
    assert "Target for 2019/20 Q2 saved." in response.content.decode()
    assert Target.objects.get().value == Decimal("12.5")


@pytest.mark.parametrize(("period", "value", "message"), [
    ("2019/21", "1", "the year after 2019 is 2020"),
    ("2019/20 Q1", "ten", "Target: &quot;ten&quot; is not a number"),
    ("", "1", "Enter the period"),
])
def test_bad_targets_are_refused(officer, dpe007, period, value, message):
    page = officer.post("/performance/manage/DPE007/targets/", {"form": "target", "t-period": period,
                                                                 "t-value": value}).content.decode()
    assert message in page
    assert Target.objects.count() == 1


def test_an_indicator_form_with_missing_fields_says_what(officer):
    page = officer.post("/performance/manage/new/", {}).content.decode()
    assert "Enter the indicator code" in page and "Choose the owning service area" in page


# --- exports --------------------------------------------------------------------

def test_the_quarterly_report_exports_are_formula_safe(executive, dpe007, open_quarter):
    set_actual(dpe007, "2019/20 Q1", "75.8", commentary="=HYPERLINK(\"x\")")
    response = executive.get(f"/performance/report/{open_quarter.slug}.csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("code,period,value,numerator,denominator,commentary,target,status,rag")
    assert lines[1].startswith("DPE007,2019/20 Q1,75.8,,,\"'=HYPERLINK(\"\"x\"\")\",90,Well below target,Red")
    assert executive.get(f"/performance/report/{open_quarter.slug}.xlsx")["Content-Type"].startswith(
        "application/vnd.openxmlformats")
    assert executive.get("/performance/export/indicators.csv").content.decode("utf-8-sig").startswith("code,title,directorate")


# --- query counts ----------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/performance/", "/performance/?status=exceptions", "/home/", "/performance/indicators/{code}/",
    "/performance/entry/{quarter}/{area}/", "/performance/submissions/{quarter}/",
    "/performance/report/{quarter}.csv", "/performance/manage/",
])
def test_page_queries_do_not_grow_with_the_data(officer, executive, area_a, area_b, open_quarter, path):
    client = officer if "submissions" in path or "manage" in path or "entry" in path else executive

    def count():
        url = path.format(code=f"{area_a.pk}X001", quarter=open_quarter.slug, area=area_a.pk)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    build_many(area_a, area_b, 3)
    small = count()
    build_many_more(area_a, area_b)
    assert count() <= small
    assert small <= 25


def build_many_more(area_a, area_b):
    from kpis.models import Indicator

    for area in (area_a, area_b):
        for i in range(3, 30):
            indicator = Indicator.objects.create(code=f"{area.pk}X{i:03d}", title="t", service_area=area,
                                                 polarity="higher", unit="number", frequency="quarterly")
            set_target(indicator, "2019/20", 50)
            set_actual(indicator, "2019/20 Q1", 40 + i)
            set_actual(indicator, "2018/19 Q1", 45)


def test_long_dashboards_page_the_exceptions_and_list_each_indicator_once(executive, area_a, open_quarter):
    # 30 indicators below their target of 50 by different amounts (exceptions), and 30 on target.
    for i in range(30):
        indicator = make_indicator(area_a, f"EX{i:02d}", unit="number")
        set_target(indicator, "2019/20", 50)
        set_actual(indicator, "2019/20 Q1", 49 - i, commentary="why")
        fine = make_indicator(area_a, f"OK{i:02d}", unit="number")
        set_target(fine, "2019/20", 50)
        set_actual(fine, "2019/20 Q1", 50)
    first = executive.get("/performance/").content.decode()
    assert "30 exceptions, worst first (page 1 of 3)" in first
    assert 'aria-label="Pages of exceptions"' in first and 'aria-label="Pages of indicators"' in first
    exceptions = first[first.index('id="exceptions"'):first.index('id="indicators"')]
    assert exceptions.count('href="/performance/indicators/EX') == 10
    assert exceptions.index("EX29") < exceptions.index("EX25")  # furthest below target first
    third = executive.get("/performance/?exceptions_page=3").content.decode()
    third_exceptions = third[third.index('id="exceptions"'):third.index('id="indicators"')]
    assert third_exceptions.count('href="/performance/indicators/EX') == 10 and "EX29" not in third_exceptions
    # The table below lists the other indicators: no exception appears twice on the page.
    table = first[first.index('id="indicators"'):]
    assert "The other indicators (30)" in table
    assert table.count('href="/performance/indicators/OK') == 25 and "/performance/indicators/EX" not in table
    filtered = executive.get("/performance/?status=exceptions").content.decode()
    assert "Indicators matching the filters (30)" in filtered
    assert executive.get("/performance/?exceptions_page=99").status_code == 200  # the last page


def test_judging_plain_facts_matches_judging_model_instances(area_a, area_b, open_quarter):
    from kpis import queries

    build_many(area_a, area_b, 10)
    indicators = Indicator.objects.filter(active=True).order_by("code")
    with_models = queries.judge_quarter(indicators, open_quarter)
    with_facts = queries.judge_quarter(queries.indicator_facts(indicators), open_quarter, ids=indicators.values("pk"))

    def key(row):
        return (row.indicator.code, row.period_label, row.value, row.target, row.previous, row.status, row.direction,
                row.deviation, row.commentary)

    assert [key(r) for r in with_facts] == [key(r) for r in with_models]
    assert {r.status for r in with_models} >= {rules.Status.WELL_BELOW, rules.Status.WELL_ABOVE}


def test_the_report_xlsx_formats_each_row_as_its_own_indicator_and_freezes_the_bold_header(executive, area_a,
                                                                                           open_quarter):
    import io

    from openpyxl import load_workbook

    for code, unit in (("AAA1", "number"), ("AAA2", "percent"), ("AAA3", "number")):
        indicator = make_indicator(area_a, code, unit=unit)
        set_target(indicator, "2019/20 Q1", 50)
        set_actual(indicator, "2019/20 Q1", 40)
    response = executive.get(f"/performance/report/{open_quarter.slug}.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = next(r for r in range(1, 20) if sheet.cell(row=r, column=1).value == "Service area")
    assert sheet.cell(row=header, column=1).font.bold
    assert sheet.freeze_panes == f"A{header + 1}" and sheet.print_title_rows == f"${header}:${header}"
    assert sheet.auto_filter.ref.startswith(f"A{header}:")
    columns = [c.value for c in sheet[header]]
    value, title = columns.index("Value") + 1, columns.index("Title") + 1
    formats = {sheet.cell(row=r, column=3).value: sheet.cell(row=r, column=value).number_format
               for r in range(header + 1, header + 4)}
    assert "%" in formats["AAA2"] and "%" not in formats["AAA1"] and "%" not in formats["AAA3"]
    assert all(sheet.cell(row=r, column=title).alignment.wrap_text for r in range(header + 1, header + 4))
    assert sheet.cell(row=header, column=value).number_format == "General"


def test_every_figure_is_reviewed_with_its_context_and_bulk_sign_off_is_confirmed(officer, area_a, open_quarter):
    from kpis.models import Actual
    from tests.kpis.conftest import make_indicator, set_actual

    indicator = make_indicator(area_a, "DPE007")
    set_actual(indicator, "2018/19 Q4", 70)
    set_actual(indicator, "2018/19 Q1", 60)
    actual = set_actual(indicator, "2019/20 Q1", 75.8, state="submitted", commentary="Staff sickness")
    page = officer.get(f"/performance/submissions/{open_quarter.slug}/").content.decode()
    assert "Staff sickness" in page and "2018/19 Q4" in page and "70" in page and "60" in page
    assert "sign off all 1 submitted figure for 2019/20 Q1" in page
    # Unconfirmed, or confirmed for another count: nothing is signed off.
    officer.post(f"/performance/submissions/{open_quarter.slug}/sign-off/")
    officer.post(f"/performance/submissions/{open_quarter.slug}/sign-off/", {"confirm": "yes", "count": "2"})
    assert Actual.objects.get(pk=actual.pk).state == "submitted"
    officer.post(f"/performance/submissions/{open_quarter.slug}/sign-off/", {"confirm": "yes", "count": "1"})
    assert Actual.objects.get(pk=actual.pk).state == "signed_off"
