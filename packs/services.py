"""Issuing a committee pack: the only code that writes packs and committees.

A pack is issued for a locked quarter only; its four files (Part A and Part B, PDF and Word) and the data
version they were made from are kept exactly as issued. A later correction is issued as a new version;
nothing changes an issued pack.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from organisation import audit, clock, parsing, summaries
from organisation.models import Directorate, ReportingPeriod
from organisation.periods import Period
from organisation.records import ConcurrentEdit, Conflict, InvalidWrite, RecordError, user_name

from . import content, covering, pdf, word
from .models import Committee, CoveringReport, Pack

Action = audit.Action


@dataclass
class Files:
    part_a_pdf: bytes
    part_b_pdf: bytes
    part_a_docx: bytes
    part_b_docx: bytes


def previous_pack(*, committee: Committee, quarter: ReportingPeriod, directorate: Directorate | None) -> Pack | None:
    """The pack last issued to the committee for an earlier quarter (the last meeting's), for the same scope."""
    earlier = Q(quarter__year__lt=quarter.year) | Q(quarter__year=quarter.year, quarter__quarter__lt=quarter.quarter)
    return Pack.objects.filter(earlier, committee=committee, directorate=directorate).select_related(
        "quarter").order_by("-issued_at").first()


def latest_version(*, committee: Committee, quarter: ReportingPeriod, directorate: Directorate | None) -> Pack | None:
    """The last version issued of this pack (the one a new version supersedes)."""
    return Pack.objects.filter(committee=committee, quarter=quarter, directorate=directorate).order_by(
        "-version").defer("part_a_pdf", "part_b_pdf", "part_a_docx", "part_b_docx").first()


def build(*, quarter: ReportingPeriod, committee: Committee, meeting_date: date, directorate: Directorate | None,
          draft: bool, version: int | None = None, issued_at=None, supersedes=None,
          superseded: Pack | None = None, programmes=()) -> content.PackContent:
    """The pack's contents. superseded: the version this one would replace (its cover then gives the
    corrigendum); a preview of a locked quarter's pack compares with the last version issued. programmes: the
    programmes whose highlight reports are appended (none unless chosen)."""
    if not draft and not quarter.is_locked:
        raise RecordError(f"{quarter.label} is not locked: lock it to issue its pack, or preview a draft")
    if superseded is None and version is None and not draft:
        superseded = latest_version(committee=committee, quarter=quarter, directorate=directorate)
    return content.build(quarter=quarter, committee=committee, meeting_date=meeting_date, directorate=directorate,
                         draft=draft, version=version, issued_at=issued_at, supersedes=supersedes,
                         superseded=superseded, programmes=programmes,
                         previous=previous_pack(committee=committee, quarter=quarter, directorate=directorate))


def render(pack_content: content.PackContent, part: str, fmt: str) -> bytes:
    if part not in (content.PART_A, content.PART_B) or fmt not in ("pdf", "docx"):
        raise RecordError(f"there is no {fmt} file of part {part}")
    return pdf.render(pack_content, part) if fmt == "pdf" else word.render(pack_content, part)


def check_meeting(meeting_date: date, quarter: ReportingPeriod) -> None:
    """A meeting about a quarter falls after the quarter ends, and no further ahead than the periods this
    system accepts (five years beyond the current financial year)."""
    if meeting_date <= quarter.end:
        raise InvalidWrite({"meeting_date": f"the meeting about {quarter.label} must fall after it ends "
                                            f"({quarter.end:%d/%m/%Y})"})
    last_year = Period(parsing.latest_year_allowed(clock.today()))
    if meeting_date > last_year.end:
        raise InvalidWrite({"meeting_date": f"{meeting_date:%d/%m/%Y} is too far ahead: check the year (meetings "
                                            f"can be up to {last_year.end:%d/%m/%Y}, the end of {last_year.label})"})


@transaction.atomic
def pack_issue(*, user, committee: Committee, quarter: ReportingPeriod, meeting_date: date,
               directorate: Directorate | None = None, programmes=()) -> Pack:
    """Issue the pack of a locked quarter to a committee: make its files and keep them as issued. programmes:
    those whose highlight reports are appended (their names are kept in the pack's contents)."""
    # The quarter's row is held until the pack is kept: no reopen while it is made, and a second "Issue" for
    # the same pack waits here, then finds this version and is refused below.
    quarter = ReportingPeriod.objects.select_for_update().get(pk=quarter.pk)
    check_meeting(meeting_date, quarter)
    last = latest_version(committee=committee, quarter=quarter, directorate=directorate)
    version = (last.version if last else 0) + 1
    now = timezone.now()
    made = build(quarter=quarter, committee=committee, meeting_date=meeting_date, directorate=directorate,
                 draft=False, version=version, issued_at=now,
                 supersedes=(last.version, last.issued_at) if last else None, superseded=last,
                 programmes=programmes)
    fingerprint = made.fingerprint()
    if last is not None and last.fingerprint == fingerprint:
        raise RecordError(f"Version {last.version} of this pack, issued on {last.issued_at.day} "
                          f"{timezone.localtime(last.issued_at):%B %Y at %H:%M}, already says all of this: nothing in "
                          f"{quarter.label}'s record, the covering report or the meeting has changed since. To "
                          "correct the record, reopen the quarter, make the correction and lock it again (or change "
                          "the covering report); then issue a new version")
    files = Files(*(render(made, part, fmt) for part, fmt in (("a", "pdf"), ("b", "pdf"), ("a", "docx"),
                                                              ("b", "docx"))))
    pack = Pack.objects.create(
        committee=committee, quarter=quarter, directorate=directorate, meeting_date=meeting_date, version=version,
        committee_name=committee.name, directorate_name=made.meta.directorate or "",
        issued_by=user if getattr(user, "is_authenticated", False) else None, issued_by_name=user_name(user),
        issued_at=now, data_version=repr(summaries.data_stamp()), contents=made.snapshot, fingerprint=fingerprint,
        covering=made.covering.as_issued(),
        part_a_pdf=files.part_a_pdf, part_b_pdf=files.part_b_pdf, part_a_docx=files.part_a_docx,
        part_b_docx=files.part_b_docx,
        sha256={name: hashlib.sha256(data).hexdigest() for name, data in files.__dict__.items()},
    )
    audit.record(user=user, action=Action.PACK_ISSUED, object_type="Committee pack", object_label=str(pack),
                 period=quarter, detail=f"version {version}; Part A PDF sha256 {pack.sha256['part_a_pdf'][:16]}"
                 + (f"; supersedes version {last.version}" if last else ""))
    return pack


@transaction.atomic
def committee_save(*, user, committee: Committee, via: str = "admin") -> Committee:
    committee.name = (committee.name or "").strip()
    if not committee.name:
        raise InvalidWrite({"name": "enter the committee's name"})
    try:
        parsing.check_name(committee.name, what="committee's name")
    except parsing.InvalidValue as exc:
        raise InvalidWrite({"name": str(exc)}) from None
    before = Committee.objects.filter(pk=committee.pk).first() if committee.pk else None
    committee.save()
    fields = ("name", "report_of", "active")
    audit.record(user=user, action=Action.ADMIN_ADDED if before is None else Action.ADMIN_CHANGED,
                 object_type="Committee", object_label=committee.name,
                 detail=audit.changes(audit.field_values(before, fields) if before else {},
                                      audit.field_values(committee, fields)))
    return committee


@transaction.atomic
def committee_delete(*, user, committee: Committee) -> None:
    if committee.packs.exists():
        raise RecordError(f"{committee.name} has been issued packs, so it is kept: untick Active instead")
    audit.record(user=user, action=Action.ADMIN_DELETED, object_type="Committee", object_label=committee.name)
    committee.delete()


# --- the covering report -------------------------------------------------------------------------

@transaction.atomic
def covering_save(*, user, committee, quarter, directorate, sections: dict[str, str], narratives: dict[str, str],
                  expected_version: int | None = None) -> CoveringReport:
    """Save the draft covering report (every section as the officer left it). A draft saved by someone else
    since the form was opened is not overwritten (ConcurrentEdit)."""
    sections = {key: (sections.get(key) or "").strip() for key in covering.SECTION_KEYS}
    narratives = {area: (text or "").strip() for area, text in narratives.items()}
    errors = covering.check(sections, narratives)
    if errors:
        raise InvalidWrite(errors)
    report, _ = CoveringReport.objects.get_or_create(committee=committee, quarter=quarter, directorate=directorate)
    report = CoveringReport.objects.select_for_update().get(pk=report.pk)
    if expected_version is not None and report.version != expected_version:
        raise ConcurrentEdit([Conflict(key="covering report", theirs=report, by=report.updated_by_name or
                                       "someone else")])
    before = dict(report.sections)
    report.sections = {key: text for key, text in sections.items() if text}
    report.narratives = {area: text for area, text in narratives.items() if text}
    report.version += 1
    report.updated_by = user if getattr(user, "is_authenticated", False) else None
    report.updated_by_name = user_name(user)
    report.updated_at = timezone.now()
    report.save()
    changed = sorted(key for key in covering.SECTION_KEYS if before.get(key, "") != report.sections.get(key, ""))
    audit.record(user=user, action=Action.CHANGED, object_type="Covering report", object_label=str(report),
                 period=quarter, detail=("sections changed: " + ", ".join(changed)) if changed else "saved")
    return report


@transaction.atomic
def covering_reset(*, user, committee, quarter, directorate) -> None:
    """Forget the draft: every section reads its default again."""
    report = covering.draft_of(committee=committee, quarter=quarter, directorate=directorate)
    if report is None:
        return
    label = str(report)
    report.delete()
    audit.record(user=user, action=Action.DELETED, object_type="Covering report", object_label=label,
                 period=quarter, detail="draft cleared: the defaults apply")
