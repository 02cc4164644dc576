from django.core.management.base import BaseCommand, CommandError

from organisation import audit_chain


class Command(BaseCommand):
    help = ("Check the audit trail's chain (organisation/audit_chain.py) end to end: every entry in its place and "
            "matching its digest, no entry missing, added around the app or changed, the trail reaching its head, "
            "and a lock entry for every locked quarter. Exits 1 and lists each break if there is one.")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=50, help="list at most this many breaks (default 50)")

    def handle(self, *args, limit, **options):
        verdict = audit_chain.verify(limit=max(1, limit))
        if verdict.ok:
            self.stdout.write(f"The audit trail is whole: {verdict.entries:,} entries, each chained to the last.")
            return
        for problem in verdict.problems:
            self.stderr.write(problem)
        raise CommandError(f"The audit trail is broken ({verdict.entries:,} chained entries checked): "
                           "see above. Restore the database from a backup made before the break, and find out "
                           "who had write access to it.")
