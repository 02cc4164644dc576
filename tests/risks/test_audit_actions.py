"""Internal-audit recommendations and their agreed actions, end to end: the services (revisions with their
reasons, implemented_on, stale versions, references, limits), who may read and change them on every page, the
risk page and the register, the tasks, the audit-actions import and export, a locked quarter's record, and the
demo's CRR9 action overdue on the demo's day."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisation import interchange
from organisation import services as organisation_services
from organisation.models import AuditEvent, PendingImport, ReportingPeriod
from organisation.records import ConcurrentEdit, InvalidWrite
from risks import audit_actions
from risks.audit_resources import COLUMNS
from risks.models import AuditRecommendation, AuditRevision, RecordedRegister
from tests.risks.conftest import make_risk, review

TODAY = date(2019, 7, 29)
SOURCE = "Internal audit 2018/19: Placement commissioning and costs"


@pytest.fixture(autouse=True)
def demo_day(settings):
    settings.DEMO_TODAY = TODAY.isoformat()


@pytest.fixture
def crr9(corporate_risk):
    return corporate_risk


def add(user=None, *, risks=("CRR9",), source=SOURCE, recommendation="Check placement costs against the framework",
        **fields) -> AuditRecommendation:
    values = {"priority": "high", "agreed_action": "A panel approves placements above the rate",
              "owner": "Director of Children's Services", "due": date(2019, 3, 31)} | fields
    return audit_actions.recommendation_save(
        user=user, rec=AuditRecommendation(source=source, recommendation=recommendation, **values),
        risk_refs=list(risks))


def fresh(rec) -> AuditRecommendation:
    return AuditRecommendation.objects.get(pk=rec.pk)


# --- services ----------------------------------------------------------------------------------------------

def test_a_new_recommendation_is_saved_linked_and_audited(crr9, officer_user):
    rec = add(officer_user, risks=["crr9"])  # references match whatever their case
    assert rec.version == 1 and list(rec.risks.values_list("reference", flat=True)) == ["CRR9"]
    event = AuditEvent.objects.filter(object_type="Audit recommendation").latest("pk")
    assert event.action == AuditEvent.Action.CREATED and "CRR9" in event.detail and event.who == "Olu Officer"
    assert rec.history.count() == 1


def test_each_revision_of_the_due_date_is_kept_with_its_reason(crr9, officer_user, manager_a_user):
    rec = add(officer_user)
    rec.revised_due = date(2019, 6, 30)
    with pytest.raises(InvalidWrite) as refused:
        audit_actions.recommendation_save(user=officer_user, rec=rec)
    assert "reason" in refused.value.errors["revision_reason"]
    assert not AuditRevision.objects.exists() and fresh(rec).revised_due is None
    rec = fresh(rec)
    rec.revised_due, rec.revision_reason = date(2019, 6, 30), "Waiting for the commissioning strategy"
    audit_actions.recommendation_save(user=officer_user, rec=rec)
    rec = fresh(rec)
    rec.revised_due = date(2019, 9, 30)  # the same reason again is not this revision's reason
    with pytest.raises(InvalidWrite) as refused:
        audit_actions.recommendation_save(user=manager_a_user, rec=rec)
    assert "reason for this revision" in refused.value.errors["revision_reason"]
    rec = fresh(rec)
    rec.revised_due, rec.revision_reason = date(2019, 9, 30), "The panel meets from September"
    audit_actions.recommendation_save(user=manager_a_user, rec=rec)
    revisions = list(AuditRevision.objects.filter(recommendation=rec).order_by("pk"))
    assert [(r.previous_due, r.revised_due, r.reason, r.by_name) for r in revisions] == [
        (date(2019, 3, 31), date(2019, 6, 30), "Waiting for the commissioning strategy", "Olu Officer"),
        (date(2019, 6, 30), date(2019, 9, 30), "The panel meets from September", "Ann Able")]
    assert fresh(rec).version == 3


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"revised_due": None}, "revised_due", "instead of clearing it"),
    ({"revision_reason": "A new reason with no new date"}, "revision_reason", "change the revised due date too"),
])
def test_a_revision_must_be_a_new_date_with_its_own_reason(crr9, officer_user, change, field, words):
    rec = add(officer_user)
    rec.revised_due, rec.revision_reason = date(2019, 6, 30), "First revision"
    audit_actions.recommendation_save(user=officer_user, rec=rec)
    rec = fresh(rec)
    for name, value in change.items():
        setattr(rec, name, value)
    with pytest.raises(InvalidWrite) as refused:
        audit_actions.recommendation_save(user=officer_user, rec=rec)
    assert words in refused.value.errors[field]
    assert AuditRevision.objects.count() == 1 and fresh(rec).revised_due == date(2019, 6, 30)


def test_a_first_revision_to_the_date_agreed_is_no_revision(crr9, officer_user):
    with pytest.raises(InvalidWrite) as refused:
        add(officer_user, revised_due=date(2019, 3, 31), revision_reason="Why")
    assert "already agreed" in refused.value.errors["revised_due"]


def test_a_revised_date_needs_a_first_due_date(crr9, officer_user):
    with pytest.raises(InvalidWrite) as refused:
        add(officer_user, due=None, revised_due=date(2019, 6, 30), revision_reason="Why")
    assert "first agreed" in refused.value.errors["due"]


def test_implemented_sets_the_day_and_reopening_clears_it(crr9, officer_user):
    rec = add(officer_user)
    rec.status = "implemented"
    audit_actions.recommendation_save(user=officer_user, rec=rec)
    assert fresh(rec).implemented_on == TODAY
    rec = fresh(rec)
    rec.agreed_action = "Reworded, still implemented"
    audit_actions.recommendation_save(user=officer_user, rec=rec)
    assert fresh(rec).implemented_on == TODAY
    rec = fresh(rec)
    rec.status = "open"
    audit_actions.recommendation_save(user=officer_user, rec=rec)
    assert fresh(rec).implemented_on is None


def test_a_save_on_a_stale_version_is_refused(crr9, officer_user, manager_a_user):
    rec = add(officer_user)
    opened = fresh(rec)
    mine = fresh(rec)
    mine.agreed_action = "Mine first"
    audit_actions.recommendation_save(user=manager_a_user, rec=mine, expected_version=opened.version)
    opened.agreed_action = "Theirs, on the old version"
    with pytest.raises(ConcurrentEdit) as refused:
        audit_actions.recommendation_save(user=officer_user, rec=opened, expected_version=1)
    assert refused.value.conflicts[0].by == "Ann Able"
    assert fresh(rec).agreed_action == "Mine first"


def test_a_save_that_changes_nothing_writes_nothing(crr9, officer_user):
    rec = add(officer_user)
    events = AuditEvent.objects.count()
    audit_actions.recommendation_save(user=officer_user, rec=fresh(rec), risk_refs=["CRR9"])
    assert fresh(rec).version == 1 and AuditEvent.objects.count() == events


@pytest.mark.parametrize(("fields", "refs", "field", "words"), [
    ({}, ["CRR99"], "risks", 'no risk with the reference "CRR99"'),
    ({}, ["CRR9", "../x"], "risks", "is not a risk reference"),
    ({"source": "x" * 256}, ["CRR9"], "source", "the most allowed is 255"),
    ({"source": "Line one\nline two"}, ["CRR9"], "source", "more than one line"),
    ({"recommendation": "r" * 4001}, ["CRR9"], "recommendation", "the most allowed is 4,000"),
    ({"agreed_action": "a" * 4001}, ["CRR9"], "agreed_action", "the most allowed is 4,000"),
    ({"owner": "o" * 201}, ["CRR9"], "owner", "the most allowed is 200"),
    ({"recommendation": "nul \x00 byte"}, ["CRR9"], "recommendation", "cannot be stored"),
    ({"agreed_action": "\x00"}, ["CRR9"], "agreed_action", "cannot be stored"),
    ({"due": date(1999, 12, 31)}, ["CRR9"], "due", "outside the dates"),
    ({"due": date(9999, 12, 31)}, ["CRR9"], "due", "outside the dates"),
    ({"priority": "urgent"}, ["CRR9"], "priority", "high, medium or low"),
    ({"status": "overdue"}, ["CRR9"], "status", "write open"),
    ({"source": "  "}, ["CRR9"], "source", "enter the audit report"),
    ({}, ["CRR9"] + [f"R{n}" for n in range(60)], "risks", "at most 50"),
])
def test_bad_values_are_refused_and_nothing_is_saved(crr9, officer_user, fields, refs, field, words):
    with pytest.raises(InvalidWrite) as refused:
        add(officer_user, risks=refs, **fields)
    assert words in refused.value.errors[field]
    assert "\x00" not in str(refused.value)
    assert not AuditRecommendation.objects.exists() and not AuditEvent.objects.filter(
        object_type="Audit recommendation").exists()


def test_the_same_recommendation_twice_is_refused(crr9, officer_user):
    add(officer_user)
    with pytest.raises(InvalidWrite) as refused:
        add(officer_user, source=SOURCE.upper(), recommendation="check placement  costs against the framework")
    assert "already has this recommendation" in refused.value.errors["recommendation"]


# --- pages: who reads and who changes ----------------------------------------------------------------------

@pytest.fixture
def recs(crr9, other_service_risk, officer_user):
    """One recommendation on CRR9 (area A, overdue), one on SRR2 (area B, not yet due), one on none."""
    return {"crr9": add(officer_user), "srr2": add(officer_user, risks=["SRR2"], source="Internal audit 2019/20: Care",
                                                    due=date(2019, 12, 31), priority="low"),
            "none": add(officer_user, risks=[], source="Internal audit 2019/20: Governance", due=date(2019, 5, 1))}


@pytest.mark.parametrize(("persona", "status"), [
    ("officer", 200), ("executive", 200), ("audit", 200), ("manager_a", 200), ("manager_b", 200),
    ("outsider", 403), ("anonymous", 302)], indirect=["persona"])
def test_who_opens_the_list(persona, status, recs):
    assert persona.get("/risks/audit-actions/").status_code == status


@pytest.mark.parametrize("persona", ["officer", "executive", "audit"], indirect=True)
def test_the_readers_of_every_recommendation_see_them_all(persona, recs):
    body = persona.get("/risks/audit-actions/").content.decode()
    assert SOURCE in body and "Internal audit 2019/20: Care" in body and "Internal audit 2019/20: Governance" in body
    assert "Overdue" in body and "120" in body  # 31 March to 29 July 2019
    assert "3 recommendations" in body


def test_a_service_manager_sees_those_of_the_risks_of_their_areas(manager_a, manager_b, recs):
    mine = manager_a.get("/risks/audit-actions/").content.decode()
    assert SOURCE in mine and "Internal audit 2019/20: Care" not in mine and "Governance" not in mine
    theirs = manager_b.get("/risks/audit-actions/").content.decode()
    assert "Internal audit 2019/20: Care" in theirs and SOURCE not in theirs
    assert manager_b.get(f"/risks/audit-actions/{recs['crr9'].pk}/").status_code == 404
    assert manager_a.get(f"/risks/audit-actions/{recs['none'].pk}/").status_code == 404


@pytest.mark.parametrize(("query", "shown", "hidden"), [
    ("status=overdue", [SOURCE, "Governance"], ["2019/20: Care"]),
    ("status=open", ["2019/20: Care"], [SOURCE, "Governance"]),
    ("status=outstanding", [SOURCE, "2019/20: Care", "Governance"], []),
    ("status=implemented", [], [SOURCE, "2019/20: Care", "Governance"]),
    ("priority=low", ["2019/20: Care"], [SOURCE, "Governance"]),
])
def test_the_list_filters_by_status_and_priority(officer, recs, query, shown, hidden):
    body = officer.get(f"/risks/audit-actions/?{query}").content.decode()
    for text in shown:
        assert text in body
    for text in hidden:
        assert f">{text}" not in body and f"{text}<" not in body


@pytest.mark.parametrize(("persona", "status", "form"), [
    ("officer", 200, "Change this recommendation"), ("manager_a", 200, "Update the agreed action"),
    ("executive", 200, None), ("audit", 200, None), ("manager_b", 404, None), ("outsider", 403, None),
    ("anonymous", 302, None)], indirect=["persona"])
def test_who_opens_a_recommendation(persona, status, form, recs):
    response = persona.get(f"/risks/audit-actions/{recs['crr9'].pk}/")
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "Revisions of the due date" in body and "overdue by 120 days" in body
        assert (form in body) if form else ("<form method=\"post\" novalidate>" not in body)


@pytest.mark.parametrize(("persona", "status"), [
    ("executive", 403), ("audit", 403), ("manager_b", 404), ("outsider", 403), ("anonymous", 302)],
    indirect=["persona"])
def test_readers_cannot_change_a_recommendation(persona, status, recs):
    rec = recs["crr9"]
    response = persona.post(f"/risks/audit-actions/{rec.pk}/", {"version": rec.version, "status": "implemented",
                                                                "agreed_action": "x"})
    assert response.status_code == status
    assert fresh(rec).status == "open" and fresh(rec).version == 1


@pytest.mark.parametrize("persona", ["executive", "audit", "manager_a", "manager_b", "outsider"], indirect=True)
def test_only_the_performance_officer_adds_one(persona, crr9):
    assert persona.get("/risks/audit-actions/new/").status_code == 403
    assert persona.post("/risks/audit-actions/new/", {"source": "S", "recommendation": "R", "priority": "high",
                                                      "status": "open"}).status_code == 403
    assert not AuditRecommendation.objects.exists()


def test_the_officer_adds_one_through_the_form(officer, crr9):
    response = officer.post("/risks/audit-actions/new/", {
        "source": SOURCE, "recommendation": "Check costs", "priority": "high", "agreed_action": "A panel",
        "owner": "Director", "due": "31/03/2019", "revised_due": "30/06/2019", "revision_reason": "Strategy first",
        "status": "open", "risks": "crr9", "controls": "Placement panel", "reason": "Report of May 2019"})
    assert response.status_code == 302
    rec = AuditRecommendation.objects.get()
    assert rec.due == date(2019, 3, 31) and rec.revised_due == date(2019, 6, 30) and rec.controls == "Placement panel"
    assert list(rec.risks.values_list("reference", flat=True)) == ["CRR9"]
    assert AuditRevision.objects.get().reason == "Strategy first"
    page = officer.get(response.url).content.decode()
    assert "Strategy first" in page and "30 June 2019" in page and "Revised from 31 March 2019" in page


def test_a_manager_updates_the_action_status_and_revised_date_only(manager_a, manager_a_user, recs):
    rec = recs["crr9"]
    response = manager_a.post(f"/risks/audit-actions/{rec.pk}/", {
        "version": rec.version, "agreed_action": "Panel set up in June", "status": "open",
        "revised_due": "30/09/2019", "revision_reason": "The panel meets from September",
        "source": "Changed by a manager", "priority": "low", "risks": ""})  # fields not on a manager's form
    assert response.status_code == 302
    rec = fresh(rec)
    assert rec.agreed_action == "Panel set up in June" and rec.revised_due == date(2019, 9, 30)
    assert rec.source == SOURCE and rec.priority == "high" and rec.risks.count() == 1
    assert AuditRevision.objects.get(recommendation=rec).by_name == "Ann Able"
    response = manager_a.post(f"/risks/audit-actions/{rec.pk}/", {"version": rec.version, "status": "implemented",
                                                                 "agreed_action": rec.agreed_action,
                                                                 "revised_due": "30/09/2019"})
    assert response.status_code == 302
    assert fresh(rec).implemented_on == TODAY and fresh(rec).revision_reason == "The panel meets from September"


@pytest.mark.parametrize(("data", "message"), [
    ({"source": ""}, "Enter the audit report the recommendation comes from"),
    ({"recommendation": ""}, "Enter the recommendation"),
    ({"priority": "urgent"}, "Choose high, medium or low"),
    ({"status": "overdue"}, "Choose open, implemented or superseded"),
    ({"due": "31/02/2019"}, "Enter the due date as a date"),
    ({"due": "31/03/99999"}, "Enter the due date as a date"),
    ({"due": "01/01/1999"}, "outside the dates this system accepts"),
    ({"due": "01/01/2200"}, "outside the dates this system accepts"),
    ({"revised_due": "30/06/2019"}, "Give the reason the due date was revised"),
    ({"risks": "CRR9; NOPE1"}, "There is no risk with the reference &quot;NOPE1&quot;"),
    ({"risks": "CRR9/../x"}, "is not a risk reference"),
    ({"source": "s" * 300}, "The most allowed is 255"),
    ({"recommendation": "r" * 5000}, "the most allowed is 4,000"),
    ({"reason": "w" * 1001}, "at most 1,000 characters"),
])
def test_bad_input_on_the_form_is_refused_and_nothing_is_saved(officer, crr9, data, message):
    posted = {"source": SOURCE, "recommendation": "Check costs", "priority": "high", "due": "31/03/2019",
              "status": "open", "risks": "CRR9"} | data
    response = officer.post("/risks/audit-actions/new/", posted)
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and message.lower() in body.lower()
    assert not AuditRecommendation.objects.exists() and not AuditRevision.objects.exists()


def test_a_change_on_a_stale_form_is_refused_with_who_saved(officer, manager_a, recs):
    rec = recs["crr9"]
    manager_a.post(f"/risks/audit-actions/{rec.pk}/", {"version": 1, "agreed_action": "Hers", "status": "open"})
    response = officer.post(f"/risks/audit-actions/{rec.pk}/", {
        "version": 1, "source": SOURCE, "recommendation": rec.recommendation, "priority": "high",
        "agreed_action": "His", "status": "open", "due": "31/03/2019", "risks": "CRR9"})
    assert response.status_code == 409
    assert "Ann Able saved this recommendation after you opened it" in response.content.decode()
    assert fresh(rec).agreed_action == "Hers"
    unversioned = officer.post(f"/risks/audit-actions/{rec.pk}/", {
        "source": SOURCE, "recommendation": rec.recommendation, "priority": "high", "agreed_action": "His",
        "status": "open", "due": "31/03/2019", "risks": "CRR9"})
    assert unversioned.status_code == 409 and fresh(rec).agreed_action == "Hers"


def test_a_nul_in_the_form_is_refused_before_the_view(officer, recs):
    rec = recs["crr9"]
    response = officer.post(f"/risks/audit-actions/{rec.pk}/", {"version": 1, "agreed_action": "a\x00b",
                                                                "status": "open"})
    assert response.status_code == 400 and b"NUL" in response.content
    assert fresh(rec).version == 1


@pytest.mark.parametrize("persona", ["officer", "executive", "audit", "manager_a", "outsider"], indirect=True)
def test_hostile_addresses_and_filters_are_never_a_server_error(persona, recs):
    for path in ("/risks/audit-actions/99999999999999999999999999/", "/risks/audit-actions/-1/",
                 "/risks/audit-actions/abc/", "/risks/audit-actions/%C2%B2/", "/risks/audit-actions/0/"):
        assert persona.get(path).status_code in (403, 404), path
    for query in ({"status": "bogus"}, {"priority": "x" * 500}, {"period": "2019-20-Q9"}, {"period": "../"},
                  {"period": "2030-31-Q1"}, {"page": "99999999999999999999"}, {"page": "-1"}, {"status": "OVERDUE"}):
        assert persona.get("/risks/audit-actions/", query).status_code < 500, query
    response = persona.post(f"/risks/audit-actions/{recs['crr9'].pk}/", {"version": "9" * 40, "status": "open"})
    assert response.status_code < 500


def test_an_exempt_risks_title_is_shown_only_to_readers_of_part_b(directorate, area_a, open_quarter,
                                                                   locked_quarter, officer_user, officer, manager_a,
                                                                   audit):
    risk = make_risk("CRR50", directorate, area_a, exempt=True, title="Secret commercial matter")
    review(risk, "2018/19 Q4")
    rec = add(officer_user, risks=["CRR50"])
    for client, sees in ((manager_a, False), (officer, True), (audit, True)):
        for path in ("/risks/audit-actions/", f"/risks/audit-actions/{rec.pk}/"):
            body = client.get(path).content.decode()
            assert "CRR50" in body
            assert ("Secret commercial matter" in body) is sees, path


# --- the risk page, the register, the tasks -----------------------------------------------------------------

def test_the_risk_page_lists_its_recommendations_with_their_state(executive, recs):
    body = executive.get("/risks/CRR9/").content.decode()
    assert "Internal audit recommendations" in body and SOURCE in body and "Overdue by 120 days" in body


def test_the_register_marks_a_risk_with_an_overdue_agreed_action(executive, recs):
    body = executive.get("/risks/?period=2019-20-Q1").content.decode()
    assert body.count("Audit action overdue") == 1  # CRR9's; SRR2's is not yet due
    recs["crr9"].status = "implemented"
    audit_actions.recommendation_save(user=None, rec=recs["crr9"])
    assert "Audit action overdue" not in executive.get("/risks/?period=2019-20-Q1").content.decode()


def _count(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_the_pages_read_in_a_fixed_number_of_queries(executive, directorate, area_a, crr9, officer_user):
    add(officer_user)
    small = {path: _count(executive, path) for path in ("/risks/audit-actions/", "/risks/?period=2019-20-Q1",
                                                        "/risks/CRR9/")}
    for n in range(12):
        risk = make_risk(f"CRR{100 + n}", directorate, area_a)
        review(risk, "2018/19 Q4")
        add(officer_user, risks=["CRR9", risk.reference], source=f"Audit {n}", priority=["high", "low"][n % 2])
    for path, count in small.items():
        assert _count(executive, path) <= count, path


def test_an_overdue_action_is_a_task_for_its_first_risks_area(recs, manager_a_user, manager_b_user, officer_user):
    from organisation import tasks as task_lists

    found = [t for t in task_lists.all_tasks(TODAY) if t.kind == "audit-action"]
    by_title = {t.title: t for t in found}
    crr9 = by_title[f"Agreed action overdue: {SOURCE} (CRR9), due 31 March 2019"]
    assert crr9.people == (manager_a_user.pk,) and crr9.url == f"/risks/audit-actions/{recs['crr9'].pk}/"
    assert by_title["Agreed action overdue: Internal audit 2019/20: Governance, due 1 May 2019"].people == (
        officer_user.pk,)
    assert len(found) == 2  # SRR2's is not yet due
    mine = [s.task.title for s in task_lists.for_user(manager_a_user, TODAY)]
    assert crr9.title in mine


# --- a locked quarter's record ------------------------------------------------------------------------------

def test_a_locked_quarter_keeps_the_recommendations_as_they_stood_at_its_lock(officer, officer_user, recs):
    quarter = ReportingPeriod.for_label("2019/20 Q1")
    organisation_services.period_lock(user=officer_user, period=quarter, sign_off_submitted=True)
    quarter.refresh_from_db()
    recorded = RecordedRegister.objects.get(quarter=quarter).audit_actions
    assert {e["source"]: e["state"] for e in recorded}[SOURCE] == "overdue"
    pack = audit_actions.overdue_for_pack(quarter)
    assert [(p.source, p.days_overdue, p.risks, p.priority) for p in pack] == [
        (SOURCE, 120, ("CRR9",), "High"), ("Internal audit 2019/20: Governance", 89, (), "High")]
    # Later: implemented, revised, relinked, retitled.
    rec = fresh(recs["crr9"])
    rec.status, rec.agreed_action = "implemented", "Done after the lock"
    audit_actions.recommendation_save(user=officer_user, rec=rec, risk_refs=[])
    body = officer.get("/risks/audit-actions/?period=2019-20-Q1").content.decode()
    assert "as at the lock of 2019/20 Q1" in body and "Done after the lock" not in body and "Overdue" in body
    assert RecordedRegister.objects.get(quarter=quarter).audit_actions == recorded
    assert audit_actions.overdue_for_pack(quarter) == pack
    assert "Audit action overdue" in officer.get("/risks/?period=2019-20-Q1").content.decode()
    now = officer.get("/risks/audit-actions/").content.decode()
    assert "Done after the lock" in now
    # A reopen and a re-lock keep what the first lock recorded.
    organisation_services.period_reopen(user=officer_user, period=quarter, reason="A correction")
    organisation_services.period_lock(user=officer_user, period=quarter, sign_off_submitted=True)
    quarter.refresh_from_db()
    assert RecordedRegister.objects.get(quarter=quarter).audit_actions == recorded
    exported = interchange.export_dataset("audit-actions", period="2019/20 Q1")
    assert "overdue" in exported["status"] and "Done after the lock" not in exported["agreed_action"]


def test_the_pack_reads_an_open_quarter_as_it_stands(recs, open_quarter):
    rows = audit_actions.overdue_for_pack(open_quarter)
    assert [r.source for r in rows] == [SOURCE, "Internal audit 2019/20: Governance"]
    assert rows[0].due == "31 March 2019" and rows[0].due_date == date(2019, 3, 31) and not rows[0].exempt


# --- import and export ---------------------------------------------------------------------------------------

HEADER = ",".join(COLUMNS)


def _import(text: str, *, dry_run: bool = False, user=None):
    return interchange.import_file("audit-actions", "a.csv", text.encode(), dry_run=dry_run, user=user)


def test_the_export_has_the_columns_of_formats_md_and_overdue_derived(recs):
    exported = interchange.export_dataset("audit-actions")
    assert tuple(exported.headers) == ("source", "recommendation", "priority", "agreed_action", "owner", "due",
                                       "revised_due", "revision_reason", "status", "risks")
    rows = {row[0]: row for row in exported}
    assert rows[SOURCE][8] == "overdue" and rows[SOURCE][9] == "CRR9" and rows[SOURCE][5] == "2019-03-31"
    assert rows["Internal audit 2019/20: Care"][8] == "open"


def test_an_import_adds_and_reimporting_the_same_file_changes_nothing(crr9, other_service_risk, officer_user):
    text = (f"{HEADER}\n{SOURCE},Check costs,high,A panel,Director,2019-03-31,2019-06-30,Strategy first,open,"
            "CRR9; srr2\nInternal audit 2019/20: Care,Screen referrals,medium,,,2019-12-31,,,implemented,\n")
    report = _import(text, user=officer_user)
    assert report.ok and (report.new, report.updated) == (2, 0), report.errors
    rec = AuditRecommendation.objects.get(source=SOURCE)
    assert sorted(rec.risks.values_list("reference", flat=True)) == ["CRR9", "SRR2"]
    assert AuditRevision.objects.get().reason == "Strategy first"
    assert AuditRecommendation.objects.get(source__endswith="Care").implemented_on == TODAY
    versions = dict(AuditRecommendation.objects.values_list("pk", "version"))
    events = AuditEvent.objects.count()
    again = _import(text, user=officer_user)
    assert again.ok and (again.new, again.updated, again.unchanged) == (0, 0, 2)
    assert dict(AuditRecommendation.objects.values_list("pk", "version")) == versions
    assert AuditEvent.objects.count() == events and AuditRevision.objects.count() == 1
    # An export of it imports back unchanged, once its overdue rows say open.
    exported = interchange.write(interchange.export_dataset("audit-actions"), "csv").decode()
    back = _import(exported.replace(",overdue,", ",open,"))
    assert back.ok and back.unchanged == 2, back.errors


def test_columns_left_out_keep_their_values(crr9, officer_user):
    rec = add(officer_user)
    report = _import(f"source,recommendation,status\n{SOURCE},{rec.recommendation},implemented\n")
    assert report.ok and report.updated == 1, report.errors
    rec = fresh(rec)
    assert rec.status == "implemented" and rec.owner == "Director of Children's Services"
    assert rec.due == date(2019, 3, 31) and rec.priority == "high" and rec.risks.count() == 1
    assert report.rows[0].changes == [("status", "open", "implemented")]


def test_a_changed_link_shows_in_the_preview(crr9, other_service_risk, officer_user):
    rec = add(officer_user)
    report = _import(f"source,recommendation,risks\n{SOURCE},{rec.recommendation},CRR9;SRR2\n", dry_run=True)
    assert report.ok and report.updated == 1 and ("risks", "CRR9", "CRR9, SRR2") in report.rows[0].changes
    assert fresh(rec).risks.count() == 1  # a dry run saves nothing


@pytest.mark.parametrize(("row", "message"), [
    ("S,R,urgent,,,,,,open,", 'row 2, column "priority": "urgent" is not a priority'),
    ("S,R,high,,,,,,overdue,", 'row 2, column "status": "overdue" is worked out from the due dates, never set: '
                               "write open"),
    ("S,R,high,,,31/03/2019,,,open,", 'row 2, column "due": "31/03/2019" is not a date'),
    ("S,R,high,,,2019-02-30,,,open,", 'row 2, column "due": "2019-02-30" is not a date'),
    ("S,R,high,,,1999-03-31,,,open,", 'row 2, column "due": the due date (31/03/1999) is outside the dates'),
    ("S,R,high,,,2019-03-31,2019-06-30,,open,", 'row 2, column "revision_reason": give the reason'),
    ("S,R,high,,,2019-03-31,,,open,CRR9;NOPE", 'row 2, column "risks": there is no risk with the reference "NOPE"'),
    (",R,high,,,,,,open,", 'row 2, column "source": enter the audit report'),
    ("S,,high,,,,,,open,", 'row 2, column "recommendation": enter the recommendation'),
    ("S," + "r" * 4001 + ",high,,,,,,open,", 'row 2, column "recommendation": the recommendation is 4,001'),
    ("S,R,high,,,,,,,", 'row 2, column "status": enter the status'),
])
def test_import_errors_name_the_row_and_column_and_nothing_is_saved(crr9, row, message):
    report = _import(f"{HEADER}\n{row}\nGood,Fine,low,,,2019-12-31,,,open,CRR9\n")
    assert not report.ok
    assert any(e.startswith(message) for e in report.errors), report.errors
    assert not AuditRecommendation.objects.exists()


def test_the_same_key_twice_in_a_file_is_refused(crr9):
    report = _import(f"source,recommendation\n{SOURCE},Check costs\n{SOURCE.lower()},check  COSTS\n")
    assert not report.ok and "row 3" in report.errors[0] and "row 2" in report.errors[0]


def test_the_import_page_and_the_command_know_the_kind(officer, crr9, tmp_path):
    page = officer.get("/imports/").content.decode()
    assert "Import internal-audit recommendations" in page and "/imports/audit-actions/" in page
    assert officer.get("/imports/audit-actions/template.csv").content.decode().lstrip("\ufeff").startswith(HEADER)
    path = tmp_path / "a.csv"
    path.write_text(f"{HEADER}\n{SOURCE},Check costs,high,,,2019-03-31,,,open,CRR9\n")
    out = io.StringIO()
    call_command("import_data", "audit-actions", str(path), "--dry-run", stdout=out)
    assert "1 new" in out.getvalue() and not AuditRecommendation.objects.exists()
    response = officer.post("/imports/audit-actions/", {"file": SimpleUploadedFile("a.csv", path.read_bytes())})
    assert response.status_code == 200 and "cannot be imported" not in response.content.decode()
    officer.post(f"/imports/audit-actions/{PendingImport.objects.get().pk}/confirm/")
    assert AuditRecommendation.objects.get().source == SOURCE
    out = io.StringIO()
    call_command("export_data", "audit-actions", stdout=out)
    assert out.getvalue().startswith(HEADER) and ",overdue,CRR9" in out.getvalue()


# --- the demo ------------------------------------------------------------------------------------------------

def test_the_demo_has_crr9s_agreed_action_overdue_on_its_day(db, settings, audit):
    settings.DEBUG = True
    settings.DEMO_TODAY = ""
    call_command("load_demo_data", stdout=io.StringIO())
    rec = AuditRecommendation.objects.get(risks__reference="CRR9")
    assert rec.priority == "high" and rec.due == date(2019, 3, 31) and rec.revised_due == date(2019, 6, 30)
    assert rec.revisions.count() == 1 and rec.revision_reason
    assert {r.status for r in AuditRecommendation.objects.all()} == {"open", "implemented"}
    states = {r.risks.get().reference: r.pk for r in AuditRecommendation.objects.all()}
    assert set(states) == {"CRR9", "CRR10", "CRR23"}
    body = audit.get("/risks/CRR9/").content.decode()
    assert "Overdue by 29 days" in body
    listed = audit.get("/risks/audit-actions/?status=overdue").content.decode()
    assert "Placement commissioning and costs" in listed and "Better Lives" not in listed
