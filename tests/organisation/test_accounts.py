"""Accounts: your account page, changing and resetting a password, sign-in throttling by username,
and the session-timeout warning's endpoints (organisation/accounts.py, organisation/throttling.py)."""

import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pw-for-tests-only"
NEW_PASSWORD = "Quarterly-returns-2026"
USERNAMES = {"manager_a": "manager.a", "officer": "officer", "executive": "exec", "audit": "audit",
             "outsider": "outsider"}


def errors_of(response) -> list[str]:
    """The error summary's messages, in order."""
    summary = response.content.decode().split('govuk-error-summary__list">', 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", summary, re.S)]


# --- your account ---------------------------------------------------------------------------

@pytest.mark.parametrize("persona", list(USERNAMES), indirect=True)
def test_every_signed_in_page_links_to_your_account(persona):
    assert '<a class="govuk-link govuk-link--inverse" href="/account/">Your account</a>' in \
        persona.get("/home/").content.decode()


def test_the_sign_in_page_has_no_account_link(anonymous):
    assert 'href="/account/"' not in anonymous.get("/login/").content.decode()


def test_your_account_shows_who_you_are_and_what_you_manage(manager_a, manager_a_user):
    manager_a_user.email = "ann.able@example.gov.uk"
    manager_a_user.save()
    page = manager_a.get("/account/").content.decode()
    for text in ("Ann Able", "manager.a", "ann.able@example.gov.uk", "Service manager",
                 "Children &amp; Families Services (People)", 'href="/account/password/"'):
        assert text in page


def test_an_account_without_an_email_address_is_told_how_to_get_one(outsider):
    page = outsider.get("/account/").content.decode()
    assert "ask the performance team to add one, so that you can reset a forgotten password" in page


# --- changing your password -----------------------------------------------------------------

def change(client, old=PASSWORD, new1=NEW_PASSWORD, new2=NEW_PASSWORD):
    return client.post("/account/password/", {"old_password": old, "new_password1": new1, "new_password2": new2})


@pytest.mark.parametrize("persona", list(USERNAMES), indirect=True)
def test_each_role_changes_its_own_password_and_stays_signed_in(persona, request):
    response = change(persona)
    assert response.status_code == 302 and response.url == "/account/password/changed/"
    user = get_user_model().objects.get(username=USERNAMES[request.node.callspec.params["persona"]])
    assert user.check_password(NEW_PASSWORD)
    assert "Password changed" in persona.get(response.url).content.decode()
    assert persona.get("/home/").status_code == 200


def test_changing_the_password_signs_out_the_other_sessions(manager_a, manager_a_user):
    elsewhere = Client()
    elsewhere.force_login(manager_a_user)
    change(manager_a)
    assert elsewhere.get("/home/").url == "/login/?next=/home/"


@pytest.mark.parametrize(("fields", "expected"), [
    (dict(old="", new1="", new2=""), ["Enter your current password", "Enter a new password",
                                      "Enter the new password again to confirm it"]),
    (dict(old="wrong"), ["Your current password is not right: enter it again"]),
    (dict(new2="Quarterly-returns-2027"), ["The two new passwords do not match: enter the same password twice"]),
    (dict(new1="Qz7!wkpf", new2="Qz7!wkpf"), ["This password is too short. It must contain at least 12 characters."]),
    (dict(new1="password", new2="password"), ["This password is too short. It must contain at least 12 characters. "
                                              "This password is too common."]),
    (dict(new1="123456789012345", new2="123456789012345"), ["This password is entirely numeric."]),
])
def test_a_bad_password_change_says_what_to_fix_and_changes_nothing(manager_a, manager_a_user, fields, expected):
    response = change(manager_a, **fields)
    assert response.status_code == 200
    assert errors_of(response) == expected
    assert "<title>Error: Change your password" in response.content.decode()
    manager_a_user.refresh_from_db()
    assert manager_a_user.check_password(PASSWORD)


def test_the_error_summary_links_to_the_field(manager_a):
    page = change(manager_a, old="wrong").content.decode()
    assert '<a href="#id_old_password">Your current password is not right: enter it again</a>' in page
    assert 'id="id_old_password-error"' in page


def test_the_new_password_hint_states_the_rules(manager_a):
    assert "At least 12 characters. Not a common password, not only numbers, and not like your name or username." \
        in manager_a.get("/account/password/").content.decode()


# --- forgotten password -----------------------------------------------------------------------

@pytest.fixture
def with_email(manager_a_user):
    manager_a_user.email = "ann.able@example.gov.uk"
    manager_a_user.save()
    return manager_a_user


def test_the_sign_in_page_offers_a_password_reset(anonymous):
    assert '<a class="govuk-link" href="/account/reset/">Forgotten your password?</a>' in \
        anonymous.get("/login/").content.decode()


@pytest.mark.parametrize(("path", "heading"), [
    ("/account/reset/", "Reset your password"), ("/account/reset/sent/", "Check your email"),
    ("/account/reset/MQ/not-a-token/", "This link does not work"), ("/account/reset/done/", "Password reset"),
])
def test_the_reset_pages_need_no_sign_in(anonymous, path, heading):
    response = anonymous.get(path)
    assert response.status_code == 200 and heading in response.content.decode()


def test_a_reset_emails_a_link_that_sets_a_new_password(anonymous, with_email, mailoutbox, settings):
    settings.ALLOWED_HOSTS = ["performance.example.gov.uk", "testserver"]
    response = anonymous.post("/account/reset/", {"email": "ann.able@example.gov.uk"},
                              HTTP_HOST="performance.example.gov.uk")
    assert response.status_code == 302 and response.url == "/account/reset/sent/"
    assert "The link works once, for 1 hour." in anonymous.get(response.url).content.decode()

    [email] = mailoutbox
    assert email.to == ["ann.able@example.gov.uk"]
    assert email.subject == "Reset your password for Performance and risk"
    assert email.from_email == settings.DEFAULT_FROM_EMAIL
    [link] = re.findall(r"http://performance\.example\.gov\.uk/account/reset/\S+/", email.body)
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html" and f'href="{link}"' in html
    assert "Hello Ann Able" in email.body and "(manager.a)" in email.body

    path = link.removeprefix("http://performance.example.gov.uk")
    form_page = anonymous.get(path, follow=True, HTTP_HOST="performance.example.gov.uk")
    assert "Choose a new password" in form_page.content.decode()
    set_password = form_page.redirect_chain[-1][0]
    response = anonymous.post(set_password, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
                              HTTP_HOST="performance.example.gov.uk")
    assert response.status_code == 302 and response.url == "/account/reset/done/"
    with_email.refresh_from_db()
    assert with_email.check_password(NEW_PASSWORD)
    # The link worked once.
    assert "This link does not work" in anonymous.get(path, follow=True,
                                                      HTTP_HOST="performance.example.gov.uk").content.decode()
    response = anonymous.post("/login/", {"username": "manager.a", "password": NEW_PASSWORD},
                              HTTP_HOST="performance.example.gov.uk")
    assert response.status_code == 302 and response.url == "/home/"


def test_a_reset_does_not_reveal_whether_an_address_has_an_account(anonymous, with_email, mailoutbox):
    known = anonymous.post("/account/reset/", {"email": "ann.able@example.gov.uk"})
    unknown = anonymous.post("/account/reset/", {"email": "nobody@example.gov.uk"})
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url) == (302, "/account/reset/sent/")
    assert [m.to for m in mailoutbox] == [["ann.able@example.gov.uk"]]


def test_inactive_accounts_get_no_email(anonymous, with_email, mailoutbox):
    with_email.is_active = False
    with_email.save()
    response = anonymous.post("/account/reset/", {"email": "ann.able@example.gov.uk"})
    assert response.url == "/account/reset/sent/" and mailoutbox == []


def test_a_new_account_with_no_password_yet_gets_a_link_to_choose_one(anonymous, with_email, mailoutbox):
    with_email.set_unusable_password()  # as the admin leaves an account it has invited to choose its password
    with_email.save()
    anonymous.post("/account/reset/", {"email": "ANN.ABLE@example.gov.uk"})
    [link] = re.findall(r"http://testserver(/account/reset/\S+/)", mailoutbox[0].body)
    set_password = anonymous.get(link, follow=True).redirect_chain[-1][0]
    anonymous.post(set_password, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    with_email.refresh_from_db()
    assert with_email.check_password(NEW_PASSWORD)


@pytest.mark.parametrize(("email", "message"), [
    ("", "Enter your email address"),
    ("ann.able", "Enter an email address in the correct format, like name@example.gov.uk"),
])
def test_a_bad_reset_address_says_what_to_fix(anonymous, email, message, mailoutbox):
    response = anonymous.post("/account/reset/", {"email": email})
    assert response.status_code == 200 and errors_of(response) == [message]
    assert mailoutbox == []


def test_a_bad_new_password_on_the_reset_link_says_what_to_fix(anonymous, with_email):
    uid = urlsafe_base64_encode(force_bytes(with_email.pk))
    page = anonymous.get(f"/account/reset/{uid}/{default_token_generator.make_token(with_email)}/", follow=True)
    response = anonymous.post(page.redirect_chain[-1][0], {"new_password1": "manager.a1234",
                                                           "new_password2": "manager.a1234"})
    assert response.status_code == 200
    assert errors_of(response) == ["The password is too similar to the username."]


def test_an_old_reset_link_does_not_work(anonymous, with_email, settings):
    uid = urlsafe_base64_encode(force_bytes(with_email.pk))
    token = default_token_generator.make_token(with_email)
    settings.PASSWORD_RESET_TIMEOUT = -1  # every link is now older than its lifetime
    page = anonymous.get(f"/account/reset/{uid}/{token}/", follow=True)
    assert "This link does not work" in page.content.decode()


def test_a_reset_unlocks_an_account_locked_by_failed_sign_ins(anonymous, with_email, mailoutbox, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        anonymous.post("/login/", {"username": "manager.a", "password": "wrong"})
    assert anonymous.post("/login/", {"username": "manager.a", "password": PASSWORD}).status_code == 429
    anonymous.post("/account/reset/", {"email": "ann.able@example.gov.uk"})
    [link] = re.findall(r"http://testserver(/account/reset/\S+/)", mailoutbox[0].body)
    set_password = anonymous.get(link, follow=True).redirect_chain[-1][0]
    anonymous.post(set_password, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    response = anonymous.post("/login/", {"username": "manager.a", "password": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == "/home/"


# --- sign-in throttling: one username from many addresses --------------------------------------

def fail(client, username="officer", address="10.0.0.1"):
    return client.post("/login/", {"username": username, "password": "wrong"}, REMOTE_ADDR=address)


def test_one_username_tried_from_many_addresses_is_locked_out_everywhere(anonymous, officer_user, executive_user,
                                                                         settings):
    limit = settings.AXES_USERNAME_FAILURE_LIMIT
    assert limit == 20
    for n in range(limit - 1):
        assert fail(anonymous, address=f"10.0.0.{n + 1}").status_code == 200
    locking = fail(anonymous, address="10.0.1.1")
    assert locking.status_code == 429
    assert "You have been locked out for 15 minutes" in locking.content.decode()
    # Even the right password, from an address never used before, is refused during the cool-off...
    response = anonymous.post("/login/", {"username": "officer", "password": PASSWORD}, REMOTE_ADDR="192.168.5.5")
    assert response.status_code == 429
    # ...while colleagues sign in as usual, from the same addresses.
    response = Client().post("/login/", {"username": "exec", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 302 and response.url == "/home/"


def test_a_few_wrong_passwords_from_many_addresses_do_not_lock_the_owner_out(anonymous, officer_user, settings):
    for n in range(settings.AXES_USERNAME_FAILURE_LIMIT - 1):
        fail(anonymous, address=f"10.0.0.{n + 1}")
    response = Client().post("/login/", {"username": "officer", "password": PASSWORD}, REMOTE_ADDR="192.168.5.5")
    assert response.status_code == 302 and response.url == "/home/"


def test_the_per_address_limit_locks_that_address_only(anonymous, officer_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        fail(anonymous, address="10.0.0.1")
    assert anonymous.post("/login/", {"username": "officer", "password": PASSWORD},
                          REMOTE_ADDR="10.0.0.1").status_code == 429
    response = Client().post("/login/", {"username": "officer", "password": PASSWORD}, REMOTE_ADDR="192.168.5.5")
    assert response.status_code == 302


def test_failures_older_than_the_cool_off_no_longer_count(anonymous, officer_user, settings):
    for n in range(settings.AXES_USERNAME_FAILURE_LIMIT - 1):
        fail(anonymous, address=f"10.0.0.{n + 1}")
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
    assert fail(anonymous, address="10.0.1.1").status_code == 200
    response = Client().post("/login/", {"username": "officer", "password": PASSWORD}, REMOTE_ADDR="192.168.5.5")
    assert response.status_code == 302


def test_the_username_limit_is_a_setting(anonymous, officer_user, settings):
    settings.AXES_USERNAME_FAILURE_LIMIT = 7
    statuses = [fail(anonymous, address=f"10.0.0.{n + 1}").status_code for n in range(7)]
    assert statuses == [200] * 6 + [429]


def test_a_username_limit_of_zero_turns_it_off(anonymous, officer_user, settings):
    settings.AXES_USERNAME_FAILURE_LIMIT = 0
    for n in range(25):
        assert fail(anonymous, address=f"10.0.0.{n + 1}").status_code == 200
    response = Client().post("/login/", {"username": "officer", "password": PASSWORD}, REMOTE_ADDR="192.168.5.5")
    assert response.status_code == 302


# --- the session-timeout warning ----------------------------------------------------------------

def test_signed_in_pages_carry_the_timeout_warning(officer):
    page = officer.get("/home/").content.decode()
    assert 'data-session-seconds="3600" data-warning-seconds="120"' in page
    assert 'data-keep-alive-url="/account/keep-alive/"' in page
    assert "For your security, we will sign you out in <strong" in page and ">2 minutes</strong>" in page
    assert '<form method="post" action="/account/timed-out/?next=/home/" hidden data-timeout-form>' in page
    assert re.search(r'<script type="module" src="/static/js/timeout-warning\.js"></script>', page)


def test_the_timeout_form_brings_the_user_back_to_the_page_with_its_query(officer):
    page = officer.get("/home/?period=2019-20-Q1&x=%2F").content.decode()
    assert 'action="/account/timed-out/?next=/home/%3Fperiod%3D2019-20-Q1%26x%3D%252F"' in page


def test_the_sign_in_page_has_no_timeout_warning(anonymous):
    assert "data-session-seconds" not in anonymous.get("/login/").content.decode()


def test_the_warning_time_is_a_setting(officer, settings):
    settings.SESSION_WARNING_SECONDS = 300
    page = officer.get("/home/").content.decode()
    assert 'data-warning-seconds="300"' in page and ">5 minutes</strong>" in page


def session_expiry(client) -> timezone.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_stay_signed_in_refreshes_the_session(officer):
    officer.get("/home/")
    Session.objects.filter(session_key=officer.session.session_key).update(
        expire_date=timezone.now() + timedelta(seconds=30))
    response = officer.post("/account/keep-alive/")
    assert response.status_code == 204 and response.content == b""
    assert session_expiry(officer) > timezone.now() + timedelta(seconds=3500)


def test_stay_signed_in_needs_the_csrf_token(officer_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer_user)
    assert browser.post("/account/keep-alive/").status_code == 403
    page = browser.get("/home/").content.decode()
    token = re.search(r'data-timeout-form><input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"',
                      page).group(1)
    assert browser.post("/account/keep-alive/", HTTP_X_CSRFTOKEN=token).status_code == 204


def test_stay_signed_in_is_post_only(officer):
    assert officer.get("/account/keep-alive/").status_code == 405


def test_stay_signed_in_after_the_session_expired_sends_to_sign_in(officer):
    officer.get("/home/")
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = officer.post("/account/keep-alive/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_when_time_runs_out_the_user_is_signed_out_and_told_why(officer):
    response = officer.post("/account/timed-out/?next=/home/")
    assert response.status_code == 302 and response.url == "/login/?next=/home/"
    page = officer.get(response.url)
    assert page.status_code == 200  # the sign-in page, not a redirect home: signed out
    assert "We signed you out because you had not used the service for 1 hour. Sign in again to carry on." \
        in page.content.decode()


def test_the_timeout_endpoint_needs_the_csrf_token(officer_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer_user)
    assert browser.post("/account/timed-out/?next=/home/").status_code == 403
    assert browser.get("/home/").status_code == 200  # still signed in


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "home"])
def test_the_timeout_endpoint_only_returns_to_a_page_of_this_site(officer, next_url):
    response = officer.post("/account/timed-out/", query_params={"next": next_url})
    assert response.status_code == 302 and response.url == "/login/"


@pytest.mark.parametrize("path", sorted(p.relative_to(ROOT).as_posix() for p in [
    *(ROOT / "templates" / "registration").glob("*.html"), ROOT / "templates" / "includes" / "timeout_warning.html"]))
def test_the_account_templates_have_no_inline_styles_or_scripts(path):
    text = (ROOT / path).read_text()
    assert " style=" not in text and "<style" not in text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)


# --- settings read from the environment --------------------------------------------------------

def settings_in(env: dict[str, str], names: list[str]) -> subprocess.CompletedProcess:
    code = ("import json, django; from django.conf import settings; django.setup(); "
            f"print(json.dumps({{k: getattr(settings, k) for k in {names!r}}}))")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "AXES_", "SESSION_", "DEFAULT_FROM"))}
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "k" * 50, **env})
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)


EMAIL = ["EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS",
         "EMAIL_USE_SSL", "DEFAULT_FROM_EMAIL"]


def test_email_goes_to_the_console_unless_configured():
    result = settings_in({}, ["EMAIL_BACKEND", "SESSION_WARNING_SECONDS", "AXES_USERNAME_FAILURE_LIMIT"])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
                                         "SESSION_WARNING_SECONDS": 120, "AXES_USERNAME_FAILURE_LIMIT": 20}


def test_smtp_is_configured_from_the_environment():
    result = settings_in({"EMAIL_BACKEND": "smtp", "EMAIL_HOST": "smtp.example.gov.uk", "EMAIL_HOST_USER": "app",
                          "EMAIL_HOST_PASSWORD": "secret", "DEFAULT_FROM_EMAIL": "Performance <noreply@example.gov.uk>"},
                         EMAIL)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "smtp.example.gov.uk",
        "EMAIL_PORT": 587, "EMAIL_HOST_USER": "app", "EMAIL_HOST_PASSWORD": "secret", "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False, "DEFAULT_FROM_EMAIL": "Performance <noreply@example.gov.uk>"}
    result = settings_in({"EMAIL_BACKEND": "smtp", "EMAIL_USE_SSL": "true"}, ["EMAIL_PORT", "EMAIL_USE_TLS"])
    assert json.loads(result.stdout) == {"EMAIL_PORT": 465, "EMAIL_USE_TLS": False}


@pytest.mark.parametrize(("env", "message"), [
    ({"EMAIL_BACKEND": "carrier-pigeon"}, "EMAIL_BACKEND must be console, smtp or a dotted path"),
    ({"EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"}, "Set only one of EMAIL_USE_TLS"),
    ({"EMAIL_PORT": "submission"}, "EMAIL_PORT must be a whole number"),
    ({"SESSION_WARNING_SECONDS": "3600"}, "SESSION_WARNING_SECONDS must be more than 0 and less than"),
    ({"SESSION_WARNING_SECONDS": "0"}, "SESSION_WARNING_SECONDS must be more than 0"),
    ({"AXES_USERNAME_FAILURE_LIMIT": "3"}, "AXES_USERNAME_FAILURE_LIMIT (3) must be 0 (off) or at least"),
])
def test_unusable_account_settings_fail_loudly(env, message):
    result = settings_in(env, ["EMAIL_BACKEND"])
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr and message in result.stderr
