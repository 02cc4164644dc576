"""References in natural order (issue 19): CRR9 before CRR10 on the register (open and locked quarters,
paged in the database or sorted in Python), in the heat map's cells and in the pack."""

from __future__ import annotations

import pytest

from organisation import roles
from organisation import services as organisation_services
from organisation.ordering import natural
from tests.conftest import make_user
from tests.risks.conftest import make_risk, review


@pytest.mark.parametrize(("text", "key"), [("CRR9", "CRR000000000009"), ("", ""), ("A1B22", "A000000000001B000000000022"),
                                           ("CRR", "CRR")])
def test_natural_keys(text, key):
    assert natural(text) == key


@pytest.fixture
def three(directorate, area_a, open_quarter):
    for reference in ("CRR10", "CRR9", "CRR23"):
        review(make_risk(reference, directorate, area_a), "2019/20 Q1", likelihood=2, impact=7)
    return open_quarter


def _order(page: str) -> list[str]:
    return sorted(("CRR9", "CRR10", "CRR23"), key=page.index)


@pytest.mark.parametrize("locked", [False, True])
def test_the_register_and_heat_map_list_crr9_before_crr10(officer, three, locked):
    if locked:
        organisation_services.period_lock(user=make_user("o2", roles.PERFORMANCE_OFFICER), period=three,
                                          sign_off_submitted=True)
    register = officer.get("/risks/?period=2019-20-Q1").content.decode()
    assert _order(register) == ["CRR9", "CRR10", "CRR23"]
    export = officer.get("/risks/export.csv?period=2019-20-Q1").content.decode("utf-8-sig")
    assert _order(export) == ["CRR9", "CRR10", "CRR23"]


def test_a_heat_map_cell_lists_its_references_in_natural_order(db):
    from risks import scoring
    from risks.models import ScoringScheme

    scheme = ScoringScheme.current().scheme
    cells = scoring.heat_map(scheme, "threat", [((2, 7), "CRR10"), ((2, 7), "CRR9"), ((2, 7), "CRR23")])
    found = [cell for row in cells for cell in row if cell.references]
    assert found[0].references == ("CRR9", "CRR10", "CRR23")


def test_the_five_quarter_summary_gives_likelihood_x_impact_and_the_owner(officer, three, manager_a):
    page = officer.get("/risks/summary/?period=2019-20-Q1").content.decode()
    assert "2 x 7 = 14" in page and "Director" in page
    assert "likelihood x impact = rating" in page
