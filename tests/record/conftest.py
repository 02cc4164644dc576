"""Fixtures shared by the issue 11 regression tests (the personas are in tests/conftest.py)."""

import pytest

from placements.models import PlacementCategory, PlacementHeading
from tests.kpis.conftest import make_indicator, set_target


@pytest.fixture
def staff_officer_user(officer_user):
    """A performance officer as the demo creates one: staff, so it can use the admin."""
    officer_user.is_staff = True
    officer_user.save()
    return officer_user


@pytest.fixture
def dpe007(area_a, open_quarter):
    """A percentage, higher is better, with a target of 90 for 2019/20."""
    indicator = make_indicator(area_a, "DPE007")
    set_target(indicator, "2019/20", 90)
    return indicator


@pytest.fixture
def foster_care(db) -> PlacementCategory:
    heading = PlacementHeading.objects.create(name="Foster Care", order=1, is_foster_care=True)
    return PlacementCategory.objects.create(heading=heading, name="In-house foster care", order=1,
                                            provision=PlacementCategory.ProvisionType.IN_HOUSE)

