from django.core.management.base import BaseCommand, CommandError

from comments.notifications import send_waiting


class Command(BaseCommand):
    help = (
        "Email moderators one digest of the comments waiting that they have not been told "
        "about, now. The scheduler (manage.py run_scheduler) runs it every "
        "COMMENTS_DIGEST_MINUTES; this command is for running it by hand."
    )

    def handle(self, *args, **options):
        try:
            sent = send_waiting()
        except Exception as error:
            raise CommandError(f"Could not send the digest: {error}") from error
        self.stdout.write(f"Announced {sent} waiting comment{'s' if sent != 1 else ''}.")
