"""`manage.py backup` and `manage.py restore`: what goes in comes back, and a bad file is refused.

These run in real transactions (transactional_db): pg_dump is another session and only sees
committed rows.
"""

import datetime
import json
import tarfile
import uuid
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from psycopg import sql

from articles.desk import roles, workflow
from articles.models import Article, Image
from comments.models import Comment, ModerationEvent
from comments.moderation import approve, reject
from tests.factories import ArticleFactory, CommentFactory, ImageFactory, StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)

# What a restore must bring back row for row.
TABLES = [
    "articles_article",
    "articles_historicalarticle",
    "articles_image",
    "articles_section",
    "articles_tag",
    "articles_taggedstory",
    "comments_comment",
    "comments_moderationevent",
    "auth_user",
]


def seed():
    """Stories with real pictures, comments through the moderation functions, one in the trash."""
    editor = StaffFactory(username="editor", role=roles.EDITORS)
    moderator = StaffFactory(username="moderator", role=roles.MODERATORS)
    stories = [
        ArticleFactory(lead_image=ImageFactory(), tags=["Harbour", "Storm"]) for _ in range(3)
    ]
    for story in stories:
        approve(CommentFactory.build(article=story, status=Comment.Status.PENDING))
        waiting = CommentFactory(article=story, status=Comment.Status.PENDING)
        reject(waiting, by=moderator, note="off topic")
        CommentFactory(article=story, body="Ünïcode ✓ and a 'quote'.")
    workflow.trash(stories[-1], by=editor)
    return stories


def archive_in(directory):
    (path,) = Path(directory).glob("newsroom-*.tar.gz")
    return path


@pytest.fixture
def fresh_database():
    """A new, empty PostgreSQL database beside the test one; dropped afterwards."""
    settings = connection.settings_dict
    name = f"nr_restore_{uuid.uuid4().hex[:12]}"
    params = {
        "dbname": "postgres",
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
    }
    params = {key: value for key, value in params.items() if value}
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    user = quote(settings["USER"] or "", safe="")
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
    host = f"{settings['HOST'] or 'localhost'}:{settings['PORT'] or 5432}"
    url = f"postgres://{user}{password}@{host}/{name}"
    yield url, {**params, "dbname": name}, {**params, "dbname": settings["NAME"]}
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def rows(cursor, table):
    quoted = connection.ops.quote_name(table)  # one of TABLES above
    cursor.execute(f"SELECT * FROM {quoted} ORDER BY 1")  # noqa: S608
    return cursor.fetchall()


@pytest.mark.postgres
def test_backup_restores_into_a_fresh_database_and_media_folder(
    settings, tmp_path, fresh_database
):
    stories = seed()
    images = list(Image.objects.all())
    files = {}
    for image in images:
        names = [image.file.name] + [
            entry[fmt] for entry in image.renditions.values() for fmt in ("jpeg", "webp")
        ]
        for name in names:
            files[name] = image.file.storage.open(name).read()
    assert len(files) > len(images) >= 3  # originals and renditions, real bytes

    out = StringIO()
    call_command("backup", output_dir=tmp_path / "backups", stdout=out)
    path = archive_in(tmp_path / "backups")
    assert f"Backup written: {path}" in out.getvalue()
    assert path.stat().st_mode & 0o077 == 0  # readers' emails: for the owner's eyes only

    url, params, source_params = fresh_database
    settings.MEDIA_ROOT = tmp_path / "fresh-media"
    out = StringIO()
    call_command("restore", str(path), database_url=url, interactive=False, stdout=out)
    assert "Restored PostgreSQL database" in out.getvalue()

    # Both read by plain psycopg, so values come back as the same Python types.
    with psycopg.connect(**source_params) as source, psycopg.connect(**params) as restored:
        for table in TABLES:
            original = rows(source.cursor(), table)
            assert original, table
            assert rows(restored.cursor(), table) == original, table
        trashed = restored.execute(
            "SELECT status FROM articles_article WHERE id = %s", [stories[-1].pk]
        ).fetchone()
        assert trashed == (Article.Status.TRASHED,)
    assert ModerationEvent.objects.count() == 6
    for name, content in files.items():
        assert (settings.MEDIA_ROOT / name).read_bytes() == content, name


def test_restore_replaces_an_existing_database(settings, tmp_path):
    """Into the database it came from: what was added after the backup is gone again."""
    story = ArticleFactory(lead_image=ImageFactory())
    call_command("backup", output_dir=tmp_path, stdout=StringIO())
    ArticleFactory(headline="Written after the backup")
    pk = story.pk
    story.delete()
    assert list(Article.objects.values_list("headline", flat=True)) == ["Written after the backup"]
    call_command("restore", str(archive_in(tmp_path)), interactive=False, stdout=StringIO())
    assert list(Article.objects.values_list("pk", flat=True)) == [pk]


def damaged_copies(good, tmp_path):
    data = good.read_bytes()
    middle = len(data) // 2
    flipped = bytearray(data)
    flipped[middle] ^= 0xFF
    not_a_backup = tmp_path / "other.tar.gz"
    with tarfile.open(not_a_backup, "w:gz") as archive:
        archive.add(__file__, arcname="notes.txt")
    copies = {
        "truncated": data[:middle],
        "flipped byte": bytes(flipped),
        "empty": b"",
        "text": b"hello, this is not an archive\n",
    }
    paths = {}
    for label, content in copies.items():
        paths[label] = tmp_path / f"{label.replace(' ', '-')}.tar.gz"
        paths[label].write_bytes(content)
    paths["no manifest"] = not_a_backup
    paths["missing"] = tmp_path / "no-such-file.tar.gz"
    return paths


def test_a_damaged_or_missing_archive_is_refused_and_changes_nothing(settings, tmp_path):
    story = ArticleFactory(lead_image=ImageFactory())
    media = Path(settings.MEDIA_ROOT)
    call_command("backup", output_dir=tmp_path / "good", stdout=StringIO())
    good = archive_in(tmp_path / "good")
    ArticleFactory(headline="Written after the backup")
    before = sorted(Article.objects.values_list("pk", "headline"))
    media_before = sorted(p.relative_to(media) for p in media.rglob("*") if p.is_file())
    (media / story.lead_image.file.name).unlink()  # a restore would bring this one back

    for label, path in damaged_copies(good, tmp_path).items():
        with pytest.raises(CommandError) as refused:
            call_command("restore", str(path), interactive=False, stdout=StringIO())
        message = str(refused.value)
        if label == "missing":
            assert message == f"No backup file at {path}.", label
        elif label == "no manifest":
            assert "is not a Newsroom backup" in message, label
        else:
            assert "damaged" in message, label
        assert sorted(Article.objects.values_list("pk", "headline")) == before, label
        restored = sorted(p.relative_to(media) for p in media.rglob("*") if p.is_file())
        assert len(restored) == len(media_before) - 1, label


def test_restore_asks_first_and_a_no_changes_nothing(tmp_path, monkeypatch):
    ArticleFactory()
    call_command("backup", output_dir=tmp_path, stdout=StringIO())
    ArticleFactory(headline="Written after the backup")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Restore cancelled: nothing was changed"):
        call_command("restore", str(archive_in(tmp_path)), stdout=StringIO())
    assert Article.objects.filter(headline="Written after the backup").exists()


def test_the_manifest_names_the_migrations_and_counts_rows(tmp_path):
    seed()
    call_command("backup", output_dir=tmp_path, stdout=StringIO())
    with tarfile.open(archive_in(tmp_path)) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
    tables = manifest["database"]["tables"]
    assert tables["articles_article"] == 3
    assert tables["comments_comment"] == 9
    assert tables["comments_moderationevent"] == 6
    applied = MigrationRecorder(connection).applied_migrations()
    assert manifest["database"]["migrations"]["articles"] == sorted(
        name for app, name in applied if app == "articles"
    )
    assert manifest["media"]["included"] and manifest["media"]["files"] > 3


def test_keep_days_removes_only_older_archives(tmp_path):
    now = datetime.datetime.now(datetime.UTC)
    old = tmp_path / (now - datetime.timedelta(days=9)).strftime("newsroom-%Y%m%dT%H%M%SZ.tar.gz")
    recent = tmp_path / (now - datetime.timedelta(days=2)).strftime(
        "newsroom-%Y%m%dT%H%M%SZ.tar.gz"
    )
    unrelated = tmp_path / "newsroom-notes.tar.gz"
    for path in (old, recent, unrelated):
        path.write_bytes(b"x")
    out = StringIO()
    call_command("backup", output_dir=tmp_path, keep_days=7, stdout=out)
    assert f"Removed {old}" in out.getvalue()
    assert not old.exists()
    assert recent.exists() and unrelated.exists()
    assert len(list(tmp_path.glob("newsroom-2*.tar.gz"))) == 2  # the recent one and the new one


def test_media_on_a_bucket_are_left_out_with_a_warning(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    err = StringIO()
    call_command("backup", output_dir=tmp_path, stdout=StringIO(), stderr=err)
    assert "Media are on InMemoryStorage, not in this archive" in err.getvalue()
    with tarfile.open(archive_in(tmp_path)) as archive:
        assert not any(name.startswith("media/") for name in archive.getnames())


def test_a_backup_of_another_database_engine_is_refused(tmp_path):
    call_command("backup", output_dir=tmp_path, stdout=StringIO())
    other = "sqlite:///" + str(tmp_path / "x.sqlite3")
    if connection.vendor == "sqlite":
        other = "postgres://nobody@127.0.0.1:1/none"
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("restore", str(archive_in(tmp_path)), database_url=other, interactive=False)
