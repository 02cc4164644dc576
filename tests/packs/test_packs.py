"""The committee pack: one truth with the pages, Part A and Part B, every page numbered and headed,
issued packs kept as issued, drafts marked, the command, roles, bad input and query counts."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import strip_tags
from docx import Document
from pypdf import PdfReader

from organisation import demo
from organisation import services as organisation_services
from organisation.models import AuditEvent, ReportingPeriod
from organisation.records import RecordError
from packs import content, services
from packs.models import Committee, Pack
from risks.models import Risk
from tests.risks.conftest import make_risk, review

Q1 = "2019/20 Q1"


# --- reading the files -------------------------------------------------------------------------

def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def docx_text(data: bytes) -> str:
    """Every word of a Word file: body paragraphs, table cells, headers and footers."""
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    for section in document.sections:
        for part in (section.header, section.footer):
            parts += [p.text for p in part.paragraphs]
    return "\n".join(parts)


def page_text(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def committee(name="People Scrutiny Commission") -> Committee:
    return Committee.objects.get(name=name)


def issue(client, quarter: ReportingPeriod, *, meeting="14/10/2019", name="People Scrutiny Commission",
          directorate="") -> Pack:
    before = Pack.objects.count()
    response = client.post("/packs/", {"quarter": quarter.pk, "committee": committee(name).pk, "meeting_date": meeting,
                                       "directorate": directorate, "action": "issue"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Pack.objects.count() == before + 1
    return Pack.objects.order_by("-pk").first()


def lock(user, label: str) -> ReportingPeriod:
    quarter = ReportingPeriod.for_label(label)
    organisation_services.period_lock(user=user, period=quarter, sign_off_submitted=True)
    return ReportingPeriod.objects.get(pk=quarter.pk)


# --- the demo pack agrees with the pages ----------------------------------------------------------

@pytest.fixture
def demo_q1_issued(officer, officer_user):
    """The demo data, 2019/20 Q1 signed off and locked by the performance officer, its pack issued from the page."""
    demo.load_data()
    quarter = lock(officer_user, Q1)
    return issue(officer, quarter)


def test_the_demo_pack_gives_the_numbers_the_dashboard_home_page_heat_map_register_and_export_give(
        demo_q1_issued, executive, audit):
    pack = demo_q1_issued
    part_a = flat(" ".join(pdf_pages(bytes(pack.part_a_pdf))))
    word = flat(docx_text(bytes(pack.part_a_docx)))

    # Performance: the dashboard's summary, RAG counts and exceptions, as the executive reads them.
    dashboard = page_text(executive.get(f"/performance/?period={pack.quarter.slug}"))
    on_or_above = re.search(r"On or above target\s*(\d+% \(\d+\))", dashboard).group(1)
    improved = re.search(r"Improved on a year ago\s*(\d+% \(\d+\))", dashboard).group(1)
    exceptions = re.search(r"Exceptions\s*(\d+)\s*below target or worsened", dashboard).group(1)
    home = page_text(executive.get("/home/"))
    assert f"Performance, {Q1}" in home  # the executive lands on the quarter just locked
    green, amber, red = re.search(r"RAG\s*(\d+) green, (\d+) amber, (\d+) red", home).groups()
    assert re.search(rf"On or above target\s*{re.escape(on_or_above)}", home)
    for text in (part_a, word):
        assert f"{on_or_above} PIs are on or above target" in text
        assert f"{improved} improved on the same period last year" in text
        assert f"Exceptions: below target or worsened, worst first ({exceptions})" in text
    assert f"{green} / {amber} / {red}" in part_a and f"{green} green, {amber} amber and {red} red" in word

    # Risks: the audit committee's home page, the register, the heat map and the export.
    audit_home = page_text(audit.get("/home/"))
    count, outside = map(int, re.search(
        r"(\d+) risks? on the corporate and directorate registers, (\d+) outside tolerance", audit_home).groups())
    register = page_text(audit.get(f"/risks/?period={pack.quarter.slug}&outside=yes"))
    assert re.search(rf"\b{outside} risks?\b", register)
    heat = audit.get(f"/risks/heat-map/?period={pack.quarter.slug}").content.decode()
    in_cells = sum(int(n) for n in re.findall(r'cell=current-\d+-\d+">(\d+)<', heat))
    export = list(csv.DictReader(io.StringIO(audit.get(f"/risks/export.csv?period={pack.quarter.slug}")
                                             .content.decode("utf-8-sig"))))
    assert in_cells == count == len(export)
    assert sum(row["Outside tolerance"] == "Yes" for row in export) == outside
    for text in (part_a, word):
        assert f"{count} risk{'s' if count != 1 else ''} on the corporate and directorate registers; " \
               f"{outside} outside tolerance" in text
    # The heat map plots the references where the register rates them.
    from organisation.ordering import natural

    references = sorted((row["Reference"] for row in export), key=natural)
    for row in export:
        assert row["Reference"] in part_a and row["Reference"] in word
        assert f"{row['Current rating']} {row['Current level']}" in part_a
    assert ", ".join(references) in part_a

    # The reported status set by the officer shows in the pack as it does on the dashboard.
    assert pack.contents["quarter"] == Q1


def test_every_page_of_both_parts_has_its_number_the_council_committee_meeting_and_part(demo_q1_issued):
    pack = demo_q1_issued
    for field, part in (("part_a_pdf", "Part A (public)"), ("part_b_pdf", "Part B: NOT FOR PUBLICATION")):
        pages = pdf_pages(bytes(getattr(pack, field)))
        assert len(pages) >= 2
        for number, text in enumerate(pages, start=1):
            assert f"Page {number} of {len(pages)}" in text, (field, number)
            assert "People Scrutiny Commission" in text and "14 October 2019" in text and part in text
            assert "DRAFT" not in text  # issued from a locked quarter
        reader = PdfReader(io.BytesIO(bytes(getattr(pack, field))))
        assert reader.pages[0].mediabox.width < reader.pages[0].mediabox.height  # A4 portrait cover
        assert round(float(reader.pages[0].mediabox.height)) == 842  # A4
        assert reader.trailer["/Root"].get("/StructTreeRoot") is not None  # tagged for screen readers
    for field in ("part_a_docx", "part_b_docx"):
        document = Document(io.BytesIO(bytes(getattr(pack, field))))
        footer = "".join(p._p.xml for section in document.sections for p in section.footer.paragraphs)
        assert "PAGE" in footer and "NUMPAGES" in footer  # "Page n of N" fields on every page
        headers = [p.text for section in document.sections for p in section.header.paragraphs]
        assert all("People Scrutiny Commission | 14 October 2019" in h for h in headers if h)
    assert hashlib.sha256(bytes(pack.part_a_pdf)).hexdigest() == pack.sha256["part_a_pdf"]


def test_the_audit_committee_downloads_the_issued_pack_from_its_home_page(demo_q1_issued, audit):
    from organisation import roles
    from organisation.models import ServiceArea
    from tests.conftest import client_for, make_user

    pack = demo_q1_issued
    manager = client_for(make_user("demo.manager", roles.SERVICE_MANAGER,
                                   areas=[ServiceArea.objects.get(name="Children & Families Services")]))
    home = audit.get("/home/").content.decode()
    link = f"/packs/{pack.pk}/part-a.pdf"
    assert link in home
    response = audit.get(link)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content if response.streaming else [response.content]) == \
        bytes(pack.part_a_pdf)
    assert manager.get(link).status_code == 403
    assert link not in manager.get("/home/").content.decode()


# --- Part A and Part B --------------------------------------------------------------------------

@pytest.fixture
def exempt_council(directorate, area_a, officer_user, locked_quarter):
    public = make_risk("CRR1", directorate, area_a, description="Public description of the risk")
    secret = make_risk("CRR99", directorate, area_a, exempt=True, exempt_paragraph=3,
                       description="Confidential negotiation with Provider X", causes="Commercial terms",
                       risk_owner="Named Officer", title="Contract dispute")
    review(public, "2018/19 Q4")
    review(secret, "2018/19 Q4", controls="Secret control: legal advice", actions="Secret action: settle")
    return locked_quarter


def test_exempt_detail_is_in_part_b_and_nowhere_in_part_a(officer, exempt_council):
    pack = issue(officer, exempt_council, meeting="12/06/2019")
    secrets = ("Confidential negotiation with Provider X", "Commercial terms", "Secret control", "Secret action",
               "Named Officer")
    part_a = flat(" ".join(pdf_pages(bytes(pack.part_a_pdf))))
    part_a_word = flat(docx_text(bytes(pack.part_a_docx)))
    for text in (part_a, part_a_word):
        assert "CRR99" in text and "Contract dispute" in text and "14 High" in text  # reference, title, rating
        assert "Public description of the risk" in text
        for secret in secrets:
            assert secret not in text
    part_b = flat(" ".join(pdf_pages(bytes(pack.part_b_pdf))))
    part_b_word = flat(docx_text(bytes(pack.part_b_docx)))
    for text in (part_b, part_b_word):
        assert "NOT FOR PUBLICATION" in text and "paragraph 3 of Part 1 of Schedule 12A" in text
        for secret in secrets:
            assert secret in text
        assert "Public description of the risk" not in text  # Part B holds the exempt risks only
    assert pack.has_exempt_part and pack.contents["exempt_references"] == ["CRR99"]


def test_part_b_says_so_when_no_risk_is_exempt(officer, corporate_risk, locked_quarter):
    pack = issue(officer, locked_quarter, meeting="12/06/2019")
    text = flat(" ".join(pdf_pages(bytes(pack.part_b_pdf))))
    assert "NOT FOR PUBLICATION" in text and "No risk on these registers is exempt this quarter" in text
    assert "paragraph 3" not in text
    assert not pack.has_exempt_part


@pytest.mark.parametrize("persona,part_a,part_b", [
    ("officer", 200, 200), ("executive", 200, 200), ("audit", 200, 200),
    ("manager_a", 403, 403), ("outsider", 403, 403),
], indirect=["persona"])
def test_who_downloads_which_part(persona, part_a, part_b, officer, exempt_council):
    pack = issue(officer, exempt_council, meeting="12/06/2019")
    assert persona.get(f"/packs/{pack.pk}/part-a.pdf").status_code == part_a
    assert persona.get(f"/packs/{pack.pk}/part-a.docx").status_code == part_a
    assert persona.get(f"/packs/{pack.pk}/part-b.pdf").status_code == part_b
    assert persona.get(f"/packs/{pack.pk}/part-b.docx").status_code == part_b


def test_bad_download_addresses_are_not_found(audit, officer, exempt_council):
    pack = issue(officer, exempt_council, meeting="12/06/2019")
    for url in (f"/packs/{pack.pk}/part-c.pdf", f"/packs/{pack.pk}/part-a.exe", f"/packs/{pack.pk + 99}/part-a.pdf"):
        assert audit.get(url).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(anonymous, officer, exempt_council):
    pack = issue(officer, exempt_council, meeting="12/06/2019")
    for url in ("/packs/", f"/packs/{pack.pk}/part-a.pdf"):
        response = anonymous.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


# --- issued packs never change ------------------------------------------------------------------

def test_an_issued_pack_is_unchanged_by_a_correction_and_a_reissue_is_a_new_version(
        officer, officer_user, directorate, area_a, open_quarter):
    from risks import services as risk_services

    risk = make_risk("CRR5", directorate, area_a, title="Budget pressure")
    review(risk, Q1, likelihood=2, impact=7)
    quarter = lock(officer_user, Q1)
    first = issue(officer, quarter, meeting="14/10/2019")
    kept = {name: bytes(getattr(first, name)) for name in ("part_a_pdf", "part_b_pdf", "part_a_docx", "part_b_docx")}
    assert "14 High" in flat(" ".join(pdf_pages(kept["part_a_pdf"])))

    # A correction: reopen with a reason, re-score, lock again, re-issue.
    organisation_services.period_reopen(user=officer_user, period=quarter, reason="Re-scored after the meeting")
    found = risk.reviews.get(period=quarter)
    risk_services.review_save(user=officer_user, risk=risk, period=quarter, version=found.version,
                              data=risk_services.ReviewInput(4, 7, 1, 7))
    quarter = lock(officer_user, Q1)
    second = issue(officer, quarter, meeting="14/10/2019")

    first.refresh_from_db()
    for name, data in kept.items():
        assert bytes(getattr(first, name)) == data
        assert hashlib.sha256(data).hexdigest() == first.sha256[name]
    assert (first.version, second.version) == (1, 2)
    assert first.contents["risks"]["CRR5"]["rating"] == 14 and second.contents["risks"]["CRR5"]["rating"] == 28
    assert "4 7 28 Critical" in flat(" ".join(pdf_pages(bytes(second.part_a_pdf))))
    assert "4 7 28 Critical" not in flat(" ".join(pdf_pages(kept["part_a_pdf"])))
    assert first.data_version != second.data_version
    assert "This version supersedes version 1" in flat(pdf_pages(bytes(second.part_a_pdf))[0])
    assert AuditEvent.objects.filter(action="pack_issued").count() == 2

    # Reopened and locked again with nothing changed: the record is the same, so no third version.
    organisation_services.period_reopen(user=officer_user, period=quarter, reason="A check")
    quarter = lock(officer_user, Q1)
    with pytest.raises(RecordError, match="Version 2 of this pack"):
        services.pack_issue(user=officer_user, committee=committee(), quarter=quarter,
                            meeting_date=date(2019, 10, 14))


def test_the_model_refuses_to_change_or_delete_an_issued_pack(officer, exempt_council):
    pack = issue(officer, exempt_council, meeting="12/06/2019")
    pack.meeting_date = date(2019, 7, 1)
    with pytest.raises(RecordError):
        pack.save()
    with pytest.raises(RecordError):
        pack.delete()
    assert Pack.objects.get(pk=pack.pk).meeting_date == date(2019, 6, 12)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger is PostgreSQL's")
def test_the_database_refuses_to_change_or_delete_an_issued_pack(officer, exempt_council):
    from django.db import DatabaseError

    pack = issue(officer, exempt_council, meeting="12/06/2019")
    for write in (lambda: Pack.objects.filter(pk=pack.pk).update(part_a_pdf=b"forged"),
                  lambda: Pack.objects.filter(pk=pack.pk)._raw_delete(Pack.objects.db)):
        with pytest.raises(DatabaseError), transaction.atomic():
            write()
    assert bytes(Pack.objects.get(pk=pack.pk).part_a_pdf) == bytes(pack.part_a_pdf)


def test_a_pack_is_issued_for_a_locked_quarter_only(officer, open_quarter, corporate_risk):
    response = officer.post("/packs/", {"quarter": open_quarter.pk, "committee": committee().pk,
                                        "meeting_date": "14/10/2019", "action": "issue"})
    assert response.status_code == 400
    assert "is not locked" in response.content.decode()
    assert not Pack.objects.exists()


def test_issuing_the_same_pack_again_is_refused_naming_the_version_that_says_it(officer, exempt_council):
    first = issue(officer, exempt_council, meeting="12/06/2019")
    response = officer.post("/packs/", {"quarter": exempt_council.pk, "committee": committee().pk,
                                        "meeting_date": "12/06/2019", "directorate": "", "action": "issue"})
    assert response.status_code == 400
    text = flat(strip_tags(response.content.decode()))
    assert "Version 1 of this pack, issued on" in text and "reopen the quarter" in text
    assert Pack.objects.count() == 1
    assert AuditEvent.objects.filter(action="pack_issued").count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Pack.objects.create(**{f.attname: getattr(first, f.attname) for f in Pack._meta.concrete_fields
                               if f.name != "id"})


def test_a_moved_meeting_is_a_new_version_that_says_what_it_supersedes(officer, exempt_council):
    first = issue(officer, exempt_council, meeting="12/06/2019")
    second = issue(officer, exempt_council, meeting="19/06/2019")
    assert (first.version, second.version) == (1, 2)
    supersedes = f"This version supersedes version 1, issued on {timezone.localtime(first.issued_at).day} " \
                 f"{timezone.localtime(first.issued_at):%B %Y}."
    assert supersedes in flat(pdf_pages(bytes(second.part_a_pdf))[0])
    assert supersedes in docx_text(bytes(second.part_a_docx))
    assert "supersedes" not in flat(pdf_pages(bytes(first.part_a_pdf))[0])
    assert AuditEvent.objects.filter(action="pack_issued", detail__contains="supersedes version 1").count() == 1


# --- drafts and previews --------------------------------------------------------------------------

def test_a_draft_preview_of_an_open_quarter_is_marked_draft_on_every_page_and_kept_nowhere(
        officer, open_quarter, corporate_risk):
    response = officer.post("/packs/", {"quarter": open_quarter.pk, "committee": committee().pk,
                                        "meeting_date": "14/10/2019", "part": "a", "action": "preview-pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "draft-pack-" in response["Content-Disposition"]
    pages = pdf_pages(response.content)
    assert all("DRAFT" in text for text in pages)
    word = officer.post("/packs/", {"quarter": open_quarter.pk, "committee": committee().pk,
                                    "meeting_date": "14/10/2019", "part": "b", "action": "preview-docx"})
    assert word.status_code == 200
    document = Document(io.BytesIO(word.content))
    assert all("DRAFT" in "".join(p.text for p in s.header.paragraphs) for s in document.sections)
    assert "NOT FOR PUBLICATION" in docx_text(word.content)
    assert not Pack.objects.exists()


def test_a_locked_quarter_previews_without_the_draft_marking(officer, exempt_council):
    response = officer.post("/packs/", {"quarter": exempt_council.pk, "committee": committee().pk,
                                        "meeting_date": "12/06/2019", "action": "preview-pdf"})
    assert response.status_code == 200
    assert not any("DRAFT" in text for text in pdf_pages(response.content))
    assert not Pack.objects.exists()


# --- what changed since the last meeting -----------------------------------------------------------

def test_changes_are_reported_against_the_last_pack_to_the_committee(officer, officer_user, directorate, area_a,
                                                                      open_quarter):
    stays = make_risk("CRR1", directorate, area_a, title="Stays the same")
    rerated = make_risk("CRR2", directorate, area_a, title="Gets worse")
    closing = make_risk("CRR3", directorate, area_a, title="Is closed")
    escalating = make_risk("DRR4", directorate, area_a, register="directorate", title="Goes corporate")
    for risk in (stays, rerated, closing, escalating):
        review(risk, "2018/19 Q4")
    q4 = lock(officer_user, "2018/19 Q4")
    issue(officer, q4, meeting="12/06/2019", name="Audit Committee")

    new = make_risk("CRR6", directorate, area_a, title="Brand new")
    review(new, Q1)
    review(rerated, Q1, likelihood=4, impact=7)
    review(stays, Q1)
    Risk.objects.filter(pk=closing.pk).update(status=Risk.Status.CLOSED)
    Risk.objects.filter(pk=escalating.pk).update(register="corporate")
    review(escalating, Q1)
    q1 = lock(officer_user, Q1)
    pack = issue(officer, q1, meeting="14/10/2019", name="Audit Committee")

    made = services.build(quarter=q1, committee=committee("Audit Committee"), meeting_date=date(2019, 10, 14),
                          directorate=None, draft=False)
    changes = {(c.reference, c.what) for c in made.risks.changes}
    assert changes == {("CRR6", "New"), ("CRR3", "Closed"), ("DRR4", "Escalated"), ("CRR2", "Re-rated")}
    assert "the last meeting (12 June 2019, 2018/19 Q4)" in made.risks.since
    text = flat(" ".join(pdf_pages(bytes(pack.part_a_pdf))))
    assert "What changed since the last meeting (12 June 2019, 2018/19 Q4)" in text
    assert "from 14 to 28" in text

    # With no earlier pack to that committee, the previous quarter is the comparison.
    other = services.build(quarter=q1, committee=committee("Cabinet"), meeting_date=date(2019, 10, 14),
                           directorate=None, draft=False)
    assert other.risks.since == "2018/19 Q4 (the previous quarter)"


def test_a_risk_outside_tolerance_for_three_quarters_is_long_standing(officer_user, directorate, area_a):
    risk = make_risk("CRR7", directorate, area_a, title="Long outside")
    for label in ("2018/19 Q2", "2018/19 Q3", "2018/19 Q4"):
        review(risk, label, likelihood=4, impact=7)
    quarter = lock(officer_user, "2018/19 Q4")
    made = services.build(quarter=quarter, committee=committee(), meeting_date=date(2019, 6, 12), directorate=None,
                          draft=False)
    assert [(line.reference, line.quarters_outside) for line in made.risks.long_standing] == [("CRR7", 3)]


# --- the form ---------------------------------------------------------------------------------

@pytest.mark.parametrize("data,field,message", [
    ({"quarter": ""}, "quarter", "Choose the quarter"),
    ({"quarter": "99999"}, "quarter", "Choose one of the quarters"),
    ({"committee": "x"}, "committee", "Choose one of the committees"),
    ({"meeting_date": "31/02/2019"}, "meeting_date", "Enter the meeting date as a date"),
    ({"meeting_date": "1/1/2019"}, "meeting_date", "must fall after it ends"),
    ({"meeting_date": "01/01/2999"}, "meeting_date", "is too far ahead: check the year"),
    ({"directorate": "/"}, "directorate", "Choose one of the directorates"),
])
def test_bad_input_is_refused_with_a_message_and_nothing_is_issued(officer, exempt_council, data, field, message):
    post = {"quarter": exempt_council.pk, "committee": committee().pk, "meeting_date": "12/06/2019",
            "directorate": "", "action": "issue"} | data
    response = officer.post("/packs/", post)
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and message in page and f'href="#id_{field}"' in page
    assert not Pack.objects.exists()


@pytest.mark.parametrize("persona", ["executive", "audit", "manager_a", "outsider"], indirect=True)
def test_only_the_performance_officer_issues_or_previews(persona, exempt_council):
    response = persona.post("/packs/", {"quarter": exempt_council.pk, "committee": committee().pk,
                                        "meeting_date": "12/06/2019", "action": "issue"})
    assert response.status_code == 403
    assert not Pack.objects.exists()


@pytest.mark.parametrize("persona,status,form", [
    ("officer", 200, True), ("executive", 200, False), ("audit", 200, False), ("manager_a", 403, False),
    ("outsider", 403, False),
], indirect=["persona"])
def test_the_packs_page_for_each_role(persona, status, form, db):
    response = persona.get("/packs/")
    assert response.status_code == status
    if status == 200:
        assert ("Issue the pack" in response.content.decode()) is form


def test_an_unknown_action_is_not_found(officer, exempt_council):
    response = officer.post("/packs/", {"quarter": exempt_council.pk, "committee": committee().pk,
                                        "meeting_date": "12/06/2019", "action": "preview-exe"})
    assert response.status_code == 404


# --- the command ------------------------------------------------------------------------------

def test_the_command_writes_the_pack_and_refuses_an_open_quarter_without_draft(tmp_path, open_quarter,
                                                                                corporate_risk, exempt_council):
    output = tmp_path / "pack.pdf"
    with pytest.raises(CommandError, match="is not locked: lock it first, or give --draft"):
        call_command("committee_pack", "--period", Q1, "--output", str(output))
    assert not output.exists()
    out = io.StringIO()
    call_command("committee_pack", "--period", Q1, "--draft", "--output", str(output), stdout=out)
    assert "DRAFT" in out.getvalue()
    assert all("DRAFT" in text for text in pdf_pages(output.read_bytes()))

    word = tmp_path / "pack-b.docx"
    call_command("committee_pack", "--period", "2018/19 Q4", "--committee", "audit committee", "--meeting",
                 "2019-06-12", "--part", "b", "--format", "docx", "--output", str(word), stdout=io.StringIO())
    text = docx_text(word.read_bytes())
    assert "Confidential negotiation with Provider X" in text and "Audit Committee" in text
    assert "DRAFT" not in text


@pytest.mark.parametrize("args,message", [
    (["--period", "2019/20 Q9"], "Q9"),
    (["--period", "2019/20"], "a pack is for a quarter"),
    (["--period", "2030/31 Q1"], "There is no 2030/31 Q1"),
    (["--period", "2018/19 Q4", "--committee", "Nobody"], 'No committee is called "Nobody"'),
    (["--period", "2018/19 Q4", "--directorate", "Nowhere"], 'No directorate is called "Nowhere"'),
    (["--period", "2018/19 Q4", "--meeting", "14/10/2019"], "is not a date: write it as YYYY-MM-DD"),
    (["--period", "2018/19 Q4", "--meeting", "2019-01-01"], "after it ends"),
])
def test_the_command_refuses_bad_arguments_with_a_message(tmp_path, exempt_council, args, message):
    output = tmp_path / "pack.pdf"
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("committee_pack", *args, "--output", str(output))
    assert not output.exists()


def test_the_command_refuses_an_unwritable_output(exempt_council, tmp_path):
    with pytest.raises(CommandError, match="cannot write"):
        call_command("committee_pack", "--period", "2018/19 Q4", "--output", str(tmp_path / "no" / "such" / "x.pdf"))


# --- query counts -----------------------------------------------------------------------------

def _queries_to_build(quarter) -> int:
    with CaptureQueriesContext(connection) as captured:
        content.build(quarter=quarter, committee=committee(), meeting_date=date(2019, 6, 12))
    return len(captured)


def test_the_packs_queries_do_not_grow_with_the_data(officer, directorate, area_a, area_b, locked_quarter):
    from kpis.models import Indicator

    def add(n: int, start: int):
        for i in range(start, start + n):
            area = area_a if i % 2 else area_b
            review(make_risk(f"CRR{i}", directorate, area, exempt=i % 3 == 0), "2018/19 Q4")
            Indicator.objects.create(code=f"PI{i}", title=f"Indicator {i}", service_area=area, unit="percent",
                                     polarity="higher", frequency="quarterly")

    add(2, 1)
    small = _queries_to_build(locked_quarter)
    add(12, 10)
    assert _queries_to_build(locked_quarter) == small


def test_the_packs_page_queries_do_not_grow_with_the_packs(officer, exempt_council):
    issue(officer, exempt_council, meeting="12/06/2019")
    with CaptureQueriesContext(connection) as one:
        officer.get("/packs/")
    for meeting in ("13/06/2019", "14/06/2019", "17/06/2019"):
        issue(officer, exempt_council, meeting=meeting)
    with CaptureQueriesContext(connection) as four:
        officer.get("/packs/")
    assert len(four) == len(one)
