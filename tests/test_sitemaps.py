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
