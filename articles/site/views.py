"""The reader site: stories, listings, archives, search and robots.txt.

Every query of what readers may see starts from `Article.objects.published()`, limited to the
request's edition by `in_edition()` (newsroom.editions); every list of cards is shaped by
`for_listing()`. Public pages go through `newsroom.http.public_cache`.
"""

import datetime
import functools
import operator
from functools import reduce
from urllib.parse import quote

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db import connection
from django.db.models import Count, OuterRef, Q, Subquery, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, TemplateView

from articles import cache as page_tags
from articles.desk.workflow import stories_visible_to
from articles.models import Article, ArticleRedirect, Author, Section, TagRedirect
from articles.site import jsonld, kept
from articles.site import search as reader_search
from articles.site.paging import ListingPaginator
from newsroom import editions, fragments, l10n, site_url
from newsroom.http import private_page, public_cache, set_last_modified
from newsroom.pagecache import depends_on

RELATED_LIMIT = 5
RELATED_POOL = 100
TOP_STORIES = 6
LATEST_PER_SECTION = 4


def edition_stories():
    """What a reader of this edition may see: its published stories."""
    return Article.objects.published().in_edition()


def reader_stories():
    """The edition's published stories in card shape, without the columns no card shows."""
    return edition_stories().for_listing().defer("search_vector", "body")


def reader_tags():
    """Tags readers may see: the edition's own, on a published story of the edition (a
    draft's tags stay unannounced; another edition's tag of the same slug is not this one)."""
    return edition_stories().tags().filter(language=editions.current())


def moved_tag(slug):
    """The tag readers may see that a merged tag's address (`slug`) in this edition now
    leads to, or None."""
    moved = TagRedirect.objects.filter(
        language=editions.current(), old_slug=slug, tag__in=reader_tags()
    )
    return moved.select_related("tag").values_list("tag__slug", flat=True).first()


def story_queryset(queryset):
    """A story page's shape: the card shape plus tags and corrections in one query each."""
    return (
        queryset.defer("search_vector")
        .with_contributions("page")
        .prefetch_related("tags", "corrections")
    )


# The columns a related link shows (and its Last-Modified reads).
RELATED_FIELDS = ("id", "language", "headline", "slug", "pub_date", "publish_at", "updated_at")


def related_stories(article, limit=RELATED_LIMIT, curated=None):
    """Curated links first (in the editor's order), then stories sharing the most tags.

    Only published stories of the story's edition, never the story itself; two queries whatever the numbers. The
    stories sharing tags are looked for among the RELATED_POOL newest of each tag: a tag on
    a fifth of the archive would otherwise have every one of its stories counted, on every
    story page that carries it.
    `curated` (stories, in order) stands in for the stored links: the desk's preview of a
    form not saved yet (articles.desk.preview).
    """
    light = RELATED_FIELDS
    readable = Article.objects.published().in_edition(article.language)
    if curated is None:
        curated = list(
            readable.filter(linked_from__article=article)
            .exclude(pk=article.pk)
            .order_by("linked_from__order", "linked_from__pk")
            .only(*light)[:limit]
        )
    else:
        ids = [story.pk for story in curated if story.pk != article.pk]
        live = readable.only(*light).in_bulk(ids)
        curated = [live[pk] for pk in dict.fromkeys(ids) if pk in live][:limit]
    tag_ids = [tag.pk for tag in article.tags.all() if tag.pk is not None]
    if len(curated) < limit and tag_ids:
        curated += (
            readable.filter(newest_of_each(readable, tag_ids), tags__in=tag_ids)
            .exclude(pk__in=[article.pk, *(story.pk for story in curated)])
            .annotate(shared_tags=Count("pk"))
            .order_by("-shared_tags", "-publish_at", "-pk")
            .only(*RELATED_FIELDS)[: limit - len(curated)]
        )
    return curated


def newest_of_each(stories, tag_ids):
    """A filter: the story is among the RELATED_POOL newest of `stories` of one of the tags.

    One subquery a tag, each a short walk down the publication-time index; on PostgreSQL
    they are one UNION ALL (an OR of IN subqueries would be checked against every story).
    """
    newest = stories.order_by("-publish_at", "-pk").values("pk")
    each = [newest.filter(tags=tag_id)[:RELATED_POOL] for tag_id in tag_ids]
    if connection.features.supports_slicing_ordering_in_compound:
        return Q(pk__in=each[0].union(*each[1:], all=True))
    return reduce(operator.or_, (Q(pk__in=subquery) for subquery in each))


def share_links(article):
    """Plain share links: no third-party script runs on our pages."""
    url = quote(site_url.absolute(article.get_absolute_url()), safe="")
    text = quote(article.headline, safe="")
    return [
        (_("Email"), f"mailto:?subject={text}&body={url}"),
        ("Bluesky", f"https://bsky.app/intent/compose?text={text}%20{url}"),
        ("X", f"https://x.com/intent/post?url={url}&text={text}"),
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={url}"),
        ("LinkedIn", f"https://www.linkedin.com/sharing/share-offsite/?url={url}"),
        ("WhatsApp", f"https://wa.me/?text={text}%20{url}"),
    ]


def alternates(article, versions):
    """A story page's `<link rel="alternate" hreflang>`s: every published version of the
    story, itself included (so each version lists the same set), then x-default: the default
    edition's version, else the story itself. None for a story with no published version
    (a preview) or when the site has one edition."""
    if not versions:
        return []
    links = [
        (code, site_url.absolute(story.get_absolute_url())) for code, story in versions.items()
    ]
    fallback = versions.get(editions.default(), article)
    return [*links, ("x-default", site_url.absolute(fallback.get_absolute_url()))]


def last_modified_of(articles):
    return [article.date_modified for article in articles]


def stories_changed_at():
    """The last change to the set of stories readers see, unpublishing included.

    A listing's own stories alone would let Last-Modified go back in time when its newest
    story is pulled, and a client revalidating with If-Modified-Since would keep the copy
    that still shows it. Kept by the page cache's invalidation (articles.cache), so no query;
    unknown (the cache emptied) is taken as now.
    """
    return page_tags.listings_changed_at() or timezone.now()


def parse_date(year, month=1, day=1):
    try:
        return datetime.date(year, month, day)
    except ValueError as error:
        raise Http404("No such date.") from error


# What other apps add to a story page's context: builders (request, article) -> dict,
# registered from their AppConfig.ready (the comments app adds its thread, comments.attach).
STORY_CONTEXT = []


def contribute_story_context(builder):
    if builder not in STORY_CONTEXT:
        STORY_CONTEXT.append(builder)


class StoryMixin:
    """What a story page shows around the story itself."""

    context_object_name = "article"
    template_name = "articles/article_detail.html"
    preview = False
    related = None  # drawn or kept by get_object()
    kept_blocks = {}  # the page's own blocks kept as fragments (the published story's only)

    def get_related(self, article):
        return related_stories(article)

    def get_context_data(self, **kwargs):
        article = self.object
        return super().get_context_data(
            preview=self.preview,
            related=self.related if self.related is not None else self.get_related(article),
            share_links=share_links(article),
            # Made when drawn: not when the head is kept (articles.site.kept.story_fragments).
            structured_data=functools.partial(jsonld.story_graph, article),
            canonical=jsonld.canonical_url(article),
            versions=getattr(article, "versions", {}),
            alternates=alternates(article, getattr(article, "versions", {})),
            share_image=jsonld.share_image(article),
            **self.kept_blocks,
            **{
                key: value
                for builder in STORY_CONTEXT
                for key, value in builder(self.request, article).items()
            },
            **kwargs,
        )


@method_decorator(public_cache, name="dispatch")
class ArticleDetailView(StoryMixin, DetailView):
    """A story at its dated address. Staff who may view stories also see unpublished ones."""

    def get_queryset(self):
        # The story's row in card shape: the rest of story_queryset() comes from what the
        # page keeps (articles.site.kept). Only the edition's: /ar/ never shows an English story.
        return edition_stories().for_listing().prefetch_related(None)

    def get_object(self, queryset=None):
        k = self.kwargs
        where = {"pub_date": parse_date(k["year"], k["month"], k["day"]), "slug": k["slug"]}
        fragments.begin(self.request)  # before the story is read: see newsroom.fragments
        # Where this address led last time: its row is read with the page's fragments, and
        # the database only when the row is not kept (articles.site.kept).
        hint = kept.address_hint(where)
        made = kept.make_fragments(self.request, hint, where) if hint is not None else None
        article = kept.kept_story(made) if made is not None else None
        if article is None:
            article = self.get_queryset().defer(*kept.ROW_SKIPS).filter(**where).first()
            if article is not None:
                kept.remember_address(where, article)
                if made is None or made["ids"] != kept.ids_of(article):
                    made = kept.make_fragments(self.request, article, where)
                kept.keep_row(made, article)
        if article is not None:
            # Authors, tags, corrections, related stories, when its other parts changed, and
            # the drawn story: from what the page keeps (articles.site.kept).
            self.related, self.kept_blocks = kept.story_fragments(self.request, article, made)
        if article is None and self.request.user.has_perm("articles.view_article"):
            staff_view = stories_visible_to(
                self.request.user, Article.objects.in_edition().for_listing()
            )
            article = story_queryset(staff_view).filter(**where).first()
            self.preview = article is not None
        if article is None:
            raise Http404("No story at this address.")
        return article

    def get(self, request, *args, **kwargs):
        try:
            response = super().get(request, *args, **kwargs)
        except Http404:
            # Stored as reverse() wrote it: a Unicode slug percent-encoded, as in iri_to_uri().
            moved = ArticleRedirect.objects.filter(old_path=iri_to_uri(request.path))
            moved = moved.select_related("article")
            old = moved.first()
            if old is not None and old.article.is_published:
                return redirect(old.article, permanent=True)
            raise
        article = self.object
        if not self.preview:
            page_tags.story_page(request, article, response.context_data["related"])
        corrected = [correction.date for correction in article.corrections.all()]
        set_last_modified(
            response,
            article.updated_at,
            article.publish_at,
            *article.contributed_changes(),
            *corrected,
            *last_modified_of(response.context_data["related"]),
        )
        return private_page(response) if self.preview else response


class ArticlePreviewView(PermissionRequiredMixin, StoryMixin, DetailView):
    """Any story, in any status, on the reader template: for staff who may view stories."""

    permission_required = "articles.view_article"
    login_url = reverse_lazy("admin:login")
    preview = True

    def get_queryset(self):
        # A reporter previews their own drafts, never a colleague's.
        return story_queryset(stories_visible_to(self.request.user, Article.objects.for_listing()))

    def get(self, request, *args, **kwargs):
        return private_page(super().get(request, *args, **kwargs))


class ArticleListMixin:
    """What every story listing shares: published stories in card shape, paginated, cached."""

    paginate_by = 20
    paginator_class = ListingPaginator
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    feed_url = None

    def get_queryset(self):
        return reader_stories()

    def render_to_response(self, context, **response_kwargs):
        page_tags.listing_page(self.request, context["object_list"])
        response = super().render_to_response(context, **response_kwargs)
        return set_last_modified(
            response, *last_modified_of(context["object_list"]), stories_changed_at()
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(feed_url=self.feed_url, **kwargs)


def newest_by_section(shown, per_section=LATEST_PER_SECTION):
    """The ids of each section's newest stories, leaving out `shown`: one query, in which each
    story is one short probe of the section's index (article_live_section), however long the
    section's archive. A window over every story ranked the whole archive to keep 80 rows."""
    newest = (
        edition_stories()
        .filter(section=OuterRef("pk"))
        .exclude(pk__in=shown)
        .order_by("-publish_at", "-pk")
        .values("pk")
    )
    picks = {f"story_{n}": Subquery(newest[n : n + 1]) for n in range(per_section)}
    rows = Section.objects.annotate(**picks).values_list(*picks)
    return [pk for row in rows for pk in row if pk is not None]


@method_decorator(public_cache, name="dispatch")
class HomeView(TemplateView):
    """The lead (newest featured story), top stories by priority, then latest per section."""

    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        stories = reader_stories()
        # Each list is one query; the authors of all of them are fetched together at the end.
        plain = stories.prefetch_related(None)
        lead = plain.filter(featured=True).first()
        top = list(
            plain.exclude(pk=getattr(lead, "pk", None)).order_by(
                "-priority", "-publish_at", "-pk"
            )[: TOP_STORIES + (0 if lead else 1)]
        )
        if lead is None and top:
            lead = top.pop(0)
        shown = [story.pk for story in [lead, *top] if story]
        latest = list(
            plain.filter(pk__in=newest_by_section(shown)).order_by(
                "section__order", "section__name", "-publish_at", "-pk"
            )
        )
        everything = [story for story in [lead, *top, *latest] if story]
        prefetch_related_objects(everything, *Article.objects.card_prefetches())
        by_section = {}
        for story in latest:
            by_section.setdefault(story.section, []).append(story)
        self.shown = everything
        return super().get_context_data(
            lead=lead, top_stories=top, sections=list(by_section.items()), **kwargs
        )

    def render_to_response(self, context, **response_kwargs):
        page_tags.listing_page(self.request, self.shown)
        response = super().render_to_response(context, **response_kwargs)
        return set_last_modified(response, *last_modified_of(self.shown), stories_changed_at())


class ListingMixin(ArticleListMixin):
    """The stories of one section, tag or author, found by its slug, with its feed."""

    feed_url_name = None  # the URL name of the listing's feed, which takes the slug
    story_filter = None  # the Article lookup that picks the listing's stories
    context_name = None  # the listing object's name in the template

    def listings(self):
        raise NotImplementedError

    def listing_context(self, listing):
        return {"listing_title": listing.name}

    def get_queryset(self):
        self.listing = get_object_or_404(self.listings(), slug=self.kwargs["slug"])
        self.feed_url = reverse(self.feed_url_name, kwargs={"slug": self.listing.slug})
        return super().get_queryset().filter(**{self.story_filter: self.listing})

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **self.listing_context(self.listing), **{self.context_name: self.listing}, **kwargs
        )


@method_decorator(public_cache, name="dispatch")
class SectionView(ListingMixin, ListView):
    feed_url_name = "articles:section_feed"
    story_filter = context_name = "section"

    def listings(self):
        return Section.objects.labelled()

    def listing_context(self, listing):
        return {
            "listing_title": listing.edition_name,
            "listing_description": listing.edition_description,
        }


@method_decorator(public_cache, name="dispatch")
class TagView(ListingMixin, ListView):
    feed_url_name = "articles:tag_feed"
    story_filter = "tags"
    context_name = "tag"

    def listings(self):
        return reader_tags()

    def listing_context(self, listing):
        return {"listing_title": _("Stories tagged “%(name)s”") % {"name": listing.name}}

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A tag merged into another: its address leads to the one it became.
            slug = moved_tag(kwargs["slug"])
            if slug is None:
                raise
            query = f"?{request.GET.urlencode()}" if request.GET else ""
            return redirect(reverse("articles:tag", kwargs={"slug": slug}) + query, permanent=True)


@method_decorator(public_cache, name="dispatch")
class AuthorView(ListingMixin, ListView):
    template_name = "articles/author_detail.html"
    feed_url_name = "articles:author_feed"
    story_filter = "authors"
    context_name = "author"

    def listings(self):
        return Author.objects.labelled()

    def listing_context(self, listing):
        return {"listing_title": listing.edition_name}


def stories_from(when):
    """The title of a date archive: `when` is the day, month or year, written for the reader."""
    return _("Stories from %(when)s") % {"when": when}


def days_from(start, next_start):
    """A pub_date range from `start` to the day before next_start(start) (none after 9999)."""
    try:
        return {"pub_date__gte": start, "pub_date__lt": next_start(start)}
    except (OverflowError, ValueError):
        return {"pub_date__gte": start}


@method_decorator(public_cache, name="dispatch")
class DateArchiveView(ArticleListMixin, ListView):
    """`/YYYY/`, `/YYYY/MM/` and `/YYYY/MM/DD/`: stories by first-publication date."""

    def get_queryset(self):
        year, month, day = (self.kwargs.get(part) for part in ("year", "month", "day"))
        start = parse_date(year, month or 1, day or 1)
        if day:
            self.listing_title = stories_from(l10n.date(start, "date"))
            span = {"pub_date": start}
        elif month:
            self.listing_title = stories_from(l10n.date(start, "month"))
            span = days_from(start, lambda day: (day + datetime.timedelta(days=31)).replace(day=1))
        else:
            self.listing_title = stories_from(l10n.digits(year))
            span = days_from(start, lambda day: day.replace(year=day.year + 1))
        # A range of days, in the order of the article_live_day index: with `pub_date__month`
        # (an EXTRACT) or in publication-time order, a page of 2023 walked back through
        # every story published since.
        return super().get_queryset().filter(**span).order_by("-pub_date", "-publish_at", "-id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(listing_title=self.listing_title, **kwargs)


@method_decorator(public_cache, name="dispatch")
class SearchView(ArticleListMixin, ListView):
    template_name = "articles/search.html"

    def get_queryset(self):
        self.query = self.request.GET.get("q", "")
        self.problem = None
        try:
            parsed = reader_search.clean_query(self.query)
        except reader_search.QueryProblem as problem:
            self.problem = str(problem)
            return Article.objects.none()
        return reader_search.search(parsed, super().get_queryset())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            listing_title=pgettext("page title", "Search"),
            query=self.query[: reader_search.MAX_QUERY_LENGTH],
            problem=self.problem,
            **kwargs,
        )
        paginator = context["paginator"]
        context["candidates"] = reader_search.CANDIDATES
        context["capped"] = paginator is not None and reader_search.capped(paginator.count)
        for article in context["object_list"]:
            article.excerpt = reader_search.excerpt(article)
        return context


@require_safe
@public_cache
def robots_txt(request):
    depends_on(request, "robots")  # settings only: kept for PAGE_CACHE_TIMEOUT
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        *(
            f"Disallow: /{editions.prefix(code)}{page}/"
            for code in editions.codes()
            for page in ("preview", "search")
        ),
        "",
        f"Sitemap: {site_url.absolute(reverse('sitemap'))}",
        f"Sitemap: {site_url.absolute(reverse('news_sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
