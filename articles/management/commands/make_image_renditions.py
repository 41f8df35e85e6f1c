"""Ask the worker for what images still lack: their renditions, or crops for their focal point.

Images uploaded before crops existed (or whose jobs gave up) are shown whole until then; run
this once after upgrading. It only enqueues jobs; the worker (manage.py db_worker) does the
encoding. Jobs for images already up to date do nothing.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.images import make_image_renditions
from articles.models import Image
from newsroom.tasks import enqueue_with_transaction


class Command(BaseCommand):
    help = "Enqueue a renditions job for every image whose renditions or crops are missing."

    def handle(self, *args, **options):
        pending = 0
        images = Image.objects.exclude(file="").only(
            "pk", "file", "renditions", "crops", "focal_x", "focal_y", "width", "height"
        )
        with transaction.atomic():
            for image in images.iterator():
                if image.renditions_pending:
                    enqueue_with_transaction(make_image_renditions, image.pk, image.file.name)
                    pending += 1
        self.stdout.write(f"{pending} image(s) sent to the worker.")
