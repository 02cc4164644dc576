from datetime import date

from django.core.management.base import BaseCommand, CommandError

from organisation import clock
from organisation.models import Directorate, ReportingPeriod
from organisation.periods import PeriodError, parse
from organisation.records import InvalidWrite, RecordError
from packs import services
from packs.models import Committee


class Command(BaseCommand):
    help = ("Write the committee pack of a locked quarter (shared/formats.md, committee_pack): Part A by default, "
            "PDF or Word; with --draft, a quarter not yet locked, marked DRAFT on every page.")

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help='the quarter, such as "2019/20 Q1"')
        parser.add_argument("--committee", help="the committee's name (default: the first active committee)")
        parser.add_argument("--meeting", help="the meeting date, YYYY-MM-DD (default: today)")
        parser.add_argument("--directorate", help="one directorate's name (default: all)")
        parser.add_argument("--part", choices=("a", "b"), default="a",
                            help="a: public (default); b: not for publication")
        parser.add_argument("--format", choices=("pdf", "docx"), default="pdf")
        parser.add_argument("--draft", action="store_true", help="write the pack of a quarter not yet locked")
        parser.add_argument("--programme", action="append", default=[], metavar="NAME",
                            help="append this programme's highlight report of the quarter (repeat for more)")
        parser.add_argument("--output", required=True, help="the file to write")

    def handle(self, *args, period, committee, meeting, directorate, part, format, draft, output, programme=(),
               **options):
        try:
            value = parse(period)
        except PeriodError as exc:
            raise CommandError(str(exc)) from None
        if value.is_year:
            raise CommandError(f'a pack is for a quarter: give one such as "{value.label} Q1"')
        quarter = ReportingPeriod.objects.filter(year=value.year, quarter=value.quarter).first()
        if quarter is None:
            raise CommandError(f"There is no {value.label}")
        if not quarter.is_locked and not draft:
            raise CommandError(f"{quarter.label} is not locked: lock it first, or give --draft for a draft "
                               "(marked DRAFT on every page)")
        chosen = (Committee.objects.filter(name__iexact=committee).first() if committee
                  else Committee.objects.filter(active=True).first())
        if chosen is None:
            names = ", ".join(Committee.objects.values_list("name", flat=True))
            raise CommandError(f'No committee is called "{committee}"; the committees are: {names}')
        scope = None
        if directorate:
            scope = Directorate.objects.filter(name__iexact=directorate).first()
            if scope is None:
                raise CommandError(f'No directorate is called "{directorate}"')
        programmes = []
        if programme:
            from programmes.models import Programme

            for name in programme:
                found = Programme.objects.filter(name__iexact=name.strip()).first()
                if found is None:
                    names = ", ".join(Programme.objects.values_list("name", flat=True)) or "none"
                    raise CommandError(f'No programme is called "{name}"; the programmes are: {names}')
                programmes.append(found)
        try:
            meeting_date = date.fromisoformat(meeting) if meeting else clock.today()
        except ValueError:
            raise CommandError(f'"{meeting}" is not a date: write it as YYYY-MM-DD') from None
        try:
            services.check_meeting(meeting_date, quarter)
        except InvalidWrite as exc:
            raise CommandError(f"--meeting: {exc.errors['meeting_date']}") from None
        try:
            made = services.build(quarter=quarter, committee=chosen, meeting_date=meeting_date, directorate=scope,
                                  draft=not quarter.is_locked, programmes=programmes)
            data = services.render(made, part, format)
        except RecordError as exc:
            raise CommandError(exc.message) from None
        try:
            with open(output, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise CommandError(f"{output}: cannot write the file ({exc.strerror})") from None
        self.stdout.write(f"{output}: {chosen.name}, {meeting_date.day} {meeting_date:%B %Y}, {quarter.label}, "
                          f"{'Part A' if part == 'a' else 'Part B'} ({format}, {len(data) // 1024} KB)"
                          + (" - DRAFT" if made.meta.draft else ""))
