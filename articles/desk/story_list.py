"""The story list of the desk: its filters, its search, and its compact columns.

`StoryListAdmin` is a mixin of the story admin (articles.desk.admin.ArticleAdmin). The list
fits a 1280-pixel screen beside the admin's menu and the filters (static/articles/planning.css):
three columns, the headline with the section and the byline under it, the desk's status (with
its flag, and with several editions the story's versions under it, each language linking to
its version), and the publication time with the last update under it.
Search covers headline, slug and standfirst as Django's admin search does, and the body too:
through the stored full-text vector on PostgreSQL (the reader search's parser and weights,
articles.site.search), a plain `icontains` elsewhere.
"""

import functools
import operator

from django.contrib import admin
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from articles.desk import schedule
from articles.desk.workflow import stories_visible_to
from articles.models import Article, ArticleAuthor, Author, search_config
from articles.site.search import MAX_QUERY_LENGTH, parse
from newsroom import editions


class DeskStatusFilter(admin.SimpleListFilter):
    """The model's statuses plus the two the desk derives (articles.desk.schedule); the trash
    is a place of its own, left out of "All"."""

    title = _("status")
    parameter_name = "status"
    SCHEDULED = "scheduled"
    REVIEW_OVERDUE = "review-overdue"

    def lookups(self, request, model_admin):
        choices = []
        for value, label in Article.Status.choices:
            if value == Article.Status.PUBLISHED:
                choices += [(value, _("Published (live)")), (self.SCHEDULED, _("Scheduled"))]
            elif value == Article.Status.IN_REVIEW:
                choices += [
                    (value, label),
                    (self.REVIEW_OVERDUE, _("In review, past its planned time")),
                ]
            else:
                choices.append((value, label))
        return choices

    def queryset(self, request, queryset):
        now = timezone.now()
        value = self.value()
        if value == Article.Status.PUBLISHED:
            return queryset.filter(schedule.live(now))
        if value == self.SCHEDULED:
            return queryset.filter(schedule.scheduled(now))
        if value == self.REVIEW_OVERDUE:
            return queryset.filter(schedule.review_overdue(now))
        if value in Article.Status.values:
            return queryset.filter(status=value)
        return queryset.exclude(status=Article.Status.TRASHED)

    def choices(self, changelist):
        choices = list(super().choices(changelist))
        choices[0]["display"] = _("All but the trash")
        return choices


class MineFilter(admin.SimpleListFilter):
    """Stories I created or that carry my byline (my author profile)."""

    title = _("whose")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("1", _("Mine"))]

    def queryset(self, request, queryset):
        if self.value() != "1":
            return queryset
        user = request.user
        bylined = Article.authors.through.objects.filter(author__user=user).values("article")
        return queryset.filter(Q(created_by=user) | Q(pk__in=bylined))


class AuthorFilter(admin.SimpleListFilter):
    """By byline author; only authors with at least one story are offered (one query)."""

    title = _("author")
    parameter_name = "author"

    def lookups(self, request, model_admin):
        # Each author probed for one byline (an index entry), not every byline joined and
        # made distinct: the list of authors costs the same at 100,000 stories.
        bylines = ArticleAuthor.objects.filter(author=OuterRef("pk"))
        authors = Author.objects.filter(Exists(bylines)).order_by("name")
        return [(str(author.pk), author.name) for author in authors.only("pk", "name")]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isascii() or not value.isdigit():
            return queryset.none()
        return queryset.filter(
            pk__in=Article.authors.through.objects.filter(author_id=int(value)).values("article")
        )


def text_matches(queryset, term):
    """Stories of `queryset` whose text (headline, standfirst, body) matches `term`, read as
    the reader search reads it: words, "quoted phrases", -excluded words. On PostgreSQL
    through the stored full-text vector (stemmed, prefixes), elsewhere with `icontains`."""
    parsed = parse(term[:MAX_QUERY_LENGTH])
    if not parsed:
        return queryset.none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        # The desk searches every edition: each story with the words as its language reads
        # them (its vector was made so).
        languages = {}
        for code in editions.codes():
            languages.setdefault(search_config(code), []).append(code)
        raw = parsed.tsquery()
        matches = [
            Q(language__in=codes, search_vector=SearchQuery(raw, search_type="raw", config=config))
            for config, codes in languages.items()
        ]
        return queryset.filter(functools.reduce(operator.or_, matches))

    def anywhere(words):
        return (
            Q(headline__icontains=words)
            | Q(standfirst__icontains=words)
            | Q(body__icontains=words)
        )

    for words in [" ".join(phrase) for phrase in parsed.phrases] + parsed.words:
        queryset = queryset.filter(anywhere(words))
    for word in parsed.excluded:
        queryset = queryset.exclude(anywhere(word))
    return queryset


def version_link(article, version):
    pk, language, status = version
    name = editions.info(language)["name_local"]
    title = f"{name}: {Article.Status(status).label}"
    if pk == article.pk:
        return format_html(
            '<strong class="story-version" title="{}" aria-current="true">{}</strong>',
            title,
            language.upper(),
        )
    return format_html(
        '<a class="story-version" href="{}" title="{}" hreflang="{}">{}</a>',
        reverse("admin:articles_article_change", args=[pk]),
        title,
        language,
        language.upper(),
    )


def read_versions(request, stories):
    """Give each listed story its versions (`desk_versions`: {language: (pk, language,
    status)}), those of its translation group the person may open, in one query."""
    keys = {story.translation_key for story in stories}
    found = {}
    if keys:
        rows = stories_visible_to(request.user).filter(translation_key__in=keys)
        rows = rows.exclude(status=Article.Status.TRASHED)
        for key, pk, language, status in rows.values_list(
            "translation_key", "pk", "language", "status"
        ):
            found.setdefault(key, {})[language] = (pk, language, status)
    for story in stories:
        story.desk_versions = found.get(story.translation_key, {})


def versions_of(article):
    """The story's versions under its status: each edition's code, its own in bold."""
    group = getattr(article, "desk_versions", None)
    if not group:
        return ""
    return format_html(
        '<span class="story-versions"><span class="visually-hidden">{}: </span>{}</span>',
        _("Editions"),
        format_html_join(
            " ",
            "{}",
            ((version_link(article, group[code]),) for code in editions.codes() if code in group),
        ),
    )


class StoryListAdmin:
    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if len(editions.codes()) > 1:
            read_versions(request, changelist.result_list)
        return changelist

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            found = found | text_matches(queryset, search_term)
        return found, may_have_duplicates

    # Columns
    @admin.display(description=_("headline"), ordering="headline")
    def headline_and_byline(self, obj):
        names = ", ".join(author.name for author in obj.authors.all()) or obj.byline
        details = [part for part in (str(obj.section), names) if part]
        # Each in its own direction (an Arabic headline in an English desk and the other way
        # round), the headline marked with its story's language.
        return format_html(
            '<span class="story-headline" lang="{}" dir="auto">{}</span>'
            '<span class="story-details" dir="auto">{}</span>',
            obj.language,
            obj.headline,
            " · ".join(details),
        )

    @admin.display(description=_("status"), ordering="status")
    def status_label(self, obj):
        status = schedule.desk_status(obj)
        label = format_html('<span class="desk-status {}">{}</span>', status.key, status.label)
        if status.flag:
            # The time is in the next column: the flag can be short.
            label = format_html(
                '{}<span class="desk-flag" title="{}">{}</span>',
                label,
                status.flag,
                _("past its planned time"),
            )
        # With several editions, the story's versions under its status (read_versions()).
        return format_html("{}{}", label, versions_of(obj))

    @admin.display(description=_("when"), ordering="publish_at")
    def when(self, obj):
        return format_html(
            '{}<span class="story-updated">{}</span>',
            self._time(obj.publish_at),
            format_html(_("updated {time}"), time=self._time(obj.updated_at)),
        )

    @staticmethod
    def _time(moment):
        if moment is None:
            return "—"
        return format_html(
            '<time datetime="{}">{}</time>',
            moment.isoformat(),
            capfirst(schedule.short_time(moment)),
        )
