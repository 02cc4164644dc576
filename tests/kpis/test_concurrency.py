"""Two people saving the same figure at the same moment (PostgreSQL, two threads, two connections).

The first save wins; the second gets the usual conflict message with both values, never a server
error from the database's unique constraint. SQLite writes one connection at a time, so these run on
PostgreSQL only (as CI does).
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from kpis.models import Actual
from organisation import roles
from tests.conftest import client_for, make_user
from tests.kpis.conftest import make_indicator, set_target
from tests.kpis.test_views import entry_url, post_data

pytestmark = [
    pytest.mark.commits,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real connections (PostgreSQL)"),
]


def _race(posts):
    """Run each (client, url, data) at once, each thread on its own connection; return the responses."""
    barrier = threading.Barrier(len(posts))
    responses = [None] * len(posts)

    def run(index, client, url, data):
        try:
            barrier.wait()
            responses[index] = client.post(url, data)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, *post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return responses


def test_two_simultaneous_first_saves_of_a_figure_give_one_save_and_the_conflict_message(area_a, open_quarter):
    indicator = make_indicator(area_a, "DPE007")
    set_target(indicator, "2019/20", 90)
    first = make_user("first", roles.SERVICE_MANAGER, [area_a], first_name="Fay", last_name="First")
    second = make_user("second", roles.SERVICE_MANAGER, [area_a], first_name="Sid", last_name="Second")
    url = entry_url(open_quarter, area_a)
    responses = _race([
        (client_for(first), url, post_data(indicator, value="91", commentary="first")),
        (client_for(second), url, post_data(indicator, value="92", commentary="second")),
    ])
    codes = sorted(r.status_code for r in responses)
    assert codes == [302, 409], codes
    refused = next(r for r in responses if r.status_code == 409).content.decode()
    assert "Someone else saved these figures after you opened the form" in refused
    saved = Actual.objects.get()
    assert saved.value in (Decimal("91"), Decimal("92")) and saved.version == 1


def test_two_simultaneous_reviews_of_a_risk_give_one_save_and_the_conflict_message(
        directorate, area_a, open_quarter):
    from risks.models import RiskReview
    from tests.risks.conftest import make_risk

    make_risk("CRR9", directorate, area_a)
    officer = make_user("officer", roles.PERFORMANCE_OFFICER)
    manager = make_user("manager", roles.SERVICE_MANAGER, [area_a])
    url = f"/risks/CRR9/review/{open_quarter.slug}/"
    data = {"version": 0, "likelihood": 2, "impact": 7, "tolerance_likelihood": 1, "tolerance_impact": 7}
    responses = _race([(client_for(officer), url, data), (client_for(manager), url, data | {"likelihood": 3})])
    assert sorted(r.status_code for r in responses) == [302, 409]
    assert RiskReview.objects.get().version == 1
