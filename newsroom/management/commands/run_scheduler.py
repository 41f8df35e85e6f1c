import time
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from newsroom.scheduler import enqueue_due, next_due

# Wake at least this often, so the heartbeat file stays fresh for the health check.
HEARTBEAT_SECONDS = 30


class Command(BaseCommand):
    help = (
        "Enqueue the periodic jobs (comment digest, personal-data purge) when their period "
        "comes, for `db_worker` to run. Safe to run twice: each period is enqueued once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--heartbeat",
            default="",
            help="File touched on every wake-up; the compose health check reads its age.",
        )
        parser.add_argument("--once", action="store_true", help="Enqueue what is due, then exit.")

    def handle(self, *args, heartbeat="", once=False, **options):
        while True:
            for name in enqueue_due():
                self.stdout.write(f"Enqueued {name}.")
            if heartbeat:
                Path(heartbeat).touch()
            if once:
                return
            wait = (next_due() - timezone.now()).total_seconds()
            time.sleep(min(max(wait, 0.5), HEARTBEAT_SECONDS))
