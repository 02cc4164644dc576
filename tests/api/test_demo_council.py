"""The demo council through the API, as Power BI would read it with each demo user's token: what each role's
pages show (the story of README: CRR9's key risk indicators Red, CRR10's acceptance expired, CRR9's audit
action overdue)."""

from django.test import Client

from tests.api.conftest import token_for


def all_pages(client, url, **query):
    results, response = [], client.get(url, query)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        results += body["results"]
        if not body["next"]:
            return results, body
        response = client.get(body["next"])


def test_the_demo_council_page_after_page(demo_council):
    clients = {name: Client(HTTP_AUTHORIZATION=f"Token {token_for(user)}") for name, user in demo_council.items()}
    officer, children, adults, audit = (clients[n] for n in ("performance", "manager.children", "manager.adults",
                                                             "audit"))
    figures, _ = all_pages(officer, "/api/v1/figures/", period="2019/20 Q1", page_size=7)
    by_code = {f["code"]: f for f in figures}
    assert by_code["DPE006"]["rag"] == "Red" and by_code["DPE007"]["rag"] == "Red"
    assert len(figures) == len(all_pages(officer, "/api/v1/indicators/")[0])
    risks, _ = all_pages(officer, "/api/v1/risks/", period="2019-20-Q1", page_size=1)
    by_reference = {r["reference"]: r for r in risks}
    assert {k["code"] for k in by_reference["CRR9"]["key_risk_indicators"]} == {"DPE006", "DPE007"}
    assert by_reference["CRR10"]["accepted_until"] == "2019-06-30" and by_reference["CRR10"]["acceptance_expired"]
    # Each manager sees their own areas' risks only; together with the others', no more than the officer.
    mine = {r["reference"] for r in all_pages(children, "/api/v1/risks/", period="2019-20-Q1")[0]}
    theirs = {r["reference"] for r in all_pages(adults, "/api/v1/risks/", period="2019-20-Q1")[0]}
    assert mine and theirs and not mine & theirs and mine | theirs <= set(by_reference)
    committee = all_pages(audit, "/api/v1/risks/", period="2019-20-Q1")[0]
    assert all(r["register"] in ("corporate", "directorate") for r in committee)
    actions, _ = all_pages(officer, "/api/v1/audit-actions/", status="overdue")
    assert any(r["risks"][0]["reference"] == "CRR9" and r["days_overdue"] > 0 for r in actions)
    placements, body = all_pages(officer, "/api/v1/placements/", page_size=5)  # the newest quarter with snapshots
    assert sum(r["children"] or 0 for r in placements) == body["totals"]["children"] > 0
    controls, _ = all_pages(officer, "/api/v1/controls/", period="2019-20-Q1")
    assert controls
    # The locked 2018/19 Q4 reads as reported.
    locked, _ = all_pages(audit, "/api/v1/figures/", period="2018-19-Q4")
    assert locked and all(f["locked"] for f in locked)
