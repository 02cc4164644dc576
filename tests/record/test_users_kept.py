"""Users are never deleted once they have acted (issue 18): the admin refuses, says why and offers
deactivation; a deactivated account keeps its name on the locked quarter's reviews and history."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from organisation import roles
from organisation import services as organisation_services
from organisation.models import AuditEvent
from risks import services as risk_services
from risks.models import RiskReview
from tests.conftest import client_for, make_user
from tests.risks.conftest import make_risk, review

User = get_user_model()


@pytest.fixture
def superuser(db):
    return client_for(User.objects.create_superuser("root", "root@example.org", "pw-for-tests-only"))


@pytest.fixture
def reviewer(directorate, area_a, open_quarter):
    person = make_user("rev", roles.SERVICE_MANAGER, areas=[area_a], first_name="Rita", last_name="Reviewer")
    review(make_risk("CRR9", directorate, area_a), "2019/20 Q1", reviewed_by=person, reviewed_by_name="Rita Reviewer")
    risk = make_risk("CRR10", directorate, area_a)
    risk.title = "Retitled"
    risk_services.risk_save(user=person, risk=risk)
    officer = make_user("lock-officer", roles.PERFORMANCE_OFFICER)
    organisation_services.period_lock(user=officer, period=open_quarter, sign_off_submitted=True)
    return person


def test_deleting_a_user_who_has_acted_is_refused_with_the_reason(superuser, reviewer):
    page = superuser.get(f"/admin/auth/user/{reviewer.pk}/delete/").content.decode()
    assert "is named on" in page and "Deactivate it instead" in page
    response = superuser.post(f"/admin/auth/user/{reviewer.pk}/delete/", {"post": "yes"})
    assert User.objects.filter(pk=reviewer.pk).exists()
    assert response.status_code in (200, 403)
    bulk = superuser.post("/admin/auth/user/", {"action": "delete_selected", "_selected_action": [reviewer.pk],
                                                "post": "yes"})
    assert User.objects.filter(pk=reviewer.pk).exists() and bulk.status_code in (200, 403)


def test_deactivating_keeps_the_name_on_the_locked_record(superuser, reviewer):
    response = superuser.post("/admin/auth/user/", {"action": "deactivate", "_selected_action": [reviewer.pk]},
                              follow=True)
    assert "1 account deactivated." in response.content.decode()
    reviewer.refresh_from_db()
    assert not reviewer.is_active
    assert RiskReview.objects.get(risk__reference="CRR9").reviewed_by_id == reviewer.pk
    assert AuditEvent.objects.filter(detail__contains="account deactivated", object_label="rev").exists()
    page = superuser.get("/risks/CRR9/").content.decode()
    assert "Rita Reviewer" in page


def test_a_user_who_never_acted_can_still_be_deleted(superuser, db):
    fresh = make_user("fresh", roles.EXECUTIVE)
    assert organisation_services.user_records(fresh) == 0
    superuser.post(f"/admin/auth/user/{fresh.pk}/delete/", {"post": "yes"})
    assert not User.objects.filter(pk=fresh.pk).exists()
    assert AuditEvent.objects.filter(object_label="fresh", detail__startswith="account deleted").exists()


def test_an_officer_cannot_deactivate_a_superuser(officer, db):
    root = User.objects.create_superuser("root2", "r@example.org", "pw-for-tests-only")
    officer.post("/admin/auth/user/", {"action": "deactivate", "_selected_action": [root.pk]})
    root.refresh_from_db()
    assert root.is_active
