"""One set of display filters for money and numbers (format at the edge)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _grouped(number: Decimal, places: int) -> str:
    quantum = Decimal(1).scaleb(-places)
    rounded = number.quantize(quantum, rounding=ROUND_HALF_UP)
    return f"{rounded:,.{places}f}"


@register.filter
def number(value, places: int = 0) -> str:
    """1234.5 -> "1,235"; blank stays blank."""
    d = _decimal(value)
    return "" if d is None else _grouped(d, int(places))


@register.filter
def gbp(value, places: int = 0) -> str:
    """Pounds: 787 -> "£787"; -1200 -> "-£1,200"."""
    d = _decimal(value)
    if d is None:
        return ""
    sign = "-" if d < 0 else ""
    return f"{sign}£{_grouped(abs(d), int(places))}"


@register.filter
def gbp_thousands(value) -> str:
    """Pounds shown in thousands: 22991800 -> "£22,992k"."""
    d = _decimal(value)
    if d is None:
        return ""
    sign = "-" if d < 0 else ""
    return f"{sign}£{_grouped(abs(d) / 1000, 0)}k"


@register.filter
def signed(value, places: int = 0) -> str:
    """A change with its sign: 12 -> "+12", -3.5 -> "-3.5"."""
    d = _decimal(value)
    if d is None:
        return ""
    text = _grouped(d, int(places))
    return f"+{text}" if d > 0 else text


@register.filter
def percent(value, places: int = 1) -> str:
    d = _decimal(value)
    return "" if d is None else f"{_grouped(d, int(places))}%"


def prose_blocks(text: str) -> list[tuple[str, list[str]]]:
    """Text as an officer types it, in blocks: ("p", [text]) for a paragraph (its single line breaks kept),
    ("ul", [items]) for lines that start with "- " or "* " (a list)."""
    blocks: list[tuple[str, list[str]]] = []
    for chunk in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        paragraph: list[str] = []
        for line in lines:
            if line.startswith(("- ", "* ")):
                if paragraph:
                    blocks.append(("p", ["\n".join(paragraph)]))
                    paragraph = []
                if blocks and blocks[-1][0] == "ul" and not paragraph:
                    blocks[-1][1].append(line[2:].strip())
                else:
                    blocks.append(("ul", [line[2:].strip()]))
            else:
                paragraph.append(line)
        if paragraph:
            blocks.append(("p", ["\n".join(paragraph)]))
    return blocks


@register.filter
def prose(text: str):
    """Paragraphs and bulleted lists from typed text, escaped."""
    from django.utils.html import format_html, format_html_join
    from django.utils.safestring import mark_safe

    parts = []
    for kind, items in prose_blocks(text):
        if kind == "p":
            lines = items[0].split("\n")
            parts.append(format_html("<p>{}</p>", format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))))
        else:
            parts.append(format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((i,) for i in items))))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped by format_html
