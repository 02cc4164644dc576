import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from organisation import demo, roles
from organisation.models import ReportingPeriod


def test_demo_users_are_refused_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(demo.DemoError, match="only created when DEBUG is on"):
        demo.create_users()
    assert not get_user_model().objects.exists()


def test_demo_users_get_one_role_each_and_their_service_areas(db, settings):
    settings.DEBUG = True
    demo.create_users()
    demo.create_users()  # idempotent: an existing account is left as it is
    users = {u.username: u for u in get_user_model().objects.prefetch_related("groups", "managed_service_areas")}
    assert set(users) == {d.username for d in demo.DEMO_USERS}
    for demo_user in demo.DEMO_USERS:
        user = users[demo_user.username]
        assert [g.name for g in user.groups.all()] == [demo_user.role]
        assert sorted(a.name for a in user.managed_service_areas.all()) == sorted(demo_user.service_areas)
        assert user.check_password(demo.DEMO_PASSWORD)
    assert users["performance"].is_staff and not users["executive"].is_staff
    assert {d.role for d in demo.DEMO_USERS} == set(roles.ALL_ROLES)


def test_demo_users_are_never_added_to_a_database_with_a_council_of_its_own(db, settings):
    from organisation.models import Directorate

    settings.DEBUG = True
    Directorate.objects.create(name="Place")
    with pytest.raises(demo.DemoError, match="holds data of its own"):
        demo.create_users()
    assert not get_user_model().objects.exists()


def test_the_command_prints_the_logins(db, settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    text = out.getvalue()
    assert f"password for each: {demo.DEMO_PASSWORD}" in text
    assert "manager.children   Service manager - Children & Families Services" in text


def test_the_command_refuses_users_without_debug_but_loads_data_with_no_users(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo_data", stdout=io.StringIO())
    call_command("load_demo_data", "--no-users", stdout=io.StringIO())
    assert not get_user_model().objects.exists()


def test_quarters_before_the_open_one_are_locked_and_their_figures_signed_off(db):
    from kpis.models import Actual

    demo.load_data()
    states = {p.label: p.state for p in ReportingPeriod.objects.quarters()}
    assert states["2019/20 Q1"] == "open"
    # 2018/19 Q2 is the quarter of the programme's October 2018 scrutiny report (demo/objectives.csv).
    assert {label for label, state in states.items() if state == "locked"} == {
        "2016/17 Q4", "2017/18 Q1", "2017/18 Q2", "2017/18 Q3", "2017/18 Q4", "2018/19 Q1", "2018/19 Q2",
        "2018/19 Q4"}
    # They were reported: signed off, with the record a locked quarter shows.
    reported = Actual.objects.filter(period__year__lt=2019)
    assert set(reported.values_list("state", flat=True)) == {"signed_off"}
    assert not reported.filter(signed_status="").exists()
    # The open quarter's figures were submitted by the managers and await sign-off; one without a value
    # (BCP214, not entered) stays a draft.
    open_figures = Actual.objects.filter(period__year=2019)
    assert set(open_figures.values_list("state", flat=True)) == {"submitted", "draft"}
    assert not open_figures.filter(state="draft", value__isnull=False).exists()


def test_every_demo_file_has_a_registered_kind_and_loads_into_an_empty_database_only(db):
    from kpis.models import Actual, Indicator, Target
    from organisation import interchange
    from organisation.models import AuditEvent
    from placements.models import PlacementSnapshot
    from risks.models import RiskReview

    assert {kind for kind, _ in demo.DEMO_FILES} <= set(interchange.kind_names(importable=True))
    first = demo.load_data()
    assert [line.split(":")[0] for line in first[:6]] == ["indicators", "targets", "actuals", "risks", "controls",
                                                          "placements"]
    counts = (Indicator.objects.count(), Target.objects.count(), Actual.objects.count(), RiskReview.objects.count(),
              PlacementSnapshot.objects.count())
    assert counts == (39, 37, 66, 3, 72)
    trail = AuditEvent.objects.count()
    locked = ReportingPeriod.objects.get(year=2019, quarter=1)
    locked.state = "locked"
    locked.save()
    again = demo.load_data()
    assert again == ["The database already holds data, so the demo data was not loaded (an existing database is "
                     "never changed)."]
    assert counts == (Indicator.objects.count(), Target.objects.count(), Actual.objects.count(),
                      RiskReview.objects.count(), PlacementSnapshot.objects.count())
    assert ReportingPeriod.objects.get(pk=locked.pk).state == "locked" and AuditEvent.objects.count() == trail
