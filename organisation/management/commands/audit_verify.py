from django.core.management.base import BaseCommand, CommandError

from organisation import audit_chain


class Command(BaseCommand):
    help = ("Check the audit trail's chain (organisation/audit_chain.py) end to end: every entry in its place and "
            "matching its digest, no entry missing, added around the app or changed, the trail reaching its head, "
            "and a lock entry for every locked quarter. Exits 1 and lists each break if there is one.")

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=50, help="list at most this many breaks (default 50)")
        parser.add_argument("--at-least", type=int, default=0, metavar="N",
                            help="the entry the trail was known to reach (the head printed by an earlier run, kept "
                                 "outside the database): a trail that now ends before it was cut")

    def handle(self, *args, limit, at_least, **options):
        verdict = audit_chain.verify(limit=max(1, limit), at_least=max(0, at_least))
        if verdict.ok:
            seq, digest = verdict.head
            self.stdout.write(f"The audit trail is whole: {verdict.entries:,} entries, each chained to the last. "
                              f"Head: entry {seq}, {digest[:16]} (keep it outside the database and check later with "
                              f"--at-least {seq}).")
            return
        for problem in verdict.problems:
            self.stderr.write(problem)
        raise CommandError(f"The audit trail is broken ({verdict.entries:,} chained entries checked): "
                           "see above. Restore the database from a backup made before the break, and find out "
                           "who had write access to it.")
