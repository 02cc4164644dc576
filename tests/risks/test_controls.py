"""The controls services (risks/controls.py): every field checked with a message a person can act on, a
locked quarter refused, the earlier quarter's controls carried forward into a quarter at its first write and
at its lock, renames, duplicate names, removal, a stale form refused, a closed risk refused, the audit trail;
and the reads (controls.shown, controls.assurance_map)."""

from datetime import date, timedelta

import pytest

from organisation import clock
from organisation import services as organisation_services
from organisation.models import AuditEvent, ReportingPeriod
from organisation.records import ConcurrentEdit, InvalidWrite, PeriodLocked, RecordError
from risks import controls
from risks.controls import ControlInput, check_control, control_remove, control_save
from risks.models import ControlReview, Risk
from tests.conftest import opened
from tests.risks.conftest import make_risk, review

TODAY = date(2019, 7, 29)


def checked(**fields):
    given = frozenset(fields) | {"control"}
    return check_control(ControlInput(**({"control": "Audit of case files"} | fields), given=given), TODAY)


def refused(**fields) -> dict[str, str]:
    with pytest.raises(InvalidWrite) as caught:
        checked(**fields)
    return caught.value.errors


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"control": ""}, "control", "enter what the control is"),
    ({"control": "   \t "}, "control", "enter what the control is"),
    ({"control": "x" * 256}, "control", "the control is 256 characters long: the most allowed is 255"),
    ({"control": "Audit\x00 of files"}, "control", "the control holds a character that cannot be stored"),
    ({"owner": "o" * 201}, "owner", "the owner is 201 characters long: the most allowed is 200"),
    ({"owner": "Head of\nservice"}, "owner", "the owner is on more than one line"),
    ({"owner": "Head\x00"}, "owner", "the owner holds a character that cannot be stored"),
    ({"type": "reactive"}, "type", '"reactive" is not a type of control: use preventive, detective, corrective or '
                                   "directive"),
    ({"type": ""}, "type", '"" is not a type of control'),
    ({"type": "x" * 500}, "type", '"' + "x" * 40 + '" is not a type of control'),
    ({"line": 0}, "line", '"0" is not a line of defence: use 1, 2 or 3'),
    ({"line": 4}, "line", '"4" is not a line of defence: use 1, 2 or 3'),
    ({"line": -1}, "line", '"-1" is not a line of defence'),
    ({"line": "2.0"}, "line", '"2.0" is not a line of defence'),
    ({"line": "second"}, "line", '"second" is not a line of defence'),
    ({"line": "9" * 100}, "line", '"' + "9" * 40 + '" is not a line of defence'),
    ({"line": ""}, "line", '"" is not a line of defence'),
    ({"assurance": "Partial"}, "assurance", '"Partial" is not an assurance level: use Substantial, Reasonable, '
                                           "Limited, No or leave blank"),
    ({"assurance": "None"}, "assurance", '"None" is not an assurance level'),
    ({"assurance_source": "auditors"}, "assurance_source", '"auditors" is not who gave the assurance: use '
                                                          "self-assessment, second line or internal audit"),
    ({"last_tested": date(1999, 12, 31)}, "last_tested", "the last tested (31/12/1999) is outside the dates this "
                                                          "system accepts: 01/04/2000 to"),
    ({"last_tested": date(9999, 12, 31)}, "last_tested", "the last tested (31/12/9999) is outside the dates"),
    ({"last_tested": TODAY + timedelta(days=1)}, "last_tested", "the control cannot have been tested after today"),
    ({"next_test_due": date(9999, 12, 31)}, "next_test_due", "the next test due (31/12/9999) is outside the dates"),
    ({"last_tested": date(2019, 6, 1), "next_test_due": date(2019, 5, 31)}, "next_test_due",
     "the next test is due before the last one was made"),
])
def test_each_field_refuses_bad_values_in_words(fields, field, message):
    errors = refused(**fields)
    assert errors[field].startswith(message), errors
    assert set(errors) == {field}


def test_good_values_are_tidied():
    values = checked(control="  Audit   of\ncase files ", owner=" Chief auditor ", type=" Detective ", line="3",
                     assurance="limited", assurance_source="Internal Audit", last_tested=TODAY,
                     next_test_due=TODAY)
    assert values == {"control": "Audit of case files", "owner": "Chief auditor", "type": "detective", "line": 3,
                      "assurance": "Limited", "assurance_source": "internal audit", "last_tested": TODAY,
                      "next_test_due": TODAY}
    assert checked(assurance="", assurance_source="")["assurance"] == ""  # blank: not yet assessed


def test_every_bad_field_is_named_at_once():
    errors = refused(control="", type="x", line=9, assurance="Meh", assurance_source="me")
    assert set(errors) == {"control", "type", "line", "assurance", "assurance_source"}


def test_the_councils_own_labels_are_the_allowed_ones(settings):
    settings.RISK_ASSURANCE_LABELS = "Good;Fair;Poor"
    assert checked(assurance="fair")["assurance"] == "Fair"
    assert refused(assurance="Limited")["assurance"] == '"Limited" is not an assurance level: use Good, Fair, Poor or leave blank'
    settings.RISK_ASSURANCE_LABELS = "Only one"  # a bad setting: the defaults
    assert controls.labels() == ("Substantial", "Reasonable", "Limited", "No")


# --- the services --------------------------------------------------------------------------------------

@pytest.fixture
def crr9(directorate, area_a, open_quarter, locked_quarter):
    risk = make_risk("CRR9", directorate, area_a)
    review(risk, "2018/19 Q4")
    review(risk, "2019/20 Q1")
    return risk


def test_a_control_is_added_and_audited(crr9, open_quarter, officer_user):
    row = control_save(user=officer_user, risk=crr9, period=open_quarter, data=ControlInput(
        "Audit of case files", owner="Chief auditor", type="detective", line=3, assurance="Limited",
        assurance_source="internal audit", last_tested=date(2019, 5, 1)))
    assert (row.version, row.position, row.reviewed_by, row.reviewed_by_name) == (1, 0, officer_user, "Olu Officer")
    event = AuditEvent.objects.get(object_type="Control")
    assert event.object_label == "CRR9: Audit of case files" and event.period_id == open_quarter.pk
    assert "assurance: Limited" in event.detail and "line: 3" in event.detail
    second = control_save(user=officer_user, risk=crr9, period=open_quarter, data=ControlInput("Caseload review"))
    assert second.position == 1


def test_saving_the_same_values_again_changes_nothing(crr9, open_quarter, officer_user):
    data = ControlInput("Audit of case files", line=3, assurance="Limited")
    first = control_save(user=officer_user, risk=crr9, period=open_quarter, data=data)
    again = control_save(user=officer_user, risk=crr9, period=open_quarter, data=data, version=first.version)
    assert again.version == first.version == 1
    assert AuditEvent.objects.filter(object_type="Control").count() == 1


def test_a_locked_quarter_a_year_and_a_quarter_not_yet_started_are_refused(crr9, locked_quarter):
    with pytest.raises(PeriodLocked, match="2018/19 Q4 is locked; ask the performance team to reopen it"):
        control_save(user=None, risk=crr9, period=locked_quarter, data=ControlInput("Audit of case files"))
    with pytest.raises(RecordError, match="not a whole year"):
        control_save(user=None, risk=crr9, period=ReportingPeriod.for_label("2019/20"),
                     data=ControlInput("Audit of case files"))
    ahead = ReportingPeriod.for_label(f"{clock.today().year + 3}/{str(clock.today().year + 4)[2:]} Q1")
    with pytest.raises(RecordError, match="has not started"):
        control_save(user=None, risk=crr9, period=ahead, data=ControlInput("Audit of case files"))
    with pytest.raises(PeriodLocked):
        control_remove(user=None, risk=crr9, period=locked_quarter, control="Audit of case files")
    assert not ControlReview.objects.exists()


def test_a_closed_risk_is_refused(crr9, open_quarter):
    control_save(user=None, risk=crr9, period=open_quarter, data=ControlInput("Audit of case files"))
    Risk.objects.filter(pk=crr9.pk).update(status=Risk.Status.CLOSED)
    with pytest.raises(RecordError, match="CRR9 is closed: reopen it before reviewing its controls"):
        control_save(user=None, risk=crr9, period=open_quarter, data=ControlInput("Audit of case files", line=2))
    with pytest.raises(RecordError, match="CRR9 is closed"):
        control_remove(user=None, risk=crr9, period=open_quarter, control="Audit of case files")
    assert ControlReview.objects.get().line == 1


def test_the_earlier_quarters_controls_are_carried_forward_at_the_first_write(crr9, open_quarter, locked_quarter,
                                                                              officer_user):
    with opened(locked_quarter):
        for name, line in (("Hub", 1), ("Audit of case files", 3), ("Board", 2)):
            control_save(user=officer_user, risk=crr9, period=locked_quarter,
                         data=ControlInput(name, line=line, assurance="Reasonable"))
    # Not yet reviewed in 2019/20 Q1: the quarter shows 2018/19 Q4's.
    shown = controls.shown([crr9.pk], open_quarter)[crr9.pk]
    assert [(c.control, c.period_id) for c in shown] == [("Hub", locked_quarter.pk),
                                                         ("Audit of case files", locked_quarter.pk),
                                                         ("Board", locked_quarter.pk)]
    control_save(user=officer_user, risk=crr9, period=open_quarter,
                 data=ControlInput("Audit of case files", line=3, assurance="Limited"))
    mine = list(ControlReview.objects.filter(period=open_quarter).order_by("position"))
    assert [(c.control, c.carried_forward, c.assurance) for c in mine] == [
        ("Hub", True, "Reasonable"), ("Audit of case files", False, "Limited"), ("Board", True, "Reasonable")]
    assert ControlReview.objects.get(period=locked_quarter, control="Audit of case files").assurance == "Reasonable"
    assert controls.carry_forward(crr9, open_quarter) == 0  # the quarter has its own now


def test_a_review_and_the_lock_copy_the_controls_into_the_quarter(crr9, directorate, area_a, open_quarter,
                                                                  locked_quarter, officer_user):
    from risks import services

    other = make_risk("CRR10", directorate, area_a)
    review(other, "2018/19 Q4")
    with opened(locked_quarter):
        control_save(user=None, risk=crr9, period=locked_quarter, data=ControlInput("Hub"))
        control_save(user=None, risk=other, period=locked_quarter, data=ControlInput("Board", line=2))
    services.review_save(user=officer_user, risk=other, period=open_quarter, version=None, data=services.ReviewInput(
        likelihood=2, impact=5, tolerance_likelihood=1, tolerance_impact=5, controls="", actions=""))
    assert ControlReview.objects.get(period=open_quarter, risk=other).carried_forward
    assert not ControlReview.objects.filter(period=open_quarter, risk=crr9).exists()
    organisation_services.period_lock(user=officer_user, period=open_quarter, sign_off_submitted=True)
    kept = ControlReview.objects.get(period=open_quarter, risk=crr9)
    assert (kept.control, kept.carried_forward) == ("Hub", True)


def test_a_rename_keeps_the_earlier_quarters_name(crr9, open_quarter, locked_quarter, officer_user):
    with opened(locked_quarter):
        control_save(user=None, risk=crr9, period=locked_quarter, data=ControlInput("Case file audit", line=3))
    renamed = control_save(user=officer_user, risk=crr9, period=open_quarter, original="Case file audit",
                           data=ControlInput("Audit of case files", line=3, given=frozenset({"control"})))
    assert renamed.control == "Audit of case files" and renamed.line == 3
    assert list(ControlReview.objects.filter(period=open_quarter).values_list("control", flat=True)) == [
        "Audit of case files"]
    assert ControlReview.objects.get(period=locked_quarter).control == "Case file audit"
    with pytest.raises(ConcurrentEdit):  # the control the form showed is gone
        control_save(user=officer_user, risk=crr9, period=open_quarter, original="Case file audit",
                     data=ControlInput("Something else"))


def test_a_duplicate_name_is_refused_in_any_case(crr9, open_quarter):
    control_save(user=None, risk=crr9, period=open_quarter, data=ControlInput("Audit of case files"))
    control_save(user=None, risk=crr9, period=open_quarter, data=ControlInput("Hub"))
    with pytest.raises(InvalidWrite) as caught:
        control_save(user=None, risk=crr9, period=open_quarter, original="Hub",
                     data=ControlInput("AUDIT OF CASE FILES"))
    assert caught.value.errors == {"control": 'CRR9 already has a control called "Audit of case files" in 2019/20 Q1'}
    # The same name in another case is that control (its name re-cased), never a second one.
    control_save(user=None, risk=crr9, period=open_quarter, data=ControlInput("audit of case files", line=2))
    assert ControlReview.objects.filter(period=open_quarter).count() == 2


def test_a_risk_lists_at_most_sixty_controls_a_quarter(crr9, open_quarter):
    for n in range(controls.MAX_CONTROLS):
        ControlReview.objects.create(risk=crr9, period=open_quarter, control=f"Control {n}", position=n)
    with pytest.raises(InvalidWrite, match="that is the most one risk may list"):
        control_save(user=None, risk=crr9, period=open_quarter, data=ControlInput("One more"))
    control_save(user=None, risk=crr9, period=open_quarter, data=ControlInput("Control 0", line=2))  # a change


def test_removal_takes_it_from_the_quarter_on(crr9, open_quarter, locked_quarter, officer_user):
    with opened(locked_quarter):
        control_save(user=None, risk=crr9, period=locked_quarter, data=ControlInput("Hub"))
        control_save(user=None, risk=crr9, period=locked_quarter, data=ControlInput("Board", line=2))
    control_remove(user=officer_user, risk=crr9, period=open_quarter, control=" hub ", reason="Replaced by the board")
    assert [c.control for c in controls.shown([crr9.pk], open_quarter)[crr9.pk]] == ["Board"]
    assert ControlReview.objects.filter(period=locked_quarter).count() == 2
    event = AuditEvent.objects.filter(object_type="Control", action="deleted").get()
    assert event.object_label == "CRR9: Hub" and event.reason == "Replaced by the board"
    with pytest.raises(RecordError, match='CRR9 has no control called "Hub" in 2019/20 Q1'):
        control_remove(user=officer_user, risk=crr9, period=open_quarter, control="Hub")


def test_a_form_that_saw_an_older_version_is_refused(crr9, open_quarter, officer_user, manager_a_user):
    first = control_save(user=officer_user, risk=crr9, period=open_quarter, data=ControlInput("Hub", line=1))
    control_save(user=manager_a_user, risk=crr9, period=open_quarter, data=ControlInput("Hub", line=2),
                 version=first.version)
    with pytest.raises(ConcurrentEdit) as caught:
        control_save(user=officer_user, risk=crr9, period=open_quarter, data=ControlInput("Hub", line=3),
                     version=first.version)
    assert caught.value.conflicts[0].by == "Ann Able"
    assert ControlReview.objects.get().line == 2


def test_a_carried_forward_control_is_not_stale(crr9, open_quarter, locked_quarter):
    """The copy made at a quarter's first write has version 1 whatever the form saw of the earlier quarter's."""
    with opened(locked_quarter):
        row = control_save(user=None, risk=crr9, period=locked_quarter, data=ControlInput("Hub"))
        control_save(user=None, risk=crr9, period=locked_quarter, data=ControlInput("Hub", line=2), version=1)
    assert ControlReview.objects.get(pk=row.pk).version == 2
    saved = control_save(user=None, risk=crr9, period=open_quarter, data=ControlInput("Hub", line=3), version=2)
    assert (saved.line, saved.carried_forward, saved.period_id) == (3, False, open_quarter.pk)


def test_the_map_reads_each_line_and_the_gaps(crr9, open_quarter):
    from risks import queries

    control_save(user=None, risk=crr9, period=open_quarter,
                 data=ControlInput("Hub", line=1, assurance="Substantial"))
    control_save(user=None, risk=crr9, period=open_quarter,
                 data=ControlInput("Audit", line=3, assurance="No", assurance_source="internal audit"))
    control_save(user=None, risk=crr9, period=open_quarter,
                 data=ControlInput("Board", line=3, assurance="Limited"))
    rows = queries.register(None, open_quarter).rows
    (found,) = controls.assurance_map(rows, open_quarter)
    assert [(line.line, [c.control for c in line.controls], line.weakest, line.weak) for line in found.lines] == [
        (1, ["Hub"], "Substantial", False), (2, [], None, False), (3, ["Audit", "Board"], "No", True)]
    assert found.gaps == ["second- and third-line assurance is only Limited or No"]
    assert (found.count, found.period_label, found.carried) == (3, "2019/20 Q1", False)
