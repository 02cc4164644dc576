"""The audit trail's chain: each entry carries its place (seq) and an HMAC-SHA256 of its content and the
previous entry's digest, keyed by AUDIT_CHAIN_KEY (by default SECRET_KEY), which the database does not hold.
So anyone who can write to the database but not read the app's settings cannot change, remove or add an entry
without `manage.py audit_verify` finding the break: a changed entry no longer matches its digest, a removed
one leaves a gap, an added one has no valid digest, and a cut-off or emptied trail no longer reaches the
head (AuditChainHead) or the quarters' lock entries.

The user's id is left out of the digest: it is set to null when an account is removed (the name stays in
"who", which is in it)."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import UTC, timedelta

from django.conf import settings

GENESIS = "0" * 64


def _key() -> bytes:
    return (getattr(settings, "AUDIT_CHAIN_KEY", "") or settings.SECRET_KEY).encode()


def content(event) -> bytes:
    """What an entry's digest covers, as canonical bytes."""
    when = event.when.astimezone(UTC).isoformat(timespec="microseconds")
    values = [event.seq, when, event.who, event.action, event.object_type, event.object_label, event.period_id,
              event.detail, event.reason, event.about, event.about_id]
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()


def link(previous: str, event) -> str:
    return hmac.new(_key(), previous.encode() + b"\n" + content(event), hashlib.sha256).hexdigest()


def head_mac(seq: int, digest: str) -> str:
    return hmac.new(_key(), f"head\n{seq}\n{digest}".encode(), hashlib.sha256).hexdigest()


def head_for_update():
    """The chain's head, locked until the writing transaction ends. A trail with no head and no entries (a new
    or flushed database) starts a chain; entries without a head are a break that writes refuse."""
    from .models import AuditChainHead, AuditEvent

    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        if AuditEvent.objects.exists():
            raise RuntimeError("The audit trail's chain head is missing: run `manage.py audit_verify`")
        head, _ = AuditChainHead.objects.get_or_create(pk=1, defaults={"seq": 0, "digest": GENESIS})
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


@dataclass
class Verdict:
    entries: int = 0
    problems: list[str] = field(default_factory=list)
    head: tuple[int, str] = (0, GENESIS)

    @property
    def ok(self) -> bool:
        return not self.problems


MATCH_WINDOW = timedelta(minutes=10)


def _check_period_changes(problem) -> None:
    """Each state change the database logged (PeriodStateChange) has its lock or reopen entry in the trail:
    the services write both in one transaction; a quarter reopened in SQL has none."""
    from .models import AuditEvent, PeriodStateChange

    changes = list(PeriodStateChange.objects.select_related("period").order_by("at", "pk"))
    if not changes:
        return
    wanted = {"open": AuditEvent.Action.REOPENED, "locked": AuditEvent.Action.LOCKED}
    entries: dict[tuple[int, str], list] = {}
    for period_id, action, when in AuditEvent.objects.filter(
            action__in=wanted.values(), seq__isnull=False,
            period_id__in={c.period_id for c in changes}).values_list("period_id", "action", "when"):
        entries.setdefault((period_id, action), []).append(when)
    for change in changes:
        action = wanted.get(change.new_state)
        if action is None:
            continue
        candidates = entries.get((change.period_id, action), [])
        match = next((when for when in candidates if abs(when - change.at) <= MATCH_WINDOW), None)
        if match is None:
            verb = "reopened" if change.new_state == "open" else "locked"
            problem(f"{change.period.label} was {verb} at {change.at:%Y-%m-%d %H:%M:%S} around the app: the "
                    "database logged it, the trail has no entry of it")
        else:
            candidates.remove(match)


def verify(*, limit: int = 50, at_least: int = 0) -> Verdict:
    """Walk the whole trail in order and report every break (up to `limit` listed, all counted)."""
    from .models import AuditChainHead, AuditEvent, ReportingPeriod

    verdict = Verdict()
    found = 0

    def problem(text: str) -> None:
        nonlocal found
        found += 1
        if len(verdict.problems) < limit:
            verdict.problems.append(text)

    unchained = AuditEvent.objects.filter(seq__isnull=True).order_by("pk")
    for event in unchained.iterator():
        problem(f"entry {event.pk} ({event.when:%Y-%m-%d %H:%M} {event.who}: {event.object_type} "
                f"{event.object_label}) is not in the chain: it was written around the app")
    previous, expected = GENESIS, 1
    for event in AuditEvent.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=2000):
        verdict.entries += 1
        if event.seq != expected:
            problem(f"entries {expected} to {event.seq - 1} are missing (removed from the trail)"
                    if event.seq > expected else f"entry {event.seq} appears out of order")
        if not hmac.compare_digest(event.digest, link(previous, event)):
            problem(f"entry {event.seq} ({event.when:%Y-%m-%d %H:%M} {event.who}: {event.object_type} "
                    f"{event.object_label}) does not match its digest: it was changed or forged")
        previous, expected = event.digest, event.seq + 1
    head = AuditChainHead.objects.filter(pk=1).first()
    last = expected - 1
    if head is None:
        if verdict.entries or unchained.exists():
            problem("the chain's head is missing")
    elif head.seq != last:
        problem(f"the trail ends at entry {last} but its head says {head.seq}: entries {last + 1} to {head.seq} "
                "were removed (or the trail was emptied)" if head.seq > last
                else f"the trail runs to entry {last}, past its head ({head.seq})")
    elif head.seq and not hmac.compare_digest(head.digest, previous):
        problem(f"the head's digest does not match entry {last}")
    if head is not None and head.seq and not hmac.compare_digest(head.mac, head_mac(head.seq, head.digest)):
        problem(f"the head (entry {head.seq}) does not match its key: it was moved back, hiding the entries "
                "after it, or forged")
    if at_least and (head.seq if head is not None else 0) < at_least:
        problem(f"the trail ends at entry {head.seq if head is not None else 0}, before entry {at_least}, which "
                "it was known to reach: entries were removed")
    verdict.head = (head.seq, head.digest) if head is not None else (0, GENESIS)
    _check_period_changes(problem)
    locked = ReportingPeriod.objects.quarters().filter(state=ReportingPeriod.State.LOCKED)
    missing = locked.exclude(pk__in=AuditEvent.objects.filter(action=AuditEvent.Action.LOCKED)
                             .values("period_id")).order_by("year", "quarter")
    for quarter in missing[:limit]:
        problem(f"{quarter.label} is locked but the trail has no entry of its lock")
    if found > len(verdict.problems):
        verdict.problems.append(f"... and {found - len(verdict.problems)} more")
    return verdict
