"""The audit trail: who did what, when, to which record, old -> new, and why.

Services write it (never views); AuditEvent rows are never changed. The change
history of single records (figures, targets, reviews, snapshots) is kept by
django-simple-history; this trail holds the acts around them: locks and
reopens, sign-off, send-back, scheme switches, target and definition changes,
and every change made in the admin.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from .models import AuditEvent, ReportingPeriod
from .records import user_name

Action = AuditEvent.Action


def shown(value: Any) -> str:
    """A value as the trail writes it."""
    if value is None or value == "":
        return "blank"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(sorted(str(v) for v in value)) or "none"
    text = str(value)
    return text if len(text) <= 200 else text[:197] + "..."


def changes(before: Mapping[str, Any], after: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> str:
    """ "title: A -> B; polarity: higher -> lower" for the fields that differ."""
    labels = labels or {}
    parts = []
    for name, new in after.items():
        old = before.get(name)
        if old != new:
            parts.append(f"{labels.get(name, name.replace('_', ' '))}: {shown(old)} -> {shown(new)}")
    return "; ".join(parts)


def field_values(instance: models.Model, names: Iterable[str]) -> dict[str, Any]:
    out = {}
    for name in names:
        value = getattr(instance, name)
        out[name] = value
    return out


def record(*, user, action: str, object_type: str, object_label: str, period: ReportingPeriod | None = None,
           detail: str = "", reason: str = "", when: datetime | None = None, about: str = "",
           about_id: int | None = None) -> AuditEvent:
    """Write one entry. `about` (with `about_id`) says whose records it concerns, so that readers see only
    the entries about what they may see: "risk" and the risk's id, or "placements" (audit_trail.SCOPES)."""
    from django.db import transaction

    from . import audit_chain

    with transaction.atomic():
        head = audit_chain.head_for_update()
        event = AuditEvent(
            when=when or timezone.now(), user=user if getattr(user, "is_authenticated", False) else None,
            who=user_name(user), action=action, object_type=object_type[:60], object_label=str(object_label)[:255],
            period=period, detail=detail, reason=reason or "", about=about, about_id=about_id, seq=head.seq + 1,
        )
        event.digest = audit_chain.link(head.digest or audit_chain.GENESIS, event)
        event.save(force_insert=True)
        head.seq, head.digest = event.seq, event.digest
        head.mac = audit_chain.head_mac(head.seq, head.digest)
        head.save(update_fields=["seq", "digest", "mac"])
    return event
