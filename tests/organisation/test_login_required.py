import pytest

from tests.urlwalk import walk

PUBLIC = {"login", "root"}
# Forgotten passwords are reset without signing in; the timeout endpoint signs out (tests/organisation/test_accounts.py).
PUBLIC |= {"password_reset", "password_reset_done", "password_reset_confirm",
           "password_reset_complete", "account:timed_out"}
# Single sign-on's start and callback are where a browser that is not signed in goes to sign in.
PUBLIC |= {"sso:start", "sso:callback"}
ALL_URLS = list(walk())


def test_the_walk_finds_the_url_configuration():
    names = {name for name, _ in ALL_URLS}
    assert {"login", "home", "periods:list", "imports:index", "admin:index"} <= names


# The read API's JSON answers a caller with no session or token 401 (and anything but GET 405), never a
# sign-in page a program cannot follow; its documentation and tokens pages are pages, as the rest.
API_JSON = {"api:indicators", "api:targets", "api:benchmarks", "api:figures", "api:risks", "api:controls", "api:audit_actions", "api:placements",
            "api:programmes", "api:savings",
            "api:schema"}


@pytest.mark.parametrize(("name", "path"), [u for u in ALL_URLS if u[0] not in PUBLIC | API_JSON],
                         ids=lambda v: str(v))
@pytest.mark.parametrize("method", ["get", "post"])
def test_every_page_but_sign_in_needs_a_signed_in_user(anonymous, name, path, method):
    response = getattr(anonymous, method)(path)
    assert response.status_code == 302, f"{method.upper()} {path} gave {response.status_code}"
    assert response.url.startswith(("/login/", "/admin/login/"))


@pytest.mark.parametrize(("name", "path"), [u for u in ALL_URLS if u[0] in API_JSON], ids=lambda v: str(v))
def test_the_api_refuses_an_anonymous_caller(anonymous, name, path):
    response = anonymous.get(path)
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Token")
    assert anonymous.post(path).status_code == 405


def test_the_sign_in_page_is_public(anonymous):
    assert anonymous.get("/login/").status_code == 200
