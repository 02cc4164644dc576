"""Tasks miss no work: annual results due, areas with no service manager (to the head of service, else the
performance officer), and the lock page, the tasks page and the reminders counting the same figures."""

import io
import re

import pytest
from django.core.management import call_command

from kpis import tasks as kpi_tasks
from kpis.models import Indicator
from organisation import chasing, clock
from organisation import tasks as task_lists
from organisation.models import ReportingPeriod, ServiceArea
from tests.conftest import client_for, make_user


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("load_demo_data", stdout=io.StringIO())
    return ReportingPeriod.for_label("2019/20 Q1")


def _figure_count(tasks) -> int:
    return sum(int(re.match(r"Enter and submit (\d+) figure", t.title).group(1)) for t in tasks
               if t.kind == "figures")


def test_annual_results_due_in_the_quarter_are_tasks_and_the_counts_agree(demo):
    officer = make_user("complete.officer", "Performance officer", is_staff=True)
    found = kpi_tasks.outstanding(demo)
    annual_missing = [code for codes in found.to_enter.values() for code, _, annual, _ in codes if annual]
    assert annual_missing, "the demo's 2019/20 Q1 has annual results still to come"
    all_tasks = task_lists.all_tasks(clock.today())
    assert _figure_count(all_tasks) == found.not_submitted
    assert any("annual result" in t.title for t in all_tasks if t.kind == "figures")
    # The lock page says the same number.
    page = client_for(officer).get(f"/periods/{demo.pk}/lock/").content.decode()
    assert f"{found.not_submitted} figure{'s' if found.not_submitted != 1 else ''} not submitted" in page
    # The tasks page totals the same tasks.
    response = client_for(officer).get("/tasks/")
    assert response.context["total"] == len(task_lists.all_tasks(clock.today()))


def _orphan_area(directorate, head=None) -> ServiceArea:
    area = ServiceArea.objects.create(directorate=directorate, name="Orphan Service", head_of_service=head)
    Indicator.objects.create(code="ORP001", title="An orphan's figure", service_area=area, polarity="higher",
                             unit="percent")
    return area


def test_an_area_with_no_manager_goes_to_its_head_of_service(demo):
    head = make_user("complete.head", "Executive", email="head@example.org", first_name="Hana", last_name="Head")
    area = _orphan_area(ServiceArea.objects.first().directorate, head)
    task = next(t for t in task_lists.all_tasks(clock.today()) if t.area_id == area.pk)
    assert task.people == (head.pk,)
    # Her home page lists the overdue returns of the areas she heads (the demo date is after the deadline).
    head_client = client_for(head)
    body = head_client.get("/home/").content.decode()
    assert "Overdue in the service areas you head" in body and "Orphan Service" in body
    # Each of its links opens a page she may read (the form itself is the manager's).
    import re

    section = body.split("Overdue in the service areas you head", 1)[1].split("</table>", 1)[0]
    links = re.findall(r'href="([^"]+)"', section)
    assert links
    for link in links:
        assert head_client.get(link.replace("&amp;", "&"), follow=True).status_code == 200, link
    # The reminders reach her.
    plan = chasing.plan(clock.today())
    assert any(d.person.id == head.pk and any(m.task.area_id == area.pk for m in d.messages) for d in plan.digests)


def test_an_area_with_no_manager_and_no_head_goes_to_the_performance_officers(demo):
    officer = make_user("complete.officer2", "Performance officer", is_staff=True, email="po@example.org")
    area = _orphan_area(ServiceArea.objects.first().directorate)
    task = next(t for t in task_lists.all_tasks(clock.today()) if t.area_id == area.pk)
    assert officer.pk in task.people
    assert not [t for t in task_lists.all_tasks(clock.today()) if not t.people]


def test_an_inactive_head_is_passed_over(demo):
    head = make_user("complete.gone", "Executive", is_active=False)
    officer = make_user("complete.officer3", "Performance officer", is_staff=True)
    area = _orphan_area(ServiceArea.objects.first().directorate, head)
    task = next(t for t in task_lists.all_tasks(clock.today()) if t.area_id == area.pk)
    assert head.pk not in task.people and officer.pk in task.people


def test_a_head_of_service_with_nothing_overdue_sees_no_list(demo):
    head = make_user("complete.calm", "Executive")
    body = client_for(head).get("/home/").content.decode()
    assert "Overdue in the service areas you head" not in body
