import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

from organisation import access, roles
from organisation.models import ExternalIdentity

from .conftest import CLIENT_ID, sign_in, signed_in_user


def test_a_performance_officer_signs_in_and_lands_on_the_home_page(sso_on, provider, anonymous):
    response = sign_in(anonymous, provider, "olu", {"roles": ["Performance.Officer"], "email": "olu@council.gov.uk",
                                                    "preferred_username": "olu@council.gov.uk",
                                                    "given_name": "Olu", "family_name": "Officer"})
    assert response.status_code == 302 and response.url == "/home/"
    user = signed_in_user(anonymous)
    assert access.primary_role(user) == roles.PERFORMANCE_OFFICER
    assert (user.username, user.get_full_name(), user.email) == ("olu@council.gov.uk", "Olu Officer",
                                                                 "olu@council.gov.uk")
    assert not user.has_usable_password()
    assert anonymous.get("/home/").status_code == 200


def test_the_sign_in_goes_back_to_the_page_asked_for(sso_on, provider, anonymous):
    response = sign_in(anonymous, provider, "eve", {"roles": ["Executive"]}, next_url="/risks/")
    assert response.url == "/risks/"


def test_the_sign_in_uses_pkce_with_s256_and_a_nonce(sso_on, provider, anonymous):
    started = anonymous.get("/oidc/authenticate/")
    query = parse_qs(urlsplit(started.url).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"][0]
    assert query["scope"] == ["openid profile email"] and query["client_id"] == [CLIENT_ID]
    provider.user("eve", {"roles": ["Executive"]})
    back = urlsplit(provider.sign_in_at_provider(started.url, "eve"))
    anonymous.get(f"{back.path}?{back.query}")
    verifier = provider.token_requests[-1]["code_verifier"]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert challenge == query["code_challenge"][0]


def test_a_person_is_known_by_issuer_and_subject(sso_on, provider, anonymous, client):
    sign_in(anonymous, provider, "sub-123", {"roles": ["Executive"]})
    identity = ExternalIdentity.objects.get()
    assert (identity.issuer, identity.subject) == (provider.issuer, "sub-123")
    assert identity.last_sign_in is not None
    sign_in(client, provider, "sub-123", {"roles": ["Executive"]})
    assert signed_in_user(client) == identity.user


def test_an_entra_person_is_known_by_tenant_and_object_id_whatever_the_sub(sso_on, provider, anonymous, client):
    # Entra ID's sub differs between app registrations; tid + oid do not.
    claims = {"roles": ["Executive"], "tid": "tenant-1", "oid": "object-9"}
    sign_in(anonymous, provider, "pairwise-a", claims)
    sign_in(client, provider, "pairwise-b", claims)
    identity = ExternalIdentity.objects.get()
    assert (identity.issuer, identity.subject) == ("tenant-1", "object-9")
    assert signed_in_user(client) == signed_in_user(anonymous) == identity.user


def test_the_discovery_document_is_fetched_when_first_needed_and_kept(sso_on, provider, anonymous):
    assert anonymous.get("/login/").status_code == 200
    assert provider.discovery_requests == 0
    sign_in(anonymous, provider, "eve", {"roles": ["Executive"]})
    anonymous.post("/logout/")
    sign_in(anonymous, provider, "eve", {"roles": ["Executive"]})
    assert provider.discovery_requests == 1


def test_the_sign_in_page_offers_the_council_account(sso_on, anonymous):
    page = anonymous.get("/login/?next=/risks/").content.decode()
    assert "Sign in with your council account" in page
    assert 'href="/oidc/authenticate/?next=/risks/"' in page
    assert 'name="password"' in page  # LOCAL_LOGIN is on


def test_a_provider_that_cannot_be_reached_gives_a_page_saying_so(sso_on, anonymous):
    sso_on.OIDC_ISSUER = "http://localhost:9"
    response = anonymous.get("/oidc/authenticate/")
    assert response.status_code == 503
    assert "council sign-in is not available" in response.content.decode()


def test_a_new_username_keeps_only_the_characters_usernames_allow(sso_on, provider, anonymous):
    sign_in(anonymous, provider, "odd", {"roles": ["Executive"], "preferred_username": "Ann O'Neil <ann@council.gov.uk>"})
    assert signed_in_user(anonymous).username == "AnnONeilann@council.gov.uk"


def test_a_new_username_falls_back_to_the_subject(sso_on, provider, anonymous):
    sign_in(anonymous, provider, "3f2b-77", {"roles": ["Executive"]})
    assert signed_in_user(anonymous).username == "3f2b-77"
