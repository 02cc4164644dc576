"""A save that arrives after the session expired keeps what was typed (organisation/typed_work.py),
on tiny test pages (tests/organisation/urls_typed_work.py): /typed/<n>/ keeps typed work, /plain/ does not."""

import json
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from organisation import typed_work

pytestmark = pytest.mark.urls("tests.organisation.urls_typed_work")

PASSWORD = "pw-for-tests-only"
TYPED_FIELDS = {"csrfmiddlewaretoken": "not-kept", "i1-value": "92.1", "i1-commentary": "Eight paragraphs of reasons",
                "i2-value": "", "i1-version": "3", "action": "submit"}


def owned(data: dict, username: str = "manager.a") -> dict:
    """The fields as the form posts them: with the signed token of the user typing (typed_work_owner)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    return {**data, typed_work.OWNER_FIELD: typed_work.owner_token(user)}


class _Typed:
    """TYPED_FIELDS as manager.a's form posts them (looked up when posted, inside a test's database)."""

    def __call__(self) -> dict:
        return owned(TYPED_FIELDS)


TYPED = _Typed()


def kept_on_page(response) -> list | str:
    text = response.content.decode()
    raw = text.split('<pre id="kept">', 1)[1].split("</pre>", 1)[0]
    return "nothing" if raw == "nothing" else json.loads(raw.replace("&quot;", '"').replace("&#x27;", "'"))


def sign_in(client: Client, username: str, next_url: str = ""):
    return client.post("/login/", {"username": username, "password": PASSWORD, "next": next_url})


def expire_sessions():
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))


@pytest.fixture
def signed_in(manager_a_user) -> Client:
    """A browser that signed in through the sign-in page (so it holds a real session cookie)."""
    client = Client()
    assert sign_in(client, "manager.a").status_code == 302
    return client


def test_a_save_after_the_session_expired_is_kept_through_signing_in_and_shown_back(signed_in):
    expire_sessions()
    response = signed_in.post("/typed/1/", TYPED())
    assert response.status_code == 302 and response.url == "/login/?next=/typed/1/"

    login_page = signed_in.get(response.url).content.decode()
    assert "You were signed out before your changes were saved. What you typed has not been saved: " \
           "sign in again to check it and save it." in login_page

    response = sign_in(signed_in, "manager.a", "/typed/1/")
    assert response.status_code == 302 and response.url == "/typed/1/"
    page = signed_in.get("/typed/1/")
    assert kept_on_page(page) == [["action", ["submit"]], ["i1-commentary", ["Eight paragraphs of reasons"]],
                                  ["i1-value", ["92.1"]], ["i1-version", ["3"]], ["i2-value", [""]]]
    banner = page.content.decode().split('class="govuk-notification-banner"', 1)[1].split("</div>\n</div>", 1)[0]
    assert ("You were signed out before your changes were saved. What you typed is shown below: "
            "check it and save again.") in banner
    # Offered back once: it was not saved, and the next visit shows the saved figures only.
    assert kept_on_page(signed_in.get("/typed/1/")) == "nothing"


def test_fields_with_several_values_keep_them_all(anonymous, manager_a_user):
    anonymous.post("/typed/1/", owned({"areas": ["1", "2"], "note": "x"}))
    sign_in(anonymous, "manager.a")
    assert kept_on_page(anonymous.get("/typed/1/")) == [["areas", ["1", "2"]], ["note", ["x"]]]


def test_kept_work_is_offered_only_on_the_page_it_was_typed_on(anonymous, manager_a_user):
    anonymous.post("/typed/1/", TYPED())
    sign_in(anonymous, "manager.a")
    assert kept_on_page(anonymous.get("/typed/2/")) == "nothing"
    assert kept_on_page(anonymous.get("/plain/")) == "nothing"
    assert kept_on_page(anonymous.get("/typed/1/")) != "nothing"


def test_kept_work_goes_with_the_session_when_the_user_signs_out(anonymous, manager_a_user):
    anonymous.post("/typed/1/", TYPED())
    sign_in(anonymous, "manager.a")
    assert "/typed/1/" in anonymous.session[typed_work.SESSION_KEY]
    anonymous.post("/logout/")
    sign_in(anonymous, "manager.a")
    assert kept_on_page(anonymous.get("/typed/1/")) == "nothing"


def test_kept_work_goes_with_the_session_when_it_expires(anonymous, manager_a_user):
    anonymous.post("/typed/1/", TYPED())
    assert "/typed/1/" in anonymous.session[typed_work.SESSION_KEY]
    expire_sessions()
    sign_in(anonymous, "manager.a")
    assert kept_on_page(anonymous.get("/typed/1/")) == "nothing"


def test_a_save_made_while_signed_in_replaces_kept_work(anonymous, manager_a_user):
    anonymous.post("/typed/1/", TYPED())
    sign_in(anonymous, "manager.a")
    assert "/typed/1/" in anonymous.session[typed_work.SESSION_KEY]
    # e.g. saved again from another tab that still showed the form
    assert anonymous.post("/typed/1/", owned({"i1-commentary": "newer"})).content == b"saved "
    assert kept_on_page(anonymous.get("/typed/1/")) == "nothing"


def test_pages_not_marked_keep_nothing_and_send_to_sign_in_as_before(anonymous, manager_a_user):
    response = anonymous.post("/plain/", TYPED())
    assert response.status_code == 302 and response.url == "/login/?next=/plain/"
    assert "signed out before your changes" not in anonymous.get(response.url).content.decode()
    sign_in(anonymous, "manager.a")
    assert typed_work.SESSION_KEY not in anonymous.session


def test_a_get_while_signed_out_keeps_nothing(anonymous):
    response = anonymous.get("/typed/1/?i1-value=5")
    assert response.status_code == 302 and response.url == "/login/?next=/typed/1/%3Fi1-value%3D5"
    assert typed_work.SESSION_KEY not in anonymous.session


def test_the_mark_survives_decorators_that_wrap_the_view(anonymous, manager_a_user):
    response = anonymous.post("/post-only/", owned({"note": "typed"}))
    assert response.url == "/login/?next=/post-only/"
    assert anonymous.session[typed_work.SESSION_KEY] == {
        "/post-only/": {"owner": manager_a_user.pk, "fields": [["note", "typed"]]}}


def test_a_post_with_nothing_typed_keeps_nothing_and_says_only_that_the_user_was_signed_out(anonymous):
    response = anonymous.post("/typed/1/", {"csrfmiddlewaretoken": "x"})
    assert typed_work.SESSION_KEY not in anonymous.session
    page = anonymous.get(response.url).content.decode()
    assert "You were signed out before your changes were saved." in page
    assert "What you typed" not in page


def test_a_cross_site_post_is_refused_before_anything_is_kept(manager_a_user):
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/typed/1/", TYPED())
    assert response.status_code == 403
    assert typed_work.SESSION_KEY not in browser.session


@pytest.mark.parametrize(("bound", "value"), [("MAX_FIELDS", 4), ("MAX_BYTES", 60)])
def test_too_much_typed_work_is_not_kept_and_the_user_is_told(anonymous, manager_a_user, monkeypatch, bound, value):
    monkeypatch.setattr(typed_work, bound, value)
    response = anonymous.post("/typed/1/", TYPED())
    assert typed_work.SESSION_KEY not in anonymous.session
    assert ("You were signed out before your changes were saved. What you typed was too much to keep: "
            "sign in again and enter it again.") in anonymous.get(response.url).content.decode()


def test_only_the_latest_pages_are_kept(anonymous, manager_a_user, monkeypatch):
    monkeypatch.setattr(typed_work, "MAX_PAGES", 2)
    for pk in (1, 2, 3):
        anonymous.post(f"/typed/{pk}/", owned({"note": str(pk)}))
    assert list(anonymous.session[typed_work.SESSION_KEY]) == ["/typed/2/", "/typed/3/"]


def test_kept_pages_together_stay_within_the_byte_bound(anonymous, manager_a_user, monkeypatch):
    monkeypatch.setattr(typed_work, "MAX_BYTES", 30)
    anonymous.post("/typed/1/", owned({"note": "a" * 20}))
    anonymous.post("/typed/2/", owned({"note": "b" * 20}))
    assert list(anonymous.session[typed_work.SESSION_KEY]) == ["/typed/2/"]


def test_take_returns_a_read_only_querydict_and_can_stay_quiet(rf, manager_a_user):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request = rf.get("/typed/1/")
    request.user = manager_a_user
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    assert typed_work.take(request) is None
    typed_work.keep(request, "/typed/1/", rf.post("/typed/1/", {"a": ["1", "2"], "csrfmiddlewaretoken": "t"}).POST,
                    owner=manager_a_user.pk)
    data = typed_work.take(request, announce=False)
    assert data.getlist("a") == ["1", "2"] and "csrfmiddlewaretoken" not in data
    assert not data._mutable
    assert list(request._messages) == []
    assert typed_work.SESSION_KEY not in request.session


# --- the timeout endpoint (the page's timer ran out: static/js/timeout-warning.js) ------------------

def test_when_the_timer_runs_out_the_typed_form_is_kept_and_the_user_signed_out(signed_in):
    response = signed_in.post("/account/timed-out/?next=/typed/1/", TYPED())
    assert response.status_code == 302 and response.url == "/login/?next=/typed/1/"
    login_page = signed_in.get(response.url)
    assert login_page.status_code == 200  # signed out: the sign-in page no longer sends them on
    text = login_page.content.decode()
    assert "We signed you out because you had not used the service for 1 hour." in text
    assert "What you typed has not been saved: sign in again to check it and save it." in text
    sign_in(signed_in, "manager.a", "/typed/1/")
    assert ["i1-commentary", ["Eight paragraphs of reasons"]] in kept_on_page(signed_in.get("/typed/1/"))


def test_the_timeout_endpoint_keeps_nothing_for_a_page_that_does_not_keep_typed_work(signed_in):
    response = signed_in.post("/account/timed-out/?next=/plain/", TYPED())
    assert response.url == "/login/?next=/plain/"
    assert typed_work.SESSION_KEY not in signed_in.session
    assert "Sign in again to carry on." in signed_in.get(response.url).content.decode()


# --- whose work it is ---------------------------------------------------------------------------------

def test_work_is_offered_back_only_to_the_person_who_typed_it(anonymous, manager_a_user, manager_b_user):
    anonymous.post("/typed/1/", TYPED())
    sign_in(anonymous, "manager.b")  # the next person at a shared computer
    assert kept_on_page(anonymous.get("/typed/1/")) == "nothing"
    assert typed_work.SESSION_KEY not in anonymous.session  # and it is gone


@pytest.mark.parametrize("token", ["", "forged", "1:abc:def"])
def test_work_that_names_nobody_or_a_forged_owner_is_not_kept(anonymous, manager_a_user, token):
    response = anonymous.post("/typed/1/", {**TYPED_FIELDS, typed_work.OWNER_FIELD: token})
    assert typed_work.SESSION_KEY not in anonymous.session
    assert "What you typed could not be kept: sign in again and enter it again." in \
        anonymous.get(response.url).content.decode()


def test_the_entry_forms_carry_the_owner_token(manager_a, area_a, open_quarter):
    page = manager_a.get(f"/performance/entry/{open_quarter.slug}/{area_a.pk}/").content.decode()
    assert f'name="{typed_work.OWNER_FIELD}"' in page
