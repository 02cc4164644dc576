"""Schemathesis against the API's own OpenAPI schema, through the Django WSGI app: generated GETs with an
officer's token (and with a manager's) never get a 5xx, and every answer matches the schema."""

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.api.conftest import token_for
from tests.api.world import build


def _schema():
    """The schema the API serves (drf-spectacular's generator: no database needed), run on the WSGI app."""
    from drf_spectacular.generators import SchemaGenerator

    from config.wsgi import application

    loaded = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
    loaded.app = application
    return loaded


schema = _schema()


@pytest.fixture(autouse=True)
def _connection_kept():
    """Calls go through the WSGI handler, whose request signals close the database connection at the end of
    each request; on PostgreSQL that would end the test's transaction. Django's test client keeps it open the
    same way."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(settings, directorate, area_a, area_b, open_quarter, locked_quarter):
    settings.API_THROTTLE_RATE = None  # hundreds of generated calls in a few seconds
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost", "testserver"]
    return build(directorate, area_a, area_b, open_quarter)


@pytest.fixture(params=["officer_user", "manager_a_user"])
def caller(request, world):
    return {"Authorization": f"Token {token_for(request.getfixturevalue(request.param))}"}


@schema.include(method="GET").parametrize()
@hypothesis_settings(max_examples=25, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                            HealthCheck.filter_too_much])
def test_the_api_keeps_to_its_schema(case, caller):
    response = case.call(headers=caller)
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance,
                                             content_type_conformance])
