"""`manage.py seed_demo`: the demo newsroom, idempotent, never by accident in production."""

import io
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from articles.models import Article, Author, Correction, Image, RelatedLink, Section

pytestmark = pytest.mark.django_db


def seed(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-production"):
        seed("--stories", "3")
    assert not Article.objects.exists()


def test_loads_a_whole_newsroom_and_is_idempotent(settings):
    settings.DEBUG = True
    output = seed("--stories", "14")
    assert "reporter   password newsroom-reporter" in output

    assert Section.objects.count() == 6
    assert Author.objects.exclude(photo="").count() == 6
    assert Article.objects.count() == 14
    statuses = set(Article.objects.values_list("status", flat=True))
    assert statuses == set(Article.Status.values)
    scheduled = Article.objects.filter(status="published").exclude(
        pk__in=Article.objects.published()
    )
    assert scheduled.count() == 1 and scheduled.get().is_scheduled
    assert Article.objects.published().count() == 7
    assert Article.objects.filter(featured=True).count() == 1
    assert Correction.objects.count() == 2
    assert RelatedLink.objects.exists()
    assert all(len(a.tags.all()) >= 2 for a in Article.objects.all())
    images = Image.objects.all()
    assert images.count() == 14
    assert all(image.renditions and image.alt_text for image in images)
    assert "lorem" not in " ".join(Article.objects.values_list("body", flat=True)).lower()

    users = {u.username: u for u in get_user_model().objects.all()}
    for name, group in (
        ("editor", "Editors"),
        ("reporter", "Reporters"),
        ("moderator", "Moderators"),
    ):
        assert users[name].is_staff and not users[name].is_superuser
        assert list(users[name].groups.values_list("name", flat=True)) == [group]
        assert users[name].check_password(f"newsroom-{name}")
    reporter_drafts = Article.objects.filter(status__in=["draft", "review"])
    assert set(reporter_drafts.values_list("created_by__username", flat=True)) == {"reporter"}

    counts = (Article.objects.count(), Image.objects.count(), RelatedLink.objects.count())
    started = time.monotonic()
    output = seed("--stories", "14")
    assert time.monotonic() - started < 1
    assert "already loaded" in output
    assert (Article.objects.count(), Image.objects.count(), RelatedLink.objects.count()) == counts
    assert get_user_model().objects.count() == 3


def test_production_run_prints_no_password(settings):
    settings.DEBUG = False
    output = seed("--stories", "2", "--no-images", "--allow-production")
    assert "password" not in output
    editor = get_user_model().objects.get(username="editor")
    assert not editor.check_password("newsroom-editor")
    assert Article.objects.count() == 2
