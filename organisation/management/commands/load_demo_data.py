from django.core.management.base import BaseCommand, CommandError

from organisation import demo


class Command(BaseCommand):
    help = "Load the demo data (public figures in demo/) and, with DEBUG on, one demo user per role. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--no-users", action="store_true", help="load the data only")

    def handle(self, *args, no_users, **options):
        try:
            for line in demo.load_data():
                self.stdout.write(line)
            if no_users:
                return
            users = demo.create_users()
        except demo.DemoError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("")
        self.stdout.write(f"Demo users (password for each: {demo.DEMO_PASSWORD}):")
        for user in users:
            areas = f" - {', '.join(user.service_areas)}" if user.service_areas else ""
            areas += f" - head of service, {', '.join(user.head_of)}" if user.head_of else ""
            self.stdout.write(f"  {user.username:<18} {user.role}{areas}")
