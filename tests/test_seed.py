"""`manage.py seed_demo`: the demo newsroom, idempotent, never by accident in production."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Author, Correction, Image, RelatedLink, Section
from comments.attach import comments_open
from comments.models import Comment, ModerationEvent

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


def test_loads_a_whole_newsroom_and_is_idempotent(settings, django_capture_on_commit_callbacks):
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):  # the renditions jobs
        output = seed("--stories", "14")
    assert "reporter   password newsroom-reporter" in output

    assert Section.objects.count() == 6
    assert Author.objects.exclude(photo="").count() == 6
    assert Article.objects.count() == 14
    statuses = set(Article.objects.values_list("status", flat=True))
    # Every status the desk sets; the trash is reached by deleting, and the demo deletes none.
    assert statuses == set(Article.Status.values) - {Article.Status.TRASHED}
    scheduled = Article.objects.filter(status="published").exclude(
        pk__in=Article.objects.published()
    )
    assert scheduled.count() == 1 and scheduled.get().is_scheduled
    assert Article.objects.published().count() == 10
    # The news sitemap (last two days) has something to list on a fresh demo.
    recent = Article.objects.published().filter(
        publish_at__gte=timezone.now() - timezone.timedelta(days=2)
    )
    assert recent.exists()
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
    with CaptureQueriesContext(connection) as queries:
        output = seed("--stories", "14")
    # A second run writes nothing (no images drawn, no stories made): a count, not a stopwatch.
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
    assert len(queries) <= 12, len(queries)
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


def test_demo_comments_fill_story_pages_and_the_queue(settings, client):
    settings.DEBUG = True
    output = seed("--stories", "14", "--days", "10", "--no-images")
    assert "Loaded 5 approved and 3 pending comments." in output

    approved = Comment.objects.visible()
    assert approved.count() == 5
    assert approved.filter(parent__isnull=False).count() == 2  # replies, in the same story
    assert all(c.parent.article_id == c.article_id for c in approved.exclude(parent=None))
    assert Comment.objects.waiting().count() == 3
    assert all(c.email.endswith("@example.org") for c in Comment.objects.all())
    for comment in Comment.objects.select_related("article"):
        assert comment.article.is_published and comments_open(comment.article)
        assert comment.article.first_published_at < comment.created
        # Filed by the policy as pending; the approved ones approved by the demo moderator.
        trail = list(comment.events.values_list("to_status", "actor__username"))
        expected = [("pending", None)]
        if comment.status == Comment.Status.APPROVED:
            expected.append(("approved", "moderator"))
        assert trail == expected

    story = approved.filter(parent__isnull=False).first().article
    page = client.get(story.get_absolute_url()).content.decode()
    for comment in story.comments.visible():
        assert comment.body in page
        assert comment.email not in page
    for comment in story.comments.waiting():
        assert comment.body not in page


def test_demo_comments_are_added_once_even_to_an_older_demo(settings):
    settings.DEBUG = True
    seed("--stories", "14", "--days", "10", "--no-images")
    Comment.objects.all().delete()  # a demo loaded before comments existed
    output = seed("--stories", "14", "--days", "10", "--no-images")
    assert "already loaded" in output and "3 pending comments" in output
    events = ModerationEvent.objects.count()
    output = seed("--stories", "14", "--days", "10", "--no-images")
    assert "comments" not in output.split("Demo users")[0]
    assert Comment.objects.count() == 8 and ModerationEvent.objects.count() == events
