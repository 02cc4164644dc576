"""The read replica: which database each read and write goes to (organisation/routing.py).

The test settings hold a second database, "replica", built from the models but never written by the
application. A row put only there shows which database a page read.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import router
from django.http import HttpResponse
from django.test import override_settings
from django.urls import resolve, reverse
from django.utils import timezone

from kpis.models import Indicator
from organisation import routing, summaries
from organisation.models import AuditEvent, DataVersion, Directorate
from risks.models import Risk

BOTH = ["default", "replica"]


@pytest.fixture
def replica_on():
    with override_settings(READ_REPLICA="replica"):
        yield


def _event(using: str, label: str) -> AuditEvent:
    return AuditEvent.objects.using(using).create(
        when=timezone.now(), who="Test", action=AuditEvent.Action.LOADED, object_type="Test", object_label=label)


# --- the router on its own ------------------------------------------------------------------------------

@pytest.mark.parametrize("model", [Indicator, Risk, AuditEvent, Directorate])
def test_without_a_replica_everything_reads_the_primary(model):
    with routing.reading_replica():
        assert router.db_for_read(model) == "default"
        assert not routing.reads_replica()


@pytest.mark.parametrize("model", [Indicator, Risk, AuditEvent, Directorate, DataVersion])
def test_a_reading_request_reads_the_councils_data_from_the_replica(replica_on, model):
    assert router.db_for_read(model) == "default"  # outside a request that allows it
    with routing.reading_replica():
        assert router.db_for_read(model) == "replica"
        assert routing.reads_replica()
    assert router.db_for_read(model) == "default"


@pytest.mark.parametrize("model", [get_user_model(), "sessions.Session", "auth.Group", "axes.AccessAttempt"])
def test_accounts_sessions_and_sign_in_throttling_always_read_the_primary(replica_on, model):
    from django.apps import apps

    model = apps.get_model(model) if isinstance(model, str) else model
    with routing.reading_replica():
        assert router.db_for_read(model) == "default"


def test_writes_go_to_the_primary_and_the_rest_of_the_request_reads_it(replica_on):
    with routing.reading_replica():
        assert router.db_for_read(Indicator) == "replica"
        assert router.db_for_write(Indicator) == "default"
        assert router.db_for_read(Indicator) == "default"
        assert router.db_for_read(Risk) == "default"  # every model, not only the one written
        assert not routing.reads_replica()


def test_a_session_write_does_not_count_as_the_users_own_write(replica_on):
    from django.apps import apps

    with routing.reading_replica():
        assert router.db_for_write(apps.get_model("sessions.Session")) == "default"
        assert router.db_for_read(Indicator) == "replica"


def test_every_page_named_for_the_replica_exists():
    from django.urls import get_resolver

    names = set()
    resolver = get_resolver()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix)
            elif pattern.name:
                names.add(prefix + pattern.name)

    walk(resolver.url_patterns)
    assert routing.REPLICA_VIEWS <= names


@pytest.mark.django_db(databases=BOTH)
def test_a_row_read_from_the_replica_is_saved_to_the_primary(replica_on):
    Directorate.objects.using("default").create(pk=901, name="People")
    Directorate.objects.using("replica").create(pk=901, name="People (replica copy)")
    with routing.reading_replica():
        found = Directorate.objects.get(pk=901)
        assert found.name == "People (replica copy)"
        found.name = "People and Communities"
        found.save()
    assert Directorate.objects.using("default").get(pk=901).name == "People and Communities"
    assert Directorate.objects.using("replica").get(pk=901).name == "People (replica copy)"


@pytest.mark.django_db(databases=BOTH)
def test_the_summary_stamp_is_read_from_the_database_the_request_reads(replica_on):
    DataVersion.objects.using("default").update_or_create(pk=summaries.VERSION_NAME, defaults={"number": 7})
    DataVersion.objects.using("replica").update_or_create(pk=summaries.VERSION_NAME, defaults={"number": 6})
    assert summaries.data_stamp()[0] == 7
    with routing.reading_replica():
        # A lagging replica's summary is kept under the replica's version, never the primary's newer one.
        assert summaries.data_stamp()[0] == 6


# --- through the middleware ------------------------------------------------------------------------------

@pytest.mark.django_db(databases=BOTH)
def test_a_reporting_page_reads_the_replica_and_a_form_reads_the_primary(replica_on, officer):
    _event("default", "only on the primary")
    _event("replica", "only on the replica")
    page = officer.get(reverse("audit:trail")).content.decode()
    assert "only on the replica" in page and "only on the primary" not in page
    assert resolve(reverse("periods:list")).view_name not in routing.REPLICA_VIEWS
    # The periods page (where the officer locks and opens quarters) reads the primary.
    assert officer.get(reverse("periods:list")).status_code == 200


@pytest.mark.django_db(databases=BOTH)
def test_without_a_replica_the_same_page_reads_the_primary(officer):
    _event("default", "only on the primary")
    _event("replica", "only on the replica")
    page = officer.get(reverse("audit:trail")).content.decode()
    assert "only on the primary" in page and "only on the replica" not in page
    assert routing.PIN_COOKIE not in officer.cookies


@pytest.mark.django_db(databases=BOTH)
def test_after_a_write_the_users_next_request_reads_the_primary_then_the_replica_again(replica_on, officer):
    _event("default", "only on the primary")
    _event("replica", "only on the replica")
    response = officer.post(reverse("account:index"), {"reminders": "off"})
    assert response.status_code == 302
    assert response.cookies[routing.PIN_COOKIE].value == "1"
    assert response.cookies[routing.PIN_COOKIE]["httponly"]
    pinned = officer.get(reverse("audit:trail"))
    page = pinned.content.decode()
    assert "only on the primary" in page and "only on the replica" not in page
    assert pinned.cookies[routing.PIN_COOKIE]["max-age"] == 0  # used once, then forgotten
    after = officer.get(reverse("audit:trail")).content.decode()
    assert "only on the replica" in after and "only on the primary" not in after


@pytest.mark.django_db(databases=BOTH)
def test_a_reading_page_that_writes_reads_the_primary_after_and_pins_the_next_request(replica_on, rf):
    seen = []

    def page(request):
        middleware.process_view(request, page, (), {})
        seen.append(router.db_for_read(Directorate))
        Directorate.objects.create(name="Written during a read")
        seen.append(router.db_for_read(Directorate))
        return HttpResponse("ok")

    middleware = routing.ReplicaMiddleware(page)
    request = rf.get("/audit/")
    request.resolver_match = resolve("/audit/")
    response = middleware(request)
    assert seen == ["replica", "default"]
    assert response.cookies[routing.PIN_COOKIE].value == "1"
    assert Directorate.objects.using("default").filter(name="Written during a read").exists()
    assert not Directorate.objects.using("replica").filter(name="Written during a read").exists()


@pytest.mark.django_db(databases=BOTH)
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_a_request_that_is_not_a_read_never_reads_the_replica(replica_on, rf, method):
    seen = []

    def page(request):
        middleware.process_view(request, page, (), {})
        seen.append(router.db_for_read(Directorate))
        return HttpResponse("ok")

    middleware = routing.ReplicaMiddleware(page)
    request = getattr(rf, method)("/audit/")
    request.resolver_match = resolve("/audit/")
    response = middleware(request)
    assert seen == ["default"]
    assert response.cookies[routing.PIN_COOKIE].value == "1"


@pytest.mark.django_db(databases=BOTH)
def test_export_data_reads_the_replica(replica_on):
    from io import StringIO

    from django.core.management import call_command

    _event("default", "only on the primary")
    _event("replica", "only on the replica")
    out = StringIO()
    call_command("export_data", "audit-trail", stdout=out)
    assert "only on the replica" in out.getvalue() and "only on the primary" not in out.getvalue()


@pytest.mark.django_db(databases=BOTH)
def test_the_pin_waits_for_the_next_reporting_page_whatever_pages_come_between(replica_on, officer):
    _event("default", "only on the primary")
    _event("replica", "only on the replica")
    officer.post(reverse("account:index"), {"reminders": "off"})
    # Sent back to a form (not a reporting page): the pin is kept for the page that needs it.
    between = officer.get(reverse("periods:list"))
    assert between.status_code == 200 and routing.PIN_COOKIE not in between.cookies
    page = officer.get(reverse("audit:trail")).content.decode()
    assert "only on the primary" in page and "only on the replica" not in page
    assert "only on the replica" in officer.get(reverse("audit:trail")).content.decode()


def test_who_manages_a_service_area_is_always_read_from_the_primary(replica_on):
    from organisation.models import ServiceArea

    through = ServiceArea.managers.through
    assert through._meta.label_lower in routing.PRIMARY_MODELS
    with routing.reading_replica():
        assert router.db_for_read(through) == "default"
        assert router.db_for_read(ServiceArea) == "replica"
        router.db_for_write(through)
        assert router.db_for_read(ServiceArea) == "replica"  # not the user's own data write
