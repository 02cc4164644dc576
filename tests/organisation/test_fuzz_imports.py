"""Hypothesis fuzzing of every import Resource and of the file reader: whatever
the cells hold, an import either saves the whole file or reports errors that
name their row, and never raises."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpis.models import Actual, Indicator, Target
from organisation import interchange
from placements.models import PlacementSnapshot
from programmes.models import Assessment, Milestone, Objective, Programme, Saving
from risks.models import Risk, RiskReview

cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "2019/20 Q1", "2019/20", "2019/21", "1", "-0.09", "7", "higher", "threat", "corporate",
                     "percent", "quarterly", "snapshot", "=1+1", "1e999", "NaN", "Infinity", "\x00", "£5",
                     "running", "closed", "2019-04-01", "Amber", "At risk", "Achieved", "People"]),
)

KINDS = ["indicators", "targets", "actuals", "risks", "placements", "programmes", "objectives", "savings",
         "milestones"]
MODELS = [Indicator, Target, Actual, Risk, RiskReview, PlacementSnapshot, Programme, Objective, Assessment, Saving,
          Milestone]


def counts():
    return [m.objects.count() for m in MODELS]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(KINDS), rows=st.lists(st.lists(cell, min_size=1, max_size=20), min_size=1, max_size=4))
def test_any_cells_either_import_or_report_row_numbered_errors(db, kind, rows):
    columns = interchange.get_kind(kind).columns
    lines = [",".join(columns)]
    for row in rows:
        cells = (row + [""] * len(columns))[: len(columns)]
        lines.append(",".join('"' + c.replace('"', '""') + '"' for c in cells))
    before = counts()
    report = interchange.import_file(kind, "fuzz.csv", "\n".join(lines).encode("utf-8", "replace"), dry_run=False)
    if report.errors:
        assert counts() == before
        assert all(re.match(r"^(row \d+|The |Only |The file)", e) for e in report.errors), report.errors


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=300), name=st.sampled_from(["a.csv", "a.xlsx"]))
def test_any_bytes_are_read_or_refused_with_a_message(db, content, name):
    report = interchange.import_file("actuals", name, content, dry_run=False)
    # Random bytes are never a file of actuals: refused with a message, nothing saved.
    assert report.errors and all(isinstance(e, str) and e for e in report.errors)
    assert Actual.objects.count() == 0
