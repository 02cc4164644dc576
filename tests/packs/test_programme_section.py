"""A programme's highlight report in the committee pack, when chosen: in Part A's PDF and Word, kept with the
issued pack (its contents name the programmes; its files are as issued), from the form and the command; none
unless chosen; an unknown programme named to the command is a clear error."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from packs import content, services
from packs.models import Pack
from tests.packs.test_packs import committee, docx_text, flat, lock, pdf_pages
from tests.programmes.builders import strengthening_families

Q1 = "2019/20 Q1"
HEADING = "Programme highlight report: Strengthening Families"


@pytest.fixture
def programme(directorate, area_a, open_quarter):
    return strengthening_families(directorate, area_a, open_quarter)


def build(quarter, programmes=()):
    from datetime import date

    return services.build(quarter=quarter, committee=committee(), meeting_date=date(2019, 10, 14), directorate=None,
                          draft=not quarter.is_locked, programmes=programmes)


def test_a_chosen_programme_has_its_highlight_report_in_part_a_pdf_and_word_and_none_in_part_b(programme,
                                                                                               open_quarter):
    made = build(open_quarter, [programme])
    assert [doc.programme for doc in made.programmes] == ["Strengthening Families"]
    assert made.snapshot["programmes"] == ["Strengthening Families"]
    pdf = flat(" ".join(pdf_pages(services.render(made, "a", "pdf"))))
    word = flat(docx_text(services.render(made, "a", "docx")))
    for text in (pdf, word):
        assert f"Appendix A4: {HEADING}, 2019/20 Q1" in text
        assert "Appendix A4: programme highlight report: Strengthening Families" in text  # the contents
        for fact in ("£1,642,067", "Off track", "Commentary on objective 3", "Device deployment not completed",
                     "CRR100", "Savings at risk (At risk or Undeliverable): £1,828,292"):
            assert fact in text, fact
    for fmt in ("pdf", "docx"):
        data = services.render(made, "b", fmt)
        text = " ".join(pdf_pages(data)) if fmt == "pdf" else docx_text(data)
        assert "highlight report" not in flat(text)


def test_without_a_choice_the_pack_has_no_programme_section(programme, open_quarter):
    made = build(open_quarter)
    assert made.programmes == [] and "programmes" not in made.snapshot
    assert "highlight report" not in flat(docx_text(services.render(made, "a", "docx")))
    assert "highlight report" not in flat(" ".join(pdf_pages(services.render(made, "a", "pdf"))))


def test_the_committee_reads_the_risks_on_its_registers_only(programme, directorate, area_a, open_quarter):
    from tests.programmes.builders import add_risks

    service = add_risks(programme, directorate, area_a, Q1, 1, start=900)[0]
    service.register = "service"
    service.save()
    made = build(open_quarter, [programme])
    risks = next(t for t in made.programmes[0].tables if t.title == "Risks to delivery")
    assert {row[0].text for row in risks.rows} == {"CRR100", "CRR101"}


def test_an_issued_pack_keeps_the_choice_and_a_different_choice_is_a_new_version(officer, officer_user, programme,
                                                                                 open_quarter):
    quarter = lock(officer_user, Q1)
    data = {"quarter": quarter.pk, "committee": committee().pk, "meeting_date": "14/10/2019", "directorate": "",
            "action": "issue"}
    response = officer.post("/packs/", data | {"programmes": [programme.pk]})
    assert response.status_code == 302, response.content.decode()[:2000]
    pack = Pack.objects.get()
    assert pack.contents["programmes"] == ["Strengthening Families"]
    assert f"Appendix A4: {HEADING}, 2019/20 Q1" in flat(docx_text(bytes(pack.part_a_docx)))
    issued = flat(" ".join(pdf_pages(bytes(pack.part_a_pdf))))
    assert HEADING in issued and "DRAFT" not in issued
    # The same choice again says nothing new: refused. Without the programme it says less: a new version.
    again = officer.post("/packs/", data | {"programmes": [programme.pk]})
    assert again.status_code == 400 and "already says all of this" in again.content.decode()
    assert officer.post("/packs/", data).status_code == 302
    latest = Pack.objects.order_by("-version").first()
    assert latest.version == 2 and "programmes" not in latest.contents
    assert "highlight report" not in flat(docx_text(bytes(latest.part_a_docx)))
    # The first version's files are still as issued.
    assert HEADING in flat(docx_text(bytes(Pack.objects.get(version=1).part_a_docx)))


def test_the_form_offers_the_programmes_and_refuses_an_unknown_one(officer, officer_user, programme, open_quarter):
    page = officer.get("/packs/").content.decode()
    assert "Programme highlight reports" in page and "Strengthening Families" in page
    response = officer.post("/packs/", {"quarter": open_quarter.pk, "committee": committee().pk,
                                        "meeting_date": "14/10/2019", "programmes": [programme.pk + 999],
                                        "action": "preview-docx"})
    assert response.status_code == 400 and "Choose from the programmes listed" in response.content.decode()
    preview = officer.post("/packs/", {"quarter": open_quarter.pk, "committee": committee().pk,
                                       "meeting_date": "14/10/2019", "programmes": [programme.pk],
                                       "action": "preview-docx"})
    assert preview.status_code == 200 and HEADING in flat(docx_text(preview.content))


def test_the_command_appends_each_programme_named(tmp_path, programme, directorate, area_a, open_quarter):
    strengthening_families(directorate, area_a, open_quarter, name="Better Lives", size=1)
    output = tmp_path / "pack.docx"
    call_command("committee_pack", "--period", Q1, "--draft", "--format", "docx", "--meeting", "2019-10-14",
                 "--programme", "strengthening families", "--programme", "Better Lives", "--output", str(output),
                 stdout=io.StringIO())
    text = flat(docx_text(output.read_bytes()))
    assert "Appendix A4: Programme highlight report: Better Lives, 2019/20 Q1" in text
    assert f"Appendix A5: {HEADING}, 2019/20 Q1" in text
    plain = tmp_path / "plain.docx"
    call_command("committee_pack", "--period", Q1, "--draft", "--format", "docx", "--meeting", "2019-10-14",
                 "--output", str(plain), stdout=io.StringIO())
    assert "highlight report" not in flat(docx_text(plain.read_bytes()))


def test_the_command_refuses_an_unknown_programme(tmp_path, programme, open_quarter):
    output = tmp_path / "pack.pdf"
    with pytest.raises(CommandError, match='No programme is called "Nowhere"; the programmes are: '
                                           'Strengthening Families'):
        call_command("committee_pack", "--period", Q1, "--draft", "--meeting", "2019-10-14",
                     "--programme", "Nowhere", "--output", str(output))
    assert not output.exists()


def test_the_pack_content_builds_each_programme_once_in_name_order(programme, directorate, area_a, open_quarter):
    other = strengthening_families(directorate, area_a, open_quarter, name="Better Lives")
    made = build(open_quarter, [programme, other, programme])
    assert [doc.programme for doc in made.programmes] == ["Better Lives", "Strengthening Families"]
    assert isinstance(made, content.PackContent)
