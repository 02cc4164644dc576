"""The home page's cached council-wide summaries change whenever their data does.

Each test changes data through a real write path and checks that the cached
panels equal the panels computed afresh (SUMMARY_CACHE_SECONDS=0).
"""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from kpis.services import FigureInput, figures_save, target_set
from organisation import interchange
from organisation.models import ReportingPeriod
from placements.services import SnapshotInput, snapshot_save
from risks.models import RiskReview
from risks.services import ReviewInput, review_save
from tests.kpis.conftest import make_indicator, set_actual, set_target
from tests.placements.test_views import load as load_placements
from tests.risks.conftest import make_risk, review

PANELS = ("kpi-panel-title", "risk-panel-title", "placements-panel-title")


def panels(client) -> dict[str, str]:
    page = client.get("/home/").content.decode()
    found = {}
    for title in PANELS:
        match = re.search(rf'aria-labelledby="{title}">(.*?)</section>', page, re.S)
        found[title] = match.group(1) if match else ""
    return found


def assert_fresh(client) -> dict[str, str]:
    """The cached panels are the panels computed without the cache; returns them."""
    cached = panels(client)
    with override_settings(SUMMARY_CACHE_SECONDS=0):
        fresh = panels(client)
    assert cached == fresh
    return cached


@pytest.fixture
def dpe007(area_a, open_quarter):
    indicator = make_indicator(area_a, "DPE007")
    set_target(indicator, "2019/20", 90)
    set_actual(indicator, "2019/20 Q1", 95)
    return indicator


@pytest.fixture
def council(directorate, area_a, open_quarter, dpe007):
    """Nothing locked yet, so the executive's home page shows the open quarter (with a locked quarter it
    would show the last one reported, which none of these changes can touch)."""
    risk = make_risk("CRR9", directorate, area_a)
    review(risk, "2019/20 Q1", 1, 3, (1, 3))  # at its tolerance
    assert load_placements().ok
    return risk


def test_a_second_visit_reads_the_summaries_from_the_cache(executive, council):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            executive.get("/home/")
        return len(ctx.captured_queries)

    first, second = count(), count()
    assert second < first


def test_figures_targets_and_imports_refresh_the_performance_summary(executive, officer_user, council, dpe007,
                                                                     open_quarter):
    before = assert_fresh(executive)["kpi-panel-title"]
    assert "1 green" in before
    figures_save(user=officer_user, quarter=open_quarter, submit=False, figures=[FigureInput(
        indicator=dpe007, period=open_quarter, version=1, value=Decimal("50"), numerator=None, denominator=None,
        commentary="fell")])
    assert "1 red" in assert_fresh(executive)["kpi-panel-title"]
    report = interchange.import_file("actuals", "a.csv", b"code,period,value\nDPE007,2019/20 Q1,95\n",
                                     dry_run=False, user=officer_user)
    assert report.ok and "1 green" in assert_fresh(executive)["kpi-panel-title"]
    target_set(user=officer_user, indicator=dpe007, period=ReportingPeriod.for_label("2019/20"), value=None)
    assert "1 green" not in assert_fresh(executive)["kpi-panel-title"]


def test_a_review_refreshes_the_risk_summary(executive, officer_user, council, open_quarter):
    assert "Outside target (0)" in assert_fresh(executive)["risk-panel-title"]
    current = RiskReview.objects.get(risk=council, period=open_quarter)
    review_save(user=officer_user, risk=council, period=open_quarter, version=current.version, data=ReviewInput(
        likelihood=4, impact=7, tolerance_likelihood=1, tolerance_impact=3, inherent_likelihood=None,
        inherent_impact=None, controls="c", actions="a", next_review_date=None))
    after = assert_fresh(executive)["risk-panel-title"]
    assert "Outside target (1)" in after and "CRR9 Risk CRR9" in after


def test_a_snapshot_refreshes_the_placements_summary(executive, officer_user, council, open_quarter):
    from placements.models import PlacementCategory

    before = assert_fresh(executive)["placements-panel-title"]
    snapshot_save(user=officer_user, period=open_quarter, rows=[
        SnapshotInput(category=c, version=0, children=10, weekly_cost=Decimal("500"))
        for c in PlacementCategory.objects.all()])
    after = assert_fresh(executive)["placements-panel-title"]
    assert after != before and "2019/20 Q1" in after



def test_a_category_change_in_the_admin_refreshes_the_placements_summary(executive, council):
    from placements.models import PlacementCategory

    before = assert_fresh(executive)["placements-panel-title"]
    category = PlacementCategory.objects.get(name="Agency Foster Care")
    category.provision = PlacementCategory.ProvisionType.IN_HOUSE  # as an officer would in the admin
    category.save()
    after = assert_fresh(executive)["placements-panel-title"]
    assert after != before and "100.0%" in after  # every foster child is now in-house


def test_committed_changes_raise_the_data_version_once_per_transaction(
        officer_user, council, dpe007, open_quarter, django_capture_on_commit_callbacks):
    from organisation import summaries
    from organisation.models import DataVersion

    def version():
        return DataVersion.objects.filter(pk="summaries").values_list("number", flat=True).first() or 0

    def committed():
        # Each test runs in a transaction rolled back at its end, so on-commit callbacks pile up
        # unrun (the fixtures' too); start each step afresh and run what it registers, as a
        # commit would.
        connection.run_on_commit.clear()
        return django_capture_on_commit_callbacks(execute=True)

    start, stamp = version(), summaries.data_stamp()
    with committed():
        figures_save(user=officer_user, quarter=open_quarter, submit=False, figures=[FigureInput(
            indicator=dpe007, period=open_quarter, version=1, value=Decimal("60"), numerator=None,
            denominator=None, commentary="")])
    assert version() == start + 1 and summaries.data_stamp() != stamp
    rows = b"code,period,value\nDPE007,2019/20 Q1,61\nDPE007,2019/20 Q2,62\n"
    with committed():
        assert interchange.import_file("actuals", "a.csv", rows, dry_run=True, user=officer_user).ok
    assert version() == start + 1  # a dry run saves nothing and changes nothing
    with committed() as callbacks:
        assert interchange.import_file("actuals", "a.csv", rows, dry_run=False, user=officer_user).ok
    assert version() == start + 2 and len(callbacks) == 1  # one rise for the whole file



def download(client, url) -> str:
    """A download as its cached copy, after checking it equals one written afresh."""
    cached = client.get(url).content.decode()
    with override_settings(SUMMARY_CACHE_SECONDS=0):
        fresh = client.get(url).content.decode()
    assert cached == fresh
    return cached


def test_the_quarterly_report_download_follows_the_figures(executive, officer_user, council, dpe007, open_quarter):
    url = f"/performance/report/{open_quarter.slug}.csv"
    assert "DPE007,2019/20 Q1,95," in download(executive, url)
    figures_save(user=officer_user, quarter=open_quarter, submit=False, figures=[FigureInput(
        indicator=dpe007, period=open_quarter, version=1, value=Decimal("50"), numerator=None, denominator=None,
        commentary="fell")])
    assert "DPE007,2019/20 Q1,50,,,fell," in download(executive, url)


def test_the_register_download_follows_reviews_filters_and_parts(audit, officer_user, council, open_quarter):
    url = f"/risks/export.csv?period={open_quarter.slug}"
    assert "CRR9" in download(audit, url)
    assert "CRR9" not in download(audit, url + "&level=service")  # another filter, another copy
    current = RiskReview.objects.get(risk=council, period=open_quarter)
    review_save(user=officer_user, risk=council, period=open_quarter, version=current.version, data=ReviewInput(
        likelihood=4, impact=7, tolerance_likelihood=1, tolerance_impact=3, inherent_likelihood=None,
        inherent_impact=None, controls="Weekly checks", actions="a", next_review_date=None))
    assert "Weekly checks" in download(audit, url)


def test_a_second_download_reads_the_cached_copy(audit, council, open_quarter):
    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert audit.get(url).status_code == 200
        return len(ctx.captured_queries)

    url = f"/risks/export.xlsx?period={open_quarter.slug}"
    first, second = count(url), count(url)
    assert second < first
