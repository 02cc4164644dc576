"""One truth for a narrowed view: every figure of a narrowed dashboard (summary, RAG table, exceptions, the
table, the heading) counts exactly the rows it lists, for every service area and filter of the demo."""

import io

import pytest
from django.core.management import call_command

from kpis import queries
from kpis import status as rules
from kpis.models import Indicator, KeyCommitment
from organisation.models import ReportingPeriod, ServiceArea
from tests.conftest import client_for, make_user


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_demo_data", stdout=io.StringIO())
    return make_user("narrow.exec", "Executive")


def _page(client, url, **params):
    response = client.get(url, params, follow=True)
    assert response.status_code == 200
    return response


def _every_row(response):
    """The rows the page lists: the exceptions plus the table's, over every page of each."""
    exceptions = list(response.context["exception_page"].paginator.object_list)
    table = list(response.context["table"].data)
    return exceptions, table


def _check(response, expected_rows):
    summary = response.context["summary"]
    want = rules.summarise((r.status, r.direction) for r in expected_rows)
    assert summary.on_or_above == want.on_or_above
    assert summary.improved == want.improved
    assert summary.rag_counts == want.rag_counts
    exceptions, table = _every_row(response)
    codes = {r.indicator.code for r in expected_rows}
    assert {r.indicator.code for r in exceptions} <= codes
    assert {r.indicator.code for r in exceptions} == {r.indicator.code for r in expected_rows if r.is_exception}
    assert response.context["exception_count"] == len(exceptions)
    assert {r.indicator.code for r in table} <= codes
    # Without a status asked for, the exceptions and the table together are every row, once.
    if not response.context["asked"]:
        assert len(exceptions) + len(table) == len(expected_rows)
        assert {r.indicator.code for r in exceptions} | {r.indicator.code for r in table} == codes
    # The RAG table's rows add up to the summary's total.
    totals = {k: sum(s.rag_counts[k] for *_, s in response.context["area_summaries"]) for k in want.rag_counts}
    assert totals == want.rag_counts


@pytest.mark.parametrize("label", ["2019/20 Q1", "2018/19 Q4"])
def test_each_service_areas_page_counts_only_its_own_rows(demo, label):
    user = demo
    client = client_for(user)
    quarter = ReportingPeriod.for_label(label)
    everything = queries.scope(user, quarter).rows
    assert everything
    areas = ServiceArea.objects.select_related("directorate").all()
    seen = 0
    for area in areas:
        own = [r for r in everything if queries._area_id(r.indicator) == area.pk]
        response = _page(client, f"/performance/service-areas/{area.pk}/", period=quarter.slug)
        _check(response, own)
        body = response.content.decode()
        if own:
            seen += 1
            names = {name for name, *_ in response.context["area_summaries"]}
            assert names == {queries._area_name(own[0].indicator)}
            assert f"{queries._area_name(own[0].indicator)}: performance" in body.replace("&amp;", "&")
        # never another area's row
        assert all(area_id == area.pk for _, area_id, *_ in response.context["area_summaries"])
    assert seen >= 2


def test_every_filter_narrows_every_figure(demo):
    user = demo
    client = client_for(user)
    quarter = ReportingPeriod.for_label("2019/20 Q1")
    everything = queries.scope(user, quarter).rows
    by_code = {i.code: i for i in Indicator.objects.select_related("commitment")}
    cases = []
    for commitment in KeyCommitment.objects.all():
        cases.append(({"commitment": commitment.pk},
                      [r for r in everything if by_code[r.indicator.code].commitment_id == commitment.pk]))
    for status in rules.Status:
        cases.append(({"status": status.value}, [r for r in everything if r.status == status]))
    cases.append(({"status": "exceptions"}, [r for r in everything if r.is_exception]))
    for frequency in ("quarterly", "annual"):
        cases.append(({"frequency": frequency},
                      [r for r in everything if by_code[r.indicator.code].frequency == frequency]))
    cases.append(({"q": "BCP2"}, [r for r in everything if "bcp2" in r.indicator.code.lower()
                                  or "bcp2" in r.indicator.title.lower()]))
    assert len(cases) > 8
    for params, expected in cases:
        response = _page(client, "/performance/", period=quarter.slug, **params)
        _check(response, expected)
        assert 'id="narrowed"' in response.content.decode()


def test_the_unfiltered_dashboard_says_nothing_is_narrowed(demo):
    response = _page(client_for(demo), "/performance/", period="2019-20-q1")
    assert 'id="narrowed"' not in response.content.decode()
    assert response.context["narrowing"] == []


@pytest.mark.parametrize("bad", [{"status": "garbage"}, {"commitment": "999"}, {"frequency": "ANNUAL"},
                                 {"service_area": "999"}])
def test_a_filter_that_cannot_be_read_is_said_and_the_others_still_apply(demo, bad):
    client = client_for(demo)
    area = ServiceArea.objects.get(name__startswith="Children")
    response = _page(client, "/performance/", period="2019-20-Q1", **({"service_area": area.pk} | bad))
    body = response.content.decode()
    assert "There is a problem" in body and "Select a valid choice" in body
    if "service_area" not in bad:
        assert response.context["area_name"] == area.name  # the good filter still narrows
