"""The role-based admin: what performance officers manage there, what only superusers may do, and that
every change made there goes through the services into the audit trail."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail

from kpis.models import Actual, Indicator
from organisation import roles
from organisation.models import AuditEvent, Directorate, ServiceArea
from risks.models import RiskReview, ScoringScheme
from tests.conftest import client_for, make_user
from tests.kpis.conftest import make_indicator, set_actual
from tests.risks.conftest import make_risk, review

User = get_user_model()


@pytest.fixture
def superuser(db):
    return client_for(User.objects.create_superuser("root", "root@example.org", "pw-for-tests-only"))


@pytest.mark.parametrize("persona", ["manager_a", "executive", "audit", "outsider"], indirect=True)
def test_only_performance_officers_and_superusers_use_the_admin(persona):
    response = persona.get("/admin/", follow=True)
    assert response.redirect_chain and "Set-up and accounts" not in response.content.decode()
    assert response.request["PATH_INFO"] == "/home/"


def test_an_officer_uses_the_admin_by_role_without_the_staff_flag(officer, officer_user):
    assert not officer_user.is_staff
    page = officer.get("/admin/").content.decode()
    assert "Directorates" in page and "Users" in page and "Groups" not in page


def test_an_officer_adds_a_directorate_and_a_service_area_with_managers_and_it_is_audited(officer, manager_b_user):
    officer.post("/admin/organisation/directorate/add/", {"name": "Resources", "service_areas-TOTAL_FORMS": 0,
                                                          "service_areas-INITIAL_FORMS": 0})
    directorate = Directorate.objects.get(name="Resources")
    officer.post("/admin/organisation/servicearea/add/", {"name": "Finance", "directorate": directorate.pk,
                                                          "managers": [manager_b_user.pk]})
    area = ServiceArea.objects.get(name="Finance")
    assert list(area.managers.all()) == [manager_b_user]
    event = AuditEvent.objects.get(object_type="Service area")
    assert event.action == "admin_added" and "managers: blank -> manager.b" in event.detail
    assert AuditEvent.objects.filter(object_type="Directorate", action="admin_added").exists()


def test_an_officer_gives_a_user_a_role_and_a_service_area_and_it_is_audited(officer, outsider_user, area_a):
    manager_role = Group.objects.get(name=roles.SERVICE_MANAGER)
    response = officer.post(f"/admin/auth/user/{outsider_user.pk}/change/", {
        "username": "outsider", "first_name": "Out", "last_name": "Sider", "email": "o@example.org",
        "is_active": "on", "groups": [manager_role.pk], "is_superuser": "on", "is_staff": "on",
        "ServiceArea_managers-TOTAL_FORMS": 1, "ServiceArea_managers-INITIAL_FORMS": 0,
        "ServiceArea_managers-0-servicearea": area_a.pk,
    })
    assert response.status_code == 302
    outsider_user.refresh_from_db()
    assert [g.name for g in outsider_user.groups.all()] == [roles.SERVICE_MANAGER]
    assert list(outsider_user.managed_service_areas.all()) == [area_a]
    assert not outsider_user.is_superuser and not outsider_user.is_staff  # only a superuser grants these
    detail = AuditEvent.objects.get(object_type="User").detail
    assert "roles: none -> Service manager" in detail and "service areas: none -> Children & Families" in detail


def test_an_officer_cannot_touch_a_superuser_or_anyone_elses_password(officer, superuser, manager_a_user):
    root = User.objects.get(username="root")
    page = officer.get(f"/admin/auth/user/{root.pk}/change/").content.decode()
    assert "root" in page and 'name="_save"' not in page  # shown, not changeable
    officer.post(f"/admin/auth/user/{root.pk}/change/", {"username": "root", "is_active": ""})
    assert User.objects.get(pk=root.pk).is_active
    response = officer.post(f"/admin/auth/user/{manager_a_user.pk}/password/",
                            {"password1": "a-new-password-123", "password2": "a-new-password-123"})
    assert response.status_code == 403
    assert User.objects.get(pk=manager_a_user.pk).check_password("pw-for-tests-only")


def test_a_new_account_made_by_an_officer_has_no_password_and_is_sent_a_link_to_set_one(officer):
    officer.post("/admin/auth/user/add/", {"username": "new.manager", "first_name": "New", "last_name": "Manager",
                                           "email": "new@example.org", "groups": [],
                                           "ServiceArea_managers-TOTAL_FORMS": 0,
                                           "ServiceArea_managers-INITIAL_FORMS": 0})
    user = User.objects.get(username="new.manager")
    assert not user.has_usable_password() and not user.is_staff
    assert len(mail.outbox) == 1 and "/reset/" in mail.outbox[0].body and "new.manager" in mail.outbox[0].body


def test_a_superuser_grants_staff_and_sets_passwords(superuser, manager_a_user):
    response = superuser.post(f"/admin/auth/user/{manager_a_user.pk}/password/",
                              {"password1": "a-new-password-123", "password2": "a-new-password-123"})
    assert response.status_code == 302
    assert User.objects.get(pk=manager_a_user.pk).check_password("a-new-password-123")


@pytest.mark.parametrize(("path", "model"), [("kpis/actual", Actual), ("risks/riskreview", RiskReview)])
def test_figures_and_reviews_are_read_only_in_the_admin(officer, area_a, directorate, open_quarter, path, model):
    indicator = make_indicator(area_a, "DPE007")
    set_actual(indicator, "2019/20 Q1", 50)
    review(make_risk("CRR9", directorate, area_a), "2019/20 Q1")
    record = model.objects.get()
    assert officer.get(f"/admin/{path}/{record.pk}/change/").status_code == 200  # it can be read
    assert officer.post(f"/admin/{path}/{record.pk}/change/", {}).status_code == 403
    assert officer.post(f"/admin/{path}/{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert officer.get(f"/admin/{path}/add/").status_code == 403
    assert model.objects.filter(pk=record.pk).exists()


def test_an_indicator_changed_in_the_admin_is_audited_and_one_with_figures_is_retired_not_deleted(
        officer, area_a, open_quarter):
    indicator = make_indicator(area_a, "DPE007")
    set_actual(indicator, "2019/20 Q1", 50)
    officer.post(f"/admin/kpis/indicator/{indicator.pk}/change/", {
        "code": "DPE007", "title": "Pathway plans", "description": "", "service_area": area_a.pk,
        "polarity": "lower", "unit": "percent", "precision": 1, "frequency": "quarterly",
        "accumulation": "snapshot", "commitment": "", "tolerance": "", "owner": "", "active": "on"})
    event = AuditEvent.objects.get(action="definition_changed")
    assert event.detail == "polarity: higher -> lower" and event.who == "Olu Officer"
    response = officer.post(f"/admin/kpis/indicator/{indicator.pk}/delete/", {"post": "yes"}, follow=True)
    assert Indicator.objects.filter(pk=indicator.pk).exists()
    assert "Cannot delete" in response.content.decode() or "retire it instead" in response.content.decode()


def test_an_indicator_with_no_figures_can_be_deleted_and_it_is_audited(officer, area_a):
    indicator = make_indicator(area_a, "TYPO1")
    officer.post(f"/admin/kpis/indicator/{indicator.pk}/delete/", {"post": "yes"})
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    assert AuditEvent.objects.get(action="admin_deleted").object_label == "TYPO1"


def test_a_scheme_in_use_keeps_its_scales_and_cannot_be_deleted(officer, directorate, area_a, open_quarter):
    review(make_risk("CRR9", directorate, area_a), "2019/20 Q1")
    scheme = ScoringScheme.objects.get(active=True)
    definition = dict(scheme.definition)
    response = officer.post(f"/admin/risks/scoringscheme/{scheme.pk}/change/", {
        "name": scheme.name, "description": "", "appetite_level": "cautious",
        "definition": '{"likelihood": [[1, "Low"]], '
        '"threat_impact": [[1, "Low"]], "opportunity_impact": [[1, "Low"]], '
        '"levels": [{"name": "Low", "min": 1, "max": null, "colour": "#00703c"}]}'}, follow=True)
    assert "has reviews scored on it" in response.content.decode()
    assert ScoringScheme.objects.get(pk=scheme.pk).definition == definition
    officer.post(f"/admin/risks/scoringscheme/{scheme.pk}/delete/", {"post": "yes"})
    assert ScoringScheme.objects.filter(pk=scheme.pk).exists()


def test_the_users_page_query_count_does_not_grow(officer, django_assert_max_num_queries, area_a):
    with django_assert_max_num_queries(20) as small:
        officer.get("/admin/auth/user/")
    for n in range(30):
        make_user(f"extra{n}", roles.SERVICE_MANAGER, [area_a])
    with django_assert_max_num_queries(len(small)):
        officer.get("/admin/auth/user/")


def test_no_record_is_restored_from_its_history_in_the_admin(officer, area_a, open_quarter):
    from kpis.services import FigureInput, figures_save

    indicator = make_indicator(area_a, "DPE007")
    actual = set_actual(indicator, "2019/20 Q1", 50)
    old = actual.history.earliest()
    figures_save(user=None, quarter=open_quarter, submit=False, figures=[FigureInput(
        indicator=indicator, period=open_quarter, version=None, value=Decimal(60), numerator=None, denominator=None,
        commentary="")])
    url = f"/admin/kpis/actual/{actual.pk}/history/{old.history_id}/"
    assert officer.get(url).status_code == 200  # it can be read
    assert officer.post(url, {"value": "50"}).status_code == 403
    assert Actual.objects.get(pk=actual.pk).value == 60
