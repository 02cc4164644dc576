"""The query parameters the API reads, named as the pages' filters; a value that cannot be read is a 400
naming the parameter (never a 500)."""

from __future__ import annotations

from rest_framework.exceptions import ValidationError

from organisation.models import Directorate, ReportingPeriod, ServiceArea, period_from_slug
from organisation.periods import PeriodError
from organisation.periods import parse as parse_period


def bad(name: str, message: str):
    return ValidationError({name: [message]})


# No filter's value is longer (a period, an id, a level or a band's name); a longer one is refused before it is
# parsed (a run of thousands of digits would overflow int()'s limit: a 500).
TEXT_MAX = 100


def text(request, name: str) -> str:
    value = request.query_params.get(name, "")
    if "\x00" in value:
        raise bad(name, "contains a NUL character")
    if len(value) > TEXT_MAX:
        raise bad(name, f"is too long (at most {TEXT_MAX} characters)")
    return value.strip()


def quarter(request, default) -> ReportingPeriod | None:
    """``period``: a quarter written ``2019/20 Q1`` or ``2019-20-Q1``; without it, the page's default (None
    for a council with no quarters yet: an empty list)."""
    raw = text(request, "period")
    if not raw:
        return default()
    try:
        value = period_from_slug(raw) if "/" not in raw else parse_period(raw)
    except PeriodError as error:
        raise bad("period", f"{error} (or 2019-20-Q1)") from None
    if value.is_year:
        raise bad("period", f'"{raw}" is a year: give a quarter such as {value.label} Q1')
    found = ReportingPeriod.objects.filter(year=value.year, quarter=value.quarter).first()
    if found is None:
        raise bad("period", f"there is no quarter {value.label}")
    return found


def _pk(request, name: str) -> int | None:
    raw = text(request, name)
    if not raw:
        return None
    # ASCII digits only: "²".isdigit() is true, yet int("²") fails (a 500).
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise bad(name, f'"{raw}" is not an id (a whole number)')
    return int(raw)


def directorate(request) -> Directorate | None:
    pk = _pk(request, "directorate")
    if pk is None:
        return None
    found = Directorate.objects.filter(pk=pk).first()
    if found is None:
        raise bad("directorate", f"there is no directorate {pk}")
    return found


def service_area(request, directorate_found: Directorate | None = None) -> ServiceArea | None:
    pk = _pk(request, "service_area")
    if pk is None:
        return None
    found = ServiceArea.objects.filter(pk=pk).first()
    if found is None:
        raise bad("service_area", f"there is no service area {pk}")
    if directorate_found is not None and found.directorate_id != directorate_found.pk:
        raise bad("service_area", f"service area {pk} is not in directorate {directorate_found.pk}")
    return found


def choice(request, name: str, choices, *, default: str = "") -> str:
    raw = text(request, name)
    if not raw:
        return default
    by_case = {str(c).lower(): str(c) for c in choices}
    if raw.lower() not in by_case:
        raise bad(name, f'"{raw}" is not one of: {", ".join(str(c) for c in choices)}')
    return by_case[raw.lower()]


def register_level(request) -> str:
    """``level`` (the register page's name) or ``register``: all, corporate, directorate or service."""
    from risks.queries import LEVELS

    level = choice(request, "level", LEVELS)
    register = choice(request, "register", LEVELS)
    if level and register and level != register:
        raise bad("register", f'"{register}" contradicts level "{level}": give one of them')
    return level or register or "all"


def financial_year(request, name: str = "year") -> ReportingPeriod | None:
    """``year``: a financial year written ``2019/20`` or ``2019-20`` (a year the council has)."""
    raw = text(request, name)
    if not raw:
        return None
    try:
        value = period_from_slug(raw) if "/" not in raw else parse_period(raw)
    except PeriodError as error:
        raise bad(name, f"{error} (or 2019-20)") from None
    if not value.is_year:
        raise bad(name, f'"{raw}" is a quarter: give its financial year, {value.financial_year.label}')
    found = ReportingPeriod.objects.filter(year=value.year, quarter__isnull=True).first()
    if found is None:
        raise bad(name, f"there is no year {value.label}")
    return found


def programme(request):
    """``programme``: a programme's id or its name (in any case)."""
    from programmes.models import Programme

    raw = text(request, "programme")
    if not raw:
        return None
    found = None
    if raw.isascii() and raw.isdigit() and len(raw) <= 12:
        found = Programme.objects.filter(pk=int(raw)).first()
    if found is None:
        found = Programme.objects.filter(name__iexact=raw).order_by("pk").first()
    if found is None:
        raise bad("programme", f'there is no programme "{raw}" (give its id or its name)')
    return found
