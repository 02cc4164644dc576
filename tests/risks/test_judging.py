"""Stored judgements of risks (risks/judging.py): written by the services in the same transaction, read
by the registers, heat maps and summaries, never different from the rules (`manage.py rejudge --check`)."""

import io

import pytest
from django.core.management import CommandError, call_command

from organisation import services as organisation_services
from risks import judging
from risks import services as risk_services
from risks.models import Judgement, Risk, ScoringScheme
from tests.risks.conftest import make_risk, review


def stored(risk, quarter) -> Judgement:
    return Judgement.objects.get(risk=risk, quarter=quarter)


def test_a_review_through_the_service_is_stored_at_once(officer_user, corporate_risk, open_quarter):
    carried = stored(corporate_risk, open_quarter)  # carried forward from 2018/19 Q4
    assert (carried.likelihood, carried.travel, carried.reviewed_this_quarter) == (2, "Not reviewed", False)
    risk_services.review_save(user=officer_user, risk=corporate_risk, period=open_quarter, version=None,
                              data=risk_services.ReviewInput(4, 7, 1, 7))
    now = stored(corporate_risk, open_quarter)
    assert (now.likelihood, now.travel, now.reviewed_this_quarter, now.outside) == (4, "Up", True, True)
    assert judging.check() == []


def test_moves_kind_changes_and_a_scheme_switch_are_stored(officer_user, corporate_risk, open_quarter):
    risk_services.risk_move(user=officer_user, risk=corporate_risk, up=False)
    assert stored(corporate_risk, open_quarter).register == "directorate"
    corporate_risk.refresh_from_db()
    corporate_risk.kind = "opportunity"
    risk_services.risk_save(user=officer_user, risk=corporate_risk)
    assert stored(corporate_risk, open_quarter).kind == "opportunity"
    risk_services.scheme_activate(user=officer_user, scheme=ScoringScheme.objects.get(name="Standard 5x5"))
    assert judging.check() == []


def test_a_save_round_the_services_is_stored_by_signal_and_rejudge_repairs_a_raw_one(corporate_risk,
                                                                                     open_quarter):
    review(corporate_risk, "2019/20 Q1", likelihood=3, impact=7)  # an ORM save: the signal scores it
    assert stored(corporate_risk, open_quarter).likelihood == 3
    Risk.objects.filter(pk=corporate_risk.pk).update(register="service")  # raw: no signal
    with pytest.raises(CommandError, match="differ"):
        call_command("rejudge", "--check", stdout=io.StringIO())
    call_command("rejudge", stdout=io.StringIO())
    assert stored(corporate_risk, open_quarter).register == "service" and judging.check() == []


def test_the_next_quarter_opened_is_scored_whole(officer_user, corporate_risk, open_quarter):
    created = organisation_services.period_open_next(user=officer_user)
    assert stored(corporate_risk, created).review_period_label == "2018/19 Q4"


def test_a_new_risk_with_no_review_still_shows_on_the_open_register(audit, directorate, area_a, open_quarter,
                                                                    locked_quarter):
    make_risk("CRR77", directorate, area_a, title="Not yet reviewed")
    assert "CRR77" in audit.get(f"/risks/?period={open_quarter.slug}").content.decode()
