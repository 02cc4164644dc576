"""Who is sent what today: reminders, chasers and escalations, as a pure function.

select(today, tasks, people, heads, officers, sent, rule, holidays) -> one Digest per person. A task is
something outstanding with a deadline (figures to enter, a question to answer, a risk to review, a
snapshot to record); organisation.tasks gathers them. For each task, the steps reached by today
(organisation.deadlines.steps_due) say who hears of it:

- reminder (a few working days before the deadline, and on the day): the people whose task it is;
- chaser (after it): those people; a task nobody is assigned goes to the head of service, else to the
  performance officers;
- head (later): the head of service of the task's area, else the performance officers;
- officer (later still): the performance officers.

Never the same message twice: each (person, step, task) is sent once (``sent`` holds those already sent), and
a person told a task is overdue is not told again at a later step.
A person who turned reminders off gets only chasers and escalations about statutory returns. People
without an email address or no longer active are left out (the dry run says so).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from .deadlines import Rule, Step, steps_due

ORDER = {Step.REMINDER: 0, Step.CHASER: 1, Step.HEAD: 2, Step.OFFICER: 3}
OVERDUE_STEPS = (Step.CHASER, Step.HEAD, Step.OFFICER)


@dataclass(frozen=True)
class Task:
    key: str  # stable across runs: "figures:2019-20-Q1:area:12"
    title: str  # "Enter 3 figures for Adult Social Care, 2019/20 Q1"
    due: date
    url: str  # the form that does it (a path)
    area_id: int | None = None
    area: str = ""
    people: tuple[int, ...] = ()  # whose task it is (an area's managers)
    statutory: bool = False
    kind: str = ""  # figures, question, review, action, snapshot


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str
    reminders_on: bool = True
    active: bool = True


@dataclass(frozen=True)
class Message:
    step: Step
    task: Task

    @property
    def key(self) -> str:
        return f"{self.step.value}:{self.task.key}"


@dataclass
class Digest:
    person: Person
    messages: list[Message] = field(default_factory=list)

    def by_step(self) -> list[tuple[Step, list[Message]]]:
        groups: dict[Step, list[Message]] = {}
        for message in sorted(self.messages, key=lambda m: (-ORDER[m.step], m.task.due, m.task.title)):
            groups.setdefault(message.step, []).append(message)
        return list(groups.items())


def recipients(step: Step, task: Task, heads: Mapping[int, int], officers: Collection[int]) -> list[int]:
    head = heads.get(task.area_id) if task.area_id is not None else None
    if step == Step.REMINDER:
        return list(task.people)
    if step == Step.CHASER:
        return list(task.people) or ([head] if head else list(officers))
    if step == Step.HEAD:
        return [head] if head else list(officers)
    return list(officers)


def select(today: date, tasks: Iterable[Task], people: Mapping[int, Person], heads: Mapping[int, int],
           officers: Collection[int], sent: Collection[tuple[int, str]], rule: Rule,
           holidays: Collection[date]) -> list[Digest]:
    """Today's digests, one per person who has something to be told, by name."""
    chosen: dict[tuple[int, str], Message] = {}  # (person, task key) -> the latest step for them
    for task in tasks:
        for current in steps_due(today, task.due, rule, holidays):
            for person_id in recipients(current, task, heads, officers):
                person = people.get(person_id)
                if person is None or not person.active or not person.email:
                    continue
                if not person.reminders_on and not (task.statutory and current != Step.REMINDER):
                    continue
                message = Message(current, task)
                if (person_id, message.key) in sent:
                    continue
                # Once told a task is overdue (as chaser or escalation), a person is not told again at a later
                # step (the performance officer who stood in for a missing head of service, say).
                if current != Step.REMINDER and any((person_id, f"{told.value}:{task.key}") in sent
                                                    for told in OVERDUE_STEPS):
                    continue
                found = chosen.get((person_id, task.key))
                if found is None or ORDER[current] > ORDER[found.step]:
                    chosen[(person_id, task.key)] = message
    digests: dict[int, Digest] = {}
    for (person_id, _), message in chosen.items():
        digests.setdefault(person_id, Digest(people[person_id])).messages.append(message)
    return sorted(digests.values(), key=lambda d: (d.person.name.lower(), d.person.id))


def undelivered(tasks: Iterable[Task], people: Mapping[int, Person], heads: Mapping[int, int],
                officers: Collection[int], today: date, rule: Rule, holidays: Collection[date]) -> list[str]:
    """For the dry run: who would be told but cannot be (no email address, or not active)."""
    names = set()
    for task in tasks:
        for current in steps_due(today, task.due, rule, holidays):
            for person_id in recipients(current, task, heads, officers):
                person = people.get(person_id)
                if person is not None and (not person.active or not person.email):
                    names.add(f"{person.name} ({'no email address' if not person.email else 'not active'})")
    return sorted(names)
