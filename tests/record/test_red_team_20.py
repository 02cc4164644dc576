"""Red-team tests for issue 20 (risk management depth): controls reviewed each quarter, formal acceptance
outside appetite, the assurance map, internal-audit recommendations and their agreed actions, the
``controls`` and ``audit-actions`` kinds, the register's ``?prompted=yes``, the risks import's
``indicators`` column, and the pack's "Controls, assurance and agreed actions".

Each attack goes through the route a person would use (the pages, the web import, ``import_data``, the
lock) and asserts the outcome the rules ask for: who may read and write, exempt detail kept to readers of
Part B, a locked quarter that never changes what it shows, hostile values refused in words and never a
server error or a stored value that breaks a page."""

from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from organisation import clock, interchange
from organisation import services as organisation_services
from organisation.models import ReportingPeriod
from risks import audit_actions, controls
from risks.controls import ControlInput
from risks.models import AuditRecommendation, ControlReview, Judgement, Risk, RiskAcceptance
from tests.kpis.conftest import make_indicator, set_actual, set_target
from tests.risks.conftest import make_risk, review

Q4 = "2018/19 Q4"
Q1 = "2019/20 Q1"
Q2 = "2019/20 Q2"
SECRET = "Secret lever on the commercial partner"


def text(response) -> str:
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body.decode("utf-8", "replace"))))


def lock(user, label: str) -> ReportingPeriod:
    quarter = ReportingPeriod.for_label(label)
    organisation_services.period_lock(user=user, period=quarter, sign_off_submitted=True)
    return ReportingPeriod.objects.get(pk=quarter.pk)


def reopen(user, label: str) -> ReportingPeriod:
    quarter = ReportingPeriod.for_label(label)
    organisation_services.period_reopen(user=user, period=quarter, reason="A correction")
    return ReportingPeriod.objects.get(pk=quarter.pk)


def add_control(user, risk, label, name, **fields):
    given = frozenset({"control"} | set(fields))
    return controls.control_save(user=user, risk=risk, period=ReportingPeriod.for_label(label),
                                 data=ControlInput(control=name, given=given, **fields))


def run_import(kind, content: str | bytes, *, dry_run=False, user=None, name="f.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return interchange.import_file(kind, name, data, dry_run=dry_run, user=user)


def errors_of(report) -> str:
    return " | ".join(str(e) for e in report.errors)


@pytest.fixture
def quarters(db):
    """2018/19 Q4 and 2019/20 Q1, both open (the tests lock them through the lock service)."""
    return ReportingPeriod.for_label(Q4), ReportingPeriod.for_label(Q1)


@pytest.fixture
def risks(directorate, area_a, area_b, quarters):
    """CRR9 (corporate, area A), SRR1 (service, area A), SRR2 (service, area B) and XRR1 (corporate, exempt,
    area A), each reviewed in both quarters; CRR9 and XRR1 at 2 x 7 = 14 High, outside the default appetite."""
    out = {
        "CRR9": make_risk("CRR9", directorate, area_a),
        "SRR1": make_risk("SRR1", directorate, area_a, register="service"),
        "SRR2": make_risk("SRR2", directorate, area_b, register="service"),
        "XRR1": make_risk("XRR1", directorate, area_a, exempt=True, title="Commercial exposure",
                          description="Exempt description"),
    }
    for risk in out.values():
        review(risk, Q4)
        review(risk, Q1)
    return out


# --- locked-quarter drift --------------------------------------------------------------------------------

@pytest.fixture
def prompted_crr9(risks, area_a, officer_user):
    """CRR9 linked to DPE007, which reads Red (50 against 90) in 2019/20 Q1; Q1 then locked."""
    indicator = make_indicator(area_a, "DPE007")
    set_target(indicator, "2019/20", 90)
    set_actual(indicator, Q1, 50, state="signed_off")
    risks["CRR9"].indicators.add(indicator)
    return indicator


def _register_refs(client, query) -> set[str]:
    body = text(client.get(f"/risks/?{query}"))
    return set(re.findall(r"\b(CRR9|SRR1|SRR2|XRR1)\b", body))


@pytest.mark.parametrize("how", ["page", "model"])
def test_a_locked_quarters_prompted_filter_keeps_the_risks_it_reported(prompted_crr9, risks, officer,
                                                                      officer_user, how):
    from risks import queries

    quarter = lock(officer_user, Q1)
    assert risks["CRR9"].pk in queries.reviews_prompted([risks["CRR9"].pk], quarter)
    assert "CRR9" in _register_refs(officer, "period=2019-20-Q1&prompted=yes")
    # The link is undone after the lock: the locked quarter still reports the review it prompted.
    if how == "page":
        assert officer.post("/risks/CRR9/indicators/", {"indicators": ""}).status_code in (200, 302)
    else:
        risks["CRR9"].indicators.clear()
    assert not risks["CRR9"].indicators.exists()
    assert queries.prompted_ids(quarter) == {risks["CRR9"].pk}
    assert "CRR9" in _register_refs(officer, "period=2019-20-Q1&prompted=yes")


def test_a_link_made_after_the_lock_does_not_enter_the_locked_quarters_filter(risks, area_a, officer_user, officer):
    from risks import queries

    indicator = make_indicator(area_a, "DPE007")
    set_target(indicator, "2019/20", 90)
    set_actual(indicator, Q1, 50, state="signed_off")
    quarter = lock(officer_user, Q1)
    risks["SRR1"].indicators.add(indicator)
    assert risks["SRR1"].pk not in queries.prompted_ids(quarter)
    assert "SRR1" not in _register_refs(officer, "period=2019-20-Q1&prompted=yes")


def test_controls_added_to_a_reopened_earlier_quarter_do_not_reach_a_later_locked_one(risks, officer_user, officer):
    """Q4 and Q1 are locked with CRR9 having no controls; Q4 is reopened for a correction and a control is
    added to it: Q1, still locked, reported no controls and must keep saying so."""
    lock(officer_user, Q4)
    q1 = lock(officer_user, Q1)
    before = text(officer.get("/risks/CRR9/controls/2019-20-Q1/"))
    reopen(officer_user, Q4)
    add_control(officer_user, risks["CRR9"], Q4, "Added in the correction", line=2, assurance="Limited",
                assurance_source="second line", owner="Head")
    assert controls.shown([risks["CRR9"].pk], q1) == {}
    after = text(officer.get("/risks/CRR9/controls/2019-20-Q1/"))
    assert "Added in the correction" not in after
    assert before == after
    assert "Added in the correction" not in text(officer.get("/risks/assurance/?period=2019-20-Q1"))


def test_controls_changed_in_a_later_quarter_leave_the_locked_one_as_reported(risks, officer_user, officer):
    add_control(officer_user, risks["CRR9"], Q1, "Monthly panel", line=2, assurance="Reasonable",
                assurance_source="second line")
    q1 = lock(officer_user, Q1)
    ReportingPeriod.for_label(Q2)
    review(risks["CRR9"], Q2)
    add_control(officer_user, risks["CRR9"], Q2, "Monthly panel", line=2, assurance="No",
                assurance_source="second line")
    controls.control_remove(user=officer_user, risk=risks["CRR9"], period=ReportingPeriod.for_label(Q2),
                            control="Monthly panel")
    shown = controls.shown([risks["CRR9"].pk], q1)[risks["CRR9"].pk]
    assert [(c.control, c.assurance) for c in shown] == [("Monthly panel", "Reasonable")]
    page = text(officer.get("/risks/CRR9/controls/2019-20-Q1/"))
    assert "Monthly panel" in page and "Reasonable" in page


@pytest.mark.parametrize("route", ["service", "page"])
def test_an_acceptance_after_the_lock_leaves_the_locked_quarter_as_reported(risks, officer_user, officer, route):
    q1 = lock(officer_user, Q1)
    assert Judgement.objects.get(risk=risks["CRR9"], quarter=q1).outside_appetite
    expiry = clock.today() + timedelta(days=100)
    if route == "service":
        controls.risk_accept(user=officer_user, risk=risks["CRR9"], justification="Beyond our control",
                             expires=expiry)
    else:
        response = officer.post("/risks/CRR9/accept/", {"justification": "Beyond our control",
                                                         "expires": expiry.strftime("%d/%m/%Y")})
        assert response.status_code == 302, text(response)
    assert RiskAcceptance.objects.filter(risk=risks["CRR9"]).count() == 1
    assert Judgement.objects.get(risk=risks["CRR9"], quarter=q1).accepted_until is None
    assert "Accepted" not in text(officer.get("/risks/?period=2019-20-Q1"))


def test_agreed_actions_changed_after_the_lock_leave_the_locked_list_and_export(risks, officer_user, officer):
    rec = AuditRecommendation(source="Internal audit 2018/19: Contracts", recommendation="Check the contracts",
                              priority="high", agreed_action="Check them", owner="Head", due=date(2019, 6, 30),
                              status="open")
    audit_actions.recommendation_save(user=officer_user, rec=rec, risk_refs=["CRR9"])
    lock(officer_user, Q1)
    response = officer.post(f"/risks/audit-actions/{rec.pk}/", {
        "source": rec.source, "recommendation": "Check the contracts again", "priority": "low",
        "agreed_action": "Changed", "owner": "Someone", "due": "30/06/2019", "revised_due": "",
        "revision_reason": "", "status": "implemented", "risks": "SRR1", "controls": "", "reason": "",
        "version": str(AuditRecommendation.objects.get(pk=rec.pk).version)})
    assert response.status_code == 302, text(response)
    page = text(officer.get("/risks/audit-actions/?period=2019-20-Q1"))
    assert "Check the contracts" in page and "Check the contracts again" not in page and "Overdue" in page
    out = io.StringIO()
    call_command("export_data", "audit-actions", "--period", Q1, stdout=out)
    exported = out.getvalue()
    assert "overdue" in exported and "implemented" not in exported and "CRR9" in exported


# --- who reads and writes what ------------------------------------------------------------------------

@pytest.fixture
def with_controls(risks, officer_user):
    """Each risk has a control in 2019/20 Q1 named after it; XRR1's is the exempt secret."""
    for ref, risk in risks.items():
        add_control(officer_user, risk, Q1, SECRET if ref == "XRR1" else f"Control of {ref}", line=2,
                    assurance="Limited", assurance_source="second line", owner=f"Owner of {ref}")
    return risks


def _no_secret(response) -> bool:
    return SECRET not in text(response) and "Exempt description" not in text(response)


READ = {  # persona: (SRR1 controls page, SRR2, CRR9, XRR1)
    "manager_a": (200, 404, 200, 403),
    "manager_b": (404, 200, 404, 404),
    "officer": (200, 200, 200, 200),
    "executive": (200, 200, 200, 200),
    "audit": (404, 404, 200, 200),
    "outsider": (404, 404, 404, 404),
}


@pytest.mark.parametrize("persona", list(READ), indirect=True)
@pytest.mark.parametrize("label", [Q1, Q4])
def test_the_controls_page_is_read_only_by_those_who_read_the_risk_and_part_b(persona, request, with_controls,
                                                                            officer_user, label):
    name = request.node.callspec.params["persona"]
    if label == Q4:
        lock(officer_user, Q4)
    slug = ReportingPeriod.for_label(label).slug
    for ref, expected in zip(("SRR1", "SRR2", "CRR9", "XRR1"), READ[name]):
        response = persona.get(f"/risks/{ref}/controls/{slug}/")
        assert response.status_code == expected, (ref, response.status_code)
        if ref == "XRR1" and expected != 200:
            assert _no_secret(response)


def test_anonymous_reads_and_writes_nothing(anonymous, with_controls, quarters):
    pk = ControlReview.objects.get(risk=with_controls["SRR1"], period=quarters[1]).pk
    for url in ("/risks/SRR1/controls/2019-20-Q1/", "/risks/XRR1/controls/2019-20-Q1/", "/risks/assurance/",
                "/risks/audit-actions/", "/risks/CRR9/accept/", f"/risks/SRR1/controls/2019-20-Q1/{pk}/"):
        response = anonymous.get(url)
        assert response.status_code in (302, 403), url
        assert SECRET not in text(response)
    before = ControlReview.objects.count()
    for url, data in ((f"/risks/SRR1/controls/2019-20-Q1/{pk}/", {"action": "remove"}),
                      ("/risks/SRR1/controls/2019-20-Q1/add/", {"control": "Anon", "type": "preventive", "line": "1"}),
                      ("/risks/CRR9/accept/", {"justification": "x", "expires": "01/01/2027"}),
                      ("/risks/audit-actions/new/", {"source": "S", "recommendation": "R", "priority": "low",
                                                     "status": "open"})):
        assert anonymous.post(url, data).status_code in (302, 403), url
    assert ControlReview.objects.count() == before
    assert not RiskAcceptance.objects.exists() and not AuditRecommendation.objects.exists()


WRITE = {  # persona: (SRR1 add, SRR2 add, XRR1 add, remove SRR1's control), in the open quarter
    "manager_a": (302, 404, 403, 302),
    "manager_b": (404, 302, 404, 404),
    "officer": (302, 302, 302, 302),
    "executive": (403, 403, 403, 403),
    "audit": (404, 404, 403, 404),
    "outsider": (404, 404, 404, 404),
}


@pytest.mark.parametrize("persona", list(WRITE), indirect=True)
def test_only_the_areas_managers_and_the_officer_change_controls(persona, request, with_controls, quarters):
    name = request.node.callspec.params["persona"]
    adds = WRITE[name][:3]
    for ref, expected in zip(("SRR1", "SRR2", "XRR1"), adds):
        before = ControlReview.objects.filter(risk=with_controls[ref]).count()
        response = persona.post(f"/risks/{ref}/controls/2019-20-Q1/add/", {
            "control": f"Added by {name}", "type": "detective", "line": "1", "assurance": "", "assurance_source": ""})
        assert response.status_code == expected, (ref, response.status_code)
        after = ControlReview.objects.filter(risk=with_controls[ref]).count()
        assert after == before + (1 if expected == 302 else 0), ref
    pk = ControlReview.objects.get(risk=with_controls["SRR1"], period=quarters[1], control="Control of SRR1").pk
    response = persona.post(f"/risks/SRR1/controls/2019-20-Q1/{pk}/", {"action": "remove"})
    assert response.status_code == WRITE[name][3]
    assert ControlReview.objects.filter(pk=pk).exists() == (WRITE[name][3] != 302)


@pytest.mark.parametrize("persona", ["manager_a", "officer", "executive", "audit"], indirect=True)
def test_a_locked_quarters_controls_are_changed_by_no_one(persona, with_controls, officer_user):
    q1 = lock(officer_user, Q1)
    rows = list(ControlReview.objects.filter(period=q1).values_list("pk", "control", "assurance", "version"))
    for ref in ("SRR1", "CRR9", "XRR1"):
        pk = ControlReview.objects.get(risk=with_controls[ref], period=q1).pk
        for url, data in ((f"/risks/{ref}/controls/2019-20-Q1/add/", {"control": "Late", "type": "preventive",
                                                                      "line": "1"}),
                          (f"/risks/{ref}/controls/2019-20-Q1/{pk}/", {"action": "remove"}),
                          (f"/risks/{ref}/controls/2019-20-Q1/{pk}/", {"control": "Renamed", "type": "preventive",
                                                                       "line": "3", "version": "1"})):
            assert persona.post(url, data).status_code in (403, 404), url
    assert list(ControlReview.objects.filter(period=q1).values_list("pk", "control", "assurance", "version")) == rows
    report = run_import("controls", "reference,period,control,assurance,assurance_source\n"
                                    "CRR9,2019/20 Q1,Control of CRR9,Substantial,internal audit\n")
    assert not report.ok and "locked" in errors_of(report)
    assert list(ControlReview.objects.filter(period=q1).values_list("pk", "control", "assurance", "version")) == rows


@pytest.mark.parametrize("persona", ["manager_a", "manager_b", "audit", "executive", "officer"], indirect=True)
def test_the_assurance_map_shows_each_reader_only_their_risks_and_no_exempt_detail(persona, request,
                                                                                  with_controls):
    name = request.node.callspec.params["persona"]
    body = text(persona.get("/risks/assurance/?period=2019-20-Q1"))
    shown = set(re.findall(r"\b(CRR9|SRR1|SRR2|XRR1)\b", body))
    expected = {"manager_a": {"CRR9", "SRR1", "XRR1"}, "manager_b": {"SRR2"}, "audit": {"CRR9", "XRR1"},
                "executive": {"CRR9", "SRR1", "SRR2", "XRR1"}, "officer": {"CRR9", "SRR1", "SRR2", "XRR1"}}[name]
    assert shown == expected
    for ref in {"CRR9", "SRR1", "SRR2"} - expected:
        assert f"Control of {ref}" not in body and f"Owner of {ref}" not in body
    if name == "manager_a":
        assert SECRET not in body and "Owner of XRR1" not in body and "Exempt: controls in Part B" in body
    elif "XRR1" in expected:
        assert SECRET in body


@pytest.mark.parametrize("persona", ["manager_a", "manager_b", "audit", "executive", "officer", "outsider"],
                         indirect=True)
def test_the_risk_page_never_shows_an_exempt_risks_controls_to_a_reader_without_part_b(persona, request,
                                                                                      with_controls):
    name = request.node.callspec.params["persona"]
    response = persona.get("/risks/XRR1/")
    if name in ("manager_b", "outsider"):
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert (SECRET in text(response)) == (name != "manager_a")
    assert "Owner of XRR1" not in text(response) or name != "manager_a"


@pytest.fixture
def recs(with_controls, officer_user):
    """One overdue recommendation per risk, linked to it."""
    out = {}
    for ref in ("SRR1", "SRR2", "CRR9", "XRR1"):
        rec = AuditRecommendation(source=f"Audit of {ref}", recommendation=f"Recommendation about {ref}",
                                  priority="high", agreed_action=f"Agreed for {ref}", owner="Head",
                                  due=date(2019, 6, 30), status="open")
        out[ref] = audit_actions.recommendation_save(user=officer_user, rec=rec, risk_refs=[ref])
    return out


@pytest.mark.parametrize("persona", ["manager_a", "manager_b", "audit", "executive", "officer", "outsider"],
                         indirect=True)
@pytest.mark.parametrize("locked", [False, True])
def test_the_audit_actions_list_and_pages_follow_the_areas_and_part_b(persona, request, recs, officer_user, locked):
    name = request.node.callspec.params["persona"]
    query = ""
    if locked:
        lock(officer_user, Q1)
        query = "?period=2019-20-Q1"
    response = persona.get(f"/risks/audit-actions/{query}")
    if name == "outsider":
        assert response.status_code == 403
        return
    body = text(response)
    listed = set(re.findall(r"Recommendation about (\w+)", body))
    expected = {"manager_a": {"SRR1", "CRR9", "XRR1"}, "manager_b": {"SRR2"}}.get(name, set(recs))
    assert listed == expected
    assert ("Commercial exposure" in body) == (name in ("audit", "executive", "officer"))
    for ref, rec in recs.items():
        page = persona.get(f"/risks/audit-actions/{rec.pk}/")
        assert page.status_code == (200 if ref in expected else 404), ref
        if ref == "XRR1" and page.status_code == 200:
            assert ("Commercial exposure" in text(page)) == (name != "manager_a")
        if ref not in expected:
            assert f"Recommendation about {ref}" not in text(page)


@pytest.mark.parametrize("persona", ["manager_a", "manager_b", "audit", "executive"], indirect=True)
def test_only_the_officer_and_a_linked_areas_manager_change_a_recommendation(persona, request, recs):
    name = request.node.callspec.params["persona"]
    rec = recs["SRR1"]
    data = {"agreed_action": "Changed", "status": "implemented", "revised_due": "", "revision_reason": "",
            "reason": "", "version": str(rec.version), "source": "Hijacked", "recommendation": "Hijacked",
            "priority": "low", "owner": "X", "due": "01/01/2020", "risks": "SRR2", "controls": ""}
    response = persona.post(f"/risks/audit-actions/{rec.pk}/", data)
    stored = AuditRecommendation.objects.get(pk=rec.pk)
    if name == "manager_a":
        assert response.status_code == 302
        # Only what a manager may change: the agreed action and status; the source, links and dates stay.
        assert (stored.agreed_action, stored.status) == ("Changed", "implemented")
        assert stored.source == "Audit of SRR1" and stored.due == date(2019, 6, 30)
        assert list(stored.risks.values_list("reference", flat=True)) == ["SRR1"]
    else:
        assert response.status_code in (403, 404)
        assert (stored.agreed_action, stored.status, stored.version) == ("Agreed for SRR1", "open", rec.version)
    assert persona.post("/risks/audit-actions/new/", data).status_code == 403


@pytest.mark.parametrize("persona", ["manager_a", "executive", "audit", "outsider"], indirect=True)
@pytest.mark.parametrize("kind", ["controls", "audit-actions"])
def test_only_the_officer_imports_controls_and_recommendations(persona, with_controls, kind):
    content = ("reference,period,control\nSRR1,2019/20 Q1,Imported control\n" if kind == "controls" else
               "source,recommendation\nImported audit,Imported recommendation\n")
    response = persona.post(f"/imports/{kind}/", {"file": SimpleUploadedFile("f.csv", content.encode())})
    assert response.status_code == 403
    assert not ControlReview.objects.filter(control="Imported control").exists()
    assert not AuditRecommendation.objects.filter(source="Imported audit").exists()


@pytest.mark.parametrize("persona", ["manager_a", "executive", "audit"], indirect=True)
def test_only_the_officer_accepts_or_withdraws(persona, risks, officer_user):
    expiry = (clock.today() + timedelta(days=90)).strftime("%d/%m/%Y")
    assert persona.post("/risks/CRR9/accept/", {"justification": "Mine", "expires": expiry}).status_code == 403
    controls.risk_accept(user=officer_user, risk=risks["CRR9"], justification="Second line", expires=clock.today()
                         + timedelta(days=90))
    assert persona.post("/risks/CRR9/accept/", {"action": "withdraw", "w-reason": "No"}).status_code == 403
    assert RiskAcceptance.objects.get(risk=risks["CRR9"]).withdrawn_on is None


def test_the_risks_own_officer_cannot_accept_it(risks, officer_user, officer):
    risks["CRR9"].risk_owner = "Olu Officer"
    risks["CRR9"].save()
    expiry = (clock.today() + timedelta(days=90)).strftime("%d/%m/%Y")
    response = officer.post("/risks/CRR9/accept/", {"justification": "Mine", "expires": expiry})
    assert response.status_code == 400 and not RiskAcceptance.objects.exists()


@pytest.mark.parametrize("persona", ["manager_a", "audit", "executive", "officer"], indirect=True)
def test_the_acceptance_page_of_an_exempt_risk_keeps_its_detail_from_readers_without_part_b(persona, request,
                                                                                           with_controls,
                                                                                           officer_user):
    name = request.node.callspec.params["persona"]
    controls.risk_accept(user=officer_user, risk=with_controls["XRR1"], justification="Exempt justification here",
                         expires=clock.today() + timedelta(days=90))
    body = text(persona.get("/risks/XRR1/accept/"))
    assert ("Exempt justification here" in body) == (name != "manager_a")
    assert "Exempt description" not in body or name != "manager_a"
    assert SECRET not in body or name != "manager_a"


# --- hostile values --------------------------------------------------------------------------------------

CONTROL = {"control": "Monthly panel", "owner": "Head", "type": "preventive", "line": "2", "assurance": "Limited",
           "assurance_source": "second line", "last_tested": "", "next_test_due": "", "version": ""}


@pytest.mark.parametrize(("field", "value", "said"), [
    ("control", "x" * 5000, "255"),
    ("control", "Panel\x00", "NUL character"),
    ("control", "Panel\x01 bell", "cannot be stored"),
    ("control", "Panel\x1b", "cannot be stored"),
    ("control", "   ", "Enter what the control is"),
    ("owner", "Head\u2028of service", "more than one line"),
    ("owner", "Head\x0bof service", "cannot be stored"),
    ("owner", "o" * 201, "200"),
    ("line", "4", "Choose 1, 2 or 3"),
    ("line", "-1", "Choose 1, 2 or 3"),
    ("line", "1.0", "Choose 1, 2 or 3"),
    ("line", "9" * 400, "Choose 1, 2 or 3"),
    ("type", "reactive", "Choose the type"),
    ("assurance", "Partial", "Partial"),
    ("assurance_source", "auditors", "auditors"),
    ("last_tested", "31/12/9999", "outside the dates"),
    ("last_tested", "01/01/0001", "outside the dates"),
    ("next_test_due", "31/12/9999", "outside the dates"),
    ("last_tested", "31/02/2019", "like 30/06/2019"),
    ("last_tested", "2019-06-31", "like 30/06/2019"),
    ("version", "99999999999999999999999", "2147483648"),
    ("version", "-1", "0"),
    ("version", "abc", "number"),
])
def test_a_hostile_control_is_refused_in_words_and_saves_nothing(risks, officer, field, value, said):
    before = list(ControlReview.objects.values_list("pk", "control", "owner", "version"))
    response = officer.post("/risks/CRR9/controls/2019-20-Q1/add/", CONTROL | {field: value})
    assert response.status_code == 400
    assert said.lower() in text(response).lower(), text(response)[:3000]
    assert list(ControlReview.objects.values_list("pk", "control", "owner", "version")) == before


def test_a_unicode_line_separator_in_a_controls_name_is_tidied_to_one_line(risks, officer):
    response = officer.post("/risks/CRR9/controls/2019-20-Q1/add/", CONTROL | {"control": "Monthly\u2028panel\u2029"})
    assert response.status_code == 302
    assert ControlReview.objects.get(risk=risks["CRR9"]).control == "Monthly panel"


@pytest.mark.parametrize("url", [
    "/risks/CRR9/controls/2019-20/", "/risks/CRR9/controls/2019-20/add/", "/risks/CRR9/controls/2019-20-Q5/",
    "/risks/CRR9/controls/2099-00-Q1/", "/risks/CRR9/controls/9999-10000-Q1/", "/risks/CRR9/controls/%00/",
    "/risks/CRR9/controls/2019-20-Q1/99999999999999999999999999/", "/risks/%00/controls/2019-20-Q1/",
    "/risks/CRR9%2F..%2F/controls/2019-20-Q1/", "/risks/" + "X" * 300 + "/controls/2019-20-Q1/",
    "/risks/CRR9/controls/2019-20-Q1/0/", "/risks/%00/accept/", "/risks/audit-actions/%00/",
    "/risks/audit-actions/99999999999999999999999/", "/risks/audit-actions/-1/", "/risks/audit-actions/1e3/",
    "/risks/assurance/?period=%00", "/risks/assurance/?period=2019-20-Q5", "/risks/assurance/?period=2019-20",
    "/risks/assurance/?level=%00", "/risks/assurance/?page=99999999999999999999", "/risks/assurance/?directorate=x",
    "/risks/audit-actions/?period=%00", "/risks/audit-actions/?period=2099-00-Q1", "/risks/audit-actions/?status=x",
    "/risks/audit-actions/?priority=%00", "/risks/audit-actions/?page=-1", "/risks/audit-actions/?period=2019-20",
    "/risks/?prompted=maybe", "/risks/?prompted=%00", "/risks/?prompted=yes&prompted=no", "/risks/?prompted=" + "y" * 5000,
])
@pytest.mark.parametrize("method", ["get", "post"])
def test_weird_addresses_are_never_a_server_error(risks, officer, url, method):
    response = getattr(officer, method)(url, CONTROL if method == "post" else None)
    assert response.status_code in (200, 302, 400, 403, 404, 405), response.status_code
    assert not ControlReview.objects.exists()


def test_the_prompted_filter_with_a_bad_value_still_shows_the_register(risks, officer):
    response = officer.get("/risks/?prompted=maybe")
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert "SRR1" in text(response)


@pytest.mark.parametrize(("data", "field", "said"), [
    ({"justification": "x" * 4001}, "justification", "4000"),
    ({"justification": "Because\x00"}, "justification", "NUL character"),
    ({"justification": "Because\x07"}, "justification", "cannot be stored"),
    ({"justification": "   "}, "justification", "Say why"),
    ({"expires": "31/12/9999"}, "expires", ""),
    ({"expires": "01/01/2000"}, "expires", ""),
    ({"expires": "29/02/2027"}, "expires", "like 31/03/2020"),
    ({"expires": ""}, "expires", "Enter the date"),
    ({"expires": "9" * 300}, "expires", "like 31/03/2020"),
])
def test_a_hostile_acceptance_is_refused_and_saves_nothing(risks, officer, data, field, said):
    good = {"justification": "Beyond our control",
            "expires": (clock.today() + timedelta(days=100)).strftime("%d/%m/%Y")}
    response = officer.post("/risks/CRR9/accept/", good | data)
    assert response.status_code == 400
    assert said.lower() in text(response).lower()
    assert not RiskAcceptance.objects.exists()
    assert Judgement.objects.get(risk=risks["CRR9"], quarter=ReportingPeriod.for_label(Q1)).accepted_until is None


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001, "No\x00", "No\x1fway", "No\x02"])
def test_a_hostile_withdrawal_is_refused(risks, officer, officer_user, reason):
    controls.risk_accept(user=officer_user, risk=risks["CRR9"], justification="Second line",
                         expires=clock.today() + timedelta(days=90))
    response = officer.post("/risks/CRR9/accept/", {"action": "withdraw", "w-reason": reason})
    assert response.status_code == 400
    assert RiskAcceptance.objects.get(risk=risks["CRR9"]).withdrawn_on is None


def test_a_risk_inside_appetite_or_closed_is_not_accepted(risks, directorate, area_a, officer):
    inside = make_risk("SRR3", directorate, area_a, register="service")
    review(inside, Q1, 1, 1, (1, 1))
    expiry = (clock.today() + timedelta(days=100)).strftime("%d/%m/%Y")
    response = officer.post("/risks/SRR3/accept/", {"justification": "x", "expires": expiry})
    assert response.status_code == 400 and "not outside appetite" in text(response)
    risks["CRR9"].status = Risk.Status.CLOSED
    risks["CRR9"].save()
    response = officer.post("/risks/CRR9/accept/", {"justification": "x", "expires": expiry})
    assert response.status_code == 400 and "closed" in text(response)
    assert not RiskAcceptance.objects.exists()


RECOMMENDATION = {"source": "Internal audit 2019/20: Contracts", "recommendation": "Check each contract",
                  "priority": "high", "agreed_action": "We will", "owner": "Head", "due": "30/06/2019",
                  "revised_due": "", "revision_reason": "", "status": "open", "risks": "CRR9", "controls": "",
                  "reason": "", "version": ""}


@pytest.mark.parametrize(("field", "value", "said"), [
    ("source", "x" * 256, "255"),
    ("source", "Audit\nreport", "more than one line"),
    ("source", "Audit\u2029report", "more than one line"),
    ("source", "Audit\x01", "cannot be stored"),
    ("recommendation", "x" * 4001, "4,000"),
    ("recommendation", "Check\x02", "cannot be stored"),
    ("agreed_action", "We\x1b will", "cannot be stored"),
    ("owner", "o" * 201, "200"),
    ("due", "31/12/9999", "outside the dates"),
    ("due", "01/01/1900", "outside the dates"),
    ("due", "2019-02-30", "as a date"),
    ("revised_due", "31/12/9999", "outside the dates"),
    ("revised_due", "30/09/2019", "give the reason"),
    ("status", "overdue", "open, implemented or superseded"),
    ("priority", "urgent", "high, medium or low"),
    ("risks", "CRR9; NOPE", "NOPE"),
    ("risks", "CRR9/../x", "not a risk reference"),
    ("risks", "CRR9\x00", "NUL character"),
    ("risks", ";".join(f"R{n}" for n in range(60)), "at most 50"),
    ("risks", "X" * 40, "too long"),
    ("controls", "c" * 1001, "1,000"),
    ("version", "99999999999999999999", "2147483648"),
])
def test_a_hostile_recommendation_is_refused_in_words_and_saves_nothing(risks, officer, field, value, said):
    response = officer.post("/risks/audit-actions/new/", RECOMMENDATION | {field: value})
    assert response.status_code == 400
    assert said.lower() in text(response).lower(), text(response)[:3000]
    assert not AuditRecommendation.objects.exists()


def test_a_stale_recommendation_form_is_refused_naming_who_saved(recs, officer, officer_user, manager_a):
    rec = recs["SRR1"]
    version = str(rec.version)
    first = manager_a.post(f"/risks/audit-actions/{rec.pk}/", {
        "agreed_action": "Manager's", "status": "open", "revised_due": "", "revision_reason": "", "reason": "",
        "version": version})
    assert first.status_code == 302
    second = officer.post(f"/risks/audit-actions/{rec.pk}/", RECOMMENDATION | {
        "source": rec.source, "recommendation": rec.recommendation, "risks": "SRR1", "agreed_action": "Officer's",
        "version": version})
    assert second.status_code == 409 and "Ann Able" in text(second)
    assert AuditRecommendation.objects.get(pk=rec.pk).agreed_action == "Manager's"


def test_two_saves_of_one_control_from_the_same_form_the_second_is_refused(with_controls, officer, manager_a,
                                                                          quarters):
    row = ControlReview.objects.get(risk=with_controls["SRR1"], period=quarters[1])
    data = CONTROL | {"control": row.control, "version": str(row.version)}
    assert manager_a.post(f"/risks/SRR1/controls/2019-20-Q1/{row.pk}/", data | {"assurance": "Reasonable"}
                          ).status_code == 302
    second = officer.post(f"/risks/SRR1/controls/2019-20-Q1/{row.pk}/", data | {"assurance": "No"})
    assert second.status_code == 409 and "Ann Able" in text(second)
    assert ControlReview.objects.get(pk=row.pk).assurance == "Reasonable"


def test_a_carried_forward_control_edited_from_two_forms_keeps_the_first(risks, officer_user, officer, manager_a):
    """Both open the form while Q1 shows Q4's control carried forward (version 0 on the form)."""
    add_control(officer_user, risks["SRR1"], Q4, "Carried", line=2, assurance="Limited",
                assurance_source="second line")
    q4_row = ControlReview.objects.get(risk=risks["SRR1"])
    data = CONTROL | {"control": "Carried", "version": "0"}
    assert manager_a.post(f"/risks/SRR1/controls/2019-20-Q1/{q4_row.pk}/", data | {"assurance": "Reasonable"}
                          ).status_code == 302
    # The second form names Q4's row (as it was opened): it is no longer what Q1 shows.
    second = officer.post(f"/risks/SRR1/controls/2019-20-Q1/{q4_row.pk}/", data | {"assurance": "No"})
    assert second.status_code in (404, 409)
    q1 = ControlReview.objects.get(risk=risks["SRR1"], period=quarters_q1())
    assert q1.assurance == "Reasonable"
    assert ControlReview.objects.get(pk=q4_row.pk).assurance == "Limited"


def quarters_q1():
    return ReportingPeriod.for_label(Q1)


def test_a_renamed_control_cannot_take_another_controls_name_in_any_case(with_controls, officer, officer_user,
                                                                         quarters):
    add_control(officer_user, with_controls["SRR1"], Q1, "Second control")
    row = ControlReview.objects.get(risk=with_controls["SRR1"], period=quarters[1], control="Second control")
    response = officer.post(f"/risks/SRR1/controls/2019-20-Q1/{row.pk}/", CONTROL | {
        "control": "CONTROL OF srr1", "version": str(row.version)})
    assert response.status_code == 400 and "already has a control" in text(response)
    assert ControlReview.objects.get(pk=row.pk).control == "Second control"


def test_the_sixty_first_control_is_refused(risks, officer_user, officer):
    ControlReview.objects.bulk_create([ControlReview(risk=risks["CRR9"], period=quarters_q1(), control=f"C{n}",
                                                     position=n, version=1) for n in range(controls.MAX_CONTROLS)])
    response = officer.post("/risks/CRR9/controls/2019-20-Q1/add/", CONTROL)
    assert response.status_code == 400 and "60 controls" in text(response)
    assert ControlReview.objects.filter(risk=risks["CRR9"]).count() == controls.MAX_CONTROLS


def test_a_closed_risks_controls_are_not_changed_by_the_form(with_controls, officer, quarters):
    risk = with_controls["CRR9"]
    risk.status = Risk.Status.CLOSED
    risk.save()
    row = ControlReview.objects.get(risk=risk, period=quarters[1])
    assert officer.post("/risks/CRR9/controls/2019-20-Q1/add/", CONTROL).status_code == 403
    assert officer.post(f"/risks/CRR9/controls/2019-20-Q1/{row.pk}/", {"action": "remove"}).status_code == 403
    assert ControlReview.objects.filter(pk=row.pk).exists()


# --- stored values never break a page -------------------------------------------------------------------

def test_long_and_unicode_values_that_are_allowed_render_everywhere(risks, officer_user, officer, audit):
    from packs import content, services
    from packs.models import Committee

    long_name = ("Ω≈ç√∫ " * 60)[:255]
    add_control(officer_user, risks["CRR9"], Q1, long_name, owner="Ünïcödé owner " + "x" * 180, line=3,
                assurance="No", assurance_source="internal audit", last_tested=date(2019, 5, 1),
                next_test_due=date(2030, 1, 1))
    add_control(officer_user, risks["XRR1"], Q1, "=HYPERLINK(\"http://x\")", line=1)
    rec = AuditRecommendation(source="=cmd|' /C calc'!A0", recommendation="Line one\nLine two\u2028three " + "y" * 3900,
                              priority="high", agreed_action="+SUM(1)", owner="@owner", due=date(2019, 6, 30),
                              status="open", controls=long_name)
    audit_actions.recommendation_save(user=officer_user, rec=rec, risk_refs=["CRR9", "XRR1"])
    for client in (officer, audit):
        for url in ("/risks/CRR9/", "/risks/CRR9/controls/2019-20-Q1/", "/risks/assurance/?period=2019-20-Q1",
                    "/risks/audit-actions/", f"/risks/audit-actions/{rec.pk}/", "/risks/XRR1/",
                    "/risks/?prompted=yes", "/risks/export.xlsx", "/risks/export.csv"):
            assert client.get(url).status_code == 200, url
    pack = content.build(quarter=ReportingPeriod.for_label(Q1), committee=Committee.objects.get(name="Audit Committee"),
                         meeting_date=date(2019, 10, 14), draft=True)
    for part in ("a", "b"):
        for fmt in ("pdf", "docx"):
            assert services.render(pack, part, fmt)
    for kind in ("controls", "audit-actions"):
        for fmt in ("csv", "xlsx", "json"):
            written = interchange.write(interchange.export_dataset(kind, period=Q1 if kind == "controls" else None), fmt)
            assert written
            if fmt == "csv":
                assert b"'=cmd" in written or kind == "controls"
                assert b"'=HYPERLINK" in written or kind == "audit-actions"


@pytest.mark.parametrize("value", ["Bell\x07", "Esc\x1b", "Back\x08space", "\ufffe"])
def test_a_control_character_that_would_break_a_sheet_or_the_pack_is_refused_by_every_route(risks, officer_user,
                                                                                         value):
    from organisation.records import InvalidWrite

    with pytest.raises(InvalidWrite):
        add_control(officer_user, risks["CRR9"], Q1, f"Control {value}")
    with pytest.raises(InvalidWrite):
        add_control(officer_user, risks["CRR9"], Q1, "Control", owner=f"Owner {value}")
    with pytest.raises(InvalidWrite):
        audit_actions.recommendation_save(user=officer_user, rec=AuditRecommendation(
            source="Audit", recommendation=f"Recommendation {value}", priority="low", status="open"))
    with pytest.raises(InvalidWrite):
        controls.risk_accept(user=officer_user, risk=risks["CRR9"], justification=f"Because {value}",
                             expires=clock.today() + timedelta(days=30))
    report = run_import("controls", f"reference,period,control,owner\nCRR9,{Q1},Control,\"Owner {value}\"\n")
    assert not report.ok and "row 2" in errors_of(report)
    report = run_import("audit-actions", f"source,recommendation,priority,status\nAudit,\"Rec {value}\",low,open\n")
    assert not report.ok and "row 2" in errors_of(report)
    assert not ControlReview.objects.exists() and not AuditRecommendation.objects.exists()
    assert not RiskAcceptance.objects.exists()


@pytest.mark.parametrize("value", ["Form\x0cfeed", "Vertical\x0btab", "Unit\x1fsep"])
def test_a_control_character_that_is_white_space_is_tidied_out_of_a_controls_name(risks, officer_user, value):
    saved = add_control(officer_user, risks["CRR9"], Q1, f"Control {value}")
    assert saved.control == "Control " + " ".join(value.split())
    assert not any(ord(ch) < 32 for ch in saved.control)


def test_a_nul_in_an_import_file_refuses_the_file(risks):
    report = run_import("controls", f"reference,period,control\nCRR9,{Q1},\"Control\x00\"\n")
    assert not report.ok and "binary data" in errors_of(report)
    assert not ControlReview.objects.exists()


# --- the imports: controls, audit-actions and the risks file's new columns -------------------------------

CONTROLS_HEADER = "reference,period,control,owner,type,line,assurance,assurance_source,last_tested,next_test_due"


@pytest.mark.parametrize(("row", "column", "said"), [
    (f"CRR9,{Q4},Panel,,,,,,,", "period", "locked"),
    ("CRR9,2019/20,Panel,,,,,,,", "period", "quarter"),
    ("CRR9,2099/00 Q1,Panel,,,,,,,", "period", "outside the periods"),
    ("CRR9,1999/00 Q1,Panel,,,,,,,", "period", "outside the periods"),
    ("CRR9,2029/30 Q1,Panel,,,,,,,", "period", ""),
    ("CRR9,banana,Panel,,,,,,,", "period", "banana"),
    ("CRR9/../x,2019/20 Q1,Panel,,,,,,,", "reference", "not a risk reference"),
    ("NOPE,2019/20 Q1,Panel,,,,,,,", "reference", "there is no risk"),
    ("CRR9,2019/20 Q1,,,,,,,,", "control", "enter what the control is"),
    ("CRR9,2019/20 Q1," + "x" * 256 + ",,,,,,,", "control", "255"),
    ("CRR9,2019/20 Q1,Panel,,reactive,,,,,", "type", "reactive"),
    ("CRR9,2019/20 Q1,Panel,,,4,,,,", "line", "line of defence"),
    ("CRR9,2019/20 Q1,Panel,,,1e0,,,,", "line", "line of defence"),
    ("CRR9,2019/20 Q1,Panel,,,-1,,,,", "line", "line of defence"),
    ("CRR9,2019/20 Q1,Panel,,,,Partial,,,", "assurance", "Partial"),
    ("CRR9,2019/20 Q1,Panel,,,,,auditors,,", "assurance_source", "auditors"),
    ("CRR9,2019/20 Q1,Panel,,,,,,9999-12-31,", "last_tested", "outside the dates"),
    ("CRR9,2019/20 Q1,Panel,,,,,,2019-02-30,", "last_tested", "not a date"),
    ("CRR9,2019/20 Q1,Panel,,,,,,30/06/2019,", "last_tested", "YYYY-MM-DD"),
    ("CRR9,2019/20 Q1,Panel,,,,,,,+10000-01-01", "next_test_due", "not a date"),
    ("CRR9,2019/20 Q1,Panel,,,,,,2019-06-01,2019-05-01", "next_test_due", "before the last"),
    ("CRR9,2019/20 Q1,\"Panel\u2028two\",\"Head\u2028of\",,,,,,", "owner", "more than one line"),
])
@pytest.mark.parametrize("dry_run", [True, False])
def test_a_bad_controls_row_is_refused_naming_row_and_column_and_saves_nothing(risks, officer_user, row, column,
                                                                               said, dry_run):
    lock(officer_user, Q4)
    good = f"SRR1,{Q1},Good control,Head,preventive,1,Reasonable,self-assessment,2019-05-01,2019-11-01"
    report = run_import("controls", "\n".join((CONTROLS_HEADER, good, row)) + "\n", dry_run=dry_run,
                        user=officer_user)
    assert not report.ok
    said_all = errors_of(report)
    assert "row 3" in said_all and said.lower() in said_all.lower(), said_all
    if column != "period" or "locked" not in said:
        assert f'"{column}"' in said_all or column in said_all
    assert "row 2" not in said_all
    assert not ControlReview.objects.exists()


def test_the_same_control_twice_in_a_file_in_any_case_and_spacing_is_refused(risks, officer_user):
    report = run_import("controls", f"reference,period,control\nCRR9,{Q1},Monthly panel\ncrr9,{Q1},MONTHLY   panel\n")
    assert not report.ok and "row 3" in errors_of(report)
    assert not ControlReview.objects.exists()


def test_a_controls_import_of_an_exempt_risk_by_the_command_line_keeps_it_out_of_part_a(risks, officer_user):
    from packs import content
    from packs.models import Committee

    report = run_import("controls", f"reference,period,control,line,assurance,assurance_source\n"
                                    f"XRR1,{Q1},{SECRET},2,No,second line\n")
    assert report.ok, report.errors
    pack = content.build(quarter=ReportingPeriod.for_label(Q1), committee=Committee.objects.get(name="Audit Committee"),
                         meeting_date=date(2019, 10, 14), draft=True)
    from packs import services

    from .test_red_team_20 import pdf_text

    assert SECRET not in pdf_text(services.render(pack, "a", "pdf"))
    assert SECRET in pdf_text(services.render(pack, "b", "pdf"))


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def test_a_web_import_previewed_while_open_is_refused_once_the_quarter_is_locked(risks, officer, officer_user):
    from organisation.models import PendingImport

    content = f"reference,period,control,line\nCRR9,{Q1},Imported after the preview,3\n".encode()
    preview = officer.post("/imports/controls/", {"file": SimpleUploadedFile("c.csv", content)})
    assert preview.status_code == 200
    pending = PendingImport.objects.get(kind="controls")
    lock(officer_user, Q1)
    response = officer.post(f"/imports/controls/{pending.pk}/confirm/")
    assert response.status_code in (200, 302)
    assert "locked" in text(response) or "locked" in text(officer.get("/imports/"))
    assert not ControlReview.objects.filter(control="Imported after the preview").exists()


def test_another_officers_pending_import_cannot_be_confirmed(risks, officer, officer_user):
    from organisation import roles
    from organisation.models import PendingImport
    from tests.conftest import client_for, make_user

    content = f"reference,period,control\nCRR9,{Q1},Someone else's\n".encode()
    assert officer.post("/imports/controls/", {"file": SimpleUploadedFile("c.csv", content)}).status_code == 200
    pending = PendingImport.objects.get(kind="controls")
    other = client_for(make_user("officer.two", roles.PERFORMANCE_OFFICER))
    assert other.post(f"/imports/controls/{pending.pk}/confirm/").status_code == 404
    assert other.post(f"/imports/audit-actions/{pending.pk}/confirm/").status_code == 404
    assert officer.post(f"/imports/audit-actions/{pending.pk}/confirm/").status_code == 404
    assert not ControlReview.objects.exists()


@pytest.mark.parametrize(("name", "content", "said"), [
    ("c.csv", b"", ""),
    ("c.csv", b"\xff\xfe\x00garbage", ""),
    ("c.csv", CONTROLS_HEADER.encode(), ""),
    ("c.csv", b"reference,period,control,colour\nCRR9,2019/20 Q1,X,red\n", "colour"),
    ("c.csv", b"reference,period\nCRR9,2019/20 Q1\n", "control"),
    ("c.csv", b"reference,period,control,control\nCRR9,2019/20 Q1,X,Y\n", ""),
    ("c.csv", b"reference,period,control\n\"CRR9,2019/20 Q1,unterminated\n", ""),
    ("c.xlsx", b"PK\x03\x04not really a zip", ""),
    ("c.xlsx", b"plain text in an xlsx", ""),
    ("c.exe", b"MZ\x90\x00", ""),
    ("c.csv", ("reference,period,control\n" + "CRR9,2019/20 Q1,X\n" * 50_001).encode(), "50,000"),
])
@pytest.mark.parametrize("kind", ["controls", "audit-actions"])
def test_a_malformed_file_is_refused_in_words_and_saves_nothing(risks, officer, name, content, said, kind):
    response = officer.post(f"/imports/{kind}/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code in (200, 400)
    body = text(response)
    assert said in body or (kind == "audit-actions" and said == "control")
    assert "Confirm" not in body or "error" in body.lower()
    report = run_import(kind, content, name=name)
    assert not report.ok and report.errors
    assert not ControlReview.objects.exists() and not AuditRecommendation.objects.exists()


def test_import_data_refuses_a_bad_file_and_exits_non_zero(risks, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(f"reference,period,control,line\nCRR9,{Q1},X,7\n")
    with pytest.raises((CommandError, SystemExit)):
        call_command("import_data", "controls", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert not ControlReview.objects.exists()
    with pytest.raises((CommandError, SystemExit)):
        call_command("import_data", "audit-actions", str(tmp_path / "missing.csv"), stdout=io.StringIO(),
                     stderr=io.StringIO())


AUDIT_HEADER = "source,recommendation,priority,agreed_action,owner,due,revised_due,revision_reason,status,risks"


@pytest.mark.parametrize(("row", "column", "said"), [
    ("Audit,Rec,high,,,2019-06-30,,,overdue,CRR9", "status", "worked out from the due dates"),
    ("Audit,Rec,urgent,,,2019-06-30,,,open,CRR9", "priority", "urgent"),
    ("Audit,Rec,high,,,30/06/2019,,,open,CRR9", "due", "YYYY-MM-DD"),
    ("Audit,Rec,high,,,9999-12-31,,,open,CRR9", "due", "outside the dates"),
    ("Audit,Rec,high,,,2019-06-30,2019-09-30,,open,CRR9", "revision_reason", "give the reason"),
    ("Audit,Rec,high,,,,2019-09-30,Late,open,CRR9", "due", "first agreed"),
    ("Audit,Rec,high,,,2019-06-30,,,open,CRR9;NOPE", "risks", "NOPE"),
    ("Audit,Rec,high,,,2019-06-30,,,open,CRR9/x", "risks", "risk reference"),
    (",Rec,high,,,2019-06-30,,,open,CRR9", "source", "enter the audit report"),
    ("Audit,,high,,,2019-06-30,,,open,CRR9", "recommendation", "enter the recommendation"),
    ("\"Audit\nreport\",Rec,high,,,2019-06-30,,,open,", "source", "more than one line"),
    ("Audit,Rec,high,\"" + "a" * 4001 + "\",,2019-06-30,,,open,", "agreed_action", "4,000"),
])
def test_a_bad_audit_actions_row_is_refused_naming_row_and_column(risks, officer_user, row, column, said):
    good = "Good audit,Good rec,low,,,2019-06-30,,,open,SRR1"
    report = run_import("audit-actions", "\n".join((AUDIT_HEADER, good, row)) + "\n", user=officer_user)
    said_all = errors_of(report)
    assert not report.ok and "row 3" in said_all and said.lower() in said_all.lower(), said_all
    assert column in said_all
    assert not AuditRecommendation.objects.exists()


def test_the_same_recommendation_twice_in_a_file_is_refused_or_saved_once(risks, officer_user):
    report = run_import("audit-actions", f"{AUDIT_HEADER}\nAudit,Check  it,high,,,2019-06-30,,,open,CRR9\n"
                                         "AUDIT,check it,low,,,2019-07-30,,,open,SRR1\n", user=officer_user)
    assert AuditRecommendation.objects.count() <= 1
    if report.ok:
        pytest.fail("two rows with one key were both accepted: " + repr(list(
            AuditRecommendation.objects.values("priority", "due"))))
    assert "row 3" in errors_of(report)


def test_an_audit_actions_export_imports_back_unchanged(recs, officer_user):
    out = interchange.write(interchange.export_dataset("audit-actions"), "csv").decode("utf-8-sig")
    exported = out.replace(",overdue,", ",open,")
    report = run_import("audit-actions", exported, user=officer_user)
    assert report.ok and report.new == 0 and report.updated == 0, (report.errors, report.rows)
    assert {r.version for r in AuditRecommendation.objects.all()} == {1}


def test_a_controls_export_imports_back_unchanged_and_a_locked_export_says_what_was_reported(with_controls,
                                                                                             officer_user):
    from risks import control_resources

    data = control_resources.controls_export(Q1)
    data_back = "\n".join([",".join(control_resources.COLUMNS)] + [
        ",".join(str(v) for v in row[:len(control_resources.COLUMNS)]) for row in data]) + "\n"
    report = run_import("controls", data_back, user=officer_user)
    assert report.ok and report.new == 0 and report.updated == 0, report.errors
    lock(officer_user, Q1)
    before = [tuple(r) for r in control_resources.controls_export(Q1)]
    risk = with_controls["SRR1"]
    risk.title = "Renamed after the lock"
    risk.status = Risk.Status.CLOSED
    risk.save()
    after = [tuple(r) for r in control_resources.controls_export(Q1)]
    assert after == before
    assert not any("Renamed after the lock" in str(cell) for row in after for cell in row)


@pytest.mark.parametrize(("extra_header", "extra", "said"), [
    ("indicators", "NOPE1", "NOPE1"),
    ("indicators", "DPE007;NOPE1", "NOPE1"),
    ("indicators", "DPE007/x", "indicator code"),
    ("indicators", ";".join(f"I{n}" for n in range(51)), ""),
    ("target_likelihood,tolerance_likelihood", "1,1", ""),
])
def test_the_risks_files_new_columns_refuse_bad_values_and_save_nothing(risks, area_a, officer_user, extra_header,
                                                                        extra, said):
    make_indicator(area_a, "DPE007")
    header = ("reference,title,kind,register,directorate,service_area,period,likelihood,impact,"
              "tolerance_impact," + extra_header)
    if "tolerance_likelihood" not in extra_header:
        header = header.replace("tolerance_impact,", "tolerance_likelihood,tolerance_impact,")
        row = f"CRR9,Risk CRR9,threat,corporate,People,Children & Families Services,{Q1},3,7,1,7,{extra}"
    else:
        row = f"CRR9,Risk CRR9,threat,corporate,People,Children & Families Services,{Q1},3,7,7,{extra}"
    report = run_import("risks", f"{header}\n\"{row}\"\n".replace("\"", "") if ";" not in extra
                        else f"{header}\n{row}\n", user=officer_user)
    assert not report.ok, report.rows
    assert said in errors_of(report)
    assert not risks["CRR9"].indicators.exists()
    assert RiskReviewOf(risks["CRR9"], Q1).likelihood == 2


def RiskReviewOf(risk, label):
    from risks.models import RiskReview

    return RiskReview.objects.get(risk=risk, period=ReportingPeriod.for_label(label))


def test_the_risks_files_indicators_column_links_on_the_newest_row_and_a_blank_unlinks(risks, area_a, officer_user):
    make_indicator(area_a, "DPE007")
    make_indicator(area_a, "DPE006")
    header = ("reference,title,kind,register,directorate,service_area,period,likelihood,impact,"
              "target_likelihood,target_impact,indicators")
    base = "CRR9,Risk CRR9,threat,corporate,People,Children & Families Services"
    report = run_import("risks", f"{header}\n{base},{Q1},2,7,1,7,dpe007; DPE006 ;DPE007\n", user=officer_user)
    assert report.ok, report.errors
    assert sorted(risks["CRR9"].indicators.values_list("code", flat=True)) == ["DPE006", "DPE007"]
    again = run_import("risks", f"{header}\n{base},{Q1},2,7,1,7,DPE006;DPE007\n", user=officer_user)
    assert again.ok and again.updated == 0 and again.new == 0, again.rows
    cleared = run_import("risks", f"{header}\n{base},{Q1},2,7,1,7,\n", user=officer_user)
    assert cleared.ok and not risks["CRR9"].indicators.exists()


# --- exempt now, or exempt when the quarter was locked ---------------------------------------------------

def _make_exempt(risk):
    from risks import services as risk_services

    risk.exempt = True
    risk_services.risk_save(user=None, risk=risk)


def test_a_risk_made_exempt_after_the_lock_keeps_its_controls_from_a_manager_on_every_page(with_controls,
                                                                                         officer_user, manager_a,
                                                                                         recs):
    lock(officer_user, Q1)
    _make_exempt(with_controls["CRR9"])
    for url in ("/risks/assurance/?period=2019-20-Q1", "/risks/assurance/", "/risks/CRR9/",
                "/risks/CRR9/controls/2019-20-Q1/", "/risks/audit-actions/?period=2019-20-Q1",
                "/risks/audit-actions/", f"/risks/audit-actions/{recs['CRR9'].pk}/"):
        response = manager_a.get(url)
        body = text(response)
        assert "Control of CRR9" not in body and "Owner of CRR9" not in body, url
        if "audit-actions" in url:
            assert "Risk CRR9" not in body, url  # an exempt risk's title is for readers of Part B


def test_a_risk_exempt_at_the_lock_and_not_now_keeps_the_locked_quarters_controls_in_part_b(with_controls,
                                                                                          officer_user, manager_a):
    from risks import services as risk_services

    lock(officer_user, Q1)
    risk = with_controls["XRR1"]
    risk.exempt = False
    risk_services.risk_save(user=None, risk=risk)
    for url in ("/risks/assurance/?period=2019-20-Q1", "/risks/XRR1/controls/2019-20-Q1/"):
        assert SECRET not in text(manager_a.get(url)), url


def test_the_pack_part_a_keeps_exempt_detail_out_of_the_assurance_section(recs, officer_user):
    from packs import content, services
    from packs.models import Committee

    pack = content.build(quarter=ReportingPeriod.for_label(Q1), committee=Committee.objects.get(name="Audit Committee"),
                         meeting_date=date(2019, 10, 14), draft=True)
    a = pack.risks.assurance
    assert "XRR1" not in {m.reference for m in a.map} and "XRR1" not in {r[0] for r in a.ratings}
    assert a.exempt_left_out == 1
    part_a = pdf_text(services.render(pack, "a", "pdf"))
    assert SECRET not in part_a and "Owner of XRR1" not in part_a and "Exempt description" not in part_a
    part_b = pdf_text(services.render(pack, "b", "pdf"))
    assert SECRET in part_b


def test_a_deep_dive_of_a_risk_made_exempt_after_the_lock_keeps_its_detail_from_a_manager(directorate, area_a,
                                                                                        quarters, officer_user,
                                                                                        manager_a, audit):
    risk = make_risk("CRR40", directorate, area_a, title="Deep risk")
    for label in ("2018/19 Q3", Q4, Q1):
        review(risk, label, controls="Free-text controls of CRR40", actions="Free-text actions of CRR40")
    lock(officer_user, Q1)
    assert "Free-text controls of CRR40" in text(manager_a.get("/risks/deep-dives/?period=2019-20-Q1"))
    _make_exempt(risk)
    body = text(manager_a.get("/risks/deep-dives/?period=2019-20-Q1"))
    assert "CRR40" in body
    assert "Free-text controls of CRR40" not in body and "Free-text actions of CRR40" not in body
    assert "Free-text controls of CRR40" in text(audit.get("/risks/deep-dives/?period=2019-20-Q1"))


def test_an_overdue_action_of_an_exempt_risk_keeps_its_detail_out_of_part_a(recs, officer_user):
    from packs import content, services
    from packs.models import Committee

    pack = content.build(quarter=ReportingPeriod.for_label(Q1), committee=Committee.objects.get(name="Audit Committee"),
                         meeting_date=date(2019, 10, 14), draft=True)
    part_a = pdf_text(services.render(pack, "a", "pdf"))
    assert "Recommendation about CRR9" in part_a
    assert "Recommendation about XRR1" not in part_a and "Agreed for XRR1" not in part_a
    assert "Audit of XRR1" in part_a and "Exempt: the recommendation concerns an exempt risk" in part_a
    part_b = pdf_text(services.render(pack, "b", "pdf"))
    assert "Recommendation about XRR1" in part_b and "Agreed for XRR1" in part_b
    assert "Recommendation about CRR9" not in part_b
    from .test_red_team_20 import docx_text

    word_a, word_b = docx_text(services.render(pack, "a", "docx")), docx_text(services.render(pack, "b", "docx"))
    assert "Recommendation about XRR1" not in word_a and "Recommendation about CRR9" in word_a
    assert "Recommendation about XRR1" in word_b and "Agreed for XRR1" in word_b


def docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return re.sub(r"\s+", " ", " ".join(parts))


# --- more routes: the lock page, another risk's control, exports after the lock --------------------------

def _assurance_section(client, slug) -> str:
    body = text(client.get(f"/risks/assurance/?period={slug}"))
    return body[body.index("CRR9"):body.index("Bristol City Council - Performance") if "Bristol City Council - Performance" in body else None]


@pytest.mark.parametrize("persona", ["manager_a", "executive", "audit", "outsider"], indirect=True)
def test_only_the_officer_locks_and_the_lock_changes_nothing_the_quarter_shows(persona, risks, officer,
                                                                              officer_user):
    add_control(officer_user, risks["CRR9"], Q4, "Carried from Q4", line=3, assurance="Reasonable",
                assurance_source="internal audit")
    q1 = ReportingPeriod.for_label(Q1)
    assert persona.post(f"/periods/{q1.pk}/lock/", {"confirm": "on", "sign_off_submitted": "on", "reason": "x"}
                        ).status_code == 403
    assert not ReportingPeriod.objects.get(pk=q1.pk).is_locked
    before = text(officer.get("/risks/CRR9/controls/2019-20-Q1/"))
    response = officer.post(f"/periods/{q1.pk}/lock/", {"confirm": "on", "sign_off_submitted": "on",
                                                          "reason": "Reported"})
    assert response.status_code == 302 and ReportingPeriod.objects.get(pk=q1.pk).is_locked
    after = text(officer.get("/risks/CRR9/controls/2019-20-Q1/"))
    assert "Carried from Q4" in before and "Carried from Q4" in after
    assert ControlReview.objects.filter(period=q1, risk=risks["CRR9"], control="Carried from Q4").exists()


@pytest.mark.parametrize("persona", ["manager_a", "officer"], indirect=True)
def test_a_control_of_another_risk_is_not_reached_through_this_risks_address(persona, with_controls, quarters):
    other = ControlReview.objects.get(risk=with_controls["XRR1"], period=quarters[1])
    srr2 = ControlReview.objects.get(risk=with_controls["SRR2"], period=quarters[1])
    for pk in (other.pk, srr2.pk):
        assert persona.get(f"/risks/SRR1/controls/2019-20-Q1/{pk}/").status_code == 404
        assert persona.post(f"/risks/SRR1/controls/2019-20-Q1/{pk}/", {"action": "remove"}).status_code == 404
        assert persona.post(f"/risks/SRR1/controls/2019-20-Q1/{pk}/", CONTROL | {"control": "Stolen"}
                            ).status_code == 404
    assert ControlReview.objects.filter(pk__in=[other.pk, srr2.pk]).count() == 2
    assert ControlReview.objects.get(pk=other.pk).control == SECRET


def test_the_prompted_filter_shows_a_manager_only_their_areas(prompted_crr9, risks, manager_b, manager_a):
    assert "CRR9" not in _register_refs(manager_b, "period=2019-20-Q1&prompted=yes")
    assert "CRR9" in _register_refs(manager_a, "period=2019-20-Q1&prompted=yes")


def test_the_risks_export_of_a_locked_quarter_keeps_prompted_and_acceptance(prompted_crr9, risks, officer,
                                                                            officer_user):
    import csv

    controls.risk_accept(user=officer_user, risk=risks["CRR9"], justification="Beyond our control",
                         expires=clock.today() + timedelta(days=200))

    def exported():
        out = io.StringIO()
        call_command("export_data", "risks", "--period", Q1, stdout=out)
        return {row["reference"]: row for row in csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff")))}

    lock(officer_user, Q1)
    before = exported()
    assert before["CRR9"]["review_prompted"] == "yes" and before["CRR9"]["accepted_until"]
    officer.post("/risks/CRR9/indicators/", {"indicators": ""})
    controls.acceptance_withdraw(user=officer_user, risk=risks["CRR9"], reason="Treated")
    after = exported()
    assert {k: after["CRR9"][k] for k in ("review_prompted", "accepted_until", "outside_appetite")} == \
        {k: before["CRR9"][k] for k in ("review_prompted", "accepted_until", "outside_appetite")}
    assert Judgement.objects.get(risk=risks["CRR9"], quarter=ReportingPeriod.for_label(Q1)).accepted_until


@pytest.mark.parametrize(("revised", "reason", "said"), [
    ("31/12/9999", "Late", "outside the dates"),
    ("30/09/2019", "", "give the reason"),
    ("30/09/2019", "Late\x01", "cannot be stored"),
    ("30/06/2019", "Same", "already agreed"),
    ("not a date", "Late", "as a date"),
])
def test_a_manager_revising_a_due_date_with_hostile_values_is_refused(recs, manager_a, revised, reason, said):
    rec = recs["SRR1"]
    response = manager_a.post(f"/risks/audit-actions/{rec.pk}/", {
        "agreed_action": "Ours", "status": "open", "revised_due": revised, "revision_reason": reason, "reason": "",
        "version": str(rec.version)})
    assert response.status_code == 400 and said.lower() in text(response).lower()
    stored = AuditRecommendation.objects.get(pk=rec.pk)
    assert (stored.revised_due, stored.agreed_action, stored.version) == (None, "Agreed for SRR1", rec.version)
    assert not stored.revisions.exists()


def test_a_manager_cannot_smuggle_the_officers_fields_or_links(recs, manager_a):
    rec = recs["SRR1"]
    response = manager_a.post(f"/risks/audit-actions/{rec.pk}/", {
        "agreed_action": "Ours", "status": "superseded", "revised_due": "", "revision_reason": "", "reason": "",
        "version": str(rec.version), "risks": "SRR2; XRR1", "priority": "low", "due": "01/01/2030",
        "source": "Other", "recommendation": "Other", "owner": "Me", "controls": "Everything"})
    assert response.status_code == 302
    stored = AuditRecommendation.objects.get(pk=rec.pk)
    assert (stored.source, stored.recommendation, stored.priority, stored.due, stored.owner, stored.controls) == (
        "Audit of SRR1", "Recommendation about SRR1", "high", date(2019, 6, 30), "Head", "")
    assert list(stored.risks.values_list("reference", flat=True)) == ["SRR1"]


# --- the appetite page (appetite, judged and frozen with the quarter) ------------------------------------

@pytest.fixture
def category(db):
    from risks.models import RiskCategory

    return RiskCategory.objects.get_or_create(name="Financial", defaults={"level": "cautious"})[0]


@pytest.mark.parametrize("cell", ["\u00b2-1", "1-\u0663", "9" * 5000 + "-1", "1-" + "9" * 5000, "0-0", "-1-1",
                                  "99999999999999999999-7", "a-b", "", "1-1-1"],
                         ids=["superscript", "arabic-indic", "huge-likelihood", "huge-impact", "zero", "negative",
                              "long", "letters", "blank", "three-parts"])
def test_a_hostile_appetite_cell_is_never_a_server_error(officer, category, risks, cell):
    response = officer.post(f"/risks/appetite/{category.pk}/", {
        "name": "Financial", "level": "cautious", "statement": "", "description": "", "active": "on",
        "boundary": "cells", "cell": [cell, "1-1"], "reason": ""})
    assert response.status_code in (200, 302, 400)


@pytest.mark.parametrize(("field", "value"), [("name", "Fin\x01ancial"), ("statement", "We\x1b accept"),
                                              ("description", "Desc\x08")])
def test_a_category_with_a_character_that_breaks_a_sheet_is_refused(officer, category, risks, field, value):
    data = {"name": "Financial", "level": "cautious", "statement": "", "description": "", "active": "on",
            "boundary": "level", "reason": ""} | {field: value}
    response = officer.post(f"/risks/appetite/{category.pk}/", data)
    assert response.status_code == 400
    category.refresh_from_db()
    assert getattr(category, field) != value


def test_an_appetite_changed_after_the_lock_leaves_the_locked_quarter_outside(officer, officer_user, category, risks):
    from risks import services as risk_services

    risk = risks["CRR9"]
    risk.category = "Financial"
    risk_services.risk_save(user=None, risk=risk)
    q1 = lock(officer_user, Q1)
    assert Judgement.objects.get(risk=risk, quarter=q1).outside_appetite
    response = officer.post(f"/risks/appetite/{category.pk}/", {
        "name": "Financial", "level": "eager", "statement": "We take risks", "description": "", "active": "on",
        "boundary": "cells", "cell": [f"{lk}-{im}" for lk in range(1, 5) for im in (1, 3, 5, 7)], "reason": "Agreed"})
    assert response.status_code == 302, text(response)[:2000]
    assert Judgement.objects.get(risk=risk, quarter=q1).outside_appetite
    assert "CRR9" in _register_refs(officer, "period=2019-20-Q1&appetite=outside")


@pytest.mark.parametrize("persona", ["manager_a", "manager_b", "audit", "outsider"], indirect=True)
@pytest.mark.parametrize("locked", [False, True])
def test_the_new_downloads_follow_the_areas_and_part_b(persona, request, recs, officer_user, locked):
    name = request.node.callspec.params["persona"]
    query = "?period=2019-20-Q1"
    if locked:
        lock(officer_user, Q1)
    actions = persona.get(f"/risks/audit-actions/export.csv{query}")
    controls_file = persona.get(f"/risks/assurance/export.csv{query}")
    if name == "outsider":
        assert actions.status_code == 403 and controls_file.status_code == 403
        return
    body = text(actions)
    listed = set(re.findall(r"Recommendation about (\w+)", body))
    assert listed == {"manager_a": {"SRR1", "CRR9", "XRR1"}, "manager_b": {"SRR2"}}.get(name, set(recs))
    assert "Commercial exposure" not in body or name == "audit"
    if name.startswith("manager"):
        assert controls_file.status_code == 403
    else:
        got = text(controls_file)
        assert SECRET in got and "Control of CRR9" in got and "Control of SRR1" not in got
    for fmt in ("pdf", "exe", "%00"):
        assert persona.get(f"/risks/audit-actions/export.{fmt}").status_code in (403, 404)
