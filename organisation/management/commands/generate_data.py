import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from organisation import synthetic


class Command(BaseCommand):
    help = "Generate a deterministic synthetic council (for load tests and `make bench`). Idempotent per unit."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="units of one directorate each (10: a county)")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, scale, seed, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more")
        own = synthetic.own_directorates()
        if own:
            raise CommandError(f"This database holds a council's own directorates ({', '.join(own[:3])}"
                               f"{'...' if len(own) > 3 else ''}): generate_data adds a synthetic council only to "
                               "an empty database or one it made. Nothing was generated.")
        started = time.perf_counter()
        created = synthetic.generate(scale, seed)
        # Bulk loads leave the planner's statistics stale until autovacuum gets round to them;
        # refresh them now so the first queries plan on the real table sizes.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        summary = ", ".join(f"{count} {name}" for name, count in created.items())
        self.stdout.write(f"scale {scale}: created {summary} in {time.perf_counter() - started:.1f} s")
