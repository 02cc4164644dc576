from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from organisation import interchange


class Command(BaseCommand):
    help = "Import a CSV or XLSX file of one kind (all rows or none), as the web import page does."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="a kind of data: indicators, targets, actuals, risks, controls, audit-actions, placements, ... (the full list: shared/formats.md, or a wrong kind lists them)")
        parser.add_argument("file", help="path to a .csv or .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="check and report, but save nothing")
        parser.add_argument("--neighbours", metavar="FILE",
                            help="lait only: DfE's statistical neighbours file (ten neighbours per council)")

    def handle(self, *args, kind, file, dry_run, neighbours=None, **options):
        if kind not in interchange.kind_names(importable=True):
            raise CommandError(
                f'"{kind}" cannot be imported; choose one of: {", ".join(interchange.kind_names(importable=True))}'
            )
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        extra = {}
        for name, given in (("neighbours", neighbours),):
            if given is None:
                continue
            if name not in interchange.get_kind(kind).options:
                raise CommandError(f"--{name} is for the kinds that read it ({', '.join(k.name for k in interchange.kinds() if name in k.options)}), not {kind}")
            other = Path(given)
            if not other.is_file():
                raise CommandError(f"{given}: no such file")
            extra[name] = (other.name, other.read_bytes())
        report = interchange.import_file(kind, path.name, path.read_bytes(), dry_run=dry_run, extra=extra)
        for note in report.notes:
            self.stdout.write(f"note: {note}")
        for warning in report.warnings:
            self.stdout.write(f"warning: {warning}")
        for error in report.errors:
            self.stderr.write(f"error: {error}")
        if report.more_errors:
            self.stderr.write(f"error: and {report.more_errors} more error{'s' if report.more_errors != 1 else ''}")
        prefix = "dry run: " if dry_run else ""
        self.stdout.write(f"{prefix}{kind}: {report.summary()}")
        if report.errors:
            raise CommandError(f"{report.error_count} error(s); nothing was saved")
