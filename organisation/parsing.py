"""Reading what people type (forms and imports share these), and the limits of formats.md.

Pure: no Django. Every check raises InvalidValue with a message that says what
is wrong in words a service manager would use; the caller adds where (the form
field, or the spreadsheet row and column).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from .periods import Period, PeriodError, parse, quarter_containing

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
CODE = re.compile(r"^[A-Za-z0-9._-]{1,20}$")

# formats.md, "Limits".
CODE_MAX = 20
NAME_MAX = 255  # names and titles
TEXT_MAX = 4000  # commentary, controls, actions, descriptions
FIRST_YEAR = 2000  # 2000/01
YEARS_AHEAD = 5
MAX_ROWS = 50_000
ERRORS_LISTED = 100


class InvalidValue(ValueError):
    pass


def parse_decimal(text: object, *, max_digits: int = 14, decimal_places: int = 4) -> Decimal | None:
    """'' -> None; '75.8' -> Decimal('75.8'); '12,3' or 'abc' -> InvalidValue.

    Thousands separators such as 1,448 are accepted; a comma used as a decimal
    point is not (it is ambiguous), and neither is a percent sign. The number
    must fit the column that stores it (max_digits, decimal_places).
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise InvalidValue(f'"{text}" is not a number')
    if isinstance(text, Decimal):
        value = text
        raw = format(text, "f")
    elif isinstance(text, (int, float)):
        raw = str(text)
        value = Decimal(raw)
    else:
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
    if not value.is_finite():
        raise InvalidValue(f'"{raw}" is not a number')
    check_decimal(value, raw, max_digits=max_digits, decimal_places=decimal_places)
    return value


def check_decimal(value: Decimal, raw: str | None = None, *, max_digits: int, decimal_places: int) -> None:
    """The number fits a DecimalField(max_digits, decimal_places)."""
    shown = raw if raw is not None else format(value, "f")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -decimal_places and value != value.quantize(
            Decimal(1).scaleb(-decimal_places)):
        raise InvalidValue(f'"{shown}" has more than {decimal_places} decimal places')
    limit = Decimal(10) ** (max_digits - decimal_places)
    if abs(value) >= limit:
        largest = f"{limit - Decimal(1).scaleb(-decimal_places):,f}" if decimal_places else f"{limit - 1:,}"
        raise InvalidValue(f'"{shown}" is too large: the largest allowed is {largest}')


def parse_whole(text: object, *, minimum: int = 0, maximum: int = 2_147_483_647) -> int | None:
    """A whole number within [minimum, maximum]; '' -> None."""
    value = parse_decimal(text, max_digits=20, decimal_places=4)
    if value is None:
        return None
    raw = str(text).strip() if not isinstance(text, Decimal) else format(text, "f")
    if value != value.to_integral_value():
        raise InvalidValue(f'"{raw}" is not a whole number')
    if value < minimum:
        raise InvalidValue(f"{raw} is negative: enter {minimum} or more" if minimum == 0
                           else f"{raw} is below the smallest allowed, {minimum}")
    if value > maximum:
        raise InvalidValue(f'"{raw}" is too large: the largest allowed is {maximum:,}')
    return int(value)


def parse_choice(text: object, choices: dict[str, str], *, allowed: str) -> str:
    raw = str(text or "").strip()
    key = raw.lower()
    if key in choices:
        return choices[key]
    raise InvalidValue(f'"{raw}" is not allowed: use {allowed}' if raw else f"enter one of {allowed}")


def check_code(text: str, *, what: str = "code") -> str:
    """Codes and references: letters, digits, '.', '-' and '_', at most 20 (they appear in web addresses)."""
    text = (text or "").strip()
    if not text:
        raise InvalidValue(f"enter the {what}")
    if len(text) > CODE_MAX:
        raise InvalidValue(f'"{text[:30]}" is too long: a {what} has at most {CODE_MAX} characters')
    if not CODE.match(text):
        raise InvalidValue(f'"{text}" is not a {what}: use only letters, digits, ".", "-" and "_"')
    if not any(ch.isascii() and ch.isalnum() for ch in text):
        raise InvalidValue(f'"{text}" is not a {what}: it needs at least one letter or digit')
    return text


# Characters a stored text may not hold: NUL, and the other control characters that an Excel sheet or a Word
# document (XML) cannot hold, so a value saved with one would break the exports and the committee pack.
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def check_text(text: str, *, limit: int = TEXT_MAX, what: str = "text") -> str:
    text = text or ""
    if len(text) > limit:
        raise InvalidValue(f"the {what} is {len(text):,} characters long: the most allowed is {limit:,}")
    if UNSTORABLE.search(text):
        raise InvalidValue(f"the {what} holds a character that cannot be stored")
    return text


def check_name(text: str, *, limit: int = NAME_MAX, what: str = "name") -> str:
    """Names and titles are one line: a line break or tab in one would split it across cells and lines."""
    check_text(text, limit=limit, what=what)
    if any(ch in text for ch in "\r\n\t\v\f\u2028\u2029\x85"):
        raise InvalidValue(f"the {what} is on more than one line: a {what} is one line")
    return text


JSON_MAX = 20_000  # characters of a JSON setting (a scoring scheme's definition is under 2,000)
JSON_DEPTH = 6  # nesting: a definition is {"likelihood": [[1, "Rare"], ...]}, three levels
JSON_DIGITS = 15  # digits in one number


def parse_json(text: str, *, what: str = "definition") -> object:
    """JSON as typed into a form, bounded before it is parsed: its length, how deep it nests and how long its
    numbers are (Python's parser recurses and turns a 5,000-digit number into an error of its own)."""
    import json

    text = text or ""
    if len(text) > JSON_MAX:
        raise InvalidValue(f"the {what} is {len(text):,} characters long: the most allowed is {JSON_MAX:,}")
    depth = digits = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        digits = digits + 1 if ch.isdigit() else 0
        if digits > JSON_DIGITS:
            raise InvalidValue(f"the {what} has a number longer than {JSON_DIGITS} digits")
        if ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > JSON_DEPTH:
                raise InvalidValue(f"the {what} nests deeper than {JSON_DEPTH} levels")
        elif ch in "]}":
            depth -= 1

    def constant(name: str) -> object:
        raise InvalidValue(f"the {what} holds {name}, which is not a number")

    try:
        return json.loads(text, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise InvalidValue(f"the {what} is not valid JSON: {exc.msg} at line {exc.lineno}, "
                           f"column {exc.colno}") from None


def date_horizon(today: date | None = None) -> tuple[date, date]:
    """The dates this system accepts: from the first day of 2000/01 to the last of the latest year allowed."""
    from django.utils import timezone

    return Period(FIRST_YEAR).start, Period(latest_year_allowed(today or timezone.localdate())).end


def _day(value: date) -> str:
    return f"{value.day:02}/{value.month:02}/{value.year:04}"


def check_date(value: date | None, *, what: str = "date", today: date | None = None) -> date | None:
    """A date within the periods' horizon (a typed 0001-01-01 or 9999-12-31 is a slip, and the arithmetic
    of deadlines and reminders cannot work past the calendar's end)."""
    if value is None:
        return None
    first, last = date_horizon(today)
    if not first <= value <= last:
        raise InvalidValue(f"the {what} ({_day(value)}) is outside the dates this system accepts: "
                           f"{_day(first)} to {_day(last)}")
    return value


def latest_year_allowed(today: date) -> int:
    return quarter_containing(today).year + YEARS_AHEAD


def check_period(value: Period, today: date) -> Period:
    """Periods from 2000/01 to five years ahead of the financial year containing today."""
    last = latest_year_allowed(today)
    if value.year < FIRST_YEAR or value.year > last:
        raise InvalidValue(
            f"{value.label} is outside the periods this system accepts: "
            f"{Period(FIRST_YEAR).label} to {Period(last).label}")
    return value


def check_started(value: Period, today: date, *, what: str = "figures") -> Period:
    """Figures, reviews and snapshots are for periods the council has reached: up to the quarter after the
    one today falls in (a figure for 2031/32 Q1 is a slip, and would make an empty far-future quarter the
    current one). Targets may be set years ahead."""
    current = quarter_containing(today)
    limit = current.next()
    if value.start > limit.start:
        raise InvalidValue(f"{value.label} has not started: {what} are given for periods up to {limit.label} "
                           f"(today falls in {current.label})")
    return value


def parse_period(text: object, today: date, *, quarter: bool | None = None, why: str = "") -> Period:
    """A period as typed, within the limits; quarter=True/False insists on a quarter/a year (why: the
    reason given when it is the other)."""
    raw = "" if text is None else str(text).strip()
    if not raw:
        raise InvalidValue("enter a period such as 2019/20 Q1" if quarter is not False
                           else "enter a financial year such as 2019/20")
    try:
        value = parse(raw)
    except PeriodError as exc:
        raise InvalidValue(str(exc)) from None
    check_period(value, today)
    if quarter is True and value.is_year:
        raise InvalidValue(f"{why}: give a quarter such as {value.label} Q4" if why
                           else f"give a quarter such as {value.label} Q1, not a whole year")
    if quarter is False and not value.is_year:
        raise InvalidValue(f"{why}: give a financial year such as {value.financial_year.label}" if why
                           else f"give a financial year such as {value.financial_year.label}, not a quarter")
    return value


def record_id(text: object) -> int | None:
    """A record's id as posted or put in an address: ASCII digits only (not "²"), small enough for every
    database's integer columns; else None."""
    raw = "" if text is None else str(text).strip()
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        return None
    return int(raw)
