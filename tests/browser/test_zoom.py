"""Pages still work at 400% zoom: a 1280px window at 400% is a 320px-wide viewport.
Nothing may need sideways scrolling of the whole page (wide tables scroll in their own box)."""

import pytest

from tests.browser.conftest import sign_in

PAGES = {
    "manager.children": ["/home/", "/performance/entry/", "/placements/entry/2019-20-Q1/"],
    "executive": ["/performance/", "/performance/indicators/DPE007/", "/risks/", "/risks/heat-map/",
                  "/placements/"],
}


@pytest.mark.parametrize("username", list(PAGES))
def test_pages_reflow_at_400_percent_zoom(browser, site, username):
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, site, username)
        for path in PAGES[username]:
            page.goto(f"{site}{path}")
            page.wait_for_load_state()
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{path} is {overflow}px wider than a 320px viewport"
            assert page.locator("h1").is_visible()
    finally:
        context.close()
