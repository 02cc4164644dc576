"""Every export kind is formula-safe, in CSV and in XLSX."""

import csv
import io

import pytest
from openpyxl import load_workbook

from kpis.models import Actual, Indicator
from organisation import demo, interchange
from placements.models import PlacementCategory
from risks.models import Risk

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
PERIOD = {"kpi-report": "2019/20 Q1", "risks": "2018/19 Q4"}


@pytest.fixture
def poisoned(db):
    from django.db import connection

    demo.load_data()
    if connection.vendor == "postgresql":
        # Hostile values already stored (by whatever means): past the triggers that guard locked quarters.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
    Indicator.objects.filter(code="DPE007").update(title="=HYPERLINK(\"http://x\",\"y\")")
    Actual.objects.filter(indicator__code="DPE007").update(commentary="+cmd|' /C calc'!A0")
    Risk.objects.filter(reference="CRR9").update(title="@SUM(1+1)", causes="-2+3")
    PlacementCategory.objects.filter(name="Secure").update(name="\tSecure")
    from programmes.models import Milestone, Objective, Programme, Saving

    Programme.objects.update(sponsor="=HYPERLINK(\"http://x\",\"y\")")
    Objective.objects.update(timeframe="+cmd|' /C calc'!A0")
    Saving.objects.update(owner="@SUM(1+1)")
    Milestone.objects.update(slippage_reason="-2+3")
    from kpis import judging
    from kpis.models import RecordedIndicator
    from placements.models import RecordedCategory
    from risks.models import Judgement

    judging.refresh()  # .update() goes round the services: judge again, as `manage.py rejudge` does
    # Locked quarters' downloads read the record: poison what it recorded too.
    RecordedIndicator.objects.filter(code="DPE007").update(title="=HYPERLINK(\"http://x\",\"y\")")
    Judgement.objects.filter(risk__reference="CRR9").update(title="@SUM(1+1)", causes="-2+3")
    RecordedCategory.objects.filter(name="Secure").update(name="\tSecure")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def unsafe(value) -> bool:
    if not isinstance(value, str) or not value.startswith(DANGEROUS):
        return False
    try:
        float(value)
        return False  # a plain number such as -0.09
    except ValueError:
        return True


@pytest.mark.parametrize("kind", ["indicators", "targets", "actuals", "risks", "placements", "kpi-report",
                                  "placements-report", "programmes", "objectives", "savings", "milestones"])
def test_every_export_kind_is_formula_safe(poisoned, kind):
    dataset = interchange.export_dataset(kind, period=PERIOD.get(kind))
    assert len(dataset) > 0
    rows = list(csv.reader(io.StringIO(interchange.write(dataset, "csv").decode(), newline="")))
    assert not [cell for row in rows for cell in row if unsafe(cell)]
    sheet = load_workbook(io.BytesIO(interchange.write(dataset, "xlsx"))).active
    cells = [c for row in sheet.iter_rows() for c in row]
    # In XLSX a dangerous text is kept as text by Excel's quote prefix (no apostrophe shown in the cell).
    assert not [c.value for c in cells if unsafe(c.value) and not (c.quotePrefix and c.data_type == "s")]
    assert all(c.data_type != "f" for c in cells)
    assert not [c.value for c in cells if isinstance(c.value, str) and c.value.startswith("'")]
    if kind in ("indicators", "kpi-report", "actuals", "risks", "placements", "placements-report", "programmes",
                "objectives", "savings", "milestones"):
        assert any(isinstance(c, str) and c.startswith("'") for row in rows for c in row)
