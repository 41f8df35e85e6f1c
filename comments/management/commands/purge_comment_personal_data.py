from django.core.management.base import BaseCommand, CommandError

from comments.conf import setting
from comments.tasks import purge_personal_data


class Command(BaseCommand):
    help = (
        "Clear the IP addresses and browser strings of comments older than --days days, now. "
        "The scheduler (manage.py run_scheduler) runs this daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Age in days (default COMMENTS_PURGE_DAYS, 90).",
        )

    def handle(self, *args, days=None, **options):
        days = setting("PURGE_DAYS") if days is None else days
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        cleared = purge_personal_data.call(days)
        self.stdout.write(
            f"Cleared IP address and browser of {cleared} comment{'s' if cleared != 1 else ''} "
            f"older than {days} days."
        )
