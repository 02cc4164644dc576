"""Shared personas and builders.

Personas: a service manager of each of two service areas, a performance
officer, an executive, an audit committee member, an outsider (signed in, no
role) and anonymous. Each persona fixture returns a Django test Client already
signed in; the matching ``*_user`` fixture returns the user.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from organisation import roles
from organisation.models import Directorate, ReportingPeriod, ServiceArea


@pytest.fixture
def directorate(db) -> Directorate:
    return Directorate.objects.create(name="People")


@pytest.fixture
def area_a(directorate) -> ServiceArea:
    return ServiceArea.objects.create(directorate=directorate, name="Children & Families Services")


@pytest.fixture
def area_b(directorate) -> ServiceArea:
    return ServiceArea.objects.create(directorate=directorate, name="Adult Social Care")


@pytest.fixture
def open_quarter(db) -> ReportingPeriod:
    return ReportingPeriod.for_label("2019/20 Q1")


@pytest.fixture
def locked_quarter(db) -> ReportingPeriod:
    period = ReportingPeriod.for_label("2018/19 Q4")
    period.state = ReportingPeriod.State.LOCKED
    period.save()
    return period


@contextmanager
def opened(period: ReportingPeriod):
    """Test set-up: load data into a locked quarter as it was before the lock, then lock it again."""
    from organisation.services import lift_quarter_lock

    lift_quarter_lock()  # the test's transaction, as the reopen service's would
    period.state = ReportingPeriod.State.OPEN
    period.save()
    try:
        yield period
    finally:
        period.state = ReportingPeriod.State.LOCKED
        period.save()


def make_user(username: str, role: str | None = None, areas=(), **extra):
    user = get_user_model().objects.create_user(username=username, password="pw-for-tests-only", **extra)
    if role:
        user.groups.add(Group.objects.get(name=role))
    if areas:
        user.managed_service_areas.set(areas)
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager_a_user(area_a):
    return make_user("manager.a", roles.SERVICE_MANAGER, [area_a], first_name="Ann", last_name="Able")


@pytest.fixture
def manager_b_user(area_b):
    return make_user("manager.b", roles.SERVICE_MANAGER, [area_b], first_name="Bob", last_name="Baker")


@pytest.fixture
def officer_user(db):
    return make_user("officer", roles.PERFORMANCE_OFFICER, first_name="Olu", last_name="Officer")


@pytest.fixture
def executive_user(db):
    return make_user("exec", roles.EXECUTIVE, first_name="Eve", last_name="Exec")


@pytest.fixture
def audit_user(db):
    return make_user("audit", roles.AUDIT_COMMITTEE, first_name="Aud", last_name="Itor")


@pytest.fixture
def outsider_user(db):
    return make_user("outsider")


@pytest.fixture
def manager_a(manager_a_user) -> Client:
    return client_for(manager_a_user)


@pytest.fixture
def manager_b(manager_b_user) -> Client:
    return client_for(manager_b_user)


@pytest.fixture
def officer(officer_user) -> Client:
    return client_for(officer_user)


@pytest.fixture
def executive(executive_user) -> Client:
    return client_for(executive_user)


@pytest.fixture
def audit(audit_user) -> Client:
    return client_for(audit_user)


@pytest.fixture
def outsider(outsider_user) -> Client:
    return client_for(outsider_user)


@pytest.fixture
def anonymous(db) -> Client:
    return Client()


PERSONAS = ("manager_a", "manager_b", "officer", "executive", "audit", "outsider", "anonymous")


@pytest.fixture
def persona(request):
    """Use with ``@pytest.mark.parametrize("persona", [...], indirect=True)``."""
    return request.getfixturevalue(request.param)


@pytest.fixture(autouse=True)
def _fresh_summary_cache():
    """Each test starts with empty summary and download caches (their keys can repeat across rolled-back
    tests)."""
    from django.core.cache import caches

    caches["summaries"].clear()
    caches["downloads"].clear()
    yield
