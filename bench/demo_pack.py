"""Time the demo quarter's committee pack: `python -m bench.demo_pack`.

On a throw-away SQLite database: migrate, load the demo data, sign off and lock 2019/20 Q1 as the
performance officer would, then time the pack as issued (figures gathered, then Part A and Part B as
PDF and as Word). `make bench` runs it after the pages.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    folder = tempfile.mkdtemp(prefix="bench-pack-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/demo.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)
    from organisation import demo
    from organisation import services as organisation_services
    from organisation.models import ReportingPeriod
    from packs import services
    from packs.models import Committee

    demo.load_data()
    quarter = ReportingPeriod.for_label(demo.OPEN_QUARTER)
    organisation_services.period_lock(user=None, period=quarter, sign_off_submitted=True)
    quarter = ReportingPeriod.objects.get(pk=quarter.pk)
    committee = Committee.objects.get(name="People Scrutiny Commission")
    started = time.perf_counter()
    made = services.build(quarter=quarter, committee=committee, meeting_date=date(2019, 10, 14), directorate=None,
                          draft=False)
    gathered = time.perf_counter() - started
    timings = []
    for fmt in ("pdf", "docx"):
        for part in ("a", "b"):
            started = time.perf_counter()
            data = services.render(made, part, fmt)
            timings.append(f"{fmt.upper()} Part {part.upper()} {time.perf_counter() - started:.2f} s "
                           f"({len(data) // 1024} KB)")
    print(f"Demo committee pack, {quarter.label}, all directorates: figures gathered in {gathered:.2f} s; "
          + ", ".join(timings))


if __name__ == "__main__":
    main()
