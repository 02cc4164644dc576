import io

import pytest
from django.core.management import call_command

from organisation import interchange
from risks.models import Risk, RiskReview
from risks.resources import COLUMNS

HEADER = ",".join(COLUMNS)
GOOD = ("CRR9,Safeguarding,Harm,Demand,threat,corporate,People,Children & Families Services,Director,Head,"
        "Children,Caring,2018/19 Q4,2,7,1,7,Scrutiny,Improvement plan")


def run(*rows, dry_run=False):
    return interchange.import_file("risks", "r.csv", ("\n".join((HEADER,) + rows) + "\n").encode(), dry_run=dry_run)


def test_a_register_imports_and_reimport_changes_nothing(db):
    report = run(GOOD, dry_run=True)
    assert report.ok and report.new == 1 and "New directorate: People" in report.notes
    assert not Risk.objects.exists()
    assert run(GOOD).new == 1
    review = RiskReview.objects.get()
    assert (review.rating, review.tolerance_rating) == (14, 7)
    again = run(GOOD)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)


def test_the_newest_quarter_sets_the_risks_own_fields(db):
    newer = GOOD.replace("2018/19 Q4", "2019/20 Q1").replace("Safeguarding,", "Safeguarding children,", 1)
    run(newer, GOOD)
    assert Risk.objects.get().title == "Safeguarding children"
    assert RiskReview.objects.count() == 2


@pytest.mark.parametrize(("old", "new", "message"), [
    (",2,7,1,7,", ",5,7,1,7,", 'row 2, column "likelihood": 5 is not on the likelihood scale: use 1, 2, 3 or 4'),
    (",2,7,1,7,", ",2,4,1,7,", 'row 2, column "impact": 4 is not on the threat impact scale: use 1, 3, 5 or 7'),
    (",corporate,", ",board,", 'row 2, column "register": "board" is not a register: use service, directorate or corporate'),
    (",2018/19 Q4,", ",2018-19 Q4,", 'row 2, column "period": "2018-19 Q4" is not a period'),
    (",2018/19 Q4,", ",2018/19,", 'row 2, column "period": a review is for a quarter'),
    (",threat,", ",hazard,", 'row 2, column "kind": "hazard" is not allowed: use threat or opportunity'),
])
def test_bad_rows_are_refused_with_row_and_column_and_nothing_is_saved(db, old, new, message):
    report = run(GOOD.replace(old, new, 1))
    assert any(message in e for e in report.errors), report.errors
    assert not Risk.objects.exists() and not RiskReview.objects.exists()


def test_one_bad_row_among_good_ones_saves_nothing(db):
    report = run(GOOD, GOOD.replace("CRR9", "CRR10").replace(",2,7,1,7,", ",2,7,1,8,"))
    assert report.errors == ['row 3, column "tolerance_impact": 8 is not on the threat impact scale: use 1, 3, 5 or 7']
    assert not Risk.objects.exists()


def test_export_data_risks_adds_the_scores_highest_first(db):
    low = GOOD.replace("CRR9", "CRR1").replace(",2,7,1,7,", ",1,1,1,1,")
    run(low, GOOD)
    out = io.StringIO()
    call_command("export_data", "risks", "--period", "2018/19 Q4", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].endswith("rating,level,tolerance_rating,tolerance_level,previous_rating,travel,"
                             "outside_tolerance,last_reviewed,scheme,appetite,outside_appetite,inherent_rating,"
                             "review_prompted,accepted_until")
    # then the appetite it was judged against (no category: the council's default, cautious), whether outside
    # it, and the inherent rating (none given)
    assert lines[1].startswith("CRR9,") and lines[1].endswith(
        ",14,High,7,Medium,,New,yes,2018/19 Q4,Council 4x4,cautious,yes,,no,")
    assert lines[2].startswith("CRR1,") and lines[2].endswith(",1,Low,1,Low,,New,no,2018/19 Q4,Council 4x4,cautious,no,,no,")
