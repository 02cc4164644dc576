from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from organisation import judgements


class Command(BaseCommand):
    help = ("Write the stored judgements of every open quarter again from today's figures, targets, reviews and "
            "definitions (after a raw database change, say); with --check, only compare them, and exit non-zero "
            "if any differs from what the rules give (open quarters) or from what was signed off (locked ones).")

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="compare only; change nothing")

    def handle(self, *args, check, **options):
        if check:
            differences = judgements.check()
            for line in differences[:200]:
                self.stdout.write(str(line))
            if differences:
                raise CommandError(f"{len(differences)} stored judgement{'s differ' if len(differences) != 1 else ' differs'}"
                                   " from the rules: run `manage.py rejudge` to write them again")
            self.stdout.write("The stored judgements agree with the rules.")
            return
        with transaction.atomic():
            written = judgements.refresh()
        self.stdout.write("; ".join(f"{name}: {count} stored judgements written" for name, count in written.items()))
