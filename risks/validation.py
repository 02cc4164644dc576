"""One validation for risks and their reviews, shared by the forms, the import Resource and the services."""

from __future__ import annotations

from datetime import date

from organisation import parsing

from . import scoring

RISK_TEXT_LIMITS = {
    "title": parsing.NAME_MAX, "description": parsing.TEXT_MAX, "causes": parsing.TEXT_MAX,
    "consequences": parsing.TEXT_MAX, "risk_owner": 200, "action_owner": 200, "portfolio": 200,
    "strategy_themes": 300,
}
REVIEW_TEXT_LIMITS = {"controls": parsing.TEXT_MAX, "actions": parsing.TEXT_MAX, "comment": 2000}


def check_texts(values: dict[str, str], limits: dict[str, int]) -> dict[str, str]:
    errors = {}
    for name, limit in limits.items():
        if name in values:
            try:
                parsing.check_text(values[name] or "", limit=limit, what=name.replace("_", " "))
            except parsing.InvalidValue as exc:
                errors[name] = str(exc)
    return errors


def check_risk(values: dict[str, object]) -> dict[str, str]:
    """The risk's own fields: {field: message} for each problem."""
    errors = {}
    if "reference" in values:
        try:
            parsing.check_code(str(values["reference"] or ""), what="risk reference")
        except parsing.InvalidValue as exc:
            errors["reference"] = str(exc)
    if "title" in values and not str(values["title"] or "").strip():
        errors["title"] = "enter the risk's title"
    elif "title" in values:
        try:
            parsing.check_name(str(values["title"]), what="title")
        except parsing.InvalidValue as exc:
            errors["title"] = str(exc)
    errors.update({k: v for k, v in check_texts({k: str(v or "") for k, v in values.items()
                                                 if k in RISK_TEXT_LIMITS}, RISK_TEXT_LIMITS).items()
                   if k not in errors})
    if values.get("date_identified") is not None:
        try:
            parsing.check_date(values["date_identified"], what="date identified")
        except parsing.InvalidValue as exc:
            errors["date_identified"] = str(exc)
    paragraph = values.get("exempt_paragraph")
    if paragraph is not None and paragraph not in range(1, 8):
        errors["exempt_paragraph"] = f"{paragraph} is not a paragraph of Schedule 12A: use 1 to 7"
    return errors


def check_scores(scheme: scoring.Scheme, kind: str, values: dict[str, object]) -> tuple[dict[str, int], dict[str, str]]:
    """Scores on the scheme's scales: (the integers, {field: message naming the allowed values})."""
    good, errors = {}, {}
    pairs = (("likelihood", "impact"), ("tolerance_likelihood", "tolerance_impact"),
             ("inherent_likelihood", "inherent_impact"))
    for lk, ik in pairs:
        optional = lk.startswith("inherent")
        for name, allowed, what in ((lk, scheme.likelihood_values(), "likelihood"),
                                    (ik, scheme.impact_values(kind), f"{scoring.Kind(kind).value} impact")):
            if name not in values:
                continue
            raw = values[name]
            if optional and (raw is None or str(raw).strip() == ""):
                good[name] = None
                continue
            try:
                good[name] = scoring.on_scale(raw, allowed, what)
            except scoring.OffScale as exc:
                errors[name] = str(exc)
        if optional and (good.get(lk) is None) != (good.get(ik) is None) and lk not in errors and ik not in errors:
            errors[lk if good.get(lk) is None else ik] = "give both the inherent likelihood and impact, or neither"
    return good, errors


def check_next_review(next_review: date | None, quarter_end: date, quarter_label: str) -> str | None:
    """formats.md: a next review falls after the quarter it is set in ends."""
    if next_review is not None and next_review <= quarter_end:
        return (f"the next review ({next_review:%d/%m/%Y}) must fall after {quarter_label} ends "
                f"({quarter_end:%d/%m/%Y})")
    try:
        parsing.check_date(next_review, what="next review")
    except parsing.InvalidValue as exc:
        return str(exc)
    return None
