"""The programmes and savings resources: every role reads them (organisation.access.can_view_programmes),
anonymous is a 401; the savings summary is each programme's newest quarter with savings in or before the
period, money in pounds as numbers (as placements'), the RAG as reported; filters narrow and a bad one is a
400 naming it; the query count does not grow with the number of programmes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisation import services as organisation_services
from organisation.models import Directorate, ReportingPeriod, ServiceArea
from programmes.models import Assessment, Objective, Programme, Saving
from tests.api.world import build, build_programmes

ROLES = ("manager_a", "manager_b", "officer", "executive", "audit", "outsider", "anonymous")
EXPECTED = {"anonymous": 401, "outsider": 403}


@pytest.fixture
def world(directorate, area_a, area_b, open_quarter, locked_quarter):
    return build_programmes(directorate, area_a, area_b, open_quarter)


def _rows(client, endpoint, **query):
    response = client.get(f"/api/v1/{endpoint}/", query)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _by_name(rows):
    return {r["name"]: r for r in rows}


# --- who reads -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ["programmes", "savings"])
def test_every_role_reads_and_anonymous_is_refused(request, world, endpoint, role):
    response = request.getfixturevalue(role).get(f"/api/v1/{endpoint}/")
    assert response.status_code == EXPECTED.get(role, 200), response.content
    body = response.json()
    if response.status_code == 200:
        assert set(body) >= {"count", "next", "previous", "results"}
        assert body["count"] == {"programmes": 2, "savings": 3}[endpoint]  # every programme, whoever reads
    else:
        assert "detail" in body and "results" not in body


@pytest.mark.parametrize("endpoint", ["programmes", "savings"])
def test_a_token_reads_them_too(world, manager_b_user, endpoint):
    from django.test import Client

    from tests.api.conftest import token_for

    key = token_for(manager_b_user)
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get(f"/api/v1/{endpoint}/").status_code == 200
    assert Client().get(f"/api/v1/{endpoint}/", {"api_key": key}).status_code == 200
    assert Client().get(f"/api/v1/{endpoint}/").status_code == 401


# --- what a programme shows -----------------------------------------------------------------------------

def test_a_programme_with_its_savings_summary_and_objectives(world, executive, directorate, area_a):
    rows = _by_name(_rows(executive, "programmes"))
    assert list(rows) == ["Better Lives", "Digital Council"]  # by name
    better = rows["Better Lives"]
    assert better["id"] == world["Better Lives"].pk
    assert (better["directorate_id"], better["directorate"]) == (directorate.pk, "People")
    assert (better["service_area_id"], better["service_area"]) == (area_a.pk, area_a.name)
    assert better["sponsor"] == "Director of People" and better["senior_responsible_owner"] == "Sam Owner"
    assert better["manager"] == "Pat Manager" and better["status"] == "running"
    assert better["mandate_date"] is None and better["actual_closure"] is None
    # Default: the newest quarter with savings reported (2019/20 Q1); its two lines summed.
    assert better["period"] == "2019/20 Q1" and better["savings_period"] == "2019/20 Q1"
    assert better["savings_planned"] == 1500000 and better["savings_forecast"] == 1450000
    assert better["savings_delivered"] == 250000.5
    assert better["savings_at_risk"] == 500000  # the 2020/21 line: 10% short, inside 15%
    assert better["savings_tolerance"] == 15
    assert better["objectives"] == [
        {"number": 1, "objective": "Fewer children in residential care", "assessed_in": "2019/20 Q1",
         "state": "submitted", "not_reported": False, "rag": "At risk", "colour": "Amber", "assessment": None},
        {"number": 2, "objective": "More foster carers recruited", "assessed_in": None, "state": None,
         "not_reported": False, "rag": None, "colour": None, "assessment": None},
    ]
    # Digital Council reported savings only in 2018/19 Q4: shown as reported then, 10% short of a 5% tolerance.
    digital = rows["Digital Council"]
    assert digital["savings_period"] == "2018/19 Q4" and digital["savings_tolerance"] == 5
    assert digital["savings_planned"] == 200000 and digital["savings_forecast"] == 180000
    assert digital["savings_delivered"] == 0 and digital["savings_at_risk"] == 200000
    assert digital["objectives"] == []


def test_money_is_pounds_as_json_numbers_like_placements(world, officer):
    """The API's money (placements' costs) is a JSON number of pounds, never a string or a formatted £."""
    raw = officer.get("/api/v1/savings/").content.decode()
    assert '"planned":1000000.0' in raw.replace(" ", "") or '"planned":1000000' in raw.replace(" ", "")
    assert "£" not in raw
    row = _rows(officer, "savings", programme="Better Lives", year="2019/20")[0]
    assert isinstance(row["planned"], int | float) and isinstance(row["delivered"], int | float)


def test_an_earlier_period_reads_the_summary_and_assessment_then(world, officer):
    rows = _by_name(_rows(officer, "programmes", period="2018-19-Q4"))
    better = rows["Better Lives"]
    assert better["period"] == "2018/19 Q4" and better["savings_period"] is None
    assert better["savings_planned"] is None and better["savings_at_risk"] is None
    first = better["objectives"][0]
    assert (first["assessed_in"], first["rag"], first["colour"], first["state"]) == (
        "2018/19 Q4", "On track", "Green", "signed_off")
    assert rows["Digital Council"]["savings_period"] == "2018/19 Q4"
    # A later quarter with nothing new: the newest in or before it.
    ReportingPeriod.for_label("2019/20 Q2")
    later = _by_name(_rows(officer, "programmes", period="2019/20 Q2"))["Better Lives"]
    assert later["savings_period"] == "2019/20 Q1" and later["objectives"][0]["assessed_in"] == "2019/20 Q1"


def test_a_locked_quarter_keeps_its_words_and_an_unsigned_assessment_reads_not_reported(
        world, officer, officer_user, open_quarter):
    organisation_services.period_lock(user=officer_user, period=ReportingPeriod.objects.get(pk=open_quarter.pk),
                                      sign_off_submitted=False)
    Objective.objects.filter(programme=world["Better Lives"], number=1).update(objective="Reworded since")
    first = _by_name(_rows(officer, "programmes", period="2019-20-Q1"))["Better Lives"]["objectives"][0]
    assert first["objective"] == "Fewer children in residential care"  # as the lock recorded it
    assert first["not_reported"] is True and first["rag"] is None and first["state"] == "submitted"
    saving = _rows(officer, "savings", period="2019-20-Q1")[0]
    assert saving["locked"] is True


def test_a_closure_assessment_is_shown(world, officer, open_quarter):
    objective = Objective.objects.get(programme=world["Better Lives"], number=2)
    Assessment.objects.create(objective=objective, period=open_quarter, assessment="Achieved in part",
                              state="signed_off")
    second = _by_name(_rows(officer, "programmes"))["Better Lives"]["objectives"][1]
    assert second["assessment"] == "Achieved in part" and second["rag"] is None


# --- what a saving shows --------------------------------------------------------------------------------

def test_each_saving_line_with_its_reported_rag(world, audit, directorate):
    rows = _rows(audit, "savings")
    assert [(r["programme"], r["year"], r["period"], r["rag"], r["colour"]) for r in rows] == [
        ("Better Lives", "2019/20", "2019/20 Q1", "On track", "Green"),
        ("Better Lives", "2020/21", "2019/20 Q1", "At risk", "Amber"),
        ("Digital Council", "2018/19", "2018/19 Q4", "Undeliverable", "Red"),  # its own 5% tolerance
    ]
    first = rows[0]
    assert first["programme_id"] == world["Better Lives"].pk and first["directorate_id"] == directorate.pk
    assert first["planned"] == 1000000 and first["forecast"] == 1000000 and first["delivered"] == 250000.5
    assert first["owner"] == "Head of care" and first["forum"] == "Programme board" and first["locked"] is False
    assert rows[1]["delivered"] is None  # not entered: null, never zero


def test_an_entered_rag_is_the_one_reported(world, officer, open_quarter):
    Saving.objects.filter(programme=world["Better Lives"], year__year=2019).update(rag="Undeliverable")
    row = _rows(officer, "savings", programme="better lives", year="2019-20")[0]
    assert (row["rag"], row["colour"]) == ("Undeliverable", "Red")
    # The programme's savings at risk count the RAG reported, so the two resources agree.
    better = _by_name(_rows(officer, "programmes"))["Better Lives"]
    assert better["savings_at_risk"] == 1500000


# --- filters --------------------------------------------------------------------------------------------

def test_programme_filters(world, officer, directorate):
    other = Directorate.objects.create(name="Place")
    Programme.objects.create(name="Roads Renewal", directorate=other, status="closed",
                             actual_closure=ReportingPeriod.for_label("2018/19 Q1").end)
    assert [r["name"] for r in _rows(officer, "programmes", directorate=other.pk)] == ["Roads Renewal"]
    assert [r["name"] for r in _rows(officer, "programmes", status="Mandated")] == ["Digital Council"]
    assert [r["name"] for r in _rows(officer, "programmes", status="closed", directorate=directorate.pk)] == []
    closed = _rows(officer, "programmes", status="closed")[0]
    assert closed["savings_period"] is None and closed["objectives"] == []


def test_savings_filters(world, officer, directorate):
    digital = world["Digital Council"]
    assert len(_rows(officer, "savings")) == 3  # no period: every line
    assert [r["year"] for r in _rows(officer, "savings", period="2019/20 Q1")] == ["2019/20", "2020/21"]
    assert [r["programme"] for r in _rows(officer, "savings", period="2018-19-Q4")] == ["Digital Council"]
    assert [r["programme"] for r in _rows(officer, "savings", programme=digital.pk)] == ["Digital Council"]
    assert [r["programme"] for r in _rows(officer, "savings", programme="DIGITAL COUNCIL")] == ["Digital Council"]
    assert [r["period"] for r in _rows(officer, "savings", year="2020/21")] == ["2019/20 Q1"]
    assert len(_rows(officer, "savings", directorate=directorate.pk)) == 3
    other = Directorate.objects.create(name="Place")
    assert _rows(officer, "savings", directorate=other.pk) == []


BAD = [
    ("programmes", "period", "2019/21 Q1"), ("programmes", "period", "2019-20"), ("programmes", "period", "2031/32 Q1"),
    ("programmes", "directorate", "x"), ("programmes", "directorate", "999999"), ("programmes", "status", "paused"),
    ("programmes", "directorate", "\u00b2"), ("programmes", "period", "2019/20 Q" + "1" * 5000),
    ("savings", "period", "Q5"), ("savings", "period", "2019/20"), ("savings", "programme", "999999"),
    ("savings", "programme", "No Such Programme"), ("savings", "programme", "9" * 30), ("savings", "year", "2019/21"),
    ("savings", "year", "2019/20 Q1"), ("savings", "year", "2031/32"), ("savings", "year", "\U0001F4A9"),
    ("savings", "directorate", "-1"), ("savings", "directorate", "9" * 13),
]


@pytest.mark.parametrize("endpoint, name, value", BAD)
def test_a_bad_filter_is_a_400_naming_it(world, officer, endpoint, name, value):
    response = officer.get(f"/api/v1/{endpoint}/", {name: value})
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    assert name in response.json()


@pytest.mark.parametrize("endpoint", ["programmes", "savings"])
def test_paged_as_the_others(world, officer, endpoint):
    first = officer.get(f"/api/v1/{endpoint}/", {"page_size": 1}).json()
    assert len(first["results"]) == 1 and first["previous"] is None and first["next"]
    assert officer.get(f"/api/v1/{endpoint}/", {"page": 99}).status_code == 404


@pytest.mark.parametrize("endpoint", ["programmes", "savings"])
def test_no_quarters_no_programmes_is_an_empty_list(officer, endpoint):
    body = officer.get(f"/api/v1/{endpoint}/").json()
    assert body["count"] == 0 and body["results"] == []


def test_a_programme_with_no_quarters_yet_has_no_summary(officer, directorate):
    Programme.objects.create(name="Early Days", directorate=directorate, status="mandated")
    row = _rows(officer, "programmes")[0]
    assert row["period"] is None and row["savings_period"] is None and row["savings_planned"] is None


# --- query counts ---------------------------------------------------------------------------------------

def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize("url", ["/api/v1/programmes/", "/api/v1/programmes/?period=2019-20-Q1&status=running",
                                 "/api/v1/savings/", "/api/v1/savings/?period=2019-20-Q1&year=2019-20"])
@pytest.mark.parametrize("role", ["manager_a", "audit"])
def test_query_counts_flat_at_two_sizes(request, directorate, area_a, area_b, open_quarter, locked_quarter, url,
                                        role):
    client = request.getfixturevalue(role)
    build_programmes(directorate, area_a, area_b, open_quarter, extra=2)
    _count(client, url)  # warm
    small = _count(client, url)
    more = ServiceArea.objects.create(directorate=directorate, name="Housing")
    for n in range(25):
        found = Programme.objects.create(name=f"Larger {n:03d}", directorate=directorate, service_area=more)
        for number in (1, 2, 3):
            objective = Objective.objects.create(programme=found, number=number, objective=f"Objective {number}")
            Assessment.objects.create(objective=objective, period=open_quarter, rag="Off track")
            Assessment.objects.create(objective=objective, period=locked_quarter, rag="On track", state="signed_off")
        for year in ("2019/20", "2020/21"):
            Saving.objects.create(programme=found, year=ReportingPeriod.for_label(year), period=open_quarter,
                                  planned=Decimal(100), forecast=Decimal(10))
    large = _count(client, url)
    assert large <= small, f"{url} as {role}: {small} queries, then {large} with more programmes"


def test_the_whole_world_still_reads(directorate, area_a, area_b, open_quarter, locked_quarter, officer):
    """The shared API world holds the programmes too (so every endpoint test covers them)."""
    build(directorate, area_a, area_b, open_quarter, extra=3)
    assert officer.get("/api/v1/programmes/").json()["count"] == 5
    assert officer.get("/api/v1/savings/").json()["count"] == 6
