"""The journeys of issue 7, in headless Chromium against a live server, with axe-core on every page."""

import io
import re

from openpyxl import load_workbook
from pypdf import PdfReader

from kpis.models import Actual
from tests.browser.conftest import assert_accessible, sign_in


def open_entry_form(page, site):
    page.goto(f"{site}/performance/entry/")
    page.wait_for_load_state()
    assert "Enter figures for 2019/20 Q1" in page.locator("h1").inner_text()


def field_id(page, code, name):
    """The id of an indicator's input in the entry form."""
    legend = page.locator("legend", has_text=f"{code} ")
    fieldset = legend.locator("xpath=..")
    return fieldset.locator(f"input[name$='-{name}'], textarea[name$='-{name}']").first.get_attribute("id")


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r".*/login/$"))


def test_1_a_manager_corrects_an_error_and_submits_and_the_dashboard_shows_it(page, site):
    sign_in(page, site, "manager.children")
    open_entry_form(page, site)
    assert_accessible(page)
    value_id = field_id(page, "BCP214", "value")
    page.fill(f"#{value_id}", "12,3")
    page.get_by_role("button", name="Save as draft").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    link = summary.get_by_role("link", name=re.compile('BCP214 value: "12,3" is not a number'))
    link.click()
    assert page.evaluate("document.activeElement.id") == value_id
    assert_accessible(page)
    page.fill(f"#{value_id}", "93.5")
    page.get_by_role("button", name="Submit figures").click()
    assert "to the performance team?" in page.locator("h1").inner_text()  # what will be sent, to confirm
    assert "BCP214" in page.locator("table").inner_text()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Yes, submit")).click()
    assert "submitted to the performance team" in page.locator(".govuk-notification-banner--success").inner_text()
    assert Actual.objects.get(indicator__code="BCP214", period__year=2019, period__quarter=1).state == "submitted"
    sign_out(page)

    sign_in(page, site, "executive")
    page.goto(f"{site}/performance/?period=2019-20-Q1&q=BCP214")  # the executive lands on the last locked quarter
    row = page.locator("#indicators ~ div table tbody tr, .app-table-scroll table tbody tr", has_text="BCP214").last
    assert "Above target" in row.inner_text()
    assert_accessible(page)


def test_2_a_locked_quarter_is_read_only_and_refuses_a_direct_post(page, site):
    sign_in(page, site, "performance")
    page.goto(f"{site}/periods/")
    assert_accessible(page)
    page.get_by_role("link", name="Lock 2019/20 Q1").click()
    assert "Not everything in 2019/20 Q1 is finished" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_label("I understand that nothing in this quarter can change until it is reopened").check()
    page.get_by_role("button", name="Lock 2019/20 Q1").click()
    assert "2019/20 Q1 is locked." in page.locator(".govuk-notification-banner--success").inner_text()
    sign_out(page)

    sign_in(page, site, "manager.children")
    open_entry_form(page, site)
    assert "the figures are read-only" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Submit figures").count() == 0
    assert page.locator("input[name$='-value']").first.is_disabled()
    assert_accessible(page)
    token = page.evaluate("document.cookie.match(/csrftoken=([^;]+)/)[1]")
    response = page.request.post(page.url, form={"csrfmiddlewaretoken": token, "action": "submit"},
                                 headers={"Referer": page.url, "X-CSRFToken": token})
    assert response.status == 403


def test_3_an_executive_filters_opens_an_indicator_and_sees_the_heat_map(page, site):
    sign_in(page, site, "executive")
    page.get_by_role("link", name="Performance", exact=True).click()
    page.select_option("#id_service_area", label="Public Health")
    page.get_by_role("button", name="Show").click()
    # Every figure narrows to Public Health: its indicators are all exceptions, listed in the exceptions table.
    main = page.locator("main").inner_text()
    assert "BCP251" in main and "DPE007" not in main and "Public Health: performance" in main
    assert_accessible(page)
    page.get_by_role("link", name="BCP251").first.click()
    assert "Alcohol-related hospital admissions" in page.locator("h1").inner_text()
    assert page.locator("svg.app-chart").is_visible()
    page.get_by_text("Show the figures as a table").click()
    assert "2019/20 Q1" in page.locator("details table").inner_text()
    assert_accessible(page)
    page.goto(f"{site}/risks/heat-map/")
    assert "14 High" in page.locator("table.app-heatmap").first.inner_text()
    assert_accessible(page)


def test_4_audit_downloads_the_corporate_register_and_is_refused_entry_forms(page, site):
    sign_in(page, site, "audit")
    page.goto(f"{site}/risks/?level=corporate")
    assert page.locator("tbody tr").count() == 3
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").first.click()
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    header = next(row[0].row for row in sheet.iter_rows() if row[0].value == "Reference")  # below the title rows
    assert sorted(row[0].value for row in sheet.iter_rows(min_row=header + 1)) == ["CRR10", "CRR23", "CRR9"]
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF (with the scoring matrix)").click()
    text = PdfReader(download.value.path()).pages[0].extract_text()
    assert text.count("14 High") == 3 and "risk register" in text
    for path in ("/performance/entry/", "/risks/CRR9/review/2019-20-Q1/", "/placements/entry/"):
        response = page.goto(f"{site}{path}")
        assert response.status == 403, path
    assert "You do not have access to this page" in page.locator("h1").inner_text()
    assert_accessible(page)


def test_5_the_entry_journey_with_the_keyboard_alone(page, site):
    page.goto(f"{site}/login/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    page.focus("#id_username")
    page.keyboard.type("manager.children")
    page.keyboard.press("Tab")
    page.keyboard.type("council-demo-2026")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site}/home/")
    page.goto(f"{site}/performance/entry/")
    page.wait_for_load_state()
    value_id = field_id(page, "BCP214", "value")
    # Tab from the first field until the BCP214 value has focus.
    page.focus("input[name$='-value']")
    for _ in range(60):
        if page.evaluate("document.activeElement.id") == value_id:
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == value_id
    page.keyboard.type("91")
    # Enter in a field saves a draft (Save as draft is the form's first button), never submits.
    page.keyboard.press("Enter")
    page.locator(".govuk-notification-banner--success", has_text="kept as drafts").wait_for()
    assert Actual.objects.get(indicator__code="BCP214", period__year=2019, period__quarter=1).state == "draft"
    submit = page.get_by_role("button", name="Submit figures")
    for _ in range(200):
        if page.evaluate("document.activeElement.textContent").strip() == "Submit figures":
            break
        page.keyboard.press("Tab")
    assert submit.evaluate("b => b === document.activeElement")
    page.keyboard.press("Enter")
    # The confirmation, then its first button ("Yes, submit it") with the keyboard.
    page.locator("h1", has_text="to the performance team?").wait_for()
    confirm = page.get_by_role("button", name=re.compile("Yes, submit"))
    for _ in range(60):
        if confirm.evaluate("b => b === document.activeElement"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator(".govuk-notification-banner--success", has_text="submitted to the performance team").wait_for()
    assert Actual.objects.get(indicator__code="BCP214", period__year=2019, period__quarter=1).value == 91


def test_6_the_officer_sends_a_figure_back_and_the_manager_answers_it_with_the_keyboard_alone(page, site):
    sign_in(page, site, "performance")
    page.goto(f"{site}/performance/submissions/2019-20-Q1/")
    page.get_by_role("link", name="Send back DPE007 with a question").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send it back").click()  # no question: refused, saying what is missing
    assert "Write the question the service manager should answer" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Your question").fill("Is 75.8% the June figure or the quarter's average?")
    page.get_by_role("button", name="Send it back").click()
    assert "was sent back to Children & Families Services" in page.locator(".govuk-notification-banner").inner_text()
    sign_out(page)

    page.goto(f"{site}/login/")
    page.focus("#id_username")
    page.keyboard.type("manager.children")
    page.keyboard.press("Tab")
    page.keyboard.type("council-demo-2026")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{site}/home/")
    assert "Answer the performance team's question on DPE007" in page.locator("main").inner_text()
    page.goto(f"{site}/performance/entry/")
    page.wait_for_load_state()
    assert "Is 75.8% the June figure or the quarter's average?" in page.locator("main").inner_text()
    assert_accessible(page)
    answer_id = field_id(page, "DPE007", "answer")
    page.focus("input[name$='-value']")
    for _ in range(80):
        if page.evaluate("document.activeElement.id") == answer_id:
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == answer_id
    page.keyboard.type("The quarter's average of the three months")
    submit = page.get_by_role("button", name="Submit figures")
    for _ in range(200):
        if submit.evaluate("b => b === document.activeElement"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator("h1", has_text="to the performance team?").wait_for()
    assert "The quarter's average of the three months" in page.locator("table").inner_text()
    confirm = page.get_by_role("button", name=re.compile("Yes, submit"))
    for _ in range(60):
        if confirm.evaluate("b => b === document.activeElement"):
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator(".govuk-notification-banner--success", has_text="your answer on DPE007 went with the figures").wait_for()
    figure = Actual.objects.get(indicator__code="DPE007", period__year=2019, period__quarter=1)
    assert figure.state == "submitted" and figure.answer == "The quarter's average of the three months"


def test_7_the_review_says_the_rating_as_the_scores_change_and_confirms_no_change(page, site):
    from risks.models import RiskReview

    sign_in(page, site, "manager.children")
    page.goto(f"{site}/risks/CRR9/review/2019-20-Q1/")
    assert_accessible(page)
    assert page.locator("[data-rating]").first.inner_text().startswith("2 x 7 = 14")
    page.select_option("#id_likelihood", "4")
    assert page.locator("[data-rating]").first.inner_text() == "4 x 7 = 28 (Critical)"
    page.fill("#id_same-comment", "Caseloads and controls checked with the service")
    page.get_by_role("button", name="Reviewed, no change").click()
    assert "no change since 2018/19 Q4" in page.locator(".govuk-notification-banner--success").inner_text()
    made = RiskReview.objects.get(risk__reference="CRR9", period__year=2019, period__quarter=1)
    assert made.unchanged and (made.likelihood, made.impact) == (2, 7)  # last quarter's, not the changed select
    assert_accessible(page)
