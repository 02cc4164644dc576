"""Committee packs: the committees a pack is issued to, and every pack issued, kept exactly as issued."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from organisation.models import Directorate, ReportingPeriod

# The covering report's sections, in the order of the council's report template (shared/reference): (key,
# heading, short). Short ones are one line (names, numbers); the others are paragraphs.
SECTIONS: tuple[tuple[str, str, bool], ...] = (
    ("report_of", "Report of", True),
    ("title", "Title", True),
    ("wards", "Ward", True),
    ("officer_presenting", "Officer presenting report", True),
    ("contact_telephone", "Contact telephone number", True),
    ("recommendation", "Recommendation", False),
    ("significant_issues", "The significant issues in the report are", False),
    ("summary", "1. Summary", False),
    ("context", "2. Context", False),
    ("policy", "3. Policy", False),
    ("consultation", "4. Consultation", False),
    ("risk_assessment", "5. Risk assessment", False),
    ("equalities", "6. Public Sector Equality Duties", False),
    ("legal", "7. Legal and resource implications: legal", False),
    ("resources", "8. Legal and resource implications: resources", False),
    ("appendices", "Appendices", False),
    ("background_papers", "Background papers", False),
)
SECTION_KEYS = tuple(key for key, _, _ in SECTIONS)
# The sections a committee sets once and every report to it starts from.
STANDING = ("wards", "officer_presenting", "contact_telephone", "recommendation", "policy", "consultation",
            "risk_assessment", "equalities", "legal", "resources", "background_papers")


class Committee(models.Model):
    """A committee that receives the quarterly papers (a scrutiny commission, the audit committee, cabinet),
    with the standing text its covering reports start from."""

    name = models.CharField(max_length=120, unique=True)
    report_of = models.CharField(max_length=200, blank=True,
                                 help_text='Who the report is from, as the papers say (e.g. "Executive Director: '
                                           'People").')
    active = models.BooleanField(default=True)
    wards = models.CharField(max_length=200, blank=True, default="City-wide")
    officer_presenting = models.CharField(max_length=200, blank=True)
    contact_telephone = models.CharField(max_length=60, blank=True)
    recommendation = models.TextField(blank=True, help_text="The standing recommendation, e.g. \"To note the "
                                                            "directorate's performance progress report.\"")
    policy = models.TextField(blank=True)
    consultation = models.TextField(blank=True)
    risk_assessment = models.TextField(blank=True)
    equalities = models.TextField(blank=True, help_text="Public Sector Equality Duties")
    legal = models.TextField(blank=True, help_text="Legal implications")
    resources = models.TextField(blank=True, help_text="Resource implications")
    background_papers = models.TextField(blank=True, default="None")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Pack(models.Model):
    """An issued committee pack: its files, as issued, and the figures they were made from.

    Never changed: a correction (after a reopen) is issued as a new version. The data version is the
    stamp of the data the files were made from (organisation.summaries.data_stamp), and contents the
    pack's risks and figures, against which the next pack to the committee reports what changed.
    """

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="packs")
    quarter = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    directorate = models.ForeignKey(Directorate, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The committee's and directorate's names as issued (a later rename leaves the issued pack as it was).
    committee_name = models.CharField(max_length=120, blank=True)
    directorate_name = models.CharField(max_length=120, blank=True)
    meeting_date = models.DateField()
    version = models.PositiveIntegerField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    issued_by_name = models.CharField(max_length=255)
    issued_at = models.DateTimeField()
    data_version = models.CharField(max_length=200)
    # What the pack says, but its version and date (content.PackContent.fingerprint): a version that would
    # say the same as the last is refused.
    fingerprint = models.CharField(max_length=64, blank=True)
    contents = models.JSONField()
    # The covering report as issued: {"sections": {key: text}, "narratives": [[area, text], ...]}.
    covering = models.JSONField(default=dict, blank=True)
    part_a_pdf = models.BinaryField()
    part_b_pdf = models.BinaryField()
    part_a_docx = models.BinaryField()
    part_b_docx = models.BinaryField()
    sha256 = models.JSONField(help_text="Each file's SHA-256, to show it is the file as issued.")

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "quarter", "directorate", "version"],
                                    name="pack_version_unique"),
            # The same for a council-wide pack (no directorate): NULLs are distinct to a plain unique index.
            models.UniqueConstraint(fields=["committee", "quarter", "version"], condition=models.Q(directorate=None),
                                    name="pack_version_unique_council_wide"),
        ]

    def __str__(self) -> str:
        scope = f", {self.scope_name}" if self.directorate_id else ""
        return f"{self.issued_to} {self.meeting_date.day} {self.meeting_date:%B %Y}: {self.quarter}{scope} (version {self.version})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            from organisation.records import RecordError

            raise RecordError("An issued committee pack is never changed: issue a new version")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        from organisation.records import RecordError

        raise RecordError("An issued committee pack is never deleted")

    @property
    def issued_to(self) -> str:
        """The committee as the pack was issued to it."""
        return self.committee_name or self.committee.name

    @property
    def scope_name(self) -> str:
        if not self.directorate_id:
            return "All directorates"
        return self.directorate_name or self.directorate.name

    @property
    def has_exempt_part(self) -> bool:
        return bool(self.contents.get("exempt_references"))


class CoveringReport(models.Model):
    """The covering report of a pack not yet issued: the text the performance officer writes for one
    quarter, committee and scope, saved as a draft and issued (frozen) with the pack. Sections left blank
    read their default (the committee's standing text, the last pack to the committee, or words drafted
    from the figures: packs/covering.py)."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="covering_reports")
    quarter = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    directorate = models.ForeignKey(Directorate, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sections = models.JSONField(default=dict, blank=True)
    narratives = models.JSONField(default=dict, blank=True, help_text="{service area name: narrative}")
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_by_name = models.CharField(max_length=255, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["committee", "quarter", "directorate"], name="covering_unique"),
            models.UniqueConstraint(fields=["committee", "quarter"], condition=models.Q(directorate=None),
                                    name="covering_unique_council_wide"),
        ]

    def __str__(self) -> str:
        return f"Covering report: {self.committee} {self.quarter}" + (f", {self.directorate}" if self.directorate_id
                                                                     else "")
