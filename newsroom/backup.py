"""Backups of the whole site: one archive with a consistent database dump and the media.

An archive (``newsroom-YYYYmmddTHHMMSSZ.tar.gz``, readable only by its owner: it holds
readers' email addresses and password hashes) contains:

- ``manifest.json``: when, which database, the migrations applied, the rows of every table
  and the media files, and the checksum of the dump;
- ``database.dump`` (PostgreSQL: ``pg_dump --format=custom``) or ``database.sqlite3`` (SQLite's
  online backup API): one consistent snapshot, taken while the site keeps running;
- ``media/...``: every file of the local media storage. Media on S3-style storage are left out
  with a warning: the bucket is backed up by its own versioning or replication.

`create_backup` writes one; `open_backup` unpacks and checks one (a missing, truncated or
corrupt file is refused before anything changes); `restore_database` and `restore_media` put
it back. The management commands ``backup`` and ``restore`` are thin shells around these.
"""

import datetime
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections, transaction
from django.db.migrations.recorder import MigrationRecorder

from newsroom.environment import env

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
MEDIA_DIR = "media"
NAME_FORMAT = "newsroom-%Y%m%dT%H%M%SZ"
NAME_PATTERN = re.compile(r"^newsroom-(\d{8}T\d{6}Z)(?:-\d+)?\.tar\.gz$")


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


@dataclass
class Target:
    """The database a restore writes into: a Django connection's settings, or a URL's."""

    vendor: str
    settings: dict

    @classmethod
    def from_connection(cls, using="default"):
        connection = connections[using]
        return cls(connection.vendor, dict(connection.settings_dict))

    @classmethod
    def from_url(cls, url):
        config = env.db_url_config(url)
        engine = config.get("ENGINE", "")
        if not engine.endswith(("sqlite3", "postgresql")):
            raise BackupError("Give a postgres:// or sqlite:// URL to restore into.")
        vendor = "sqlite" if engine.endswith("sqlite3") else "postgresql"
        return cls(vendor, config)

    def describe(self):
        if self.vendor == "sqlite":
            return f"SQLite database {self.settings['NAME']}"
        host = self.settings.get("HOST") or "local socket"
        return f"PostgreSQL database “{self.settings['NAME']}” on {host}"


# PostgreSQL client programs ------------------------------------------------------------


def _pg_env(settings):
    """libpq's variables for the database in `settings`: no password on a command line."""
    env = {**os.environ, "PGDATABASE": str(settings["NAME"])}
    for key, variable in (
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
    ):
        if settings.get(key):
            env[variable] = str(settings[key])
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if settings.get("OPTIONS", {}).get(option):
            env[variable] = str(settings["OPTIONS"][option])
    return env


def _client_major(program):
    """The major version of a PostgreSQL client program, refusing clearly if it is missing."""
    path = shutil.which(program)
    if path is None:
        raise BackupError(
            f"{program} was not found. Install the PostgreSQL client programs "
            f"(Debian: apt-get install postgresql-client) of the server's version or newer."
        )
    # A fixed argument list, no shell: the program found on PATH, asked for its version.
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=True)  # noqa: S603
    match = re.search(r"(\d+)(?:\.\d+)?", output.stdout)
    if match is None:
        raise BackupError(f"Cannot tell the version of {program}: {output.stdout.strip()}")
    return path, int(match.group(1))


def _run(command, env):
    # Argument lists built here from settings, no shell; the password travels in PGPASSWORD.
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


# Writing a backup ----------------------------------------------------------------------


def _row_counts(connection):
    """Rows of every table of the installed models, as {table: rows}."""
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy
        }
        & set(connection.introspection.table_names())
    )
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            quoted = connection.ops.quote_name(table)  # a model's table name, quoted
            cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _applied_migrations(connection):
    recorder = MigrationRecorder(connection)
    applied = {}
    for app, name in sorted(recorder.applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _dump_postgresql(connection, destination):
    """pg_dump of one snapshot; the manifest's counts are read from that same snapshot."""
    pg_dump, client = _client_major("pg_dump")
    server = connection.pg_version // 10000
    if client < server:
        raise BackupError(
            f"pg_dump {client} cannot dump a PostgreSQL {server} server: install the "
            f"PostgreSQL {server} client programs (or newer)."
        )
    if connection.in_atomic_block:
        raise BackupError("A backup must start outside a database transaction.")
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        info = {
            "vendor": "postgresql",
            "file": PG_DUMP_FILE,
            "server_version": server,
            "client_version": client,
            "migrations": _applied_migrations(connection),
            "tables": _row_counts(connection),
        }
        # pg_dump joins the snapshot exported above, which lives as long as this transaction.
        _run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={destination}"],
            _pg_env(connection.settings_dict),
        )
    return info


def _dump_sqlite(connection, destination):
    connection.ensure_connection()
    copy = sqlite3.connect(destination)
    try:
        connection.connection.backup(copy)  # consistent even while others write
    finally:
        copy.close()
    copied = connections.create_connection(connection.alias)
    copied.settings_dict = {**copied.settings_dict, "NAME": str(destination), "OPTIONS": {}}
    try:
        tables = _row_counts(copied)
        migrations = _applied_migrations(copied)
    finally:
        copied.close()
    return {"vendor": "sqlite", "file": SQLITE_FILE, "migrations": migrations, "tables": tables}


def _local_media():
    """The local media folder, or None when media live elsewhere (S3-style storage)."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        return Path(storage.location)
    return None


def _media_files(root):
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _archive_path(directory, now):
    base = now.strftime(NAME_FORMAT)
    path, n = directory / f"{base}.tar.gz", 1
    while path.exists():  # two backups in one second
        n += 1
        path = directory / f"{base}-{n}.tar.gz"
    return path


def create_backup(directory, *, using="default", media=True, now=None):
    """Write one archive into `directory`; return (path, manifest, warnings)."""
    now = now or datetime.datetime.now(datetime.UTC)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    warnings = []
    with tempfile.TemporaryDirectory(dir=directory, prefix=".newsroom-backup-") as work:
        work = Path(work)
        if connection.vendor == "postgresql":
            database = _dump_postgresql(connection, work / PG_DUMP_FILE)
        elif connection.vendor == "sqlite":
            database = _dump_sqlite(connection, work / SQLITE_FILE)
        else:
            raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
        database["sha256"] = _sha256(work / database["file"])
        root = _local_media() if media else None
        if not media:
            warnings.append("Media left out (--no-media): this archive holds the database only.")
        elif root is None:
            warnings.append(
                f"Media are on {type(storages['default']).__name__}, not in this archive: back "
                "up the bucket with its own versioning or replication."
            )
        files = _media_files(root) if root is not None else []
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "database": database,
            "media": {
                "included": root is not None,
                "files": len(files),
                "bytes": sum(path.stat().st_size for path in files),
            },
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        path = _archive_path(directory, now)
        partial = work / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / MANIFEST, arcname=MANIFEST)
            archive.add(work / database["file"], arcname=database["file"])
            for file in files:
                archive.add(file, arcname=f"{MEDIA_DIR}/{file.relative_to(root).as_posix()}")
        partial.chmod(0o600)
        # Only a complete archive ever carries the final name.
        os.replace(partial, path)
    return path, manifest, warnings


def prune(directory, keep_days, *, now=None, keep=()):
    """Delete archives in `directory` named for a time more than `keep_days` days ago."""
    now = now or datetime.datetime.now(datetime.UTC)
    limit = now - datetime.timedelta(days=keep_days)
    removed = []
    for path in sorted(Path(directory).glob("newsroom-*.tar.gz")):
        match = NAME_PATTERN.match(path.name)
        if match is None or path in keep:
            continue
        taken = datetime.datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(
            tzinfo=datetime.UTC
        )
        if taken < limit:
            path.unlink()
            removed.append(path)
    return removed


# Reading and restoring -----------------------------------------------------------------


def open_backup(path, work):
    """Unpack the archive at `path` into `work` and check it whole; return its manifest.

    Everything is read (so gzip's checksum covers every byte) and the dump's own checksum is
    compared before the caller changes anything.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    try:
        with tarfile.open(path, "r:gz") as archive:
            archive.extractall(work, filter="data")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise BackupError(
            f"{path} is not a readable backup: the file is damaged or truncated ({error}). "
            "Nothing was changed."
        ) from error
    work = Path(work)
    try:
        manifest = json.loads((work / MANIFEST).read_text())
        database = manifest["database"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError(f"{path} is not a Newsroom backup (no readable manifest).") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"{path} has backup format {manifest.get('format')}; this release reads {FORMAT}."
        )
    dump = work / database["file"]
    if not dump.is_file() or _sha256(dump) != database.get("sha256"):
        raise BackupError(f"{path} is damaged: its database dump does not match its checksum.")
    media = manifest["media"]
    if media["included"] and len(_media_files(work / MEDIA_DIR)) != media["files"]:
        raise BackupError(f"{path} is damaged: media files are missing from it.")
    return manifest


def restore_database(manifest, work, target):
    """Replace the target database's contents with the dump; verify the rows afterwards."""
    database = manifest["database"]
    if database["vendor"] != target.vendor:
        raise BackupError(
            f"This backup holds a {database['vendor']} database; {target.describe()} is "
            f"{target.vendor}. Nothing was changed."
        )
    dump = Path(work) / database["file"]
    for connection in connections.all():
        connection.close()  # hold no locks on the tables pg_restore drops
    if target.vendor == "postgresql":
        pg_restore, client = _client_major("pg_restore")
        if client < database["client_version"]:
            raise BackupError(
                f"pg_restore {client} cannot read a dump made by pg_dump "
                f"{database['client_version']}: install that client version or newer. "
                "Nothing was changed."
            )
        # One transaction: a failure leaves the database as it was.
        command = [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={target.settings['NAME']}",
            str(dump),
        ]
        _run(command, _pg_env(target.settings))
    else:
        source = sqlite3.connect(dump)
        destination = _sqlite_connect(target.settings["NAME"])
        try:
            source.backup(destination)
        finally:
            source.close()
            destination.close()
    found = count_rows(target, database["tables"])
    if found != database["tables"]:
        differ = sorted(t for t in database["tables"] if found.get(t) != database["tables"][t])
        raise BackupError(f"Restored, but these tables differ from the backup: {differ}")


def count_rows(target, tables):
    """{table: rows} in the target database, for the tables named."""
    if target.vendor == "postgresql":
        import psycopg
        from psycopg import sql

        env = _pg_env(target.settings)
        params = {
            "dbname": env["PGDATABASE"],
            "user": env.get("PGUSER"),
            "password": env.get("PGPASSWORD"),
            "host": env.get("PGHOST"),
            "port": env.get("PGPORT"),
        }
        with psycopg.connect(**{k: v for k, v in params.items() if v}) as db:
            known = {
                row[0]
                for row in db.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                )
            }
            return {
                table: db.execute(
                    sql.SQL("SELECT COUNT(*) FROM {}").format(sql.Identifier(table))
                ).fetchone()[0]
                for table in tables
                if table in known
            }
    db = _sqlite_connect(target.settings["NAME"])
    try:
        known = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return {
            # Table names from the manifest, matched against the database's own list first.
            table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
            if table in known
        }
    finally:
        db.close()


def _sqlite_connect(name):
    name = str(name)
    return sqlite3.connect(name, uri=name.startswith("file:"))  # pytest's in-memory database


def restore_media(manifest, work):
    """Copy the archive's media into the local media folder; return (files, warning)."""
    if not manifest["media"]["included"]:
        return 0, "This backup holds no media: the media folder was left as it is."
    root = _local_media()
    if root is None:
        return 0, (
            f"Media are on {type(storages['default']).__name__}: the archive's media were not "
            "copied. Upload them to the bucket from the archive's media/ folder if needed."
        )
    source = Path(work) / MEDIA_DIR
    files = _media_files(source)
    for file in files:
        destination = root / file.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial = destination.with_name(f".{destination.name}.restoring")
        shutil.copyfile(file, partial)
        os.replace(partial, destination)  # a reader never gets half a picture
    return len(files), None


def pending_migrations(manifest):
    """(missing, unknown): migrations of this code the backup lacks, and the reverse."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    applied = {
        (app, name) for app, names in manifest["database"]["migrations"].items() for name in names
    }
    return sorted(known - applied), sorted(applied - known)
