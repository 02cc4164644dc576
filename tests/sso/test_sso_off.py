"""With OIDC_ISSUER unset the service is as it was: local accounts, no button, no SSO pages."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from organisation import roles

from .conftest import make_user_for_tests, signed_in_user


@pytest.fixture
def sso_off(settings):
    settings.OIDC_ISSUER = ""
    return settings


def test_the_sign_in_page_has_no_council_account_button(sso_off, anonymous):
    page = anonymous.get("/login/").content.decode()
    assert "council account" not in page and 'name="password"' in page
    assert "Sign in with the account the performance team gave you." in page


def test_the_sso_start_and_callback_go_to_the_sign_in_page(sso_off, anonymous):
    assert anonymous.get("/oidc/authenticate/").url == "/login/"
    assert anonymous.get("/oidc/callback/?code=x&state=y").url == "/login/"


def test_linking_is_not_found(sso_off, executive):
    assert executive.post("/oidc/link/").status_code == 404


def test_a_password_signs_in_as_before(sso_off, db):
    make_user_for_tests("olu", roles.PERFORMANCE_OFFICER)
    browser = Client()
    response = browser.post("/login/", {"username": "olu", "password": "pw-for-tests-only"})
    assert response.url == "/home/" and signed_in_user(browser).username == "olu"
    assert browser.post("/logout/").url == "/login/"


@pytest.mark.parametrize("value", ["Officer", "=Executive", "a=Executive;a=Audit committee", "x=Chief executive"])
def test_a_role_map_that_cannot_be_read_fails_loudly(monkeypatch, value):
    from config.settings import role_map

    monkeypatch.setenv("OIDC_ROLE_MAP", value)
    with pytest.raises(ImproperlyConfigured):
        role_map("OIDC_ROLE_MAP")


def test_the_role_map_reads_value_role_pairs(monkeypatch):
    from config.settings import role_map

    monkeypatch.setenv("OIDC_ROLE_MAP", " Perf.Officer = performance officer ; 6f1d-aa=Audit committee;")
    assert role_map("OIDC_ROLE_MAP") == {"Perf.Officer": roles.PERFORMANCE_OFFICER, "6f1d-aa": roles.AUDIT_COMMITTEE}
