"""Hostile values on the appetite, deep-dive, heat-map, register and key-risk-indicator routes, for every role:
never a server error."""

import io

import pytest
from django.core.management import call_command

from risks.models import RiskCategory
from tests.conftest import client_for, make_user


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_demo_data", stdout=io.StringIO())

BAD = ["abc", "2019-20-Q9", "9999-00-Q1", "../", "%00", "2019-20-q1", "2030-31-Q1", "x" * 500]

@pytest.mark.parametrize("role", ["Performance officer", "Executive", "Audit committee", "Service manager", None])
def test_no_500s(demo, role):
    from organisation.models import ServiceArea
    areas = [ServiceArea.objects.get(name__startswith="Children")] if role == "Service manager" else []
    c = client_for(make_user(f"atk{role}", role, areas=areas, is_staff=role == "Performance officer"))
    for url in ["/risks/appetite/", "/risks/deep-dives/", "/risks/heat-map/", "/risks/", "/risks/CRR9/"]:
        for bad in BAD:
            for param in ("period", "appetite", "level"):
                r = c.get(url, {param: bad})
                assert r.status_code < 500, (url, param, bad, r.status_code)
    pk = RiskCategory.objects.get(name="Safeguarding").pk
    for data in [{}, {"name": "\x00"}, {"name": "Safeguarding", "level": "averse", "boundary": "drawn", "cell": ["1-1-1", "a-b", "-1-2", "99999999999999999999-1"]},
                 {"name": "Safeguarding", "level": "averse", "boundary": "zzz", "cell": "1-1"}, {"name": "S" * 121, "level": "open"}]:
        r = c.post(f"/risks/appetite/{pk}/", data)
        assert r.status_code < 500, (data, r.status_code)
    for bad in ["", ",,,", "DPE006;" * 100, "\x00", "<script>", "DPE006 DPE007"]:
        r = c.post("/risks/CRR9/indicators/", {"indicators": bad})
        assert r.status_code < 500, (bad, r.status_code)
    assert c.get("/risks/appetite/999999/").status_code in (302, 403, 404)


def test_a_nul_in_a_multipart_form_is_refused_before_any_view(demo):
    c = client_for(make_user("atk.officer2", "Performance officer", is_staff=True))
    for url, data in [("/risks/CRR9/review/2019-20-Q1/", {"action": "no-change", "same-comment": "a\x00b"}),
                      ("/risks/CRR9/indicators/", {"indicators": "DPE\x00006"}),
                      ("/packs/covering/", {"summary": "x\x00"})]:
        response = c.post(url, data)  # the test client posts multipart/form-data
        assert response.status_code == 400 and b"NUL" in response.content, url
