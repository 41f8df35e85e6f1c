"""What the page cache (newsroom.pagecache) needs to know about stories: the names of what a
reader page shows (its dependency tags), which changes make which of them stale, and when the
next scheduled story goes live.

The tags:
- `story:<pk>`: a story's own page content (fields, corrections, related links, authors, tags
  and lead image as assigned to it);
- `comments:<pk>`: its comment block and approved count (on its page and on its cards);
- `listings`: which stories every listing, feed, sitemap and search shows, and what their
  cards say, in every edition (one tag for all: a story's edition is a field of it like its
  section, and the editions share the sections, authors and images on their cards); stamped
  by any change to a story readers see or saw, and by edits of sections,
  authors, tags and images and of the sections' and authors' names in each edition (their
  names and pictures appear on cards);
- `group:<translation key>`: which versions of a story are published, and their addresses
  (the hreflang alternates and language switcher of each version's page);
- `tagged:<tag pk>`: the published stories carrying a tag, from which a story page draws its
  related stories when the editor picked fewer than five;
- `section:<pk>`, `author:<pk>`, `tag:<pk>`, `image:<pk>`: those objects as a story page
  shows them;
- `nav`: the sections in every page's header (their names in each edition included).

A section's or an author's name in an edition (SectionLabel, AuthorName) is part of it: its
edit stamps what an edit of the section or author stamps.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from newsroom import pagecache
from newsroom.pagecache import depends_on, invalidate_on_commit

LISTINGS = "listings"
NAV = "nav"
NEXT_PUBLICATION_KEY = "pagecache:next-publication"


def story(pk):
    return f"story:{pk}"


def discussion(pk):
    return f"comments:{pk}"


def tagged(pk):
    return f"tagged:{pk}"


def group(translation_key):
    return f"group:{translation_key}"


def story_page(request, article, related=()):
    """Declare what a story page shows."""
    depends_on(
        request,
        NAV,
        story(article.pk),
        discussion(article.pk),
        group(article.translation_key),
        f"section:{article.section_id}",
        *(story(other.pk) for other in related),
        *(f"author:{author.pk}" for author in article.authors.all()),
        *(f"tag:{tag.pk}" for tag in article.tags.all()),
        *(tagged(tag.pk) for tag in article.tags.all()),
        *([f"image:{article.lead_image_id}"] if article.lead_image_id else []),
    )


def listing_page(request, articles=()):
    """Declare what a listing, feed or sitemap shows: the stories' set, and their cards'
    comment counts."""
    depends_on(request, NAV, LISTINGS, *(discussion(article.pk) for article in articles))


def listings_changed_at():
    """When the set of stories readers see last changed (None if unknown): Last-Modified."""
    moment = pagecache.changed_at(LISTINGS)
    return datetime.datetime.fromtimestamp(moment, tz=datetime.UTC) if moment else None


# What changes what ---------------------------------------------------------------------------


def story_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    tags = [story(instance.pk)]
    if instance.first_published_at is not None or instance.status == instance.Status.PUBLISHED:
        # Readers see it, saw it, or will: listings, related lists and the pages of its other
        # versions may change.
        tags += [
            LISTINGS,
            group(instance.translation_key),
            *(tagged(pk) for pk in tag_ids(instance)),
        ]
        if getattr(instance, "left_group", None):
            tags.append(group(instance.left_group))
    invalidate_on_commit(*tags)
    schedule_may_have_changed()


def tag_ids(article):
    from articles.models import TaggedStory

    return list(
        TaggedStory.objects.filter(content_object_id=article.pk).values_list("tag_id", flat=True)
    )


def story_part_changed(sender, instance, raw=False, **kwargs):
    """A correction, related link or byline entry: the story page, and cards for bylines."""
    if raw:
        return
    invalidate_on_commit(story(instance.article_id), LISTINGS)


def tags_of_story_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    invalidate_on_commit(story(instance.content_object_id), tagged(instance.tag_id), LISTINGS)


def authors_set_changed(sender, instance, action, pk_set=None, **kwargs):
    """Bylines changed through `article.authors.add()/set()` (rows made in bulk, no post_save)."""
    if not action.startswith("post_"):
        return
    if instance._meta.model_name == "article":
        invalidate_on_commit(story(instance.pk), LISTINGS)
    else:  # from the author's side (author.article_set.add()): the stories named
        invalidate_on_commit(*(story(pk) for pk in pk_set or ()), LISTINGS)


def tags_set_changed(sender, instance, action, pk_set=None, **kwargs):
    if not action.startswith("post_"):
        return
    if instance._meta.model_name == "tag":
        invalidate_on_commit(f"tag:{instance.pk}", tagged(instance.pk), LISTINGS)
    else:
        tags = [tagged(pk) for pk in pk_set or ()]
        invalidate_on_commit(story(instance.pk), LISTINGS, *tags)


def tags_merged(into_pk, story_pks):
    """For the desk's tag merge, which moves tag uses in bulk."""
    invalidate_on_commit(
        f"tag:{into_pk}", tagged(into_pk), LISTINGS, *(story(pk) for pk in story_pks)
    )


def comments_changed(pk):
    """For the comments app: a story's comment block or approved count changed."""
    invalidate_on_commit(discussion(pk))


def image_changed(pk):
    invalidate_on_commit(f"image:{pk}", LISTINGS)


def section_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        invalidate_on_commit(f"section:{instance.pk}", NAV, LISTINGS)


def label_changed(sender, instance, raw=False, **kwargs):
    """A section's or an author's name in an edition: as the section or author itself."""
    if raw:
        return
    if sender.__name__ == "SectionLabel":
        invalidate_on_commit(f"section:{instance.section_id}", NAV, LISTINGS)
    else:
        invalidate_on_commit(f"author:{instance.author_id}", LISTINGS)


def named_thing_changed(sender, instance, raw=False, **kwargs):
    """An author, tag or image: the pages showing it, and cards."""
    if not raw:
        prefix = {"Author": "author", "Tag": "tag", "Image": "image"}[sender.__name__]
        invalidate_on_commit(f"{prefix}:{instance.pk}", LISTINGS)


# The next scheduled publication: no page is kept fresh past it.


def _next_in_database():
    from articles.models import Article

    moment = (
        Article.objects.filter(status=Article.Status.PUBLISHED, publish_at__gt=timezone.now())
        .order_by()
        .aggregate(next=Min("publish_at"))["next"]
    )
    return moment.timestamp() if moment else "none"


def _remember(value):
    if not pagecache.reachable():
        return
    try:
        pagecache.page_cache().set(
            NEXT_PUBLICATION_KEY, value, timeout=settings.PAGE_CACHE_TIMEOUT
        )
    except Exception:
        pagecache._failed("keeping the next publication")


def _known():
    if not pagecache.reachable():
        return None
    try:
        return pagecache.page_cache().get(NEXT_PUBLICATION_KEY)
    except Exception:
        pagecache._failed("reading the next publication")
        return None


def next_publication():
    """Epoch seconds of the next scheduled story's time, or None: kept in the cache, looked
    up (one indexed query) when unknown or past."""
    cached = _known()
    if cached is None or (cached != "none" and cached <= pagecache.wall_time()):
        cached = _next_in_database()
        _remember(cached)
    return None if cached == "none" else cached


def schedule_may_have_changed():
    """After a story is saved: the next publication as this transaction sees it, never later
    than the one known before (the transaction may yet roll back), then, once committed, as
    everyone sees it."""
    if not pagecache.shared():
        return
    value = _next_in_database()
    known = _known()
    if known not in (None, "none") and known > pagecache.wall_time():
        value = known if value == "none" else min(value, known)
    _remember(value)
    transaction.on_commit(lambda: _remember(_next_in_database()))


def connect():
    """Called from ArticlesConfig.ready."""
    from articles.models import (
        Article,
        ArticleAuthor,
        Author,
        AuthorName,
        Correction,
        Image,
        RelatedLink,
        Section,
        SectionLabel,
        Tag,
        TaggedStory,
    )

    uid = "articles.cache."
    post_save.connect(story_saved, sender=Article, dispatch_uid=uid + "story")
    post_delete.connect(story_saved, sender=Article, dispatch_uid=uid + "story-delete")
    for model in (Correction, RelatedLink, ArticleAuthor):
        for signal in (post_save, post_delete):
            signal.connect(story_part_changed, sender=model, dispatch_uid=uid + model.__name__)
    for signal in (post_save, post_delete):
        signal.connect(tags_of_story_changed, sender=TaggedStory, dispatch_uid=uid + "tagged")
        signal.connect(section_changed, sender=Section, dispatch_uid=uid + "section")
        for model in (SectionLabel, AuthorName):
            signal.connect(label_changed, sender=model, dispatch_uid=uid + model.__name__)
        for model in (Author, Tag, Image):
            signal.connect(named_thing_changed, sender=model, dispatch_uid=uid + model.__name__)
    m2m_changed.connect(tags_set_changed, sender=TaggedStory, dispatch_uid=uid + "tags-m2m")
    m2m_changed.connect(
        authors_set_changed, sender=Article.authors.through, dispatch_uid=uid + "authors-m2m"
    )
    pagecache.register_next_change(next_publication)
