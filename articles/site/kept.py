"""What a story page keeps between renders (newsroom.fragments), so that a page-cache miss
reads one row (the story) where it read ten:

- the extras: its authors (in byline order, with their names in the edition), tags and
  corrections and its related stories, keyed by the story's stamp (bylines, tags, corrections
  and curated links are its parts: articles.cache) and checked against the stamps of each
  author and tag, of the published stories carrying its tags (`tagged:<tag>`, from which the
  related list is filled) and of each related story; not kept past the next scheduled
  publication, which may join the list;
- the drawn story (the article element) and the page's head (meta tags, structured data),
  keyed by the stamps of the story, its comment block (the count beside the byline), section
  and lead image, checked against its authors' and tags';
- when other apps' parts of the page last changed (for Last-Modified), keyed by the comment
  block's stamp;
- with more than one edition, the published versions of the story (its hreflang alternates
  and language switcher), keyed by its translation group's stamp; not kept past the next
  scheduled publication, which may be a version's.

Every tag a fragment depends on is one the page declares to the page cache
(articles.cache.story_page), so no fragment is staler than a page the page cache would serve.
A staff preview draws all of them afresh.
"""

import functools
import hashlib

from django.db import DEFAULT_DB_ALIAS
from django.db.models import prefetch_related_objects

from articles import cache as page_tags
from articles.models import Article, ArticleQuerySet, Author, Correction, Image, Section, Tag
from articles.templatetags.reader import menu_fragment
from newsroom import editions
from newsroom.fragments import Fragment, fetch, preload

# What a story page prefetches of its story, and what the rows are.
PARTS = {"authors": Author, "tags": Tag, "corrections": Correction}


def attnames(model, only=None):
    """The model's column attributes, in the order Model.from_db() takes their values."""
    return [f.attname for f in model._meta.concrete_fields if only is None or f.attname in only]


def rows(objects, names):
    return [tuple(getattr(obj, name) for name in names) for obj in objects]


def instances(model, names, values):
    return [model.from_db(DEFAULT_DB_ALIAS, names, row) for row in values]


def page_tags_of(article):
    """The tags of what a story page's own blocks show, besides its authors and tags."""
    return [
        page_tags.story(article.pk),
        page_tags.discussion(article.pk),  # the comment count beside the byline
        f"section:{article.section_id}",
        *([f"image:{article.lead_image_id}"] if article.lead_image_id else []),
    ]


def story_fragments(request, article, made=None):
    """Give `article` its authors (in byline order), tags and corrections as a prefetch would,
    and its published versions (`versions`: {language: story}, story_versions()),
    and return its related stories (views.related_stories) and the fragments of the page's head
    (meta tags, structured data) and of the story itself (the article element), for
    `{% fragment %}`: keyed by the stamps of the story, its comment block (the count beside the
    byline), section and lead image, checked against its authors' and tags'. All three are read
    in two round trips (none more when `made`, from make_fragments(), was made for this
    story's ids); drawn, the extras take five queries."""
    if made is None or made["ids"] != ids_of(article):
        made = make_fragments(request, article)
    versions, blocks = made["versions"], made["blocks"]
    article.versions = story_versions(versions, article) if versions else {}
    related = story_extras(made["extras"], article)
    contributed_changes(made["changes"], article)
    for block in blocks.values():
        block.shows = [
            *(f"author:{author.pk}" for author in article.authors.all()),
            *(f"tag:{tag.pk}" for tag in article.tags.all()),
        ]
    return related, blocks


def ids_of(story):
    """What a story page's fragments are keyed by, besides the stamps: the story's own ids."""
    return (story.pk, story.translation_key, story.section_id, story.lead_image_id)


def make_fragments(request, story, where=None):
    """The fragments of a story page, read at once (with the header's menu): those of
    story_fragments() and, given the address (`where`), the story's row (story_row()).

    `story` needs only the ids the fragments are keyed by (ids_of()): an Article, or what an
    address led to last time (address_hint()), so that the row is read with the rest."""
    from articles.site import views  # which imports this module

    pk = story.pk
    # The stamps of everything these fragments are keyed by, in one read of the cache.
    preload(request, page_tags.NAV, page_tags.group(story.translation_key), *page_tags_of(story))
    made = {
        "ids": ids_of(story),
        "extras": Fragment(
            "story-extras",
            [page_tags.story(pk)],
            pk,
            views.RELATED_LIMIT,
            shape(),
            request=request,
            follows_schedule=True,
        ),
        "blocks": {
            name: Fragment(name, page_tags_of(story), pk, request=request)
            for name in ("story_head", "story_body")
        },
        "changes": Fragment("story-changes", [page_tags.discussion(pk)], pk, request=request),
        "versions": (
            Fragment(
                "story-versions",
                [page_tags.group(story.translation_key)],
                str(story.translation_key),
                request=request,
                follows_schedule=True,
            )
            if len(editions.codes()) > 1
            else None
        ),
        "row": (
            Fragment(
                "story-row",
                [page_tags.story(pk), page_tags.discussion(pk)],
                pk,
                sorted(where.items()),
                shape(),
                request=request,
                shows=[f"section:{story.section_id}", *image_tags(story)],
            )
            if where is not None
            else None
        ),
    }
    fetch(
        made["extras"],
        made["changes"],
        *made["blocks"].values(),
        *filter(None, [made["versions"], made["row"]]),
        menu_fragment(request),  # the header's menu too: its template tag finds it read
    )
    return made


@functools.cache
def shape():
    """The columns the kept rows hold, in their order: part of their keys, so that a process
    of another release (a field added, removed or moved) never reads them as its own."""
    from articles.site import views

    columns = {
        **row_names(),
        **{name: attnames(model) for name, model in PARTS.items()},
        "related": attnames(Article, views.RELATED_FIELDS),
    }
    return hashlib.sha256(repr(sorted(columns.items())).encode()).hexdigest()[:16]


def image_tags(story):
    return [f"image:{story.lead_image_id}"] if story.lead_image_id else []


# The story's own row, as the story page reads it (Article.objects.for_listing(): with its
# section, lead image and card annotations), kept under the stamps of the story and of its
# comment block (the approved count), checked against its section's and image's. A page-cache
# miss whose fragments are all kept then reads nothing from the database.

ROW_SKIPS = {"search_vector"}


def row_names():
    return {
        "story": [name for name in attnames(Article) if name not in ROW_SKIPS],
        "section": attnames(Section),
        "image": attnames(Image),
        "card": list(ArticleQuerySet.contributions["card"]),
    }


def keep_row(made, article):
    """Keep the row of `article`, read from the database for its address (make_fragments())."""
    fragment = made["row"] if made is not None and made["ids"] == ids_of(article) else None
    if fragment is None or fragment.key is None or fragment.value is not None:
        return
    names = row_names()
    image = article.lead_image
    label = article.section.label(editions.current())  # read with the row
    fragment.set(
        {
            "story": rows([article], names["story"])[0],
            "section": rows([article.section], names["section"])[0],
            "section_label": {
                field: getattr(label, field, None) for field in Section.label_fields
            },
            "image": rows([image], names["image"])[0] if image is not None else None,
            "card": [getattr(article, name) for name in names["card"]],
        }
    )


def kept_story(made):
    """The story the kept row holds, as the database would give it, if it is one readers may
    see now (publication times pass without a stamp); else None: read it from the database."""
    kept = made["row"].get() if made["row"] is not None else None
    if kept is None:
        return None
    names = row_names()
    if len(kept["card"]) != len(names["card"]):  # kept by a process with other contributions
        return None
    (article,) = instances(Article, names["story"], [kept["story"]])
    if not article.is_published or made["ids"] != ids_of(article):
        return None
    (section,) = instances(Section, names["section"], [kept["section"]])
    section.learn_label(editions.current(), kept["section_label"])
    article._state.fields_cache["section"] = section
    article._state.fields_cache["lead_image"] = (
        instances(Image, names["image"], [kept["image"]])[0] if kept["image"] else None
    )
    for name, value in zip(names["card"], kept["card"], strict=True):
        setattr(article, name, value)
    return article


# Where an address led last: {(edition, date, slug): ids_of(story)}, in each process, for the
# story page to read the story's row with its fragments. A hint, checked against what it finds.
ADDRESSES = {}
ADDRESSES_KEPT = 2000


class Hint:
    def __init__(self, ids):
        self.pk, self.translation_key, self.section_id, self.lead_image_id = ids


def address_hint(where):
    ids = ADDRESSES.get((editions.current(), *sorted(where.items())))
    return Hint(ids) if ids is not None else None


def remember_address(where, article):
    key = (editions.current(), *sorted(where.items()))
    ADDRESSES.pop(key, None)
    while len(ADDRESSES) >= ADDRESSES_KEPT:
        try:  # the oldest (dicts keep insertion order); another thread may take it first
            ADDRESSES.pop(next(iter(ADDRESSES)), None)
        except (RuntimeError, StopIteration):
            break
    ADDRESSES[key] = ids_of(article)


def story_extras(fragment, article):
    from articles.site import views

    related_names = attnames(Article, views.RELATED_FIELDS)
    language = editions.current()  # the fragment's key holds it
    kept = fragment.get()
    if kept is not None:
        cache = article.__dict__.setdefault("_prefetched_objects_cache", {})
        for name, model in PARTS.items():
            queryset = getattr(article, name).all()  # the relation, not evaluated
            queryset._result_cache = instances(model, attnames(model), kept[name])
            queryset._prefetch_done = True
            cache[name] = queryset
        for author, label in zip(cache["authors"], kept["author_labels"], strict=True):
            author.learn_label(language, {"name": label})
        return instances(Article, related_names, kept["related"])
    prefetch_related_objects([article], *Article.objects.card_prefetches(), *PARTS)
    parts = {name: list(getattr(article, name).all()) for name in PARTS}
    related = views.related_stories(article)
    fragment.set(
        {
            **{name: rows(parts[name], attnames(model)) for name, model in PARTS.items()},
            # Each author's name in the edition (None: their own), read with them.
            "author_labels": [getattr(a.label(language), "name", None) for a in parts["authors"]],
            "related": rows(related, related_names),
        },
        shows=[
            *(f"author:{author.pk}" for author in parts["authors"]),
            *(f"tag:{tag.pk}" for tag in parts["tags"]),
            *(page_tags.tagged(tag.pk) for tag in parts["tags"]),
            *(page_tags.story(story.pk) for story in related),
        ],
    )
    return related


def story_versions(fragment, article):
    """{language: story} of the published versions of `article` (Article.published_versions),
    kept as rows."""
    kept = fragment.get()
    if kept is not None:
        return {
            language: Article(
                pk=pk,
                language=language,
                slug=slug,
                pub_date=pub_date,
                translation_key=article.translation_key,
            )
            for pk, language, slug, pub_date in kept
        }
    versions = article.published_versions()
    fragment.set(
        [(story.pk, story.language, story.slug, story.pub_date) for story in versions.values()]
    )
    return versions


def contributed_changes(fragment, article):
    """Give `article` the times other apps' parts of its page last changed (its "page"
    annotations, for Last-Modified: ArticleQuerySet.contribute), kept under the stamp of the
    one part another app draws, the comment block (`comments:<pk>`, which the comments app
    stamps whenever its part changes); drawn in one query. An app that contributes another
    adds the tag it stamps to this fragment's."""
    names = list(ArticleQuerySet.contributions["page"])
    kept = fragment.get()
    if kept is None:
        row = Article.objects.filter(pk=article.pk).with_contributions("page")
        values = row.values(*names).get() if names else {}
        kept = [values[name] for name in names]
        fragment.set(kept)
    for name, value in zip(names, kept, strict=True):
        setattr(article, name, value)
