"""The covering report (issue 19): the paper a pack opens with, in the council's report template, written on
the packs page, saved as a draft, previewed, then issued and frozen with the pack."""

from __future__ import annotations

import html

import pytest

from organisation.models import AuditEvent
from packs import covering
from packs.models import CoveringReport, Pack
from tests.packs.test_packs import committee, docx_text, flat, issue, lock, pdf_pages

Q1 = "2019/20 Q1"


@pytest.fixture
def locked_demo(officer_user, db):
    from organisation import demo

    demo.load_data()
    return lock(officer_user, Q1)


def url(quarter, name="People Scrutiny Commission", directorate=""):
    return f"/packs/covering/?quarter={quarter.pk}&committee={committee(name).pk}&directorate={directorate}"


def form_data(client, address) -> dict:
    """What the form holds now, as a browser would post it back."""
    response = client.get(address)
    assert response.status_code == 200
    form = response.context["form"]
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data["action"] = "save"
    return data


@pytest.mark.parametrize(("persona", "status"), [("officer", 200), ("executive", 403), ("audit", 403),
                                                 ("manager_a", 403), ("outsider", 403), ("anonymous", 302)],
                         indirect=["persona"])
def test_only_the_performance_officer_writes_the_covering_report(persona, status, locked_demo):
    assert persona.get(url(locked_demo)).status_code == status
    assert persona.post(url(locked_demo), {"summary": "x", "action": "save"}).status_code == status \
        if status != 200 else True


def test_the_draft_starts_from_the_figures_and_the_committee(officer, locked_demo):
    people = committee()
    people.officer_presenting, people.contact_telephone = "Jacqui Jensen", "0117 357 6390"
    people.save()
    page = officer.get(url(locked_demo))
    form = page.context["form"]
    assert form["officer_presenting"].value() == "Jacqui Jensen"
    assert form["title"].value() == "Performance progress report, 2019/20 Q1"
    context = form["context"].value()
    summary = page.context["form"].fields  # the areas' narratives are fields too
    assert "of the 29 PIs with established targets are performing on or above target (5)" in context
    assert any(name.startswith("narrative_") for name in summary)
    assert "Filled in from the committee's standing text." in html.unescape(page.content.decode())


def test_a_saved_draft_is_kept_audited_and_read_back(officer, locked_demo):
    data = form_data(officer, url(locked_demo))
    data["summary"] = "Our own summary of the quarter."
    data["narrative_0"] = "Home First continues to improve."
    response = officer.post(url(locked_demo), data)
    assert response.status_code == 302
    draft = CoveringReport.objects.get()
    assert draft.sections["summary"] == "Our own summary of the quarter." and draft.version == 1
    assert "Home First continues to improve." in draft.narratives.values()
    assert AuditEvent.objects.filter(object_type="Covering report", detail__contains="summary").exists()
    again = officer.get(url(locked_demo))
    assert again.context["form"]["summary"].value() == "Our own summary of the quarter."
    assert "Filled in from your saved draft." in html.unescape(again.content.decode())


@pytest.mark.parametrize(("field", "value", "message"), [
    ("summary", "x" * 10_001, "the summary is 10,001 characters long: the most allowed is 10,000"),
    ("title", "Two\nlines", "the title is on more than one line"),
    ("officer_presenting", "x" * 201, "the most allowed is 200"),
    ("narrative_0", "x" * 10_001, "10,001 characters long"),
])
def test_bad_input_is_refused_naming_the_section_and_nothing_is_saved(officer, locked_demo, field, value, message):
    data = form_data(officer, url(locked_demo))
    data[field] = value
    response = officer.post(url(locked_demo), data)
    assert response.status_code == 400
    page = flat(response.content.decode())
    assert "There is a problem" in page and message.lower() in page.lower()
    assert not CoveringReport.objects.exists()


def test_a_draft_saved_by_someone_else_since_is_not_overwritten(officer, locked_demo):
    first = form_data(officer, url(locked_demo))
    second = dict(first)
    first["summary"] = "First officer's summary."
    assert officer.post(url(locked_demo), first).status_code == 302
    second["summary"] = "Second officer's summary."
    response = officer.post(url(locked_demo), second)
    assert response.status_code == 400 and "saved this covering report after you opened it" in flat(
        response.content.decode())
    assert CoveringReport.objects.get().sections["summary"] == "First officer's summary."


def test_clearing_the_draft_brings_the_defaults_back(officer, locked_demo):
    data = form_data(officer, url(locked_demo))
    data["summary"] = "Short-lived."
    officer.post(url(locked_demo), data)
    officer.post(url(locked_demo), {"action": "reset"})
    assert not CoveringReport.objects.exists()
    assert officer.get(url(locked_demo)).context["form"]["summary"].value().startswith("The report and its appendices")


def test_a_bad_scope_is_a_message_not_an_error(officer, db):
    response = officer.get("/packs/covering/?quarter=abc&committee=999")
    assert response.status_code == 400
    assert "Choose one of the quarters" in response.content.decode()
    assert officer.get("/packs/covering/").status_code == 200  # the chooser


def test_the_pack_opens_with_the_covering_report_in_pdf_and_word_and_issuing_freezes_it(officer, locked_demo):
    data = form_data(officer, url(locked_demo))
    data["summary"] = "Quarter one in brief: steady progress."
    data["recommendation"] = "To note the report."
    officer.post(url(locked_demo), data)
    first = issue(officer, locked_demo)
    pages = pdf_pages(bytes(first.part_a_pdf))
    covering_page = flat(pages[1])
    for words in ("Report of:", "Ward:", "Officer presenting report:", "Recommendation", "To note the report.",
                  "1. Summary", "Quarter one in brief: steady progress.", "2. Context", "Service areas",
                  "Adult Social Care"):
        assert words in covering_page or words in flat(" ".join(pages[1:4])), words
    word = flat(docx_text(bytes(first.part_a_docx)))
    for words in ("Covering report", "Quarter one in brief: steady progress.", "6. Public Sector Equality Duties",
                  "Background papers", "Appendix A1: Performance progress report"):
        assert words in word or words.replace("Performance", "All directorates performance") in word, words
    assert first.covering["sections"]["summary"] == "Quarter one in brief: steady progress."
    # The same pack again is refused; a changed covering report is a new version, and version 1 is unchanged.
    response = officer.post("/packs/", {"quarter": locked_demo.pk, "committee": committee().pk,
                                        "meeting_date": "14/10/2019", "directorate": "", "action": "issue"})
    assert "already says all of this" in flat(response.content.decode())
    data = form_data(officer, url(locked_demo))
    data["summary"] = "A corrected summary."
    officer.post(url(locked_demo), data)
    second = issue(officer, locked_demo)
    assert second.version == 2 and "A corrected summary." in flat(" ".join(pdf_pages(bytes(second.part_a_pdf))))
    first = Pack.objects.get(pk=first.pk)
    assert first.covering["sections"]["summary"] == "Quarter one in brief: steady progress."
    assert "Quarter one in brief" in flat(" ".join(pdf_pages(bytes(first.part_a_pdf))))


def test_the_next_pack_starts_from_what_the_last_one_said(officer, locked_demo, officer_user):
    data = form_data(officer, url(locked_demo))
    data["consultation"] = "Presented to the People DMT on 1 October."
    officer.post(url(locked_demo), data)
    issue(officer, locked_demo)
    from organisation.models import ReportingPeriod

    q2 = ReportingPeriod.for_label("2019/20 Q2")
    form = officer.get(url(q2)).context["form"]
    assert form["consultation"].value() == "Presented to the People DMT on 1 October."
    assert form["summary"].value().startswith("The report and its appendices summarise progress in 2019/20 Q2")


def test_the_covering_page_query_count_does_not_grow_with_the_draft(officer, locked_demo,
                                                                   django_assert_max_num_queries):
    from django.db import connection

    address = url(locked_demo)
    connection.queries_log.clear()  # a full log (9,000 entries) would make the count read 0
    with django_assert_max_num_queries(200) as before:
        officer.get(address)
    count = len(before)
    assert count > 10
    data = form_data(officer, url(locked_demo))
    data.update({name: "Written." for name in data if name.startswith("narrative_")})
    officer.post(address, data)
    connection.queries_log.clear()
    with django_assert_max_num_queries(count + 2):
        officer.get(address)


def test_resolving_prefers_the_draft_then_the_committee_then_the_last_pack_then_the_figures(locked_demo):
    assert [key for key, _, _ in covering.SECTIONS][:3] == ["report_of", "title", "wards"]
    assert set(covering.TEMPLATE) <= set(covering.SECTION_KEYS)


# --- targets and keys as published ---------------------------------------------------------------------------

def test_the_target_column_gives_the_years_target_and_new_pis_and_the_commitments_key(officer, locked_demo):
    from packs import services as pack_services

    made = pack_services.build(quarter=locked_demo, committee=committee(), meeting_date=locked_demo.end.replace(
        month=10, day=14), directorate=None, draft=False)
    lines = {line.code: line for _, group in made.performance.quarterly for line in group}
    assert lines["BCP212"].target == "24" and lines["BCP212"].target_to_date == "6"
    news = [line for _, group in made.performance.quarterly + made.performance.annual for line in group
            if line.outturn == "New PI 2019/20"]
    olds = [line for _, group in made.performance.quarterly for line in group if line.outturn not in
            ("n/a", "New PI 2019/20")]
    assert olds  # indicators with last year's figure give it
    key = dict(made.performance.commitments)
    assert key and all(title for title in key.values())
    codes = [code for code, _ in made.performance.commitments]
    from packs.content import natural_key

    assert codes == sorted(codes, key=natural_key)
    pdf = flat(" ".join(pdf_pages(pack_services.render(made, "a", "pdf"))))
    assert "(6 to date)" in pdf and "Key commitments" in pdf
    if news:
        assert "New PI 2019/20" in pdf


def test_the_year_target_is_the_one_recorded_at_the_lock(officer, locked_demo):
    from decimal import Decimal

    from kpis import services as kpi_services
    from kpis.models import Indicator, RecordedIndicator
    from organisation import roles
    from organisation.models import ReportingPeriod
    from packs import services as pack_services
    from tests.conftest import make_user

    assert RecordedIndicator.objects.get(quarter=locked_demo, code="BCP212").year_target == Decimal("24")
    ReportingPeriod.for_label("2019/20 Q2")  # the year goes on: its target may change for the quarters to come
    kpi_services.target_set(user=make_user("t-officer", roles.PERFORMANCE_OFFICER),
                            indicator=Indicator.objects.get(code="BCP212"),
                            period=ReportingPeriod.for_label("2019/20"), value=Decimal("30"))
    made = pack_services.build(quarter=locked_demo, committee=committee(), meeting_date=locked_demo.end.replace(
        month=10, day=14), directorate=None, draft=False)
    lines = {line.code: line for _, group in made.performance.quarterly for line in group}
    assert lines["BCP212"].target == "24"


@pytest.mark.parametrize(("text", "key"), [("CRR9", "CRR000000000009"), ("CRR10", "CRR000000000010")])
def test_natural_order(text, key):
    from packs.content import natural_key

    assert natural_key(text) == key
    assert sorted(["CRR10", "CRR23", "CRR9", "SRR2"], key=natural_key) == ["CRR9", "CRR10", "CRR23", "SRR2"]


# --- corrigenda --------------------------------------------------------------------------------------------

def test_a_later_version_names_what_it_supersedes_why_and_every_figure_that_changed(officer, locked_demo,
                                                                                  officer_user):
    from decimal import Decimal

    from kpis import services as kpi_services
    from kpis.models import Actual
    from kpis.services import FigureInput
    from organisation import services as organisation_services
    from organisation.models import ReportingPeriod

    first = issue(officer, locked_demo)
    organisation_services.period_reopen(user=officer_user, period=locked_demo, reason="BCP212 recounted")
    quarter = ReportingPeriod.objects.get(pk=locked_demo.pk)
    actual = Actual.objects.get(indicator__code="BCP212", period=quarter)
    kpi_services.figures_save(user=officer_user, quarter=quarter, submit=True, figures=[FigureInput(
        indicator=actual.indicator, period=quarter, version=actual.version, value=Decimal(5), numerator=None,
        denominator=None, commentary="Recounted: 5")])
    organisation_services.period_lock(user=officer_user, period=quarter, sign_off_submitted=True)
    second = issue(officer, ReportingPeriod.objects.get(pk=locked_demo.pk))
    cover = flat(pdf_pages(bytes(second.part_a_pdf))[0])
    assert "Corrigendum" in cover and f"supersedes version {first.version}" in cover
    assert "BCP212 recounted" in cover
    assert "BCP212 value: 8 -> 5" in cover
    word = flat(docx_text(bytes(second.part_a_docx)))
    assert "Corrigendum" in word and "BCP212 value: 8 -> 5" in word


def test_corrections_are_listed_old_to_new_in_natural_order():
    from packs.content import corrections

    before = {"figures": {"BCP9": {"value": "1", "status": "On target"}, "BCP10": {"value": "2", "status": "x"},
                          "GONE1": {"value": "1", "status": "x"}},
              "risks": {"CRR10": {"rating": 14}, "CRR9": {"rating": 4}}}
    now = {"figures": {"BCP9": {"value": "3", "status": "Below target"}, "BCP10": {"value": "2", "status": "x"},
                       "NEW1": {"value": "1", "status": "x"}},
           "risks": {"CRR10": {"rating": 21}, "CRR9": {"rating": 4}, "CRR11": {"rating": 1}}}
    assert corrections(before, now) == [
        "BCP9 value: 1 -> 3", "BCP9 status: On target -> Below target", "GONE1: no longer in the report",
        "NEW1: added to the report", "CRR10 rating: 14 -> 21", "CRR11: added to the register"]
    assert corrections(now, now) == []


# --- Word equal to PDF -------------------------------------------------------------------------------------

def test_the_word_copy_has_the_packs_own_styles_sizes_alignment_and_contents(officer, locked_demo):
    import io

    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    pack = issue(officer, locked_demo)
    document = Document(io.BytesIO(bytes(pack.part_a_docx)))
    sizes = {run.font.size for table in document.tables for row in table.rows for cell in row.cells
             for paragraph in cell.paragraphs for run in paragraph.runs if run.font.size}
    assert sizes and min(sizes) >= Pt(9)
    for name in ("Heading 1", "Heading 2", "Title"):
        style = document.styles[name]
        assert str(style.font.color.rgb) == "0B0C0C" and style.font.name == "Arial"
    right = [cell for table in document.tables for row in table.rows[1:] for cell in row.cells
             if cell.text.strip() in ("24", "8") and cell.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT]
    assert right
    text = flat(docx_text(bytes(pack.part_a_docx)))
    assert "Contents" in text and "Appendix A1: performance progress report" in text
    assert "14 October 2019" in text and "014 October" not in text
