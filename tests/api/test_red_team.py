"""Red-team findings against the read API, each a test: Part B detail, register visibility, tokens, hostile
parameters, methods, proxies and paging, query counts."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api.models import ApiToken
from organisation import services as organisation_services
from organisation.models import ReportingPeriod
from risks.models import Risk
from tests.api.conftest import token_for
from tests.api.test_access import ENDPOINTS
from tests.api.world import SECRET, build

ALL = (*ENDPOINTS, "schema")


@pytest.fixture
def world(directorate, area_a, area_b, open_quarter, locked_quarter):
    return build(directorate, area_a, area_b, open_quarter)


def _lock(officer_user, quarter):
    organisation_services.period_lock(user=officer_user, period=ReportingPeriod.objects.get(pk=quarter.pk),
                                      sign_off_submitted=True)


def _rows(client, endpoint, **query):
    response = client.get(f"/api/v1/{endpoint}/", query)
    assert response.status_code == 200, response.content
    return response.json()["results"]


# --- Part B ---------------------------------------------------------------------------------------------

def test_a_risk_made_exempt_after_the_lock_keeps_its_detail_from_those_without_part_b(
        world, manager_a, officer_user, open_quarter):
    """The pages (deep dives, audit actions) withhold a risk exempt at the lock *or since*: so must the API."""
    _lock(officer_user, open_quarter)
    Risk.objects.filter(reference="CRR9").update(exempt=True, description=SECRET)
    crr9 = next(r for r in _rows(manager_a, "risks", period="2019-20-Q1") if r["reference"] == "CRR9")
    assert crr9["detail_withheld"] is True
    assert crr9["description"] is None and crr9["controls"] is None and crr9["risk_owner"] is None
    controls = [r for r in _rows(manager_a, "controls", period="2019-20-Q1") if r["reference"] == "CRR9"]
    assert controls and all(r["control"] == "" and r["owner"] == "" for r in controls)


def test_the_register_page_keeps_the_owner_of_a_risk_made_exempt_after_the_lock_to_part_b(
        world, manager_a, officer, officer_user, open_quarter):
    """As the API and the deep dive: the register page of a locked quarter shows "-" for the owner of a risk
    exempt then or now, to those who may not read Part B."""
    Risk.objects.filter(reference="CRR9").update(risk_owner="Named owner of CRR9")
    _lock(officer_user, open_quarter)
    Risk.objects.filter(reference="CRR9").update(exempt=True)
    public = manager_a.get("/risks/", {"period": "2019-20-Q1"}).content.decode()
    assert "CRR9" in public and "Named owner of CRR9" not in public
    assert "Named owner of CRR9" in officer.get("/risks/", {"period": "2019-20-Q1"}).content.decode()


def test_a_risk_exempt_at_the_lock_keeps_its_controls_withheld_after_it_is_made_public(
        world, manager_a, officer_user, open_quarter):
    """The controls read the *live* exempt flag: a risk exempt when the quarter was reported, made public
    since, showed its Part B controls for that quarter."""
    _lock(officer_user, open_quarter)
    Risk.objects.filter(reference="CRR5").update(exempt=False)
    body = manager_a.get("/api/v1/controls/", {"period": "2019-20-Q1"}).content.decode()
    assert SECRET not in body
    risks = manager_a.get("/api/v1/risks/", {"period": "2019-20-Q1"}).content.decode()
    assert SECRET not in risks


def test_locked_controls_name_the_risk_as_reported(world, officer, officer_user, open_quarter):
    _lock(officer_user, open_quarter)
    Risk.objects.filter(reference="CRR9").update(title="Retitled since")
    titles = {r["risk_title"] for r in _rows(officer, "controls", period="2019-20-Q1") if r["reference"] == "CRR9"}
    assert titles == {"Risk CRR9"}


@pytest.mark.parametrize("role", ["manager_a", "manager_b"])
@pytest.mark.parametrize("locked", [False, True])
def test_no_endpoint_any_page_leaks_part_b(request, world, officer_user, open_quarter, role, locked):
    if locked:
        _lock(officer_user, open_quarter)
    client = request.getfixturevalue(role)
    for endpoint in ENDPOINTS:
        for query in ({"period": "2019-20-Q1"}, {"period": "2019-20-Q1", "page_size": 1, "page": 3},
                      {"period": "2019-20-Q1", "level": "corporate"}, {}):
            response = client.get(f"/api/v1/{endpoint}/", query)
            assert SECRET not in response.content.decode(), (endpoint, query)


def test_audit_action_linked_exempt_title_is_blank_for_a_manager(world, manager_a, officer_user, open_quarter):
    from risks.models import AuditRecommendation

    rec = AuditRecommendation.objects.create(source="Internal audit 2019/20", recommendation="Exempt link")
    rec.risks.set([world["risks"]["SRR1"], world["risks"]["CRR5"]])
    Risk.objects.filter(reference="CRR5").update(title=SECRET)
    for query in ({}, {"period": "2019-20-Q1"}):
        row = next(r for r in _rows(manager_a, "audit-actions", **query) if r["recommendation"] == "Exempt link")
        assert {x["reference"]: x["title"] for x in row["risks"]}["CRR5"] == ""


def test_the_audit_committee_never_sees_a_service_risk(world, audit, officer_user, open_quarter):
    for locked in (False, True):
        if locked:
            _lock(officer_user, open_quarter)
        for endpoint in ("risks", "controls"):
            refs = {r["reference"] for r in _rows(audit, endpoint, period="2019-20-Q1")}
            assert not refs & {"SRR1", "SRR2"}, (endpoint, locked)
        refs = {r["reference"] for r in _rows(audit, "risks", period="2019-20-Q1", level="service")}
        assert refs == set()
    # A risk escalated after the lock is not on the committee's locked register.
    Risk.objects.filter(reference="SRR1").update(register="corporate")
    assert "SRR1" not in {r["reference"] for r in _rows(audit, "risks", period="2019-20-Q1")}
    assert "SRR1" not in {r["reference"] for r in _rows(audit, "controls", period="2019-20-Q1")}


# --- tokens ---------------------------------------------------------------------------------------------

def test_the_tokens_page_needs_the_csrf_token(world, manager_a_user, manager_b_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager_a_user)
    assert client.post("/api/tokens/", {"name": "Forged"}).status_code == 403
    assert not ApiToken.objects.exists()
    token, _ = ApiToken.issue(owner=manager_a_user, name="mine")
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 403
    token.refresh_from_db()
    assert token.revoked is None


def test_each_use_is_recorded_even_when_refused_by_a_filter_or_for_head(world, officer_user):
    key = token_for(officer_user)
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/figures/", {"period": "nonsense"}).status_code == 400
    assert client.head("/api/v1/figures/").status_code == 200
    assert client.get("/api/v1/risks/", {"page": 99}).status_code == 404
    assert ApiToken.objects.get().use_count == 3


def test_the_key_is_never_echoed_in_an_error(world, officer_user):
    key = token_for(officer_user)
    for query in ({"period": "nonsense"}, {"page": 99}, {"directorate": "x"}):
        response = Client().get("/api/v1/risks/", {"api_key": key, **query})
        assert response.status_code in (400, 404)
        assert key not in response.content.decode()


def test_the_access_log_never_holds_an_api_key():
    """gunicorn's access log writes the request line and the referrer: the api_key must be redacted there."""
    import importlib.util
    import pathlib

    spec = importlib.util.spec_from_file_location("gunicorn_conf",
                                                  pathlib.Path(__file__).parents[2] / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    assert getattr(conf, "logger_class", None), "no redacting logger: the access log holds every api_key"
    from django.utils.module_loading import import_string
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    cls = import_string(conf.logger_class) if isinstance(conf.logger_class, str) else conf.logger_class
    assert issubclass(cls, Logger)
    logger = cls(Config())

    class Response:
        status = "200 OK"
        sent = 10
        headers = []
        response_length = 10

    class Request:
        headers = []

    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/api/v1/risks/?period=2019-20-Q1&api_key=SeCrEtKeY123",
               "PATH_INFO": "/api/v1/risks/", "QUERY_STRING": "period=2019-20-Q1&api_key=SeCrEtKeY123",
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.0.0.1",
               "HTTP_REFERER": "https://council.example/api/v1/risks/?api_key=SeCrEtKeY123&page=2",
               "HTTP_USER_AGENT": "PowerBI"}
    import datetime

    atoms = logger.atoms(Response(), Request(), environ, datetime.timedelta(seconds=1))
    line = logger.cfg.access_log_format % atoms
    assert "SeCrEtKeY123" not in line and "SeCrEtKeY123" not in " ".join(str(v) for v in atoms.values())
    assert "api_key=" in line and "period=2019-20-Q1" in line  # the rest of the query is kept


# --- hostile parameters -----------------------------------------------------------------------------------

HOSTILE = [
    ("period", "/"), ("period", "9999/00 Q1"), ("period", "99999999999999999999-00-Q1"),
    ("period", "2019/20 Q1/"), ("period", "2019-20-Q1/../x"), ("period", "\u0662\u0660\u0661\u0669/20 Q1"),
    ("period", "2019\u200b/20 Q1"), ("period", "\U0001F4A9"), ("period", "2019/20 Q" + "1" * 5000),
    ("period", "-"), ("period", "--Q1"), ("period", "2019-20-Q"), ("period", "2019/20 Q0"),
    ("directorate", "\u00b2"), ("service_area", "\u00b9"), ("directorate", "\u0663"), ("directorate", "\uff11"),
    ("directorate", "0"), ("service_area", "1e3"), ("directorate", "9" * 13), ("service_area", " 1 2"),
    ("level", "corpor\u00e4te"), ("band", "\u00b2"), ("status", "\U0001F4A9"),
]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("name, value", HOSTILE)
def test_hostile_parameters_are_a_400_not_a_500(world, officer, endpoint, name, value):
    response = officer.get(f"/api/v1/{endpoint}/", {name: value})
    assert response.status_code in (200, 400), (response.status_code, response.content[:300])
    if response.status_code == 400:
        assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("page", ["0", "-1", "10" * 30, "1e400", "\u00b2", "\uff12", "nan", "inf", "last", "1.0"])
def test_huge_or_odd_page_numbers_are_a_404_or_a_page(world, officer, endpoint, page):
    response = officer.get(f"/api/v1/{endpoint}/", {"page": page, "period": "2019-20-Q1"})
    assert response.status_code in (200, 404), (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("size, expected", [("0", 5), ("-5", 5), ("1000000000", 5), ("10" * 30, 5), ("x", 5),
                                            ("\u00b2", 5), ("2", 2)])
def test_odd_page_sizes(world, officer, size, expected):
    response = officer.get("/api/v1/risks/", {"page_size": size, "period": "2019-20-Q1"})
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == expected


def test_level_and_register_together(world, officer):
    assert officer.get("/api/v1/risks/", {"level": "corporate", "register": "service"}).status_code == 400
    assert officer.get("/api/v1/risks/", {"level": "corporate", "register": "CORPORATE"}).status_code == 200


def test_repeated_parameters_do_not_widen_a_manager(world, manager_b, area_a):
    refs = {r["reference"] for r in _rows(manager_b, "risks", period="2019-20-Q1",
                                          directorate=[str(area_a.directorate_id)], level=["all", "service"])}
    assert refs <= {"DRR1", "SRR2"}


# --- methods and anonymous ------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options", "trace"])
@pytest.mark.parametrize("endpoint", ALL)
@pytest.mark.parametrize("who", ["officer", "anonymous"])
def test_anything_but_get_or_head_is_405(request, world, endpoint, method, who):
    client = request.getfixturevalue(who)
    response = getattr(client, method)(f"/api/v1/{endpoint}/")
    assert response.status_code in ((405,) if who == "officer" else (401, 405)), (method, response.status_code)
    if who == "officer":
        assert "GET" in response.get("Allow", ""), response.headers


@pytest.mark.parametrize("endpoint", ALL)
def test_head_answers(world, officer, endpoint):
    assert officer.head(f"/api/v1/{endpoint}/").status_code == 200


@pytest.mark.parametrize("endpoint", ALL)
def test_anonymous_is_a_json_401(world, anonymous, endpoint):
    for response in (anonymous.get(f"/api/v1/{endpoint}/"), anonymous.get(f"/api/v1/{endpoint}/",
                                                                           HTTP_ACCEPT="text/html")):
        assert response.status_code == 401
        assert response["Content-Type"].split(";")[0].endswith("json"), response["Content-Type"]
        assert "detail" in response.json()


def test_a_bad_token_scheme_is_a_json_401(world):
    for header in ("Token", "Token a b", "Token \u00e9", "token "):
        response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/risks/")
        assert response.status_code == 401, header
        assert response["Content-Type"].startswith("application/json")


# --- paging behind a proxy, and stable order --------------------------------------------------------------

def test_next_links_ignore_forwarded_headers_unless_trusted(world, officer, settings):
    query = {"period": "2019-20-Q1", "page_size": 2}
    response = officer.get("/api/v1/risks/", query, HTTP_X_FORWARDED_HOST="evil.example",
                           HTTP_X_FORWARDED_PROTO="https")
    assert response.json()["next"].startswith("http://testserver/api/v1/risks/")
    settings.USE_X_FORWARDED_HOST = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "council.example"]
    response = officer.get("/api/v1/risks/", query, HTTP_X_FORWARDED_HOST="council.example",
                           HTTP_X_FORWARDED_PROTO="https")
    assert response.json()["next"].startswith("https://council.example/api/v1/risks/")
    assert officer.get("/api/v1/risks/", query, HTTP_X_FORWARDED_HOST="evil.example").status_code == 400


def _walk(client, url):
    seen = []
    while url:
        body = client.get(url).json()
        seen += [r["reference"] for r in body["results"]]
        url = body["next"]
    return seen


@pytest.mark.parametrize("locked", [False, True])
def test_risks_with_the_same_rating_and_sort_key_page_without_repeats(
        directorate, area_a, area_b, open_quarter, locked_quarter, officer, officer_user, locked):
    """CRR9 and CRR09 have one natural sort key: with the same rating, their order is up to the database
    unless ties are broken by id, and a page boundary between them may repeat one and skip the other."""
    from tests.risks.conftest import make_risk, review

    made = []
    for n in range(12):
        for reference in (f"X{n}", f"X0{n}", f"X00{n}"):
            risk = make_risk(reference, directorate, area_a, register="corporate")
            review(risk, "2019/20 Q1", 2, 2, (1, 1))
            made.append(reference)
    if locked:
        _lock(officer_user, open_quarter)
    seen = _walk(officer, "/api/v1/risks/?period=2019-20-Q1&page_size=1")
    assert sorted(seen) == sorted(made)
    # The same order whichever page size.
    assert _walk(officer, "/api/v1/risks/?period=2019-20-Q1&page_size=7") == seen


# --- query counts, for every role and for a locked quarter -----------------------------------------------

class _Undo(Exception):
    pass


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", ["manager_a", "audit", "executive"])
@pytest.mark.parametrize("locked", [False, True])
def test_query_counts_flat_for_every_role_and_a_locked_quarter(
        request, directorate, area_a, area_b, open_quarter, locked_quarter, officer_user, endpoint, role, locked):
    client = request.getfixturevalue(role)
    url = f"/api/v1/{endpoint}/?period=2019-20-Q1"
    counts = []
    for extra in (0, 20):
        try:
            with transaction.atomic():
                build(directorate, area_a, area_b, ReportingPeriod.objects.get(pk=open_quarter.pk), extra=extra)
                if locked:
                    _lock(officer_user, open_quarter)
                from django.core.cache import caches

                caches["default"].clear()
                _count(client, url)  # warm
                counts.append(_count(client, url))
                raise _Undo
        except _Undo:
            pass
    small, large = counts
    assert large <= small, f"{endpoint} as {role} ({'locked' if locked else 'open'}): {small} then {large}"


# --- caching and the record ---------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["header", "query", "session"])
def test_answers_are_never_cached(world, officer, officer_user, how):
    key = token_for(officer_user)
    if how == "header":
        response = Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/risks/")
    elif how == "query":
        response = Client().get("/api/v1/risks/", {"api_key": key})
    else:
        response = officer.get("/api/v1/risks/")
    assert response.status_code == 200
    assert "no-store" in response.get("Cache-Control", ""), response.headers
    assert "private" in response.get("Cache-Control", "") or "no-store" in response.get("Cache-Control", "")


def test_a_draft_in_a_locked_quarter_reads_not_submitted(world, executive, officer_user, open_quarter):
    from kpis.models import Actual

    Actual.objects.filter(indicator=world["indicators"][1]).update(state="draft", commentary="Draft words")
    _lock(officer_user, ReportingPeriod.objects.get(pk=open_quarter.pk))
    row = next(r for r in _rows(executive, "figures", period="2019-20-Q1") if r["code"] == "DPE002")
    assert row["not_submitted"] is True and row["locked"] is True
    assert row["value"] is None and row["rag"] is None and row["commentary"] in ("", None), row
