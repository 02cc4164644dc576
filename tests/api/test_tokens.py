"""Tokens: by header and by api_key, acting as their owner with the owner's current roles; refused when
revoked, unknown or the owner is deactivated; each use recorded; created and revoked on /api/tokens/
(audited, the key shown once and never stored); rate-limited."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from api.models import ApiToken, hash_key
from organisation import roles
from organisation.models import AuditEvent
from tests.api.conftest import token_for
from tests.api.world import build


@pytest.fixture
def world(directorate, area_a, area_b, open_quarter, locked_quarter):
    return build(directorate, area_a, area_b, open_quarter)


def references(response):
    assert response.status_code == 200, response.content
    return {r["reference"] for r in response.json()["results"]}


def test_a_token_by_header_acts_as_its_owner(world, manager_b_user):
    key = token_for(manager_b_user)
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert references(client.get("/api/v1/risks/?period=2019-20-Q1")) == {"DRR1", "SRR2"}
    token = ApiToken.objects.get()
    assert token.use_count == 1 and token.last_used is not None


def test_a_token_as_api_key_as_power_bi_sends_it(world, audit_user):
    key = token_for(audit_user)
    response = Client().get("/api/v1/risks/", {"period": "2019/20 Q1", "api_key": key})
    assert references(response) == {"CRR5", "CRR9", "DRR1"}
    # The links never repeat the key (an answer may be kept or logged where a key must not be); the caller
    # sends it again with the next page, as Power BI does.
    response = Client().get("/api/v1/figures/", {"period": "2019/20 Q1", "api_key": key, "page_size": 1})
    following = response.json()["next"]
    assert "api_key" not in following and key not in response.content.decode()
    assert "page=2" in following and "page_size=1" in following
    assert Client().get(following).status_code == 401
    assert Client().get(f"{following}&api_key={key}").status_code == 200
    assert ApiToken.objects.get().use_count == 3


def test_the_owner_roles_as_they_are_now(world, manager_b_user):
    key = token_for(manager_b_user)
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert references(client.get("/api/v1/risks/?period=2019-20-Q1")) == {"DRR1", "SRR2"}
    manager_b_user.groups.set([Group.objects.get(name=roles.EXECUTIVE)])
    assert len(references(client.get("/api/v1/risks/?period=2019-20-Q1"))) == 5
    manager_b_user.groups.clear()
    assert client.get("/api/v1/risks/").status_code == 403


@pytest.mark.parametrize("how", ["header", "query"])
def test_revoked_unknown_and_deactivated_are_refused(world, officer_user, how):
    key = token_for(officer_user)

    def call(k):
        if how == "header":
            return Client(HTTP_AUTHORIZATION=f"Token {k}").get("/api/v1/indicators/")
        return Client().get("/api/v1/indicators/", {"api_key": k})

    assert call(key).status_code == 200
    assert call("not-a-key").status_code == 401
    assert call("").status_code == 401
    officer_user.is_active = False
    officer_user.save()
    assert call(key).status_code == 401
    officer_user.is_active = True
    officer_user.save()
    ApiToken.objects.update(revoked="2026-01-01T00:00:00Z")
    response = call(key)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_anonymous_gets_401_with_a_challenge(world, anonymous):
    response = anonymous.get("/api/v1/figures/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_only_the_hash_is_stored(officer_user):
    token, key = ApiToken.issue(owner=officer_user, name="x")
    token.refresh_from_db()
    assert token.key_hash == hash_key(key) and key not in token.key_hash and token.prefix == key[:8]
    stored = ApiToken.objects.values_list(flat=False).get()
    assert key not in [str(v) for v in stored]


def test_the_tokens_page_creates_shows_once_and_revokes(world, manager_a, manager_a_user):
    page = manager_a.get("/api/tokens/")
    assert page.status_code == 200 and "You have no tokens yet" in page.content.decode()
    created = manager_a.post("/api/tokens/", {"name": "Power BI dashboard"})
    assert created.status_code == 200
    key = created.context["created_key"]
    assert key and key in created.content.decode() and created["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(owner=manager_a_user)
    assert token.key_hash == hash_key(key)
    again = manager_a.get("/api/tokens/")
    assert key not in again.content.decode() and "Power BI dashboard" in again.content.decode()
    assert AuditEvent.objects.filter(object_type="API token", action=AuditEvent.Action.CREATED).count() == 1
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/risks/").status_code == 200
    revoked = manager_a.post(f"/api/tokens/{token.pk}/revoke/")
    assert revoked.status_code == 302
    assert AuditEvent.objects.filter(object_type="API token", action=AuditEvent.Action.RETIRED).count() == 1
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/risks/").status_code == 401
    assert "Revoked" in manager_a.get("/api/tokens/").content.decode()


def test_a_token_is_revoked_only_by_its_owner(world, manager_a, manager_b_user):
    token, _ = ApiToken.issue(owner=manager_b_user, name="theirs")
    assert manager_a.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    assert manager_a.get(f"/api/tokens/{token.pk}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked is None


def test_an_empty_name_is_refused(manager_a):
    response = manager_a.post("/api/tokens/", {"name": " "})
    assert response.status_code == 200 and "Enter what the token is for" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_tokens_page_access(outsider, anonymous):
    assert outsider.get("/api/tokens/").status_code == 403
    assert anonymous.get("/api/tokens/").status_code == 302


def test_rate_limited_per_token(world, officer_user, settings):
    settings.API_THROTTLE_RATE = "3/minute"
    first = Client(HTTP_AUTHORIZATION=f"Token {token_for(officer_user, 'one')}")
    second = Client(HTTP_AUTHORIZATION=f"Token {token_for(officer_user, 'two')}")
    assert [first.get("/api/v1/indicators/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert second.get("/api/v1/indicators/").status_code == 200  # its own count


def test_your_account_links_to_the_tokens_page(manager_a, outsider):
    assert 'href="/api/tokens/"' in manager_a.get("/account/").content.decode()
    assert 'href="/api/tokens/"' not in outsider.get("/account/").content.decode()  # no role: no tokens
