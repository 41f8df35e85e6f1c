from django.core.management.base import BaseCommand

from comments.notifications import send_waiting


class Command(BaseCommand):
    help = (
        "Email moderators one digest of the comments waiting that they have not been told about. "
        "Run it from cron (e.g. hourly) when COMMENTS_NOTIFY=digest; it also retries mail that "
        "failed in immediate mode."
    )

    def handle(self, *args, **options):
        sent = send_waiting()
        self.stdout.write(f"Announced {sent} waiting comment{'s' if sent != 1 else ''}.")
