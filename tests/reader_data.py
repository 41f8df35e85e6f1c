"""Shared builders for the reader-site tests (issue 4)."""

from django.contrib.auth.models import Permission
from django.utils import timezone

from articles.models import Article, Correction, RelatedLink
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    UserFactory,
)

HOUR = timezone.timedelta(hours=1)


def ago(**delta):
    return timezone.now() - timezone.timedelta(**delta)


def full_story(n=1, **overrides):
    """A published story with `n` authors, tags, corrections and related links each."""
    section = SectionFactory(name="Politics", slug="politics")
    authors = [AuthorFactory() for _ in range(n)]
    tags = [f"tag-{i}" for i in range(n)]
    fields = {
        "section": section,
        "authors": authors,
        "tags": tags,
        "headline": "Council approves the housing plan",
        "standfirst": "Councillors backed the plan after a long debate.",
        "body": "<p>The council voted on Tuesday.</p><p>More homes will be built.</p>",
        "source": "AFP",
        "dateline": "LONDON",
        "story_type": Article.StoryType.ANALYSIS,
        "lead_image": ImageFactory(),
        "publish_at": ago(hours=3),
    }
    fields.update(overrides)
    story = ArticleFactory(**fields)
    for i in range(n):
        Correction.objects.create(article=story, text=f"Correction number {i}.")
        target = ArticleFactory(section=section, publish_at=ago(hours=4 + i))
        RelatedLink.objects.create(article=story, target=target, order=i)
    return story


def staff_user(*perms):
    user = UserFactory(is_staff=True)
    for codename in perms:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user
