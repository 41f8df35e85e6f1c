import feedparser
import pytest
from django.conf import settings

from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory
from tests.reader_data import ago

pytestmark = pytest.mark.django_db

FEEDS = [
    "/feed/",
    "/feed/atom/",
    "/section/politics/feed/",
    "/tag/housing/feed/",
    "/author/ann/feed/",
]


@pytest.fixture
def stories():
    section = SectionFactory(name="Politics", slug="politics")
    author = AuthorFactory(name="Ann Writer", slug="ann")
    author.user = None
    with_image = ArticleFactory(
        section=section,
        authors=[author],
        tags=["housing", "council"],
        headline="Council backs <plan> & more",
        standfirst="The standfirst is the summary.",
        lead_image=ImageFactory(),
        publish_at=ago(hours=1),
    )
    plain = ArticleFactory(
        section=section,
        authors=[author],
        tags=["housing"],
        byline="Agencies",
        publish_at=ago(hours=2),
    )
    draft = ArticleFactory(
        section=section, authors=[author], tags=["housing"], status=Article.Status.DRAFT
    )
    scheduled = ArticleFactory(
        section=section, authors=[author], tags=["housing"], publish_at=ago(hours=-5)
    )
    return with_image, plain, draft, scheduled


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response, feedparser.parse(response.content)


@pytest.mark.parametrize("url", FEEDS)
def test_every_feed_parses_cleanly_with_published_stories_only(client, stories, url):
    with_image, plain, draft, scheduled = stories
    response, feed = parse(client, url)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert response["Cache-Control"] == (
        f"public, max-age={settings.PUBLIC_CACHE_MAX_AGE}, s-maxage={settings.SHARED_CACHE_MAX_AGE}"
    )
    titles = [entry.title for entry in feed.entries]
    assert titles == [with_image.headline, plain.headline]
    assert draft.headline not in titles and scheduled.headline not in titles


@pytest.mark.parametrize("url", FEEDS)
def test_items_carry_guid_dates_authors_categories_summary_and_enclosure(client, stories, url):
    with_image, plain, *_ = stories
    _response, feed = parse(client, url)
    first, second = feed.entries
    assert first.link == settings.SITE_URL + with_image.get_absolute_url()
    assert first.id.startswith("tag:") and first.id.endswith(f":story/{with_image.pk}")
    assert first.published_parsed is not None
    assert first.summary == "The standfirst is the summary."
    assert first.author == "Ann Writer"
    assert second.author == "Ann Writer, Agencies"
    assert {tag.term for tag in first.tags} == {"Politics", "housing", "council"}
    (enclosure,) = first.enclosures
    url_, size, *_ = with_image.lead_image.rendition_file(960, "jpeg")
    assert enclosure.href == settings.SITE_URL + url_
    assert enclosure.type == "image/jpeg"
    stored = with_image.lead_image.file.storage.size(url_.removeprefix(settings.MEDIA_URL))
    assert int(enclosure.length) == size == stored
    assert not second.get("enclosures")


def test_feeds_never_show_email_addresses(client, stories):
    for url in FEEDS:
        body = client.get(url).content.decode()
        assert "@" not in body.replace("xmlns", ""), url


def test_guid_survives_a_slug_change(client, stories):
    with_image = stories[0]
    _r, before = parse(client, "/feed/")
    with_image.slug = "a-new-slug"
    with_image.save()
    _r, after = parse(client, "/feed/")
    assert before.entries[0].id == after.entries[0].id
    assert before.entries[0].link != after.entries[0].link


def test_enclosure_length_falls_back_to_the_storage_for_older_renditions(client, stories):
    image = stories[0].lead_image
    image.renditions = {
        width: {k: v for k, v in entry.items() if not k.endswith("_bytes")}
        for width, entry in image.renditions.items()
    }
    image.save()
    _r, feed = parse(client, "/feed/")
    url_, size, *_ = image.rendition_file(960, "jpeg")
    assert int(feed.entries[0].enclosures[0].length) == size > 0


def test_feed_titles_name_the_listing(client, stories):
    assert parse(client, "/section/politics/feed/")[1].feed.title == "Politics | The Newsroom"
    assert parse(client, "/tag/housing/feed/")[1].feed.title == "housing | The Newsroom"
    assert parse(client, "/author/ann/feed/")[1].feed.title == "Ann Writer | The Newsroom"
    atom = parse(client, "/feed/atom/")[1]
    assert atom.version == "atom10"
    assert parse(client, "/feed/")[1].version == "rss20"
