"""Every endpoint for every role: who gets an answer, and that the answer holds exactly what the pages show
that role (service managers their own areas' risks, the audit committee the corporate and directorate
registers, an exempt risk's detail only to those who read Part B)."""

import json

import pytest

from tests.api.world import SECRET, build

ROLES = ("manager_a", "manager_b", "officer", "executive", "audit", "outsider", "anonymous")
ENDPOINTS = ("indicators", "targets", "benchmarks", "figures", "risks", "controls", "audit-actions", "placements",
             "programmes", "savings")
READERS = {"manager_a", "manager_b", "officer", "executive", "audit"}


@pytest.fixture
def world(directorate, area_a, area_b, open_quarter, locked_quarter):
    return build(directorate, area_a, area_b, open_quarter)


def expected_status(endpoint, role):
    if role == "anonymous":
        return 401
    if role == "outsider":
        return 403
    return 200


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_endpoint_for_every_role(request, world, endpoint, role):
    client = request.getfixturevalue(role)
    response = client.get(f"/api/v1/{endpoint}/?period=2019-20-Q1")
    assert response.status_code == expected_status(endpoint, role), response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    if response.status_code == 200:
        assert set(body) >= {"count", "next", "previous", "results"}
    else:
        assert "detail" in body and "results" not in body


@pytest.mark.parametrize("role", ROLES)
def test_schema_and_docs_need_a_caller(request, world, role):
    client = request.getfixturevalue(role)
    schema = client.get("/api/v1/schema/")
    docs = client.get("/api/v1/docs/")
    if role == "anonymous":
        assert schema.status_code == 401
        assert docs.status_code == 302 and docs.url.startswith("/login/")
    else:
        assert schema.status_code == 200 and schema.json()["openapi"].startswith("3.")
        assert docs.status_code == 200


VISIBLE_RISKS = {
    "officer": {"CRR5", "CRR9", "DRR1", "SRR1", "SRR2"},
    "executive": {"CRR5", "CRR9", "DRR1", "SRR1", "SRR2"},
    "audit": {"CRR5", "CRR9", "DRR1"},
    "manager_a": {"CRR5", "CRR9", "SRR1"},
    "manager_b": {"DRR1", "SRR2"},
}


@pytest.mark.parametrize("role", sorted(VISIBLE_RISKS))
def test_risks_are_those_the_register_shows(request, world, role):
    body = request.getfixturevalue(role).get("/api/v1/risks/?period=2019/20 Q1").json()
    assert {r["reference"] for r in body["results"]} == VISIBLE_RISKS[role]
    assert body["count"] == len(VISIBLE_RISKS[role])
    for row in body["results"]:
        assert row["rating"] == 12 and row["tolerance_rating"] == 4 and row["outside_tolerance"] is True
        assert row["reviewed_in"] == "2019/20 Q1" and row["locked"] is False


@pytest.mark.parametrize("role", sorted(VISIBLE_RISKS))
def test_controls_are_those_of_the_risks_shown(request, world, role):
    body = request.getfixturevalue(role).get("/api/v1/controls/?period=2019-20-Q1").json()
    assert {r["reference"] for r in body["results"]} == VISIBLE_RISKS[role]


@pytest.mark.parametrize("role, shown", [
    ("officer", {"Check costs", "Train staff"}), ("executive", {"Check costs", "Train staff"}),
    ("audit", {"Check costs", "Train staff"}), ("manager_a", {"Check costs"}), ("manager_b", {"Train staff"}),
])
def test_audit_actions_are_those_the_list_shows(request, world, role, shown):
    body = request.getfixturevalue(role).get("/api/v1/audit-actions/").json()
    assert {r["recommendation"] for r in body["results"]} == shown


@pytest.mark.parametrize("role", ["manager_a", "manager_b"])
def test_exempt_detail_never_reaches_a_manager(request, world, role):
    client = request.getfixturevalue(role)
    for endpoint in ENDPOINTS:
        response = client.get(f"/api/v1/{endpoint}/?period=2019-20-Q1")
        assert SECRET not in response.content.decode(), endpoint
    body = client.get("/api/v1/risks/").json()
    for row in body["results"]:
        if row["reference"] == "CRR5":
            assert row["exempt"] and row["detail_withheld"]
            assert row["description"] is None and row["controls"] is None and row["risk_owner"] is None
            assert row["title"] == "Risk CRR5" and row["rating"] == 12  # as the register shows it


@pytest.mark.parametrize("role", ["officer", "executive", "audit"])
def test_part_b_readers_get_the_exempt_detail(request, world, role):
    body = request.getfixturevalue(role).get("/api/v1/risks/?level=corporate&period=2019-20-Q1").json()
    crr5 = next(r for r in body["results"] if r["reference"] == "CRR5")
    assert crr5["detail_withheld"] is False
    assert crr5["description"] == SECRET and crr5["controls"] == SECRET and crr5["risk_owner"] == SECRET
    controls = request.getfixturevalue(role).get("/api/v1/controls/?period=2019-20-Q1").json()
    assert any(r["owner"] == SECRET for r in controls["results"])


def test_figures_carry_the_judgement(world, officer):
    body = officer.get("/api/v1/figures/?period=2019/20 Q1").json()
    first = next(r for r in body["results"] if r["code"] == "DPE001")
    assert first["value"] == 70 and first["target"] == 90
    assert first["status"] == "Well below target" and first["rag"] == "Red"
    assert first["direction"] == "Not known" and first["locked"] is False


def test_indicators_list(world, manager_b):
    body = manager_b.get("/api/v1/indicators/").json()
    assert [r["code"] for r in body["results"]] == ["DPE001", "DPE002"]


def test_placements_rows_and_totals(world, audit):
    body = audit.get("/api/v1/placements/?period=2019-20-Q1").json()
    assert body["count"] == 1 and body["results"][0]["children"] == 3
    assert body["results"][0]["average_weekly_cost"] == 300
    totals = body["totals"]
    assert totals["children"] == 3 and totals["in_house"] == 3 and totals["period"] == "2019/20 Q1"
    json.dumps(body)


def test_a_register_level_narrows_the_risks(world, officer):
    for name in ("level", "register"):
        body = officer.get(f"/api/v1/risks/?{name}=service").json()
        assert {r["reference"] for r in body["results"]} == {"SRR1", "SRR2"}
    body = officer.get("/api/v1/risks/?level=corporate&directorate=999999")
    assert body.status_code == 400
