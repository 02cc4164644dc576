"""The assurance map: each risk of a quarter's register against the three lines of defence (the Orange Book),
each line's controls with the assurance a person gave them and who gave it, the weakest on each line, and
the gaps in words (risks/assurance.py: a High or Critical risk with no second- or third-line assurance, or
only Limited or No).

It reads the register as the register page does (risks.queries.register: a locked quarter's as it was
reported) and each risk's controls as the quarter shows them (risks.controls.shown: a locked quarter's own,
kept at the lock), in a fixed number of queries whatever the number of risks or controls.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from organisation import access
from organisation.collation import natural
from organisation.models import ReportingPeriod

from . import assurance, controls
from .models import ControlReview, Risk
from .views import LEVELS, _page, _quarter, _register

TAGS = ("govuk-tag--green", "govuk-tag--turquoise", "govuk-tag--orange", "govuk-tag--red")


def tag_class(label: str | None, labels) -> str:
    """The colour of an assurance tag: the strongest green, the weakest red, Limited orange, the rest
    turquoise; not assessed grey. The words are always on the tag too."""
    position = assurance.rank(label or "", labels)
    if position is None:
        return "govuk-tag--grey"
    if position == len(labels) - 1:
        return "govuk-tag--red"
    if assurance.is_weak(label, labels):
        return "govuk-tag--orange"
    return "govuk-tag--green" if position == 0 else "govuk-tag--turquoise"


def tag_text(label: str) -> str:
    """ "Limited assurance", "No assurance": the label as the auditors' opinion reads."""
    return label if "assurance" in label.lower() else f"{label} assurance"


def _severe(row) -> bool:
    """High or Critical on the scheme the risk's review was scored on (as assurance.gaps judges it)."""
    if row.rating is None or row.level is None or row.scheme is None:
        return False
    levels = list(row.scheme.levels)
    index = next((i for i, lv in enumerate(levels) if lv.name == row.level.name), None)
    return index is not None and assurance.is_severe(index, len(levels))


@require_http_methods(["GET", "HEAD"])
def assurance_map(request: HttpRequest) -> HttpResponse:
    if not access.can_view_risks(request.user):
        raise PermissionDenied
    quarter = _quarter(request.GET.get("period"), request.user)
    found, filterset, level = _register(request, quarter)
    rows = sorted(found.rows, key=lambda r: natural(r.risk.reference))
    mapped = controls.assurance_map(rows, quarter)
    labels = controls.labels()
    part_b = access.can_view_exempt(request.user)
    sources = dict(ControlReview.Source.choices)
    severe = hidden_severe = 0
    gapped = []
    # A locked quarter's rows say whether each risk was exempt then; one made exempt since is kept to Part B too.
    exempt_now = set(Risk.objects.filter(pk__in=[m.risk.risk.pk for m in mapped], exempt=True).values_list(
        "pk", flat=True)) if quarter.is_locked and not part_b else set()
    for m in mapped:
        m.hidden = (bool(getattr(m.risk.risk, "exempt", False)) or m.risk.risk.pk in exempt_now) and not part_b
        m.severe = _severe(m.risk)
        if m.hidden:
            hidden_severe += m.severe
            m.gaps = []
            m.lines = []
            continue
        severe += m.severe
        if m.gaps:
            gapped.append(m)
        m.unreviewed = 0  # controls shown as an earlier quarter left them, not reviewed in this one
        for line in m.lines:
            line.weakest_class = tag_class(line.weakest, labels)
            line.weakest_text = tag_text(line.weakest) if line.weakest else ""
            for c in line.controls:
                c.tag_class = tag_class(c.assurance, labels)
                c.tag_text = tag_text(c.assurance) if c.assurance else "Not assessed"
                c.source_text = sources.get(c.assurance_source, "")
                c.unreviewed = c.carried_forward or c.period_id != quarter.pk
                m.unreviewed += c.unreviewed
    page, page_query = _page(request, mapped)
    levels = [(value, label) for value, label in LEVELS
              if value == "all" or value in access.visible_registers(request.user)
              or access.is_service_manager(request.user)]
    scheme = found.scheme
    severe_names = [lv.name for i, lv in enumerate(scheme.levels) if assurance.is_severe(i, len(scheme.levels))]
    return render(request, "risks/assurance_map.html", {
        "quarter": quarter, "rows": page.object_list, "page": page, "page_query": page_query, "total": len(mapped),
        "filter": filterset, "level": level, "levels": levels, "scheme": scheme,
        "band_names": [b.name for b in scheme.levels], "severe_words": " or ".join(severe_names) or "High or Critical",
        "severe": severe, "gapped": gapped, "hidden_severe": hidden_severe, "part_b": part_b,
        "weak_words": " or ".join(assurance.weak_labels(labels)), "labels": labels,
        "line_names": [assurance.LINES[n] for n in (1, 2, 3)],
        "quarters": ReportingPeriod.objects.quarters().order_by("-year", "-quarter"),
        "can_export": access.can_export_register(request.user),
    })


def assurance_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The quarter's controls as a download (formats.md's `controls` export), of what the user reads: an
    exempt risk's controls only to those who read Part B."""
    from organisation.interchange.responses import download_response

    from . import control_resources

    if not access.can_export_register(request.user):
        raise PermissionDenied
    quarter = _quarter(request.GET.get("period"), request.user)
    return download_response(control_resources.export_rows(quarter, request.user), fmt, f"controls-{quarter.slug}",
                             title=f"Controls and assurance, {quarter.label}")
