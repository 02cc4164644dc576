"""A real OpenID provider for the single sign-on tests: oidc-provider-mock (authlib) on a localhost port,
issuing RS256 ID tokens signed with its own key and publishing its JWKS and discovery document.

It is wrapped to behave as Microsoft Entra ID does where that matters here: its userinfo answer carries no
roles, groups or areas (so a sign-in that works read them from the ID token). The wrapper also records the
token requests (to check PKCE), can leave end_session_endpoint out of the discovery document, and can publish
another provider's keys instead of its own (a token its keys did not sign).
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import werkzeug.serving
from werkzeug.wrappers import Request, Response

from organisation import roles, sso

CLIENT_ID = "council-performance"
ROLE_MAP = {
    "Performance.Officer": roles.PERFORMANCE_OFFICER,
    "Service.Manager": roles.SERVICE_MANAGER,
    "Executive": roles.EXECUTIVE,
    "Audit.Committee": roles.AUDIT_COMMITTEE,
}
LEFT_OUT_OF_USERINFO = ("roles", "groups", "areas")


class Provider:
    def __init__(self, access_token_max_age: timedelta = timedelta(hours=1)):
        import oidc_provider_mock

        self._app = oidc_provider_mock.app(access_token_max_age=access_token_max_age)
        self.token_requests: list[dict[str, str]] = []
        self.discovery_requests = 0
        self.keys_of: Provider | None = None
        self.end_session = True

    def reset(self) -> None:
        self.token_requests.clear()
        self.discovery_requests = 0
        self.keys_of, self.end_session = None, True

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path == "/jwks" and self.keys_of is not None:
            other = httpx.get(f"{self.keys_of.issuer}/jwks")
            return Response(other.content, content_type="application/json")(environ, start_response)
        if request.path == "/oauth2/token":
            body = request.get_data()
            environ["wsgi.input"] = io.BytesIO(body)  # read again by the provider
            self.token_requests.append({k: v[0] for k, v in parse_qs(body.decode()).items()})
        if request.path == "/.well-known/openid-configuration":
            self.discovery_requests += 1
        response = Response.from_app(self._app, environ)
        if request.path == "/userinfo" and response.is_json:
            data = {k: v for k, v in response.get_json().items() if k not in LEFT_OUT_OF_USERINFO}
            response = Response(json.dumps(data), content_type="application/json")
        if request.path == "/.well-known/openid-configuration" and not self.end_session:
            data = response.get_json()
            data.pop("end_session_endpoint", None)
            response = Response(json.dumps(data), content_type="application/json")
        return response(environ, start_response)

    def user(self, sub: str, claims: dict) -> None:
        assert httpx.put(f"{self.issuer}/users/{sub}", json=claims).status_code == 204

    def sign_in_at_provider(self, authorize_url: str, sub: str) -> str:
        """The person picks their account on the provider's page; returns where the provider sends them."""
        answer = httpx.post(authorize_url, data={"sub": sub})
        assert answer.status_code == 302, answer.text
        return answer.headers["location"]


@pytest.fixture(scope="session")
def _servers() -> Iterator[dict[str, Provider]]:
    made, threads = {}, []
    for name, age in (("main", timedelta(hours=1)), ("other", timedelta(hours=1)),
                      ("expired", timedelta(minutes=-10))):
        provider = Provider(access_token_max_age=age)
        server = werkzeug.serving.make_server("localhost", 0, provider, threaded=True)
        provider.issuer = f"http://localhost:{server.server_port}"
        provider.server = server
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        thread.start()
        made[name], threads = provider, threads + [thread]
    yield made
    for provider in made.values():
        provider.server.shutdown()
        provider.server.server_close()


@pytest.fixture
def provider(_servers) -> Iterator[Provider]:
    for p in _servers.values():
        p.reset()
    yield _servers["main"]


@pytest.fixture
def other_provider(_servers) -> Provider:
    return _servers["other"]


@pytest.fixture
def expired_provider(_servers) -> Provider:
    return _servers["expired"]


@pytest.fixture
def sso_on(settings, provider, db):
    """Single sign-on on, against the running provider."""
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = "client-secret-for-tests"
    settings.OIDC_SCOPES = "openid profile email"
    settings.OIDC_ROLES_CLAIM = "roles"
    settings.OIDC_ROLE_MAP = dict(ROLE_MAP)
    settings.OIDC_AREAS_CLAIM = "areas"
    settings.LOCAL_LOGIN = True
    sso.forget_discovery()
    yield settings
    sso.forget_discovery()


def sign_in(client, provider: Provider, sub: str, claims: dict, next_url: str | None = None,
            start: str = "/oidc/authenticate/"):
    """The whole journey: this service's start, the provider's page, back to the callback; the callback's
    response."""
    provider.user(sub, claims)
    started = client.get(start + (f"?next={next_url}" if next_url else ""))
    assert started.status_code == 302 and started.url.startswith(provider.issuer), started
    back = urlsplit(provider.sign_in_at_provider(started.url, sub))
    assert back.path == "/oidc/callback/"
    return client.get(f"{back.path}?{back.query}")


def signed_in_user(client):
    from django.contrib.auth import get_user_model

    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None


def pytest_collection_modifyitems(items):
    # The provider's own library (authlib) warns about its own deprecations.
    for item in items:
        if "tests/sso/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.filterwarnings("ignore::DeprecationWarning"))
            item.add_marker(pytest.mark.filterwarnings("ignore:authlib.jose module is deprecated"))
            item.add_marker(pytest.mark.filterwarnings("ignore:The httpx module is deprecated"))


def make_user_for_tests(username: str, role: str | None = None, **extra):
    from tests.conftest import make_user

    return make_user(username, role, **extra)
