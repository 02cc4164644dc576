"""Text ordered in the database as Python orders it.

The pages order risks by reference and indicators by code in SQL; the committee pack and downloads order
the same rows in Python. A database's own collation (en_US on PostgreSQL, say) puts "CRR_0", "crr1" and
"CRR2" in another order than Python's code-point order, so the same register would list differently on a
page and in the paper. Ordering by the binary collation ("C" on PostgreSQL, BINARY on SQLite: byte order,
which for UTF-8 is code-point order) keeps them the same.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import F
from django.db.models.functions import Collate

from .ordering import natural  # noqa: F401 - collation.natural, beside binary

BINARY = {"postgresql": "C", "sqlite": "BINARY"}
def binary(field: str):
    """An order_by() term: ``field`` in code-point order ("-field": descending)."""
    descending = field.startswith("-")
    name = field.lstrip("-")
    collation = BINARY.get(connection.vendor)
    term = Collate(F(name), collation) if collation else F(name)
    return term.desc() if descending else term.asc()
