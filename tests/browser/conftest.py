"""Browser journeys: Playwright driving Debian's Chromium against a live server.

No browser is downloaded: Chromium comes from the system package
(`apt-get install chromium`). Without it these tests are skipped with that
advice - except under CI (CI=true), where a missing browser fails the run.
"""

from __future__ import annotations

import os
import shutil

import pytest

from organisation import demo

# Playwright's sync API runs an event loop in the test thread; the ORM calls
# made by fixtures in that same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
HOW_TO_ENABLE = "Chromium is not installed: run `apt-get install chromium` to enable the browser journeys."



def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


def _chromium_available() -> bool:
    return os.path.exists(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


@pytest.fixture(scope="session")
def browser():
    if not _chromium_available():
        if os.environ.get("CI"):
            pytest.fail("CI needs the browser journeys. " + HOW_TO_ENABLE)
        pytest.skip(HOW_TO_ENABLE)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - dev dependency
        pytest.fail("playwright is not installed: run `make install`.")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def site(live_server, settings, transactional_db, django_db_serialized_rollback):
    """The demo data and demo users on a live server; returns its base URL."""
    settings.DEBUG = True  # demo users are only created in debug mode
    demo.load_data()
    demo.create_users()
    settings.DEBUG = False
    return live_server.url


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", demo.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/home/")


def assert_accessible(page) -> None:
    """axe-core: no serious or critical violations on the page as it stands."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    summary = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} - {[n['target'] for n in v['nodes']][:5]}" for v in bad
    )
    assert not bad, f"Accessibility violations on {page.url}:\n{summary}"
