"""Issue 11, "Why": a performance officer could make itself superuser in the admin and set
any other user's password; a session that expired while a manager typed threw the
typed work away."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.http import HttpRequest
from django.test import Client
from django.utils import timezone

from kpis.models import Actual
from organisation import typed_work
from tests.conftest import client_for
from tests.record.support import input_value, text

PASSWORD = "pw-for-tests-only"  # tests/conftest.py make_user


# --- 9. the admin's roles ------------------------------------------------------------

def test_a_performance_officer_cannot_make_itself_superuser_in_the_admin(staff_officer_user):
    user = staff_officer_user
    joined = timezone.localtime(user.date_joined)
    client_for(user).post(f"/admin/auth/user/{user.pk}/change/", {
        "username": user.username, "first_name": user.first_name, "last_name": user.last_name, "email": "",
        "is_active": "on", "is_staff": "on", "is_superuser": "on",
        "groups": [g.pk for g in user.groups.all()],
        "last_login_0": "", "last_login_1": "",
        "date_joined_0": joined.strftime("%Y-%m-%d"), "date_joined_1": joined.strftime("%H:%M:%S"),
        "ServiceArea_managers-TOTAL_FORMS": "0", "ServiceArea_managers-INITIAL_FORMS": "0",
        "ServiceArea_managers-MIN_NUM_FORMS": "0", "ServiceArea_managers-MAX_NUM_FORMS": "1000",
    })
    assert get_user_model().objects.get(pk=user.pk).is_superuser is False


def test_a_performance_officer_cannot_set_another_users_password_in_the_admin(staff_officer_user, executive_user):
    client = client_for(staff_officer_user)
    url = f"/admin/auth/user/{executive_user.pk}/password/"
    new = "a-new-password-for-the-executive"
    client.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    executive = get_user_model().objects.get(pk=executive_user.pk)
    assert executive.check_password(PASSWORD)
    assert not executive.check_password(new)
    assert client.get(url).status_code in (403, 404)  # either refusal will do


# --- 17. a session that expires while a manager types -----------------------------------

@pytest.mark.usefixtures("open_quarter")
def test_a_save_that_arrives_after_the_session_expired_is_shown_back_after_signing_in_again(
        manager_a_user, area_a, dpe007):
    client = Client()
    assert client.login(request=HttpRequest(), username=manager_a_user.username, password=PASSWORD)
    url = f"/performance/entry/2019-20-Q1/{area_a.pk}/"
    form = client.get(url)
    assert form.status_code == 200
    owner = input_value(text(form), typed_work.OWNER_FIELD)  # the form names (signed) who is typing
    assert owner
    Session.objects.all().delete()  # the session expires while the manager types

    prefix = f"i{dpe007.pk}"
    response = client.post(url, {
        "action": "draft", f"{prefix}-value": "77", f"{prefix}-numerator": "", f"{prefix}-denominator": "",
        f"{prefix}-commentary": "typed before expiry", f"{prefix}-version": "0", typed_work.OWNER_FIELD: owner,
    })
    assert response.status_code == 302 and response["Location"].startswith("/login/")

    response = client.post("/login/", {"username": manager_a_user.username, "password": PASSWORD, "next": url},
                           follow=True)
    assert response.redirect_chain and response.redirect_chain[-1][0].startswith(url)
    page = text(response)
    assert not Actual.objects.filter(indicator=dpe007).exists()  # shown back, not yet saved
    assert input_value(page, f"{prefix}-value") == "77"
    assert "typed before expiry" in page
