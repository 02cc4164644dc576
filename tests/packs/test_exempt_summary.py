"""Part A's five-quarter summary shows an exempt risk's rating only, as the public register does: its
likelihood and impact, like its owner, are Part B detail."""

from datetime import date

from packs import services
from packs.models import Committee
from tests.risks.conftest import make_risk, review


def test_an_exempt_risk_shows_its_rating_only_in_part_a(directorate, area_a, open_quarter, locked_quarter):
    open_risk = make_risk("CRR9", directorate, area_a, risk_owner="Director of Children")
    secret = make_risk("CRR99", directorate, area_a, exempt=True, exempt_paragraph=3, risk_owner="Secret Owner")
    for risk in (open_risk, secret):
        review(risk, locked_quarter.label, 2, 7)
        review(risk, open_quarter.label, 3, 5)
    committee = Committee.objects.create(name="Audit Committee Test")
    built = services.build(quarter=open_quarter, committee=committee, meeting_date=date(2019, 10, 14),
                           directorate=None, draft=True)
    rows = {reference: (owner, cells) for reference, _title, owner, cells in built.risks.summary}
    owner, cells = rows["CRR99"]
    assert owner == ""
    assert all(" x " not in text for text, _travel in cells)
    assert any(text == "15" for text, _travel in cells)
    owner, cells = rows["CRR9"]
    assert owner == "Director of Children"
    assert any(text == "3 x 5 = 15" for text, _travel in cells)


def test_part_a_gives_no_exempt_scores_in_the_significant_list_or_on_the_heat_maps(directorate, area_a,
                                                                                   open_quarter):
    from packs import content

    secret = make_risk("CRR99", directorate, area_a, exempt=True, exempt_paragraph=3)
    review(secret, open_quarter.label, 4, 5)
    committee = Committee.objects.create(name="Scrutiny Test")
    built = services.build(quarter=open_quarter, committee=committee, meeting_date=date(2019, 10, 14),
                           directorate=None, draft=True)
    assert built.risks.exempt_off_maps == 1
    assert all("CRR99" not in str(cell) for heat in built.risks.maps for row in heat["grid"] for cell in row)
    pdf = services.render(built, content.PART_A, "pdf")
    from tests.packs.test_packs import flat, pdf_pages

    text = flat(" ".join(pdf_pages(pdf)))
    assert "4 x 5" not in text and "CRR99" in text
    assert "1 exempt risk is not placed on these maps" in text
    from tests.packs.test_packs import docx_text

    word = flat(docx_text(services.render(built, content.PART_A, "docx")))
    assert "4 x 5" not in word and "1 exempt risk is not placed on these maps" in word
