"""What production runs is what the suite loads: every backend the settings can select imports
with its client library, the cache is never per-process without DEBUG, and `make run` links
to the port it serves."""

import ast
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import caches
from django.core.management import call_command

from comments import notifications
from comments.models import Comment, RateLimitCounter
from tests import fresh
from tests.comment_helpers import post_comment
from tests.factories import ArticleFactory, CommentFactory

ROOT = Path(__file__).resolve().parent.parent
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)

PRODUCTION = {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "news.example.org"}
# One environment per way the settings can be configured; the backends come from the settings.
CONFIGURATIONS = {
    "development": {"DEBUG": "true"},
    "development with Redis": {"DEBUG": "true", "REDIS_URL": "redis://cache.invalid:6379/1"},
    "production on one machine": PRODUCTION,
    "production, shared services": {
        **PRODUCTION,
        "REDIS_URL": "redis://cache.invalid:6379/0",
        "DATABASE_URL": "postgres://newsroom:secret@db.invalid:5432/newsroom",
        "EMAIL_URL": "smtps://desk:secret@mail.invalid:465",
        "AWS_STORAGE_BUCKET_NAME": "newsroom-media",
        "AWS_S3_REGION_NAME": "eu-west-1",
    },
    "production, CACHE_URL and SMTP variables": {
        **PRODUCTION,
        "CACHE_URL": "redis://cache.invalid:6379/2",
        "EMAIL_HOST": "mail.invalid",
    },
}

# Runs in a fresh interpreter: loads the settings, then builds every configured backend, which
# imports its module and the client library it needs (no connection is opened).
PROBE = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.files.storage import storages
from django.core.mail import get_connection
from django.db import connections

def name(obj):
    cls = obj if isinstance(obj, type) else type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"

cache = caches["default"]
get_connection()
for alias in settings.STORAGES:
    storages[alias]
report = {
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_client": None,
    "database": settings.DATABASES["default"]["ENGINE"],
    "driver": connections["default"].Database.__name__,
    "email": settings.EMAIL_BACKEND,
    "storages": {alias: settings.STORAGES[alias]["BACKEND"] for alias in settings.STORAGES},
}
if isinstance(cache, RedisCache):  # builds its client, importing redis, on first use
    client = cache._cache
    report["cache_client"] = {
        "library": client._lib.__name__,
        "parser": name(client._pool_options["parser_class"]),
        "options": {k: v for k, v in client._pool_options.items() if k != "parser_class"},
    }
if report["driver"] == "psycopg":
    report["psycopg_impl"] = connections["default"].Database.pq.__impl__
report["boto3"] = "boto3" in sys.modules
report["demo"] = "demo" in settings.INSTALLED_APPS or "demo" in sys.modules
print(json.dumps(report))
"""


def probe(env):
    return fresh.run_json(
        PROBE,
        {
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "STATIC_ROOT": "/nonexistent/static",
            **env,
        },
    )


@pytest.fixture(scope="module")
def reports():
    return {label: probe(env) for label, env in CONFIGURATIONS.items()}


# The settings that name a backend: CACHES, STORAGES (and DEFAULT_STORAGE, which feeds it) by
# their "BACKEND" keys, EMAIL_BACKEND by its value.
BACKEND_SETTINGS = {"CACHES", "STORAGES", "DEFAULT_STORAGE", "EMAIL_BACKEND"}


def backends_named_in_settings():
    """Every backend path that newsroom/settings.py can assign to those settings."""
    tree = ast.parse((ROOT / "newsroom" / "settings.py").read_text())
    found = set()
    for assign in ast.walk(tree):
        if not isinstance(assign, ast.Assign) or not any(
            isinstance(target, ast.Name) and target.id in BACKEND_SETTINGS
            for target in assign.targets
        ):
            continue
        values = [assign.value] if assign.targets[0].id == "EMAIL_BACKEND" else []
        for node in ast.walk(assign.value):
            if isinstance(node, ast.Dict):
                values += [v for k, v in zip(node.keys, node.values, strict=True) if _is(k)]
        found |= {
            node.value
            for value in values
            for node in ast.walk(value)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
    return found


def _is(key):
    return isinstance(key, ast.Constant) and key.value == "BACKEND"


def test_every_backend_the_settings_name_is_loaded_by_some_configuration(reports):
    named = backends_named_in_settings()
    assert "newsroom.redis_cache.RedisCache" in named  # the scan finds them
    loaded = set()
    for report in reports.values():
        loaded |= {report["cache"], report["email"], *report["storages"].values()}
    assert named - loaded == set(), "add an environment that selects these to CONFIGURATIONS"
    databases = {report["database"] for report in reports.values()}
    assert databases == {"django.db.backends.sqlite3", "django.db.backends.postgresql"}


def test_redis_configurations_load_the_redis_client_with_hiredis(reports):
    for label in (
        "development with Redis",
        "production, shared services",
        "production, CACHE_URL and SMTP variables",
    ):
        report = reports[label]
        assert report["cache"] == "newsroom.redis_cache.RedisCache", label
        client = report["cache_client"]
        assert client["library"] == "redis"
        assert client["parser"] == "redis._parsers.hiredis._HiredisParser"
        # A dead Redis answers within seconds instead of holding a worker.
        assert 0 < client["options"]["socket_connect_timeout"] <= 5
        assert 0 < client["options"]["socket_timeout"] <= 5


def test_shared_services_load_psycopg_smtp_and_s3(reports):
    report = reports["production, shared services"]
    assert report["driver"] == "psycopg"
    # The image installs no libpq: psycopg must bring its own (psycopg[binary]).
    assert report["psycopg_impl"] in {"binary", "c"}
    assert report["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert report["storages"]["default"] == "storages.backends.s3.S3Storage"
    assert report["boto3"] is True
    assert report["storages"]["staticfiles"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


def test_whitenoise_compresses_with_brotli_as_declared():
    from whitenoise.compress import Compressor

    assert Compressor(quiet=True).use_brotli


@pytest.mark.parametrize("label", CONFIGURATIONS)
def test_demo_content_is_installed_only_for_development(reports, label):
    """`make run` (DEBUG on) loads the demo; a production process never imports it."""
    assert reports[label]["demo"] is (CONFIGURATIONS[label].get("DEBUG") == "true")


@pytest.mark.parametrize("label", [label for label in CONFIGURATIONS if "production" in label])
def test_production_never_keeps_the_cache_in_one_process(reports, label):
    assert "LocMemCache" not in reports[label]["cache"]


def test_production_without_redis_shares_the_database_cache(reports):
    assert reports["production on one machine"]["cache"] == (
        "django.core.cache.backends.db.DatabaseCache"
    )
    assert reports["development"]["cache"] == ("django.core.cache.backends.locmem.LocMemCache")


def production_cache_without_redis():
    """CACHES as production settings build them with no REDIS_URL."""
    return fresh.run_json(
        "import json, newsroom.settings as s; print(json.dumps(s.CACHES))", PRODUCTION
    )


@pytest.mark.django_db
def test_the_comment_rate_limit_holds_on_the_database_cache(client, settings):
    settings.CACHES = production_cache_without_redis()
    call_command("createcachetable", verbosity=0)
    call_command("createcachetable", verbosity=0)  # run on every start: a second time is fine
    assert type(caches["default"]).__name__ == "DatabaseCache"
    settings.COMMENTS_RATE_LIMIT = 2
    article = ArticleFactory()
    assert [post_comment(client, article, body=f"Comment {n}").status_code for n in range(3)] == [
        302,
        302,
        429,
    ]
    assert Comment.objects.count() == 2
    # Counted by the database's atomic upsert, not the database cache's get-then-set incr().
    assert RateLimitCounter.objects.get().count == 3


# `make run PORT=...`: absolute links name the port the site is served on.


def make_run(*args, **env):
    """The commands `make run` would run (make -n), in an environment without SITE_URL (nor
    the variables of a `make test` this suite may run under)."""
    outer = {"SITE_URL", "HOST", "PORT", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}
    clean = {k: v for k, v in os.environ.items() if k not in outer}
    result = subprocess.run(
        ["make", "-n", "run", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    # scripts/devserver.py runs `manage.py runserver ADDRESS` beside the worker and scheduler.
    (line,) = [line for line in result.stdout.splitlines() if " scripts/devserver.py " in line]
    match = re.fullmatch(r"SITE_URL='([^']*)' \S+ scripts/devserver\.py (\S+)", line)
    assert match, line
    return match.groups()


def test_make_run_links_to_the_port_it_serves():
    assert make_run() == ("http://127.0.0.1:8000", "127.0.0.1:8000")
    assert make_run("PORT=8017") == ("http://127.0.0.1:8017", "127.0.0.1:8017")
    assert make_run("HOST=localhost", "PORT=8017") == ("http://localhost:8017", "localhost:8017")


def test_make_run_keeps_a_site_url_that_is_set():
    assert make_run("PORT=8017", SITE_URL="https://news.example.org") == (
        "https://news.example.org",
        "127.0.0.1:8017",
    )


@pytest.mark.django_db
def test_absolute_links_follow_the_site_url_make_run_sets(client, settings):
    site_url, _ = make_run("PORT=8017")
    settings.SITE_URL = site_url
    settings.COMMENTS_NOTIFY_EMAILS = ["desk@newsroom.test"]
    story = ArticleFactory()
    address = f"{site_url}{story.get_absolute_url()}"

    page = client.get(story.get_absolute_url()).content.decode()
    assert f'<link rel="canonical" href="{address}">' in page
    (structured, _) = json.loads(JSON_LD.search(page).group(1))
    assert structured["mainEntityOfPage"]["@id"] == address
    assert "u=http%3A%2F%2F127.0.0.1%3A8017%2F" in page  # a share link
    assert f"<link>{address}</link>" in client.get("/feed/").content.decode()

    CommentFactory(article=story, status=Comment.Status.PENDING)
    assert notifications.send_waiting() == 1
    assert f"{site_url}/admin/comments/comment/queue/" in mail.outbox[0].body
