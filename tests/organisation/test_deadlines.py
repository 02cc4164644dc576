"""The quarter's deadlines and who is told what (organisation/deadlines.py, organisation/reminders.py):
pure rules, boundaries first - the day before, the day of, the day after, weekends, bank holidays,
each escalation step, already sent, reminders turned off."""

from datetime import date

import pytest

from organisation.deadlines import (
    Deadline,
    Rule,
    Step,
    add_working_days,
    bank_holidays,
    defaults,
    is_working_day,
    step,
    steps_due,
    working_days_after,
    working_days_before,
)
from organisation.reminders import Person, Task, recipients, select

HOLIDAYS = bank_holidays([2018, 2019, 2020])
RULE = Rule()  # figures 15, reviews 15, sign-off 25, committee 45; remind 3 before; head 3, officer 6 after
DUE = date(2019, 7, 19)  # 2019/20 Q1 (ended Sunday 30 June 2019) + 15 working days: Friday 19 July


# --- working days --------------------------------------------------------------------------

@pytest.mark.parametrize("day,working", [
    (date(2019, 7, 19), True),  # Friday
    (date(2019, 7, 20), False),  # Saturday
    (date(2019, 7, 21), False),  # Sunday
    (date(2019, 4, 19), False),  # Good Friday
    (date(2019, 4, 22), False),  # Easter Monday
    (date(2019, 8, 26), False),  # August bank holiday (England and Wales)
    (date(2019, 8, 5), True),  # Scotland's summer holiday is not England's
    (date(2019, 12, 25), False),
    (date(2019, 12, 24), True),
])
def test_working_days_are_weekdays_that_are_not_england_and_wales_bank_holidays(day, working):
    assert is_working_day(day, HOLIDAYS) is working


@pytest.mark.parametrize("start,count,expected", [
    (date(2019, 6, 30), 15, date(2019, 7, 19)),  # Q1 2019/20: a quarter ending on a Sunday
    (date(2019, 3, 31), 15, date(2019, 4, 23)),  # Q4 2018/19: Good Friday and Easter Monday skipped
    (date(2019, 9, 30), 15, date(2019, 10, 21)),  # Q2 2019/20
    (date(2019, 12, 31), 15, date(2020, 1, 22)),  # Q3: New Year's Day skipped
    (date(2019, 7, 19), 0, date(2019, 7, 19)),  # 0: the day itself, a working day
    (date(2019, 7, 20), 0, date(2019, 7, 22)),  # 0 on a Saturday: the next working day
    (date(2019, 7, 19), 1, date(2019, 7, 22)),  # Friday + 1: Monday
    (date(2019, 8, 23), 1, date(2019, 8, 27)),  # over the August bank holiday
])
def test_adding_working_days(start, count, expected):
    assert add_working_days(start, count, HOLIDAYS) == expected


@pytest.mark.parametrize("today,after,before", [
    (date(2019, 7, 16), 0, 3),
    (date(2019, 7, 18), 0, 1),
    (date(2019, 7, 19), 0, 0),  # the day of
    (date(2019, 7, 20), 0, -1),  # the Saturday after: late, but by no working day yet
    (date(2019, 7, 22), 1, -1),
    (date(2019, 7, 29), 6, -1),
])
def test_counting_working_days_to_and_from_a_deadline(today, after, before):
    assert working_days_after(DUE, today, HOLIDAYS) == after
    assert working_days_before(DUE, today, HOLIDAYS) == before


def test_the_default_deadlines_of_a_quarter():
    found = defaults(date(2019, 6, 30), RULE, HOLIDAYS)
    assert found == {Deadline.FIGURES: date(2019, 7, 19), Deadline.REVIEWS: date(2019, 7, 19),
                     Deadline.SIGN_OFF: date(2019, 8, 2), Deadline.COMMITTEE: date(2019, 9, 2)}


@pytest.mark.parametrize("text,expected", [
    ("", Rule()),
    ("figures=10", Rule(figures=10)),
    (" figures = 10 , committee=30 ", Rule(figures=10, committee=30)),
    ("head_after=2,officer_after=2", Rule(head_after=2, officer_after=2)),
])
def test_the_rule_from_settings(text, expected):
    assert Rule.from_text(text) == expected


@pytest.mark.parametrize("text,message", [
    ("figurez=10", '"figurez" is not a deadline rule'),
    ("figures=ten", "is not a whole number"),
    ("figures=-1", "not between 0 and 250"),
    ("figures=251", "not between 0 and 250"),
    ("head_after=5,officer_after=4", "officer_after must be at least head_after"),
])
def test_a_bad_rule_is_refused_saying_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        Rule.from_text(text)


# --- the step a task is at -----------------------------------------------------------------------

@pytest.mark.parametrize("today,expected", [
    (date(2019, 7, 12), None),  # a week before: too early
    (date(2019, 7, 15), None),  # four working days before
    (date(2019, 7, 16), Step.REMINDER),  # three working days before
    (date(2019, 7, 18), Step.REMINDER),  # the day before
    (date(2019, 7, 19), Step.REMINDER),  # the day of
    (date(2019, 7, 20), None),  # the day after is a Saturday: nothing is sent at the weekend
    (date(2019, 7, 21), None),
    (date(2019, 7, 22), Step.CHASER),  # the first working day after
    (date(2019, 7, 23), Step.CHASER),
    (date(2019, 7, 24), Step.HEAD),  # three working days late
    (date(2019, 7, 26), Step.HEAD),
    (date(2019, 7, 29), Step.OFFICER),  # six working days late
    (date(2019, 12, 2), Step.OFFICER),
])
def test_the_step_a_task_is_at(today, expected):
    assert step(today, DUE, RULE, HOLIDAYS) == expected


def test_nothing_is_sent_on_a_bank_holiday_and_the_next_working_day_catches_up():
    due = date(2019, 8, 23)  # the Friday before the August bank holiday
    assert step(date(2019, 8, 26), due, RULE, HOLIDAYS) is None
    assert step(date(2019, 8, 27), due, RULE, HOLIDAYS) == Step.CHASER


@pytest.mark.parametrize("today,expected", [
    (date(2019, 7, 19), [Step.REMINDER]),
    (date(2019, 7, 22), [Step.CHASER]),
    (date(2019, 7, 24), [Step.CHASER, Step.HEAD]),  # a chaser not yet sent still goes, once
    (date(2019, 7, 29), [Step.CHASER, Step.HEAD, Step.OFFICER]),
    (date(2019, 7, 20), []),
])
def test_every_step_reached_is_due_once(today, expected):
    assert steps_due(today, DUE, RULE, HOLIDAYS) == expected


# --- who is told what ---------------------------------------------------------------------------

MANAGER, OTHER_MANAGER, HEAD, OFFICER, QUIET, NO_EMAIL = 1, 2, 3, 4, 5, 6
PEOPLE = {
    MANAGER: Person(MANAGER, "Ann Able", "ann@example.org"),
    OTHER_MANAGER: Person(OTHER_MANAGER, "Bob Best", "bob@example.org"),
    HEAD: Person(HEAD, "Hattie Head", "head@example.org"),
    OFFICER: Person(OFFICER, "Priya Shah", "priya@example.org"),
    QUIET: Person(QUIET, "Quentin Quiet", "q@example.org", reminders_on=False),
    NO_EMAIL: Person(NO_EMAIL, "Nora None", ""),
}
HEADS = {10: HEAD}
OFFICERS = [OFFICER]


def task(key="figures:q1:area10", people=(MANAGER,), area_id=10, statutory=False, due=DUE) -> Task:
    return Task(key=key, title=f"Task {key}", due=due, url="/performance/entry/", area_id=area_id, area="Area",
                people=people, statutory=statutory)


def told(today, tasks, sent=()) -> dict[str, list[tuple[str, str]]]:
    return {d.person.name: [(m.step.value, m.task.key) for m in d.messages]
            for d in select(today, tasks, PEOPLE, HEADS, OFFICERS, set(sent), RULE, HOLIDAYS)}


def test_a_reminder_goes_to_the_people_whose_task_it_is():
    assert told(date(2019, 7, 18), [task(people=(MANAGER, OTHER_MANAGER))]) == {
        "Ann Able": [("reminder", "figures:q1:area10")], "Bob Best": [("reminder", "figures:q1:area10")]}


def test_too_early_or_at_the_weekend_nobody_is_told():
    assert told(date(2019, 7, 15), [task()]) == {}
    assert told(date(2019, 7, 20), [task()]) == {}


def test_a_chaser_then_the_head_of_service_then_the_performance_officer():
    assert told(date(2019, 7, 22), [task()]) == {"Ann Able": [("chaser", "figures:q1:area10")]}
    chased = {(MANAGER, "chaser:figures:q1:area10")}
    assert told(date(2019, 7, 24), [task()], chased) == {"Hattie Head": [("head", "figures:q1:area10")]}
    escalated = chased | {(HEAD, "head:figures:q1:area10")}
    assert told(date(2019, 7, 29), [task()], escalated) == {"Priya Shah": [("officer", "figures:q1:area10")]}


def test_nothing_is_sent_twice():
    sent = {(MANAGER, "reminder:figures:q1:area10")}
    assert told(date(2019, 7, 19), [task()], sent) == {}
    assert told(date(2019, 7, 23), [task()], {(MANAGER, "chaser:figures:q1:area10")}) == {}


def test_a_missed_run_sends_the_chaser_with_the_escalation_each_to_its_person():
    assert told(date(2019, 7, 29), [task()]) == {
        "Ann Able": [("chaser", "figures:q1:area10")], "Hattie Head": [("head", "figures:q1:area10")],
        "Priya Shah": [("officer", "figures:q1:area10")]}


def test_without_a_head_of_service_the_escalation_goes_to_the_performance_officer():
    assert told(date(2019, 7, 24), [task(key="k", area_id=99)], {(MANAGER, "chaser:k")}) == {
        "Priya Shah": [("head", "k")]}


def test_someone_told_a_task_is_overdue_is_not_told_again_at_a_later_step():
    # No head of service for area 99: the performance officer hears at the head step, and not again after.
    sent = {(MANAGER, "chaser:k"), (OFFICER, "head:k")}
    assert told(date(2019, 7, 29), [task(key="k", area_id=99)], sent) == {}


def test_a_task_nobody_is_assigned_is_chased_with_the_head_of_service():
    assert recipients(Step.CHASER, task(people=()), HEADS, OFFICERS) == [HEAD]
    assert recipients(Step.CHASER, task(people=(), area_id=99), HEADS, OFFICERS) == [OFFICER]
    assert recipients(Step.REMINDER, task(people=()), HEADS, OFFICERS) == []


def test_one_person_told_twice_about_one_task_gets_the_later_step_only():
    # The head of service manages the area too: on the head step they hear once, as head.
    assert told(date(2019, 7, 24), [task(people=(HEAD,))]) == {"Hattie Head": [("head", "figures:q1:area10")]}


def test_one_digest_per_person_with_every_task_in_it():
    digests = select(date(2019, 7, 22), [task("a"), task("b"), task("c", people=(OTHER_MANAGER,))], PEOPLE,
                     HEADS, OFFICERS, set(), RULE, HOLIDAYS)
    assert [(d.person.name, sorted(m.task.key for m in d.messages)) for d in digests] == [
        ("Ann Able", ["a", "b"]), ("Bob Best", ["c"])]


@pytest.mark.parametrize("today,statutory,expected", [
    (date(2019, 7, 18), False, {}),  # reminders off: no reminder
    (date(2019, 7, 18), True, {}),  # not even for a statutory return: reminders are reminders
    (date(2019, 7, 22), False, {}),  # no chaser for an ordinary task
    (date(2019, 7, 22), True, {"Quentin Quiet": [("chaser", "k")]}),  # but an overdue statutory return is chased
])
def test_reminders_turned_off_leave_only_chasers_for_overdue_statutory_returns(today, statutory, expected):
    assert told(today, [task("k", people=(QUIET,), statutory=statutory)]) == expected


def test_people_without_an_email_address_or_not_active_are_left_out():
    people = dict(PEOPLE) | {7: Person(7, "Gone", "gone@example.org", active=False)}
    digests = select(date(2019, 7, 22), [task(people=(NO_EMAIL, 7, MANAGER))], people, HEADS, OFFICERS, set(),
                     RULE, HOLIDAYS)
    assert [d.person.name for d in digests] == ["Ann Able"]
