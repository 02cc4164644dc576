from urllib.parse import urlsplit

from django.core import mail
from django.test import Client

from organisation import roles
from organisation.models import AuditEvent, ExternalIdentity

from .conftest import make_user_for_tests, sign_in, signed_in_user

ANN = {"roles": ["Executive"], "email": "ann.able@council.gov.uk", "preferred_username": "ann.able@council.gov.uk"}


def test_a_matching_email_never_signs_in_to_an_existing_account(sso_on, provider, anonymous):
    local = make_user_for_tests("ann.able@council.gov.uk", roles.PERFORMANCE_OFFICER, email="ann.able@council.gov.uk")
    sign_in(anonymous, provider, "ann-sub", ANN)
    user = signed_in_user(anonymous)
    assert user != local and user.username == "ann.able@council.gov.uk-2"
    assert not ExternalIdentity.objects.filter(user=local).exists()
    assert set(user.groups.values_list("name", flat=True)) == {roles.EXECUTIVE}


def link(client, provider, sub: str, claims: dict):
    """The account page's button, then the provider's sign-in; the callback's response."""
    started = client.post("/oidc/link/")
    assert started.status_code == 302 and started.url == "/oidc/authenticate/?next=/account/"
    return sign_in(client, provider, sub, claims, start=started.url)


def test_a_local_user_links_their_account_by_an_explicit_audited_step(sso_on, provider):
    local = make_user_for_tests("ann", roles.SERVICE_MANAGER, email="ann.able@council.gov.uk")
    client = Client()
    client.force_login(local)
    page = client.get("/account/").content.decode()
    assert "Link my council sign-in" in page and "Not linked" in page
    response = link(client, provider, "ann-sub", ANN)
    assert response.status_code == 302 and response.url == "/account/"
    identity = ExternalIdentity.objects.get()
    assert identity.user == local and identity.subject == "ann-sub"
    entry = AuditEvent.objects.filter(object_label="ann", detail__startswith="council sign-in").get()
    assert entry.user == local and entry.reason == "Linked by the account holder from their account page"
    assert "Linked on" in client.get("/account/").content.decode()
    # Roles now come from the council account, and a later sign-in is to the same account.
    assert set(local.groups.values_list("name", flat=True)) == {roles.EXECUTIVE}
    fresh = Client()
    sign_in(fresh, provider, "ann-sub", ANN)
    assert signed_in_user(fresh) == local


def test_linking_needs_the_button_not_a_link(sso_on, db):
    client = Client()
    client.force_login(make_user_for_tests("ann", roles.EXECUTIVE))
    assert client.get("/oidc/link/").status_code == 405


def test_a_sign_in_without_the_linking_step_makes_a_new_account_even_when_signed_in(sso_on, provider):
    local = make_user_for_tests("ann", roles.EXECUTIVE)
    client = Client()
    client.force_login(local)
    sign_in(client, provider, "ann-sub", ANN)
    assert signed_in_user(client) != local and not ExternalIdentity.objects.filter(user=local).exists()


def test_a_council_account_linked_to_another_account_is_not_linked_again(sso_on, provider):
    sign_in(Client(), provider, "ann-sub", ANN)
    local = make_user_for_tests("ann", roles.EXECUTIVE)
    client = Client()
    client.force_login(local)
    response = link(client, provider, "ann-sub", ANN)
    assert response.status_code == 403 and "already linked to another account" in response.content.decode()
    assert not ExternalIdentity.objects.filter(user=local).exists() and signed_in_user(client) is None


def test_linking_with_a_council_account_that_has_no_role_is_refused(sso_on, provider):
    local = make_user_for_tests("ann", roles.EXECUTIVE)
    client = Client()
    client.force_login(local)
    response = link(client, provider, "ann-sub", {"roles": ["Payroll.Admin"]})
    assert response.status_code == 403 and not ExternalIdentity.objects.exists()
    assert set(local.groups.values_list("name", flat=True)) == {roles.EXECUTIVE}


def test_a_linked_account_no_longer_signs_in_with_its_password(sso_on, provider):
    local = make_user_for_tests("ann", roles.EXECUTIVE)
    client = Client()
    client.force_login(local)
    link(client, provider, "ann-sub", ANN)
    browser = Client()
    response = browser.post("/login/", {"username": "ann", "password": "pw-for-tests-only"})
    assert response.status_code == 200
    assert "Your account signs in with your council account" in response.content.decode()
    assert signed_in_user(browser) is None
    wrong = browser.post("/login/", {"username": "ann", "password": "not-it"})
    assert "Enter a correct username and password" in wrong.content.decode()


def test_a_linked_account_is_sent_no_password_reset_link(sso_on, provider):
    local = make_user_for_tests("ann", roles.EXECUTIVE, email="ann.able@council.gov.uk")
    client = Client()
    client.force_login(local)
    link(client, provider, "ann-sub", ANN)
    Client().post("/account/reset/", {"email": "ann.able@council.gov.uk"})
    assert mail.outbox == []


def test_the_link_button_is_not_shown_once_linked_nor_when_sso_is_off(sso_on, provider, settings):
    local = make_user_for_tests("ann", roles.EXECUTIVE)
    client = Client()
    client.force_login(local)
    link(client, provider, "ann-sub", ANN)
    assert "Link my council sign-in" not in client.get("/account/").content.decode()
    assert urlsplit(client.post("/oidc/link/").url).path == "/account/"
    settings.OIDC_ISSUER = ""
    other = Client()
    other.force_login(make_user_for_tests("bob", roles.EXECUTIVE))
    page = other.get("/account/").content.decode()
    assert "Link my council sign-in" not in page and "Council sign-in" not in page


def test_an_officer_unlinks_a_council_sign_in_in_the_admin_and_it_is_audited(db, client):
    from django.contrib.auth import get_user_model

    from tests.conftest import make_user

    officer = make_user("officer.unlinks", roles.PERFORMANCE_OFFICER)
    person = get_user_model().objects.create_user("linked.person")
    identity = ExternalIdentity.objects.create(user=person, issuer="https://login.example/tenant", subject="abc")
    client.force_login(officer)
    assert client.get("/admin/organisation/externalidentity/").status_code == 200
    assert client.get(f"/admin/organisation/externalidentity/{identity.pk}/change/").status_code == 200
    response = client.post(f"/admin/organisation/externalidentity/{identity.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not ExternalIdentity.objects.exists()
    event = AuditEvent.objects.filter(object_label="linked.person").latest("pk")
    assert event.action == AuditEvent.Action.ADMIN_DELETED and "abc" in event.detail
    assert client.get("/admin/organisation/externalidentity/add/").status_code == 403
