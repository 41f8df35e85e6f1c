"""`manage.py restore FILE`: put a backup's database and media back."""

import tempfile

from django.core.management.base import BaseCommand, CommandError

from newsroom import backup, pagecache


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`: replace the database named by "
        "DATABASE_URL (or --database-url) with the dump and copy its media into MEDIA_ROOT."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The archive, e.g. backups/newsroom-...tar.gz.")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )
        parser.add_argument(
            "--database-url",
            default=None,
            help="Restore into this database instead (e.g. a scratch one, to check a backup).",
        )

    def handle(self, *args, file, interactive, database_url, **options):
        if database_url:
            target = backup.Target.from_url(database_url)
        else:
            target = backup.Target.from_connection()
        with tempfile.TemporaryDirectory(prefix="newsroom-restore-") as work:
            try:
                manifest = backup.open_backup(file, work)
            except backup.BackupError as error:
                raise CommandError(str(error)) from error
            self.describe(manifest, target)
            if interactive and not self.confirmed():
                raise CommandError("Restore cancelled: nothing was changed.")
            try:
                backup.restore_database(manifest, work, target)
                files, warning = backup.restore_media(manifest, work)
            except backup.BackupError as error:
                raise CommandError(str(error)) from error
        # Every page kept in the shared cache showed the database as it was: none is current.
        pagecache.invalidate(pagecache.SITE)
        if warning:
            self.stderr.write(self.style.WARNING(warning))
        missing, unknown = backup.pending_migrations(manifest)
        if unknown:
            self.stderr.write(
                self.style.WARNING(
                    f"The backup was made by a newer release ({len(unknown)} migrations this "
                    "code does not know): run that release against it."
                )
            )
        elif missing:
            self.stdout.write(
                f"The backup predates {len(missing)} migrations: run `manage.py migrate`."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {target.describe()} and {files} media files from {file}."
            )
        )

    def describe(self, manifest, target):
        tables = manifest["database"]["tables"]
        media = manifest["media"]
        self.stdout.write(
            f"Backup of {manifest['created_at']}: {tables.get('articles_article', 0)} stories, "
            f"{tables.get('comments_comment', 0)} comments, "
            + (f"{media['files']} media files." if media["included"] else "no media.")
        )
        self.stdout.write(
            f"It replaces the contents of {target.describe()}"
            + (" and writes into the media folder." if media["included"] else ".")
        )

    def confirmed(self):
        answer = input("Type 'yes' to restore: ")
        return answer.strip().lower() == "yes"
