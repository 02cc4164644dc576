"""Every CSV downloaded from a page starts with a UTF-8 byte-order mark, so that Excel reads "£" as written;
`export_data`'s CSV, read by programs, has none (formats.md)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def demo(db):
    from organisation import demo as demo_data

    demo_data.load_data()


@pytest.mark.parametrize("url", ["/audit/export.csv", "/risks/export.csv", "/performance/report/2019-20-Q1.csv",
                                 "/performance/export/indicators.csv", "/placements/report.csv",
                                 "/tasks/export.csv", "/imports/actuals/template.csv"])
def test_a_pages_csv_starts_with_the_byte_order_mark(officer, demo, url):
    response = officer.get(url)
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(BOM) and not content.startswith(BOM * 2)
    assert content[3:4] != b"\xef"


def test_export_data_csv_has_none(demo):
    out = io.StringIO()
    call_command("export_data", "placements-report", stdout=out)
    assert not out.getvalue().startswith("\ufeff")

