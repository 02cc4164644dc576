import sys

from django.core.management.base import BaseCommand, CommandError

from organisation import interchange, routing
from organisation.periods import PeriodError, parse


class Command(BaseCommand):
    help = "Export one kind of data as CSV (default), XLSX or JSON, in the formats of shared/formats.md."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="a kind of data: indicators, targets, actuals, risks, controls, audit-actions, placements, kpi-report, placements-report, audit-trail, ... (a wrong kind lists them)")
        parser.add_argument("--period", help='a quarter such as "2019/20 Q1" or a year such as "2019/20"')
        parser.add_argument("--format", default="csv", choices=interchange.FORMATS)
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, kind, period, format, output, **options):
        if kind not in interchange.kind_names():
            raise CommandError(f'"{kind}" is not a kind; choose one of: {", ".join(interchange.kind_names())}')
        if period:
            try:
                period = parse(period).label
            except PeriodError as exc:
                raise CommandError(str(exc)) from None
        try:
            with routing.reading_replica():  # an export only reads: from the replica, when there is one
                dataset = interchange.export_dataset(kind, period=period)
        except (ValueError, LookupError) as exc:
            raise CommandError(str(exc)) from None
        data = interchange.write(dataset, format, title=kind)
        if output:
            with open(output, "wb") as handle:
                handle.write(data)
        elif format == "xlsx":
            if sys.stdout.isatty():
                raise CommandError("XLSX is binary: give --output FILE")
            sys.stdout.buffer.write(data)
        else:
            self.stdout.write(data.decode("utf-8"), ending="")
