from datetime import date

from django.core.management.base import BaseCommand, CommandError

from organisation import chasing, clock, parsing


class Command(BaseCommand):
    help = ("Send the day's reminders and chasers (shared/formats.md, send_reminders): one email digest per "
            "person, never the same message twice. For cron or a systemd timer; --dry-run prints who would get "
            "what and sends nothing.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="print who would get what; send nothing")
        parser.add_argument("--today", help="the day to act as, YYYY-MM-DD (default: today)")

    def handle(self, *args, dry_run, today, **options):
        try:
            day = date.fromisoformat(today) if today is not None else clock.today()
        except ValueError:
            raise CommandError(f'--today "{today}" is not a date: write it as YYYY-MM-DD') from None
        try:
            # Reminders look weeks ahead and behind: a day past the periods' horizon has no quarter to chase.
            parsing.check_date(day, what="--today date", today=clock.today())
        except parsing.InvalidValue as exc:
            raise CommandError(str(exc)[0].upper() + str(exc)[1:]) from None
        found = chasing.plan(day)
        messages = sum(len(d.messages) for d in found.digests)
        self.stdout.write(f"{day:%A} {day.day} {day:%B %Y}: {found.tasks} outstanding task{'s' if found.tasks != 1 else ''}; "
                          f"{messages} message{'s' if messages != 1 else ''} for "
                          f"{len(found.digests)} {'person' if len(found.digests) == 1 else 'people'}"
                          + (" (dry run: nothing sent)" if dry_run else ""))
        for digest in found.digests:
            self.stdout.write(f"To {digest.person.name} <{digest.person.email}>:")
            for step, items in digest.by_step():
                for message in items:
                    self.stdout.write(f"  {step.value:<8} {message.task.title} (due {message.task.due:%d/%m/%Y})"
                                      + (f" [{message.task.area}]" if message.task.area else ""))
        for name in found.cannot:
            self.stdout.write(f"Cannot be told: {name}")
        if dry_run:
            return
        sent, failures = chasing.send(found)
        self.stdout.write(f"Sent {sent} digest{'s' if sent != 1 else ''}.")
        for failure in failures:
            self.stderr.write(failure)
        if failures:
            raise CommandError(f"{len(failures)} digest{'s' if len(failures) != 1 else ''} could not be sent; "
                               "they will be tried again on the next run")
