"""Programme pages and the owners' forms: every role, bad input, locked quarters, two saves at once, and query
counts that do not grow with the data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisation.models import AuditEvent, ReportingPeriod
from programmes import report, services
from programmes.models import Assessment, Benefit, BudgetLine, Milestone, Objective, Programme, Saving, Workstream
from tests.conftest import opened

pytestmark = pytest.mark.django_db


def _programme(directorate, area, name="Strengthening Families", objectives=2):
    programme = services.setup_save(user=None, via="test", instance=Programme(
        name=name, directorate=directorate, service_area=area, sponsor="Executive Director, People",
        senior_responsible_owner="Service Director", mandate_date=date(2017, 8, 30),
        planned_closure=date(2019, 9, 30), approved_closure=date(2019, 9, 30)))
    for n in range(1, objectives + 1):
        services.setup_save(user=None, via="test", instance=Objective(
            programme=programme, number=n, objective=f"Objective number {n}", measure="monthly", timeframe="3 years"))
    return programme


def _year(label: str) -> ReportingPeriod:
    return ReportingPeriod.for_label(label)


def _savings(programme, quarter, amounts=(Decimal("1642067"), Decimal("2194632"))):
    years = ["2019/20", "2020/21", "2021/22", "2022/23"]
    rows = [services.SavingInput(year=_year(years[i]), version=None, planned=a, forecast=a, owner="Service Director",
                                 forum="Budget Working Group") for i, a in enumerate(amounts)]
    services.savings_save(user=None, programme=programme, period=quarter, rows=rows)


@pytest.fixture
def programme(directorate, area_a, open_quarter):
    p = _programme(directorate, area_a)
    _savings(p, open_quarter)
    services.setup_save(user=None, via="test", instance=BudgetLine(programme=p, kind="capital", source="Capital reserves",
                                                                   original=Decimal(1815000),
                                                                   final_approved=Decimal(1815000),
                                                                   spend=Decimal(1815000)))
    ws = services.setup_save(user=None, via="test", instance=Workstream(programme=p, name="Workforce",
                                                                         projects="Recruitment\nAgile working"))
    services.setup_save(user=None, via="test", instance=Milestone(
        programme=p, workstream=ws, name="Agile working devices deployed", baseline=date(2018, 9, 30),
        approved=date(2019, 3, 31), slippage_reason="Delays since the Cabinet approval"))
    services.setup_save(user=None, via="test", instance=Benefit(
        programme=p, benefit="Savings profiled for 2020/21 of £2,194,632", owner="Service Director",
        forum="Budget Working Group", when="April 2020 to April 2021", financial=True))
    return p


READERS = ("manager_a", "manager_b", "officer", "executive", "audit")


@pytest.mark.parametrize("persona", READERS, indirect=True)
def test_every_role_reads_the_programme_pages(persona, programme, open_quarter):
    for url in (reverse("programmes:list"), reverse("programmes:detail", args=[programme.pk]),
                reverse("programmes:highlight", args=[programme.pk, open_quarter.slug]),
                reverse("programmes:closure", args=[programme.pk])):
        response = persona.get(url)
        assert response.status_code == 200, url
    page = persona.get(reverse("programmes:detail", args=[programme.pk])).content.decode()
    assert "£1,642,067" in page and "£3,836,699" in page  # each year, and the total
    assert "£1,815,000" in page
    assert "Delays since the Cabinet approval" in page
    assert "April 2020 to April 2021" in page


@pytest.mark.parametrize("persona", ("outsider",), indirect=True)
def test_someone_without_a_role_is_refused_every_programme_page(persona, programme, open_quarter):
    for url in (reverse("programmes:list"), reverse("programmes:detail", args=[programme.pk]),
                reverse("programmes:highlight", args=[programme.pk, open_quarter.slug]),
                reverse("programmes:closure", args=[programme.pk]),
                reverse("programmes:assess", args=[programme.pk, open_quarter.slug]),
                reverse("programmes:savings", args=[programme.pk, open_quarter.slug])):
        assert persona.get(url).status_code == 403, url


def test_anonymous_is_sent_to_sign_in(anonymous, programme):
    response = anonymous.get(reverse("programmes:detail", args=[programme.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("persona, allowed", [("manager_a", True), ("officer", True), ("manager_b", False),
                                              ("executive", False), ("audit", False)], indirect=["persona"])
def test_only_the_owning_areas_managers_and_the_performance_team_open_the_forms(persona, allowed, programme,
                                                                                 open_quarter):
    for name in ("programmes:assess", "programmes:savings"):
        response = persona.get(reverse(name, args=[programme.pk, open_quarter.slug]))
        assert response.status_code == (200 if allowed else 403)


def _assess_data(programme, rag="At risk", commentary="Children in care down to 69 per 10,000", action="save",
                 version=0):
    data = {"action": action}
    for o in programme.objectives.all():
        data.update({f"o{o.pk}-rag": rag, f"o{o.pk}-assessment": "", f"o{o.pk}-commentary": commentary,
                     f"o{o.pk}-version": version})
    return data


def test_the_owner_submits_and_the_performance_team_signs_off(manager_a, officer, programme, open_quarter):
    url = reverse("programmes:assess", args=[programme.pk, open_quarter.slug])
    response = manager_a.post(url, _assess_data(programme, action="submit"))
    assert response.status_code == 302
    assert set(Assessment.objects.values_list("state", flat=True)) == {"submitted"}
    response = officer.post(reverse("programmes:sign_off", args=[programme.pk, open_quarter.slug]))
    assert response.status_code == 302
    assert set(Assessment.objects.values_list("state", flat=True)) == {"signed_off"}
    assert AuditEvent.objects.filter(action="signed_off", about="programme", about_id=programme.pk).exists()


def test_a_manager_cannot_sign_off_or_send_back(manager_a, programme, open_quarter):
    assert manager_a.post(reverse("programmes:sign_off", args=[programme.pk, open_quarter.slug])).status_code == 403
    url = reverse("programmes:send_back", args=[programme.pk, open_quarter.slug, 1])
    assert manager_a.post(url, {"question": "why?"}).status_code == 403


def test_sent_back_with_a_question_returns_to_draft(manager_a, officer, programme, open_quarter):
    manager_a.post(reverse("programmes:assess", args=[programme.pk, open_quarter.slug]),
                   _assess_data(programme, action="submit"))
    url = reverse("programmes:send_back", args=[programme.pk, open_quarter.slug, 1])
    assert officer.post(url, {"question": "Which month's figure is this?"}).status_code == 302
    item = Assessment.objects.get(objective__number=1)
    assert item.state == "draft" and item.question == "Which month's figure is this?"
    page = manager_a.get(reverse("programmes:assess", args=[programme.pk, open_quarter.slug])).content.decode()
    assert "Which month&#x27;s figure is this?" in page


def test_submitting_an_unassessed_objective_is_refused_and_nothing_is_saved(manager_a, programme, open_quarter):
    data = _assess_data(programme, rag="", action="submit")
    response = manager_a.post(reverse("programmes:assess", args=[programme.pk, open_quarter.slug]), data)
    assert response.status_code == 400
    assert "choose a RAG" in response.content.decode()
    assert not Assessment.objects.exists()


def test_over_long_commentary_is_refused_with_its_objective_named(manager_a, programme, open_quarter):
    response = manager_a.post(reverse("programmes:assess", args=[programme.pk, open_quarter.slug]),
                              _assess_data(programme, commentary="x" * 4001))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Objective 1, commentary" in page and "4,000" in page
    assert not Assessment.objects.exists()


def test_a_nul_in_the_commentary_is_refused_before_the_form(manager_a, programme, open_quarter):
    response = manager_a.post(reverse("programmes:assess", args=[programme.pk, open_quarter.slug]),
                              _assess_data(programme, commentary="bad \x00 byte"))
    assert response.status_code == 400
    assert not Assessment.objects.exists()


def test_an_unknown_rag_is_refused(manager_a, programme, open_quarter):
    response = manager_a.post(reverse("programmes:assess", args=[programme.pk, open_quarter.slug]),
                              _assess_data(programme, rag="Purple"))
    assert response.status_code == 400
    assert not Assessment.objects.exists()


def test_two_saves_from_the_same_form_lose_nothing(manager_a, officer, programme, open_quarter):
    url = reverse("programmes:assess", args=[programme.pk, open_quarter.slug])
    assert manager_a.post(url, _assess_data(programme, commentary="first")).status_code == 302
    # The second was opened before the first saved (version 0): refused, the first kept.
    response = officer.post(url, _assess_data(programme, commentary="second"))
    assert response.status_code == 409
    assert set(Assessment.objects.values_list("commentary", flat=True)) == {"first"}


def test_a_locked_quarter_is_read_only_on_every_route(manager_a, officer, programme, locked_quarter):
    with opened(locked_quarter):
        services.assessments_save(user=None, programme=programme, period=locked_quarter, rows=[
            services.AssessmentInput(programme.objectives.get(number=1), None, "On track", "", "as reported")],
            submit=True)
        services.assessments_sign_off(user=None, programme=programme, period=locked_quarter)
        _savings(programme, locked_quarter)
    for client in (manager_a, officer):
        url = reverse("programmes:assess", args=[programme.pk, locked_quarter.slug])
        assert client.get(url).status_code == 200
        assert "read-only" in client.get(url).content.decode()
        assert client.post(url, _assess_data(programme, commentary="changed")).status_code == 403
        url = reverse("programmes:savings", args=[programme.pk, locked_quarter.slug])
        assert client.post(url, {}).status_code == 403
        url = reverse("programmes:sign_off", args=[programme.pk, locked_quarter.slug])
        assert client.post(url).status_code == 403
    from organisation.records import PeriodLocked

    with pytest.raises(PeriodLocked):
        services.assessments_save(user=None, programme=programme, period=locked_quarter, rows=[
            services.AssessmentInput(programme.objectives.get(number=1), None, "Off track", "", "changed")])
    with pytest.raises(PeriodLocked):
        _savings(programme, locked_quarter, amounts=(Decimal(1),))
    assert Assessment.objects.get(period=locked_quarter).commentary == "as reported"


def test_a_locked_quarter_reads_the_objectives_words_it_was_reported_with(officer, programme, open_quarter):
    from organisation.services import period_lock

    objective = programme.objectives.get(number=1)
    services.assessments_save(user=None, programme=programme, period=open_quarter, rows=[
        services.AssessmentInput(objective, None, "On track", "", "reported")], submit=True)
    period_lock(user=None, period=open_quarter, sign_off_submitted=True)
    objective.objective = "Reworded after the lock"
    services.setup_save(user=None, instance=objective, via="test")
    page = officer.get(reverse("programmes:highlight", args=[programme.pk, open_quarter.slug])).content.decode()
    assert "Objective number 1" in page and "Reworded after the lock" not in page
    assert "On track" in page


def test_savings_form_saves_and_judges_the_status(manager_a, programme, open_quarter):
    url = reverse("programmes:savings", args=[programme.pk, open_quarter.slug])
    page = manager_a.get(url).content.decode()
    assert "2019/20" in page and "2020/21" in page
    lines = {s.year.label: s for s in Saving.objects.filter(period=open_quarter)}
    data = {"new-year": ""}
    for label, s in lines.items():
        data.update({f"y{s.year_id}-planned": str(s.planned), f"y{s.year_id}-forecast": "1400000" if label == "2019/20"
                     else str(s.forecast), f"y{s.year_id}-delivered": "", f"y{s.year_id}-rag": "",
                     f"y{s.year_id}-version": s.version})
    assert manager_a.post(url, data).status_code == 302
    saving = Saving.objects.get(period=open_quarter, year__year=2019)
    assert saving.forecast == Decimal("1400000.00")
    assert saving.status().value == "At risk"  # 85.3% of the plan: within the 15% tolerance
    home = report.savings_summaries([programme])[0]
    assert home.at_risk == Decimal("1642067.00")


@pytest.mark.parametrize("value, words", [("-5", "cannot be negative"), ("12,3x", "is not an amount"),
                                          ("1e20", "more than"), ("10.005", "two decimal places"),
                                          ("NaN", "not an amount")])
def test_hostile_savings_are_refused_with_the_year_named(manager_a, programme, open_quarter, value, words):
    url = reverse("programmes:savings", args=[programme.pk, open_quarter.slug])
    s = Saving.objects.filter(period=open_quarter).select_related("year").first()
    before = list(Saving.objects.values_list("forecast", flat=True))
    data = {"new-year": ""}
    for line in Saving.objects.filter(period=open_quarter):
        data.update({f"y{line.year_id}-planned": str(line.planned), f"y{line.year_id}-forecast": str(line.forecast),
                     f"y{line.year_id}-delivered": "", f"y{line.year_id}-rag": "",
                     f"y{line.year_id}-version": line.version})
    data[f"y{s.year_id}-forecast"] = value
    response = manager_a.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert f"{s.year.label}, forecast" in page and words in page
    assert list(Saving.objects.values_list("forecast", flat=True)) == before


def test_adding_a_year_to_the_profile(officer, programme, open_quarter):
    url = reverse("programmes:savings", args=[programme.pk, open_quarter.slug])
    data = {"new-year": "2023/24"}
    for line in Saving.objects.filter(period=open_quarter):
        data.update({f"y{line.year_id}-planned": str(line.planned), f"y{line.year_id}-forecast": str(line.forecast),
                     f"y{line.year_id}-delivered": "", f"y{line.year_id}-rag": "",
                     f"y{line.year_id}-version": line.version})
    assert officer.post(url, data).status_code == 302
    assert Saving.objects.filter(period=open_quarter, year__year=2023).exists()
    bad = dict(data, **{"new-year": "2023/25"})
    response = officer.post(url, bad)
    assert response.status_code == 400 and "not a financial year" in response.content.decode()


@pytest.mark.parametrize("slug", ["2019-20", "nonsense", "2099-00-Q1", "2019-20-Q9"])
def test_a_bad_quarter_in_the_address_is_not_found(officer, programme, slug):
    assert officer.get(reverse("programmes:highlight", args=[programme.pk, slug])).status_code == 404
    assert officer.get(reverse("programmes:assess", args=[programme.pk, slug])).status_code == 404


def test_an_unknown_programme_is_not_found(officer):
    assert officer.get(reverse("programmes:detail", args=[999999])).status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_the_data(officer, directorate, area_a, open_quarter):
    small = _programme(directorate, area_a, name="Small", objectives=1)
    _savings(small, open_quarter, amounts=(Decimal(1),))
    big = _programme(directorate, area_a, name="Big", objectives=12)
    _savings(big, open_quarter, amounts=(Decimal(1), Decimal(2), Decimal(3), Decimal(4)))
    for p in (small, big):
        count = 2 if p is small else 9
        for i in range(count):
            services.setup_save(user=None, via="test", instance=Milestone(programme=p, name=f"M{i}",
                                                                          baseline=date(2019, 1, 1),
                                                                          actual=date(2019, 1, 1)))
            services.setup_save(user=None, via="test", instance=Workstream(programme=p, name=f"W{i}"))
    for name in ("programmes:detail", "programmes:closure"):
        assert _queries(officer, reverse(name, args=[small.pk])) == _queries(officer, reverse(name, args=[big.pk]))
    for name in ("programmes:highlight", "programmes:assess", "programmes:savings"):
        a = _queries(officer, reverse(name, args=[small.pk, open_quarter.slug]))
        b = _queries(officer, reverse(name, args=[big.pk, open_quarter.slug]))
        assert a == b, name
    few = _queries(officer, reverse("programmes:list"))
    for i in range(5):
        _savings(_programme(directorate, area_a, name=f"More {i}", objectives=1), open_quarter)
    assert _queries(officer, reverse("programmes:list")) == few


def test_a_locked_quarters_savings_status_stays_when_the_tolerance_changes(officer, programme, open_quarter):
    from organisation.services import period_lock

    line = Saving.objects.get(period=open_quarter, year__year=2019)
    services.savings_save(user=None, programme=programme, period=open_quarter, rows=[services.SavingInput(
        year=line.year, version=None, planned=line.planned, forecast=Decimal("1400000"))])
    period_lock(user=None, period=open_quarter)
    programme.savings_tolerance = Decimal("5")
    services.setup_save(user=None, instance=programme, via="test")
    locked = report.build(Programme.objects.get(pk=programme.pk), ReportingPeriod.objects.get(pk=open_quarter.pk),
                          None)
    assert [s.status.value for s in locked.savings] == ["At risk", "On track"]
