"""Stored judgements across the apps: each domain app registers how to refresh and check its own (kpis:
indicators per quarter; risks: risks per quarter), for `manage.py rejudge [--check]` and the tests."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Judged:
    name: str  # "indicators", "risks"
    refresh: Callable[[], int]  # write every open quarter's rows again; returns how many
    check: Callable[[], list]  # every difference (objects with a str())
    deferred: Callable  # a context manager: judge once at its end (discard=True: judge nothing)


_REGISTERED: list[Judged] = []


def register(judged: Judged) -> None:
    if all(j.name != judged.name for j in _REGISTERED):
        _REGISTERED.append(judged)


def refresh() -> dict[str, int]:
    return {j.name: j.refresh() for j in _REGISTERED}


def check() -> list:
    return [difference for j in _REGISTERED for difference in j.check()]


@contextmanager
def deferred(discard: bool = False):
    """Every app's judging deferred to the end of the block (an import's rows judged once), or, with discard,
    skipped (a dry run, rolled back)."""
    with ExitStack() as stack:
        for judged in _REGISTERED:
            stack.enter_context(judged.deferred(discard=discard))
        yield
