"""The demo data set (public figures in demo/) and one demo user per role."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from . import interchange, roles
from .models import Directorate, ReportingPeriod, ServiceArea

DEMO_DIR = Path(settings.BASE_DIR) / "demo"

# Loaded in this order, through the same import path as the web and commands.
DEMO_FILES = (
    ("indicators", "indicators.csv"),
    ("targets", "targets.csv"),
    ("actuals", "actuals.csv"),
    ("risks", "risks.csv"),
    ("placements", "placements.csv"),
)

# The quarter left open for entry; every earlier quarter is locked.
OPEN_QUARTER = "2019/20 Q1"

DEMO_PASSWORD = "council-demo-2026"
DEMO_DIRECTORATE = "People"


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    service_areas: tuple[str, ...] = ()


DEMO_USERS = (
    DemoUser("performance", "Priya", "Shah", roles.PERFORMANCE_OFFICER),
    DemoUser("executive", "Elaine", "Morgan", roles.EXECUTIVE),
    DemoUser("audit", "Arthur", "Bennett", roles.AUDIT_COMMITTEE),
    DemoUser("manager.children", "Chloe", "Adams", roles.SERVICE_MANAGER, ("Children & Families Services",)),
    DemoUser("manager.adults", "Sam", "Okafor", roles.SERVICE_MANAGER, ("Adult Social Care",)),
)


class DemoError(RuntimeError):
    pass


def load_data() -> list[str]:
    """Import every demo file whose kind is registered; return summary lines."""
    lines = []
    for kind, filename in DEMO_FILES:
        if kind not in interchange.kind_names(importable=True):
            continue
        path = DEMO_DIR / filename
        report = interchange.import_file(kind, filename, path.read_bytes(), dry_run=False)
        if report.errors:
            raise DemoError(f"{filename}: " + "; ".join(report.errors[:5]))
        lines.append(f"{kind}: {report.summary()}")
    set_period_states()
    return lines


def set_period_states() -> None:
    open_quarter = ReportingPeriod.for_label(OPEN_QUARTER)
    ReportingPeriod.objects.quarters().filter(year__lt=open_quarter.year).update(state=ReportingPeriod.State.LOCKED)
    ReportingPeriod.objects.quarters().filter(year=open_quarter.year, quarter__lt=open_quarter.quarter).update(
        state=ReportingPeriod.State.LOCKED
    )
    ReportingPeriod.objects.filter(pk=open_quarter.pk).update(state=ReportingPeriod.State.OPEN)


@transaction.atomic
def create_users() -> list[DemoUser]:
    if not settings.DEBUG:
        raise DemoError("Demo users have a published password: they are only created when DEBUG is on.")
    User = get_user_model()
    directorate, _ = Directorate.objects.get_or_create(name=DEMO_DIRECTORATE)
    for demo in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=demo.username)
        user.first_name = demo.first_name
        user.last_name = demo.last_name
        user.email = f"{demo.username}@example.org"
        user.is_staff = demo.role == roles.PERFORMANCE_OFFICER
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=demo.role)])
        areas = [
            ServiceArea.objects.get_or_create(directorate=directorate, name=name)[0] for name in demo.service_areas
        ]
        user.managed_service_areas.set(areas)
    return list(DEMO_USERS)
