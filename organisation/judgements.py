"""Stored judgements across the apps: each domain app registers how to refresh and check its own (kpis:
indicators per quarter; risks: risks per quarter), for `manage.py rejudge [--check]` and the tests."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

from django.db import connection


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


class Deferral:
    """When an app's stored judgements are written: inside a service, once, for everything it touched, when
    the outermost service returns (still inside its transaction); outside one, at once. Each app keeps one,
    given how to refresh a set of ids (kpis: indicators; risks: risks)."""

    def __init__(self, refresh: Callable[[set[int]], object]):
        self._refresh = refresh
        self._state = threading.local()

    @property
    def active(self) -> bool:
        return bool(getattr(self._state, "depth", 0))

    @contextmanager
    def deferred(self, discard: bool = False):
        """Judge once at the end of the block; discard: judge nothing (a dry run, rolled back)."""
        state = self._state
        if discard:
            state.discard = getattr(state, "discard", 0) + 1
        depth = getattr(state, "depth", 0)
        if depth == 0:
            state.pending = set()
        state.depth = depth + 1
        ok = False
        try:
            yield
            ok = True
        finally:
            state.depth = depth
            if discard:
                state.discard -= 1
            if depth == 0:
                pending, state.pending = state.pending, set()
                if getattr(state, "discard", 0) or connection.needs_rollback:
                    pending = set()  # a dry run, or a transaction that is being rolled back: nothing to judge
                if ok and pending:
                    self._refresh(pending)

    def deferring(self, func):
        """Decorate a service whose writes change judgements."""
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.deferred():
                return func(*args, **kwargs)
        return wrapper

    def touched(self, ids) -> None:
        """These ids' facts changed: refresh them now, or when the service that changed them returns."""
        ids = {i for i in ids if i is not None}
        if not ids:
            return
        if self.active:
            self._state.pending.update(ids)
        else:
            self._refresh(ids)
