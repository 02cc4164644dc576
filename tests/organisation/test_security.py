"""The security baseline: sign-in throttling, headers, session expiry."""

import re

import pytest


def test_security_headers_are_sent(officer):
    response = officer.get("/home/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_no_page_template_has_an_inline_script():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.glob("*/templates/**/*.html"):
        offenders += [str(path) for m in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", path.read_text()) if m]
    for path in (root / "templates").glob("**/*.html"):
        offenders += [str(path) for m in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", path.read_text()) if m]
    assert offenders == []


def test_sessions_expire_after_an_hour_of_inactivity(settings):
    assert settings.SESSION_COOKIE_AGE == 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_password_validators_are_on(settings):
    names = [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == ["UserAttributeSimilarityValidator", "MinimumLengthValidator",
                     "CommonPasswordValidator", "NumericPasswordValidator"]


def test_repeated_failed_sign_ins_lock_the_account_out_with_a_clear_message(anonymous, officer_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = anonymous.post("/login/", {"username": "officer", "password": "wrong"})
        assert response.status_code == 200
    response = anonymous.post("/login/", {"username": "officer", "password": "wrong"})
    assert response.status_code == 429
    assert "You have been locked out for 15 minutes" in response.content.decode()
    # Even the right password is refused during the cool-off.
    response = anonymous.post("/login/", {"username": "officer", "password": "pw-for-tests-only"})
    assert response.status_code == 429


def test_a_lockout_is_per_username_so_colleagues_can_still_sign_in(anonymous, officer_user, executive_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        anonymous.post("/login/", {"username": "officer", "password": "wrong"})
    response = anonymous.post("/login/", {"username": "exec", "password": "pw-for-tests-only"})
    assert response.status_code == 302 and response.url == "/home/"


@pytest.mark.parametrize("path", ["/login/", "/home/"])
def test_pages_are_not_framed(anonymous, path):
    assert anonymous.get(path)["X-Frame-Options"] == "DENY"


def test_the_benchmark_headers_count_queries_and_cpu_time(officer, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "organisation.middleware.QueryCountHeaderMiddleware"]
    response = officer.get("/home/")
    assert int(response["X-Query-Count"]) > 0 and re.fullmatch(r"\d+\.\d", response["X-CPU-Ms"])
