from django.core import mail
from django.test import Client

from organisation import roles

from .conftest import make_user_for_tests, signed_in_user


def test_local_login_off_hides_the_password_form(sso_on, anonymous):
    sso_on.LOCAL_LOGIN = False
    page = anonymous.get("/login/").content.decode()
    assert "Sign in with your council account" in page
    assert 'name="password"' not in page and "Forgotten your password" not in page


def test_local_login_off_refuses_a_right_password_with_a_clear_message(sso_on, db):
    sso_on.LOCAL_LOGIN = False
    make_user_for_tests("olu", roles.PERFORMANCE_OFFICER)
    browser = Client()
    response = browser.post("/login/", {"username": "olu", "password": "pw-for-tests-only"})
    assert response.status_code == 403
    assert "This service does not use passwords: sign in with your council account" in response.content.decode()
    assert signed_in_user(browser) is None


def test_local_login_off_refuses_a_superusers_password_too(sso_on, db):
    sso_on.LOCAL_LOGIN = False
    make_user_for_tests("root", is_superuser=True, is_staff=True)
    browser = Client()
    assert browser.post("/login/", {"username": "root", "password": "pw-for-tests-only"}).status_code == 403
    assert signed_in_user(browser) is None


def test_local_login_off_refuses_passwords_to_every_sign_in_route(sso_on, rf, db):
    # Whatever form calls authenticate() (the admin's, a future one), the guard backend refuses.
    from django.contrib.auth import authenticate

    sso_on.LOCAL_LOGIN = False
    make_user_for_tests("olu", roles.PERFORMANCE_OFFICER)
    assert authenticate(rf.post("/login/"), username="olu", password="pw-for-tests-only") is None
    sso_on.LOCAL_LOGIN = True
    assert authenticate(rf.post("/login/"), username="olu", password="pw-for-tests-only") is not None


def test_local_login_off_refuses_password_reset_with_a_clear_message(sso_on, db):
    sso_on.LOCAL_LOGIN = False
    make_user_for_tests("olu", roles.PERFORMANCE_OFFICER, email="olu@council.gov.uk")
    browser = Client()
    page = browser.get("/account/reset/")
    assert page.status_code == 403 and "This service does not use passwords" in page.content.decode()
    browser.post("/account/reset/", {"email": "olu@council.gov.uk"})
    assert mail.outbox == []


def test_local_login_off_hides_the_password_on_the_account_page(sso_on, officer):
    sso_on.LOCAL_LOGIN = False
    assert "Change<span class=\"govuk-visually-hidden\"> your password" not in officer.get("/account/").content.decode()
    assert officer.get("/account/password/").status_code == 403


def test_local_login_off_means_nothing_while_sso_is_off(settings, db):
    settings.OIDC_ISSUER, settings.LOCAL_LOGIN = "", False
    make_user_for_tests("olu", roles.PERFORMANCE_OFFICER)
    browser = Client()
    assert 'name="password"' in browser.get("/login/").content.decode()
    response = browser.post("/login/", {"username": "olu", "password": "pw-for-tests-only"})
    assert response.status_code == 302 and signed_in_user(browser).username == "olu"


def test_with_sso_on_a_local_account_still_signs_in_with_its_password(sso_on, db):
    make_user_for_tests("olu", roles.PERFORMANCE_OFFICER)
    browser = Client()
    response = browser.post("/login/", {"username": "olu", "password": "pw-for-tests-only"})
    assert response.status_code == 302 and response.url == "/home/"
