"""The pages the benchmark requests, and the timed import/export jobs."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from organisation import roles
from organisation.models import Directorate, ReportingPeriod, ServiceArea


def bench_users(password: str) -> dict[str, str]:
    User = get_user_model()
    executive, _ = User.objects.get_or_create(username="bench.executive", defaults={"first_name": "Bench"})
    executive.set_password(password)
    executive.save()
    executive.groups.add(Group.objects.get(name=roles.EXECUTIVE))
    area = ServiceArea.objects.filter(managers__isnull=False, indicators__isnull=False).order_by("pk").first()
    manager = area.managers.order_by("pk").first()
    manager.set_password(password)
    manager.save()
    return {"executive": executive.username, "manager": manager.username}


def pages() -> list[tuple[str, str, str]]:
    from kpis.models import Indicator

    quarter = ReportingPeriod.objects.latest_quarter()
    directorate = Directorate.objects.order_by("pk").first()
    area = ServiceArea.objects.filter(managers__isnull=False, indicators__isnull=False).order_by("pk").first()
    indicator = Indicator.objects.filter(service_area=area).order_by("code").first()
    q = quarter.slug
    return [
        ("Login page (floor)", "anonymous", "/login/"),
        ("Home", "executive", "/home/"),
        ("Directorate dashboard", "executive", f"/performance/?period={q}&directorate={directorate.pk}"),
        ("Performance report (XLSX)", "executive", f"/performance/report/{q}.xlsx"),
        ("Indicator page", "executive", f"/performance/indicators/{indicator.code}/"),
        ("Entry form", "manager", f"/performance/entry/{q}/{area.pk}/"),
        ("Risk register", "executive", f"/risks/?period={q}"),
        ("Heat map", "executive", f"/risks/heat-map/?period={q}"),
        ("Risk summary", "executive", f"/risks/summary/?period={q}"),
        ("Placements report", "executive", "/placements/"),
        ("Risk register XLSX", "executive", f"/risks/export.xlsx?period={q}"),
        ("Risk register PDF (one directorate)", "executive", f"/risks/export.pdf?period={q}&directorate={directorate.pk}"),
    ]


def timed_jobs() -> list[str]:
    """Import 10,000 actual rows (dry run, then confirm) and export the whole register.

    Locked quarters refuse figures, so the rows go to the open quarter and the quarters after it (created by
    the import, as formats.md says); the confirmed import is rolled back afterwards, so the benchmark leaves
    the database as it found it (no empty future quarter for the next run's pages to open on)."""
    from django.db import transaction

    from kpis.models import Indicator
    from organisation import interchange
    from organisation.periods import Period
    from risks import committee, queries

    indicators = list(Indicator.objects.filter(frequency="quarterly").order_by("code").values_list("code",
                                                                                                     flat=True))
    latest = ReportingPeriod.objects.quarters().order_by("-year", "-quarter").first()
    first = ReportingPeriod.objects.quarters().filter(state=ReportingPeriod.State.OPEN).order_by(
        "year", "quarter").first() or latest
    labels, value = [], first.value if first else Period(2020, 1)
    if first is not None and first.is_locked:
        value = value.next()
    per_quarter = max(1, len(indicators))
    for _ in range(-(-10000 // per_quarter)):
        labels.append(value.label)
        value = value.next()
    lines = ["code,period,value,numerator,denominator,commentary"]
    shift = random.randint(1, 10**6)  # new values each run, so the import really updates
    for label in labels:
        for code in indicators:
            if len(lines) > 10000:
                break
            hundredths = 500 + (len(lines) * 7 + shift) % 9000  # 5.00 to 94.99
            lines.append(f"{code},{label},{hundredths // 100}.{hundredths % 100:02d},,,bench")
    content = ("\n".join(lines) + "\n").encode()
    out = [f"Import of {len(lines) - 1} actual rows ({labels[0]} to {labels[-1]}):"]
    for dry_run in (True, False):
        started = time.perf_counter()
        with transaction.atomic():
            report = interchange.import_file("actuals", "bench.csv", content, dry_run=dry_run)
            elapsed = time.perf_counter() - started
            transaction.set_rollback(True)  # measured, then undone
        out.append(f"  {'dry run' if dry_run else 'confirm'}: {elapsed:.1f} s ({report.summary()})")
    quarter = queries.default_quarter()
    found = queries.register(None, quarter)
    lines = committee.lines(found)
    started = time.perf_counter()
    committee.xlsx(lines, quarter_label=quarter.label, public=True, scope="All registers")
    xlsx = time.perf_counter() - started
    from django.conf import settings

    scope, pdf_lines, scheme = "All registers", lines, found.scheme
    if len(lines) > settings.REGISTER_PDF_MAX_RISKS:
        # As the download does past REGISTER_PDF_MAX_RISKS (a committee paper): one directorate's registers.
        directorate = Directorate.objects.order_by("pk").first()
        one = queries.register(None, quarter, directorate_id=directorate.pk)
        scope, pdf_lines, scheme = directorate.name, committee.lines(one), one.scheme
    started = time.perf_counter()
    committee.pdf(pdf_lines, scheme, quarter_label=quarter.label, public=True, scope=scope)
    pdf_seconds = time.perf_counter() - started
    out.append(f"Export of the corporate and directorate registers ({len(lines)} risks): XLSX {xlsx:.2f} s; "
               f"PDF of {scope} ({len(pdf_lines)} risks) {pdf_seconds:.2f} s")
    out += pack_timings()
    return out


def pack_timings() -> list[str]:
    """The committee pack of the last locked quarter for one directorate, as PDF and Word (Part A)."""
    from packs import services as pack_services
    from packs.models import Committee

    quarter = ReportingPeriod.objects.latest_locked()
    directorate = Directorate.objects.order_by("pk").first()
    committee = Committee.objects.filter(active=True).order_by("pk").first()
    if quarter is None or committee is None:
        return ["Committee pack: no locked quarter to make one of"]
    started = time.perf_counter()
    made = pack_services.build(quarter=quarter, committee=committee, meeting_date=quarter.end + timedelta(days=90),
                               directorate=directorate, draft=False)
    gathered = time.perf_counter() - started
    timings = []
    for fmt in ("pdf", "docx"):
        started = time.perf_counter()
        data = pack_services.render(made, "a", fmt)
        timings.append(f"{fmt.upper()} {time.perf_counter() - started + gathered:.1f} s ({len(data) // 1024} KB)")
    return [f"Committee pack, {quarter.label}, {directorate.name} (figures gathered in {gathered:.1f} s): "
            + ", ".join(timings)]
