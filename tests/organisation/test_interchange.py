"""The shared import/export pipeline, exercised with a small test kind."""

import io

import pytest
from import_export import fields, resources
from openpyxl import Workbook, load_workbook

from organisation import interchange
from organisation.interchange import Kind, RowError, formula_safe
from organisation.models import Directorate, ServiceArea


class AreaResource(resources.ModelResource):
    directorate = fields.Field(attribute="directorate", column_name="directorate")
    service_area = fields.Field(attribute="name", column_name="service_area")

    class Meta:
        model = ServiceArea
        fields = ("directorate", "service_area")
        import_id_fields = ("directorate", "service_area")
        skip_unchanged = True
        report_skipped = True

    def __init__(self, user=None):
        super().__init__()
        self.notes = []

    def before_import_row(self, row, **kwargs):
        if not row.get("service_area"):
            raise RowError("service_area", "enter the service area's name")
        if row["service_area"].startswith("!"):
            raise ValueError("names may not start with !")
        name = row["directorate"]
        directorate, created = Directorate.objects.get_or_create(name=name)
        if created:
            self.notes.append(f"New directorate: {name}")
        row["directorate"] = directorate

    def get_instance(self, instance_loader, row):
        return ServiceArea.objects.filter(directorate=row["directorate"], name=row["service_area"]).first()

    def dehydrate_directorate(self, obj):
        return obj.directorate.name


KIND = Kind(name="areas", label="Service areas", resource_class=AreaResource,
            columns=("directorate", "service_area"), required=("directorate", "service_area"),
            key=("directorate", "service_area"))


@pytest.fixture(autouse=True)
def _registered():
    interchange.register(KIND)
    yield
    interchange.registry._KINDS.pop("areas", None)


def csv_bytes(text: str) -> bytes:
    return text.encode("utf-8")


def test_a_good_file_imports_and_reimporting_it_changes_nothing(db):
    data = csv_bytes("directorate,service_area\nPeople,Public Health\nPeople,Adult Social Care\n")
    first = interchange.import_file("areas", "a.csv", data, dry_run=False)
    assert first.errors == []
    assert (first.new, first.updated, first.unchanged) == (2, 0, 0)
    assert first.notes == ["New directorate: People"]
    again = interchange.import_file("areas", "a.csv", data, dry_run=False)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    assert ServiceArea.objects.count() == 2


def test_a_dry_run_reports_but_saves_nothing(db):
    report = interchange.import_file("areas", "a.csv", csv_bytes("directorate,service_area\nPeople,X\n"), dry_run=True)
    assert report.ok and report.new == 1
    assert not Directorate.objects.exists() and not ServiceArea.objects.exists()


def test_one_bad_row_saves_nothing_and_errors_name_row_and_column(db):
    data = csv_bytes("directorate,service_area\nPeople,Good\nPeople,\n\nPeople,!bad\n")
    report = interchange.import_file("areas", "a.csv", data, dry_run=False)
    assert report.errors == [
        'row 3, column "service_area": enter the service area\'s name',
        "row 5: names may not start with !",
    ]
    assert (report.new, report.updated, report.unchanged) == (0, 0, 0)
    assert not ServiceArea.objects.exists() and not Directorate.objects.exists()


def test_headers_match_case_insensitively_and_a_bom_is_accepted(db):
    data = "\ufeff Directorate , SERVICE_AREA\nPeople,X\n".encode()
    assert interchange.import_file("areas", "a.csv", data, dry_run=False).ok


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"directorate,service_area,colour\nPeople,X,red\n", '"colour" is not a column of areas'),
        (b"directorate\nPeople\n", 'missing column "service_area"'),
        (b"directorate,directorate,service_area\nA,A,B\n", 'column "directorate" appears more than once'),
        (b"", "The file is empty"),
        (b"directorate,service_area\n", "no rows to import"),
        (b"\xff\xfe\x00d\x00i", "not UTF-8"),
        (b"directorate,service_area\nPeople,X\nPeople,x\n", "row 3: the same directorate People, service_area x as row 2"),
        (b"directorate,service_area\nPeople,X,extra\n", "row 2 has more cells"),
    ],
)
def test_file_level_problems_are_clear(db, content, message):
    report = interchange.import_file("areas", "a.csv", content, dry_run=False)
    assert len(report.errors) == 1 and message in report.errors[0]
    assert not ServiceArea.objects.exists()


def test_other_file_types_are_refused(db):
    report = interchange.import_file("areas", "a.pdf", b"%PDF-1.4", dry_run=False)
    assert "Only CSV" in report.errors[0]


def test_an_xlsx_with_a_formula_is_refused(db):
    workbook = Workbook()
    workbook.active.append(["directorate", "service_area"])
    workbook.active.append(["People", "=HYPERLINK(\"http://evil\")"])
    out = io.BytesIO()
    workbook.save(out)
    report = interchange.import_file("areas", "a.xlsx", out.getvalue(), dry_run=False)
    assert report.errors == ['row 2, column "service_area": the cell holds a formula; paste values only and upload again']


def test_an_xlsx_imports_like_a_csv(db):
    workbook = Workbook()
    workbook.active.append(["Directorate", "Service_area"])
    workbook.active.append(["People", "Public Health"])
    out = io.BytesIO()
    workbook.save(out)
    report = interchange.import_file("areas", "a.xlsx", out.getvalue(), dry_run=False)
    assert report.ok and ServiceArea.objects.get().name == "Public Health"


def test_a_damaged_xlsx_is_refused(db):
    report = interchange.import_file("areas", "a.xlsx", b"PK\x03\x04garbage", dry_run=False)
    assert "cannot be opened" in report.errors[0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+44 117", "'+44 117"),
        ("-x", "'-x"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-0.09", "-0.09"),
        ("+5", "+5"),
        ("1e5", "1e5"),
        ("plain", "plain"),
        ("", ""),
        (None, None),
        (12, 12),
    ],
)
def test_formula_safety(value, expected):
    assert formula_safe(value) == expected


def test_csv_and_xlsx_exports_are_formula_safe_and_keep_numbers(db):
    from decimal import Decimal

    import tablib

    dataset = tablib.Dataset(headers=["text", "number"])
    dataset.append(["=1+2", Decimal("-0.09")])
    csv_text = interchange.write(dataset, "csv").decode()
    assert csv_text.splitlines()[1] == "'=1+2,-0.09"
    sheet = load_workbook(io.BytesIO(interchange.write(dataset, "xlsx"))).active
    # Excel's quote prefix keeps it text, and shows no apostrophe in the cell.
    assert sheet["A2"].value == "=1+2" and sheet["A2"].data_type == "s" and sheet["A2"].quotePrefix
    assert sheet["B2"].value == -0.09
    # Excel-ready: a filter on the header, the header frozen and printed on every page, landscape a page wide.
    assert sheet.auto_filter.ref == "A1:B2" and sheet.freeze_panes == "A2" and sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage


def test_a_date_exported_to_xlsx_is_a_date_and_imports_back_the_same(db):
    from datetime import date

    import tablib

    from organisation.interchange.reading import _read_xlsx

    dataset = tablib.Dataset(headers=["next_review", "note"])
    dataset.append(["2019-09-30", "2019-13-45 is not a date"])
    content = interchange.write(dataset, "xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].value.date() == date(2019, 9, 30) and sheet["A2"].number_format == "dd/mm/yyyy"
    assert _read_xlsx(content)[1][:2] == ["2019-09-30", "2019-13-45 is not a date"]


def test_blank_templates_have_the_header_only(db):
    assert interchange.blank_template("areas", "csv").decode() == "directorate,service_area\r\n"


def test_unknown_kinds_are_named(db):
    with pytest.raises(KeyError, match="not a kind of data"):
        interchange.get_kind("widgets")


def test_rows_are_counted_across_the_chunks_a_sheet_is_read_in():
    from organisation.interchange.reading import _count_rows

    xml = b"<sheetData>" + b"".join(b'<x:row r="%d"><c/></x:row>' % i for i in range(1, 1001)) + b"</sheetData>"
    for size in (7, 13, 64, 1000, 1 << 20):
        assert _count_rows(io.BytesIO(xml), 10_000, chunk_size=size) == 1000, size
    assert _count_rows(io.BytesIO(xml), 100, chunk_size=64) > 100  # stops soon after the limit


def _sheet_bomb(rows: int) -> bytes:
    """A tiny .xlsx whose one sheet unpacks to `rows` rows and declares no size (the reported 853 KB file)."""
    import zipfile

    buf = io.BytesIO()
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rels = "http://schemas.openxmlformats.org/package/2006/relationships"
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxml'
                   'formats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-office'
                   'document.spreadsheetml.sheet.main+xml"/></Types>')
        z.writestr("_rels/.rels", f'<Relationships xmlns="{rels}"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>'
                   '</workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{rels}"><Relationship Id="rId1" '
                   'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
                   'Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main}"><sheetData><row><c t="inlineStr"><is>'
                   '<t>directorate</t></is></c><c t="inlineStr"><is><t>service_area</t></is></c></row>'
                   + '<row><c><v>1</v></c></row>' * rows + "</sheetData></worksheet>")
    return buf.getvalue()


def test_a_workbook_that_unpacks_to_millions_of_rows_is_refused_before_its_rows_are_read(db):
    bomb = _sheet_bomb(2_000_000)
    assert len(bomb) < 200_000  # a small upload
    report = interchange.import_file("areas", "bomb.xlsx", bomb, dry_run=True)
    assert report.errors == ["The file has more than 50,000 rows: split it into files of at most 50,000 rows and "
                             "import each."]
