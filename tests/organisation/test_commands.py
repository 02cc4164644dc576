import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from organisation import interchange
from organisation.models import ServiceArea
from tests.organisation.test_interchange import KIND


@pytest.fixture(autouse=True)
def _registered():
    interchange.register(KIND)
    yield
    interchange.registry._KINDS.pop("areas", None)


def write(tmp_path: Path, text: str, name: str = "areas.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_data_prints_a_summary(tmp_path, db):
    out = io.StringIO()
    call_command("import_data", "areas", str(write(tmp_path, "directorate,service_area\nPeople,X\n")), stdout=out)
    assert "areas: 1 new, 0 updated, 0 unchanged, 0 errors" in out.getvalue()
    assert ServiceArea.objects.count() == 1


def test_import_data_dry_run_saves_nothing(tmp_path, db):
    out = io.StringIO()
    call_command("import_data", "areas", str(write(tmp_path, "directorate,service_area\nPeople,X\n")),
                 "--dry-run", stdout=out)
    assert out.getvalue().startswith("note: New directorate: People\ndry run: areas: 1 new")
    assert not ServiceArea.objects.exists()


def test_import_data_fails_on_any_error_and_says_where(tmp_path, db):
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_data", "areas", str(write(tmp_path, "directorate,service_area\nPeople,\n")),
                     stdout=io.StringIO(), stderr=err)
    assert 'error: row 2, column "service_area"' in err.getvalue()


def test_import_data_refuses_unknown_kinds_and_missing_files(tmp_path, db):
    with pytest.raises(CommandError, match="cannot be imported"):
        call_command("import_data", "widgets", "x.csv")
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_data", "areas", str(tmp_path / "missing.csv"))


def test_export_data_writes_csv_to_stdout_and_files(tmp_path, db):
    call_command("import_data", "areas", str(write(tmp_path, "directorate,service_area\nPeople,=X\n")),
                 stdout=io.StringIO())
    out = io.StringIO()
    call_command("export_data", "areas", stdout=out)
    assert out.getvalue().splitlines() == ["directorate,service_area", "People,'=X"]
    target = tmp_path / "out.xlsx"
    call_command("export_data", "areas", "--format", "xlsx", "--output", str(target))
    assert target.read_bytes()[:2] == b"PK"


def test_export_data_checks_the_period_and_kind(db):
    with pytest.raises(CommandError, match="is not a period"):
        call_command("export_data", "areas", "--period", "Q1 2019")
    with pytest.raises(CommandError, match="is not a kind"):
        call_command("export_data", "widgets")
