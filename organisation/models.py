from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from . import clock, periods


class Directorate(models.Model):
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceArea(models.Model):
    directorate = models.ForeignKey(Directorate, on_delete=models.PROTECT, related_name="service_areas")
    name = models.CharField(max_length=120)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_service_areas",
        help_text="Service managers who enter figures and review risks for this service area.",
    )
    head_of_service = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Told when the area's figures, reviews or snapshots are late (after its managers are chased).",
    )

    class Meta:
        ordering = ["directorate__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["directorate", "name"], name="service_area_unique_in_directorate"),
        ]

    def __str__(self) -> str:
        return self.name


class ReportingPeriodQuerySet(models.QuerySet):
    def quarters(self) -> ReportingPeriodQuerySet:
        return self.filter(quarter__isnull=False)

    def years(self) -> ReportingPeriodQuerySet:
        return self.filter(quarter__isnull=True)

    def chronological(self) -> ReportingPeriodQuerySet:
        return self.order_by("year", "quarter")

    def get_by_label(self, label: str) -> ReportingPeriod:
        value = periods.parse(label)
        return self.get(year=value.year, quarter=value.quarter)

    def latest_locked(self) -> ReportingPeriod | None:
        """The last quarter reported: the newest locked one."""
        return self.quarters().filter(state=ReportingPeriod.State.LOCKED).order_by("-year", "-quarter").first()

    def latest_quarter(self, today: date | None = None) -> ReportingPeriod | None:
        """The current quarter: the newest one open for entry that has started (the one the council is in, or
        the last it has not locked yet); else the newest that has started (locked); else the first there is.
        A quarter years ahead (opened by mistake, or created by a target) never becomes "current" before its
        time."""

        today = today or clock.today()
        started = self.quarters().filter(start__lte=today)
        return (started.filter(state=ReportingPeriod.State.OPEN).order_by("-year", "-quarter").first()
                or started.order_by("-year", "-quarter").first()
                or self.quarters().order_by("year", "quarter").first())


class ReportingPeriod(models.Model):
    """A financial year or quarter, with its entry state."""

    class State(models.TextChoices):
        OPEN = "open", "Open for entry"
        LOCKED = "locked", "Locked"

    year = models.PositiveSmallIntegerField(help_text="Calendar year the financial year starts in (2019 for 2019/20).")
    quarter = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1-4, or blank for a whole year.")
    start = models.DateField()
    end = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    # When locking last stored the quarter's record (each app's judgements); null for a quarter locked
    # before the record was kept, whose pages are worked out from its signed-off figures instead.
    recorded_at = models.DateTimeField(null=True, blank=True)

    objects = ReportingPeriodQuerySet.as_manager()

    class Meta:
        ordering = ["year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="period_unique_quarter"),
            models.UniqueConstraint(fields=["year"], condition=Q(quarter__isnull=True), name="period_unique_year"),
            models.CheckConstraint(
                condition=Q(quarter__isnull=True) | Q(quarter__gte=1, quarter__lte=4),
                name="period_quarter_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def value(self) -> periods.Period:
        return periods.Period(self.year, self.quarter)

    @property
    def label(self) -> str:
        return self.value.label

    @property
    def is_year(self) -> bool:
        return self.quarter is None

    @property
    def is_locked(self) -> bool:
        return self.state == self.State.LOCKED

    @property
    def has_record(self) -> bool:
        """Locked, with its record stored at the lock (the pages read that record)."""
        return self.is_locked and self.recorded_at is not None

    @property
    def slug(self) -> str:
        """URL form: 2019-20-Q1 or 2019-20."""
        return self.label.replace("/", "-").replace(" ", "-")

    @classmethod
    def for_value(cls, value: periods.Period) -> ReportingPeriod:
        """Fetch or create the period (periods that do not exist yet are created, open)."""
        from .services import period_get_or_create

        return period_get_or_create(value)

    @classmethod
    def for_label(cls, label: str) -> ReportingPeriod:
        return cls.for_value(periods.parse(label))

    @property
    def financial_year_label(self) -> str:
        return self.value.financial_year.label

    def has_ended(self, today: date) -> bool:
        return self.end < today


def period_from_slug(slug: str) -> periods.Period:
    """Inverse of ReportingPeriod.slug: 2019-20-Q1 -> 2019/20 Q1."""
    parts = slug.split("-")
    if len(parts) == 2:
        return periods.parse(f"{parts[0]}/{parts[1]}")
    if len(parts) == 3:
        return periods.parse(f"{parts[0]}/{parts[1]} {parts[2]}")
    raise periods.PeriodError(f'"{slug}" is not a period')


class RecordedOrganisation(models.Model):
    """A directorate and one of its service areas as a locked quarter named them (a directorate with no
    service area has a row of its own): what that quarter's pages call them, whatever is renamed or
    reorganised later. Written when the quarter is locked (services.period_lock)."""

    quarter = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+",
                                limit_choices_to={"quarter__isnull": False})
    directorate = models.ForeignKey(Directorate, on_delete=models.PROTECT, related_name="+")
    directorate_name = models.CharField(max_length=120)
    service_area = models.ForeignKey(ServiceArea, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    service_area_name = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quarter", "directorate", "service_area"],
                                    name="recorded_organisation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.directorate_name}: {self.service_area_name or '-'} (quarter {self.quarter_id})"


def recorded_directorate_name(quarter: ReportingPeriod, directorate: Directorate) -> str:
    """A directorate's name as a locked quarter recorded it, else as it is now."""
    if quarter.has_record:
        found = RecordedOrganisation.objects.filter(quarter=quarter, directorate=directorate).values_list(
            "directorate_name", flat=True).first()
        if found:
            return found
    return directorate.name


class PendingImport(models.Model):
    """An uploaded file kept between the dry-run preview and the confirm step.

    Kept in the database rather than on local disk so that any app server
    behind a load balancer can confirm an import another one previewed.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    kind = models.CharField(max_length=40)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()
    # A further file its kind's reader takes (lait: the statistical neighbours file), kept with it.
    option = models.CharField(max_length=40, blank=True)
    option_filename = models.CharField(max_length=255, blank=True)
    option_content = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True)
    # Set, in the import's transaction, by the one confirm that imported it; a repeat finds it set.
    confirmed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind}: {self.filename}"


class DataVersion(models.Model):
    """A counter raised after every committed change to the data the cached summaries show.

    See organisation/summaries.py: it is raised once a transaction commits, so it
    moves in commit order, which the history tables' ids do not.
    """

    name = models.CharField(max_length=40, primary_key=True)
    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.number}"


class AuditEvent(models.Model):
    """One entry of the audit trail: who did what, when, to which record, and why.

    Written only by organisation.audit.record(); never changed or deleted (on
    PostgreSQL a trigger refuses UPDATE and DELETE). The change history of each
    figure, target, review and snapshot is kept beside it by django-simple-history.
    """

    class Action(models.TextChoices):
        OPENED = "opened", "Quarter opened"
        LOCKED = "locked", "Quarter locked"
        REOPENED = "reopened", "Quarter reopened"
        SIGNED_OFF = "signed_off", "Figures signed off"
        SENT_BACK = "sent_back", "Figure sent back"
        ANSWERED = "answered", "Question answered"
        DEADLINES_SET = "deadlines_set", "Deadlines set"
        REMINDERS_SENT = "reminders_sent", "Reminders sent"
        STATUS_OVERRIDDEN = "status_overridden", "Reported status overridden"
        SCHEME_SWITCHED = "scheme_switched", "Scoring scheme switched"
        TARGET_CHANGED = "target_changed", "Target changed"
        DEFINITION_CHANGED = "definition_changed", "Indicator definition changed"
        CREATED = "created", "Record created"
        CHANGED = "changed", "Record changed"
        RETIRED = "retired", "Record retired"
        REINSTATED = "reinstated", "Record reinstated"
        DELETED = "deleted", "Record deleted"
        ADMIN_ADDED = "admin_added", "Added in the admin"
        ADMIN_CHANGED = "admin_changed", "Changed in the admin"
        ADMIN_DELETED = "admin_deleted", "Deleted in the admin"
        IMPORTED = "imported", "File imported"
        LOADED = "loaded", "Data loaded"
        PACK_ISSUED = "pack_issued", "Committee pack issued"

    when = models.DateTimeField(db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    who = models.CharField(max_length=255, help_text="The user's name when it happened (kept if the user goes).")
    action = models.CharField(max_length=20, choices=Action.choices, db_index=True)
    object_type = models.CharField(max_length=60)
    object_label = models.CharField(max_length=255)
    period = models.ForeignKey(ReportingPeriod, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    detail = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    # What the entry is about, for scoping who may read it (organisation/audit_trail.py): "" for the
    # council's own acts (quarters, indicators, accounts), "risk" with the risk's id, "placements".
    about = models.CharField(max_length=20, blank=True, default="", db_index=True)
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    # The chain (organisation/audit_chain.py): the entry's place, and an HMAC of its content and the previous
    # entry's digest, so that a changed, removed or inserted entry is found by `manage.py audit_verify`.
    seq = models.PositiveBigIntegerField(unique=True, null=True, editable=False)
    digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-when", "-pk"]
        indexes = [models.Index(fields=["period", "when"])]

    def __str__(self) -> str:
        return f"{self.when:%Y-%m-%d %H:%M} {self.who}: {self.get_action_display()} {self.object_label}"


class AuditChainHead(models.Model):
    """The audit trail's last link: the newest entry's place and digest. One row, locked by each write of the
    trail (so entries are chained one after another) and compared with the trail by audit_verify, which
    finds a cut-off tail or an emptied trail by it."""

    seq = models.PositiveBigIntegerField(default=0)
    digest = models.CharField(max_length=64, blank=True)
    # HMAC of (seq, digest): a head moved back to an earlier entry (to hide a cut-off tail) does not match.
    mac = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"Audit trail head: entry {self.seq}"


class PeriodStateChange(models.Model):
    """Every change of a quarter's state, written by the database itself (a PostgreSQL trigger on
    organisation_reportingperiod, organisation migration 0017) whoever makes it, and never changed.
    audit_verify matches each with the lock or reopen entry of the trail, so a quarter reopened and
    relocked in SQL, around the app, is found."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    old_state = models.CharField(max_length=10)
    new_state = models.CharField(max_length=10)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.period_id}: {self.old_state} -> {self.new_state} at {self.at}"


class DemoClock(models.Model):
    """The day a demonstration database is pinned to (organisation/clock.py): one row or none."""

    today = models.DateField(help_text="The date deadlines, tasks and the current quarter are read as of.")

    def __str__(self) -> str:
        return f"Demo date {self.today:%d %B %Y}"


class QuarterDeadlines(models.Model):
    """The dates the performance officer set for a quarter; a quarter without them uses the defaults of
    the DEADLINE_RULE setting (organisation/deadlines.py)."""

    quarter = models.OneToOneField(ReportingPeriod, on_delete=models.PROTECT, related_name="deadlines",
                                   limit_choices_to={"quarter__isnull": False})
    figures = models.DateField(help_text="Figures due from the service managers.")
    reviews = models.DateField(help_text="Risk reviews due.")
    sign_off = models.DateField(help_text="The performance team signs off the quarter.")
    committee = models.DateField(help_text="The committee meeting the quarter is reported to.")
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    set_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Deadlines for {self.quarter}"


class ReminderPreference(models.Model):
    """Whether a user is sent reminders and chasers (chasers for overdue statutory returns always go)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference")
    reminders = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.user}: reminders {'on' if self.reminders else 'off'}"


class SentReminder(models.Model):
    """One message sent: never sent again (organisation/reminders.py, send_reminders)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200, help_text='"chaser:figures:2019-20-Q1:area:12"')
    sent_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="reminder_sent_once")]

    def __str__(self) -> str:
        return f"{self.key} to {self.user} on {self.sent_on}"


class ExternalIdentity(models.Model):
    """A council sign-in (OpenID Connect) attached to a user: the token's stable subject, never its email.

    Microsoft Entra ID tokens name the person by tenant (`tid`) and object id (`oid`), the same in every app
    of the tenant; other providers by `iss` and `sub`. Made at the first sign-in, or by the account holder's
    own linking step (organisation/sso.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities")
    issuer = models.CharField(max_length=255, help_text="The token's iss, or for Entra ID its tenant id (tid).")
    subject = models.CharField(max_length=255, help_text="The token's sub, or for Entra ID its object id (oid).")
    created = models.DateTimeField(auto_now_add=True)
    last_sign_in = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "council sign-in"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="external_identity_unique_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.subject} at {self.issuer}"
