from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from organisation import parsing
from organisation.models import Directorate, ReportingPeriod, ServiceArea

from . import scoring

REFERENCE_VALIDATOR = RegexValidator(parsing.CODE, 'The reference may use only letters, digits, ".", "-" and "_" (at most 20)')
TEXT_VALIDATOR = MaxLengthValidator(parsing.TEXT_MAX)


class ScoringScheme(models.Model):
    """A risk matrix as data: scales with labels (impact values are their weights) and level bands."""

    name = models.CharField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    definition = models.JSONField(help_text="likelihood, threat_impact, opportunity_impact: [[value, label]...]; "
                                            "levels: [{name, min, max, colour}...]")
    active = models.BooleanField(default=False)
    appetite_level = models.CharField(max_length=10, default="cautious",
                                      choices=[("averse", "Averse"), ("minimal", "Minimal"), ("cautious", "Cautious"),
                                               ("open", "Open"), ("eager", "Eager")],
                                      help_text="The appetite for a risk with no category of its own.")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["active"], condition=Q(active=True),
                                               name="one_active_scoring_scheme")]

    def __str__(self) -> str:
        return self.name

    @property
    def scheme(self) -> scoring.Scheme:
        return scoring.Scheme.from_data(self.name, self.definition)

    @classmethod
    def current(cls) -> ScoringScheme:
        return cls.objects.filter(active=True).first() or cls.objects.order_by("pk").first()

    @classmethod
    def all_schemes(cls) -> dict[int, scoring.Scheme]:
        """Every scheme by id (there are a handful): reviews are scored on the scheme they name."""
        return {pk: scoring.Scheme.from_data(name, definition)
                for pk, name, definition in cls.objects.values_list("pk", "name", "definition")}


APPETITE_LEVELS = [("averse", "Averse"), ("minimal", "Minimal"), ("cautious", "Cautious"), ("open", "Open"),
                   ("eager", "Eager")]


class RiskCategory(models.Model):
    """A risk category and the council's appetite for it (risks/appetite.py): the Orange Book's example
    categories, plus safeguarding, by default. Risks name their category (Risk.category) by name."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True, validators=[TEXT_VALIDATOR])
    level = models.CharField(max_length=10, choices=APPETITE_LEVELS, default="cautious",
                             help_text="How much risk the council will take in this category.")
    statement = models.TextField(blank=True, validators=[TEXT_VALIDATOR],
                                 help_text="The appetite statement, as the council publishes it.")
    active = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "risk categories"

    def __str__(self) -> str:
        return self.name


class CategoryAppetite(models.Model):
    """The cells of one scheme's matrix inside a category's appetite, where they are drawn (else they follow
    from the category's level)."""

    category = models.ForeignKey(RiskCategory, on_delete=models.CASCADE, related_name="appetites")
    scheme = models.ForeignKey("ScoringScheme", on_delete=models.CASCADE, related_name="+")
    cells = models.JSONField(default=list, help_text="[[likelihood, impact], ...] inside appetite")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["category", "scheme"], name="category_appetite_unique")]

    def __str__(self) -> str:
        return f"{self.category} on {self.scheme}"


class Risk(models.Model):
    class Kind(models.TextChoices):
        THREAT = "threat", "Threat"
        OPPORTUNITY = "opportunity", "Opportunity"

    class Register(models.TextChoices):
        SERVICE = "service", "Service"
        DIRECTORATE = "directorate", "Directorate"
        CORPORATE = "corporate", "Corporate"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class Treatment(models.TextChoices):
        TOLERATE = "tolerate", "Tolerate"
        TREAT = "treat", "Treat"
        TRANSFER = "transfer", "Transfer"
        TERMINATE = "terminate", "Terminate"

    reference = models.CharField(max_length=20, unique=True, validators=[REFERENCE_VALIDATOR])
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True, validators=[TEXT_VALIDATOR])
    causes = models.TextField(blank=True, validators=[TEXT_VALIDATOR])
    consequences = models.TextField(blank=True, validators=[TEXT_VALIDATOR])
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.THREAT)
    register = models.CharField(max_length=12, choices=Register.choices, default=Register.SERVICE)
    directorate = models.ForeignKey(Directorate, on_delete=models.PROTECT, related_name="risks")
    service_area = models.ForeignKey(ServiceArea, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="risks")
    risk_owner = models.CharField(max_length=200, blank=True)
    action_owner = models.CharField(max_length=200, blank=True)
    portfolio = models.CharField(max_length=200, blank=True)
    strategy_themes = models.CharField(max_length=300, blank=True)
    category = models.CharField(max_length=120, blank=True,
                                help_text="The risk category its appetite is set for (e.g. safeguarding, financial).")
    appetite_level = models.CharField(max_length=10, choices=APPETITE_LEVELS, blank=True,
                                      help_text="This risk's own appetite; blank: its category's.")
    indicators = models.ManyToManyField("kpis.Indicator", blank=True, related_name="risks",
                                        help_text="Key risk indicators: the council's own indicators that tell early "
                                                  "that this risk is getting worse.")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    date_identified = models.DateField(null=True, blank=True)
    treatment = models.CharField(max_length=10, choices=Treatment.choices, default=Treatment.TREAT)
    exempt = models.BooleanField(
        default=False, help_text="The detail is confidential under the access-to-information rules: "
                                 "public registers show its title and rating only.")
    exempt_paragraph = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(7)],
        help_text="The paragraph of Schedule 12A to the Local Government Act 1972 that makes the detail exempt "
                  "(3: financial or business affairs).")
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["reference"]
        indexes = [models.Index(fields=["register", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


def active_scheme_id() -> int | None:
    """A new review is scored on the active scheme (the services always say so explicitly). Reads the id
    only: migrations that remake a table call this before later columns exist."""
    return (ScoringScheme.objects.filter(active=True).values_list("pk", flat=True).first()
            or ScoringScheme.objects.order_by("pk").values_list("pk", flat=True).first())


class ReviewRatings:
    """A review's two ratings from its scores, shared by RiskReview and queries.Scores."""

    likelihood: int
    impact: int
    tolerance_likelihood: int
    tolerance_impact: int

    @property
    def rating(self) -> int:
        return scoring.rating(self.likelihood, self.impact)

    @property
    def tolerance_rating(self) -> int:
        return scoring.rating(self.tolerance_likelihood, self.tolerance_impact)


class RiskReview(ReviewRatings, models.Model):
    """A risk's quarterly review: its scores and what is being done."""

    risk = models.ForeignKey(Risk, on_delete=models.PROTECT, related_name="reviews")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+",
                               limit_choices_to={"quarter__isnull": False})
    # The scheme the review was scored on: its level is read from this scheme for ever
    # (a switch of scheme re-scores open quarters only).
    scheme = models.ForeignKey(ScoringScheme, on_delete=models.PROTECT, related_name="reviews",
                               default=active_scheme_id)
    inherent_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    inherent_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    likelihood = models.PositiveSmallIntegerField()
    impact = models.PositiveSmallIntegerField()
    tolerance_likelihood = models.PositiveSmallIntegerField()
    tolerance_impact = models.PositiveSmallIntegerField()
    controls = models.TextField(blank=True, help_text="What we have done", validators=[TEXT_VALIDATOR])
    actions = models.TextField(blank=True, help_text="What we are doing", validators=[TEXT_VALIDATOR])
    next_review_date = models.DateField(null=True, blank=True)
    comment = models.TextField(blank=True, help_text="The reviewer's note on this quarter's review",
                               validators=[TEXT_VALIDATOR])
    unchanged = models.BooleanField(default=False, help_text='Recorded as "reviewed, no change" from the quarter '
                                                             "before")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    # The reviewer's name when they reviewed (kept whatever happens to the account).
    reviewed_by_name = models.CharField(max_length=255, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["risk__reference", "period__year", "period__quarter"]
        constraints = [models.UniqueConstraint(fields=["risk", "period"], name="review_unique_per_quarter")]
        indexes = [models.Index(fields=["period", "risk"])]

    def __str__(self) -> str:
        return f"{self.risk.reference} {self.period}"


class RiskAction(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    risk = models.ForeignKey(Risk, on_delete=models.PROTECT, related_name="action_items")
    description = models.TextField(validators=[TEXT_VALIDATOR])
    owner = models.CharField(max_length=200, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.description[:60]

    def is_overdue(self, today) -> bool:
        return self.status == self.Status.OPEN and self.due_date is not None and self.due_date < today


class ControlReview(models.Model):
    """A control of a risk as reviewed in a quarter (risks/assurance.py): what it is, who owns it, its type,
    line of defence and the assurance a person gave it. Each quarter keeps its own rows (a control not yet
    reviewed in a quarter is shown from the last quarter that reviewed it, and copied into the quarter when
    it is reviewed or locked), so a locked quarter's controls read as they were reported, for ever."""

    class Type(models.TextChoices):
        PREVENTIVE = "preventive", "Preventive"
        DETECTIVE = "detective", "Detective"
        CORRECTIVE = "corrective", "Corrective"
        DIRECTIVE = "directive", "Directive"

    class Source(models.TextChoices):
        SELF = "self-assessment", "Self-assessment"
        SECOND = "second line", "Second-line review"
        AUDIT = "internal audit", "Internal audit"

    risk = models.ForeignKey(Risk, on_delete=models.PROTECT, related_name="control_reviews")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+",
                               limit_choices_to={"quarter__isnull": False})
    control = models.CharField(max_length=255, help_text="What the control is")
    owner = models.CharField(max_length=200, blank=True)
    type = models.CharField(max_length=12, choices=Type.choices, default=Type.PREVENTIVE)
    line = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1), MaxValueValidator(3)],
                                            help_text="Line of defence: 1 management, 2 oversight, 3 independent")
    assurance = models.CharField(max_length=40, blank=True, help_text="Blank: not yet assessed")
    assurance_source = models.CharField(max_length=16, choices=Source.choices, blank=True)
    last_tested = models.DateField(null=True, blank=True)
    next_test_due = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    carried_forward = models.BooleanField(default=False, help_text="Copied from the quarter before, unreviewed")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_by_name = models.CharField(max_length=255, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["risk__reference", "period__year", "period__quarter", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["risk", "period", "control"],
                                               name="control_unique_per_quarter")]
        indexes = [models.Index(fields=["period", "risk"])]

    def __str__(self) -> str:
        return f"{self.control[:60]} ({self.period_id})"


class AuditRecommendation(models.Model):
    """An internal-audit recommendation and the management action agreed for it, tracked to implementation
    (CIPFA's model terms of reference: the audit committee monitors it). Overdue is derived from the due
    dates (risks/assurance.py), never stored."""

    class Priority(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IMPLEMENTED = "implemented", "Implemented"
        SUPERSEDED = "superseded", "Superseded"

    source = models.CharField(max_length=255, help_text="The audit report it comes from")
    recommendation = models.TextField(validators=[TEXT_VALIDATOR])
    priority = models.CharField(max_length=6, choices=Priority.choices, default=Priority.MEDIUM)
    agreed_action = models.TextField(blank=True, validators=[TEXT_VALIDATOR])
    owner = models.CharField(max_length=200, blank=True)
    due = models.DateField(null=True, blank=True)
    revised_due = models.DateField(null=True, blank=True)
    revision_reason = models.TextField(blank=True, validators=[TEXT_VALIDATOR])
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    implemented_on = models.DateField(null=True, blank=True)
    risks = models.ManyToManyField(Risk, blank=True, related_name="audit_recommendations")
    controls = models.CharField(max_length=1000, blank=True,
                                help_text="The controls it concerns, by name, separated by ;")
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return f"{self.source}: {self.recommendation[:60]}"


class AuditRevision(models.Model):
    """A due date revised, with its reason: every revision is kept (the latest is the recommendation's)."""

    recommendation = models.ForeignKey(AuditRecommendation, on_delete=models.CASCADE, related_name="revisions")
    previous_due = models.DateField(null=True, blank=True)
    revised_due = models.DateField()
    reason = models.TextField(validators=[TEXT_VALIDATOR])
    by_name = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.recommendation_id}: due {self.revised_due} ({self.reason[:40]})"


class RiskAcceptance(models.Model):
    """A formal acceptance of a risk outside appetite, by a second-line approver who is not its owner, with a
    justification, until an expiry date (risks/assurance.py)."""

    risk = models.ForeignKey(Risk, on_delete=models.PROTECT, related_name="acceptances")
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    accepted_by_name = models.CharField(max_length=255)
    justification = models.TextField(validators=[TEXT_VALIDATOR])
    accepted_on = models.DateField()
    expires = models.DateField()
    likelihood = models.PositiveSmallIntegerField(help_text="The rating accepted: likelihood")
    impact = models.PositiveSmallIntegerField(help_text="The rating accepted: impact")
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_by_name = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-accepted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.risk_id} accepted until {self.expires}"


class Judgement(models.Model):
    """A risk as a quarter's register shows it, stored so that pages read it rather than score it.

    A locked quarter's rows are its record: written when it is locked, read for ever after. An open
    quarter's rows are the risk as scored now, written by the services that change reviews, risks or the
    scheme, in the same transaction (risks/judging.py); `manage.py rejudge --check` compares them with the
    rules.

    The review shown (the quarter's own, or the last one carried forward), the scheme it was scored on,
    its scores, the rating it had at the previous quarter and its travel - so a locked register, heat map
    and every "outside tolerance" count read the same whatever is reviewed, corrected or switched later.
    """

    risk = models.ForeignKey(Risk, on_delete=models.PROTECT, related_name="judgements")
    quarter = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+",
                                limit_choices_to={"quarter__isnull": False})
    review = models.ForeignKey(RiskReview, on_delete=models.PROTECT, related_name="+")
    review_period_label = models.CharField(max_length=12)
    # The reference in natural order (organisation.collation.natural): the register lists CRR9 before CRR10.
    order_key = models.CharField(max_length=120, blank=True, default="")
    register = models.CharField(max_length=12, choices=Risk.Register.choices, default=Risk.Register.SERVICE,
                                help_text="The register the risk was on when the quarter was locked.")
    # Who saw it and how it was judged then: a later move, a change of kind or a closure changes none of it.
    kind = models.CharField(max_length=12, choices=Risk.Kind.choices, default=Risk.Kind.THREAT)
    outside = models.BooleanField(default=False, help_text="Outside tolerance, as reported.")
    outside_appetite = models.BooleanField(default=False, help_text="Outside appetite, as reported.")
    appetite_level = models.CharField(max_length=10, blank=True, help_text="The appetite it was judged against.")
    appetite_source = models.CharField(max_length=10, blank=True, help_text="risk, category or scheme")
    directorate = models.ForeignKey("organisation.Directorate", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    service_area = models.ForeignKey("organisation.ServiceArea", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    scheme = models.ForeignKey(ScoringScheme, on_delete=models.PROTECT, related_name="+")
    likelihood = models.PositiveSmallIntegerField()
    impact = models.PositiveSmallIntegerField()
    tolerance_likelihood = models.PositiveSmallIntegerField()
    tolerance_impact = models.PositiveSmallIntegerField()
    previous_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    travel = models.CharField(max_length=12)
    reviewed_this_quarter = models.BooleanField()
    recorded = models.BooleanField(default=True, help_text="Written at the lock (the record), not live.")
    # The risk as the register showed it: a locked quarter's pages, downloads and packs read these, whatever is
    # retitled, re-described, re-assigned, made exempt or not, renamed or closed afterwards. (Written for open
    # quarters too, where pages read the live risk.)
    reference = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    causes = models.TextField(blank=True)
    consequences = models.TextField(blank=True)
    risk_owner = models.CharField(max_length=200, blank=True)
    action_owner = models.CharField(max_length=200, blank=True)
    portfolio = models.CharField(max_length=200, blank=True)
    strategy_themes = models.CharField(max_length=300, blank=True)
    category = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=8, choices=Risk.Status.choices, default=Risk.Status.OPEN)
    exempt = models.BooleanField(default=False)
    exempt_paragraph = models.PositiveSmallIntegerField(default=3)
    directorate_name = models.CharField(max_length=120, blank=True)
    service_area_name = models.CharField(max_length=120, blank=True)
    scheme_name = models.CharField(max_length=80, blank=True)
    # The review shown, as it read then (a carried-forward review's quarter may be reopened and corrected).
    controls = models.TextField(blank=True)
    actions = models.TextField(blank=True)
    next_review_date = models.DateField(null=True, blank=True)
    reviewed_by_name = models.CharField(max_length=255, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    inherent_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    inherent_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    # The key risk indicators linked when judged ([[code, title], ...]): a locked quarter reads these.
    key_indicators = models.JSONField(default=list, blank=True)
    # A formal acceptance in force when judged (risks.RiskAcceptance): its expiry and approver.
    accepted_until = models.DateField(null=True, blank=True)
    accepted_by_name = models.CharField(max_length=255, blank=True)
    # The five-quarter "risk performance summary" as it read: [[quarter, rating, travel], ...], oldest first.
    history = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["quarter", "risk"], name="risk_judgement_unique")]

    def __str__(self) -> str:
        return f"{self.risk_id} {self.quarter_id}: {self.likelihood} x {self.impact}"


class RecordedRegister(models.Model):
    """The scoring scheme a locked quarter's register was shown on (its name and scales then): its heat maps
    and matrix read it, even when no risk was on the register, whatever is switched or renamed later."""

    quarter = models.OneToOneField(ReportingPeriod, on_delete=models.PROTECT, related_name="+",
                                   limit_choices_to={"quarter__isnull": False})
    scheme = models.ForeignKey(ScoringScheme, on_delete=models.PROTECT, related_name="+")
    scheme_name = models.CharField(max_length=80)
    definition = models.JSONField()
    # Every scheme's name then, by id ({"1": "Council 4x4"}): the quarter's reviews name their scheme so.
    names = models.JSONField(default=dict)
    # Every risk's status and register at the lock ({"CRR23": ["closed", "corporate"]}): what a pack of the
    # quarter says of a risk that left the register (closed, or de-escalated), whatever happens to it later.
    risks = models.JSONField(default=dict)
    # The internal-audit recommendations as they stood at the lock ([{source, recommendation, ...}]): what the
    # quarter reported of agreed actions, overdue or not, whatever is implemented or revised later.
    audit_actions = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"{self.scheme_name} for quarter {self.quarter_id}"
