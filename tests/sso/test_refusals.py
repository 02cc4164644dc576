from django.contrib.auth import get_user_model
from django.test import Client

from organisation import roles
from organisation.models import ExternalIdentity

from .conftest import make_user_for_tests, sign_in, signed_in_user


def nobody_signed_in(client) -> bool:
    response = client.get("/home/")
    return response.status_code == 302 and response.url.startswith("/login/")


def test_a_token_with_no_mapped_role_is_refused_and_nobody_is_signed_in(sso_on, provider, anonymous):
    users = get_user_model().objects.count()
    response = sign_in(anonymous, provider, "nora", {"roles": ["Payroll.Admin"], "email": "nora@council.gov.uk"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "You do not have access to this service" in page and "Payroll.Admin" in page
    assert nobody_signed_in(anonymous)
    assert get_user_model().objects.count() == users and not ExternalIdentity.objects.exists()


def test_a_token_with_no_roles_claim_is_refused(sso_on, provider, anonymous):
    response = sign_in(anonymous, provider, "nora", {"email": "nora@council.gov.uk"})
    assert response.status_code == 403 and "You do not have access to this service" in response.content.decode()
    assert nobody_signed_in(anonymous)


def test_a_person_whose_role_was_taken_away_is_refused_and_keeps_no_role(sso_on, provider, anonymous):
    sign_in(Client(), provider, "eve", {"roles": ["Executive"]})
    response = sign_in(anonymous, provider, "eve", {"roles": []})
    assert response.status_code == 403 and nobody_signed_in(anonymous)


def test_groups_left_out_for_overage_are_refused_with_what_to_ask_it(sso_on, provider, anonymous):
    sso_on.OIDC_ROLES_CLAIM = "groups"
    sso_on.OIDC_ROLE_MAP = {"6f1d-officers": roles.PERFORMANCE_OFFICER}
    claims = {"_claim_names": {"groups": "src1"},
              "_claim_sources": {"src1": {"endpoint": "https://graph.microsoft.com/v1.0/users/x/getMemberObjects"}}}
    response = sign_in(anonymous, provider, "many-groups", claims)
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your council account is in too many groups" in page
    assert "Groups assigned to the application" in page
    assert nobody_signed_in(anonymous) and not ExternalIdentity.objects.exists()


def test_hasgroups_is_refused_as_overage(sso_on, provider, anonymous):
    sso_on.OIDC_ROLES_CLAIM = "groups"
    sso_on.OIDC_ROLE_MAP = {"6f1d-officers": roles.PERFORMANCE_OFFICER}
    response = sign_in(anonymous, provider, "many-groups", {"hasgroups": True})
    assert response.status_code == 403 and "too many groups" in response.content.decode()


def test_a_groups_overage_does_not_matter_when_roles_come_from_app_roles(sso_on, provider, anonymous):
    response = sign_in(anonymous, provider, "many-groups", {"roles": ["Executive"], "_claim_names": {"groups": "src1"},
                                                             "_claim_sources": {"src1": {"endpoint": "x"}}})
    assert response.url == "/home/"


def test_an_expired_id_token_is_refused(sso_on, expired_provider, anonymous):
    sso_on.OIDC_ISSUER = expired_provider.issuer
    response = sign_in(anonymous, expired_provider, "eve", {"roles": ["Executive"]})
    assert response.status_code == 403
    assert "it had expired, or it was not signed" in response.content.decode()
    assert nobody_signed_in(anonymous) and not ExternalIdentity.objects.exists()


def test_an_id_token_the_providers_keys_did_not_sign_is_refused(sso_on, provider, other_provider, anonymous):
    provider.keys_of = other_provider  # the JWKS now holds another key: the token's signature does not verify
    response = sign_in(anonymous, provider, "eve", {"roles": ["Executive"]})
    assert response.status_code == 403
    assert "it had expired, or it was not signed" in response.content.decode()
    assert nobody_signed_in(anonymous) and not ExternalIdentity.objects.exists()


def test_an_id_token_from_another_issuer_is_refused(sso_on, provider, other_provider, anonymous):
    # Discovery says the issuer is `provider`; the code goes to `other_provider`'s token endpoint.
    from organisation import sso

    sso.discovery()
    document = dict(sso._discovery[provider.issuer][1])
    document.update(token_endpoint=f"{other_provider.issuer}/oauth2/token", jwks_uri=f"{other_provider.issuer}/jwks",
                    authorization_endpoint=f"{other_provider.issuer}/oauth2/authorize")
    sso._discovery[provider.issuer] = (sso._discovery[provider.issuer][0], document)
    response = sign_in(anonymous, other_provider, "eve", {"roles": ["Executive"]})
    assert response.status_code == 403 and nobody_signed_in(anonymous)


def test_a_switched_off_account_is_refused(sso_on, provider, anonymous):
    sign_in(Client(), provider, "eve", {"roles": ["Executive"]})
    get_user_model().objects.filter(external_identities__subject="eve").update(is_active=False)
    response = sign_in(anonymous, provider, "eve", {"roles": ["Executive"]})
    assert response.status_code == 403 and "switched off" in response.content.decode()
    assert nobody_signed_in(anonymous)


def test_a_callback_without_a_sign_in_is_refused(sso_on, anonymous):
    response = anonymous.get("/oidc/callback/")
    assert response.status_code == 403 and "was not completed" in response.content.decode()


def test_a_refused_sign_in_signs_out_whoever_was_signed_in(sso_on, provider, db):
    client = Client()
    client.force_login(make_user_for_tests("exec", roles.EXECUTIVE))
    response = sign_in(client, provider, "nora", {"roles": ["Payroll.Admin"]})
    assert response.status_code == 403 and signed_in_user(client) is None
