from urllib.parse import parse_qs, urlsplit

import httpx
from django.test import Client

from organisation import roles

from .conftest import CLIENT_ID, make_user_for_tests, sign_in, signed_in_user


def test_sign_out_ends_the_session_here_and_at_the_provider(sso_on, provider, anonymous):
    sign_in(anonymous, provider, "eve", {"roles": ["Executive"]})
    id_token = anonymous.session["oidc_id_token"]
    response = anonymous.post("/logout/")
    assert response.status_code == 302
    where = urlsplit(response.url)
    assert f"{where.scheme}://{where.netloc}{where.path}" == f"{provider.issuer}/oauth2/end_session"
    assert parse_qs(where.query) == {"id_token_hint": [id_token], "client_id": [CLIENT_ID],
                                     "post_logout_redirect_uri": ["http://testserver/login/"]}
    assert signed_in_user(anonymous) is None
    assert anonymous.get("/home/").url.startswith("/login/")
    # The provider's own page for ending its session answers the redirect.
    assert httpx.get(response.url).status_code == 200


def test_sign_out_goes_to_the_sign_in_page_when_the_provider_has_no_end_session(sso_on, provider, anonymous):
    provider.end_session = False
    sign_in(anonymous, provider, "eve", {"roles": ["Executive"]})
    response = anonymous.post("/logout/")
    assert response.url == "/login/" and signed_in_user(anonymous) is None


def test_a_password_user_signs_out_to_the_sign_in_page_with_sso_on(sso_on, db):
    browser = Client()
    browser.force_login(make_user_for_tests("olu", roles.PERFORMANCE_OFFICER))
    response = browser.post("/logout/")
    assert response.url == "/login/" and signed_in_user(browser) is None
