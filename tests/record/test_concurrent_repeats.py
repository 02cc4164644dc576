"""A confirm or an issue that arrives several times at once takes effect once (PostgreSQL: three threads,
three connections; SQLite writes one connection at a time)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from kpis.models import Actual
from organisation import roles
from organisation import services as organisation_services
from organisation.models import AuditEvent, PendingImport, ReportingPeriod
from packs.models import Committee, Pack
from tests.conftest import client_for, make_user
from tests.kpis.conftest import make_indicator
from tests.kpis.test_concurrency import _race
from tests.risks.conftest import make_risk, review

pytestmark = [
    pytest.mark.commits,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent connections (PostgreSQL)"),
]


def test_one_import_confirmed_three_times_at_once_is_applied_once(area_a, open_quarter):
    make_indicator(area_a, "DPE007")
    officer = make_user("officer", roles.PERFORMANCE_OFFICER)
    client = client_for(officer)
    upload = SimpleUploadedFile("actuals.csv", b"code,period,value,commentary\nDPE007,2019/20 Q1,75.8,imported\n")
    assert client.post("/imports/actuals/", {"file": upload}).status_code == 200
    pending = PendingImport.objects.get()
    url = f"/imports/actuals/{pending.pk}/confirm/"
    responses = _race([(client_for(officer), url, {}) for _ in range(3)])
    assert [r.status_code for r in responses] == [302, 302, 302]
    assert AuditEvent.objects.filter(action="imported").count() == 1
    actual = Actual.objects.get()
    assert actual.history.count() == 1 and str(actual.value) == "75.8000"
    assert PendingImport.objects.get().confirmed_at is not None


def test_one_pack_issued_three_times_at_once_is_one_version(directorate, area_a, open_quarter):
    review(make_risk("CRR9", directorate, area_a), "2019/20 Q1")
    officer = make_user("officer", roles.PERFORMANCE_OFFICER)
    organisation_services.period_lock(user=officer, period=open_quarter, sign_off_submitted=True)
    quarter = ReportingPeriod.objects.get(pk=open_quarter.pk)
    data = {"quarter": quarter.pk, "committee": Committee.objects.get(name="Audit Committee").pk,
            "meeting_date": "14/10/2019", "directorate": "", "action": "issue"}
    responses = _race([(client_for(officer), "/packs/", data) for _ in range(3)])
    assert sorted(r.status_code for r in responses) == [302, 400, 400]
    refused = [r.content.decode() for r in responses if r.status_code == 400]
    assert all("Version 1 of this pack" in text for text in refused)
    pack = Pack.objects.get()
    assert pack.version == 1 and pack.meeting_date == date(2019, 10, 14)
    assert AuditEvent.objects.filter(action="pack_issued").count() == 1
