"""RSS 2.0 and Atom feeds of the latest stories, overall and per section, tag and author.

Items carry permanent guids (a tag: URI from the story's id, so a changed slug or date never
makes a reader's feed show it twice), author names but never email addresses, the section
and tags as categories, the standfirst as summary and the lead image as an enclosure.

Every value passes through `newsroom.text.xml_text` on its way into the feed, and the plain
text that the formats read as HTML (RSS descriptions, Atom `type="html"` summaries) is
escaped there too: no stored value can make a feed ill-formed or put markup in a reader.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.html import escape
from django.utils.http import parse_http_date_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from articles import cache as page_tags
from articles.models import Author, Section
from articles.site.views import moved_tag, reader_stories, reader_tags, stories_changed_at
from newsroom import editions
from newsroom.http import finish, set_last_modified
from newsroom.site_url import absolute
from newsroom.text import xml_text

FEED_ITEMS = 30
ENCLOSURE_WIDTH = 960


def _xml_safe(value):
    if isinstance(value, list | tuple):
        return type(value)(_xml_safe(part) for part in value)
    return xml_text(value)


def _as_feed_values(values):
    """Feed values from our plain text: XML-safe, and `description` escaped as HTML."""
    values = {name: _xml_safe(value) for name, value in values.items()}
    if values.get("description") is not None:
        # RSS <description> and Atom <summary type="html"> are HTML: our text is not.
        values["description"] = escape(values["description"])
    return values


class PlainTextFeedMixin:
    """The one place feed values are made safe for XML and for the HTML readers render."""

    def __init__(self, **kwargs):
        super().__init__(**_as_feed_values(kwargs))

    def add_item(self, **kwargs):
        super().add_item(**_as_feed_values(kwargs))


class RssFeed(PlainTextFeedMixin, Rss201rev2Feed):
    pass


class AtomFeed(PlainTextFeedMixin, Atom1Feed):
    pass


class LatestStoriesFeed(Feed):
    feed_type = RssFeed
    item_guid_is_permalink = False

    @property
    def language(self):
        """RSS <language> and Atom xml:lang: the feed's edition."""
        return editions.current()

    def __call__(self, request, *args, **kwargs):
        page_tags.listing_page(request)
        response = super().__call__(request, *args, **kwargs)
        # The syndication framework dates the feed by its newest item; a pulled story must
        # move Last-Modified forward too (see articles.site.views.stories_changed_at).
        newest_item = parse_http_date_safe(response.get("Last-Modified", ""))
        moments = [stories_changed_at()]
        if newest_item is not None:
            moments.append(datetime.datetime.fromtimestamp(newest_item, tz=datetime.UTC))
        return finish(request, set_last_modified(response, *moments))

    def title(self, obj=None):
        return settings.SITE_NAME

    def link(self, obj=None):
        return absolute(reverse("articles:home"))

    def description(self, obj=None):
        return _("The latest stories from %(site)s.") % {"site": settings.SITE_NAME}

    def feed_url(self, obj=None):
        return absolute(reverse("articles:feed"))

    def stories(self, obj=None):
        return reader_stories().prefetch_related("tags")

    def items(self, obj=None):
        return self.stories(obj)[:FEED_ITEMS]

    def item_title(self, item):
        return item.headline

    def item_description(self, item):
        return item.standfirst

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_guid(self, item):
        published = timezone.localdate(item.date_published)
        return f"tag:{urlsplit(settings.SITE_URL).hostname},{published:%Y-%m-%d}:story/{item.pk}"

    def item_pubdate(self, item):
        return item.date_published

    def item_updateddate(self, item):
        return item.date_modified

    def item_author_name(self, item):
        names = [author.edition_name for author in item.authors.all()]
        if item.byline:
            names.append(item.byline)
        return ", ".join(names) or None

    def item_categories(self, item):
        return [item.section.edition_name, *(tag.name for tag in item.tags.all())]

    def _enclosure(self, item):
        if item.lead_image is None or not item.lead_image.file:
            return None
        return item.lead_image.rendition_file(ENCLOSURE_WIDTH, "jpeg")

    def item_enclosures(self, item):
        found = self._enclosure(item)
        if found is None:
            return []
        url, size, _width, _height = found
        return [Enclosure(absolute(url), str(size), "image/jpeg")]


class LatestStoriesAtomFeed(LatestStoriesFeed):
    feed_type = AtomFeed

    def subtitle(self, obj=None):
        return self.description(obj)

    def feed_url(self, obj=None):
        return absolute(reverse("articles:feed_atom"))


class ListingFeed(LatestStoriesFeed):
    """The latest stories of one section, tag or author, found by its slug."""

    feed_url_name = None  # the URL name of this feed, which takes the slug
    story_filter = None  # the Article lookup that picks the listing's stories
    blurb = None  # the description, with %(name)s (the listing's) and %(site)s

    def listings(self):
        raise NotImplementedError

    def get_object(self, request, slug):
        return get_object_or_404(self.listings(), slug=slug)

    def name(self, obj):
        """What the listing is called in the edition."""
        return obj.name

    def title(self, obj=None):
        return f"{self.name(obj)} | {settings.SITE_NAME}"

    def link(self, obj=None):
        return absolute(obj.get_absolute_url())

    def description(self, obj=None):
        return self.blurb % {"name": self.name(obj), "site": settings.SITE_NAME}

    def feed_url(self, obj=None):
        return absolute(reverse(self.feed_url_name, kwargs={"slug": obj.slug}))

    def stories(self, obj=None):
        return super().stories().filter(**{self.story_filter: obj})


class SectionFeed(ListingFeed):
    feed_url_name = "articles:section_feed"
    story_filter = "section"
    blurb = gettext_lazy("The latest %(name)s stories from %(site)s.")

    def listings(self):
        return Section.objects.labelled()

    def name(self, obj):
        return obj.edition_name

    def description(self, obj=None):
        return obj.edition_description or super().description(obj)


class TagFeed(ListingFeed):
    feed_url_name = "articles:tag_feed"
    story_filter = "tags"
    blurb = gettext_lazy("Stories tagged “%(name)s” from %(site)s.")

    def listings(self):
        return reader_tags()

    def link(self, obj=None):
        return absolute(reverse("articles:tag", kwargs={"slug": obj.slug}))

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except Http404:
            slug = moved_tag(kwargs["slug"])  # a merged tag's feed is the merged-into tag's
            if slug is None:
                raise
            return redirect(self.feed_url_name, slug=slug, permanent=True)


class AuthorFeed(ListingFeed):
    feed_url_name = "articles:author_feed"
    story_filter = "authors"
    blurb = gettext_lazy("Stories by %(name)s from %(site)s.")

    def listings(self):
        return Author.objects.labelled()

    def name(self, obj):
        return obj.edition_name
