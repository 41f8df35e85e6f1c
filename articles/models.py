import re
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.query import ModelIterable
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords
from taggit.managers import TaggableManager, _TaggableManager
from taggit.models import TagBase, TaggedItemBase

from articles import crops as crop_policy
from articles.images import (
    CleanFile,
    content_sha256,
    make_image_renditions,
    strip_metadata,
    validate_image_upload,
)
from articles.sanitize import reading_minutes, sanitize_html, word_count
from newsroom import editions
from newsroom.tasks import enqueue_with_transaction

# Names per edition ---------------------------------------------------------------------------
# A section or an author is one row shared by every edition (one slug, one page per edition:
# `/ar/section/politics/`); what readers of an edition call it is a label row of its own, one
# per object and language (the way django-parler keys translations, not a column per
# language: the editions are a setting). An edition without a label shows the object's own
# fields, and so does the default edition, which has no labels.


def label_columns(model, outer, language, prefix="label_"):
    """{annotation: expression}: the label fields of `model` (a Labelled model) in `language`
    for the row `outer` (an OuterRef path to the labelled object), and the language they are
    in. Subqueries on the label's unique (object, language) index, in the query that reads
    the rows: the labels cost no query of their own."""
    relation = model.labels.rel
    rows = relation.related_model.objects.filter(
        **{relation.field.name: OuterRef(outer), "language": language}
    ).order_by()
    return {
        f"{prefix}language": Value(language),
        **{f"{prefix}{field}": Subquery(rows.values(field)[:1]) for field in model.label_fields},
    }


class LabelledQuerySet(models.QuerySet):
    def labelled(self, language=None):
        """Read each object's label in `language` (the active edition's) with it, for
        `edition_name` and the like (Labelled). The default edition has none to read."""
        language = language or editions.current()
        if language == editions.default():
            return self
        return self.annotate(**label_columns(self.model, "pk", language))


class Labelled:
    """A shared object readers see under a name per edition: its `labels` (one row per
    language, with the `label_fields`), else its own fields.

    `label()` is the one rule; `edition_name` (and `edition_description` for a section) are
    what templates, feeds and structured data show. The label comes from the query that read
    the object when that query asked for it (`labelled()`, or `Article.objects.for_listing()`
    for a story's section and authors); otherwise it is looked up, one query an object, which
    the query-count tests would catch on a reader page.
    """

    label_fields = ("name",)

    def label(self, language=None):
        """The label row of `language` (the active edition's), or None: in the default edition,
        and in an edition that has no label for this object."""
        language = language or editions.current()
        if language == editions.default():
            return None
        known = self.__dict__.setdefault("_labels", {})
        if language not in known:
            if self.__dict__.get("label_language") == language:
                values = {field: getattr(self, f"label_{field}") for field in self.label_fields}
                self.learn_label(language, values)
            else:  # not read with the object: from a prefetch of `labels`, else one query
                found = [row for row in self.labels.all() if row.language == language]
                known[language] = found[0] if found else None
        return known[language]

    def learn_label(self, language, values):
        """Remember the label in `language` read elsewhere: `values` of the label fields, the
        name None when the edition has no label."""
        label = None
        if values.get("name") is not None:
            label = self.labels.model(language=language, **values)
        self.__dict__.setdefault("_labels", {})[language] = label

    def in_edition(self, field, language=None):
        """`field` as readers of the edition see it: the label's, else the object's own (also
        when the label leaves it empty)."""
        return getattr(self.label(language), field, "") or getattr(self, field)

    @property
    def edition_name(self):
        return self.in_edition("name")


class Section(Labelled, models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(
        _("order"),
        default=0,
        help_text=_("Lower numbers come first in menus and on the home page."),
    )

    objects = LabelledQuerySet.as_manager()

    label_fields = ("name", "description")

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})

    @property
    def edition_description(self):
        return self.in_edition("description")


class EditionLabel(models.Model):
    """What the label rows share: the edition they are for, one row per object and edition."""

    language = models.CharField(
        _("edition"),
        max_length=10,
        # The default edition reads the object's own fields: it has no labels.
        choices=editions.other_choices,
        help_text=_("The edition whose readers see this name."),
    )

    class Meta:
        abstract = True


class SectionLabel(EditionLabel):
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="labels"
    )
    name = models.CharField(
        _("name"),
        max_length=80,
        help_text=_(
            "The section's name in this edition: its menu link, its page's heading and the "
            "label on its stories."
        ),
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Leave empty to show the section's own description."),
    )

    class Meta:
        ordering = ["language"]
        verbose_name = _("section name in an edition")
        verbose_name_plural = _("section names in other editions")
        constraints = [
            models.UniqueConstraint(
                fields=["section", "language"], name="section_label_once_per_edition"
            ),
            models.UniqueConstraint(
                fields=["language", "name"], name="section_label_name_unique_in_edition"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.language})"


class Author(Labelled, models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    bio = models.TextField(_("biography"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="authors/", blank=True)
    expertise = models.CharField(
        _("areas of expertise"),
        max_length=255,
        blank=True,
        help_text=_("Comma-separated, e.g. 'Housing, Local government'."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author_profile",
    )

    objects = LabelledQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})

    @property
    def expertise_list(self):
        """The areas, split on a comma, Latin or Arabic-script (،): staff type either."""
        return [item.strip() for item in re.split("[,،]", self.expertise) if item.strip()]


class AuthorName(EditionLabel):
    author = models.ForeignKey(
        Author, verbose_name=_("author"), on_delete=models.CASCADE, related_name="labels"
    )
    name = models.CharField(
        _("name"),
        max_length=120,
        help_text=_(
            "The author's name as readers of this edition write it, in its script: in bylines "
            "and on the author's page."
        ),
    )

    class Meta:
        ordering = ["language"]
        verbose_name = _("author's name in an edition")
        verbose_name_plural = _("author's names in other editions")
        constraints = [
            models.UniqueConstraint(
                fields=["author", "language"], name="author_name_once_per_edition"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.language})"


def _fraction(label):
    return models.FloatField(
        label,
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )


class Image(models.Model):
    file = models.ImageField(
        _("file"),
        upload_to="images/%Y/%m/",
        width_field="width",
        height_field="height",
        validators=[validate_image_upload],
        help_text=_("JPEG, PNG, WebP or GIF. Location and camera data are removed on upload."),
    )
    alt_text = models.CharField(
        _("alt text"),
        max_length=255,
        blank=True,
        help_text=_(
            "Describe the picture for readers who cannot see it. A picture without alt text "
            "cannot be used in a story."
        ),
    )
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    credit = models.CharField(_("credit"), max_length=255, blank=True)
    # What every crop keeps in view, as fractions of the width and height: 0 is the left (top)
    # edge, 1 the right (bottom) edge.
    focal_x = _fraction(_("focal point, across"))
    focal_y = _fraction(_("focal point, down"))
    width = models.PositiveIntegerField(_("width"), editable=False, null=True)
    height = models.PositiveIntegerField(_("height"), editable=False, null=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # The stored file's SHA-256: an upload that would store the same bytes is a duplicate.
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, editable=False)
    renditions = models.JSONField(_("renditions"), default=dict, editable=False)
    crops = models.JSONField(_("crops"), default=dict, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("image")
        verbose_name_plural = _("images")
        indexes = [models.Index(fields=["sha256"], name="image_sha256")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="image_focal_point_inside",
            )
        ]

    def __str__(self):
        return self.caption or self.alt_text or PurePosixPath(self.file.name or "").name

    def save(self, *args, **kwargs):
        new_file = bool(self.file) and not self.file._committed
        if new_file:
            if not isinstance(self.file.file, CleanFile):  # cleaned already by the form
                self.file = strip_metadata(self.file)
            self.renditions = {}
            self.crops = {}
            self.sha256 = content_sha256(self.file)
        elif self.file and not self.sha256:  # a file stored before its row (scripts)
            with self.file.open("rb") as stored:
                self.sha256 = content_sha256(stored)
        super().save(*args, **kwargs)
        if self.file and self.renditions_pending:
            # Up to twenty-odd encodes of a large picture: the worker makes them, not the
            # request. Also when an image still has none (its job gave up), and whenever the
            # focal point moved: saving it asks again.
            enqueue_with_transaction(make_image_renditions, self.pk, self.file.name)

    @property
    def has_alt_text(self):
        """Only a described picture may be used in a story (ArticleAdminForm checks it)."""
        return bool(self.alt_text.strip())

    @property
    def focal_point(self):
        return (self.focal_x, self.focal_y)

    @property
    def crops_current(self):
        """Were the stored crops cut around the focal point the image has now?"""
        return self.crops.get("focal") == [self.focal_x, self.focal_y]

    @property
    def renditions_pending(self):
        """Is anything still to be made by the worker (make_image_renditions)?"""
        return not self.renditions or not self.crops_current

    def srcset(self, fmt="webp"):
        """`srcset` value for <source>/<img>: every stored width of one format."""
        return self._srcset(self.renditions, fmt)

    def _srcset(self, entries, fmt):
        storage = self.file.storage
        return ", ".join(
            f"{storage.url(entry[fmt])} {width}w"
            for width, entry in sorted(entries.items(), key=lambda item: int(item[0]))
        )

    @staticmethod
    def _closest(entries, width):
        """(width, entry) of the stored rendition at least `width` wide, else the widest."""
        widths = sorted(int(w) for w in entries)
        chosen = next((w for w in widths if w >= width), widths[-1])
        return chosen, entries[str(chosen)]

    def _closest_rendition(self, width):
        return self._closest(self.renditions, width)

    def rendition_url(self, width, fmt="jpeg"):
        """The URL of the stored rendition closest to `width` (at least as wide, if any)."""
        if not self.renditions:
            return self.file.url
        _chosen, entry = self._closest_rendition(width)
        return self.file.storage.url(entry[fmt])

    def rendition_file(self, width, fmt="jpeg"):
        """(url, byte size, width, height) of the rendition closest to `width`.

        The size was recorded at upload; only renditions made before that ask the storage.
        """
        if not self.renditions:
            return self.file.url, self.file.size, self.width, self.height
        chosen, entry = self._closest_rendition(width)
        size = entry.get(f"{fmt}_bytes")
        if size is None:
            size = self.file.storage.size(entry[fmt])
        return self.file.storage.url(entry[fmt]), size, chosen, entry.get("height")

    # Crops (articles.crops): each ratio's widths, once made for the current focal point.
    def crop(self, ratio):
        """{width: entry} of the `ratio` ("16:9") crop, or None while it is being made."""
        if not self.crops_current:
            return None
        made = self.crops.get(ratio)
        return made["widths"] if made and made.get("widths") else None

    def crop_srcset(self, ratio, fmt="webp"):
        made = self.crop(ratio)
        return self._srcset(made, fmt) if made else ""

    def crop_file(self, ratio, width, fmt="jpeg"):
        """(url, width, height) of the `ratio` crop closest to `width`; while it is being
        made, of the whole picture (rendition or original) instead."""
        made = self.crop(ratio)
        if made:
            chosen, entry = self._closest(made, width)
            return self.file.storage.url(entry[fmt]), chosen, entry["height"]
        if self.renditions:
            chosen, entry = self._closest_rendition(width)
            return self.file.storage.url(entry[fmt]), chosen, entry.get("height")
        return self.file.url, self.width, self.height

    def crop_url(self, ratio, width, fmt="jpeg"):
        return self.crop_file(ratio, width, fmt)[0]

    def share_urls(self):
        """One URL per crop ratio, widest ratio first, each at least SHARE_WIDTH wide where
        the picture allows (a picture still being cropped gives its whole self, once)."""
        urls = [self.crop_url(r.key, crop_policy.SHARE_WIDTH) for r in crop_policy.RATIOS]
        return list(dict.fromkeys(urls))


# Full-text search reads a story in its own language: PostgreSQL's text-search configuration
# for each language it stems; "simple" (no stemming, no stop words) for the others, such as
# Persian and Urdu.
SEARCH_CONFIGS = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "da": "danish",
    "nl": "dutch", "en": "english", "fi": "finnish", "fr": "french", "de": "german",
    "el": "greek", "hi": "hindi", "hu": "hungarian", "id": "indonesian", "ga": "irish",
    "it": "italian", "lt": "lithuanian", "ne": "nepali", "nb": "norwegian", "no": "norwegian",
    "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian", "es": "spanish",
    "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}  # fmt: skip


def search_config(language):
    """The text-search configuration of a language code ("pt-br" reads as Portuguese)."""
    return SEARCH_CONFIGS.get(language.split("-")[0], "simple")


def search_vector(language):
    """The one definition of what search reads, and how much each part weighs."""
    config = search_config(language)
    return (
        SearchVector("headline", weight="A", config=config)
        + SearchVector("standfirst", weight="B", config=config)
        + SearchVector("body", weight="C", config=config)
    )


class Tag(TagBase):
    """A tag of one edition: readers of the Arabic edition see Arabic tags, never a mix.

    The name and the slug are unique within a language, so the same name can be a tag of
    two editions (two rows); a story only ever carries tags of its own language
    (EditionTagManager).
    """

    # taggit's TagBase makes both globally unique: here they are unique per language.
    name = models.CharField(pgettext_lazy("A tag name", "name"), max_length=100)
    slug = models.SlugField(
        pgettext_lazy("A tag slug", "slug"), max_length=100, allow_unicode=True
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=editions.choices,
        default=editions.default,
        help_text=_("The edition whose stories carry this tag."),
    )

    natural_key_fields = ["language", "name"]

    class Meta:
        ordering = ["language", "name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [
            models.UniqueConstraint(fields=["language", "slug"], name="tag_slug_per_language"),
            models.UniqueConstraint(fields=["language", "name"], name="tag_name_per_language"),
        ]

    def get_absolute_url(self):
        """The tag's page in its edition (`/ar/tag/<slug>/` for an Arabic tag)."""
        with translation.override(self.language):
            return reverse("articles:tag", kwargs={"slug": self.slug})


class TaggedStory(TaggedItemBase):
    """A story carrying a tag (taggit's through model, with a real foreign key to the story)."""

    content_object = models.ForeignKey(
        "Article", verbose_name=_("story"), on_delete=models.CASCADE, db_index=False
    )
    tag = models.ForeignKey(
        Tag,
        verbose_name=_("tag"),
        on_delete=models.CASCADE,
        related_name="tagged_stories",
        db_index=False,
    )

    class Meta:
        verbose_name = _("tagged story")
        verbose_name_plural = _("tagged stories")
        constraints = [
            # Also the index of "the tags of this story".
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_story_once")
        ]
        # "The stories of this tag" (tag pages, related stories).
        indexes = [models.Index(fields=["tag", "content_object"], name="tagged_story_by_tag")]


class EditionTagManager(_TaggableManager):
    """`story.tags`, whose tags are always the story's language.

    Names given to `add()`/`set()` (the desk's tag field, seed_demo, a revision) are looked up
    and created among the tags of `story.language` only: saving an Arabic story with the name
    of an English tag makes (or finds) the Arabic tag of that name, never links the English
    one. A Tag object of another language is refused.
    """

    def _to_tag_model_instances(self, tags, tag_kwargs):
        language = self.instance.language
        for tag in tags:
            if isinstance(tag, Tag) and tag.language != language:
                raise ValueError(
                    f"The tag {tag.name!r} is of the {tag.language!r} edition, "
                    f"the story of the {language!r} one."
                )
        return super()._to_tag_model_instances(tags, {**tag_kwargs, "language": language})


class RevisionRelations(models.Model):
    """What a story revision keeps beside the story's own fields (articles.desk.revisions)."""

    relations = models.JSONField(
        _("tags, authors, related stories and corrections"), null=True, editable=False
    )

    class Meta:
        abstract = True


class ArticleIterable(ModelIterable):
    """Stories as the model iterable makes them, each one's section given the label that
    `with_section_label()` read with the story (select_related gives every story a section
    object of its own, which the story's annotations do not reach)."""

    def __iter__(self):
        for article in super().__iter__():
            language = article.__dict__.pop("section_label_language", None)
            if language is not None:
                values = {
                    field: article.__dict__.pop(f"section_label_{field}")
                    for field in Section.label_fields
                }
                if Article.section.is_cached(article):
                    article.section.learn_label(language, values)
            yield article


class ArticleQuerySet(models.QuerySet):
    # What other apps add to reader queries, by shape, read by name: {annotation: factory}.
    # "card" shapes every listing card; each "page" annotation is a time the story page last
    # changed, which the story view folds into Last-Modified. The comments app contributes
    # both from its AppConfig.ready (an approved count, when its block changed): the story
    # app names nothing that plugs in.
    contributions = {"card": {}, "page": {}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._iterable_class = ArticleIterable

    @classmethod
    def contribute(cls, shape, **factories):
        """Add annotations to `shape`: each factory returns a fresh expression."""
        cls.contributions[shape].update(factories)

    def with_contributions(self, shape):
        factories = self.contributions[shape]
        return self.annotate(**{name: factory() for name, factory in factories.items()})

    def published(self):
        """What readers may see: published, and the publication time has come."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=timezone.now())

    def in_edition(self, code=None):
        """The stories of one edition: the active one (the request's) unless `code` is given.
        Every reader page of an edition starts from `published().in_edition()`."""
        return self.filter(language=code or editions.current())

    def with_section_label(self, language=None):
        """Read each story's section label in `language` (the active edition's) in the same
        query, for `story.section.edition_name` (Labelled): with select_related("section")."""
        language = language or editions.current()
        if language == editions.default():
            return self
        return self.annotate(**label_columns(Section, "section", language, "section_label_"))

    @staticmethod
    def card_prefetches():
        """What a card needs besides its own row: the authors, in byline order, each with its
        name in the active edition."""
        authors = Author.objects.labelled().order_by("articleauthor__order")
        return [models.Prefetch("authors", queryset=authors)]

    def tags(self):
        """The tags of these stories: readers see a tag only through a story they may see.

        Each tag is found by one of its stories, a subquery PostgreSQL runs tag by tag (an
        IN or EXISTS would be turned into a join of every story with every tag it carries).
        """
        one_story = self.filter(tags=models.OuterRef("pk")).order_by().values("pk")[:1]
        return Tag.objects.alias(story=models.Subquery(one_story)).filter(story__isnull=False)

    def for_listing(self):
        """The shape of every article card: one query for the articles, a few prefetches."""
        return (
            self.select_related("section", "lead_image")
            .with_section_label()
            .prefetch_related(*self.card_prefetches())
            .with_contributions("card")
        )


# What readers may see is among `status = published` (published() adds the time): the reader
# pages' partial indexes hold those rows only, in the order each page reads them
# (articles/site/paging.py, HomeView), each edition's rows together (the language leads), so
# a page is a short index scan of its own rows, whatever the size of the archive or the share
# of the other editions in it.
LIVE = Q(status="published")


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")
        # Where a deleted story waits, hidden from readers, until restored or destroyed.
        TRASHED = "trashed", _("In trash")

    class StoryType(models.TextChoices):
        # Shown to readers as a label on the story and its cards (context "story type").
        NEWS = "news", pgettext_lazy("story type", "News")
        ANALYSIS = "analysis", pgettext_lazy("story type", "Analysis")
        OPINION = "opinion", pgettext_lazy("story type", "Opinion")
        REVIEW = "review", pgettext_lazy("story type", "Review")
        SPONSORED = "sponsored", pgettext_lazy("story type", "Sponsored")

    # Edition: each language version of a story is a story of its own, with its own address,
    # status and comments; the versions share a translation key (as wagtail-localize keys
    # them), at most one per language.
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=editions.choices,
        default=editions.default,
        help_text=_("The edition the story appears in."),
    )
    translation_key = models.UUIDField(
        _("translation group"),
        default=uuid.uuid4,
        help_text=_(
            "Versions of one story in different languages share this. A group holds at most "
            "one story per language."
        ),
    )

    # Story
    headline = models.CharField(_("headline"), max_length=255)
    slug = models.SlugField(
        _("slug"),
        max_length=255,
        allow_unicode=True,
        help_text=_(
            "The last part of the story's address. Unique for its publication date in its edition."
        ),
    )
    standfirst = models.TextField(
        _("standfirst"), blank=True, help_text=_("One or two sentences under the headline.")
    )
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_("Cleaned on save: scripts, styles and embeds are removed."),
    )
    section = models.ForeignKey(
        Section,
        verbose_name=_("section"),
        on_delete=models.PROTECT,
        related_name="articles",
    )
    tags = TaggableManager(_("tags"), blank=True, through=TaggedStory, manager=EditionTagManager)
    authors = models.ManyToManyField(
        Author,
        verbose_name=_("authors"),
        through="ArticleAuthor",
        related_name="articles",
        blank=True,
    )
    byline = models.CharField(
        _("byline"),
        max_length=255,
        blank=True,
        help_text=_("Optional free text, e.g. 'Staff and agencies'. Shown after the authors."),
    )
    source = models.CharField(
        _("source / agency"),
        max_length=120,
        blank=True,
        help_text=_("Shown at the start of the lead as '(Agency) - '."),
    )
    dateline = models.CharField(_("dateline"), max_length=120, blank=True)
    story_type = models.CharField(
        _("story type"), max_length=20, choices=StoryType, default=StoryType.NEWS
    )
    lead_image = models.ForeignKey(
        Image,
        verbose_name=_("lead image"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lead_for",
    )

    # Publishing
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT, db_index=True
    )
    publish_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Leave empty to publish now; a future time schedules the story."),
    )
    first_published_at = models.DateTimeField(
        _("first published"), null=True, blank=True, editable=False
    )
    pub_date = models.DateField(
        _("publication date"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The first-publication date in the site's time zone; part of the URL."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    show_updated = models.BooleanField(
        _("show as updated"),
        default=False,
        help_text=_("Tick after a material change: readers see 'Updated' with its time."),
    )
    comments_enabled = models.BooleanField(_("comments on"), default=True)
    featured = models.BooleanField(
        _("home-page lead"),
        default=False,
        help_text=_("The newest featured story leads the home page."),
    )
    priority = models.SmallIntegerField(
        _("priority"), default=0, help_text=_("Higher numbers rank higher among top stories.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    # Trash (articles.desk.workflow.trash / restore): who deleted the story, when, and the status
    # it goes back to when restored.
    trashed_at = models.DateTimeField(_("moved to trash"), null=True, blank=True, editable=False)
    trashed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moved to trash by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    status_before_trash = models.CharField(
        _("status before the trash"), max_length=20, choices=Status, blank=True, editable=False
    )

    # Search & social
    seo_title = models.CharField(
        _("SEO title"), max_length=255, blank=True, help_text=_("Leave empty to use the headline.")
    )
    seo_description = models.CharField(
        _("SEO description"),
        max_length=300,
        blank=True,
        help_text=_("Leave empty to use the standfirst."),
    )
    canonical_url = models.URLField(
        _("canonical URL"),
        blank=True,
        help_text=_("Only for syndicated copy: the original's address."),
    )
    noindex = models.BooleanField(
        _("hide from search engines"),
        default=False,
        help_text=_("Adds robots 'noindex' and leaves the story out of sitemaps."),
    )

    # Derived at save time
    word_count = models.PositiveIntegerField(_("word count"), default=0, editable=False)
    reading_time = models.PositiveSmallIntegerField(
        _("reading time (minutes)"), default=0, editable=False
    )
    # Full-text search (PostgreSQL): headline A, standfirst B, body C, read in the story's
    # language (search_config). Written by save();
    # the GIN index on it is made by migration 0003 on PostgreSQL only.
    search_vector = SearchVectorField(_("search vector"), null=True, editable=False)
    # One more on every save (save()); the desk refuses a form opened on an older one
    # (articles.desk.conflicts), so a second editor's save never silently undoes the first's.
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    objects = ArticleQuerySet.as_manager()
    # Every saved version of the story's own fields, for compare and revert in the admin.
    history = HistoricalRecords(
        verbose_name=_("story revision"),
        # Derived from the text on every save; a revision need not keep it.
        # The translation group is which stories are versions of each other, not a revision
        # of one: reverting a story never moves it to another group.
        excluded_fields=["search_vector", "translation_key"],
        bases=[RevisionRelations],
    )

    class Meta:
        ordering = ["-publish_at", "-id"]
        get_latest_by = "publish_at"
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        permissions = [("publish_article", _("Can publish, schedule and unpublish stories"))]
        constraints = [
            models.UniqueConstraint(
                fields=["language", "pub_date", "slug"],
                name="article_unique_slug_per_edition_date",
                violation_error_message=_(
                    "Another story published that day in this edition has this slug."
                ),
            ),
            models.UniqueConstraint(
                fields=["translation_key", "language"],
                name="article_one_version_per_language",
                violation_error_message=_("This story already has a version in this language."),
            ),
            models.CheckConstraint(
                condition=Q(status="trashed", trashed_at__isnull=False)
                | (~Q(status="trashed") & Q(trashed_at__isnull=True)),
                name="article_trash_has_a_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-publish_at"], name="article_status_pub"),
            # An edition's pages read its own stories: each index leads with the language.
            models.Index(  # the edition's newest: feeds, search, tag and author listings
                fields=["language", "-publish_at", "-id"],
                condition=LIVE,
                name="article_live_edition",
            ),
            models.Index(
                fields=["language", "section", "-publish_at", "-id"],
                condition=LIVE,
                name="article_live_section",
            ),
            models.Index(
                fields=["language", "-priority", "-publish_at", "-id"],
                condition=LIVE,
                name="article_live_priority",
            ),
            models.Index(
                fields=["language", "-publish_at", "-id"],
                condition=LIVE & Q(featured=True),
                name="article_live_featured",
            ),
            models.Index(  # date archives: a range of days
                fields=["language", "-pub_date", "-publish_at", "-id"],
                condition=LIVE,
                name="article_live_day",
            ),
            models.Index(  # the news sitemap: the newest first publications
                fields=["-first_published_at", "-id"],
                condition=LIVE,
                name="article_live_first_published",
            ),
            # The newest change, for Last-Modified and the sitemaps: the top of an index, not a scan.
            models.Index(fields=["updated_at"], name="article_updated"),
            # The desk's story list, in its order (the newest time first, stories with no time
            # on top: PostgreSQL's DESC puts NULLs first), whatever their status: a page of it
            # and the date hierarchy's ends read a few index entries, not the table.
            models.Index(fields=["-publish_at", "-id"], name="article_desk_list"),
        ]

    def contributed_changes(self):
        """When other apps' parts of this page last changed: a story_queryset() row's "page"
        annotations (ArticleQuerySet.contributions)."""
        return [getattr(self, name) for name in ArticleQuerySet.contributions["page"]]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        """The story's address in its edition (`/ar/...` for an Arabic story)."""
        with translation.override(self.language):
            if self.pub_date is None:
                return reverse("articles:preview", kwargs={"pk": self.pk})
            return reverse(
                "articles:article",
                kwargs={
                    "year": self.pub_date.year,
                    "month": f"{self.pub_date.month:02d}",
                    "day": f"{self.pub_date.day:02d}",
                    "slug": self.slug,
                },
            )

    def save(self, *args, **kwargs):
        self.derive_from_text()
        stored = self._stored_row()
        old_path = self._live_path(stored)
        # The group it leaves, if it moves: that group's pages list it (articles.cache).
        self.left_group = (
            stored["translation_key"]
            if stored and stored["translation_key"] != self.translation_key
            else None
        )
        self.version = (stored["version"] if stored else 0) + 1
        self._stamp_publication()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = set(update_fields) | {
                "body", "word_count", "reading_time", "publish_at", "first_published_at", "pub_date",
                "version",
            }  # fmt: skip
        super().save(*args, **kwargs)
        self.update_search_vector()
        if stored and stored["language"] != self.language:
            self.move_tags_to_language()
        if old_path and old_path != self.get_absolute_url():
            ArticleRedirect.objects.update_or_create(old_path=old_path, defaults={"article": self})

    def move_tags_to_language(self):
        """A story moved to another edition carries that edition's tags of the same names
        (found or made), not the ones of the edition it left."""
        names = list(self.tags.names())
        if names:
            self.tags.clear()
            self.tags.add(*names)

    def derive_from_text(self):
        """What every save derives from the text: the body cut to the allow-list, its word
        count and reading time (the desk's preview of unsaved content calls it too)."""
        self.body = sanitize_html(self.body)
        self.word_count = word_count(self.body)
        self.reading_time = reading_minutes(self.word_count)

    def update_search_vector(self):
        """Recompute the stored search vector (PostgreSQL only; SQLite search uses LIKE)."""
        db = self._state.db or "default"
        if connections[db].vendor != "postgresql":
            return
        vector = search_vector(self.language)
        Article.objects.using(db).filter(pk=self.pk).update(search_vector=vector)

    def _stamp_publication(self):
        """Fix the first-publication time the first time the story goes (or is set to go) live.

        Until it has actually gone live, a rescheduled story follows its new time; once live,
        the first-publication time never changes again, so neither does its URL date.
        """
        if self.status != self.Status.PUBLISHED:
            return
        if self.publish_at is None:
            self.publish_at = timezone.now()
        self.first_published_at = self.first_publication_time()
        self.pub_date = timezone.localdate(self.first_published_at)

    def published_versions(self):
        """The published versions of this story, itself included, in the order of the
        editions: {language: story}, one query."""
        found = {
            version.language: version
            for version in Article.objects.published()
            .filter(translation_key=self.translation_key, language__in=editions.codes())
            .only("id", "language", "slug", "pub_date", "translation_key")
        }
        return {code: found[code] for code in editions.codes() if code in found}

    @property
    def date_published(self):
        """When readers are told the story was published: first publication, else its time."""
        return self.first_published_at or self.publish_at

    @property
    def date_modified(self):
        """When the story last changed for readers: an edit, or (re)publication."""
        return max(filter(None, [self.updated_at, self.publish_at]), default=None)

    def first_publication_time(self):
        """When the story first went (or, scheduled, will first go) live, if published now."""
        now = timezone.now()
        if self.first_published_at is None or self.first_published_at > now:
            return self.publish_at or now
        return self.first_published_at

    def _stored_row(self):
        """The stored edition, group, date, slug and version of this story (None before its
        first save)."""
        if self.pk is None:
            return None
        stored = Article.objects.filter(pk=self.pk)
        return stored.values("language", "translation_key", "pub_date", "slug", "version").first()

    def _live_path(self, stored):
        if not stored or stored["pub_date"] is None:
            return None
        return Article(
            pk=self.pk,
            language=stored["language"],
            pub_date=stored["pub_date"],
            slug=stored["slug"],
        ).get_absolute_url()

    def clean(self):
        super().clean()
        if self.canonical_url and not self.canonical_url.startswith(("http://", "https://")):
            raise ValidationError({"canonical_url": _("Use an http or https address.")})

    @property
    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def in_trash(self):
        return self.status == self.Status.TRASHED

    @property
    def is_scheduled(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at > timezone.now()
        )

    @property
    def title_for_search_engines(self):
        return self.seo_title or self.headline

    @property
    def description_for_search_engines(self):
        return self.seo_description or self.standfirst

    def relate(self, target, *, both_ways=False):
        """Add `target` at the end of this story's related links (and the reverse link)."""
        links = [(self, target), (target, self)] if both_ways else [(self, target)]
        for article, other in links:
            if not RelatedLink.objects.filter(article=article, target=other).exists():
                last = article.related_links.aggregate(models.Max("order"))["order__max"]
                RelatedLink.objects.create(article=article, target=other, order=(last or 0) + 1)


class ArticleAuthor(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE)
    author = models.ForeignKey(Author, verbose_name=_("author"), on_delete=models.PROTECT)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="article_author_once")
        ]

    def __str__(self):
        return str(self.author)


class RelatedLink(models.Model):
    """A curated 'Related Articles' entry, in the order the editor set."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_links")
    target = models.ForeignKey(
        Article,
        verbose_name=_("related story"),
        on_delete=models.CASCADE,
        related_name="linked_from",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("related story")
        verbose_name_plural = _("related stories")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "target"],
                name="related_link_once",
                violation_error_message=_("This story is already linked."),
            ),
            models.CheckConstraint(
                condition=~Q(article=F("target")),
                name="related_link_not_self",
                violation_error_message=_("A story cannot be related to itself."),
            ),
        ]

    def __str__(self):
        return f"{self.article} → {self.target}"


class Correction(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    date = models.DateTimeField(_("date"), default=timezone.now)
    text = models.TextField(_("correction"))

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self):
        return f"{self.article}: {self.date:%Y-%m-%d}"


class ArticleRedirect(models.Model):
    """An address a story used to have; the reader site answers it with a 301."""

    old_path = models.CharField(_("old path"), max_length=400, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")

    def __str__(self):
        return f"{self.old_path} → {self.article}"


# The desk's people (articles.desk.notes, .notifications, .people): notes staff leave on a
# story, the desk mail each person wants, and staff accounts as a chief editor manages them.


class EditorialNote(models.Model):
    """A note the desk leaves on a story: staff only, never in anything readers get."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        SENT_BACK = "sent_back", _("Sent back to draft")

    article = models.ForeignKey(
        Article,
        verbose_name=_("story"),
        on_delete=models.CASCADE,
        related_name="editorial_notes",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now, editable=False)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind, default=Kind.NOTE, editable=False
    )
    text = models.TextField(
        _("note"),
        max_length=4000,
        help_text=_("For the desk only: readers never see it. Plain text."),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("editorial note")
        verbose_name_plural = _("editorial notes")

    def __str__(self):
        return f"{self.article}: {self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class NotificationPreference(models.Model):
    """The desk mail one person wants. Without a row, all of it (the defaults)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="desk_notifications",
    )
    on_submitted = models.BooleanField(
        _("a story is submitted for review"),
        default=True,
        help_text=_("Sent to everyone who can publish."),
    )
    on_published = models.BooleanField(
        _("my story is published or scheduled"),
        default=True,
        help_text=_("For the stories you created."),
    )
    on_sent_back = models.BooleanField(
        _("my story is sent back to me with a note"),
        default=True,
        help_text=_("For the stories you created."),
    )

    class Meta:
        default_permissions = ()  # each person sets their own, on "My notifications"
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)

    @classmethod
    def of(cls, user):
        """The user's preferences: the stored row, or the defaults (unsaved)."""
        return cls.objects.filter(user=user).first() or cls(user=user)

    def wants(self, event):
        """`event` is one of articles.desk.notifications.EVENTS: submitted, published, sent_back."""
        return getattr(self, f"on_{event}")


class StaffMember(get_user_model()):
    """A staff account as the desk manages it (articles.desk.people): chief editors invite,
    regroup and deactivate staff through this proxy, never through the user admin."""

    class Meta:
        proxy = True
        default_permissions = ()
        permissions = [
            (
                "manage_staff",
                _("Can invite staff, put them in a newsroom group and deactivate them"),
            )
        ]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")


class TagRedirect(models.Model):
    """The address of a tag merged into another; the reader site answers it with a 301.

    An old slug is an address of one edition (`/ar/tag/<old slug>/`): its language is the
    tag's."""

    language = models.CharField(
        _("language"), max_length=10, choices=editions.choices, default=editions.default
    )
    old_slug = models.CharField(_("old slug"), max_length=100)
    tag = models.ForeignKey(
        Tag, verbose_name=_("tag"), on_delete=models.CASCADE, related_name="redirects"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("old tag address")
        verbose_name_plural = _("old tag addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["language", "old_slug"], name="tag_redirect_once_per_language"
            )
        ]

    def __str__(self):
        return f"{self.old_slug} → {self.tag}"


# The desk's editing sessions (edit locks, autosaves) live with the desk, registered here.
from articles.desk.models import Autosave, DeskEditions, EditLock  # noqa: E402, F401
