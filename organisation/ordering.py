"""Natural order of references and codes (pure: no database): CRR9 before CRR10, on pages and papers alike."""

from __future__ import annotations

import re

DIGITS = 12
_RUN = re.compile(r"\d+")


def natural(text: str) -> str:
    """A sort key in natural order, for Python and for a stored column alike: every run of digits padded to
    twelve, so that CRR9 comes before CRR10 in code-point order too ("CRR000000000009" < "CRR000000000010")."""
    return _RUN.sub(lambda m: m.group().zfill(DIGITS), text or "")
