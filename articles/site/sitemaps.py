"""Sitemaps: an index over stories, sections, tags and authors, and a Google News sitemap.

Addresses are built from SITE_URL (the public address), like feeds and structured data.
Stories marked "hide from search engines" are left out everywhere.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, sitemap
from django.db.models import Max
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import parse_http_date_safe
from django.views.decorators.http import require_safe

from articles import cache as page_tags
from articles.models import Article, Author, Section
from articles.site.views import stories_changed_at
from newsroom.http import public_cache, set_last_modified
from newsroom.site_url import absolute

NEWS_WINDOW = datetime.timedelta(days=2)
NEWS_LIMIT = 1000


def indexable_stories():
    return Article.objects.published().filter(noindex=False)


class SiteSitemap(Sitemap):
    limit = 5000

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class StorySitemap(SiteSitemap):
    changefreq = "hourly"

    def items(self):
        return (
            indexable_stories()
            .only("id", "slug", "pub_date", "updated_at", "publish_at")
            .order_by("-publish_at", "-id")
        )

    def lastmod(self, item):
        return item.date_modified

    def get_latest_lastmod(self):
        # Django's default takes max() over every item, loading every story; one aggregate.
        return latest_story_change()


def latest_story_change():
    latest = indexable_stories().aggregate(updated=Max("updated_at"), published=Max("publish_at"))
    return max((moment for moment in latest.values() if moment), default=None)


class SectionSitemap(SiteSitemap):
    changefreq = "hourly"

    def items(self):
        return Section.objects.all()


class TagSitemap(SiteSitemap):
    def items(self):
        return indexable_stories().tags().order_by("name")

    def location(self, item):
        return reverse("articles:tag", kwargs={"slug": item.slug})


class AuthorSitemap(SiteSitemap):
    def items(self):
        return Author.objects.filter(articles__in=indexable_stories()).distinct().order_by("name")


SITEMAPS = {
    "stories": StorySitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}


@require_safe
@public_cache
def sitemap_section(request, section):
    """One part of the sitemap; dated no earlier than the last story pulled from it."""
    page_tags.listing_page(request)
    response = sitemap(request, sitemaps=SITEMAPS, section=section)
    if response.has_header("Last-Modified"):
        listed = parse_http_date_safe(response["Last-Modified"])
        dated = datetime.datetime.fromtimestamp(listed, tz=datetime.UTC) if listed else None
        set_last_modified(response, dated, stories_changed_at())
    return response


@require_safe
@public_cache
def sitemap_index(request):
    """Like django.contrib.sitemaps.views.index, with addresses on SITE_URL."""
    page_tags.listing_page(request)
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        location = absolute(reverse("sitemap_section", kwargs={"section": section}))
        lastmod = sitemap.get_latest_lastmod()
        entries.append(SitemapIndexItem(location, lastmod))
        for page in range(2, sitemap.paginator.num_pages + 1):
            entries.append(SitemapIndexItem(f"{location}?p={page}", lastmod))
    response = TemplateResponse(
        request, "sitemap_index.xml", {"sitemaps": entries}, content_type="application/xml"
    )
    return set_last_modified(response.render(), latest_story_change(), stories_changed_at())


@require_safe
@public_cache
def news_sitemap(request):
    """Google News sitemap: indexable stories first published in the last two days."""
    page_tags.listing_page(request)
    since = timezone.now() - NEWS_WINDOW
    stories = (
        indexable_stories()
        .filter(first_published_at__gte=since)
        .only("id", "slug", "pub_date", "headline", "first_published_at", "publish_at")
        .order_by("-first_published_at", "-id")[:NEWS_LIMIT]
    )
    response = TemplateResponse(
        request,
        "articles/news_sitemap.xml",
        {
            "stories": [(absolute(story.get_absolute_url()), story) for story in stories],
            "publication_name": settings.SITE_NAME,
            "language": settings.SITE_LANGUAGE,
        },
        content_type="application/xml",
    )
    response.render()
    moments = [story.publish_at for _url, story in response.context_data["stories"]]
    return set_last_modified(response, *moments, stories_changed_at())
