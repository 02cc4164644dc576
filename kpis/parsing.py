"""Reading numbers and choices typed by people (forms and imports share these)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class InvalidValue(ValueError):
    pass


def parse_decimal(text: object, *, what: str = "value") -> Decimal | None:
    """'' -> None; '75.8' -> Decimal('75.8'); '12,3' or 'abc' -> InvalidValue.

    Thousands separators such as 1,448 are accepted; a comma used as a decimal
    point is not (it is ambiguous), and neither is a percent sign.
    """
    if text is None:
        return None
    if isinstance(text, Decimal):
        return text
    if isinstance(text, (int, float)):
        return Decimal(str(text))
    raw = str(text).strip()
    if raw == "":
        return None
    cleaned = raw.replace(" ", "")
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    if not _NUMBER.match(cleaned):
        raise InvalidValue(f'"{raw}" is not a number')
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidValue(f'"{raw}" is not a number') from None
    if abs(value) >= Decimal("1e10"):
        raise InvalidValue(f'"{raw}" is too large')
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        raise InvalidValue(f'"{raw}" has more than 4 decimal places')
    return value


def parse_choice(text: object, choices: dict[str, str], *, allowed: str) -> str:
    raw = str(text or "").strip()
    key = raw.lower()
    if key in choices:
        return choices[key]
    raise InvalidValue(f'"{raw}" is not allowed: use {allowed}' if raw else f"enter one of {allowed}")
