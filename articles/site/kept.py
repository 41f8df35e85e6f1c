"""What a story page keeps between renders (newsroom.fragments), so that a page-cache miss
reads one row (the story) where it read ten:

- the extras: its authors (in byline order), tags and corrections and its related stories,
  keyed by the story's stamp (bylines, tags, corrections and curated links are its parts:
  articles.cache) and checked against the stamps of each author and tag, of the published
  stories carrying its tags (`tagged:<tag>`, from which the related list is filled) and of
  each related story; not kept past the next scheduled publication, which may join the list;
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

from django.db import DEFAULT_DB_ALIAS
from django.db.models import prefetch_related_objects

from articles import cache as page_tags
from articles.models import Article, ArticleQuerySet, Author, Correction, Tag
from articles.templatetags.reader import menu_fragment
from newsroom import editions
from newsroom.fragments import Fragment, fetch

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


def story_fragments(request, article):
    """Give `article` its authors (in byline order), tags and corrections as a prefetch would,
    and its published versions (`versions`: {language: story}, story_versions()),
    and return its related stories (views.related_stories) and the fragments of the page's head
    (meta tags, structured data) and of the story itself (the article element), for
    `{% fragment %}`: keyed by the stamps of the story, its comment block (the count beside the
    byline), section and lead image, checked against its authors' and tags'. All three are read
    in two round trips; drawn, the extras take five queries."""
    from articles.site import views  # which imports this module

    extras = Fragment(
        "story-extras",
        [page_tags.story(article.pk)],
        article.pk,
        views.RELATED_LIMIT,
        request=request,
        follows_schedule=True,
    )
    blocks = {
        name: Fragment(name, page_tags_of(article), article.pk, request=request)
        for name in ("story_head", "story_body")
    }
    changes = Fragment(
        "story-changes", [page_tags.discussion(article.pk)], article.pk, request=request
    )
    versions = (
        Fragment(
            "story-versions",
            [page_tags.group(article.translation_key)],
            str(article.translation_key),
            request=request,
            follows_schedule=True,
        )
        if len(editions.codes()) > 1
        else None
    )
    # The header's menu too: its template tag finds it read.
    fetch(extras, changes, *blocks.values(), *filter(None, [versions]), menu_fragment(request))
    article.versions = story_versions(versions, article) if versions else {}
    related = story_extras(extras, article)
    contributed_changes(changes, article)
    for block in blocks.values():
        block.shows = [
            *(f"author:{author.pk}" for author in article.authors.all()),
            *(f"tag:{tag.pk}" for tag in article.tags.all()),
        ]
    return related, blocks


def story_extras(fragment, article):
    from articles.site import views

    related_names = attnames(Article, views.RELATED_FIELDS)
    kept = fragment.get()
    if kept is not None:
        cache = article.__dict__.setdefault("_prefetched_objects_cache", {})
        for name, model in PARTS.items():
            queryset = getattr(article, name).all()  # the relation, not evaluated
            queryset._result_cache = instances(model, attnames(model), kept[name])
            queryset._prefetch_done = True
            cache[name] = queryset
        return instances(Article, related_names, kept["related"])
    prefetch_related_objects([article], *Article.objects.card_prefetches(), *PARTS)
    parts = {name: list(getattr(article, name).all()) for name in PARTS}
    related = views.related_stories(article)
    fragment.set(
        {
            **{name: rows(parts[name], attnames(model)) for name, model in PARTS.items()},
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
