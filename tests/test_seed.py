"""`manage.py seed_demo`: the demo newsroom, idempotent, never by accident in production."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import strip_tags

from articles.models import Article, Author, Correction, Image, RelatedLink, Section
from comments.attach import comments_open
from comments.models import Comment, ModerationEvent
from demo import content, content_editions

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
    settings.SITE_LANGUAGES = ["en"]  # one edition: the English demo, no translations
    with django_capture_on_commit_callbacks(execute=True):  # the renditions jobs
        output = seed("--stories", "14")
    assert "reporter   password newsroom-reporter" in output

    assert Section.objects.count() == 6
    assert Author.objects.exclude(photo="").count() == 6
    assert Article.objects.count() == 14
    assert set(Article.objects.values_list("language", flat=True)) == {"en"}
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
    settings.SITE_LANGUAGES = ["en"]
    output = seed("--stories", "2", "--no-images", "--allow-production")
    assert "password" not in output
    editor = get_user_model().objects.get(username="editor")
    assert not editor.check_password("newsroom-editor")
    assert Article.objects.count() == 2


def test_demo_comments_fill_story_pages_and_the_queue(settings, client):
    settings.DEBUG = True
    settings.SITE_LANGUAGES = ["en"]
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
    settings.SITE_LANGUAGES = ["en"]
    seed("--stories", "14", "--days", "10", "--no-images")
    Comment.objects.all().delete()  # a demo loaded before comments existed
    output = seed("--stories", "14", "--days", "10", "--no-images")
    assert "already loaded" in output and "3 pending comments" in output
    events = ModerationEvent.objects.count()
    output = seed("--stories", "14", "--days", "10", "--no-images")
    assert "comments" not in output.split("Demo users")[0]
    assert Comment.objects.count() == 8 and ModerationEvent.objects.count() == events


# Editions ---------------------------------------------------------------------------------

EDITIONS = ["en", "ar", "fa", "ur"]
ARABIC_LETTER = re.compile("[\u0621-\u064a]")
LATIN_LETTER = re.compile("[A-Za-z]")


def alternates_of(html):
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def switcher_of(html):
    nav = re.search(r'<nav class="container site-editions".*?</nav>', html, re.S)
    assert nav is not None, "no language switcher"
    links = re.findall(r'<a class="nav-link px-2"\s+href="([^"]+)"\s+hreflang="([^"]+)"', nav[0])
    return {code: href for href, code in links}


def versions(language):
    return Article.objects.filter(language=language).order_by("pk")


def english_of(story):
    return Article.objects.get(translation_key=story.translation_key, language="en")


@pytest.fixture
def editions_demo(settings):
    """The default demo (60 stories over 30 days) with every edition switched on."""
    settings.DEBUG = True
    settings.SITE_LANGUAGES = EDITIONS
    return seed("--no-images")


def test_every_edition_gets_its_twelve_stories_in_the_english_stories_groups(editions_demo):
    assert versions("en").count() == 60
    for language in ("ar", "fa", "ur"):
        assert f"Loaded 12 stories in the {language} edition." in editions_demo
        stories = list(versions(language).select_related("section"))
        assert len(stories) == 12
        english = [english_of(story) for story in stories]
        # Each in a group of its own English story (one version per language per group),
        # in its section, with its status, publication time and authors.
        assert len({story.translation_key for story in stories}) == 12
        for story, original in zip(stories, english, strict=True):
            assert story.section_id == original.section_id
            assert story.story_type == original.story_type
            assert (story.status, story.publish_at) == (original.status, original.publish_at)
            assert story.pub_date == original.pub_date
            assert list(story.authors.all()) == list(original.authors.all())
            assert not LATIN_LETTER.search(
                story.headline + story.standfirst + strip_tags(story.body)
            )
            assert not LATIN_LETTER.search(story.slug), story.slug
        # Tags: the English story's, in the edition's names.
        arabic_tags = {name for story in stories for name in story.tags.names()}
        assert arabic_tags and all(not LATIN_LETTER.search(name) for name in arabic_tags)
        # ...and the edition's own tags, which its readers reach at its addresses.
        assert {tag.language for story in stories for tag in story.tags.all()} == {language}
    # The newer story made from each template (i + 30), so comments are still open on most.
    assert Article.objects.published().filter(language="ar").count() >= 10


def test_an_arabic_story_reads_at_its_address_and_finds_its_english_version(editions_demo, client):
    arabic = versions("ar").filter(pk__in=Article.objects.published()).first()
    english = english_of(arabic)
    url = arabic.get_absolute_url()
    assert url.startswith(f"/ar/{arabic.pub_date:%Y/%m/%d}/")
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f">{arabic.headline}</h1>" in html and ARABIC_LETTER.search(arabic.headline)
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    site = "http://127.0.0.1:8000"
    alternates = alternates_of(html)
    assert alternates["en"] == site + english.get_absolute_url()
    assert alternates["ar"] == site + url
    assert switcher_of(html)["en"] == english.get_absolute_url()
    english_html = client.get(english.get_absolute_url()).content.decode()
    assert alternates_of(english_html)["ar"] == site + url
    assert switcher_of(english_html)["ar"] == url


def test_the_arabic_home_lists_arabic_stories_only(editions_demo, client):
    html = client.get("/ar/").content.decode()
    arabic = [a.headline for a in Article.objects.published().filter(language="ar")]
    others = [a.headline for a in Article.objects.published().exclude(language="ar")]
    assert any(headline in html for headline in arabic)
    assert not [headline for headline in others if headline in html]


def nav_links(html):
    nav = re.search(r'<nav class="container site-nav".*?</nav>', html, re.S)
    return re.findall(r'<a class="nav-link[^>]*>([^<]*)</a>', nav[0])


def test_each_edition_names_the_sections_and_authors_in_its_own_script(editions_demo, client):
    english_names = [name for name, _slug, _description in content.SECTIONS]
    assert nav_links(client.get("/").content.decode()) == english_names
    for language in ("ar", "fa", "ur"):
        names = [name for name, _slug, _about in content_editions.SECTIONS[language].values()]
        assert nav_links(client.get(f"/{language}/").content.decode()) == names
    html = client.get("/ar/section/politics/").content.decode()
    name, _slug, about = content_editions.SECTIONS["ar"]["politics"]
    assert f'<h1 dir="auto">{name}</h1>' in html and about in html
    story = versions("ar").filter(pk__in=Article.objects.published()).first()
    html = client.get(story.get_absolute_url()).content.decode()
    for author in story.authors.all():
        arabic = content_editions.AUTHORS["ar"][author.name]
        assert f'rel="author"><bdi>{arabic}</bdi>' in html and author.name not in html


def test_each_edition_has_its_own_comments_on_its_own_stories(editions_demo, client):
    assert "Loaded 11 approved and 3 pending comments in the ar edition." in editions_demo
    arabic_emails = {c[1] for thread in content_editions.COMMENT_THREADS["ar"] for c in thread}
    comments = Comment.objects.filter(email__in=arabic_emails).select_related("article")
    assert comments.count() == 14
    assert {c.article.language for c in comments} == {"ar"}
    english_emails = {c[1] for thread in content.COMMENT_THREADS for c in thread}
    assert {c.article.language for c in Comment.objects.filter(email__in=english_emails)} == {"en"}
    approved = comments.filter(status=Comment.Status.APPROVED)
    story = approved.filter(parent__isnull=False).first().article
    html = client.get(story.get_absolute_url()).content.decode()
    for comment in story.comments.all():
        assert (comment.body in html) == (comment.status == Comment.Status.APPROVED)
    for comment in comments:
        assert (
            comments_open(comment.article) and comment.article.first_published_at < comment.created
        )


def test_a_persian_story_writes_its_numbers_in_persian_digits(editions_demo):
    # Business template 1 (the bakery's kitchen) has {n} jobs in its headline.
    english = Article.objects.get(
        language="en",
        headline__startswith="Bakery chain",
        pk__in=[english_of(story).pk for story in versions("fa")],
    )
    persian = Article.objects.get(translation_key=english.translation_key, language="fa")
    jobs = re.search(r"creating (\d+) jobs", english.headline)[1]
    assert jobs.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in persian.headline
    assert not re.search(r"[0-9]", persian.headline + persian.standfirst + persian.body)
    arabic = Article.objects.get(translation_key=english.translation_key, language="ar")
    assert jobs in arabic.headline  # the Arabic edition writes Western digits


def test_translations_carry_corrections_and_related_links_within_their_edition(editions_demo):
    for language in ("ar", "fa", "ur"):
        corrections = Correction.objects.filter(article__language=language)
        assert set(corrections.values_list("text", flat=True)) <= set(
            content_editions.CORRECTIONS[language]
        )
        assert corrections.exists()
        links = RelatedLink.objects.filter(article__language=language).select_related("target")
        assert links.exists()
        assert {link.target.language for link in links} == {language}
        # Each mirrors a link between the English versions.
        for link in links:
            assert RelatedLink.objects.filter(
                article=english_of(link.article), target=english_of(link.target)
            ).exists()


def test_a_second_run_adds_nothing_to_the_editions(editions_demo):
    counts = (Article.objects.count(), Comment.objects.count(), Correction.objects.count())
    links = RelatedLink.objects.count()
    with CaptureQueriesContext(connection) as queries:
        output = seed("--no-images")
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
    assert len(queries) <= 20, len(queries)  # a few per edition, not per story
    assert "already loaded" in output and "edition" not in output
    assert (Article.objects.count(), Comment.objects.count(), Correction.objects.count()) == counts
    assert RelatedLink.objects.count() == links


def test_fewer_stories_skip_the_translations_they_lack_and_an_older_demo_gets_them_later(
    settings, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    settings.SITE_LANGUAGES = ["en"]
    with django_capture_on_commit_callbacks(execute=True):
        seed("--stories", "14")
    assert not Article.objects.exclude(language="en").exists()

    settings.SITE_LANGUAGES = EDITIONS  # the editions switched on for a demo loaded before
    images = Image.objects.count()
    output = seed("--stories", "14")
    # Stories 18, 25 and 27 were not made: their translations have nothing to join.
    assert "Loaded 9 stories in the ar edition. Skipped 3" in output
    for language in ("ar", "fa", "ur"):
        assert versions(language).count() == 9
    for story in versions("ar"):
        assert story.lead_image_id == english_of(story).lead_image_id is not None
    assert Image.objects.count() == images
