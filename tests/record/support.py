"""Helpers for the regression tests of issue 11: driving the import pages and
commands as a user would, and reading what a page or an export shows."""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

# The four kinds' headers, as in shared/formats.md.
RISK_COLUMNS = ("reference,title,description,causes,kind,register,directorate,service_area,risk_owner,action_owner,"
                "portfolio,strategy_themes,period,likelihood,impact,tolerance_likelihood,tolerance_impact,controls,"
                "actions")
ACTUAL_COLUMNS = "code,period,value,numerator,denominator,commentary"
PLACEMENT_COLUMNS = "period,heading,category,children,average_weekly_cost"


def text(response) -> str:
    """A page's HTML with entities decoded, so messages read as typed."""
    return html.unescape(response.content.decode())


def error_summary(page: str) -> str:
    """The text of the page's error summaries ("" when there is none)."""
    blocks = re.findall(r'<div class="govuk-error-summary\b[^"]*".*?</ul>', page, flags=re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", block) for block in blocks)


def rows_containing(page: str, needle: str) -> list[str]:
    """The words of each table row (<tr>...</tr>) of a page whose HTML contains ``needle``."""
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split())
            for row in re.findall(r"<tr\b.*?</tr>", page, flags=re.DOTALL) if needle in row]


def input_value(page: str, name: str) -> str | None:
    """The value of the page's <input name=...> (None if there is no such input)."""
    tag = re.search(rf'<input\b[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    if tag is None:
        return None
    value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


def upload(client, kind: str, filename: str, content: bytes | str):
    """Upload a file on /imports/<kind>/ and return the preview response."""
    if isinstance(content, str):
        content = content.encode()
    return client.post(f"/imports/{kind}/", {"file": SimpleUploadedFile(filename, content)})


def confirm_url(page: str, kind: str) -> str | None:
    """The confirm form a preview offers, if it offers one."""
    match = re.search(rf'action="(/imports/{re.escape(kind)}/\d+/confirm/)"', page)
    return match.group(1) if match else None


def upload_and_confirm(client, kind: str, filename: str, content: bytes | str):
    """Upload a file and, as an officer would, press "Confirm" if the preview offers it.

    Returns (preview page text, whether a confirm was offered).
    """
    preview = upload(client, kind, filename, content)
    assert preview.status_code == 200
    page = text(preview)
    url = confirm_url(page, kind)
    if url is not None:
        client.post(url)
    return page, url is not None


def write_file(directory: Path, name: str, content: str | bytes) -> Path:
    path = directory / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def import_command(kind: str, path: Path) -> tuple[CommandError | None, str]:
    """Run ``import_data KIND FILE``; return the CommandError it raised (None if none) and its output."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_data", kind, str(path), stdout=out, stderr=err)
    except CommandError as exc:
        return exc, out.getvalue() + err.getvalue() + str(exc)
    return None, out.getvalue() + err.getvalue()


def export_rows(kind: str, **options) -> list[dict[str, str]]:
    """``export_data KIND [--period P]`` as CSV, read back as rows."""
    out = io.StringIO()
    call_command("export_data", kind, format="csv", stdout=out, **options)
    return list(csv.DictReader(io.StringIO(out.getvalue())))
