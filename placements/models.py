from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from organisation.models import ReportingPeriod

from .costing import Provision


class PlacementHeading(models.Model):
    name = models.CharField(max_length=120, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_foster_care = models.BooleanField(default=False, help_text="Counts towards the foster-care split.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class PlacementCategory(models.Model):
    class ProvisionType(models.TextChoices):
        IN_HOUSE = Provision.IN_HOUSE.value, "In-house"
        EXTERNAL = Provision.EXTERNAL.value, "External"
        OTHER = Provision.OTHER.value, "Other"

    heading = models.ForeignKey(PlacementHeading, on_delete=models.PROTECT, related_name="categories")
    name = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)
    provision = models.CharField(max_length=10, choices=ProvisionType.choices, default=ProvisionType.OTHER)
    ssda903_codes = models.CharField(
        max_length=60, blank=True, help_text="National SSDA903 placement types covered, e.g. U4, U5, U6 or K2."
    )
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["heading__order", "heading__name", "order", "name"]
        verbose_name_plural = "placement categories"
        constraints = [models.UniqueConstraint(fields=["heading", "name"], name="category_unique_in_heading")]

    def __str__(self) -> str:
        return f"{self.heading.name}: {self.name}"


class PlacementSnapshot(models.Model):
    """Children in a category at a quarter end, and their average weekly cost."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+",
                               limit_choices_to={"quarter__isnull": False})
    category = models.ForeignKey(PlacementCategory, on_delete=models.PROTECT, related_name="snapshots")
    children = models.PositiveIntegerField()
    average_weekly_cost = models.DecimalField(max_digits=10, decimal_places=2,
                                              validators=[MinValueValidator(0)])
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["period__year", "period__quarter", "category__heading__order", "category__order"]
        constraints = [
            models.UniqueConstraint(fields=["period", "category"], name="snapshot_unique_per_quarter"),
            models.CheckConstraint(condition=Q(average_weekly_cost__gte=0), name="snapshot_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.category.name}: {self.children}"


class RecordedCategory(models.Model):
    """A placement category as a locked quarter reported it: its name, its heading's name and order, its
    provision and foster-care flag. Written when the quarter is locked (placements.services.lock_step); the
    report, its downloads and the pack of a quarter read these, whatever is renamed or reordered later."""

    quarter = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+",
                                limit_choices_to={"quarter__isnull": False})
    category = models.ForeignKey(PlacementCategory, on_delete=models.PROTECT, related_name="+")
    heading = models.ForeignKey(PlacementHeading, on_delete=models.PROTECT, related_name="+")
    heading_name = models.CharField(max_length=120)
    heading_order = models.PositiveSmallIntegerField(default=0)
    is_foster_care = models.BooleanField(default=False)
    name = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)
    provision = models.CharField(max_length=10, choices=PlacementCategory.ProvisionType.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["quarter", "category"], name="recorded_category_unique")]

    def __str__(self) -> str:
        return f"{self.heading_name}: {self.name} as reported in quarter {self.quarter_id}"


class RecordedSnapshot(models.Model):
    """A quarter's snapshot as a later locked quarter's report showed it (its trend over the quarters before
    it): written when that quarter (``as_at``) is locked, so its report and pack read the same even if an
    earlier quarter is reopened and corrected afterwards."""

    as_at = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+",
                              limit_choices_to={"quarter__isnull": False})
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+",
                               limit_choices_to={"quarter__isnull": False})
    category = models.ForeignKey(PlacementCategory, on_delete=models.PROTECT, related_name="+")
    children = models.PositiveIntegerField()
    average_weekly_cost = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["as_at", "period", "category"],
                                               name="recorded_snapshot_unique")]

    def __str__(self) -> str:
        return f"quarter {self.period_id} as at {self.as_at_id}: {self.children}"
