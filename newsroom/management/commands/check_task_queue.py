from django.core.management.base import BaseCommand, CommandError
from django.db.models import Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max


def oldest_due(now=None):
    """When the longest-waiting job that is due to run became due (None: no job is due)."""
    ready = DBTaskResult.objects.ready()
    never_deferred = get_date_max()  # the run_after of a job enqueued to run at once
    times = [
        ready.filter(run_after=never_deferred).aggregate(at=Min("enqueued_at"))["at"],
        ready.exclude(run_after=never_deferred).aggregate(at=Min("run_after"))["at"],
    ]
    times = [at for at in times if at is not None]
    return min(times, default=None)


class Command(BaseCommand):
    help = (
        "Exit non-zero when the database cannot be read or a job due to run has waited "
        "longer than --max-wait seconds: no worker is taking jobs. The compose health check "
        "of the worker runs it; the scheduler enqueues jobs every period, so a stopped "
        "worker is found even when nobody comments."
    )

    def add_arguments(self, parser):
        parser.add_argument("--max-wait", type=int, default=300, help="Seconds (default 300).")

    def handle(self, *args, max_wait=300, **options):
        due = oldest_due()
        if due is None:
            return
        waited = (timezone.now() - due).total_seconds()
        if waited > max_wait:
            raise CommandError(f"The oldest due job has waited {waited:.0f} s: is a worker up?")
