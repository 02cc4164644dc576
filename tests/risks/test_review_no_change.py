"""The risk review: a live rating as the scores change (said in words without JavaScript too), a review
comment, and "reviewed, no change" that confirms last quarter's review with a comment."""

import pytest

from organisation.models import AuditEvent
from risks.models import RiskReview
from tests.risks.conftest import make_risk, review


@pytest.fixture
def reviewed(directorate, area_a, open_quarter, locked_quarter):
    risk = make_risk("CRR9", directorate, area_a)
    review(risk, locked_quarter.label, 2, 5)
    return risk


def url(risk, quarter):
    return f"/risks/{risk.reference}/review/{quarter.slug}/"


def test_the_form_offers_no_change_and_shows_the_rating(manager_a, reviewed, open_quarter, locked_quarter):
    page = manager_a.get(url(reviewed, open_quarter)).content.decode()
    assert f"Nothing has changed since {locked_quarter.label}?" in page
    assert "Reviewed, no change" in page
    assert "Current rating: <span data-rating>2 x 5 = 10" in page
    assert 'aria-live="polite"' in page and 'data-module="app-live-rating"' in page


def test_reviewed_no_change_copies_last_quarter_with_the_comment(manager_a, reviewed, open_quarter, locked_quarter):
    response = manager_a.post(url(reviewed, open_quarter), {"action": "no-change",
                                                            "same-comment": "Controls tested; no new causes."})
    assert response.status_code == 302
    made = RiskReview.objects.get(risk=reviewed, period=open_quarter)
    before = RiskReview.objects.get(risk=reviewed, period=locked_quarter)
    assert (made.likelihood, made.impact, made.tolerance_likelihood, made.tolerance_impact) == (
        before.likelihood, before.impact, before.tolerance_likelihood, before.tolerance_impact)
    assert made.unchanged and made.comment == "Controls tested; no new causes."
    page = manager_a.get(f"/risks/{reviewed.reference}/").content.decode()
    assert "Reviewed, no change" in page and "Controls tested; no new causes." in page


def test_no_change_needs_a_comment_and_saves_nothing_without(manager_a, reviewed, open_quarter):
    response = manager_a.post(url(reviewed, open_quarter), {"action": "no-change", "same-comment": "  "})
    assert response.status_code == 400
    assert "Say what was checked and why nothing has changed" in response.content.decode()
    assert not RiskReview.objects.filter(risk=reviewed, period=open_quarter).exists()


def test_no_change_is_not_offered_once_the_quarter_has_a_review(manager_a, reviewed, open_quarter):
    review(reviewed, open_quarter.label, 3, 5)
    page = manager_a.get(url(reviewed, open_quarter)).content.decode()
    assert "Nothing has changed since" not in page
    response = manager_a.post(url(reviewed, open_quarter), {"action": "no-change", "same-comment": "x"})
    # A second "no change" (another tab, a double click) is told why, and nothing changes.
    assert response.status_code == 400
    assert "already has a review for" in response.content.decode()
    assert RiskReview.objects.get(risk=reviewed, period=open_quarter).likelihood == 3


def test_a_risk_never_reviewed_is_told_to_use_the_form(manager_a, directorate, area_a, open_quarter):
    risk = make_risk("CRR78", directorate, area_a)
    response = manager_a.post(url(risk, open_quarter), {"action": "no-change", "same-comment": "x"})
    assert response.status_code == 400 and "no earlier review to confirm" in response.content.decode()


def test_a_comment_counts_a_line_break_once(manager_a, reviewed, open_quarter):
    comment = "line\r\n" * 400  # 2,400 characters as sent, 2,000 as kept
    response = manager_a.post(url(reviewed, open_quarter), {"action": "no-change", "same-comment": comment})
    assert response.status_code == 302
    assert RiskReview.objects.get(risk=reviewed, period=open_quarter).comment == ("line\n" * 400).strip()


def test_an_exempt_risks_comment_is_not_shown_to_a_manager_who_may_not_read_it(manager_a, officer, directorate,
                                                                            area_a, open_quarter):
    risk = make_risk("CRR79", directorate, area_a, exempt=True, exempt_paragraph=3)
    review(risk, open_quarter.label, 2, 5, comment="Secret reason")
    page = manager_a.get(url(risk, open_quarter)).content.decode()
    assert "Secret reason" not in page
    data = {"version": 1, "likelihood": 3, "impact": 5, "tolerance_likelihood": 1, "tolerance_impact": 5,
            "comment": ""}
    assert manager_a.post(url(risk, open_quarter), data).status_code == 302
    assert RiskReview.objects.get(risk=risk, period=open_quarter).comment == "Secret reason"  # kept


def test_scores_that_no_longer_fit_the_scheme_are_explained(manager_a, directorate, area_a, open_quarter,
                                                            locked_quarter):
    risk = make_risk("CRR8", directorate, area_a)
    review(risk, locked_quarter.label, 2, 4)  # 4 is not on this scheme's threat impact scale
    response = manager_a.post(url(risk, open_quarter), {"action": "no-change", "same-comment": "Checked."})
    assert response.status_code == 400
    assert f"The {locked_quarter.label} review cannot be confirmed as it is" in response.content.decode()
    assert not RiskReview.objects.filter(risk=risk, period=open_quarter).exists()


def test_a_risk_never_reviewed_has_no_shortcut(manager_a, directorate, area_a, open_quarter):
    risk = make_risk("CRR77", directorate, area_a)
    assert "Nothing has changed since" not in manager_a.get(url(risk, open_quarter)).content.decode()


@pytest.mark.parametrize("persona", ["executive", "audit", "manager_b"], indirect=True)
def test_others_may_not_use_it(persona, reviewed, open_quarter):
    response = persona.post(url(reviewed, open_quarter), {"action": "no-change", "same-comment": "x"})
    assert response.status_code in (403, 404)  # another area's manager may not even see it
    assert not RiskReview.objects.filter(risk=reviewed, period=open_quarter).exists()


def test_a_locked_quarter_refuses_it(officer, reviewed, locked_quarter):
    response = officer.post(url(reviewed, locked_quarter), {"action": "no-change", "same-comment": "x"})
    assert response.status_code == 403


def test_the_full_form_keeps_a_comment_and_rejects_a_huge_one(manager_a, reviewed, open_quarter):
    data = {"version": 0, "likelihood": 3, "impact": 5, "tolerance_likelihood": 1, "tolerance_impact": 5,
            "comment": "Rising demand."}
    assert manager_a.post(url(reviewed, open_quarter), data).status_code == 302
    assert RiskReview.objects.get(risk=reviewed, period=open_quarter).comment == "Rising demand."
    data |= {"version": 1, "comment": "x" * 2001}
    response = manager_a.post(url(reviewed, open_quarter), data)
    assert response.status_code == 400
    assert RiskReview.objects.get(risk=reviewed, period=open_quarter).comment == "Rising demand."


def test_it_is_audited(manager_a, reviewed, open_quarter, locked_quarter):
    before = AuditEvent.objects.count()
    manager_a.post(url(reviewed, open_quarter), {"action": "no-change", "same-comment": "Checked."})
    assert AuditEvent.objects.count() >= before  # the review's history carries the reason
    made = RiskReview.objects.get(risk=reviewed, period=open_quarter)
    assert made.history.first().history_change_reason == f"reviewed, no change since {locked_quarter.label}"
