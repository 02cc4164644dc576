"""A deterministic synthetic council for load tests and the benchmark.

Per unit of scale: one directorate with six service areas and a service
manager each; then each domain app's registered generator adds its part
(kpis: 60 indicators with eight years of targets and figures; risks: 40 risks
with 32 quarterly reviews each; placements: 15 categories with 32 snapshots).
Quarters before the last are locked, their figures signed off with the
judgement they were reported with, as a real council's would be.

Rows are bulk-written through each app's services: synthetic data has no change history.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from . import roles, services, summaries
from .models import Directorate, ReportingPeriod, ServiceArea
from .periods import Period

FIRST_YEAR = 2012
YEARS = 8
AREAS = ("Adult Social Care", "Children & Families", "Education & Skills", "Public Health", "Housing", "Communities")
PASSWORD = "synthetic-password-not-secret"


@dataclass
class Unit:
    """One unit of scale, handed to each app's generator."""

    number: int
    directorate: Directorate
    areas: list[ServiceArea]
    years: list[ReportingPeriod]
    quarters: list[ReportingPeriod]
    rng: random.Random
    shared: dict = field(default_factory=dict)  # for a generator's own use across units


Generator = Callable[[Unit], dict[str, int]]
_GENERATORS: list[Generator] = []


def register(generator: Generator) -> None:
    """Called from each domain app's AppConfig.ready(); generators run in registration order."""
    if generator not in _GENERATORS:
        _GENERATORS.append(generator)


def own_directorates() -> list[str]:
    """Directorates the generator did not make (a real council's, or the demo's)."""
    return sorted(Directorate.objects.exclude(name__startswith="Synthetic directorate ").values_list("name",
                                                                                                      flat=True))


def _periods() -> tuple[list[ReportingPeriod], list[ReportingPeriod]]:
    values = [Period(year, q) for year in range(FIRST_YEAR, FIRST_YEAR + YEARS) for q in (None, 1, 2, 3, 4)]
    periods = services.periods_load(values=values, open_value=values[-1])
    return [p for p in periods if p.is_year], [p for p in periods if not p.is_year]


@transaction.atomic
def generate(scale: int, seed: int = 1) -> dict[str, int]:
    rng = random.Random(seed)
    years, quarters = _periods()
    manager_group = Group.objects.get(name=roles.SERVICE_MANAGER)
    password = make_password(PASSWORD)
    User = get_user_model()
    created: dict[str, int] = {}
    shared: dict = {}
    for number in range(1, scale + 1):
        directorate, new = services.directorate_get_or_create(name=f"Synthetic directorate {number}")
        areas = [services.service_area_get_or_create(directorate=directorate, name=f"{name} {number}")[0]
                 for name in AREAS]
        for index, area in enumerate(areas, start=1):
            user, _ = User.objects.get_or_create(username=f"gen.manager.{number}.{index}",
                                                 defaults={"password": password, "first_name": "Synthetic",
                                                           "last_name": f"Manager {number}.{index}"})
            user.groups.add(manager_group)
            services.service_area_add_manager(area=area, user=user)
        unit = Unit(number, directorate, areas, years, quarters, rng, shared)
        for generator in _GENERATORS:
            for name, count in generator(unit).items():
                created[name] = created.get(name, 0) + count
    # The quarters made locked hold their record, as if they had been locked after their figures were in.
    services.periods_record(quarters=[q for q in quarters if getattr(q, "created_locked", False)])
    summaries.changed()  # bulk-written: no signals, no history
    return created
