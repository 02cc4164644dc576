import pytest

from organisation import demo
from tests.browser.conftest import assert_accessible, sign_in


def test_the_sign_in_page_is_accessible_and_shows_linked_errors(page, site):
    page.goto(f"{site}/login/")
    assert_accessible(page)
    page.click("button[type=submit]")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    summary.get_by_role("link", name="Enter your username").click()
    assert page.evaluate("document.activeElement.id") == "id_username"
    assert_accessible(page)


@pytest.mark.parametrize("username", [u.username for u in demo.DEMO_USERS])
def test_each_demo_user_signs_in_to_a_home_page_for_their_role(page, site, username):
    sign_in(page, site, username)
    role = next(u.role for u in demo.DEMO_USERS if u.username == username)
    assert role in page.locator("main").inner_text()
    assert_accessible(page)


def test_the_root_sends_visitors_to_sign_in(page, site):
    page.goto(site + "/")
    assert page.url == f"{site}/login/"
