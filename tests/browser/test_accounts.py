"""The session-timeout warning in a real browser (static/js/timeout-warning.js), and the account pages'
accessibility. Sessions here last seconds, not an hour."""

import pytest
from django.contrib.auth import get_user_model

from tests.browser.conftest import assert_accessible

PASSWORD = "browser-test-password-2026"


@pytest.fixture
def base(live_server, transactional_db, django_db_serialized_rollback):
    get_user_model().objects.create_user(username="tester", password=PASSWORD, first_name="Tess",
                                         last_name="Ter", email="tess@example.gov.uk")
    return live_server.url


def sign_in(page, base, next_path="/home/"):
    page.goto(f"{base}/login/?next={next_path}")
    page.fill("#id_username", "tester")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}{next_path}")


def session_is_alive(page, base) -> bool:
    return page.request.get(f"{base}/account/", max_redirects=0).status == 200


def test_the_warning_opens_before_the_end_and_stay_signed_in_keeps_the_session(page, base, settings):
    settings.SESSION_COOKIE_AGE, settings.SESSION_WARNING_SECONDS = 10, 7
    sign_in(page, base)
    page.focus("text=Your account")
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    dialog.wait_for(state="visible", timeout=6000)
    assert "For your security, we will sign you out in" in dialog.inner_text()
    assert page.evaluate("document.activeElement.textContent") == "Stay signed in"
    assert_accessible(page)
    with page.expect_response(f"{base}/account/keep-alive/") as keep_alive:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert keep_alive.value.status == 204
    assert not dialog.is_visible()
    assert page.evaluate("document.activeElement.textContent") == "Your account"  # focus is back
    page.wait_for_timeout(7500)  # past the first expiry (10 s after the page loaded)
    assert session_is_alive(page, base)


def test_escape_closes_the_warning_and_keeps_the_session(page, base, settings):
    settings.SESSION_COOKIE_AGE, settings.SESSION_WARNING_SECONDS = 6, 5
    sign_in(page, base)
    dialog = page.get_by_role("dialog")
    dialog.wait_for(state="visible", timeout=4000)
    with page.expect_response(f"{base}/account/keep-alive/") as keep_alive:
        page.keyboard.press("Escape")
    assert keep_alive.value.status == 204
    assert not dialog.is_visible()
    assert page.url == f"{base}/home/"


def test_when_time_runs_out_the_user_is_signed_out_and_told(page, base, settings):
    settings.SESSION_COOKIE_AGE, settings.SESSION_WARNING_SECONDS = 4, 2
    sign_in(page, base)
    page.wait_for_url(f"{base}/login/?next=/home/", timeout=8000)
    assert "We signed you out because you had not used the service for 4 seconds. Sign in again to carry on." \
        in page.locator("main").inner_text()
    assert not session_is_alive(page, base)


def test_another_tab_that_refreshed_the_session_stops_the_warning(page, base, settings):
    settings.SESSION_COOKIE_AGE, settings.SESSION_WARNING_SECONDS = 8, 5
    sign_in(page, base)
    page.wait_for_timeout(2000)
    other = page.context.new_page()
    other.goto(f"{base}/account/")  # refreshes the session: it now ends 8 s from here
    page.wait_for_timeout(2500)  # past this tab's own warning time (3 s)
    assert not page.get_by_role("dialog").is_visible()
    other.close()


def test_what_was_typed_when_time_ran_out_is_shown_back_after_signing_in(page, base, settings):
    settings.ROOT_URLCONF = "tests.organisation.urls_typed_work"
    settings.SESSION_COOKIE_AGE, settings.SESSION_WARNING_SECONDS = 5, 3
    sign_in(page, base, "/typed/1/")
    page.fill("#commentary", "Eight paragraphs of reasons")
    page.wait_for_url(f"{base}/login/?next=/typed/1/", timeout=9000)
    assert "What you typed has not been saved: sign in again to check it and save it." in \
        page.locator("main").inner_text()
    page.fill("#id_username", "tester")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/typed/1/")
    assert "Eight paragraphs of reasons" in page.locator("#kept").inner_text()
    assert "What you typed is shown below: check it and save again." in page.locator("main").inner_text()


@pytest.mark.parametrize("path", ["/account/reset/", "/account/reset/sent/", "/account/reset/MQ/x/",
                                  "/account/reset/done/"])
def test_the_reset_pages_are_accessible(page, base, path):
    page.goto(base + path)
    assert_accessible(page)


def test_the_account_and_password_pages_are_accessible_and_link_errors(page, base):
    sign_in(page, base)
    page.click("text=Your account")
    assert_accessible(page)
    page.click("text=Change")
    page.click("main button[type=submit]")
    page.locator(".govuk-error-summary").get_by_role("link", name="Enter your current password").click()
    assert page.evaluate("document.activeElement.id") == "id_old_password"
    assert_accessible(page)
