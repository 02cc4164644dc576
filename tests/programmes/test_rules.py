"""programmes/rules.py: every rule, boundaries first. No database."""

from datetime import date, datetime
from decimal import Decimal as D

import pytest

from programmes.rules import (
    DEFAULT_SAVINGS_TOLERANCE,
    Assessment,
    Colour,
    Milestone,
    MilestoneState,
    Progress,
    SavingLine,
    SavingStatus,
    amount,
    budget_variance,
    closure_summary,
    days_slipped,
    financial_year,
    milestone_state,
    money,
    money_short,
    progress,
    reason_missing,
    reason_required,
    saving_status,
    savings_at_risk,
    savings_by_year,
    savings_total,
)

# The Strengthening Families savings profile, as the closure report published it.
PAPERS_PROFILE = {
    "2019/20": (D("1642067"), "£1,642,067"),
    "2020/21": (D("2194632"), "£2,194,632"),
    "2021/22": (D("1828292"), "£1,828,292"),
    "2022/23": (D("453228"), "£453,228"),
}
PAPERS_TOTAL = "£6,118,219"


# --- savings RAG ------------------------------------------------------------

@pytest.mark.parametrize(
    ("planned", "forecast", "delivered", "tolerance", "expected"),
    [
        # exactly at the default tolerance (15%) is inside it; a penny beyond is not
        (D("100"), D("85"), None, None, SavingStatus.AT_RISK),
        (D("100"), D("84.99"), None, None, SavingStatus.UNDELIVERABLE),
        (D("1642067"), D("1395756.95"), None, None, SavingStatus.AT_RISK),  # 85% of the 2019/20 profile
        (D("1642067"), D("1395756.94"), None, None, SavingStatus.UNDELIVERABLE),
        # exactly at the plan
        (D("100"), D("100"), None, None, SavingStatus.ON_TRACK),
        (D("100"), D("99.99"), None, None, SavingStatus.AT_RISK),
        (D("100"), D("100"), D("100"), None, SavingStatus.DELIVERED),
        (D("100"), D("100"), D("99.99"), None, SavingStatus.ON_TRACK),
        # delivered in full wins whatever the forecast says
        (D("100"), D("0"), D("100"), None, SavingStatus.DELIVERED),
        (D("100"), D("120"), D("150"), None, SavingStatus.DELIVERED),
        # over-forecast
        (D("100"), D("150"), D("10"), None, SavingStatus.ON_TRACK),
        # zero planned: nothing outstanding
        (D("0"), D("0"), None, None, SavingStatus.DELIVERED),
        (D("0"), D("0"), D("0"), None, SavingStatus.DELIVERED),
        (D("0"), D("5"), D("5"), None, SavingStatus.DELIVERED),
        # nothing forecast or delivered
        (D("100"), D("0"), None, None, SavingStatus.UNDELIVERABLE),
        (D("100"), D("0"), D("0"), None, SavingStatus.UNDELIVERABLE),
        # a forecast below what is delivered is read as the delivered amount
        (D("100"), D("50"), D("90"), None, SavingStatus.AT_RISK),
        (D("100"), D("0"), D("85"), None, SavingStatus.AT_RISK),
        (D("100"), D("0"), D("84"), None, SavingStatus.UNDELIVERABLE),
        # a line's own tolerance
        (D("100"), D("90"), None, D("10"), SavingStatus.AT_RISK),
        (D("100"), D("89.99"), None, D("10"), SavingStatus.UNDELIVERABLE),
        (D("100"), D("99.99"), None, D("0"), SavingStatus.UNDELIVERABLE),
        (D("100"), D("100"), None, D("0"), SavingStatus.ON_TRACK),
        (D("100"), D("0"), None, D("100"), SavingStatus.AT_RISK),
        (D("100"), D("70"), None, 30, SavingStatus.AT_RISK),
        (D("100"), D("69"), None, 30, SavingStatus.UNDELIVERABLE),
        (D("100"), D("70"), None, D("29.9"), SavingStatus.UNDELIVERABLE),
        # ints are money too
        (100, 85, 0, None, SavingStatus.AT_RISK),
        (100, 100, 100, None, SavingStatus.DELIVERED),
    ],
)
def test_saving_rag_in_a_quarter(planned, forecast, delivered, tolerance, expected):
    assert saving_status(planned, forecast, delivered, tolerance=tolerance) == expected


def test_the_default_savings_tolerance_is_fifteen_percent():
    assert DEFAULT_SAVINGS_TOLERANCE == D("15")
    assert saving_status(D("200"), D("170")) == SavingStatus.AT_RISK
    assert saving_status(D("200"), D("169.99")) == SavingStatus.UNDELIVERABLE


@pytest.mark.parametrize(
    ("planned", "forecast", "delivered", "message"),
    [
        (D("-1"), D("0"), None, "planned saving cannot be negative: -1"),
        (D("100"), D("-0.01"), None, "forecast saving cannot be negative: -0.01"),
        (D("100"), D("100"), D("-5"), "delivered saving cannot be negative: -5"),
        (-1, 0, 0, "planned saving cannot be negative: -1"),
    ],
)
def test_negative_savings_are_refused_with_their_name(planned, forecast, delivered, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        saving_status(planned, forecast, delivered)


@pytest.mark.parametrize(
    ("tolerance", "message"),
    [
        (D("-1"), "tolerance cannot be negative: -1"),
        (D("100.01"), "tolerance is a percentage from 0 to 100, not 100.01"),
        (101, "tolerance is a percentage from 0 to 100, not 101"),
    ],
)
def test_a_tolerance_outside_0_to_100_is_refused(tolerance, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        saving_status(D("100"), D("90"), tolerance=tolerance)


@pytest.mark.parametrize("bad", [85.0, 1.5, True, "85", None])
def test_a_forecast_that_is_not_a_decimal_or_int_is_refused(bad):
    with pytest.raises(TypeError, match="forecast saving must be a Decimal or an int"):
        saving_status(D("100"), bad)


@pytest.mark.parametrize("bad", [D("NaN"), D("Infinity"), D("-Infinity")])
def test_a_saving_that_is_not_a_number_is_refused(bad):
    with pytest.raises(ValueError, match="planned saving must be a number"):
        saving_status(bad, D("0"))


@pytest.mark.parametrize(
    ("status", "label", "colour"),
    [
        (SavingStatus.DELIVERED, "Delivered", Colour.BLUE),
        (SavingStatus.ON_TRACK, "On track", Colour.GREEN),
        (SavingStatus.AT_RISK, "At risk", Colour.AMBER),
        (SavingStatus.UNDELIVERABLE, "Undeliverable", Colour.RED),
    ],
)
def test_each_saving_status_has_its_words_and_a_colour(status, label, colour):
    assert status.label == label == status.value
    assert status.colour == colour
    assert status.description.startswith(f"{label}: ")


def test_no_two_saving_statuses_share_a_colour_or_words():
    assert len({s.colour for s in SavingStatus}) == len({s.label for s in SavingStatus}) == 4


@pytest.mark.parametrize("words", ["Delivered", "On track", "At risk", "Undeliverable"])
def test_the_saving_status_reads_back_from_the_import_words(words):
    assert SavingStatus(words).value == words


@pytest.mark.parametrize(
    ("status", "counted"),
    [(SavingStatus.DELIVERED, False), (SavingStatus.ON_TRACK, False),
     (SavingStatus.AT_RISK, True), (SavingStatus.UNDELIVERABLE, True)],
)
def test_only_at_risk_and_undeliverable_count_as_savings_at_risk(status, counted):
    assert status.at_risk is counted


# --- financial years and saving lines ---------------------------------------

@pytest.mark.parametrize(("text", "expected"), [("2019/20", "2019/20"), (" 2022/23 ", "2022/23"),
                                                ("1999/00", "1999/00"), ("2099/00", "2099/00")])
def test_a_financial_year_is_written_2019_20(text, expected):
    assert financial_year(text) == expected


@pytest.mark.parametrize("text", ["2019/21", "2019-20", "2019/2020", "19/20", "2019", "", "2019/19", 2019])
def test_anything_else_is_not_a_financial_year(text):
    with pytest.raises(ValueError, match="is not a financial year: write it as 2019/20"):
        financial_year(text)


def test_a_saving_line_refuses_a_negative_plan():
    with pytest.raises(ValueError, match="^planned saving cannot be negative: -1$"):
        SavingLine("2019/20", D("-1"), D("0"))


def test_a_saving_line_refuses_a_bad_year():
    with pytest.raises(ValueError, match="is not a financial year"):
        SavingLine("2019/21", D("1"), D("1"))


def test_a_saving_line_refuses_a_float():
    with pytest.raises(TypeError, match="delivered saving must be a Decimal or an int, not float"):
        SavingLine("2019/20", D("1"), D("1"), 1.0)


def test_a_saving_line_judges_with_its_tolerance():
    line = SavingLine("2019/20", D("100"), D("90"))
    assert line.status() == SavingStatus.AT_RISK
    assert line.status(D("5")) == SavingStatus.UNDELIVERABLE


# --- totals -----------------------------------------------------------------

LINES = [
    SavingLine("2020/21", D("2000"), D("2000"), D("500"), "B"),   # On track
    SavingLine("2019/20", D("1000"), D("1000"), D("1000"), "A"),  # Delivered
    SavingLine("2019/20", D("500"), D("425"), None, "C"),         # At risk: exactly 85%
    SavingLine("2020/21", D("300"), D("100"), D("50"), "D"),      # Undeliverable
    SavingLine("2021/22", D("0"), D("0"), None, "E"),             # nothing planned
]


def test_totals_by_year_run_from_the_earliest_year():
    by_year = savings_by_year(LINES)
    assert list(by_year) == ["2019/20", "2020/21", "2021/22"]
    assert by_year["2019/20"].planned == D("1500")
    assert by_year["2019/20"].forecast == D("1425")
    assert by_year["2019/20"].delivered == D("1000")  # a delivered None counts as nothing
    assert by_year["2019/20"].variance == D("-75")
    assert by_year["2020/21"].planned == D("2300")
    assert by_year["2020/21"].forecast == D("2100")
    assert by_year["2020/21"].delivered == D("550")
    assert by_year["2020/21"].variance == D("-200")
    assert (by_year["2021/22"].planned, by_year["2021/22"].variance) == (D("0"), D("0"))


def test_overall_totals_are_the_sum_of_the_years():
    total = savings_total(LINES)
    assert (total.planned, total.forecast, total.delivered, total.variance) == (
        D("3800"), D("3525"), D("1550"), D("-275"))
    years = savings_by_year(LINES).values()
    assert total.planned == sum(t.planned for t in years)
    assert total.variance == sum(t.variance for t in years)


def test_a_forecast_above_the_plan_is_a_positive_variance():
    assert savings_total([SavingLine("2019/20", D("100"), D("130"))]).variance == D("30")


def test_no_lines_total_nothing():
    total = savings_total([])
    assert (total.planned, total.forecast, total.delivered, total.variance) == (D(0), D(0), D(0), D(0))
    assert savings_by_year([]) == {}
    assert savings_at_risk([]) == D(0)


@pytest.mark.parametrize(
    ("tolerance", "expected"),
    [
        (None, D("800")),   # C (At risk, exactly 85%) and D (Undeliverable)
        (D("15"), D("800")),
        (D("14.99"), D("800")),  # C now Undeliverable: still at risk
        (D("100"), D("800")),    # D now At risk: still at risk
    ],
)
def test_savings_at_risk_are_the_plans_of_lines_at_risk_or_undeliverable(tolerance, expected):
    assert savings_at_risk(LINES, tolerance=tolerance) == expected


def test_delivered_and_on_track_lines_are_not_at_risk():
    lines = [SavingLine("2019/20", D("100"), D("100")), SavingLine("2019/20", D("50"), D("0"), D("50"))]
    assert savings_at_risk(lines) == D(0)


def test_the_papers_four_year_profile_totals_6118219_and_prints_as_published():
    lines = [SavingLine(year, planned, planned) for year, (planned, _) in PAPERS_PROFILE.items()]
    by_year = savings_by_year(lines)
    assert list(by_year) == ["2019/20", "2020/21", "2021/22", "2022/23"]
    for year, (planned, printed) in PAPERS_PROFILE.items():
        assert by_year[year].planned == planned
        assert money(by_year[year].planned) == printed
    total = savings_total(lines)
    assert total.planned == D("6118219")
    assert money(total.planned) == PAPERS_TOTAL
    assert total.variance == 0
    assert savings_at_risk(lines) == 0
    assert [money_short(t.planned) for t in by_year.values()] == ["£1.6m", "£2.2m", "£1.8m", "£453k"]
    assert money_short(total.planned) == "£6.1m"


# --- money ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # half up at .5, away from zero
        (D("0.5"), "£1"),
        (D("0.49"), "£0"),
        (D("2.5"), "£3"),  # not banker's rounding
        (D("1642066.5"), "£1,642,067"),
        (D("1642067.49"), "£1,642,067"),
        (D("999999.50"), "£1,000,000"),
        (D("999999.49"), "£999,999"),
        (D("999.5"), "£1,000"),
        # the papers' figures
        (D("1642067"), "£1,642,067"),
        (D("6118219"), "£6,118,219"),
        (D("1815000"), "£1,815,000"),
        (D("0"), "£0"),
        (0, "£0"),
        (1017000, "£1,017,000"),
        (D("950"), "£950"),
        (D("1000"), "£1,000"),
        (D("1E+3"), "£1,000"),
        (D("1234567890"), "£1,234,567,890"),
        # negatives: minus before the pound sign; nothing negative rounds to -£0
        (D("-1000"), "-£1,000"),
        (D("-0.5"), "-£1"),
        (D("-0.49"), "£0"),
        (D("-0"), "£0"),
        (D("-1642066.5"), "-£1,642,067"),
        # not entered
        (None, ""),
    ],
)
def test_money_as_the_papers_print_it(value, expected):
    assert money(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # pounds, up to the edge of a thousand
        (D("0"), "£0"),
        (D("0.49"), "£0"),
        (D("0.5"), "£1"),
        (D("950"), "£950"),
        (D("999.49"), "£999"),
        (D("999.5"), "£1k"),   # would show as £1,000: a thousand
        (D("1000"), "£1k"),
        # thousands, up to the edge of a million
        (D("1499.99"), "£1k"),
        (D("1500"), "£2k"),
        (D("449500"), "£450k"),
        (D("449499.99"), "£449k"),
        (D("453228"), "£453k"),
        (D("999499.99"), "£999k"),
        (D("999500"), "£1.0m"),  # would show as £1,000k: a million
        (D("999950"), "£1.0m"),
        (D("999999.50"), "£1.0m"),
        # millions, one place, half up
        (D("1000000"), "£1.0m"),
        (D("1049999.99"), "£1.0m"),
        (D("1050000"), "£1.1m"),
        (D("1642067"), "£1.6m"),
        (D("1650000"), "£1.7m"),
        (D("6118219"), "£6.1m"),
        (D("1234500000"), "£1,234.5m"),
        (1815000, "£1.8m"),
        # negatives
        (D("-950"), "-£950"),
        (D("-450000"), "-£450k"),
        (D("-1642067"), "-£1.6m"),
        (D("-999.5"), "-£1k"),
        (D("-0.4"), "£0"),
        (None, ""),
    ],
)
def test_money_in_short(value, expected):
    assert money_short(value) == expected


@pytest.mark.parametrize("formatter", [money, money_short])
@pytest.mark.parametrize("bad", [1.5, 0.0, True, "1000"])
def test_money_refuses_floats_and_text(formatter, bad):
    with pytest.raises(TypeError, match="money must be a Decimal or an int"):
        formatter(bad)


@pytest.mark.parametrize(
    ("value", "negative", "expected"),
    [(D("1.25"), False, D("1.25")), (3, False, D(3)), (D("-2"), True, D("-2")), (D("0"), False, D("0"))],
)
def test_an_amount_is_a_decimal(value, negative, expected):
    result = amount(value, negative=negative)
    assert result == expected and isinstance(result, D)


# --- milestones -------------------------------------------------------------

BASE = date(2019, 3, 31)


@pytest.mark.parametrize(
    ("milestone", "today", "state", "slipped"),
    [
        # dates equal: met on the day is on time; due today and not met is not yet overdue
        (Milestone(BASE, actual=BASE), BASE, MilestoneState.ON_TIME, (0, 0)),
        (Milestone(BASE), BASE, MilestoneState.NOT_YET_DUE, (0, 0)),
        (Milestone(BASE), date(2019, 4, 1), MilestoneState.OVERDUE, (1, 1)),
        (Milestone(BASE, actual=date(2019, 4, 1)), date(2019, 4, 1), MilestoneState.SLIPPED, (1, 1)),
        # early
        (Milestone(BASE, actual=date(2019, 3, 1)), date(2019, 6, 30), MilestoneState.ON_TIME, (-30, -30)),
        # not yet due
        (Milestone(BASE), date(2019, 1, 1), MilestoneState.NOT_YET_DUE, (0, 0)),
        (Milestone(BASE, forecast=BASE), date(2019, 1, 1), MilestoneState.NOT_YET_DUE, (0, 0)),
        (Milestone(BASE, forecast=date(2019, 3, 1)), date(2019, 1, 1), MilestoneState.NOT_YET_DUE, (-30, -30)),
        # forecast late but not yet due: slipped
        (Milestone(BASE, forecast=date(2019, 4, 30)), date(2019, 1, 1), MilestoneState.SLIPPED, (30, 30)),
        # overdue: slips a day more each day it is not met
        (Milestone(BASE), date(2019, 6, 30), MilestoneState.OVERDUE, (91, 91)),
        (Milestone(BASE, forecast=date(2019, 9, 30)), date(2019, 6, 30), MilestoneState.OVERDUE, (183, 183)),
        (Milestone(BASE, forecast=date(2019, 4, 30)), date(2019, 6, 30), MilestoneState.OVERDUE, (91, 91)),
        # rebaselined (approved later): judged against the approved date, slippage kept against the baseline
        (Milestone(BASE, approved=date(2019, 9, 30)), date(2019, 6, 30), MilestoneState.NOT_YET_DUE, (183, 0)),
        (Milestone(BASE, date(2019, 9, 30), actual=date(2019, 9, 30)), date(2019, 10, 1),
         MilestoneState.ON_TIME, (183, 0)),
        (Milestone(BASE, date(2019, 9, 30), actual=date(2019, 10, 2)), date(2019, 10, 2),
         MilestoneState.SLIPPED, (185, 2)),
        (Milestone(BASE, date(2019, 9, 30)), date(2019, 10, 31), MilestoneState.OVERDUE, (214, 31)),
        # brought forward
        (Milestone(BASE, approved=date(2019, 2, 28)), date(2019, 3, 15), MilestoneState.OVERDUE, (-16, 15)),
        # as of a date before the actual one: not met yet then
        (Milestone(BASE, actual=date(2019, 4, 10)), date(2019, 3, 1), MilestoneState.NOT_YET_DUE, (0, 0)),
        (Milestone(BASE, actual=date(2019, 4, 10)), date(2019, 4, 5), MilestoneState.OVERDUE, (5, 5)),
        # the programme's closure: planned 30/09/2019, approved 30/09/2019, actual 02/10/2019
        (Milestone(date(2019, 9, 30), date(2019, 9, 30), date(2019, 10, 2)), date(2019, 10, 31),
         MilestoneState.SLIPPED, (2, 2)),
    ],
)
def test_milestone_state_and_days_slipped(milestone, today, state, slipped):
    assert milestone_state(milestone, today) == state
    assert days_slipped(milestone, today) == slipped


@pytest.mark.parametrize(
    ("baseline", "actual", "days"),
    [
        (date(2020, 2, 28), date(2020, 3, 1), 2),    # 2020 is a leap year: 29 February counts
        (date(2019, 2, 28), date(2019, 3, 1), 1),
        (date(2100, 2, 28), date(2100, 3, 1), 1),    # a century is not a leap year...
        (date(2000, 2, 28), date(2000, 3, 1), 2),    # ...unless it divides by 400
        (date(2020, 2, 29), date(2021, 2, 28), 365),
        (date(2019, 3, 31), date(2020, 3, 31), 366),
        (date(2020, 3, 31), date(2021, 3, 31), 365),
        (date(2019, 12, 31), date(2020, 1, 1), 1),
    ],
)
def test_days_slipped_across_leap_years(baseline, actual, days):
    milestone = Milestone(baseline, actual=actual)
    assert days_slipped(milestone, actual) == (days, days)
    assert milestone_state(milestone, actual) == MilestoneState.SLIPPED


@pytest.mark.parametrize(
    ("milestone", "today", "required"),
    [
        (Milestone(BASE, actual=BASE), BASE, False),
        (Milestone(BASE, actual=date(2019, 3, 1)), BASE, False),
        (Milestone(BASE), BASE, False),
        (Milestone(BASE), date(2019, 1, 1), False),
        (Milestone(BASE, actual=date(2019, 4, 1)), date(2019, 4, 1), True),   # a day late
        (Milestone(BASE), date(2019, 4, 1), True),                            # a day overdue
        (Milestone(BASE, forecast=date(2019, 4, 1)), date(2019, 1, 1), True),  # forecast late
        # a rebaseline is a slippage to explain, even when the approved date is met
        (Milestone(BASE, date(2019, 9, 30), actual=date(2019, 9, 30)), date(2019, 10, 1), True),
        (Milestone(BASE, approved=date(2019, 4, 1)), date(2019, 1, 1), True),
        # brought forward and met: nothing to explain
        (Milestone(BASE, approved=date(2019, 2, 28), actual=date(2019, 2, 28)), BASE, False),
    ],
)
def test_a_slipped_milestone_needs_a_reason(milestone, today, required):
    assert reason_required(milestone, today) is required


@pytest.mark.parametrize(
    ("reason", "missing"),
    [(None, True), ("", True), ("   ", True), ("\n\t", True),
     ("Device deployment not completed", False)],
)
def test_a_blank_reason_is_no_reason(reason, missing):
    slipped = Milestone(BASE, actual=date(2019, 5, 1))
    assert reason_missing(slipped, date(2019, 5, 1), reason) is missing
    on_time = Milestone(BASE, actual=BASE)
    assert reason_missing(on_time, BASE, reason) is False


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ({"baseline": "2019-03-31"}, "baseline"),
        ({"baseline": None}, "baseline"),
        ({"baseline": BASE, "approved": "2019-09-30"}, "approved"),
        ({"baseline": BASE, "actual": datetime(2019, 3, 31, 12)}, "actual"),
        ({"baseline": datetime(2019, 3, 31)}, "baseline"),
        ({"baseline": BASE, "forecast": 20190331}, "forecast"),
    ],
)
def test_milestone_dates_must_be_dates(fields, name):
    with pytest.raises(TypeError, match=f"^the {name} date must be a date"):
        Milestone(**fields)


@pytest.mark.parametrize(
    ("state", "label", "colour"),
    [
        (MilestoneState.ON_TIME, "On time", Colour.GREEN),
        (MilestoneState.SLIPPED, "Slipped", Colour.AMBER),
        (MilestoneState.NOT_YET_DUE, "Not yet due", None),
        (MilestoneState.OVERDUE, "Overdue", Colour.RED),
    ],
)
def test_each_milestone_state_has_its_words(state, label, colour):
    assert state.label == label
    assert state.colour == colour


# --- objectives -------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Green", Progress.ON_TRACK), ("green", Progress.ON_TRACK), (" GREEN ", Progress.ON_TRACK),
        ("On track", Progress.ON_TRACK), ("on track", Progress.ON_TRACK),
        ("Amber", Progress.AT_RISK), ("At risk", Progress.AT_RISK),
        ("Red", Progress.OFF_TRACK), ("Off track", Progress.OFF_TRACK),
    ],
)
def test_an_objective_rag_reads_from_its_words_or_its_colour(value, expected):
    assert progress(value) == expected


@pytest.mark.parametrize("value", ["", "Blue", "G", "Achieved", None, 1])
def test_anything_else_is_not_an_objective_rag(value):
    with pytest.raises(ValueError, match=r"is not an objective RAG: use Green \(On track\), Amber \(At risk\), Red"):
        progress(value)


@pytest.mark.parametrize(
    ("state", "label", "colour"),
    [(Progress.ON_TRACK, "On track", Colour.GREEN), (Progress.AT_RISK, "At risk", Colour.AMBER),
     (Progress.OFF_TRACK, "Off track", Colour.RED)],
)
def test_each_objective_rag_has_its_words(state, label, colour):
    assert (state.label, state.colour) == (label, colour)


@pytest.mark.parametrize(
    ("assessment", "label", "colour"),
    [(Assessment.ACHIEVED, "Achieved", Colour.GREEN),
     (Assessment.ACHIEVED_IN_PART, "Achieved in part", Colour.AMBER),
     (Assessment.NOT_ACHIEVED, "Not achieved", Colour.RED)],
)
def test_each_closure_assessment_has_the_papers_words(assessment, label, colour):
    assert (assessment.label, assessment.colour) == (label, colour)
    assert Assessment(label) == assessment


PAPERS_CLOSURE = [  # objectives 1 to 7, October 2019
    Assessment.ACHIEVED, Assessment.ACHIEVED, Assessment.ACHIEVED, Assessment.ACHIEVED_IN_PART,
    Assessment.NOT_ACHIEVED, Assessment.ACHIEVED_IN_PART, Assessment.ACHIEVED_IN_PART,
]


@pytest.mark.parametrize(
    ("assessments", "counts", "text"),
    [
        (PAPERS_CLOSURE, (3, 3, 1, 0), "7 objectives: 3 achieved, 3 in part, 1 not"),
        (["Achieved"] * 4 + ["Achieved in part"] * 2 + ["Not achieved"], (4, 2, 1, 0),
         "7 objectives: 4 achieved, 2 in part, 1 not"),
        ([], (0, 0, 0, 0), "No objectives"),
        ([Assessment.ACHIEVED], (1, 0, 0, 0), "1 objective: 1 achieved, 0 in part, 0 not"),
        ([Assessment.NOT_ACHIEVED, Assessment.NOT_ACHIEVED], (0, 0, 2, 0), "2 objectives: 0 achieved, 0 in part, 2 not"),
        ([Assessment.ACHIEVED, None, ""], (1, 0, 0, 2), "3 objectives: 1 achieved, 0 in part, 0 not, 2 not assessed"),
        ([None], (0, 0, 0, 1), "1 objective: 0 achieved, 0 in part, 0 not, 1 not assessed"),
    ],
)
def test_closure_summary_counts(assessments, counts, text):
    summary = closure_summary(assessments)
    assert (summary.achieved, summary.in_part, summary.not_achieved, summary.not_assessed) == counts
    assert summary.total == sum(counts)
    assert summary.text == text


def test_an_unknown_assessment_is_refused():
    with pytest.raises(ValueError, match="'Partly achieved' is not a valid Assessment"):
        closure_summary(["Partly achieved"])


# --- budgets ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("original", "final", "spend", "variation", "percent", "revision", "overspent"),
    [
        # the papers: capital reserves and revenue, spent exactly
        (D("1815000"), D("1815000"), D("1815000"), D("0"), D("0.0"), D("0"), False),
        (D("1017000"), D("1017000"), D("1017000"), D("0"), D("0.0"), D("0"), False),
        # over and under
        (D("1000"), D("1000"), D("1100"), D("100"), D("10.0"), D("0"), True),
        (D("1000"), D("1000"), D("900"), D("-100"), D("-10.0"), D("0"), False),
        (D("1000"), D("1200"), D("1100"), D("-100"), D("-8.3"), D("200"), False),
        (D("1000"), D("800"), D("1000"), D("200"), D("25.0"), D("-200"), True),
        # percent rounded half up to one place
        (D("2000"), D("2000"), D("2001"), D("1"), D("0.1"), D("0"), True),       # 0.05% -> 0.1
        (D("2000"), D("2000"), D("2000.99"), D("0.99"), D("0.0"), D("0"), True),  # 0.0495% -> 0.0
        (D("3"), D("3"), D("1"), D("-2"), D("-66.7"), D("0"), False),
        (D("1000"), D("1000"), D("0"), D("-1000"), D("-100.0"), D("0"), False),
        # zero budget: no percentage of nothing, the pounds still show
        (D("0"), D("0"), D("0"), D("0"), None, D("0"), False),
        (D("0"), D("0"), D("500"), D("500"), None, D("0"), True),
        (D("1000"), D("0"), D("500"), D("500"), None, D("-1000"), True),
        (0, 0, 0, D("0"), None, D("0"), False),
    ],
)
def test_budget_line_variance(original, final, spend, variation, percent, revision, overspent):
    line = budget_variance(original, final, spend)
    assert line.variation == variation
    assert line.percent == percent
    assert line.revision == revision
    assert line.overspent is overspent


def test_the_papers_budget_variation_prints_as_nil():
    assert money(budget_variance(D("1815000"), D("1815000"), D("1815000")).variation) == "£0"


@pytest.mark.parametrize(
    ("original", "final", "spend", "message"),
    [
        (D("-1"), D("0"), D("0"), "original budget cannot be negative: -1"),
        (D("0"), D("-1"), D("0"), "final approved budget cannot be negative: -1"),
        (D("0"), D("0"), D("-0.01"), "spend cannot be negative: -0.01"),
    ],
)
def test_negative_budgets_and_spend_are_refused(original, final, spend, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        budget_variance(original, final, spend)


def test_a_float_budget_is_refused():
    with pytest.raises(TypeError, match="final approved budget must be a Decimal or an int, not float"):
        budget_variance(D("1"), 1.0, D("1"))
