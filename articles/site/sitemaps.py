"""Sitemaps: an index over stories, sections, tags and authors, and a Google News sitemap.

Addresses are built from SITE_URL (the public address), like feeds and structured data.
Stories marked "hide from search engines" are left out everywhere. One index serves every
edition: a story's address carries its edition's prefix, and a story with versions in other
editions lists them all as `xhtml:link` alternates (each version lists the same set).

Each sitemap is split in files of at most `limit` addresses (50,000: the protocol's limit),
and the index lists every file. The stories' files are ranges of `limit` ids, oldest first
(IdRangePaginator), read through the primary key's index: no OFFSET through the archive,
and a story stays in its file, so the files of past years do not change when a story is
published. The files are written straight to a string (`render_urlset`): Django's template
and a reverse() per story took half a millisecond an address, 50,000 to a file.
"""

import datetime
import math
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.core.paginator import EmptyPage, InvalidPage, PageNotAnInteger, Paginator
from django.db.models import CharField, Exists, Max, Min, OuterRef
from django.db.models.functions import Cast, Greatest, TruncDate
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import RFC3986_SUBDELIMS
from django.views.decorators.http import require_safe

from articles import cache as page_tags
from articles.models import Article, ArticleAuthor, Author, Section, Tag
from articles.site.views import stories_changed_at
from newsroom import editions
from newsroom.http import public_cache, set_last_modified
from newsroom.site_url import absolute

QUOTE = {'"': "&quot;"}  # for attribute values
NEWS_WINDOW = datetime.timedelta(days=2)
NEWS_LIMIT = 1000


def indexable_stories():
    return Article.objects.published().filter(noindex=False)


class SiteSitemap(Sitemap):
    limit = 50_000  # addresses a file: the sitemap protocol's limit

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class IdRangePage:
    def __init__(self, object_list):
        self.object_list = object_list


class IdRangePaginator:
    """Files of `per_page` consecutive ids from the first listed: file N holds the ids in
    (origin + (N-1)·per_page, origin + N·per_page], origin being one below the lowest id
    listed. A file may hold fewer addresses (drafts, noindex) but never more. The first and
    last ids are two index lookups; no file is found by counting or OFFSET."""

    def __init__(self, queryset, per_page):
        self.queryset, self.per_page = queryset, per_page

    @cached_property
    def ends(self):
        ends = self.queryset.aggregate(lowest=Min("pk"), highest=Max("pk"))
        return ends["lowest"], ends["highest"]

    @cached_property
    def num_pages(self):
        lowest, highest = self.ends
        if lowest is None:
            return 1  # an empty first file, as Django's paginator allows
        return math.ceil((highest - lowest + 1) / self.per_page)

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("That page number is not an integer") from error
        if not 1 <= number <= self.num_pages:
            raise EmptyPage("That page contains no results")
        return number

    def page(self, number):
        number = self.validate_number(number)
        origin = (self.ends[0] or 1) - 1
        above = origin + (number - 1) * self.per_page
        return IdRangePage(
            self.queryset.filter(pk__gt=above, pk__lte=above + self.per_page).order_by("pk")
        )


class StoryPaths:
    """Story addresses in bulk, as Article.get_absolute_url() writes them: reverse() once a
    day and edition for the date part, the slug quoted as reverse() quotes it (an ASCII slug,
    letters, digits, - and _, needs none)."""

    MARK = "storyslug"

    def __init__(self):
        self.days = {}

    def __call__(self, language, pub_date, slug):
        parts = self.days.get((language, pub_date))
        if parts is None:
            day = datetime.date.fromisoformat(pub_date) if isinstance(pub_date, str) else pub_date
            path = Article(language=language, pub_date=day, slug=self.MARK).get_absolute_url()
            parts = self.days[language, pub_date] = path.split(self.MARK)
        if not slug.isascii():
            slug = quote(slug, safe=RFC3986_SUBDELIMS + "/~:@")
        return slug.join(parts)


def date_modified():
    """Article.date_modified in SQL: the later of the last edit and the publication time."""
    return Greatest("updated_at", "publish_at")


class StorySitemap(SiteSitemap):
    """A file of stories is made from rows of text: the path's parts and the day of the last
    change, formatted by PostgreSQL in the site's time zone. Django's loop over model
    instances (or even over parsed dates) cost most of a 50,000-address file's time."""

    changefreq = "hourly"

    def items(self):
        return indexable_stories().only(
            "id", "language", "slug", "pub_date", "updated_at", "publish_at"
        )

    @property
    def paginator(self):
        return IdRangePaginator(self.items(), self.limit)

    def lastmod(self, item):
        return item.date_modified

    def get_latest_lastmod(self):
        # Django's default takes max() over every item, loading every story; one aggregate.
        return latest_story_change()

    def get_urls(self, page=1, site=None, protocol=None):
        origin = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        stories = self.paginator.page(page).object_list
        day = Cast(TruncDate(date_modified(), tzinfo=timezone.get_current_timezone()), CharField())
        rows = stories.values_list(
            "language", "slug", Cast("pub_date", CharField()), day, "translation_key"
        )
        paths = StoryPaths()
        versions = alternates(stories, paths, origin)
        urls = [
            {
                "location": origin + paths(language, pub_date, slug),
                "lastmod": changed,
                "changefreq": self.changefreq,
                "priority": "",
                "alternates": versions.get(key, ()),
            }
            for language, slug, pub_date, changed, key in rows
        ]
        self.latest_lastmod = stories.aggregate(latest=Max(date_modified()))["latest"]
        return urls


def alternates(stories, paths, origin):
    """{translation key: [(hreflang, address)]} of the groups of `stories` with versions in
    more than one edition: every indexable version, then x-default (the default edition's
    version, else the first). One query, none with a single edition."""
    if len(editions.codes()) < 2:
        return {}
    rows = (
        indexable_stories()
        .filter(translation_key__in=stories.values("translation_key"))
        .filter(language__in=editions.codes())
        .values_list("translation_key", "language", "slug", Cast("pub_date", CharField()))
    )
    groups = {}
    for key, language, slug, pub_date in rows:
        groups.setdefault(key, {})[language] = origin + paths(language, pub_date, slug)
    found = {}
    for key, versions in groups.items():
        if len(versions) < 2:
            continue
        ordered = [(code, versions[code]) for code in editions.codes() if code in versions]
        found[key] = [*ordered, ("x-default", versions.get(editions.default(), ordered[0][1]))]
    return found


def latest_story_change():
    latest = indexable_stories().aggregate(updated=Max("updated_at"), published=Max("publish_at"))
    return max((moment for moment in latest.values() if moment), default=None)


class OneFilePaginator(Paginator):
    """Django's paginator, which first asks whether the whole table fits one file: then the
    file is the one page, and the rows a reader may see (each found by a story) are not
    counted for the index."""

    def __init__(self, object_list, per_page, table_rows):
        super().__init__(object_list, per_page)
        self.fits_one_file = table_rows.count() <= per_page

    @cached_property
    def num_pages(self):
        return 1 if self.fits_one_file else super().num_pages

    def page(self, number):
        if not self.fits_one_file:
            return super().page(number)
        return self._get_page(self.object_list, self.validate_number(number), self)


class SectionSitemap(SiteSitemap):
    changefreq = "hourly"

    def items(self):
        return Section.objects.all()


class TagSitemap(SiteSitemap):
    """Each edition's tags at their edition's address (`/ar/tag/<slug>/`), as found by an
    indexable story of that edition."""

    def items(self):
        return (
            indexable_stories()
            .filter(language__in=editions.codes())
            .tags()
            .filter(language__in=editions.codes())
            .order_by("language", "name")
        )

    def location(self, item):
        return item.get_absolute_url()

    @property
    def paginator(self):
        return OneFilePaginator(self._items(), self.limit, Tag.objects.all())


class AuthorSitemap(SiteSitemap):
    def items(self):
        # EXISTS: an author is found by one story, not by joining every story they wrote.
        bylines = ArticleAuthor.objects.filter(
            author=OuterRef("pk"), article__in=indexable_stories()
        )
        return Author.objects.filter(Exists(bylines)).order_by("name")

    @property
    def paginator(self):
        return OneFilePaginator(self._items(), self.limit, Author.objects.all())


def render_urlset(urls):
    """The <urlset> of Django's sitemap.xml template, for the same `urls`, without a template."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset '
        'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">'
    ]
    zone = timezone.get_current_timezone()  # the template's `date` filter dates in it
    for url in urls:
        parts.append(f"<url><loc>{escape(url['location'])}</loc>")
        lastmod = url["lastmod"]
        if isinstance(lastmod, str):  # a day already written by the database (StorySitemap)
            parts.append(f"<lastmod>{lastmod}</lastmod>")
        elif lastmod:
            if isinstance(lastmod, datetime.datetime) and timezone.is_aware(lastmod):
                lastmod = lastmod.astimezone(zone)
            parts.append(f"<lastmod>{lastmod:%Y-%m-%d}</lastmod>")
        if url["changefreq"]:
            parts.append(f"<changefreq>{escape(url['changefreq'])}</changefreq>")
        if url["priority"]:
            parts.append(f"<priority>{escape(url['priority'])}</priority>")
        for hreflang, location in url.get("alternates", ()):
            parts.append(
                f'<xhtml:link rel="alternate" hreflang="{hreflang}" href="{escape(location, QUOTE)}"/>'
            )
        parts.append("</url>")
    parts.append("</urlset>\n")
    return "".join(parts)


SITEMAPS = {
    "stories": StorySitemap,
    "sections": SectionSitemap,
    "tags": TagSitemap,
    "authors": AuthorSitemap,
}


@require_safe
@public_cache
@x_robots_tag
def sitemap_section(request, section):
    """One file of one sitemap; dated no earlier than the last story pulled from it."""
    page_tags.listing_page(request)
    if section not in SITEMAPS:
        raise Http404(f"No sitemap available for section: {section!r}")
    sitemap = SITEMAPS[section]()
    try:
        urls = sitemap.get_urls(page=request.GET.get("p", 1))
    except InvalidPage as error:
        raise Http404("No such sitemap page.") from error
    response = HttpResponse(render_urlset(urls), content_type="application/xml")
    listed = getattr(sitemap, "latest_lastmod", None)
    if listed is not None:  # every address has a date (Django's rule): the newest, or later
        set_last_modified(response, listed, stories_changed_at())
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
        .only("id", "language", "slug", "pub_date", "headline", "first_published_at", "publish_at")
        .order_by("-first_published_at", "-id")[:NEWS_LIMIT]
    )
    response = TemplateResponse(
        request,
        "articles/news_sitemap.xml",
        {
            "stories": [(absolute(story.get_absolute_url()), story) for story in stories],
            "publication_name": settings.SITE_NAME,
        },
        content_type="application/xml",
    )
    response.render()
    moments = [story.publish_at for _url, story in response.context_data["stories"]]
    return set_last_modified(response, *moments, stories_changed_at())
