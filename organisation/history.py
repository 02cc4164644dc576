"""Reading django-simple-history records as "who changed what, old -> new", with its own diff_against."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .records import user_name

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}


def entries(records: Iterable, fields: Sequence[str], *, kind: str | Callable[[Any], str],
            shown: Callable[[str, Any], str], limit: int = 100) -> list[dict]:
    """Each history record (oldest first, several objects mixed) as an entry with its changed fields.

    A record is compared with the previous record of the same object (simple-history's diff_against);
    the first record of an object lists the fields it was created with.
    """
    previous: dict[Any, Any] = {}
    out = []
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        if before is None:
            changes = [(name, None, getattr(record, name)) for name in fields
                       if getattr(record, name) not in (None, "")]
        else:
            delta = record.diff_against(before, included_fields=list(fields))
            order = {name: index for index, name in enumerate(fields)}
            changes = sorted(((c.field, c.old, c.new) for c in delta.changes), key=lambda c: order[c[0]])
        if not changes and record.history_type != "-":
            continue
        out.append({
            "when": record.history_date,
            "kind": kind(record) if callable(kind) else kind,
            "who": user_name(record.history_user),
            "action": ACTIONS[record.history_type],
            "reason": record.history_change_reason or "",
            "changes": [(name.replace("_", " "), shown(name, old), shown(name, new)) for name, old, new in changes],
            "record": record,
        })
    out.sort(key=lambda e: e["when"], reverse=True)
    return out[:limit]
