"""The audit trail page, its downloads and the `audit-trail` export kind."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.db import connection

from organisation import audit
from organisation.models import AuditEvent, ReportingPeriod
from organisation.services import period_lock, period_reopen

COLUMNS = ["when", "who", "action", "object", "period", "detail", "reason"]


@pytest.fixture
def trail(officer_user, open_quarter, locked_quarter):
    period_lock(user=officer_user, period=open_quarter, reason="Q1 reported")
    period_reopen(user=officer_user, period=locked_quarter, reason="Correcting DPE007")
    return AuditEvent.objects.all()


@pytest.mark.parametrize("persona", ["officer", "audit"], indirect=True)
def test_officers_and_the_audit_committee_read_the_trail_with_who_what_and_why(persona, trail):
    page = persona.get("/audit/").content.decode()
    assert "Quarter locked" in page and "Quarter reopened" in page
    assert "Correcting DPE007" in page and "Olu Officer" in page and "2 entries, newest first" in page


@pytest.mark.parametrize("persona", ["manager_a", "executive", "outsider"], indirect=True)
def test_others_may_not_read_the_trail(persona, trail):
    assert persona.get("/audit/").status_code == 403
    assert persona.get("/audit/export.csv").status_code == 403


def test_the_trail_filters_by_action_quarter_and_text(officer, trail, open_quarter):
    page = officer.get(f"/audit/?action=reopened&period={open_quarter.pk}").content.decode()
    assert "0 entries" in page
    page = officer.get("/audit/?action=reopened").content.decode()
    assert "1 entry" in page and "Correcting DPE007" in page
    assert "1 entry" in officer.get("/audit/?q=reported").content.decode()


@pytest.mark.parametrize("query", ["period=abc", "since=not-a-date", "action=nonsense", "page=-3", "until=2019-13-40"])
def test_bad_filters_are_explained_not_a_server_error(officer, trail, query):
    response = officer.get(f"/audit/?{query}")
    assert response.status_code == 200
    if not query.startswith("page"):
        assert "There is a problem" in response.content.decode()


def test_the_download_follows_the_filters_in_the_export_columns(officer, trail):
    content = officer.get("/audit/export.csv?action=reopened").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == COLUMNS
    assert len(rows) == 2 and rows[1][2] == "Quarter reopened" and rows[1][6] == "Correcting DPE007"


def test_export_data_writes_the_audit_trail_kind(trail):
    out = io.StringIO()
    call_command("export_data", "audit-trail", "--period", "2019/20 Q1", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == COLUMNS and [r[2] for r in rows[1:]] == ["Quarter locked"]
    assert rows[1][3] == "Quarter: 2019/20 Q1" and rows[1][6] == "Q1 reported"


def test_the_trail_page_query_count_does_not_grow(officer, officer_user, trail, django_assert_max_num_queries):
    with django_assert_max_num_queries(12) as small:
        officer.get("/audit/")
    quarter = ReportingPeriod.objects.quarters().first()
    for n in range(60):
        audit.record(user=officer_user, action=audit.Action.CHANGED, object_type="Risk", object_label=f"R{n}",
                     period=quarter)
    with django_assert_max_num_queries(len(small)):
        officer.get("/audit/")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger is PostgreSQL's")
def test_the_database_refuses_to_change_or_delete_an_entry(trail):
    from django.db import DatabaseError, transaction

    event = trail.first()
    with pytest.raises(DatabaseError, match="read-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError, match="read-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).reason in ("Q1 reported", "Correcting DPE007")


def test_the_admin_shows_the_trail_read_only(officer, trail):
    event = trail.first()
    assert officer.get("/admin/organisation/auditevent/").status_code == 200
    response = officer.post(f"/admin/organisation/auditevent/{event.pk}/change/", {"reason": "rewritten"})
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).reason != "rewritten"
