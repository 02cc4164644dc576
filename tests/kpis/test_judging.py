"""Stored judgements of indicators (kpis/judging.py): written by the services in the same transaction,
read by the pages, never different from what the rules compute (`manage.py rejudge --check`)."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from kpis import judging
from kpis import services as kpi_services
from kpis.models import Actual, Indicator, Judgement
from organisation import demo
from organisation import services as organisation_services
from organisation.models import ReportingPeriod
from tests.kpis.conftest import make_indicator, set_actual, set_target


def stored(indicator, quarter) -> Judgement:
    return Judgement.objects.get(indicator=indicator, quarter=quarter)


def test_every_write_through_a_service_leaves_the_stored_judgement_true(officer_user, dpe007, open_quarter):
    assert stored(dpe007, open_quarter).status == "No data"
    kpi_services.figures_save(user=officer_user, quarter=open_quarter, submit=False, figures=[
        kpi_services.FigureInput(indicator=dpe007, period=open_quarter, version=0, value=Decimal("75.8"),
                                 numerator=None, denominator=None, commentary="Gaps")])
    row = stored(dpe007, open_quarter)
    assert (row.status, row.rag, row.exception, row.recorded, row.state) == ("Well below target", "Red", True,
                                                                             False, "draft")
    kpi_services.target_set(user=officer_user, indicator=dpe007, period=ReportingPeriod.for_label("2019/20"),
                            value=Decimal("70"))
    assert stored(dpe007, open_quarter).status == "Above target"
    dpe007.polarity = "lower"
    kpi_services.indicator_save(user=officer_user, indicator=dpe007)
    assert stored(dpe007, open_quarter).status == "Below target"
    assert judging.check() == []


def test_a_save_made_round_the_services_is_judged_at_once(dpe007, open_quarter):
    figure = set_actual(dpe007, "2019/20 Q1", 95)  # an ORM save (tests, a shell): the signal judges it
    assert stored(dpe007, open_quarter).status == "Above target"
    figure.value = Decimal("10")
    figure.save()
    assert stored(dpe007, open_quarter).status == "Well below target"
    Actual.objects.filter(pk=figure.pk).update(value=Decimal("95"))  # raw: no signal
    assert judging.check() and not judging.check()[0].field == "row"
    call_command("rejudge", stdout=io.StringIO())
    assert judging.check() == [] and stored(dpe007, open_quarter).status == "Above target"


def test_rejudge_check_fails_on_a_difference_and_passes_once_rejudged(dpe007, open_quarter):
    Judgement.objects.filter(indicator=dpe007).update(status="On target")
    with pytest.raises(CommandError, match="1 stored judgement differs from the rules"):
        call_command("rejudge", "--check", stdout=io.StringIO())
    call_command("rejudge", stdout=io.StringIO())
    out = io.StringIO()
    call_command("rejudge", "--check", stdout=out)
    assert "agree with the rules" in out.getvalue()


def test_locking_stores_the_record_and_reopening_makes_the_rows_live_again(officer_user, dpe007, open_quarter):
    set_actual(dpe007, "2019/20 Q1", 75.8, state="submitted", commentary="Gaps")
    organisation_services.period_lock(user=officer_user, period=open_quarter, sign_off_submitted=True)
    assert stored(dpe007, open_quarter).recorded
    organisation_services.period_reopen(user=officer_user, period=open_quarter, reason="Correction")
    assert not stored(dpe007, open_quarter).recorded
    assert judging.check() == []


def test_a_retired_indicator_leaves_the_open_quarters_it_has_no_figure_in(officer_user, dpe007, open_quarter):
    kpi_services.indicator_retire(user=officer_user, indicator=dpe007, reason="Replaced")
    assert not Judgement.objects.filter(indicator=dpe007, quarter=open_quarter).exists()
    assert judging.check() == []


def test_a_quarter_opened_next_is_judged_whole(officer_user, dpe007, open_quarter):
    created = organisation_services.period_open_next(user=officer_user)
    assert Judgement.objects.filter(quarter=created, indicator=dpe007).exists()


def test_an_import_judges_what_it_wrote_and_a_quarter_it_created(officer_user, area_a, open_quarter):
    from organisation import interchange

    make_indicator(area_a, "PI1")
    report = interchange.import_file("actuals", "a.csv", b"code,period,value\nPI1,2019/20 Q2,12\n", dry_run=False,
                                     user=officer_user)
    assert not report.errors
    q2 = ReportingPeriod.for_label("2019/20 Q2")
    assert Judgement.objects.get(quarter=q2, indicator__code="PI1").value == Decimal("12")
    assert judging.check() == []


def test_the_pages_read_the_stored_rows(executive, dpe007, open_quarter):
    set_target(dpe007, "2019/20 Q1", 50)
    set_actual(dpe007, "2019/20 Q1", 75, state="submitted")
    Judgement.objects.filter(indicator=dpe007, quarter=open_quarter).update(status="Well below target")
    page = executive.get(f"/performance/?period={open_quarter.slug}").content.decode()
    assert "Well below target" in page  # what is stored is what the page shows (rejudge --check would flag it)


def test_the_demo_agrees_with_the_rules(db):
    demo.load_data()
    call_command("rejudge", "--check", stdout=io.StringIO())


def test_generated_data_agrees_with_the_rules(db):
    call_command("generate_data", "--scale", "1", stdout=io.StringIO())
    call_command("rejudge", "--check", stdout=io.StringIO())


@pytest.mark.parametrize("code", ["NUM1"])
def test_deleting_an_unused_indicator_forgets_its_open_rows(officer_user, area_a, open_quarter, code):
    indicator = make_indicator(area_a, code)
    assert Judgement.objects.filter(indicator=indicator).exists()
    kpi_services.indicator_delete(user=officer_user, indicator=indicator)
    assert not Indicator.objects.filter(code=code).exists()
