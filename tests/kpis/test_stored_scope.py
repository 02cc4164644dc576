"""The dashboard's figures counted, sorted and paged in SQL (kpis.queries.StoredScope) are the figures the
rules give (kpis.queries.Scope, judging in Python): the same summary, RAG by area, exceptions in the same
order, and the same table, for open and locked quarters."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpis import queries
from kpis import status as rules
from organisation import demo
from organisation import services as organisation_services
from organisation.models import ReportingPeriod

STATUSES = list(rules.Status)
DIRECTIONS = list(rules.Direction)


@given(st.lists(st.tuples(st.sampled_from(STATUSES), st.sampled_from(DIRECTIONS)), max_size=40))
@settings(max_examples=200, deadline=None)
def test_summarising_counts_is_summarising_the_pairs(pairs):
    counts: dict = {}
    for pair in pairs:
        counts[pair] = counts.get(pair, 0) + 1
    assert rules.summarise_counts((s, d, n) for (s, d), n in counts.items()) == rules.summarise(pairs)


def same(stored: queries.StoredScope, judged: queries.Scope) -> None:
    assert stored.summary == judged.summary
    assert [(name, s) for name, _, _, s in stored.by_area()] == [(name, s) for name, _, _, s in judged.by_area()]
    assert [(r.indicator.code, r.status, r.direction) for r in stored.exceptions] == \
        [(r.indicator.code, r.status, r.direction) for r in judged.exceptions]
    assert [(r.indicator.code, r.value, r.target, r.status, r.is_draft) for r in stored.filtered] == \
        [(r.indicator.code, r.value, r.target, r.status, r.is_draft) for r in judged.filtered]
    assert stored.drafts == sum(1 for r in judged.rows if r.is_draft)


@pytest.mark.parametrize("filters", [{}, {"status": "exceptions"}, {"status": "Well below target"},
                                     {"frequency": "annual"}, {"q": "care"}])
def test_on_the_demo_data_the_stored_scope_gives_what_the_rules_give(db, officer_user, filters):
    demo.load_data()
    for label in ("2019/20 Q1", "2018/19 Q4"):
        quarter = ReportingPeriod.for_label(label)
        same(queries.stored_scope(None, quarter, filters=filters), queries.scope(None, quarter, filters=filters))
    quarter = ReportingPeriod.for_label("2019/20 Q1")
    organisation_services.period_lock(user=officer_user, period=quarter, sign_off_submitted=True)
    quarter.refresh_from_db()
    same(queries.stored_scope(None, quarter, filters=filters), queries.scope(None, quarter, filters=filters))


def test_a_quarter_locked_before_records_were_kept_is_judged_in_python(db, locked_quarter):
    assert not locked_quarter.has_record
    assert queries.stored_scope(None, locked_quarter) is None


def test_the_table_sorts_and_pages_in_the_database(db, area_a, open_quarter):
    from tests.kpis.conftest import make_indicator, set_actual, set_target

    for n in range(30):
        indicator = make_indicator(area_a, f"PI{n:02d}")
        set_target(indicator, "2019/20", 50)
        set_actual(indicator, "2019/20 Q1", Decimal(n * 3))
    found = queries.stored_scope(None, open_quarter)
    page = found.filtered.order_by("-value")[:5]
    assert [r.indicator.code for r in page] == ["PI29", "PI28", "PI27", "PI26", "PI25"]
    assert found.filtered.count() == 30 and len(found.exceptions) == found.exceptions.count()
