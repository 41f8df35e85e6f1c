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
    # The comments block as readers see it: approved comments, a linked name, a reply, a
    # reply to the reply (as deep as threads go), and the form.
    from tests.factories import CommentFactory

    first = CommentFactory(article=story, name="Rita Reader", body="Good news for the estate.")
    CommentFactory(article=story, name="Web Person", website="https://example.org/", body="Yes.")
    reply = CommentFactory(article=story, parent=first, name="Sam Replier", body="Agreed.")
    CommentFactory(article=story, parent=reply, name="Deep Thread", body="Me too.")
    return story, related


def arabic_story(language="ar"):
    """A story written in Arabic (so any English left on its page is the site's own), with
    comments, a correction, tags, and a section with two pages of stories, all in the
    `language` edition (an Arabic-script one, or "en" for Arabic text on English pages). The
    section is named in Arabic: section labels per edition are not built yet, so a page of the
    Persian or Urdu edition shows the shared section's one name."""
    from tests.factories import CommentFactory, CorrectionFactory

    section = SectionFactory(name="سياسة", slug="politics", description="أخبار السياسة")
    author = AuthorFactory(name="ليلى حسن", slug="layla", bio="تغطي شؤون الإسكان.", expertise="")
    image = ImageFactory(alt_text="أعضاء المجلس", caption="جلسة التصويت", credit="وكالة")
    story = ArticleFactory(
        section=section,
        headline="المجلس يقر خطة الإسكان",
        standfirst="أيد الأعضاء الخطة بعد نقاش طويل.",
        body="<p>صوّت المجلس يوم الثلاثاء.</p>",
        source="وكالة",
        dateline="القاهرة",
        story_type=Article.StoryType.ANALYSIS,
        lead_image=image,
        authors=[author],
        tags=["إسكان"],
        show_updated=True,
        publish_at=ago(hours=3),
        language=language,
    )
    CorrectionFactory(article=story, text="صُحّح اسم الحي.")
    for i in range(21):
        ArticleFactory(
            section=section,
            headline=f"خبر رقم {i}",
            slug=f"story-{i}",
            standfirst="ملخص الخبر.",
            body="<p>نص الخبر.</p>",
            authors=[author],
            publish_at=ago(hours=4 + i),
            language=language,
        )
    first = CommentFactory(article=story, name="سامي", body="خبر سار.")
    CommentFactory(article=story, parent=first, name="منى", body="أوافقك.")
    return story


WORDS = [
    "council",
    "housing",
    "plan",
    "river",
    "homes",
    "vote",
    "meeting",
    "residents",
    "street",
    "school",
    "budget",
    "road",
    "bridge",
    "park",
    "flood",
    "market",
    "shop",
    "bus",
    "station",
    "library",
    "rent",
    "tenants",
    "builder",
    "spring",
    "winter",
    "week",
    "month",
    "year",
    "neighbours",
    "families",
    "children",
    "traffic",
    "parking",
    "noise",
    "trees",
    "green",
    "wall",
]


def add_comments(story, threads, replies=2, words=45):
    """`threads` approved comments on `story`, each with `replies` replies, the first of
    which has a reply of its own: believable text of about `words` words, varied enough that
    it does not compress unrealistically well. Returns every comment made."""
    import random

    from comments.models import Comment

    rng = random.Random(story.pk)
    start = timezone.now() - timezone.timedelta(hours=2)

    def text():
        sentence = " ".join(rng.choice(WORDS) for _ in range(words))
        return f"{sentence.capitalize()}.\n\nI read the story twice."

    def made(parent, n):
        depth = parent.depth + 1 if parent else 1
        return Comment(
            article=story,
            parent=parent,
            depth=depth,
            name=f"Reader {n}",
            email=f"reader{n}@example.org",
            website="https://example.org/me" if n % 5 == 0 else "",
            body=text(),
            status=Comment.Status.APPROVED,
            created=start + timezone.timedelta(seconds=n),
        )

    roots = Comment.objects.bulk_create(made(None, n) for n in range(threads))
    seconds = Comment.objects.bulk_create(
        made(root, threads + n * replies + k)
        for n, root in enumerate(roots)
        for k in range(replies)
    )
    thirds = Comment.objects.bulk_create(
        made(second, 10_000 + n) for n, second in enumerate(seconds[::replies] if replies else [])
    )
    return [*roots, *seconds, *thirds]
