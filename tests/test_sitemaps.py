import datetime
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.utils import timezone

from articles.models import Article
from articles.site import sitemaps
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from tests.reader_data import ago

pytestmark = pytest.mark.django_db

NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def xml(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own server's output


def locations(root, tag="sm:url"):
    return [node.findtext("sm:loc", namespaces=NS) for node in root.findall(tag, NS)]


def test_index_lists_stories_sections_tags_and_authors(client):
    ArticleFactory(tags=["x"], authors=[AuthorFactory()])
    root = xml(client, "/sitemap.xml")
    assert root.tag == f"{{{NS['sm']}}}sitemapindex"
    assert locations(root, "sm:sitemap") == [
        f"{settings.SITE_URL}/sitemap-{name}.xml"
        for name in ("stories", "sections", "tags", "authors")
    ]
    for location in locations(root, "sm:sitemap"):
        xml(client, location.removeprefix(settings.SITE_URL))


def test_story_sitemap_has_lastmod_and_leaves_out_noindex_and_unpublished(client):
    shown = ArticleFactory()
    hidden = ArticleFactory(noindex=True)
    draft = ArticleFactory(status=Article.Status.DRAFT)
    scheduled = ArticleFactory(publish_at=timezone.now() + timezone.timedelta(hours=1))
    root = xml(client, "/sitemap-stories.xml")
    urls = locations(root)
    assert urls == [settings.SITE_URL + shown.get_absolute_url()]
    for story in (hidden, draft, scheduled):
        assert settings.SITE_URL + story.get_absolute_url() not in urls
    lastmod = root.find("sm:url/sm:lastmod", NS).text
    assert lastmod.startswith(timezone.now().strftime("%Y-"))


def test_section_tag_and_author_sitemaps(client):
    section = SectionFactory(slug="politics")
    author = AuthorFactory(slug="ann")
    ArticleFactory(section=section, authors=[author], tags=["housing"])
    ArticleFactory(tags=["secret"], noindex=True, authors=[AuthorFactory(slug="ghost")])
    assert f"{settings.SITE_URL}/section/politics/" in locations(
        xml(client, "/sitemap-sections.xml")
    )
    tags = locations(xml(client, "/sitemap-tags.xml"))
    assert tags == [f"{settings.SITE_URL}/tag/housing/"]
    authors = locations(xml(client, "/sitemap-authors.xml"))
    assert authors == [f"{settings.SITE_URL}/author/ann/"]


def test_news_sitemap_two_day_window_and_fields(client):
    fresh = ArticleFactory(headline="Fresh & new", publish_at=ago(hours=3))
    ArticleFactory(headline="Old news", publish_at=ago(days=2, minutes=5))
    ArticleFactory(headline="Hidden", noindex=True, publish_at=ago(hours=1))
    ArticleFactory(headline="Draft", status=Article.Status.DRAFT)
    root = xml(client, "/news-sitemap.xml")
    assert locations(root) == [settings.SITE_URL + fresh.get_absolute_url()]
    news = root.find("sm:url/news:news", NS)
    assert news.findtext("news:publication/news:name", namespaces=NS) == settings.SITE_NAME
    assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
    assert news.findtext("news:title", namespaces=NS) == "Fresh & new"
    published = news.findtext("news:publication_date", namespaces=NS)
    assert published == fresh.first_published_at.isoformat()


def test_news_sitemap_is_capped(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "NEWS_LIMIT", 3)
    for hours in range(5):
        ArticleFactory(publish_at=ago(hours=hours + 1))
    assert len(locations(xml(client, "/news-sitemap.xml"))) == 3


# --- Split in files (the protocol's 50,000 addresses a file) ---------------------------------


def test_sitemaps_split_at_the_protocols_limit():
    assert sitemaps.SiteSitemap.limit == 50_000
    for sitemap_class in sitemaps.SITEMAPS.values():
        assert sitemap_class.limit == 50_000


def test_story_files_hold_at_most_limit_addresses_and_the_index_lists_every_file(
    client, monkeypatch
):
    monkeypatch.setattr(sitemaps.StorySitemap, "limit", 2)
    stories = [ArticleFactory(publish_at=ago(hours=hours + 1)) for hours in range(5)]
    ArticleFactory(noindex=True)
    ArticleFactory(status=Article.Status.DRAFT)
    files = [
        location.removeprefix(settings.SITE_URL)
        for location in locations(xml(client, "/sitemap.xml"), "sm:sitemap")
        if "sitemap-stories" in location
    ]
    assert files == [
        "/sitemap-stories.xml",
        "/sitemap-stories.xml?p=2",
        "/sitemap-stories.xml?p=3",
    ]
    listed = []
    for url in files:
        urls = locations(xml(client, url))
        assert 1 <= len(urls) <= 2, url
        listed += urls
    # Oldest first, each story in exactly one file.
    assert listed == [settings.SITE_URL + story.get_absolute_url() for story in stories]
    for url in (
        "/sitemap-stories.xml?p=4",
        "/sitemap-stories.xml?p=0",
        "/sitemap-stories.xml?p=x",
    ):
        assert client.get(url).status_code == 404, url


def test_a_story_file_is_a_range_of_ids_read_by_the_primary_key(client, monkeypatch):
    """No COUNT and no OFFSET: a file costs the same at any depth of the archive."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(sitemaps.StorySitemap, "limit", 2)
    for hours in range(6):
        ArticleFactory(publish_at=ago(hours=hours + 1))
    for page in (1, 3):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/sitemap-stories.xml?p={page}").status_code == 200
        sql = " ".join(query["sql"] for query in queries)
        assert "OFFSET" not in sql and "COUNT(" not in sql.upper()
        # The id range's ends, the stories, their newest change, the site's newest change.
        assert len(queries) <= 4


def test_new_stories_leave_the_older_files_as_they_were(client, monkeypatch):
    monkeypatch.setattr(sitemaps.StorySitemap, "limit", 2)
    for hours in range(3):
        ArticleFactory(publish_at=ago(hours=10 - hours))
    before = client.get("/sitemap-stories.xml").content
    ArticleFactory()
    assert client.get("/sitemap-stories.xml").content == before
    assert len(locations(xml(client, "/sitemap-stories.xml?p=2"))) == 2


def test_tag_and_author_sitemaps_split_too(client, monkeypatch):
    monkeypatch.setattr(sitemaps.TagSitemap, "limit", 1)
    monkeypatch.setattr(sitemaps.AuthorSitemap, "limit", 1)
    ArticleFactory(tags=["a", "b"], authors=[AuthorFactory(slug="x"), AuthorFactory(slug="y")])
    files = locations(xml(client, "/sitemap.xml"), "sm:sitemap")
    for name in ("tags", "authors"):
        url = f"{settings.SITE_URL}/sitemap-{name}.xml"
        assert [f for f in files if f.startswith(url)] == [url, f"{url}?p=2"]
    assert locations(xml(client, "/sitemap-tags.xml?p=2")) == [f"{settings.SITE_URL}/tag/b/"]


def test_the_index_counts_no_tag_or_author_through_its_stories(client):
    """While the whole tag and author tables fit one file, the index does not ask which of
    them readers may see (a probe of the stories per tag, 2,000 of them at 100,000 stories)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ArticleFactory(tags=["a", "b"], authors=[AuthorFactory()])
    with CaptureQueriesContext(connection) as queries:
        xml(client, "/sitemap.xml")
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("articles_article" not in sql for sql in counts), counts


def test_story_addresses_are_what_get_absolute_url_gives(client):
    """The sitemap builds addresses in bulk (StoryPaths): a Unicode slug is quoted the same."""
    stories = [ArticleFactory(slug="plain-slug"), ArticleFactory(slug="çay-ve-şeker-عربي")]
    urls = locations(xml(client, "/sitemap-stories.xml"))
    assert urls == [settings.SITE_URL + story.get_absolute_url() for story in stories]


def test_files_are_what_djangos_sitemap_template_writes(client):
    """render_urlset writes the <urlset> of django/contrib/sitemaps/templates/sitemap.xml."""
    from django.template.loader import render_to_string
    from django.utils import timezone

    when = timezone.datetime(2024, 3, 31, 23, 30, tzinfo=datetime.UTC)
    urls = [
        {
            "location": "https://x.test/a?b=1&c=2",
            "lastmod": when,
            "changefreq": "hourly",
            "priority": "0.5",
        },
        {"location": "https://x.test/d", "lastmod": None, "changefreq": None, "priority": ""},
    ]

    def tree(text):
        return [
            (node.tag, (node.text or "").strip())
            for node in ET.fromstring(text.encode()).iter()  # noqa: S314 - our own output
        ]

    ours = sitemaps.render_urlset(urls)
    assert tree(ours) == tree(render_to_string("sitemap.xml", {"urlset": urls}))
    assert "<lastmod>2024-04-01</lastmod>" in ours  # the site's time zone, like `date`
