from tests.kpis.conftest import dpe007  # noqa: F401 - a fixture the organisation tests use too
