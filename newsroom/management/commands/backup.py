"""`manage.py backup`: one timestamped archive of the database and the media."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsroom import backup


class Command(BaseCommand):
    help = (
        "Write one archive (newsroom-YYYYmmddTHHMMSSZ.tar.gz) holding a consistent dump of "
        "the database and the local media files, into BACKUP_DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir", default=None, help="Where to write (default: the BACKUP_DIR setting)."
        )
        parser.add_argument(
            "--keep-days",
            type=int,
            default=None,
            help="After a good backup, delete archives in that folder older than this many days.",
        )
        parser.add_argument(
            "--no-media", action="store_true", help="The database only, without media files."
        )
        parser.add_argument("--database", default="default", help="The database alias.")

    def handle(self, *args, output_dir, keep_days, no_media, database, **options):
        if keep_days is not None and keep_days < 1:
            raise CommandError("--keep-days must be 1 or more.")
        directory = output_dir or settings.BACKUP_DIR
        try:
            path, manifest, warnings = backup.create_backup(
                directory, using=database, media=not no_media
            )
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        for warning in warnings:
            self.stderr.write(self.style.WARNING(warning))
        tables = manifest["database"]["tables"]
        media = manifest["media"]
        self.stdout.write(
            f"{tables.get('articles_article', 0)} stories, "
            f"{tables.get('comments_comment', 0)} comments, "
            f"{media['files']} media files ({media['bytes']} bytes)."
        )
        if keep_days is not None:
            for old in backup.prune(directory, keep_days, keep={path}):
                self.stdout.write(f"Removed {old}")
        self.stdout.write(self.style.SUCCESS(f"Backup written: {path}"))
