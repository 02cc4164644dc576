"""The whole permission matrix: every URL of the URL configuration, for every
role and for anonymous visitors, with the expected outcome. A URL added
without a row here fails test_every_url_has_a_row."""

from decimal import Decimal

import pytest
from django.utils import timezone

from kpis.models import Actual, Indicator, Target
from organisation.models import ReportingPeriod
from placements.models import PlacementCategory, PlacementHeading, PlacementSnapshot
from risks.models import Risk, RiskReview
from tests.urlwalk import walk

ROLES = ("manager_a", "manager_b", "officer", "executive", "audit", "outsider", "anonymous")


def outcome(default, **by_role):
    """Expected status per role; anonymous visitors are sent to sign in (302) unless stated."""
    table = {role: default for role in ROLES}
    table["anonymous"] = 302
    table.update(by_role)
    return table


READERS = dict(manager_a=200, manager_b=200, officer=200, executive=200)
RISK_READERS = dict(READERS, audit=200)  # the audit committee also reads figures and their history
OFFICER_ONLY = outcome(403, officer=200)
OFFICER_POST = outcome(403, officer=302)

# name -> (method, path, expected status by role)
MATRIX = {
    "root": ("get", "/", outcome(302)),
    "home": ("get", "/home/", outcome(200)),
    "login": ("get", "/login/", outcome(302, anonymous=200)),
    "logout": ("post", "/logout/", outcome(302)),
    "periods:list": ("get", "/periods/", OFFICER_ONLY),
    "periods:open_next": ("post", "/periods/open-next/", OFFICER_POST),
    "periods:lock": ("get", "/periods/{open}/lock/", OFFICER_ONLY),
    "periods:deadlines": ("get", "/periods/{open}/deadlines/", OFFICER_ONLY),
    "tasks:overview": ("get", "/tasks/", OFFICER_ONLY),
    "tasks:export": ("get", "/tasks/export.csv", OFFICER_ONLY),
    "periods:reopen": ("get", "/periods/{open}/reopen/", OFFICER_ONLY),
    "audit:trail": ("get", "/audit/", outcome(403, officer=200, audit=200)),
    "audit:export": ("get", "/audit/export.csv", outcome(403, officer=200, audit=200)),
    "imports:index": ("get", "/imports/", OFFICER_ONLY),
    "imports:upload": ("get", "/imports/actuals/", OFFICER_ONLY),
    "imports:template": ("get", "/imports/actuals/template.csv", OFFICER_ONLY),
    "imports:confirm": ("post", "/imports/actuals/999/confirm/", outcome(403, officer=404)),
    "kpis:dashboard": ("get", "/performance/", outcome(403, **RISK_READERS)),
    "kpis:area_dashboard": ("get", "/performance/service-areas/{area_a}/",
                            outcome(403, manager_a=302, manager_b=302, officer=302, executive=302, audit=302)),
    "kpis:indicator": ("get", "/performance/indicators/DPE007/", outcome(403, **RISK_READERS)),
    "kpis:entry_start": ("get", "/performance/entry/", outcome(403, manager_a=302, manager_b=302, officer=200)),
    "kpis:entry": ("get", "/performance/entry/2019-20-Q1/{area_a}/", outcome(403, manager_a=200, officer=200)),
    "kpis:submissions": ("get", "/performance/submissions/2019-20-Q1/", OFFICER_ONLY),
    "kpis:sign_off": ("post", "/performance/submissions/2019-20-Q1/sign-off/", OFFICER_POST),
    "kpis:status_override": ("get", "/performance/submissions/2019-20-Q1/DPE007/status/", outcome(403, officer=200)),
    "kpis:send_back": ("get", "/performance/submissions/2019-20-Q1/DPE007/send-back/", outcome(403, officer=200)),
    "kpis:manage": ("get", "/performance/manage/", OFFICER_ONLY),
    "kpis:indicator_new": ("get", "/performance/manage/new/", OFFICER_ONLY),
    "kpis:indicator_edit": ("get", "/performance/manage/DPE007/edit/", OFFICER_ONLY),
    "kpis:targets": ("get", "/performance/manage/DPE007/targets/", OFFICER_ONLY),
    "kpis:export_indicators": ("get", "/performance/export/indicators.csv", outcome(403, **RISK_READERS)),
    "kpis:export_report": ("get", "/performance/report/2019-20-Q1.xlsx", outcome(403, **RISK_READERS)),
    "risks:register": ("get", "/risks/", outcome(403, **RISK_READERS)),
    "risks:heatmap": ("get", "/risks/heat-map/", outcome(403, **RISK_READERS)),
    "risks:summary": ("get", "/risks/summary/", outcome(403, **RISK_READERS)),
    "risks:export": ("get", "/risks/export.pdf", outcome(403, officer=200, executive=200, audit=200)),
    "risks:schemes": ("get", "/risks/schemes/", OFFICER_ONLY),
    "risks:appetite": ("get", "/risks/appetite/", outcome(403, **RISK_READERS)),
    "risks:deep_dives": ("get", "/risks/deep-dives/", outcome(403, **RISK_READERS)),
    # Internal-audit recommendations: every reader of the registers opens the list (a service manager sees their
    # areas' ones); one linked to CRR9 (area A) is read by all but area B's manager, and changed by the officer
    # and area A's manager (its agreed action, status and revised due date).
    "risks:audit_actions": ("get", "/risks/audit-actions/", outcome(403, **RISK_READERS)),
    "risks:audit_action_new": ("get", "/risks/audit-actions/new/", OFFICER_ONLY),
    "risks:audit_action": ("get", "/risks/audit-actions/{recommendation}/",
                           outcome(403, manager_a=200, manager_b=404, officer=200, executive=200, audit=200)),
    "risks:assurance_map": ("get", "/risks/assurance/", outcome(403, **RISK_READERS)),
    "risks:assurance_export": ("get", "/risks/assurance/export.csv",
                               outcome(403, officer=200, executive=200, audit=200)),
    "risks:audit_actions_export": ("get", "/risks/audit-actions/export.csv", outcome(403, **RISK_READERS)),
    "risks:appetite_new": ("get", "/risks/appetite/new/", OFFICER_ONLY),
    "risks:appetite_edit": ("get", "/risks/appetite/1/", OFFICER_ONLY),
    "risks:new": ("get", "/risks/new/", OFFICER_ONLY),
    "risks:risk": ("get", "/risks/CRR9/", outcome(404, manager_a=200, officer=200, executive=200, audit=200)),
    "risks:edit": ("get", "/risks/CRR9/edit/", OFFICER_ONLY),
    "risks:review": ("get", "/risks/CRR9/review/2019-20-Q1/",
                     outcome(404, manager_a=200, officer=200, executive=403, audit=403)),
    "risks:move": ("post", "/risks/CRR9/move/down/", OFFICER_POST),
    "risks:status": ("post", "/risks/CRR9/status/closed/", OFFICER_POST),
    "risks:indicators": ("post", "/risks/CRR9/indicators/",
                         outcome(404, officer=302, executive=403, audit=403, manager_a=403)),
    # A risk's controls: read by all who read the risk, changed by whoever reviews it (in an open quarter).
    "risks:controls": ("get", "/risks/CRR9/controls/2019-20-Q1/",
                       outcome(404, manager_a=200, officer=200, executive=200, audit=200)),
    "risks:control_add": ("get", "/risks/CRR9/controls/2019-20-Q1/add/",
                          outcome(404, manager_a=200, officer=200, executive=403, audit=403)),
    "risks:control_edit": ("get", "/risks/CRR9/controls/2019-20-Q1/999999/",
                           outcome(404, executive=403, audit=403)),
    # Acceptance outside appetite: read by all who read the risk; given by the second line (a POST: the officer).
    "risks:accept": ("get", "/risks/CRR9/accept/", outcome(404, manager_a=200, officer=200, executive=200, audit=200)),
    "risks:action_add": ("post", "/risks/CRR9/actions/",
                         outcome(404, manager_a=302, officer=302, executive=403, audit=403)),
    # The audit committee's pack holds the placements report in full: it may open the page too.
    "placements:report": ("get", "/placements/", outcome(403, **READERS, audit=200)),
    "placements:report_export": ("get", "/placements/report.xlsx", outcome(403, **READERS, audit=200)),
    "placements:entry_start": ("get", "/placements/entry/", outcome(403, manager_a=302, officer=302)),
    "placements:entry": ("get", "/placements/entry/2019-20-Q1/", outcome(403, manager_a=200, officer=200)),
    "packs:list": ("get", "/packs/", outcome(403, officer=200, executive=200, audit=200)),
    "packs:download": ("get", "/packs/{pack}/part-a.pdf", outcome(403, officer=200, executive=200, audit=200)),
    "packs:covering": ("get", "/packs/covering/", OFFICER_ONLY),
    # The admin is for performance officers (by role) and superusers; others are sent to sign in as one.
    "admin:index": ("get", "/admin/", outcome(302, officer=200)),
    # Accounts: every signed-in user has one; resetting a forgotten password needs no sign-in.
    "account:index": ("get", "/account/", outcome(200)),
    "password_change": ("get", "/account/password/", outcome(200)),
    "password_change_done": ("get", "/account/password/changed/", outcome(200)),
    "password_reset": ("get", "/account/reset/", outcome(200, anonymous=200)),
    "password_reset_done": ("get", "/account/reset/sent/", outcome(200, anonymous=200)),
    "password_reset_confirm": ("get", "/account/reset/MQ/not-a-token/", outcome(200, anonymous=200)),
    "password_reset_complete": ("get", "/account/reset/done/", outcome(200, anonymous=200)),
    "account:keep_alive": ("post", "/account/keep-alive/", outcome(204)),
    # Single sign-on is off here (no OIDC_ISSUER): its start and callback go to the sign-in page, linking is
    # not found (tests/sso/ with a provider running).
    "sso:start": ("get", "/oidc/authenticate/", outcome(302)),
    "sso:callback": ("get", "/oidc/callback/", outcome(302)),
    "sso:link": ("post", "/oidc/link/", outcome(404)),
    "account:timed_out": ("post", "/account/timed-out/", outcome(302)),
    # The read API (api/): what the pages show each role; not signed in and no token is a 401, not a redirect.
    "api:indicators": ("get", "/api/v1/indicators/", outcome(403, **RISK_READERS, anonymous=401)),
    "api:targets": ("get", "/api/v1/targets/", outcome(403, **RISK_READERS, anonymous=401)),
    "api:benchmarks": ("get", "/api/v1/benchmarks/", outcome(403, **RISK_READERS, anonymous=401)),
    "api:figures": ("get", "/api/v1/figures/", outcome(403, **RISK_READERS, anonymous=401)),
    "api:risks": ("get", "/api/v1/risks/", outcome(403, **RISK_READERS, anonymous=401)),
    "api:controls": ("get", "/api/v1/controls/", outcome(403, **RISK_READERS, anonymous=401)),
    "api:audit_actions": ("get", "/api/v1/audit-actions/", outcome(403, **RISK_READERS, anonymous=401)),
    "api:placements": ("get", "/api/v1/placements/", outcome(403, **READERS, audit=200, anonymous=401)),
    "api:programmes": ("get", "/api/v1/programmes/", outcome(403, **READERS, audit=200, anonymous=401)),
    "api:savings": ("get", "/api/v1/savings/", outcome(403, **READERS, audit=200, anonymous=401)),
    "api:schema": ("get", "/api/v1/schema/", outcome(200, anonymous=401)),
    "api:docs": ("get", "/api/v1/docs/", outcome(200)),
    # Programmes: every role reads; the owning area's managers and the performance team enter; sign-off and
    # send-back are the performance team's.
    "programmes:list": ("get", "/programmes/", outcome(403, **READERS, audit=200)),
    "programmes:detail": ("get", "/programmes/{programme}/", outcome(403, **READERS, audit=200)),
    "programmes:closure": ("get", "/programmes/{programme}/closure/", outcome(403, **READERS, audit=200)),
    "programmes:closure_download": ("get", "/programmes/{programme}/closure.xlsx",
                                    outcome(403, **READERS, audit=200)),
    "programmes:highlight": ("get", "/programmes/{programme}/2019-20-Q1/", outcome(403, **READERS, audit=200)),
    "programmes:highlight_download": ("get", "/programmes/{programme}/2019-20-Q1/highlight.xlsx",
                                      outcome(403, **READERS, audit=200)),
    "programmes:assess": ("get", "/programmes/{programme}/2019-20-Q1/assess/",
                          outcome(403, manager_a=200, officer=200)),
    "programmes:savings": ("get", "/programmes/{programme}/2019-20-Q1/savings/",
                           outcome(403, manager_a=200, officer=200)),
    "programmes:sign_off": ("post", "/programmes/{programme}/2019-20-Q1/sign-off/", OFFICER_POST),
    "programmes:send_back": ("post", "/programmes/{programme}/2019-20-Q1/send-back/1/",
                             outcome(403, officer=302)),
    # API tokens: every role holds its own (a token acts as its owner); revoking another's is a 404.
    "api:tokens": ("get", "/api/tokens/", outcome(403, **RISK_READERS)),
    "api:token_revoke": ("post", "/api/tokens/999999/revoke/",
                         outcome(403, manager_a=404, manager_b=404, officer=404, executive=404, audit=404)),
}


def test_every_url_has_a_row():
    assert {name for name, _ in walk()} == set(MATRIX)


@pytest.fixture
def data(area_a, area_b, open_quarter, locked_quarter, directorate):
    indicator = Indicator.objects.create(code="DPE007", title="Pathway plans", service_area=area_a,
                                         polarity="higher", unit="percent")
    Target.objects.create(indicator=indicator, period=ReportingPeriod.for_label("2019/20"), value=Decimal(90))
    Actual.objects.create(indicator=indicator, period=open_quarter, value=Decimal(91), state="submitted")
    risk = Risk.objects.create(reference="CRR9", title="Safeguarding", directorate=directorate, service_area=area_a,
                               register="corporate")
    RiskReview.objects.create(risk=risk, period=locked_quarter, likelihood=2, impact=7, tolerance_likelihood=1,
                              tolerance_impact=7)
    heading = PlacementHeading.objects.create(name="Foster Care")
    category = PlacementCategory.objects.create(heading=heading, name="In-house", provision="in_house")
    PlacementSnapshot.objects.create(period=locked_quarter, category=category, children=3,
                                     average_weekly_cost=Decimal(300))
    from packs.models import Committee, Pack

    pack = Pack.objects.create(
        committee=Committee.objects.first(), quarter=locked_quarter, meeting_date=locked_quarter.end, version=1,
        issued_by_name="x", issued_at=timezone.now(), data_version="", contents={}, part_a_pdf=b"%PDF",
        part_b_pdf=b"%PDF", part_a_docx=b"PK", part_b_docx=b"PK", sha256={})
    from risks.models import AuditRecommendation

    recommendation = AuditRecommendation.objects.create(source="Internal audit 2018/19", recommendation="Check costs")
    recommendation.risks.set([risk])
    from programmes.models import Objective, Programme

    programme = Programme.objects.create(name="Strengthening Families", directorate=directorate, service_area=area_a)
    Objective.objects.create(programme=programme, number=1, objective="Fewer children in care")
    return {"open": open_quarter.pk, "area_a": area_a.pk, "pack": pack.pk, "recommendation": recommendation.pk,
            "programme": programme.pk}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(MATRIX))
def test_permission_matrix(request, data, name, role):
    method, path, expected = MATRIX[name]
    client = request.getfixturevalue(role)
    url = path.format(**data)
    body = {"a-description": "Chase", "a-status": "open"} if name == "risks:action_add" else {}
    response = getattr(client, method)(url, body) if method == "post" else client.get(url)
    assert response.status_code == expected[role], f"{role} {method.upper()} {url}"
    if role == "anonymous" and expected[role] == 302 and name not in ("root", "logout"):
        assert response.url.startswith(("/login/", "/admin/login/"))
