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


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def assert_accessible(page):
    """Run axe-core (shipped by axe-playwright-python) on the page: no WCAG 2.1 A/AA failures."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    violations = results.response["violations"]
    summary = [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
    ]
    assert violations == [], f"{page.url}\n" + "\n".join(summary)


def reader_paper():
    """A small paper for browser tests: two sections, a story with everything, related stories."""
    politics = SectionFactory(name="Politics", slug="politics", order=1)
    sport = SectionFactory(name="Sport", slug="sport", order=2)
    author = AuthorFactory(
        name="Ann Writer", slug="ann-writer", bio="Ann covers housing.", expertise="Housing"
    )
    story = full_story(
        n=2,
        section=politics,
        authors=[author],
        tags=["housing", "council"],
        slug="council-approves-housing-plan",
        featured=True,
        body="<p>The council voted on Tuesday.</p><h2>What happens next</h2><p>Building starts in spring.</p>",
    )
    related = ArticleFactory(
        section=politics,
        authors=[author],
        tags=["housing"],
        headline="Tenants welcome the housing plan",
        slug="tenants-welcome-housing-plan",
        publish_at=ago(hours=6),
    )
    ArticleFactory(section=sport, headline="Local team wins the cup", slug="team-wins-cup")
    return story, related
