import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from organisation import demo, interchange
from placements.models import PlacementCategory, PlacementHeading, PlacementSnapshot
from placements.services import SnapshotInput, snapshot_save
from tests.conftest import opened

CSV = ("period,heading,category,children,average_weekly_cost\n"
       "2018/19 Q4,Foster Care,Agency Foster Care,170,787\n"
       "2018/19 Q4,Foster Care,In-House Foster Care,375,327\n"
       "2018/19 Q4,Other,Secure,1,2703\n")


def load(text=CSV, dry_run=False):
    return interchange.import_file("placements", "p.csv", text.encode(), dry_run=dry_run)


@pytest.fixture
def snapshots(area_a, open_quarter, locked_quarter):
    with opened(locked_quarter):
        assert load().ok
    return PlacementSnapshot.objects.all()


# --- report -------------------------------------------------------------

@pytest.mark.parametrize("persona", ["manager_a", "manager_b", "officer", "executive"], indirect=True)
def test_readers_see_the_report(persona, snapshots):
    page = persona.get("/placements/").content.decode()
    assert "Placements: finance and activity" in page and "Agency Foster Care" in page


@pytest.mark.parametrize("persona", ["audit", "outsider"], indirect=True)
def test_others_are_refused_the_report_and_entry(persona, snapshots, open_quarter):
    # The audit committee reads the report its pack holds in full; neither enters figures.
    reads = persona is not None and persona.get("/placements/").status_code == 200
    for path in (() if reads else ("/placements/", "/placements/report.csv")) + (
            "/placements/entry/", f"/placements/entry/{open_quarter.slug}/"):
        assert persona.get(path).status_code == 403, path


def test_the_audit_committee_reads_the_placements_report_its_pack_holds(audit, outsider, snapshots):
    assert audit.get("/placements/").status_code == 200
    assert audit.get("/placements/report.csv").status_code == 200
    assert outsider.get("/placements/").status_code == 403


def test_the_report_shows_totals_and_cost_in_thousands(executive, snapshots):
    page = executive.get("/placements/").content.decode()
    # 170 x 787 + 375 x 327 = 256,415 a week; x 52 = 13,333,580
    assert "£13,334k" in page
    # Grand total adds Secure: 1 x 2703 x 52 = 140,556 -> 13,474,136
    assert "£13,474k" in page and "<strong>546</strong>" in page


def test_the_report_export_matches_the_screen(executive, snapshots):
    response = executive.get("/placements/report.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[5] == ["Heading", "Category", "Measure", "2018/19 Q4"]  # below the title rows
    assert ["Grand Total", "Total", "estimated annual cost (£k)", 13474] in rows
    csv_text = executive.get("/placements/report.csv").content.decode("utf-8-sig")
    assert "Foster Care,Total,children,545" in csv_text


def test_a_range_and_baseline_can_be_chosen_and_bad_ones_are_not_found(executive, snapshots):
    load(CSV.replace("2018/19 Q4", "2019/20 Q1").replace(",170,", ",180,"))
    page = executive.get("/placements/?from=2018-19-Q4&to=2019-20-Q1&baseline=2018-19-Q4").content.decode()
    assert "Children: change since 2018/19 Q4" in page and "+10 (+1.8%)" in page
    assert executive.get("/placements/?from=2030-31-Q1").status_code == 404


# --- entry ----------------------------------------------------------------

def grid(categories, version=0, **override):
    data = {}
    for c in categories:
        data[f"c{c.pk}-children"] = override.get("children", "5")
        data[f"c{c.pk}-weekly_cost"] = override.get("weekly_cost", "100")
        data[f"c{c.pk}-version"] = str(version)
    return data


def test_the_owning_manager_enters_a_snapshot_with_costs_prefilled(manager_a, snapshots, open_quarter):
    url = f"/placements/entry/{open_quarter.slug}/"
    page = manager_a.get(url).content.decode()
    assert 'value="787"' in page and "Weekly costs start from the 2018/19 Q4 snapshot" in page
    categories = list(PlacementCategory.objects.all())
    response = manager_a.post(url, grid(categories), follow=True)
    assert "Placements for 2019/20 Q1 saved (3 rows changed)." in response.content.decode()
    assert PlacementSnapshot.objects.filter(period=open_quarter).count() == 3


def test_another_areas_manager_cannot_enter_placements(manager_b, snapshots, open_quarter):
    url = f"/placements/entry/{open_quarter.slug}/"
    assert manager_b.get(url).status_code == 403
    assert manager_b.post(url, grid(PlacementCategory.objects.all())).status_code == 403
    assert not PlacementSnapshot.objects.filter(period=open_quarter).exists()


@pytest.mark.parametrize(("override", "message"), [
    # The same words as the import's (placements/validation.py), with the category and field they are about.
    ({"children": "-1"}, "Secure, children: -1 is negative: enter 0 or more"),
    ({"children": "2.5"}, "Secure, children: &quot;2.5&quot; is not a whole number"),
    ({"children": "lots"}, "Secure, children: &quot;lots&quot; is not a number"),
    ({"weekly_cost": "-5"}, "Secure, average weekly cost: -5 is negative: a weekly cost cannot be below zero"),
    ({"weekly_cost": "abc"}, "Secure, average weekly cost: &quot;abc&quot; is not a number"),
    ({"weekly_cost": "100000000"}, "Secure, average weekly cost: &quot;100000000&quot; is too large: the largest "
                                   "allowed is 99,999,999.99"),
    ({"children": ""}, "Secure, children: enter the number of children (0 if none)"),
])
def test_bad_snapshot_values_are_refused_and_nothing_is_saved(officer, snapshots, open_quarter, override, message):
    response = officer.post(f"/placements/entry/{open_quarter.slug}/", grid(PlacementCategory.objects.all(),
                                                                            **override))
    page = response.content.decode()
    assert message in page and "There is a problem" in page and "<title>Error:" in page
    assert not PlacementSnapshot.objects.filter(period=open_quarter).exists()


def test_a_locked_quarter_is_read_only(manager_a, snapshots, locked_quarter):
    url = f"/placements/entry/{locked_quarter.slug}/"
    page = manager_a.get(url).content.decode()
    assert "is locked: the snapshot is read-only" in page and "Save snapshot" not in page
    assert manager_a.post(url, grid(PlacementCategory.objects.all(), version=1)).status_code == 403
    assert PlacementSnapshot.objects.get(category__name="Secure").children == 1


def test_a_concurrent_edit_is_refused_showing_both_values(manager_a, officer_user, snapshots, open_quarter):
    categories = list(PlacementCategory.objects.all())
    snapshot_save(user=officer_user, period=open_quarter,
                  rows=[SnapshotInput(c, 0, 7, Decimal("200")) for c in categories])
    response = manager_a.post(f"/placements/entry/{open_quarter.slug}/", grid(categories, version=0))
    page = response.content.decode()
    assert response.status_code == 409
    assert "saved <strong>7 children at £200.00</strong>; you entered <strong>5 children at £100.00</strong>" in page
    assert set(PlacementSnapshot.objects.filter(period=open_quarter).values_list("children", flat=True)) == {7}


def test_history_is_kept(officer_user, snapshots, open_quarter):
    category = PlacementCategory.objects.get(name="Secure")
    snapshot_save(user=officer_user, period=open_quarter, rows=[SnapshotInput(category, 0, 2, Decimal("2703"))])
    snapshot_save(user=officer_user, period=open_quarter, rows=[SnapshotInput(category, 1, 3, Decimal("2703"))])
    history = PlacementSnapshot.history.filter(category=category, period=open_quarter).order_by("history_date")
    assert [h.children for h in history] == [2, 3] and history[0].history_user == officer_user


# --- imports and exports ------------------------------------------------

def test_an_import_lists_new_headings_and_categories_and_reimport_changes_nothing(db):
    report = load(dry_run=True)
    assert report.ok and report.new == 3
    assert "New heading: Foster Care" in report.notes
    assert "New category: In-House Foster Care under Foster Care (in-house provision)" in report.notes
    assert not PlacementHeading.objects.exists()
    load()
    again = load()
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)


@pytest.mark.parametrize(("row", "message"), [
    ("2018/19 Q4,Other,Secure,-1,10", 'row 3, column "children": -1 is negative: enter 0 or more'),
    ("2018/19 Q4,Other,Secure,1.5,10", 'row 3, column "children": "1.5" is not a whole number'),
    ("2018/19 Q4,Other,Secure,1,ten", 'row 3, column "average_weekly_cost": "ten" is not a number'),
    ("2018/19 Q4,Other,Secure,1,-3", 'row 3, column "average_weekly_cost": -3 is negative'),
    ("2018/19,Other,Secure,1,3", 'row 3, column "period": a snapshot is taken at a quarter end'),
    ("2018/19 Q4,,Secure,1,3", 'row 3, column "heading": enter the heading'),
])
def test_bad_placement_rows_save_nothing(db, row, message):
    report = load("period,heading,category,children,average_weekly_cost\n2018/19 Q4,Other,Parent,1,1\n" + row + "\n")
    assert any(message in e for e in report.errors), report.errors
    assert not PlacementSnapshot.objects.exists() and not PlacementHeading.objects.exists()


def test_the_placements_report_export_adds_totals(db):
    load()
    out = io.StringIO()
    call_command("export_data", "placements-report", "--period", "2018/19 Q4", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "period,heading,category,children,average_weekly_cost,estimated_annual_cost"
    assert "2018/19 Q4,Foster Care,Total,545,470.49,13333580" in lines
    assert lines[-1] == "2018/19 Q4,Grand Total,Total,546,474.58,13474136"


def test_with_the_demo_data_each_quarters_grand_total_is_the_sum_of_its_categories(db):
    demo.load_data()
    out = io.StringIO()
    call_command("export_data", "placements-report", stdout=out)
    rows = [line.split(",") for line in out.getvalue().splitlines()[1:]]
    periods = sorted({r[0] for r in rows})
    assert len(periods) == 6
    for period in periods:
        categories = [r for r in rows if r[0] == period and r[2] != "Total"]
        grand = next(r for r in rows if r[0] == period and r[1] == "Grand Total")
        assert int(grand[3]) == sum(int(r[3]) for r in categories)
        expected = sum(Decimal(r[3]) * Decimal(r[4]) * 52 for r in categories)
        assert Decimal(grand[5]) == expected
        for r in categories:
            assert Decimal(r[5]) == Decimal(r[3]) * Decimal(r[4]) * 52


def test_the_demo_report_page_shows_the_grand_total_in_thousands(executive, db):
    demo.load_data()
    page = executive.get("/placements/").content.decode()
    # 2018/19 Q1: 654 children costing £22,989,772 a year
    assert "£22,990k" in page and "<strong>654</strong>" in page


# --- query counts ----------------------------------------------------------------

@pytest.mark.parametrize("path", ["/placements/", "/placements/report.xlsx", "/placements/entry/{q}/", "/home/"])
def test_placement_pages_queries_do_not_grow_with_the_data(officer, executive, open_quarter, area_a, path):
    def count():
        client = officer if "entry" in path else executive
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path.format(q=open_quarter.slug)).status_code == 200
        return len(ctx.captured_queries)

    def build(categories, quarters):
        rows = ["period,heading,category,children,average_weekly_cost"]
        for q in quarters:
            for c in range(categories):
                rows.append(f"{q},Heading {c % 3},Category {c},{c},{100 + c}")
        assert load("\n".join(rows) + "\n").ok

    build(3, ["2018/19 Q3", "2018/19 Q4"])
    small = count()
    build(30, ["2017/18 Q1", "2017/18 Q2", "2017/18 Q3", "2017/18 Q4", "2018/19 Q1", "2018/19 Q2", "2018/19 Q3",
               "2018/19 Q4"])
    assert count() <= small and small <= 25


def test_the_report_shows_each_quarters_children_and_cost_and_none_where_missing(executive, snapshots):
    assert load("period,heading,category,children,average_weekly_cost\n"
                "2019/20 Q1,Foster Care,Agency Foster Care,180,800\n"
                "2019/20 Q1,Foster Care,In-House Foster Care,380,330\n").ok
    page = executive.get("/placements/").content.decode()
    secure = page[page.index("Secure <span"):]
    secure = secure[:secure.index("</tr>", secure.index("Weekly cost"))]
    assert '<td class="govuk-table__cell app-numeric">1</td><td class="govuk-table__cell app-numeric">' \
           '<span class="app-muted">none</span></td>' in secure
    assert '<td class="govuk-table__cell app-numeric">£2,703</td><td class="govuk-table__cell app-numeric"></td>' \
        in secure


def test_a_large_councils_report_pages_its_headings_and_can_show_one(executive, locked_quarter):
    for n in range(12):
        heading = PlacementHeading.objects.create(name=f"Heading {n:02d}", order=n)
        category = PlacementCategory.objects.create(heading=heading, name=f"Category {n:02d}", provision="in_house")
        PlacementSnapshot.objects.create(period=locked_quarter, category=category, children=n + 1,
                                         average_weekly_cost=Decimal("100"))
    first = executive.get("/placements/").content.decode()
    assert "Heading 00" in first and "Heading 10" not in first.split("Grand total")[0].split("</select>")[-1]
    assert "Headings 1 to 10 of 12; the grand total is the whole council's." in first
    assert ">78<" in first  # the grand total: 1 + 2 + ... + 12 children, whatever the page
    second = executive.get("/placements/?page=2").content.decode()
    assert "Headings 11 to 12 of 12" in second
    one = executive.get("/placements/?heading=Heading+05").content.decode()
    assert "Showing Heading 05" in one and "Category 05" in one and "Category 06" not in one
    assert executive.get("/placements/?heading=Nope").status_code == 404
