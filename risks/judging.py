"""Stored judgements of risks (risks.Judgement): scored once, when a review, a risk or the scheme is
written, read many times.

A locked quarter's rows are its record (services.lock_step). An open quarter's rows are each risk as the
register shows it now - the review shown (its own, or the last carried forward), its scheme, previous rating
and travel, and the register, kind, directorate and area it has - written by the services that change any
of them, in the same transaction, and at once for a save made round them (by signal). check() compares
them with what the rules give; `manage.py rejudge [--check]` runs refresh() or check() over everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS

from organisation.judgements import Deferral
from organisation.models import ReportingPeriod
from organisation.ordering import natural

from .models import Judgement, Risk, RiskReview

COMPARED = ("review_id", "review_period_label", "register", "kind", "outside", "directorate_id", "service_area_id",
            "scheme_id", "likelihood", "impact", "tolerance_likelihood", "tolerance_impact", "previous_rating",
            "travel", "reviewed_this_quarter", "outside_appetite", "appetite_level", "appetite_source", "accepted_until", "key_indicators")


def judgements_of(quarter: ReportingPeriod, risk_ids: Iterable[int] | None = None, *,
                  recorded: bool) -> list[Judgement]:
    """Each risk on the quarter's registers as the rules show it now, as Judgement rows (not saved)."""
    from . import queries

    risks = queries.on_register(Risk.objects.all(), quarter)
    if risk_ids is not None:
        risks = risks.filter(pk__in=list(risk_ids))
    rows = [r for r in queries.rows_for(queries.risk_facts(risks), quarter, ids=risks.values("pk"), store=False)
            if r.review is not None]
    return judgements_from(rows, quarter, recorded=recorded)


# The risk's own fields a register shows, kept on its judgement (a locked quarter reads them).
RISK_FACTS = ("reference", "title", "description", "causes", "consequences", "risk_owner", "action_owner",
              "portfolio", "strategy_themes", "category", "status", "exempt", "exempt_paragraph")
REVIEW_FACTS = ("controls", "actions", "next_review_date", "reviewed_at", "inherent_likelihood", "inherent_impact")


def judgements_from(rows, quarter: ReportingPeriod, *, recorded: bool) -> list[Judgement]:
    """Judgement rows (not saved) from scored register rows (queries.RiskRow, with a review): the scores and
    travel, and the risk and its review shown as they read now - title, description, owners, exempt flag,
    register, directorate and service area (names too), controls, actions and who reviewed it."""
    from django.db.models import F

    from organisation.records import user_name

    from . import controls, queries

    risks = {values["pk"]: values for values in Risk.objects.filter(pk__in=[r.risk.pk for r in rows]).values(
        "pk", "kind", "register", "directorate_id", "service_area_id", *RISK_FACTS,
        directorate_label=F("directorate__name"), service_area_label=F("service_area__name"),
        own_appetite=F("appetite_level"))}
    appetite_for = queries.appetite_reader() if rows else None
    accepted = controls.acceptance_in_force(risks) if rows else {}
    linked: dict[int, list[list[str]]] = {}
    for risk_id, code, title in Risk.indicators.through.objects.filter(risk_id__in=list(risks)).values_list(
            "risk_id", "indicator__code", "indicator__title").order_by("indicator__code"):
        linked.setdefault(risk_id, []).append([code, title])
    reviews = {}
    for review in RiskReview.objects.filter(pk__in=[r.review.pk for r in rows]).select_related(
            "reviewed_by", "scheme").only("pk", *REVIEW_FACTS, "reviewed_by_name", "reviewed_by", "scheme__name"):
        reviewer = review.reviewed_by_name or (user_name(review.reviewed_by) if review.reviewed_by else "")
        reviews[review.pk] = ({name: getattr(review, name) for name in REVIEW_FACTS},
                              reviewer, review.scheme.name)
    out = []
    for r in rows:
        risk = risks[r.risk.pk]
        review, reviewer, scheme_name = reviews[r.review.pk]
        judged = appetite_for(risk["category"], risk["own_appetite"], r.review.scheme_id)
        out.append(Judgement(
            outside_appetite=judged.outside(r.review.likelihood, r.review.impact, risk["kind"]),
            appetite_level=judged.level.value, appetite_source=judged.source,
            risk_id=r.risk.pk, quarter=quarter, review_id=r.review.pk, register=risk["register"],
            order_key=natural(risk["reference"]),
            directorate_id=risk["directorate_id"], service_area_id=risk["service_area_id"], kind=risk["kind"],
            outside=r.outside, review_period_label=r.review.period_label, scheme_id=r.review.scheme_id,
            likelihood=r.review.likelihood, impact=r.review.impact,
            tolerance_likelihood=r.review.tolerance_likelihood, tolerance_impact=r.review.tolerance_impact,
            previous_rating=r.previous_rating, travel=r.travel.value, reviewed_this_quarter=r.reviewed_this_quarter,
            recorded=recorded, **{name: risk[name] for name in RISK_FACTS},
            directorate_name=risk["directorate_label"] or "", service_area_name=risk["service_area_label"] or "",
            scheme_name=scheme_name, reviewed_by_name=reviewer, **review,
            history=[[label, rating, travel.value if travel else None] for label, rating, travel in r.history],
            accepted_until=accepted.get(r.risk.pk, (None, ""))[0],
            accepted_by_name=accepted.get(r.risk.pk, (None, ""))[1],
            key_indicators=sorted(linked.get(r.risk.pk, []), key=lambda item: natural(item[0])),
        ))
    return out


def _open(quarters) -> list[ReportingPeriod]:
    if quarters is None:
        return list(ReportingPeriod.objects.quarters().filter(state=ReportingPeriod.State.OPEN))
    return list(ReportingPeriod.objects.filter(pk__in=[q.pk for q in quarters if q is not None and not q.is_year],
                                               state=ReportingPeriod.State.OPEN))


def refresh(*, risk_ids: Iterable[int] | None = None, quarters: Iterable[ReportingPeriod] | None = None) -> int:
    """Write the stored judgements of these risks (None: all) in these open quarters (None: every open one)."""
    ids = None if risk_ids is None else sorted(set(risk_ids))
    if ids is not None and not ids:
        return 0
    written = 0
    for quarter in _open(quarters):
        scope = ids if ids is not None and Judgement.objects.filter(quarter=quarter).exists() else None
        rows = judgements_of(quarter, scope, recorded=False)
        # A reopened quarter keeps the record of each risk whose reported review nobody has changed since: a
        # move, a change of kind or a closure meanwhile does not rewrite what was reported (re-lock keeps it).
        kept = as_reported(quarter, rows)
        rows = [row for row in rows if row.risk_id not in kept]
        stale = Judgement.objects.filter(quarter=quarter).exclude(risk_id__in=kept)
        if scope is not None:
            stale = stale.filter(risk_id__in=scope)
        stale.delete()
        Judgement.objects.bulk_create(rows, batch_size=1000)
        written += len(rows)
    return written


def as_reported(quarter: ReportingPeriod, rows: list) -> set[int]:
    """Of these rows (each risk's review shown now), the risks whose recorded row - from an earlier lock of
    this quarter - shows that same review, unchanged since that lock: they keep what was reported."""
    if quarter.recorded_at is None:
        return set()
    earlier = dict(Judgement.objects.filter(quarter=quarter, recorded=True).values_list("risk_id", "review_id"))
    if not earlier:
        return set()
    changed = set(RiskReview.history.filter(id__in=list(earlier.values()), history_date__gt=quarter.recorded_at)
                  .values_list("id", flat=True))
    return {row.risk_id for row in rows if earlier.get(row.risk_id) == row.review_id and row.review_id not in changed}


def forget(risk_ids: Iterable[int]) -> None:
    """Before a risk is deleted: its open quarters' rows go."""
    Judgement.objects.filter(risk_id__in=list(risk_ids), recorded=False).delete()


def opened(quarter: ReportingPeriod) -> None:
    """A quarter opened for entry: scored whole (a reopened one keeps its record where nothing changed)."""
    refresh(quarters=[quarter])


def fill_missing(using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """After `migrate`: an open quarter with no stored judgements yet is scored whole."""
    if using != DEFAULT_DB_ALIAS:
        return  # a read replica is a copy of the primary, never written to
    for quarter in _open(None):
        if not Judgement.objects.filter(quarter=quarter).exists() and RiskReview.objects.exists():
            refresh(quarters=[quarter])


# --- when: once per service call, or at once for a save made outside one --------------------------------

_deferral = Deferral(lambda ids: refresh(risk_ids=ids))
deferred = _deferral.deferred  # judge once at the end of the block (discard=True: judge nothing)
deferring = _deferral.deferring  # decorate a service whose writes change judgements
touched = _deferral.touched  # these ids' facts changed: refresh now, or when the service returns


def on_change(sender, instance, **kwargs) -> None:
    """A risk or review saved or deleted by any route (risks/apps.py connects it)."""
    if kwargs.get("raw"):
        return
    touched([instance.pk if sender is Risk else instance.risk_id])


def rescored_all() -> None:
    """The active scheme changed: every open quarter is scored again."""
    if _deferral.active:
        touched(Risk.objects.values_list("pk", flat=True))
    else:
        refresh()


# --- checking ---------------------------------------------------------------------------------

@dataclass
class Difference:
    quarter: str
    risk_id: int
    field: str
    stored: object
    computed: object

    def __str__(self) -> str:
        return f"{self.quarter} risk {self.risk_id}: {self.field} stored {self.stored!r}, the rules give " \
               f"{self.computed!r}"


def check(quarters: Iterable[ReportingPeriod] | None = None) -> list[Difference]:
    """How the stored judgements of open quarters differ from what the rules give now (a locked quarter's
    are its record: what it showed when locked, which nothing recomputes)."""
    found: list[Difference] = []
    for quarter in _open(quarters):
        expected = {j.risk_id: j for j in judgements_of(quarter, recorded=False)}
        # A reopened quarter's rows still as reported at its earlier lock are its record, not the rules' now.
        stored = {j.risk_id: j for j in Judgement.objects.filter(quarter=quarter)}
        for risk_id in [pk for pk, j in stored.items() if j.recorded]:
            stored.pop(risk_id)
            expected.pop(risk_id, None)
        for risk_id in sorted(set(expected) | set(stored)):
            want, have = expected.get(risk_id), stored.get(risk_id)
            if want is None or have is None:
                found.append(Difference(quarter.label, risk_id, "row", "present" if have else "missing",
                                        "present" if want else "none"))
                continue
            for name in COMPARED:
                if getattr(want, name) != getattr(have, name):
                    found.append(Difference(quarter.label, risk_id, name, getattr(have, name), getattr(want, name)))
    return found
