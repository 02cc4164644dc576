"""Tamper-evident below the app (issue 18): the audit trail is chained and `audit_verify` finds a changed,
removed, forged or cut-off entry; on PostgreSQL triggers refuse TRUNCATE, changes to rows of a locked quarter
and reopening a quarter anywhere but in the reopen service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from kpis.models import Actual
from organisation import audit, audit_chain, roles
from organisation import services as organisation_services
from organisation.models import AuditChainHead, AuditEvent, ReportingPeriod
from risks.models import RiskReview
from tests.conftest import make_user
from tests.kpis.conftest import make_indicator, set_actual
from tests.risks.conftest import make_risk, review

postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="the database's triggers are PostgreSQL's")


@pytest.fixture
def trail(db):
    officer = make_user("chain-officer", roles.PERFORMANCE_OFFICER)
    for n in range(5):
        audit.record(user=officer, action=AuditEvent.Action.CHANGED, object_type="Indicator",
                     object_label=f"DPE00{n}", detail=f"title: a -> b{n}")
    return officer


def _verify() -> list[str]:
    return audit_chain.verify().problems


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _around_the_triggers(statement: str, params=()) -> None:
    """What an attacker with the tables' owner's rights can do: set the triggers aside for one statement."""
    if connection.vendor == "postgresql":
        _sql("SET LOCAL session_replication_role = replica")
    _sql(statement, params)
    if connection.vendor == "postgresql":
        _sql("SET LOCAL session_replication_role = DEFAULT")


def test_a_whole_trail_verifies(trail, capsys):
    assert _verify() == []
    call_command("audit_verify")
    assert "The audit trail is whole: 5 entries" in capsys.readouterr().out
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == [1, 2, 3, 4, 5]
    assert AuditChainHead.objects.get().seq == 5


def test_a_changed_entry_is_found(trail):
    _around_the_triggers("UPDATE organisation_auditevent SET detail = 'nothing happened' WHERE seq = 3")
    assert _verify() == ["entry 3 (" + AuditEvent.objects.get(seq=3).when.strftime("%Y-%m-%d %H:%M")
                         + " chain-officer: Indicator DPE002) does not match its digest: it was changed or forged"]
    with pytest.raises(CommandError, match="The audit trail is broken"):
        call_command("audit_verify")


def test_a_removed_entry_leaves_a_gap(trail):
    _around_the_triggers("DELETE FROM organisation_auditevent WHERE seq = 2")
    problems = _verify()
    assert "entries 2 to 1 are missing" not in problems
    assert problems[0] == "entries 2 to 2 are missing (removed from the trail)"


def test_a_cut_off_tail_and_an_emptied_trail_are_found(trail):
    _around_the_triggers("DELETE FROM organisation_auditevent WHERE seq >= 4")
    assert _verify() == ["the trail ends at entry 3 but its head says 5: entries 4 to 5 were removed "
                         "(or the trail was emptied)"]
    _around_the_triggers("DELETE FROM organisation_auditevent")
    assert _verify() == ["the trail ends at entry 0 but its head says 5: entries 1 to 5 were removed "
                         "(or the trail was emptied)"]


def test_a_forged_back_dated_insert_is_found(trail):
    when = timezone.now() - timedelta(days=400)
    _sql("INSERT INTO organisation_auditevent (\"when\", who, action, object_type, object_label, detail, reason, "
         "about, digest) VALUES (%s, 'Someone', 'changed', 'Figure', 'DPE007', 'value: 1 -> 2', '', '', '')", [when])
    assert _verify()[0].endswith("is not in the chain: it was written around the app")
    # Given a place in the chain, it cannot be given a digest without the key.
    _around_the_triggers("UPDATE organisation_auditevent SET seq = 6, digest = repeat('a', 64) WHERE seq IS NULL")
    problems = _verify()
    assert any("entry 6" in p and "does not match its digest" in p for p in problems)
    assert any("runs to entry 6, past its head (5)" in p for p in problems)


def test_a_locked_quarter_without_its_lock_entry_is_found(trail, area_a, open_quarter):
    organisation_services.period_lock(user=trail, period=open_quarter, sign_off_submitted=True)
    assert _verify() == []
    _around_the_triggers("DELETE FROM organisation_auditevent WHERE action = 'locked'")
    problems = _verify()
    assert "2019/20 Q1 is locked but the trail has no entry of its lock" in problems


def test_an_emptied_trail_and_head_restart_only_on_an_empty_database(trail):
    _around_the_triggers("DELETE FROM organisation_auditchainhead")
    assert "the chain's head is missing" in _verify()
    with pytest.raises(RuntimeError, match="chain head is missing"):
        audit.record(user=None, action=AuditEvent.Action.CHANGED, object_type="X", object_label="Y")


def test_the_key_signs_the_chain(trail, settings):
    settings.AUDIT_CHAIN_KEY = "another key"
    assert len(_verify()) == 6  # every entry and the head: verified with the key that wrote them, or not at all


# --- the database's own guards (PostgreSQL) --------------------------------------------------------

@postgres
@pytest.mark.parametrize("table", ["organisation_auditevent", "organisation_auditchainhead", "kpis_actual",
                                   "risks_riskreview", "kpis_judgement", "packs_pack",
                                   "organisation_reportingperiod"])
def test_truncate_is_refused(trail, table):
    _sql("SET CONSTRAINTS ALL IMMEDIATE")  # the fixture's inserts checked now, as a committed trail's are
    _sql("SET LOCAL council.allow_truncate = 'off'")  # the test database's flushes lift it; the app never does
    with pytest.raises(DatabaseError, match="is never emptied"), transaction.atomic():
        _sql(f"TRUNCATE {table} CASCADE")


@postgres
def test_rows_of_a_locked_quarter_are_refused_by_the_database(trail, directorate, area_a, open_quarter):
    indicator = make_indicator(area_a, "DPE007")
    set_actual(indicator, "2019/20 Q1", 50)
    review(make_risk("CRR9", directorate, area_a), "2019/20 Q1")
    organisation_services.period_lock(user=trail, period=open_quarter, sign_off_submitted=True)
    for statement in ("UPDATE kpis_actual SET value = 99", "DELETE FROM kpis_actual",
                      "UPDATE risks_riskreview SET likelihood = 5", "DELETE FROM risks_riskreview",
                      "UPDATE kpis_judgement SET status = 'On target'", "DELETE FROM kpis_judgement",
                      "DELETE FROM kpis_recordedindicator", "UPDATE risks_judgement SET title = 'x'",
                      "DELETE FROM organisation_recordedorganisation"):
        with pytest.raises(DatabaseError, match="of a locked quarter is read-only"), transaction.atomic():
            _sql(statement)
    with pytest.raises(DatabaseError, match="only the reopen service reopens a quarter"), transaction.atomic():
        _sql("UPDATE organisation_reportingperiod SET state = 'open' WHERE state = 'locked'")
    with pytest.raises(DatabaseError, match="only the reopen service"), transaction.atomic():
        _sql("DELETE FROM organisation_reportingperiod WHERE state = 'locked'")
    assert Actual.objects.get().value == 50 and RiskReview.objects.get().likelihood == 2
    # The reopen service lifts it, for its own transaction, and the quarter's rows can then be corrected.
    organisation_services.period_reopen(user=trail, period=open_quarter, reason="A correction")
    _sql("UPDATE kpis_actual SET value = 51")
    assert Actual.objects.get().value == 51
    assert _verify() == []


@postgres
def test_a_row_cannot_be_moved_into_a_locked_quarter(trail, area_a, open_quarter, locked_quarter):
    indicator = make_indicator(area_a, "DPE007")
    set_actual(indicator, "2019/20 Q1", 50)
    with pytest.raises(DatabaseError, match="cannot be moved into a locked quarter"), transaction.atomic():
        _sql("UPDATE kpis_actual SET period_id = %s", [locked_quarter.pk])


def test_a_head_moved_back_to_hide_a_cut_off_tail_is_found(trail, capsys):
    third = AuditEvent.objects.get(seq=3)
    _around_the_triggers("DELETE FROM organisation_auditevent WHERE seq > 3")
    _sql("UPDATE organisation_auditchainhead SET seq = 3, digest = %s", [third.digest])
    problems = _verify()
    assert any("does not match its key: it was moved back" in p for p in problems), problems
    # Kept outside the database, the head an earlier run printed catches it even with a head re-signed.
    assert any("before entry 5, which it was known to reach" in p
               for p in audit_chain.verify(at_least=5).problems)


def test_audit_verify_prints_the_head_to_keep(trail, capsys):
    call_command("audit_verify")
    assert "Head: entry 5," in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("audit_verify", "--at-least", "6")


@postgres
def test_a_quarter_reopened_in_sql_around_the_app_is_found(trail, area_a, open_quarter):
    indicator = make_indicator(area_a, "DPE007")
    set_actual(indicator, "2019/20 Q1", 50)
    organisation_services.period_lock(user=trail, period=open_quarter, sign_off_submitted=True)
    assert _verify() == []
    # Any session can lift the reopen guard (a custom setting): the database's own log still tells.
    _sql("SELECT set_config('council.reopening', 'on', true)")
    _sql("UPDATE organisation_reportingperiod SET state = 'open' WHERE id = %s", [open_quarter.pk])
    _sql("UPDATE kpis_actual SET value = 999999")
    _sql("UPDATE organisation_reportingperiod SET state = 'locked' WHERE id = %s", [open_quarter.pk])
    problems = _verify()
    assert any("2019/20 Q1 was reopened at" in p and "around the app" in p for p in problems), problems
    assert any("2019/20 Q1 was locked at" in p for p in problems)
    with pytest.raises(DatabaseError, match="never changed or deleted"), transaction.atomic():
        _sql("DELETE FROM organisation_periodstatechange")


@postgres
def test_the_services_reopen_and_relock_leave_the_log_and_the_trail_in_step(trail, area_a, open_quarter):
    organisation_services.period_lock(user=trail, period=open_quarter, sign_off_submitted=True)
    organisation_services.period_reopen(user=trail, period=ReportingPeriod.objects.get(pk=open_quarter.pk),
                                        reason="A correction")
    organisation_services.period_lock(user=trail, period=ReportingPeriod.objects.get(pk=open_quarter.pk),
                                      sign_off_submitted=True)
    from organisation.models import PeriodStateChange

    assert [c.new_state for c in PeriodStateChange.objects.all()] == ["locked", "open", "locked"]
    assert _verify() == []
