"""No one reads past their scope (issue 18): each role follows every link it can reach - pages, filters,
downloads (CSV, XLSX, PDF, Word), the audit trail and its search - and finds none of the marker text put in
records outside its scope. The audit committee does not read a service-register risk (nor its changes in the
audit trail); a service manager does not read another area's risks; someone with no
role reads nothing."""

from __future__ import annotations

import re
from datetime import date

import pytest

from organisation import audit, roles
from organisation import services as organisation_services
from organisation.models import AuditEvent, ReportingPeriod
from packs import services as pack_services
from packs.models import Committee
from risks import services as risk_services
from risks.models import Risk
from tests.conftest import client_for, make_user
from tests.kpis.conftest import make_indicator
from tests.risks.conftest import make_risk, review
from tests.urlwalk import crawl, readable_text

SERVICE_MARK = "Zqxsvcmark"  # a service-register risk in area B, its wording and its changes
EXEMPT_MARK = "Zqxexemptmark"  # the Part B detail of an exempt corporate risk in area B
PLACEMENT_MARK = "Zqxplacemark"  # an entry of the trail about placements


@pytest.fixture
def marked(directorate, area_a, area_b, open_quarter, locked_quarter):
    officer = make_user("officer-marks", roles.PERFORMANCE_OFFICER)
    make_indicator(area_a, "DPE007")
    review(make_risk("CRR9", directorate, area_a), "2019/20 Q1")
    hidden = make_risk("SRR2", directorate, area_b, register="service")
    review(hidden, "2019/20 Q1", controls=f"{SERVICE_MARK} controls", actions=f"{SERVICE_MARK} actions")
    hidden.title = f"{SERVICE_MARK} title"
    hidden.description = f"{SERVICE_MARK} description"
    risk_services.risk_save(user=officer, risk=hidden, reason=f"{SERVICE_MARK} reason")
    exempt = make_risk("CRR20", directorate, area_b, exempt=True, exempt_paragraph=3,
                       description=f"{EXEMPT_MARK} description", causes=f"{EXEMPT_MARK} causes")
    review(exempt, "2019/20 Q1", controls=f"{EXEMPT_MARK} controls")
    audit.record(user=officer, action=AuditEvent.Action.ADMIN_CHANGED, object_type="Placement category",
                 object_label="Residential", detail=f"name: {PLACEMENT_MARK}", about="placements")
    organisation_services.period_lock(user=officer, period=open_quarter, sign_off_submitted=True)
    quarter = ReportingPeriod.objects.get(pk=open_quarter.pk)
    for committee in Committee.objects.all():
        pack_services.pack_issue(user=officer, quarter=quarter, committee=committee, meeting_date=date(2019, 9, 12))
    return hidden


def _starts(searches=(SERVICE_MARK, EXEMPT_MARK, PLACEMENT_MARK)):
    starts = ["/", "/audit/", "/risks/", "/performance/", "/placements/", "/packs/", "/tasks/"]
    for mark in searches:
        starts += [f"/audit/?q={mark}", f"/audit/export.csv?q={mark}", f"/audit/export.xlsx?q={mark}"]
    return starts


def _without_echo(text: str, url: str, marks) -> str:
    """A search page says what was searched for (its box, its links, the sign-out form's return address):
    not a finding."""
    for mark in marks:
        if mark in url:
            text = re.sub(rf'(value|href|action)="[^"]*{mark}[^"]*"', "", text)
    return text


def _found(client, marks):
    hits = []
    pages = 0
    for url, status, text in crawl(client, _starts()):
        assert status < 500, f"{url} gave {status}"
        pages += 1
        text = _without_echo(text, url, marks)
        hits += [(mark, url) for mark in marks if mark.lower() in text.lower()]
    return hits, pages


@pytest.mark.parametrize(("role", "areas", "hidden", "shown"), [
    (roles.AUDIT_COMMITTEE, "", (SERVICE_MARK,), (EXEMPT_MARK, PLACEMENT_MARK)),
    (roles.SERVICE_MANAGER, "a", (SERVICE_MARK, EXEMPT_MARK), ()),
    (None, "", (SERVICE_MARK, EXEMPT_MARK, PLACEMENT_MARK), ()),
    (roles.PERFORMANCE_OFFICER, "", (), (SERVICE_MARK, EXEMPT_MARK, PLACEMENT_MARK)),
])
def test_each_role_finds_nothing_outside_its_scope_on_any_page_or_download(
        marked, area_a, role, areas, hidden, shown):
    user = make_user(f"crawler-{role}", role, areas=[area_a] if areas else ())
    hits, pages = _found(client_for(user), hidden + shown)
    leaked = [(mark, url) for mark, url in hits if mark in hidden]
    assert not leaked, f"out of scope: {leaked[:10]}"
    # The crawl reaches the records it may read (so the absence above is not an empty crawl).
    assert {mark for mark, _ in hits} >= set(shown)
    assert pages >= (3 if role is None else 15)


def test_the_audit_trail_is_scoped_in_the_page_the_search_and_every_download(marked, audit):
    for url in ("/audit/", f"/audit/?q={SERVICE_MARK}", f"/audit/export.csv?q={SERVICE_MARK}",
                "/audit/export.xlsx", "/audit/?q=SRR2", "/audit/export.csv?q=SRR2"):
        response = audit.get(url)
        assert response.status_code == 200
        text = _without_echo(readable_text(response), url, (SERVICE_MARK, "SRR2"))
        assert SERVICE_MARK not in text and "SRR2" not in text, url
    # The council's own acts and the registers' risks it may read are there.
    page = audit.get("/audit/").content.decode()
    assert "Quarter locked" in page and "Committee pack issued" in page


def test_a_risk_escalated_to_a_register_the_committee_reads_brings_its_entries_with_it(marked, audit):
    officer = make_user("escalator", roles.PERFORMANCE_OFFICER)
    risk_services.risk_move(user=officer, risk=Risk.objects.get(reference="SRR2"), up=True)
    assert SERVICE_MARK in audit.get(f"/audit/?q={SERVICE_MARK}").content.decode()


def test_the_services_say_what_each_entry_is_about(directorate, area_a, open_quarter):
    from placements import services as placement_services
    from placements.models import PlacementHeading

    officer = make_user("about-officer", roles.PERFORMANCE_OFFICER)
    risk = make_risk("SRR7", directorate, area_a, register="service")
    risk.title = "Retitled"
    risk_services.risk_save(user=officer, risk=risk)
    risk_services.risk_move(user=officer, risk=risk, up=True)
    risk_services.risk_set_status(user=officer, risk=Risk.objects.get(pk=risk.pk), status=Risk.Status.CLOSED)
    heading = PlacementHeading(name="Zqx heading", order=99)
    placement_services.placement_setup_save(user=officer, instance=heading)
    abouts = list(AuditEvent.objects.order_by("pk").values_list("object_type", "about", "about_id"))
    assert abouts == [("Risk", "risk", risk.pk)] * 3 + [("Placement heading", "placements", None)]
