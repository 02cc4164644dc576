"""The covering report: the paper a pack opens with, in the council's report template (shared/reference).

Each section reads, in order: what the performance officer saved in the draft for this quarter, committee
and scope (packs.CoveringReport); else the committee's standing text; else what the last pack issued to the
committee said; else words drafted from the pack's own figures (packs/wording.py), which the officer edits.
An issued pack keeps the text it was issued with (Pack.covering), so no word of it changes later.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from organisation import parsing

from . import wording
from .models import SECTION_KEYS, SECTIONS, STANDING, CoveringReport, Pack

SHORT = {key for key, _, short in SECTIONS if short}
LONG_MAX = 10_000  # a section's paragraphs (the equality duties run to about 2,000 characters)
SHORT_MAX = 200
SOURCES = {"saved": "your saved draft", "committee": "the committee's standing text",
           "last pack": "the last pack to this committee", "drafted": "words drafted from this quarter's figures",
           "template": "the report template's standard wording"}
# The template's standard wording for sections a committee has not set.
TEMPLATE = {"policy": "None arising from this report: it reports progress against the council's corporate plan.",
            "consultation": "Internal: performance progress has been presented to the directorate's management "
                            "team before this report.\nExternal: not applicable.",
            "equalities": "This report proposes no decision: it reports performance progress against the corporate "
                          "plan, which has had an equalities impact assessment.",
            "legal": "None arising from this report.", "resources": "None arising from this report.",
            "background_papers": "None", "wards": "City-wide"}


@dataclass
class Covering:
    """The covering report as it reads: every section's text, each area's narrative, and where each came from."""

    sections: dict[str, str]
    narratives: list[tuple[str, str]]
    sources: dict[str, str] = field(default_factory=dict)

    def as_issued(self) -> dict:
        return {"sections": dict(self.sections), "narratives": [list(pair) for pair in self.narratives]}

    @classmethod
    def from_issued(cls, data: dict) -> Covering:
        return cls(dict(data.get("sections", {})), [tuple(pair) for pair in data.get("narratives", [])])

    def headed(self) -> list[tuple[str, str, str]]:
        """(key, heading, text) in the template's order."""
        return [(key, heading, self.sections.get(key, "")) for key, heading, _ in SECTIONS]


def draft_of(*, committee, quarter, directorate) -> CoveringReport | None:
    return CoveringReport.objects.filter(committee=committee, quarter=quarter, directorate=directorate).first()


def last_issued(*, committee, directorate) -> dict:
    pack = Pack.objects.filter(committee=committee, directorate=directorate).exclude(covering={}).order_by(
        "-issued_at").only("covering").first()
    return pack.covering if pack else {}


def drafted(*, meta, performance, exempt: int, areas: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """What the figures say, as first words for the officer: sections and each area's narrative."""
    scope = f"the {meta.directorate} directorate" if meta.directorate else "the council"
    quarter = meta.quarter.label
    lines = wording.performance_summary(
        on_or_above=(performance.on_or_above.count, performance.on_or_above.base),
        improved=(performance.improved.count, performance.improved.base), quarter=quarter, scope=scope)
    exceptions = len(performance.exceptions)
    report_name = (f"{meta.directorate} Directorate performance progress report" if meta.directorate
                   else "Performance progress report")
    appendices = [f"A1 - {report_name} ({quarter})",
                  f"A2 - Corporate risk report ({quarter})", "A3 - Children's placements: finance and activity"]
    if exempt:
        appendices.append("B - Exempt risk detail: not for publication (Part B)")
    sections = {
        "title": f"{report_name}, {quarter}",
        "recommendation": f"To note the performance progress report of {scope} for {quarter}.",
        "significant_issues": (f"The most significant performance issues are set out in Appendix A1: {exceptions} "
                               f"indicator{'s are' if exceptions != 1 else ' is'} reported by exception. The "
                               f"committee is invited to ask questions on progress against these priorities."),
        "summary": wording.summary_draft(quarter=quarter, scope=scope),
        "context": wording.context_draft(quarter=quarter, scope=scope, lines=lines, exceptions=exceptions),
        "risk_assessment": "The risks to delivery are set out in the corporate risk report (Appendix A2).",
        "appendices": "\n".join(appendices),
    }
    by_area: dict[str, list] = {}
    for line in performance.exceptions:
        by_area.setdefault(line.area, []).append(line)
    narratives = {}
    for area in areas:
        found = by_area.get(area, [])
        if found:
            narratives[area] = " ".join(_exception_sentence(line) for line in found)
        else:
            narratives[area] = "No indicator in this area is reported by exception this quarter."
    return sections, narratives


def _exception_sentence(line) -> str:
    """ "BCP212 (Adolescents entering care) is well below target: 8 against a target of 6 to date (24 for the
    year)." from a progress-report line."""
    if line.status in ("Not submitted", "No data"):
        return f"{line.code} ({line.title}): {line.status.lower()}."
    target = (f"a target of {line.target_to_date} to date ({line.target} for the year)" if line.target_to_date
              else f"a target of {line.target}" if line.target != "Baseline" else "no target yet (a baseline year)")
    worse = ", and worse than a year ago" if line.direction == "Worsened" else ""
    return f"{line.code} ({line.title}) is {line.status.lower()}: {line.value} against {target}{worse}."


def resolve(*, committee, quarter, directorate, meta, performance, exempt: int) -> Covering:
    areas = sorted({area for area, _ in performance.quarterly} | {area for area, _ in performance.annual})
    saved = draft_of(committee=committee, quarter=quarter, directorate=directorate)
    saved_sections = saved.sections if saved else {}
    saved_narratives = saved.narratives if saved else {}
    last = last_issued(committee=committee, directorate=directorate)
    last_sections = last.get("sections", {})
    generated, generated_narratives = drafted(meta=meta, performance=performance, exempt=exempt, areas=areas)
    sections, sources = {}, {}
    for key in SECTION_KEYS:
        standing = (committee.report_of if key == "report_of" else getattr(committee, key, "")) \
            if key in STANDING or key == "report_of" else ""
        # What the last pack to this committee said comes before the committee's standing text: it is what
        # the officer last wrote for these members.
        for source, text in (("saved", saved_sections.get(key)),
                             ("last pack", last_sections.get(key) if key in STANDING else None),
                             ("committee", standing),
                             ("drafted", generated.get(key)), ("template", TEMPLATE.get(key))):
            if text:
                sections[key], sources[key] = text, source
                break
        else:
            sections[key], sources[key] = "", "blank"
    narratives = [(area, saved_narratives.get(area) or generated_narratives.get(area, "")) for area in areas]
    return Covering(sections, narratives, sources)


def check(sections: dict[str, str], narratives: dict[str, str]) -> dict[str, str]:
    """{field: message} for each section or narrative that cannot be kept."""
    errors = {}
    for key, heading, short in SECTIONS:
        text = sections.get(key, "")
        try:
            if short:
                parsing.check_name(text, limit=SHORT_MAX, what=heading.lower())
            else:
                parsing.check_text(text, limit=LONG_MAX, what=heading.split(". ", 1)[-1].lower())
        except parsing.InvalidValue as exc:
            errors[key] = str(exc)
    for index, (area, text) in enumerate(sorted(narratives.items())):
        try:
            parsing.check_text(text, limit=LONG_MAX, what=f"narrative for {area}")
        except parsing.InvalidValue as exc:
            errors[f"narrative_{index}"] = str(exc)
    return errors
