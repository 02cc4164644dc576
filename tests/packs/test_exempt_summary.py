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
