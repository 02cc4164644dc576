from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from organisation import parsing
from organisation.models import ReportingPeriod, ServiceArea

from . import benchmarking
from . import status as rules

CODE_VALIDATOR = RegexValidator(parsing.CODE, 'The code may use only letters, digits, ".", "-" and "_" (at most 20)')
TEXT_VALIDATOR = MaxLengthValidator(parsing.TEXT_MAX)


class KeyCommitment(models.Model):
    """A corporate-plan key commitment, e.g. EC1."""

    code = models.CharField(max_length=20, unique=True, validators=[CODE_VALIDATOR])
    title = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}" if self.title else self.code


class IndicatorRules:
    """What the rules need to know of an indicator, shared by the model and queries.IndicatorFacts."""

    tolerance: Decimal | None
    frequency: str
    unit: str

    @property
    def effective_tolerance(self) -> Decimal:
        return self.tolerance if self.tolerance is not None else Decimal(settings.DEFAULT_TOLERANCE)

    @property
    def is_annual(self) -> bool:
        return self.frequency == "annual"

    @property
    def is_percent(self) -> bool:
        return self.unit == "percent"


class Indicator(IndicatorRules, models.Model):
    class Polarity(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    class Unit(models.TextChoices):
        PERCENT = "percent", "Percent"
        NUMBER = "number", "Number"
        RATE_1000 = "rate per 1000", "Rate per 1,000"
        RATE_10000 = "rate per 10000", "Rate per 10,000"
        RATE_100000 = "rate per 100000", "Rate per 100,000"
        CURRENCY = "currency", "Currency (£)"
        HOURS = "hours", "Hours"
        DAYS = "days", "Days"
        POINTS = "points", "Points"
        PERCENTAGE_POINTS = "percentage points", "Percentage points"
        SCORE = "score", "Score"

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        ANNUAL = "annual", "Annual"

    class Accumulation(models.TextChoices):
        SNAPSHOT = "snapshot", "Snapshot"
        CUMULATIVE = "cumulative", "Cumulative (year to date)"

    code = models.CharField(max_length=20, unique=True, validators=[CODE_VALIDATOR])
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True, help_text="Definition: what is counted and how.",
                                   validators=[TEXT_VALIDATOR])
    service_area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="indicators")
    polarity = models.CharField(max_length=6, choices=Polarity.choices)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    precision = models.PositiveSmallIntegerField(
        default=1, validators=[MaxValueValidator(4)], help_text="Decimal places shown."
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY)
    accumulation = models.CharField(max_length=10, choices=Accumulation.choices, default=Accumulation.SNAPSHOT)
    commitment = models.ForeignKey(
        KeyCommitment, null=True, blank=True, on_delete=models.SET_NULL, related_name="indicators"
    )
    tolerance = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text="Percent; blank means the default of 15.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_indicators"
    )
    statutory = models.BooleanField(
        default=False, help_text="A statutory return: its chaser goes even to someone who turned reminders off.")
    benchmark_measure = models.CharField(
        max_length=255, blank=True,
        help_text="The measure's name in DfE's LAIT data (its Short Desc), for importing published benchmarks.")
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["service_area", "active"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Target(models.Model):
    """The target for a quarter, or for a financial year. A blank value means establish a baseline."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator__code", "period__year", "period__quarter"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="target_unique_per_period")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.value if self.value is not None else 'baseline'}"


class Actual(models.Model):
    """The figure for a period. A blank value means data not entered (never zero)."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        SIGNED_OFF = "signed_off", "Signed off"

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="actuals")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    commentary = models.TextField(blank=True, validators=[TEXT_VALIDATOR])
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    # The value as it stood when first signed off; a later correction goes in value.
    reported_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    # The record: the figure and its judgement as last signed off, frozen when its quarter locks.
    # A locked quarter shows these, never the live fields above (which a reopen may revise).
    reported_in = models.ForeignKey(
        ReportingPeriod, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The quarter whose sign-off reported this figure (an annual figure locks with it).")
    signed_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    signed_numerator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    signed_denominator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    signed_commentary = models.TextField(blank=True)
    signed_target = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    signed_previous = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    signed_status = models.CharField(max_length=20, blank=True)  # the status reported (an override's, if any)
    signed_rule_status = models.CharField(max_length=20, blank=True)  # what the rules gave
    signed_direction = models.CharField(max_length=12, blank=True)
    signed_unit = models.CharField(max_length=20, blank=True)
    # The performance officer's reported status, set at sign-off with a reason (councils do: "best rate
    # since records began" reported Well above at exactly its target). The rules' status is kept beside it.
    status_override = models.CharField(max_length=20, blank=True, choices=[(s.value, s.value) for s in rules.Status
                                                                           if s.judged])
    override_reason = models.TextField(blank=True, validators=[TEXT_VALIDATOR])
    # Sent back by the performance team with a question: the manager answers and resubmits.
    question = models.TextField(blank=True, validators=[TEXT_VALIDATOR])
    question_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    question_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True, validators=[TEXT_VALIDATOR])
    answered_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["indicator__code", "period__year", "period__quarter"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="actual_unique_per_period"),
            models.CheckConstraint(condition=Q(denominator__isnull=True) | ~Q(denominator=0),
                                   name="actual_denominator_not_zero"),
        ]
        indexes = [models.Index(fields=["period", "indicator"])]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.value}"

    @property
    def is_revised(self) -> bool:
        return self.reported_value is not None and self.value != self.reported_value

    @property
    def question_pending(self) -> bool:
        """Sent back with a question not yet answered by a resubmission."""
        return bool(self.question) and (self.answered_at is None or (
            self.question_at is not None and self.answered_at < self.question_at))


class Comparator(models.Model):
    """Benchmarks for an indicator in a financial year, and the council's quartile."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="comparators")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+",
                               limit_choices_to={"quarter__isnull": True})
    england = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    statistical_neighbours = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    regional = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    # The council's own figure as published (LAIT's), and the quartile thresholds across all local
    # authorities that year: the band follows from them by polarity (kpis/benchmarking.py).
    council = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True,
                                  help_text="The council's own figure as published.")
    q25 = models.DecimalField("Quartile 25", max_digits=14, decimal_places=4, null=True, blank=True,
                              help_text="The 25th percentile across all local authorities.")
    q50 = models.DecimalField("Quartile 50", max_digits=14, decimal_places=4, null=True, blank=True,
                              help_text="The median across all local authorities.")
    q75 = models.DecimalField("Quartile 75", max_digits=14, decimal_places=4, null=True, blank=True,
                              help_text="The 75th percentile across all local authorities.")
    # A band typed by hand where the thresholds are not known; thresholds and the council's figure win.
    quartile = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="1 (band A) is the best-performing quarter of councils.",
    )

    class Meta:
        ordering = ["indicator__code", "-period__year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="comparator_unique_per_year")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}"

    @property
    def thresholds(self) -> benchmarking.Thresholds | None:
        if self.q25 is None or self.q50 is None or self.q75 is None:
            return None
        try:
            return benchmarking.Thresholds(self.q25, self.q50, self.q75)
        except ValueError:  # thresholds that do not rise give no band
            return None

    def band(self, polarity: str | None) -> str | None:
        """A-D (A the best quarter): from the council's published figure and the thresholds, else as typed."""
        if self.council is not None and self.thresholds is not None:
            return benchmarking.band(self.council, self.thresholds, polarity)
        return benchmarking.QUARTILE_BANDS.get(self.quartile) if self.quartile else None


# Polarity and accumulation values are shared with the pure rules.
assert set(Indicator.Polarity.values) == {p.value for p in rules.Polarity}
assert set(Indicator.Accumulation.values) == {a.value for a in rules.Accumulation}


class RecordedIndicator(models.Model):
    """An indicator as a locked quarter reported it: its code, title, definition, service area and
    directorate (names and membership), key commitment and the people who entered and signed off its figure.

    Written when the quarter is locked (kpis.services.store_judgements) and read by every page, download and
    pack of that quarter, whatever is retitled, redefined, moved, renamed or retired afterwards. It outlives
    a reopen: a re-lock keeps it for an indicator whose figure was not signed off again meanwhile, and writes
    it afresh from the live records for one that was (the correction).
    """

    quarter = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+",
                                limit_choices_to={"quarter__isnull": False})
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=255)
    polarity = models.CharField(max_length=6, choices=Indicator.Polarity.choices)
    unit = models.CharField(max_length=20, choices=Indicator.Unit.choices)
    precision = models.PositiveSmallIntegerField(default=1)
    frequency = models.CharField(max_length=10, choices=Indicator.Frequency.choices)
    accumulation = models.CharField(max_length=10, choices=Indicator.Accumulation.choices)
    tolerance = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    service_area = models.ForeignKey(ServiceArea, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    service_area_name = models.CharField(max_length=120)
    directorate = models.ForeignKey("organisation.Directorate", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    directorate_name = models.CharField(max_length=120)
    commitment = models.ForeignKey(KeyCommitment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    commitment_code = models.CharField(max_length=20, blank=True)
    commitment_title = models.CharField(max_length=255, blank=True)
    entered_by_name = models.CharField(max_length=255, blank=True)
    signed_off_by_name = models.CharField(max_length=255, blank=True)
    # Last year's outturn as the quarter's committee pack gave it (the previous year's Q4, or its annual figure).
    outturn = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    # The financial year's target as it stood at the lock (the paper's "2019/20 Target" column), and whether
    # the indicator had no figure before that year ("New PI 2019/20").
    year_target = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    new_this_year = models.BooleanField(default=False)
    # The published benchmarks the quarter showed (the latest year up to the quarter's): the council's figure,
    # England, statistical neighbours, region and the band. benchmark_year is blank when there were none.
    benchmark_year = models.CharField(max_length=7, blank=True)
    benchmark_council = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    benchmark_england = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    benchmark_neighbours = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    benchmark_regional = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    benchmark_band = models.CharField(max_length=1, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["quarter", "indicator"], name="recorded_indicator_unique")]

    def __str__(self) -> str:
        return f"{self.code} as reported in quarter {self.quarter_id}"


class Judgement(models.Model):
    """An indicator judged for a quarter, stored so that pages read, count and page it in the database.

    One row per indicator shown in the quarter (an annual indicator's row holds its year's figure),
    whether it had a figure or not.
    - In a locked quarter (recorded): the judgement as reported, written when the quarter is locked and
      read for ever after, whatever changes later (targets, definitions, last year's figures, even a
      correction to another quarter). Relocking after a reopen writes the rows again.
    - In an open quarter: the rules' judgement of today's figures, targets and definitions, written by the
      services that change any of them, in the same transaction (kpis/judging.py), so that it never
      disagrees with what the rules compute (`manage.py rejudge --check`).
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="judgements")
    quarter = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+",
                                limit_choices_to={"quarter__isnull": False})
    actual = models.ForeignKey(Actual, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    period_label = models.CharField(max_length=12)
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    reported_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    commentary = models.TextField(blank=True)
    target = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    previous = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    status = models.CharField(max_length=20)  # as reported (an override's, if any)
    rule_status = models.CharField(max_length=20, blank=True)  # what the rules gave, when overridden
    override_reason = models.TextField(blank=True)
    direction = models.CharField(max_length=12)
    data_quality = models.TextField(blank=True)
    unit = models.CharField(max_length=20)
    not_submitted = models.BooleanField(default=False)
    revision_pending = models.BooleanField(default=False)
    state = models.CharField(max_length=12, blank=True)
    # For pages that filter, count, sort and page in SQL.
    recorded = models.BooleanField(default=True, help_text="Written at the lock (the record), not live.")
    rag = models.CharField(max_length=6, blank=True)
    severity = models.SmallIntegerField(default=0)
    exception = models.BooleanField(default=False)
    deviation = models.DecimalField(max_digits=24, decimal_places=8, null=True, blank=True)
    service_area = models.ForeignKey("organisation.ServiceArea", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    # A locked quarter's row: the indicator as reported (its pages filter, sort and show these, not the
    # live indicator's). Open quarters' rows have none.
    facts = models.ForeignKey(RecordedIndicator, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The code in natural order (BCP9 before BCP10: organisation/ordering.py), as the row shows it.
    order_key = models.CharField(max_length=120, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["quarter", "indicator"], name="judgement_unique")]
        indexes = [models.Index(fields=["quarter", "exception", "severity"], name="judgement_exceptions")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_label}: {self.status}"
