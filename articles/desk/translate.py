"""Translate a story: a linked draft in another edition, to write the translation over.

`translate(article, language, by=user)` is the one way to do it, called by the story page's
"Translate" control (ArticleAdmin.translate_view) and the tests. The draft joins the story's
translation group (one story per language per group) and carries over what does not depend
on the language: the section, the lead image (its alt text and caption are the picture's own,
kept with it in the image library), the authors, the story type, source, dateline and byline,
and whether comments are on. The related stories become their versions in the new language
where those exist; the others are named, so the desk knows what to relate later. The headline,
standfirst and body are the original's, to be written over. Tags are not carried over: a tag
belongs to one language, and the new edition's are chosen there.

The draft is created by the translator, with a first revision saying where it came from and an
editorial note telling the desk what was carried over and what was not.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from articles.desk import editions, revisions, workflow
from articles.models import Article, ArticleAuthor, EditorialNote, RelatedLink
from newsroom import editions as site_editions
from newsroom.slugs import unicode_slug

# What the draft copies from the original, field by field.
COPIED_FIELDS = (
    "headline",
    "standfirst",
    "body",
    "section_id",
    "lead_image_id",
    "story_type",
    "byline",
    "source",
    "dateline",
    "comments_enabled",
)


@dataclass
class Translation:
    """A translation just started: the new draft, and the original's related stories that
    have no version in its language yet (left out)."""

    article: Article
    original: Article
    related: list = field(default_factory=list)
    untranslated: list = field(default_factory=list)

    def summary(self):
        """What the desk is told, on the page and in the draft's editorial note."""
        language = self.article.get_language_display()
        parts = [
            _(
                "The %(language)s version of “%(story)s” (%(original_language)s), as a "
                "draft. Its headline, standfirst and body are still the original's: write "
                "the translation over them."
            )
            % {
                "language": language,
                "story": self.original.headline,
                "original_language": self.original.get_language_display(),
            },
            _(
                "Carried over: the section, the lead image (its alt text and caption are the "
                "picture's own), the authors, story type, source, dateline and comments "
                "setting."
            ),
            _("Tags were not carried over: tags belong to one edition; choose this one's."),
        ]
        if self.related:
            parts.append(
                _("Related stories, as their %(language)s versions: %(stories)s.")
                % {"language": language, "stories": _quoted(self.related)}
            )
        if self.untranslated:
            parts.append(
                _("Related stories left out (no %(language)s version yet): %(stories)s.")
                % {"language": language, "stories": _quoted(self.untranslated)}
            )
        return " ".join(parts)


def _quoted(stories):
    return ", ".join(f"“{story.headline}”" for story in stories)


def target_languages(article, user, taken=None):
    """The editions `user` may translate `article` into: those its translation group has no
    story in yet (`taken`: the languages of its other versions, when the caller has read
    them), among the editions `user` works on (in the editions' order)."""
    if not user.has_perm("articles.add_article") or article.in_trash:
        return []
    if taken is None:
        taken = set(
            Article.objects.filter(translation_key=article.translation_key).values_list(
                "language", flat=True
            )
        )
    taken = {*taken, article.language}
    return [code for code in editions.editions_for(user) if code not in taken]


def free_slug(slug, language):
    """`slug`, or `slug-2`, `slug-3`...: one no story of the edition uses on any date (the
    draft's publication date is not known yet)."""
    base = (slug or "").strip("-")[:240] or "untitled"
    taken = set(
        Article.objects.filter(language=language, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def check(article, language, user):
    """Refuse a translation `user` may not start, with the reason."""
    if not user.has_perm("articles.add_article"):
        raise PermissionDenied(_("You may not add stories."))
    if not workflow.stories_visible_to(user).filter(pk=article.pk).exists():
        raise PermissionDenied(_("You may not open this story."))
    if article.in_trash:
        raise ValidationError(_("The story is in the trash: restore it first."))
    if language not in site_editions.codes():
        raise ValidationError(
            _("“%(code)s” is not an edition of this site.") % {"code": language or "—"}
        )
    name = dict(site_editions.choices())[language]
    if not editions.allows(user, language):
        raise PermissionDenied(
            _("Your desk does not work on the %(language)s edition.") % {"language": name}
        )
    existing = Article.objects.filter(
        translation_key=article.translation_key, language=language
    ).first()
    if existing is not None:
        raise ValidationError(
            _("This story already has a version in %(language)s: “%(story)s”.")
            % {"language": name, "story": existing.headline}
        )


def translate(article, language, *, by):
    """Start the `language` version of `article` as a draft by `by`; returns a Translation.

    Raises PermissionDenied (not allowed) or ValidationError (not possible), with a message
    for the person who asked."""
    check(article, language, by)
    draft = Article(
        language=language,
        translation_key=article.translation_key,
        status=Article.Status.DRAFT,
        created_by=by,
        slug=free_slug(article.slug or unicode_slug(article.headline, 240), language),
        **{name: getattr(article, name) for name in COPIED_FIELDS},
    )
    workflow.check_save(by, draft)
    draft._history_user = by
    draft._change_reason = (_("Translation of “%(story)s”") % {"story": article.headline})[:100]
    try:
        with transaction.atomic():
            draft.save()
            result = _carry_over(article, draft, by)
    except IntegrityError as error:
        # Someone started the same translation a moment ago (the group's constraint).
        raise ValidationError(
            _("This story already has a version in %(language)s.")
            % {"language": draft.get_language_display()}
        ) from error
    return result


def _carry_over(article, draft, by):
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article=draft, author_id=author_id, order=order)
        for author_id, order in ArticleAuthor.objects.filter(article=article)
        .order_by("order", "pk")
        .values_list("author_id", "order")
    )
    links = list(article.related_links.select_related("target").order_by("order", "pk"))
    versions = {
        version.translation_key: version
        for version in workflow.stories_visible_to(by)
        .filter(
            language=draft.language,
            translation_key__in=[link.target.translation_key for link in links],
        )
        .exclude(status=Article.Status.TRASHED)
        .only("pk", "headline", "translation_key")
    }
    result = Translation(article=draft, original=article)
    for link in links:
        version = versions.get(link.target.translation_key)
        if version is None:
            result.untranslated.append(link.target)
        elif version not in result.related:  # two versions of one story link to one
            result.related.append(version)
    RelatedLink.objects.bulk_create(
        RelatedLink(article=draft, target=version, order=order)
        for order, version in enumerate(result.related, start=1)
    )
    EditorialNote.objects.create(article=draft, author=by, text=result.summary())
    revisions.record_after_save(draft)  # its first revision holds the authors and links
    return result
