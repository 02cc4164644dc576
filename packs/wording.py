"""Words for a covering report, drafted from the pack's own figures (the officer edits them before issue).

Pure: no database. "Just over a quarter (27%) of the PIs with a target are on or above target" is built from
the same shares the progress report prints (kpis.status.Share), so the prose and the tables agree.
"""

from __future__ import annotations

from fractions import Fraction

# The fractions people say, and how they say them.
FRACTIONS: tuple[tuple[Fraction, str], ...] = (
    (Fraction(1, 20), "one in twenty"),
    (Fraction(1, 10), "one in ten"),
    (Fraction(1, 5), "a fifth"),
    (Fraction(1, 4), "a quarter"),
    (Fraction(1, 3), "a third"),
    (Fraction(2, 5), "two in five"),
    (Fraction(1, 2), "half"),
    (Fraction(3, 5), "three in five"),
    (Fraction(2, 3), "two thirds"),
    (Fraction(3, 4), "three quarters"),
    (Fraction(4, 5), "four in five"),
    (Fraction(9, 10), "nine in ten"),
    (Fraction(19, 20), "nineteen in twenty"),
)
EXACT = Fraction(1, 200)  # within half a percentage point: the fraction itself


def proportion(count: int, base: int) -> str:
    """ "just over a quarter (27%)" for 8 of 30; "none (0%)", "all (100%)"; "" when there is no base.
    The percentage is the one the tables print (rounded half up); the words say which side of the nearest
    everyday fraction the share falls."""
    if base <= 0 or count < 0 or count > base:
        return ""
    share = Fraction(count, base)
    percent = int(share * 100 + Fraction(1, 2))
    if count == 0:
        return "none (0%)"
    if count == base:
        return "all (100%)"
    if share < Fraction(3, 100):
        return f"very few ({percent}%)"
    if share > Fraction(97, 100):
        return f"almost all ({percent}%)"
    nearest, words = min(FRACTIONS, key=lambda item: (abs(item[0] - share), -item[0]))
    if abs(share - nearest) <= EXACT:
        return f"{words} ({percent}%)"
    return f"{'just over' if share > nearest else 'just under'} {words} ({percent}%)"


def sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def performance_summary(*, on_or_above: tuple[int, int], improved: tuple[int, int], quarter: str,
                        scope: str) -> list[str]:
    """The context's bullet sentences, as the council's papers write them."""
    lines = []
    count, base = on_or_above
    if base == 1:
        lines.append(f"The one PI with an established target is {'' if count else 'not '}performing on or above "
                     "target")
    elif base:
        lines.append(sentence_case(f"{proportion(count, base)} of the {base} PIs with established targets "
                                   f"are performing on or above target ({count})"))
    else:
        lines.append("No PI has an established target this quarter")
    count, base = improved
    if base == 1:
        lines.append(f"The one PI with a direct comparison from 12 months ago has {'' if count else 'not '}improved")
    elif base:
        lines.append(sentence_case(f"{proportion(count, base)} of the {base} with a direct comparison from 12 "
                                   f"months ago have improved ({count})"))
    return lines


def summary_draft(*, quarter: str, scope: str, plan: str = "the Corporate Plan") -> str:
    return (f"The report and its appendices summarise progress in {quarter} towards delivery of {plan} for "
            f"{scope}: performance against the key performance indicators, the risks to delivery and children's "
            "placements.")


def context_draft(*, quarter: str, scope: str, lines: list[str], exceptions: int) -> str:
    body = "\n".join(f"- {line}." for line in lines)
    tail = (f"\n\n{exceptions} indicator{'s are' if exceptions != 1 else ' is'} reported by exception (below "
            "target, or worse than a year ago), with the service's commentary, in Appendix A1." if exceptions else "")
    return (f"In terms of performance in {quarter} for {scope}, progress can be summarised as follows. Taking the "
            f"total available KPI results this quarter:\n{body}{tail}")
