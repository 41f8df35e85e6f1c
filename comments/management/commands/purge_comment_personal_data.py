from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from comments.conf import setting
from comments.models import Comment


class Command(BaseCommand):
    help = "Clear the IP addresses and browser strings of comments older than --days days."

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
        cutoff = timezone.now() - timezone.timedelta(days=days)
        cleared = (
            Comment.objects.filter(created__lt=cutoff)
            .exclude(ip_address=None, user_agent="")
            .update(ip_address=None, user_agent="")
        )
        self.stdout.write(
            f"Cleared IP address and browser of {cleared} comment{'s' if cleared != 1 else ''} "
            f"older than {days} days."
        )
