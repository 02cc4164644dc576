"""The register read from the stored judgements in the database (queries.stored_register) shows exactly
what the register worked out in Python (queries.register) shows: the same risks in the same order, the
same scores, levels, travel and tolerance, the same counts and heat maps, for every filter and audience."""

from __future__ import annotations

import random

import pytest

from organisation import roles
from organisation import services as organisation_services
from organisation.models import ReportingPeriod, ServiceArea
from risks import queries, scoring
from risks.models import Risk, ScoringScheme
from tests.conftest import make_user
from tests.risks.conftest import make_risk, review

FILTERS = [
    {}, {"band": "high"}, {"band": "Medium"}, {"band": "low"}, {"band": "not banded"}, {"band": "nonsense"},
    {"outside": "yes"}, {"outside": "no"}, {"q": "7"}, {"q": "nothing matches"}, {"owner": "finance"},
    {"band": "high", "outside": "yes"},
]
CELLS = [None, ("current", 3, 4), ("tolerance", 2, 2), ("current", 4, 4), ("current", 9, 9)]
LEVELS = ["all", "corporate", "directorate", "service"]


def _line(row: queries.RiskRow) -> tuple:
    return (row.risk.reference, row.rating, row.level_name, row.tolerance_rating, row.travel,
            row.outside, row.reviewed_this_quarter, row.not_reviewed_since, row.register, row.kind)


def _grids(maps: list[dict]) -> list:
    return [(m["kind"], m["basis"], m["total"], [[(c.likelihood, c.impact, c.count, c.level.name) for c in row]
                                                  for row in m["grid"]]) for m in maps]


@pytest.fixture
def council(directorate, area_a, area_b, open_quarter, locked_quarter):
    """Sixty risks on every register and in both kinds, reviewed irregularly over three quarters (some
    carried forward, some never reviewed), scored on the 4x4 scheme."""
    rng = random.Random(14)
    other = ServiceArea.objects.create(directorate=directorate, name="Education")
    areas = [area_a, area_b, other]
    labels = ["2018/19 Q3", "2018/19 Q4", "2019/20 Q1"]
    for n in range(60):
        risk = make_risk(f"R{n:02d}", directorate, rng.choice(areas),
                         register=rng.choice(["corporate", "directorate", "service"]),
                         kind="opportunity" if n % 9 == 0 else "threat",
                         risk_owner=rng.choice(["Director of Finance", "Head of Care"]))
        for label in labels:
            if rng.random() < 0.6 and n % 13:
                review(risk, label, rng.randint(1, 4), rng.randint(1, 4), (rng.randint(1, 4), rng.randint(1, 4)))
        if n % 17 == 5:
            risk.status = Risk.Status.CLOSED
            risk.save()
    return areas


def _compare(user, quarter, **options):
    old = queries.register(user, quarter, **options)
    new = queries.stored_register(user, quarter, **options)
    assert new is not None
    assert new.count() == old.total == len(new)
    assert [_line(r) for r in new[0:new.count()]] == [_line(r) for r in old.rows]
    assert new.scheme.name == old.scheme.name
    assert _grids(new.maps()) == _grids(old.maps())
    assert new.outside_count() == len(old.outside)
    assert [_line(r) for r in new.outside(10)] == [_line(r) for r in old.outside[:10]]
    for kind in ("threat", "opportunity"):
        for basis in ("current", "tolerance"):
            assert _grids([{"kind": kind, "basis": basis, "total": 0, "grid": new.heat_map(kind, basis)}]) == \
                _grids([{"kind": kind, "basis": basis, "total": 0, "grid": old.heat_map(kind, basis)}])
    # Any page of it: the database's slice is the list's.
    for start, stop in ((0, 25), (10, 35), (25, 50), (50, 75)):
        assert [_line(r) for r in new[start:stop]] == [_line(r) for r in old.rows[start:stop]]


def test_the_open_quarters_register_in_the_database_is_the_rules_register(council, open_quarter, executive_user,
                                                                         directorate):
    for level in LEVELS:
        for filters in FILTERS:
            _compare(executive_user, open_quarter, level=level, filters=filters)
    for cell in CELLS:
        _compare(executive_user, open_quarter, cell=cell)
    _compare(executive_user, open_quarter, directorate_id=directorate.pk)


def test_a_service_managers_and_the_committees_registers_in_the_database_are_the_rules_ones(council, open_quarter):
    manager = make_user("manager.stored", roles.SERVICE_MANAGER, areas=[council[0]])
    for filters in FILTERS:
        _compare(manager, open_quarter, filters=filters)
        _compare(None, open_quarter, filters=filters)  # the committee's: corporate and directorate


def test_a_locked_quarter_reads_its_record_in_the_database_after_moves_and_a_scheme_switch(
        council, open_quarter, officer_user, executive_user, directorate):
    organisation_services.period_lock(user=officer_user, period=open_quarter, sign_off_submitted=True)
    open_quarter.refresh_from_db()
    assert open_quarter.has_record
    Risk.objects.filter(reference__in=["R01", "R02", "R03"]).update(register="service")
    from risks import services as risk_services

    risk_services.scheme_activate(user=officer_user, scheme=ScoringScheme.objects.get(name="Standard 5x5"))
    for filters in FILTERS:
        _compare(executive_user, open_quarter, filters=filters)
    for cell in CELLS:
        _compare(executive_user, open_quarter, cell=cell)
    _compare(executive_user, open_quarter, directorate_id=directorate.pk)


def test_an_open_quarter_after_a_scheme_switch_is_scored_on_each_reviews_scheme(council, open_quarter,
                                                                                officer_user, executive_user):
    from risks import services as risk_services

    risk_services.scheme_activate(user=officer_user, scheme=ScoringScheme.objects.get(name="Standard 5x5"))
    review(Risk.objects.get(reference="R13"), "2019/20 Q1", 5, 5, (2, 2))
    for filters in FILTERS:
        _compare(executive_user, open_quarter, filters=filters)


def test_a_quarter_locked_without_a_record_is_left_to_the_rules(council, locked_quarter, executive_user):
    assert not locked_quarter.has_record
    assert queries.stored_register(executive_user, locked_quarter) is None


def test_the_databases_rating_is_the_rules_rating():
    from django.db.models import F

    assert queries.RATING == F("likelihood") * F("impact")
    for likelihood in range(0, 7):
        for impact in range(0, 7):
            assert scoring.rating(likelihood, impact) == likelihood * impact


def test_an_empty_register_counts_nothing(executive_user, open_quarter):
    found = queries.stored_register(executive_user, open_quarter)
    assert found.count() == 0 and found[0:25] == []
    assert [(m["kind"], m["total"]) for m in found.maps()] == [("threat", 0), ("threat", 0)]  # as Register's
    assert isinstance(found.scheme, scoring.Scheme)
    assert ReportingPeriod.objects.filter(pk=open_quarter.pk).exists()


@pytest.mark.parametrize("page", ["/risks/", "/risks/heat-map/", "/risks/summary/", "/home/",
                                  "/risks/?outside=yes", "/risks/?band=high", "/risks/?cell=current-3-4",
                                  "/risks/?page=2"])
@pytest.mark.parametrize("locked", [False, True])
def test_the_stored_register_pages_queries_do_not_grow_with_the_data(executive, officer_user, directorate, area_a,
                                                                      open_quarter, locked_quarter, page, locked):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def build(start, stop):
        for n in range(start, stop):
            risk = make_risk(f"Q{n:03d}", directorate, area_a, register=["corporate", "directorate", "service"][n % 3])
            review(risk, "2018/19 Q4", 1 + n % 4, 1 + (n * 3) % 4)
            if n % 2:
                review(risk, "2019/20 Q1", 1 + (n + 1) % 4, 4, (1, 1))

    def count():
        separator = "&" if "?" in page else "?"
        with CaptureQueriesContext(connection) as ctx:
            assert executive.get(f"{page}{separator}period={open_quarter.slug}").status_code == 200
        return len(ctx.captured_queries)

    build(0, 30)
    if locked:
        organisation_services.period_lock(user=officer_user, period=open_quarter, sign_off_submitted=True)
        open_quarter.refresh_from_db()
        assert open_quarter.has_record
    small = count()
    with opened_again(open_quarter, officer_user) if locked else _nothing():
        build(30, 90)
    # 23: the open quarter's performance panel counts its stored judgements in SQL (three queries), the
    # tasks panel looks for service areas the reader heads (one), and the programmes panel reads each
    # programme's newest savings (one)
    assert count() <= small <= 23


def _nothing():
    from contextlib import nullcontext

    return nullcontext()


def opened_again(quarter, officer_user):
    """More risks for a locked quarter: reopen it, add them, lock it again (its record is written again)."""
    from contextlib import contextmanager

    @contextmanager
    def cycle():
        organisation_services.period_reopen(user=officer_user, period=quarter, reason="More risks for the test")
        yield
        organisation_services.period_lock(user=officer_user, period=quarter, sign_off_submitted=True)
        quarter.refresh_from_db()

    return cycle()


def test_references_sort_alike_on_the_page_and_in_the_paper(executive_user, directorate, area_a, open_quarter,
                                                            locked_quarter):
    """Mixed case and punctuation: the database orders them as Python does (organisation/collation.py)."""
    for reference in ("CRR2", "crr1", "Crr3", "CRR-9", "CRR_0", "CRR.5"):
        review(make_risk(reference, directorate, area_a), "2018/19 Q4", 2, 2)
    for reference in ("zz1", "ZZ2"):
        make_risk(reference, directorate, area_a)  # never reviewed: after the scored ones
    _compare(executive_user, open_quarter)


def test_a_tie_between_two_schemes_that_are_not_active_is_broken_alike(officer_user, executive_user, directorate,
                                                                       area_a, open_quarter, locked_quarter):
    from risks import judging
    from risks import services as risk_services

    council, standard = ScoringScheme.objects.get(name="Council 4x4"), ScoringScheme.objects.get(name="Standard 5x5")
    first, second = make_risk("AAA", directorate, area_a), make_risk("BBB", directorate, area_a)
    review(first, "2018/19 Q4", 1, 1, (1, 1), scheme=council)
    review(second, "2018/19 Q4", 5, 5, (1, 1), scheme=standard)
    third = ScoringScheme.objects.create(name="Zeta 4x4", definition=council.definition, active=False)
    risk_services.scheme_activate(user=officer_user, scheme=third)
    judging.refresh()
    _compare(executive_user, open_quarter)
