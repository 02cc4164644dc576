"""GET only; bad filters a 400 naming the parameter; a locked quarter exactly as reported after later changes;
query counts that do not grow with the council."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kpis.models import Actual, Comparator, Indicator, Target
from organisation import services as organisation_services
from organisation.models import ReportingPeriod
from risks.models import Risk
from tests.api.test_access import ENDPOINTS
from tests.api.world import build
from tests.conftest import opened

ALL = (*ENDPOINTS, "schema", "docs")


@pytest.fixture
def world(directorate, area_a, area_b, open_quarter, locked_quarter):
    return build(directorate, area_a, area_b, open_quarter)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
@pytest.mark.parametrize("endpoint", ALL)
def test_anything_but_get_is_405(world, officer, endpoint, method):
    response = getattr(officer, method)(f"/api/v1/{endpoint}/", data="{}", content_type="application/json")
    assert response.status_code == 405, response.content


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_token_write_is_405_too(world, officer_user, endpoint):
    from django.test import Client

    from tests.api.conftest import token_for

    client = Client(HTTP_AUTHORIZATION=f"Token {token_for(officer_user)}")
    assert client.post(f"/api/v1/{endpoint}/", {}).status_code == 405
    assert client.delete(f"/api/v1/{endpoint}/").status_code == 405


BAD = [
    ("figures", "period", "2019/21 Q1"), ("figures", "period", "2019-20"), ("figures", "period", "Q5"),
    ("figures", "period", "2031/32 Q1"), ("figures", "directorate", "x"), ("figures", "directorate", "999999"),
    ("figures", "service_area", "-1"), ("figures", "service_area", "999999"), ("figures", "status", "Purple"),
    ("indicators", "directorate", "1.5"), ("indicators", "service_area", "abc"),
    ("risks", "level", "national"), ("risks", "register", "board"), ("risks", "outside", "maybe"),
    ("risks", "appetite", "hungry"), ("risks", "band", "Scary"), ("risks", "period", "2019-20-Q9"), ("risks", "directorate", "99999999999999"),
    ("controls", "period", "last quarter"), ("audit-actions", "status", "late"),
    ("audit-actions", "priority", "urgent"), ("audit-actions", "period", "2019/20"),
    ("placements", "period", "\u00e9t\u00e9"),
]


@pytest.mark.parametrize("endpoint, name, value", BAD)
def test_a_bad_filter_is_a_400_naming_it(world, officer, endpoint, name, value):
    response = officer.get(f"/api/v1/{endpoint}/", {name: value})
    assert response.status_code == 400, response.content
    assert name in response.json()


def test_a_nul_in_a_filter_is_a_400(world, officer):
    # Refused before the API reads it (organisation.middleware.RefuseNulMiddleware), as on every page.
    assert officer.get("/api/v1/figures/", {"period": "2019/20 Q1\x00"}).status_code == 400


def test_a_service_area_of_another_directorate_is_a_400(world, officer, area_a):
    from organisation.models import Directorate

    other = Directorate.objects.create(name="Place")
    response = officer.get("/api/v1/figures/", {"directorate": other.pk, "service_area": area_a.pk})
    assert response.status_code == 400 and "service_area" in response.json()


def test_filters_narrow(world, officer, area_b, directorate):
    body = officer.get("/api/v1/figures/", {"period": "2019-20-Q1", "service_area": area_b.pk}).json()
    assert [r["code"] for r in body["results"]] == ["DPE002"]
    body = officer.get("/api/v1/figures/", {"period": "2019-20-Q1", "status": "well below target"}).json()
    assert body["count"] == 2
    body = officer.get("/api/v1/figures/", {"period": "2019-20-Q1", "status": "On target"}).json()
    assert body["count"] == 0
    body = officer.get("/api/v1/risks/", {"period": "2019-20-Q1", "directorate": directorate.pk,
                                          "level": "service"}).json()
    assert {r["reference"] for r in body["results"]} == {"SRR1", "SRR2"}
    levels = {r["rating_level"] for r in officer.get("/api/v1/risks/", {"period": "2019-20-Q1"}).json()["results"]}
    assert len(levels) == 1
    body = officer.get("/api/v1/risks/", {"period": "2019-20-Q1", "band": levels.pop().upper()}).json()
    assert body["count"] == 5
    body = officer.get("/api/v1/indicators/", {"service_area": area_b.pk}).json()
    assert [r["code"] for r in body["results"]] == ["DPE002"]
    body = officer.get("/api/v1/audit-actions/", {"status": "open", "priority": "medium"}).json()
    assert body["count"] == 2


def test_paging(world, officer):
    first = officer.get("/api/v1/risks/", {"period": "2019-20-Q1", "page_size": 2}).json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["previous"] is None
    seen = [r["reference"] for r in first["results"]]
    url = first["next"]
    while url:
        page = officer.get(url).json()
        seen += [r["reference"] for r in page["results"]]
        url = page["next"]
    assert sorted(seen) == ["CRR5", "CRR9", "DRR1", "SRR1", "SRR2"]
    assert officer.get("/api/v1/risks/", {"page": 99}).status_code == 404


def test_a_locked_quarter_reads_as_reported_after_later_changes(world, officer, officer_user, open_quarter):
    organisation_services.period_lock(user=officer_user, period=open_quarter, sign_off_submitted=True)
    before = officer.get("/api/v1/figures/", {"period": "2019-20-Q1"}).json()["results"]
    risks_before = officer.get("/api/v1/risks/", {"period": "2019-20-Q1"}).json()["results"]
    # Later: the indicator renamed and its polarity turned, the year's target and the figure changed behind the
    # lock, the risk retitled and re-described.
    indicator = Indicator.objects.get(code="DPE001")
    indicator.title = "Renamed since"
    indicator.polarity = "lower"
    indicator.save()
    with opened(ReportingPeriod.objects.get(pk=open_quarter.pk)):  # a write behind the lock, as a raw change would be
        Target.objects.filter(indicator=indicator).update(value=10)
        Actual.objects.filter(indicator=indicator).update(value=5)
    risk = Risk.objects.get(reference="CRR9")
    risk.title = "Retitled since"
    risk.description = "Re-described since"
    risk.save()
    after = officer.get("/api/v1/figures/", {"period": "2019/20 Q1"}).json()["results"]
    assert after == before
    first = next(r for r in after if r["code"] == "DPE001")
    assert first["title"] == "Indicator 1" and first["value"] == 70 and first["target"] == 90
    assert first["status"] == "Well below target" and first["locked"] is True
    risks_after = officer.get("/api/v1/risks/", {"period": "2019/20 Q1"}).json()["results"]
    assert risks_after == risks_before
    crr9 = next(r for r in risks_after if r["reference"] == "CRR9")
    assert crr9["title"] == "Risk CRR9" and crr9["description"] == "What could happen"


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_query_counts_are_flat(directorate, area_a, area_b, open_quarter, locked_quarter, officer, endpoint):
    build(directorate, area_a, area_b, open_quarter)
    url = f"/api/v1/{endpoint}/?period=2019-20-Q1"
    small = _queries(officer, url)
    small_again = _queries(officer, url)

    def more():  # twenty more of everything
        from decimal import Decimal

        from kpis.models import Actual as A
        from kpis.models import Indicator as I
        from kpis.models import Target as T
        from organisation.models import ReportingPeriod
        from placements.models import PlacementCategory, PlacementHeading, PlacementSnapshot
        from risks.models import AuditRecommendation, ControlReview
        from tests.risks.conftest import make_risk, review

        year = ReportingPeriod.for_label("2019/20")
        for n in range(20):
            ind = I.objects.create(code=f"ZZZ{n:03d}", title=f"More {n}", service_area=area_a, polarity="higher",
                                   unit="percent")
            T.objects.create(indicator=ind, period=year, value=Decimal(90))
            A.objects.create(indicator=ind, period=open_quarter, value=Decimal(80), state="submitted")
            risk = make_risk(f"MRR{n}", directorate, area_a, register="service", exempt=n % 3 == 0)
            review(risk, "2019/20 Q1", 2, 2, (1, 1))
            ControlReview.objects.create(risk=risk, period=open_quarter, control=f"Control {n}")
            rec = AuditRecommendation.objects.create(source="Internal audit 2019/20", recommendation=f"More {n}")
            rec.risks.set([risk])
            heading = PlacementHeading.objects.create(name=f"Heading {n}")
            category = PlacementCategory.objects.create(heading=heading, name=f"Cat {n}", provision="external")
            PlacementSnapshot.objects.create(period=open_quarter, category=category, children=1,
                                             average_weekly_cost=Decimal(100))
    more()
    large = _queries(officer, url)
    assert large <= small_again, f"{endpoint}: {small_again} queries for the small council, {large} for the larger"
    assert small_again <= small


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_council_with_no_quarters_gets_empty_lists(officer, endpoint):
    body = officer.get(f"/api/v1/{endpoint}/").json()
    assert body["count"] == 0 and body["results"] == []


def test_targets_are_the_quarters_year_with_baselines_blank(world, officer, directorate, area_b):
    indicator = world["indicators"][0]
    Target.objects.create(indicator=indicator, period=ReportingPeriod.for_label("2019/20 Q2"), value=None)
    body = officer.get("/api/v1/targets/", {"period": "2019-20-Q1"}).json()
    assert [(r["code"], r["period"], r["annual"], r["target"]) for r in body["results"]] == [
        ("DPE001", "2019/20", True, 90), ("DPE001", "2019/20 Q2", False, None), ("DPE002", "2019/20", True, 90)]
    in_b = officer.get("/api/v1/targets/", {"period": "2019-20-Q1", "service_area": area_b.pk}).json()["results"]
    assert [r["code"] for r in in_b] == ["DPE002"]
    assert officer.get("/api/v1/targets/", {"period": "2020-21-Q1"}).status_code == 400  # no such quarter


def test_benchmarks_for_a_quarter_and_frozen_at_its_lock(world, officer, officer_user, open_quarter):
    year = ReportingPeriod.for_label("2018/19")
    indicator = world["indicators"][0]  # higher is better
    Comparator.objects.create(indicator=indicator, period=year, council=Decimal(72), england=Decimal(64),
                              statistical_neighbours=Decimal(80), q25=Decimal(50), q50=Decimal(60),
                              q75=Decimal(75))
    rows = officer.get("/api/v1/benchmarks/", {"period": "2019-20-Q1"}).json()["results"]
    assert [(r["code"], r["year"], r["council"], r["england"], r["statistical_neighbours"], r["band"], r["locked"])
            for r in rows] == [("DPE001", "2018/19", 72, 64, 80, "B", False)]
    organisation_services.period_lock(user=officer_user, period=open_quarter, sign_off_submitted=True)
    # Corrected after the lock: the locked quarter keeps what it reported.
    Comparator.objects.filter(indicator=indicator).update(council=Decimal(76), england=Decimal(70))
    rows = officer.get("/api/v1/benchmarks/", {"period": "2019-20-Q1"}).json()["results"]
    assert [(r["council"], r["england"], r["band"], r["locked"]) for r in rows] == [(72, 64, "B", True)]
