"""The assurance map (/risks/assurance/): each risk against the three lines of defence with its controls'
assurance in words, the weakest per line and the gaps; the register's visibility for each role; an exempt
risk's controls (Part B) kept from those who may not read them; a locked quarter as it reported; a fixed
number of queries whatever the number of risks and controls; hostile query strings never a server error."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisation import services as organisation_services
from organisation.models import ReportingPeriod
from risks import controls
from tests.conftest import opened
from tests.risks.conftest import make_risk, review

Q1 = "2019/20 Q1"


def add(risk, label, name, line, assurance="", source="", **extra):
    return controls.control_save(user=None, risk=risk, period=ReportingPeriod.for_label(label),
                                 data=controls.ControlInput(name, line=line, assurance=assurance,
                                                            assurance_source=source, **extra))


@pytest.fixture
def register(directorate, area_a, area_b, open_quarter, locked_quarter):
    """Six risks of 2019/20 Q1: four High or Critical with a gap among those the officer reads."""
    crr9 = make_risk("CRR9", directorate, area_a, title="Safeguarding children")
    review(crr9, Q1, 2, 7)  # 14 High
    add(crr9, Q1, "Multi-agency safeguarding hub", 1, "Reasonable", "self-assessment")
    add(crr9, Q1, "Audit of case files", 3, "Limited", "internal audit")
    crr10 = make_risk("CRR10", directorate, area_a, title="Workforce")
    review(crr10, Q1, 3, 7)  # 21 High
    add(crr10, Q1, "Recruitment board", 2, "Substantial", "second line")
    add(crr10, Q1, "Agency use report", 2, "Limited", "second line")
    crr11 = make_risk("CRR11", directorate, area_b, register="directorate", title="Budget")
    review(crr11, Q1, 4, 7)  # 28 Critical, no controls at all
    srr1 = make_risk("SRR1", directorate, area_a, register="service", title="Case recording")
    review(srr1, Q1, 2, 7)
    add(srr1, Q1, "Supervision", 2)  # second line but not assessed
    srr2 = make_risk("SRR2", directorate, area_b, register="service", title="Transport")
    review(srr2, Q1, 1, 1)  # 1 Low: never a gap
    exr1 = make_risk("EXR1", directorate, area_a, exempt=True, title="Commercial dispute")
    review(exr1, Q1, 2, 7)
    add(exr1, Q1, "Counsel's opinion on the contract", 3, "No", "internal audit")
    return {r.reference: r for r in (crr9, crr10, crr11, srr1, srr2, exr1)}


def page(client, query="period=2019-20-Q1"):
    response = client.get(f"/risks/assurance/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def table(body):
    return body.split("<table", 1)[1]


def test_the_officer_sees_each_risk_against_the_three_lines_and_the_gaps(officer, register):
    body = page(officer)
    assert "Assurance map, 2019/20 Q1" in body
    assert "4 of 5 High or Critical risks have an assurance gap" in body
    rows = table(body)
    for reference in ("CRR9", "CRR10", "CRR11", "SRR1", "SRR2", "EXR1"):
        assert f">{reference}</a>" in rows
    # By reference in natural order, as the register names them: CRR9 before CRR10.
    assert rows.index(">CRR9</a>") < rows.index(">CRR10</a>") < rows.index(">CRR11</a>") < rows.index(">EXR1</a>")
    # Each control with its assurance in words and who gave it, and the weakest on its line.
    assert "Audit of case files" in rows and "Limited assurance</strong>" in rows and "(Internal audit)" in rows
    assert "Reasonable assurance</strong>" in rows and "(Self-assessment)" in rows
    assert "govuk-tag--orange\">Limited assurance" in rows and "govuk-tag--red\">No assurance" in rows
    assert "Weakest:" in rows and "Not assessed" in rows
    assert "14 High" in rows and "28 Critical" in rows and "1 Low" in rows
    # The gaps in words, above the table and in its last column.
    gaps = body.split("<table", 1)[0]
    assert "CRR9</a> Safeguarding children (14 High): second- and third-line assurance is only Limited or No" in gaps
    assert "CRR11</a> Budget (28 Critical): no second- or third-line assurance" in gaps
    assert "SRR1</a> Case recording (14 High): no second- or third-line assurance" in gaps
    assert ">CRR10</a>" not in gaps  # Substantial on the second line: no gap
    assert "No second- or third-line assurance" in rows  # the Gaps column, capitalised


def test_the_audit_committee_reads_the_corporate_and_directorate_registers(audit, register):
    body = page(audit)
    rows = table(body)
    assert ">CRR9</a>" in rows and ">CRR11</a>" in rows and ">EXR1</a>" in rows
    assert ">SRR1</a>" not in body and ">SRR2</a>" not in body and "Supervision" not in body
    assert "Counsel&#x27;s opinion on the contract" in rows  # the audit committee reads Part B
    assert "3 of 4 High or Critical risks have an assurance gap" in body


def test_a_manager_sees_their_own_areas_and_not_an_exempt_risks_controls(manager_a, register):
    body = page(manager_a)
    rows = table(body)
    assert ">CRR9</a>" in rows and ">SRR1</a>" in rows and ">EXR1</a>" in rows
    assert ">CRR11</a>" not in body and ">SRR2</a>" not in body and "Budget" not in body
    # The exempt risk by reference, title and rating; its controls are Part B.
    assert "Commercial dispute" in rows and "Exempt: controls in Part B" in rows
    assert "Counsel" not in body and "No assurance" not in body
    assert ("2 of 3 High or Critical risks have an assurance gap (1 exempt High or Critical risk not counted: "
            "its controls are in Part B)") in body
    assert ">EXR1</a>" not in body.split("<table", 1)[0]  # not listed among the gaps either


def test_the_other_manager_sees_only_theirs(manager_b, register):
    body = page(manager_b)
    assert ">CRR11</a>" in body and ">SRR2</a>" in body
    assert ">CRR9</a>" not in body and "EXR1" not in body
    assert "1 of 1 High or Critical risk has an assurance gap" in body


@pytest.mark.parametrize(("persona", "status"), [("outsider", 403), ("anonymous", 302)], indirect=["persona"])
def test_those_without_a_register_are_refused(persona, status, register):
    response = persona.get("/risks/assurance/?period=2019-20-Q1")
    assert response.status_code == status
    assert b"Audit of case files" not in response.content


def test_filters_narrow_it_as_the_register_does(officer, register, directorate):
    rows = table(page(officer, "period=2019-20-Q1&level=corporate"))
    assert ">CRR9</a>" in rows and ">CRR11</a>" not in rows and ">SRR1</a>" not in rows
    critical = page(officer, "period=2019-20-Q1&band=Critical")
    assert ">CRR11</a>" in table(critical) and ">CRR9</a>" not in table(critical)
    assert "1 of 1 High or Critical risk has an assurance gap" in critical
    assert ">CRR9</a>" in table(page(officer, f"period=2019-20-Q1&directorate={directorate.pk}"))


def test_it_opens_on_the_registers_default_quarter_and_the_register_links_to_it(officer, executive, register):
    assert "Assurance map, 2019/20 Q1" in page(officer, "")
    assert "Assurance map, 2018/19 Q4" in page(executive, "")  # the last quarter reported, as the register
    body = officer.get("/risks/?period=2019-20-Q1").content.decode()
    assert 'href="/risks/assurance/?period=2019-20-Q1"' in body


def test_a_locked_quarter_shows_what_it_reported(officer, officer_user, register, open_quarter):
    crr9 = register["CRR9"]
    organisation_services.period_lock(user=officer_user, period=open_quarter, sign_off_submitted=True)
    before = table(page(officer))
    assert "Audit of case files" in before and "Limited assurance" in before
    q2 = ReportingPeriod.for_label("2019/20 Q2")
    review(crr9, "2019/20 Q2", 1, 7)
    controls.control_save(user=officer_user, risk=crr9, period=q2, data=controls.ControlInput(
        "Audit of case files", line=3, assurance="Substantial", assurance_source="internal audit"),
        original="Audit of case files")
    controls.control_remove(user=officer_user, risk=crr9, period=q2, control="Multi-agency safeguarding hub")
    add(crr9, "2019/20 Q2", "New hub", 2, "Substantial", "second line")
    locked = page(officer)
    assert "CRR9</a> Safeguarding children (14 High): second- and third-line assurance is only Limited or No" in locked
    assert "Multi-agency safeguarding hub" in locked and "New hub" not in locked
    assert "shown as 2019/20 Q1 reported them" in locked
    later = table(page(officer, "period=2019-20-Q2"))
    assert "New hub" in later and "Multi-agency safeguarding hub" not in later


def test_controls_carried_forward_are_said_to_be(officer, officer_user, register, locked_quarter):
    crr9 = register["CRR9"]
    review(crr9, "2018/19 Q4", 2, 7)
    crr12 = make_risk("CRR12", crr9.directorate, crr9.service_area, title="Carried")
    review(crr12, "2018/19 Q4", 2, 7)
    with opened(locked_quarter):
        add(crr12, "2018/19 Q4", "Old board", 2, "Reasonable", "second line")
        add(crr12, "2018/19 Q4", "Old audit", 3, "Limited", "internal audit")
    rows = table(page(officer))
    assert "Old board" in rows and "Controls not reviewed in 2019/20 Q1: as reviewed in 2018/19 Q4" in rows
    add(crr12, Q1, "Old audit", 3, "Substantial", "internal audit")  # one reviewed: the other carried forward
    rows = table(page(officer))
    assert "1 of 2 controls not reviewed in 2019/20 Q1: carried forward" in rows
    assert rows.count("<span class=\"app-muted\">carried forward</span>") == 1  # beside the one not reviewed


def test_labels_the_council_sets_are_used(officer, register, settings):
    settings.RISK_ASSURANCE_LABELS = "Full;Substantial;Reasonable;Limited;No"
    body = page(officer)
    assert "govuk-tag--green\">Full assurance" not in body  # no control holds the new strongest label
    assert "govuk-tag--turquoise\">Substantial assurance" in body


def _queries(client):
    with CaptureQueriesContext(connection) as ctx:
        page(client)
    return len(ctx.captured_queries)


def _more(directorate, area, count, start):
    for n in range(start, start + count):
        risk = make_risk(f"CRR{n}", directorate, area, exempt=n % 3 == 0)
        review(risk, Q1, 1 + n % 4, 7)
        for line in (1, 2, 3):
            add(risk, Q1, f"Control {n}.{line}", line, ("Substantial", "Limited", "")[line - 1], "second line")


@pytest.mark.parametrize("persona", ["officer", "manager_a"], indirect=True)
def test_the_query_count_does_not_grow_with_the_risks_and_controls(persona, register, directorate, area_a):
    _more(directorate, area_a, 3, 100)
    page(persona)  # warm: caches, the session
    small = _queries(persona)
    _more(directorate, area_a, 25, 200)
    assert _queries(persona) <= small


BAD = ["abc", "2019-20-Q9", "9999-00-Q1", "../", "%00", "\x00", "2019-20-q1", "2030-31-Q1", "x" * 5000, "-1",
       "99999999999999999999999", "2019/20 Q1", "/", "<script>"]


@pytest.mark.parametrize("persona", ["officer", "audit", "manager_a", "outsider"], indirect=True)
def test_hostile_query_strings_are_never_a_server_error(persona, register):
    for param in ("period", "level", "band", "directorate", "page", "cell", "owner", "q", "outside", "appetite"):
        for bad in BAD:
            response = persona.get("/risks/assurance/", {param: bad})
            assert response.status_code < 500, (param, bad, response.status_code)
    assert persona.get("/risks/assurance/?period=2019-20-Q1&page=999999").status_code < 500
    assert persona.post("/risks/assurance/").status_code in (302, 403, 405)
