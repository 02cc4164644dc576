"""Every rule in organisation/access.py, for every persona."""

import pytest

from organisation import access, roles
from organisation.models import ReportingPeriod
from tests.conftest import make_user

ALL = ("manager_a", "manager_b", "officer", "executive", "audit", "outsider", "admin", "anonymous")


@pytest.fixture
def people(manager_a_user, manager_b_user, officer_user, executive_user, audit_user, outsider_user, db):
    from django.contrib.auth.models import AnonymousUser

    admin = make_user("root", is_superuser=True, is_staff=True)
    return {
        "manager_a": manager_a_user, "manager_b": manager_b_user, "officer": officer_user,
        "executive": executive_user, "audit": audit_user, "outsider": outsider_user,
        "admin": admin, "anonymous": AnonymousUser(),
    }


def allowed(people, rule, *args):
    return {name for name in ALL if rule(people[name], *args)}


def test_primary_roles(people):
    assert {n: access.primary_role(people[n]) for n in ALL} == {
        "manager_a": roles.SERVICE_MANAGER, "manager_b": roles.SERVICE_MANAGER,
        "officer": roles.PERFORMANCE_OFFICER, "executive": roles.EXECUTIVE, "audit": roles.AUDIT_COMMITTEE,
        "outsider": None, "admin": roles.PERFORMANCE_OFFICER, "anonymous": None,
    }


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (access.can_manage_periods, {"officer", "admin"}),
        (access.can_import, {"officer", "admin"}),
        (access.can_view_history, {"officer", "admin", "audit", "executive"}),
        (access.can_view_performance, {"officer", "admin", "executive", "audit", "manager_a", "manager_b"}),
        (access.can_manage_indicators, {"officer", "admin"}),
        (access.can_sign_off, {"officer", "admin"}),
        (access.can_view_risks, {"officer", "admin", "executive", "audit", "manager_a", "manager_b"}),
        (access.can_manage_risks, {"officer", "admin"}),
        (access.can_export_register, {"officer", "admin", "executive", "audit"}),
        (access.can_view_exempt, {"officer", "admin", "executive", "audit"}),
        (access.can_view_placements, {"officer", "admin", "executive", "manager_a", "manager_b", "audit"}),
    ],
)
def test_role_wide_rules(people, rule, expected):
    assert allowed(people, rule) == expected


def test_figures_are_entered_only_by_the_area_manager_or_an_officer_in_an_open_quarter(
    people, area_a, open_quarter, locked_quarter
):
    assert allowed(people, access.can_view_entry, area_a.id) == {"manager_a", "officer", "admin"}
    assert allowed(people, access.can_enter_figures, area_a.id, open_quarter) == {"manager_a", "officer", "admin"}
    assert allowed(people, access.can_enter_figures, area_a.id, locked_quarter) == set()
    assert allowed(people, access.can_enter_figures, area_a.id, None) == set()


def test_figures_cannot_be_entered_against_a_whole_year(people, area_a):
    year = ReportingPeriod.for_label("2019/20")
    assert allowed(people, access.can_enter_figures, area_a.id, year) == set()


def test_a_manager_of_one_area_cannot_touch_another(people, area_b, open_quarter):
    assert not access.can_enter_figures(people["manager_a"], area_b.id, open_quarter)
    assert access.can_enter_figures(people["manager_b"], area_b.id, open_quarter)
    assert not access.can_review_risk(people["manager_a"], area_b.id, open_quarter)
    assert not access.can_enter_placements(people["manager_a"], area_b.id, open_quarter)


def test_no_service_area_means_only_officers(people, open_quarter):
    assert allowed(people, access.can_enter_figures, None, open_quarter) == {"officer", "admin"}


@pytest.mark.parametrize(
    ("register", "expected"),
    [
        ("corporate", {"officer", "admin", "executive", "audit", "manager_a"}),
        ("directorate", {"officer", "admin", "executive", "audit", "manager_a"}),
        ("service", {"officer", "admin", "executive", "manager_a"}),
    ],
)
def test_who_sees_a_risk_of_area_a(people, area_a, register, expected):
    assert allowed(people, access.can_view_risk, register, area_a.id) == expected


def test_audit_committee_reads_only_escalated_registers(people):
    assert access.visible_registers(people["audit"]) == ("corporate", "directorate")
    assert access.visible_registers(people["executive"]) == ("corporate", "directorate", "service")
    assert access.visible_registers(people["manager_a"]) == ()
    assert access.visible_registers(people["anonymous"]) == ()


def test_risk_reviews_follow_the_period_and_the_area(people, area_a, open_quarter, locked_quarter):
    assert allowed(people, access.can_view_review_form, area_a.id) == {"manager_a", "officer", "admin"}
    assert allowed(people, access.can_review_risk, area_a.id, open_quarter) == {"manager_a", "officer", "admin"}
    assert allowed(people, access.can_review_risk, area_a.id, locked_quarter) == set()


def test_placements_are_entered_by_the_owning_service(people, area_a, open_quarter, locked_quarter):
    assert allowed(people, access.can_view_placement_entry, area_a.id) == {"manager_a", "officer", "admin"}
    assert allowed(people, access.can_enter_placements, area_a.id, open_quarter) == {"manager_a", "officer", "admin"}
    assert allowed(people, access.can_enter_placements, area_a.id, locked_quarter) == set()


def test_roles_are_read_once_per_user_object(people, django_assert_num_queries):
    user = people["manager_a"]
    access.role_names(user)
    access.managed_service_area_ids(user)
    with django_assert_num_queries(0):
        access.is_service_manager(user)
        access.manages_service_area(user, 1)
