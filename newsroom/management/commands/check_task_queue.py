from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max


class Command(BaseCommand):
    help = (
        "Exit non-zero when a job due to run has waited longer than --max-wait seconds: "
        "no worker is taking jobs. The compose health check of the worker runs it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--max-wait", type=int, default=300)

    def handle(self, *args, max_wait=300, **options):
        never_deferred = get_date_max()  # the run_after of a job enqueued to run at once
        ready = DBTaskResult.objects.ready().values_list("enqueued_at", "run_after")
        due = [enqueued if after == never_deferred else after for enqueued, after in ready]
        if not due:
            return
        waited = (timezone.now() - min(due)).total_seconds()
        if waited > max_wait:
            raise CommandError(f"The oldest due job has waited {waited:.0f} s: is a worker up?")
