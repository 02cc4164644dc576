"""Transformation programmes: their workstreams, SMART objectives and quarterly assessments, savings,
benefits still to be realised, milestones, budget lines and the risks to delivery (shared/domain.md,
"Programmes and benefits"). Money is Decimal pounds; a blank is "not entered", never zero."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from organisation import parsing
from organisation.models import Directorate, ReportingPeriod, ServiceArea

from . import rules

TEXT_VALIDATOR = MaxLengthValidator(parsing.TEXT_MAX)
MONEY = {"max_digits": 14, "decimal_places": 2}


class Programme(models.Model):
    class Status(models.TextChoices):
        MANDATED = "mandated", "Mandated"
        RUNNING = "running", "Running"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=120, unique=True)
    directorate = models.ForeignKey(Directorate, on_delete=models.PROTECT, related_name="+")
    service_area = models.ForeignKey(
        ServiceArea, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="The owning service area: its managers enter the programme's assessments and savings.")
    sponsor = models.CharField(max_length=255, blank=True)
    senior_responsible_owner = models.CharField(max_length=255, blank=True)
    manager = models.CharField(max_length=255, blank=True, help_text="The programme manager.")
    governance = models.TextField(blank=True, validators=[TEXT_VALIDATOR],
                                  help_text="The boards it reports to and how often.")
    mandate_date = models.DateField(null=True, blank=True)
    planned_closure = models.DateField(null=True, blank=True, help_text="The original planned closure.")
    approved_closure = models.DateField(null=True, blank=True, help_text="The closure date now approved.")
    actual_closure = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    savings_tolerance = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)],
        help_text="Percent of the planned saving a forecast may fall short and be At risk rather than "
                  "Undeliverable; blank means 15.")
    risks = models.ManyToManyField("risks.Risk", blank=True, related_name="programmes",
                                   help_text="Risks to delivery, in the registers.")

    history = HistoricalRecords(m2m_fields=[risks])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(savings_tolerance__isnull=True) | Q(savings_tolerance__gte=0,
                                                                                    savings_tolerance__lte=100),
                                   name="programme_tolerance_percent"),
        ]

    def __str__(self) -> str:
        return self.name


class Workstream(models.Model):
    """A workstream of the benefits map, with its projects, measures and performance to date."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="workstreams")
    name = models.CharField(max_length=120)
    owner = models.CharField(max_length=255, blank=True)
    projects = models.TextField(blank=True, validators=[TEXT_VALIDATOR], help_text="One project per line.")
    measures = models.TextField(blank=True, validators=[TEXT_VALIDATOR])
    performance = models.TextField(blank=True, validators=[TEXT_VALIDATOR],
                                   help_text="Performance to date, in words (linked indicators add theirs).")
    indicators = models.ManyToManyField("kpis.Indicator", blank=True, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords(m2m_fields=[indicators])

    class Meta:
        ordering = ["programme", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["programme", "name"], name="workstream_unique_in_programme")]

    def __str__(self) -> str:
        return self.name

    @property
    def project_list(self) -> list[str]:
        return [line.strip() for line in self.projects.splitlines() if line.strip()]


class Objective(models.Model):
    """A SMART objective: what it is, how it is measured (linked indicators where they exist) and when."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="objectives")
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    objective = models.TextField(validators=[MaxLengthValidator(1000)])
    measure = models.TextField(blank=True, validators=[TEXT_VALIDATOR])
    timeframe = models.CharField(max_length=255, blank=True)
    indicators = models.ManyToManyField("kpis.Indicator", blank=True, related_name="+")

    history = HistoricalRecords(m2m_fields=[indicators])

    class Meta:
        ordering = ["programme", "number"]
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="objective_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.objective[:80]}"


class Assessment(models.Model):
    """An objective's assessment in a quarter: its RAG and commentary while the programme runs, its status
    at closure. Entered as draft, submitted, sent back with a question or signed off; frozen by the lock."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        SIGNED_OFF = "signed_off", "Signed off"

    RAG_CHOICES = [(p.value, f"{p.colour.value} ({p.value})") for p in rules.Progress]
    CLOSURE_CHOICES = [(a.value, a.value) for a in rules.Assessment]

    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="assessments")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+",
                               limit_choices_to={"quarter__isnull": False})
    rag = models.CharField(max_length=12, blank=True, choices=RAG_CHOICES)
    assessment = models.CharField(max_length=20, blank=True, choices=CLOSURE_CHOICES,
                                  help_text="Blank while running; the status at closure.")
    commentary = models.TextField(blank=True, validators=[TEXT_VALIDATOR])
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    entered_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    signed_off_at = models.DateTimeField(null=True, blank=True)
    question = models.TextField(blank=True, validators=[TEXT_VALIDATOR])
    question_at = models.DateTimeField(null=True, blank=True)
    # The objective's words as the quarter reported them: written when the quarter locks, so the highlight
    # report of a locked quarter reads the same whatever is reworded afterwards.
    reported_number = models.PositiveSmallIntegerField(null=True, blank=True)
    reported_objective = models.TextField(blank=True)
    reported_measure = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["objective__programme", "objective__number", "period__year", "period__quarter"]
        constraints = [models.UniqueConstraint(fields=["objective", "period"], name="assessment_unique_per_quarter")]

    def __str__(self) -> str:
        return f"Objective {self.objective.number} {self.period}: {self.rag or self.assessment or 'not assessed'}"

    @property
    def shown_number(self) -> int:
        return self.reported_number if self.period.has_record and self.reported_number else self.objective.number

    @property
    def shown_objective(self) -> str:
        return self.reported_objective if self.period.has_record and self.reported_objective \
            else self.objective.objective

    @property
    def shown_measure(self) -> str:
        return self.reported_measure if self.period.has_record and self.reported_objective \
            else self.objective.measure


class Saving(models.Model):
    """A saving profiled for a financial year, as reported in a quarter: planned, forecast, delivered, RAG."""

    STATUS_CHOICES = [(s.value, s.value) for s in rules.SavingStatus]

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="savings")
    year = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+",
                             limit_choices_to={"quarter__isnull": True},
                             help_text="The financial year the saving falls in.")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+",
                               limit_choices_to={"quarter__isnull": False}, help_text="The quarter it was reported.")
    planned = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    forecast = models.DecimalField(**MONEY, null=True, blank=True, validators=[MinValueValidator(0)])
    delivered = models.DecimalField(**MONEY, null=True, blank=True, validators=[MinValueValidator(0)])
    rag = models.CharField(max_length=14, blank=True, choices=STATUS_CHOICES,
                           help_text="Blank: judged from the amounts (programmes.rules.saving_status).")
    owner = models.CharField(max_length=255, blank=True)
    forum = models.CharField(max_length=255, blank=True)
    how_measured = models.CharField(max_length=255, blank=True)
    commentary = models.TextField(blank=True, validators=[TEXT_VALIDATOR])
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # The status as the quarter reported it, written when the quarter locks (a later change of the
    # programme's tolerance does not rejudge a locked quarter).
    reported_status = models.CharField(max_length=14, blank=True, choices=STATUS_CHOICES)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["programme", "period__year", "period__quarter", "year__year"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year", "period"], name="saving_unique_per_quarter"),
            models.CheckConstraint(condition=Q(planned__gte=0) & (Q(forecast__isnull=True) | Q(forecast__gte=0))
                                   & (Q(delivered__isnull=True) | Q(delivered__gte=0)),
                                   name="saving_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} savings {self.year} as at {self.period}"

    def line(self) -> rules.SavingLine:
        return rules.SavingLine(year=self.year.label, planned=self.planned,
                                forecast=self.planned if self.forecast is None else self.forecast,
                                delivered=self.delivered)

    def status(self, tolerance=None) -> rules.SavingStatus:
        """The RAG reported: as recorded at the lock; else the one entered, else the rules' from the amounts."""
        if self.reported_status and self.period.has_record:
            return rules.SavingStatus(self.reported_status)
        if self.rag:
            return rules.SavingStatus(self.rag)
        return self.line().status(tolerance)


class Benefit(models.Model):
    """A benefit still to be realised after closure (the closure report's handover table)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="benefits")
    workstream = models.ForeignKey(Workstream, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    benefit = models.TextField(validators=[MaxLengthValidator(1000)])
    how_measured = models.TextField(blank=True, validators=[TEXT_VALIDATOR])
    owner = models.CharField(max_length=255, blank=True)
    forum = models.CharField(max_length=255, blank=True)
    when = models.CharField(max_length=120, blank=True, help_text="When it will be realised, e.g. to April 2020.")
    financial = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "order", "pk"]

    def __str__(self) -> str:
        return self.benefit[:80]


class Milestone(models.Model):
    """A milestone against the baseline plan: planned (baseline), approved and actual dates, and the reason
    for any slippage."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="milestones")
    workstream = models.ForeignKey(Workstream, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=255)
    baseline = models.DateField()
    approved = models.DateField(null=True, blank=True)
    actual = models.DateField(null=True, blank=True)
    slippage_reason = models.TextField(blank=True, validators=[TEXT_VALIDATOR])

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "baseline", "name"]
        constraints = [models.UniqueConstraint(fields=["programme", "name"], name="milestone_unique_in_programme")]

    def __str__(self) -> str:
        return self.name

    def dates(self) -> rules.Milestone:
        return rules.Milestone(baseline=self.baseline, approved=self.approved, actual=self.actual)


class BudgetLine(models.Model):
    class Kind(models.TextChoices):
        CAPITAL = "capital", "Capital"
        REVENUE = "revenue", "Revenue"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="budget")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source = models.CharField(max_length=120, blank=True, help_text="e.g. Capital reserves.")
    original = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    final_approved = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    spend = models.DecimalField(**MONEY, default=0, validators=[MinValueValidator(0)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "kind"], name="budget_line_unique_kind"),
            models.CheckConstraint(condition=Q(original__gte=0, final_approved__gte=0, spend__gte=0),
                                   name="budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} budget of {self.programme}"

    def variance(self) -> rules.BudgetVariance:
        return rules.budget_variance(self.original, self.final_approved, self.spend)
