"""The quarter's deadlines, as pure rules: working days, the default dates and the chasing steps.

A deadline falls a number of working days after the quarter ends (Monday to Friday, not a bank holiday
in England and Wales). Reminders go a few working days before it; after it, a chaser to the person, then
an escalation to the head of service, then to the performance officer. Nothing here reads the database
or the clock: callers pass today, the quarter's end, the rule and the bank holidays.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta


class Deadline(enum.StrEnum):
    FIGURES = "figures"
    REVIEWS = "reviews"
    SIGN_OFF = "sign_off"
    COMMITTEE = "committee"

    @property
    def label(self) -> str:
        return {"figures": "Figures due", "reviews": "Risk reviews due", "sign_off": "Sign-off",
                "committee": "Committee"}[self.value]


@dataclass(frozen=True)
class Rule:
    """Working days after the quarter ends for each deadline, and the chasing steps around them."""

    figures: int = 15
    reviews: int = 15
    sign_off: int = 25
    committee: int = 45
    remind_before: int = 3  # working days before a deadline that the reminder goes
    head_after: int = 3  # working days late before the head of service is told
    officer_after: int = 6  # working days late before the performance officer is told

    @classmethod
    def from_text(cls, text: str) -> Rule:
        """ "figures=15,reviews=15,sign_off=25,committee=45,remind_before=3,head_after=3,officer_after=6"
        (any subset; the rest keep their defaults)."""
        values = {}
        for part in (text or "").split(","):
            if not part.strip():
                continue
            name, _, number = part.partition("=")
            name = name.strip()
            if name not in cls.__dataclass_fields__:
                raise ValueError(f'"{name}" is not a deadline rule: use {", ".join(cls.__dataclass_fields__)}')
            try:
                values[name] = int(number)
            except ValueError:
                raise ValueError(f'{name}: "{number.strip()}" is not a whole number of working days') from None
            if not 0 <= values[name] <= 250:
                raise ValueError(f"{name}: {values[name]} is not between 0 and 250 working days")
        rule = cls(**values)
        if rule.officer_after < rule.head_after:
            raise ValueError("officer_after must be at least head_after: the head of service is told first")
        return rule


class Step(enum.StrEnum):
    """What a message about an outstanding task is, by where today falls against its deadline."""

    REMINDER = "reminder"  # before the deadline (or on it)
    CHASER = "chaser"  # after it, to the person
    HEAD = "head"  # later, to the head of service
    OFFICER = "officer"  # later still, to the performance officer

    @property
    def label(self) -> str:
        return {"reminder": "Due soon", "chaser": "Overdue", "head": "Overdue: escalated to the head of service",
                "officer": "Overdue: escalated to the performance team"}[self.value]


def is_working_day(day: date, holidays: Collection[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: date, count: int, holidays: Collection[date]) -> date:
    """The count-th working day after start (count 0: start itself if a working day, else the next)."""
    day = start
    if count == 0:
        while not is_working_day(day, holidays):
            day += timedelta(days=1)
        return day
    added = 0
    while added < count:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            added += 1
    return day


def working_days_after(deadline: date, today: date, holidays: Collection[date]) -> int:
    """Working days from deadline to today: 0 on or before it; 1 on the first working day after it."""
    if today <= deadline:
        return 0
    count, day = 0, deadline
    while day < today:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            count += 1
    return count


def working_days_before(deadline: date, today: date, holidays: Collection[date]) -> int:
    """Working days from today until the deadline: 0 on the day; -1 after it."""
    if today > deadline:
        return -1
    count, day = 0, today
    while day < deadline:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            count += 1
    return count


def defaults(quarter_end: date, rule: Rule, holidays: Collection[date]) -> dict[Deadline, date]:
    """The default deadlines of a quarter that ended on quarter_end."""
    return {kind: add_working_days(quarter_end, getattr(rule, kind.value), holidays) for kind in Deadline}


def step(today: date, deadline: date, rule: Rule, holidays: Collection[date]) -> Step | None:
    """The step a task with this deadline is at today, or None (too early). Steps move on working days
    only: on a weekend or bank holiday nothing new is due to be sent."""
    if not is_working_day(today, holidays):
        return None
    late = working_days_after(deadline, today, holidays)
    if late == 0:
        return Step.REMINDER if working_days_before(deadline, today, holidays) <= rule.remind_before else None
    if late >= rule.officer_after:
        return Step.OFFICER
    if late >= rule.head_after:
        return Step.HEAD
    return Step.CHASER


def steps_due(today: date, deadline: date, rule: Rule, holidays: Collection[date]) -> list[Step]:
    """Every step reached by today, in order (a chaser not sent on its day - a missed run - still goes once,
    before the escalations that follow it)."""
    current = step(today, deadline, rule, holidays)
    if current is None:
        return []
    order = [Step.REMINDER, Step.CHASER, Step.HEAD, Step.OFFICER]
    if current == Step.REMINDER:
        return [Step.REMINDER]
    return order[1:order.index(current) + 1]


def bank_holidays(years: Collection[int]) -> frozenset[date]:
    """England and Wales bank holidays (the holidays package), for the years given."""
    import holidays as holiday_calendars

    return frozenset(holiday_calendars.country_holidays("GB", subdiv="ENG", years=sorted(set(years))).keys())
