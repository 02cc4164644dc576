"""The committee pack's "Controls, assurance and agreed actions": what the demo's 2019/20 Q1 pack says, in PDF
and in Word alike; Part A keeps an exempt risk's controls out and Part B lists them; a locked quarter's pack
says what the quarter reported, whatever changes afterwards."""

from __future__ import annotations

from datetime import date

import pytest

from organisation import demo
from packs import content, services
from packs.models import Committee
from risks import controls
from risks.models import ControlReview, Risk

from .test_packs import Q1, docx_text, flat, lock, pdf_pages


@pytest.fixture
def demo_data(db):
    demo.load_data()


def built(quarter_label=Q1, *, draft=True):
    from organisation.models import ReportingPeriod

    return content.build(quarter=ReportingPeriod.for_label(quarter_label),
                         committee=Committee.objects.get(name="People Scrutiny Commission"),
                         meeting_date=date(2019, 10, 14), draft=draft)


def test_the_demo_pack_says_what_the_orange_book_asks(demo_data):
    a = built().risks.assurance
    ratings = {ref: (inherent, current, target, effect) for ref, _, inherent, current, target, effect in a.ratings}
    assert ratings["CRR9"] == ("4 x 7 = 28", "2 x 7 = 14", "1 x 7 = 7", "reduced by 14")
    gaps = {ref: gap for ref, _, gap in a.gaps}
    assert gaps["CRR9"] == "second- and third-line assurance is only Limited or No"
    assert gaps["CRR10"] == "no second- or third-line assurance"
    crr9 = next(m for m in a.map if m.reference == "CRR9")
    assert crr9.lines == [("First line", 3, "Limited"), ("Second line", 1, "Limited"), ("Third line", 1, "Limited")]
    assert [o.risks for o in a.overdue] == [("CRR9",)]
    assert [(ref, prompted) for ref, _, _, prompted in a.kris] == [("CRR9", True)]
    assert "DPE006 Well below target (Red)" in a.kris[0][2]
    assert [(ref, until, expired) for ref, _, until, _, expired in a.acceptances] == [("CRR10", "30 June 2019", True)]


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_pdf_and_word_say_the_same(demo_data, fmt):
    data = services.render(built(), "a", fmt)
    text = flat(" ".join(pdf_pages(data)) if fmt == "pdf" else docx_text(data))
    for said in ("Controls, assurance and agreed actions", "Ratings before and after controls",
                 "Assurance over the three lines", "Gaps in assurance", "CRR9 Safeguarding vulnerable children: "
                 "second- and third-line assurance is only Limited or No", "Agreed actions overdue",
                 "Internal audit 2018/19: Placement commissioning and costs", "Key risk indicators",
                 "Review prompted", "Risks accepted outside appetite", "acceptance expired on 30 June 2019",
                 "Deep-dive candidates"):
        assert said in text, said


def test_an_exempt_risks_controls_are_in_part_b_only(demo_data):
    from risks import services as risk_services

    crr10 = Risk.objects.get(reference="CRR10")
    crr10.exempt = True
    risk_services.risk_save(user=None, risk=crr10)
    pack = built()
    part_a = flat(" ".join(pdf_pages(services.render(pack, "a", "pdf"))))
    part_b = flat(" ".join(pdf_pages(services.render(pack, "b", "pdf"))))
    secret = "Commissioned care providers' quality monitored through contract visits"
    assert secret not in part_a and "The controls and indicators of 1 exempt risk are in Part B" in part_a
    assert secret in part_b and "Controls and assurance of the exempt risks" in part_b
    assert secret in flat(docx_text(services.render(pack, "b", "docx")))
    assert "CRR10" not in {m.reference for m in pack.risks.assurance.map}


def test_a_locked_quarters_pack_keeps_what_it_reported(demo_data, officer_user):
    """After the lock, the next quarter's controls change, CRR10's acceptance is withdrawn and the overdue
    recommendation is implemented: the locked quarter's pack says what it said."""
    from organisation.models import ReportingPeriod
    from risks import audit_actions
    from risks.models import AuditRecommendation

    quarter = lock(officer_user, Q1)
    before = built(draft=False).risks.assurance
    q2 = ReportingPeriod.for_label("2019/20 Q2")
    crr9 = Risk.objects.get(reference="CRR9")
    ControlReview.objects.create(risk=crr9, period=q2, control="A new control", line=3, assurance="Substantial",
                                 assurance_source="internal audit")
    controls.acceptance_withdraw(user=officer_user, risk=Risk.objects.get(reference="CRR10"), reason="Treated")
    rec = AuditRecommendation.objects.get(risks=crr9)
    rec.status = AuditRecommendation.Status.IMPLEMENTED
    audit_actions.recommendation_save(user=officer_user, rec=rec, risk_refs=["CRR9"], reason="done",
                                      expected_version=rec.version)
    assert ReportingPeriod.objects.get(pk=quarter.pk).is_locked
    assert built(draft=False).risks.assurance == before


def test_query_count_does_not_grow_with_controls(demo_data, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from organisation.models import ReportingPeriod

    def count():
        with CaptureQueriesContext(connection) as ctx:
            built()
        return len(ctx)

    few = count()
    crr9 = Risk.objects.get(reference="CRR9")
    q4 = ReportingPeriod.for_label("2018/19 Q4")
    ControlReview.objects.bulk_create([ControlReview(risk=crr9, period=q4, control=f"Extra control {n}", line=2,
                                                     assurance="Reasonable", assurance_source="second line")
                                       for n in range(40)])
    assert count() == few
    assert len(controls.shown([crr9.pk], ReportingPeriod.for_label(Q1))[crr9.pk]) == 45
