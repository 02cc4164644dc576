"""The demo clock: a demonstration database reads as on the day its story is told (organisation/clock.py)."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from kpis import queries
from organisation import clock, demo, services
from organisation.models import DemoClock, ReportingPeriod
from tests.conftest import client_for, make_user


def test_without_a_pin_today_is_the_real_date(db):
    assert clock.pinned() is None
    assert clock.today() == timezone.localdate()


def test_a_pin_sets_today_and_unpinning_restores_it(db):
    services.demo_clock_set(date(2019, 7, 29))
    assert clock.today() == date(2019, 7, 29)
    services.demo_clock_set(date(2020, 1, 6))
    assert clock.today() == date(2020, 1, 6) and DemoClock.objects.count() == 1
    services.demo_clock_set(None)
    assert clock.today() == timezone.localdate()


@pytest.mark.parametrize(("setting", "want"), [("2021-03-31", date(2021, 3, 31)), ("off", None), ("", date(2019, 7, 29))])
def test_the_setting_overrides_the_pin(db, settings, setting, want):
    services.demo_clock_set(date(2019, 7, 29))
    settings.DEMO_TODAY = setting
    assert clock.pinned() == want
    assert clock.today() == (want or timezone.localdate())


@pytest.fixture
def demo_db(db, settings):
    settings.DEBUG = True
    call_command("load_demo_data", stdout=io.StringIO())


def test_load_demo_data_pins_the_story_day_and_says_so(db, settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    assert clock.today() == demo.DEMO_TODAY == date(2019, 7, 29)
    assert "Demo date: 29 July 2019" in out.getvalue()
    # The current quarter is the one the story is in: 2019/20 Q1, submitted and awaiting sign-off.
    assert ReportingPeriod.objects.latest_quarter().label == "2019/20 Q1"


@pytest.mark.parametrize("role", ["Performance officer", "Executive", "Audit committee", "Service manager"])
def test_the_header_shows_the_demo_date_to_everyone_signed_in(demo_db, role):
    user = make_user(f"clock.{role.split()[0].lower()}", role)
    body = client_for(user).get("/home/").content.decode()
    assert "Demo date: 29 July 2019" in body


def test_signed_out_pages_do_not_show_it(demo_db, client):
    assert "Demo date" not in client.get("/accounts/login/").content.decode()


def test_tasks_read_as_on_the_demo_day(demo_db):
    officer = make_user("clock.officer", "Performance officer", is_staff=True)
    response = client_for(officer).get("/tasks/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "on 29 July 2019" in body
    assert response.context["total"] > 0
    for _area, items, _late in response.context["areas"]:
        for shown in items:
            assert abs((shown.task.due - date(2019, 7, 29)).days) < 120, shown.task


def test_the_executive_first_lands_on_figures_with_judgements(demo_db):
    executive = make_user("clock.exec", "Executive")
    response = client_for(executive).get("/performance/")
    assert response.status_code == 200
    assert response.context["quarter"].label == "2019/20 Q1"
    summary = response.context["summary"]
    assert summary.on_or_above.base > 0  # figures judged against targets, not an empty page
    assert "not yet signed off" in response.content.decode() or response.context["quarter"].is_locked is False
    assert queries.landing_quarter().label == "2019/20 Q1"


def test_a_locked_quarter_with_judgements_is_where_readers_land(demo_db):
    officer = make_user("clock.officer2", "Performance officer", is_staff=True)
    quarter = ReportingPeriod.for_label("2019/20 Q1")
    services.period_lock(user=officer, period=quarter, sign_off_submitted=True)
    audit = make_user("clock.audit", "Audit committee")
    response = client_for(audit).get("/performance/")
    assert response.context["quarter"].label == "2019/20 Q1" and response.context["quarter"].is_locked
