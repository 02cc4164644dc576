"""Committee packs: the committees a pack is issued to, and every pack issued, kept exactly as issued."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from organisation.models import Directorate, ReportingPeriod


class Committee(models.Model):
    """A committee that receives the quarterly papers (a scrutiny commission, the audit committee, cabinet)."""

    name = models.CharField(max_length=120, unique=True)
    report_of = models.CharField(max_length=200, blank=True,
                                 help_text='Who the report is from, as the papers say (e.g. "Executive Director: '
                                           'People").')
    active = models.BooleanField(default=True)

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
        return f"{self.issued_to} {self.meeting_date:%d %B %Y}: {self.quarter}{scope} (version {self.version})"

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
