"""Reader search: ranked full-text search on PostgreSQL, a plain LIKE fallback elsewhere.

A reader's query is parsed here, never handed raw to PostgreSQL: "quoted words" become a
phrase (followed-by operators), other words become prefix matches (`count` finds "council"),
and a leading minus excludes a word. Only letters and digits reach the tsquery, each word
quoted as a lexeme, so no input can produce a tsquery syntax error.
"""

import html
import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, TextField, Value
from django.db.models.functions import Concat
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from articles.models import Article, search_config
from newsroom import editions, l10n

MAX_QUERY_LENGTH = 200
# At most this many of the newest matching stories are ranked (and counted): see search().
CANDIDATES = 1000
MAX_TERMS = 12
MIN_PREFIX_LENGTH = 3

_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')
# Private-use characters mark highlights in SearchHeadline output; nothing an editor types
# survives as markup because the excerpt is stripped and escaped before they become <mark>.
_START, _STOP = "\ue000", "\ue001"


@dataclass
class ParsedQuery:
    phrases: list = field(default_factory=list)  # each a list of words
    words: list = field(default_factory=list)
    excluded: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.phrases or self.words)

    def tsquery(self):
        """A raw tsquery: every phrase and word must match, excluded words must not."""
        parts = [" <-> ".join(_lexeme(w) for w in phrase) for phrase in self.phrases]
        parts += [_lexeme(w, prefix=len(w) >= MIN_PREFIX_LENGTH) for w in self.words]
        parts += [f"!{_lexeme(w)}" for w in self.excluded]
        return " & ".join(f"({part})" for part in parts)


def _lexeme(word, prefix=False):
    # Words are \w+ only, so they hold no quote or operator; quoting is belt and braces.
    quoted = "'" + word.replace("'", "''") + "'"
    return f"{quoted}:*" if prefix else quoted


def parse(text):
    parsed = ParsedQuery()
    for match in _TOKEN.finditer(text):
        negated, phrase, negated_word, word = match.groups()
        terms = _WORD.findall(phrase if phrase is not None else word)
        if not terms:
            continue
        if negated or negated_word:
            parsed.excluded.extend(terms)
        elif phrase is not None and len(terms) > 1:
            parsed.phrases.append(terms)
        else:
            parsed.words.extend(terms)
    return parsed


class QueryProblem(ValueError):
    """The query cannot be run; the message tells the reader what to do."""


def clean_query(text):
    text = (text or "").strip()
    if not text:
        raise QueryProblem(_("Type a word or two to search the stories."))
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryProblem(
            _(
                "That search is too long: use up to %(max)s characters, "
                "a few distinctive words work best."
            )
            % {"max": l10n.number(MAX_QUERY_LENGTH)}
        )
    parsed = parse(text)
    if not parsed:
        raise QueryProblem(_("Search needs at least one word made of letters or numbers."))
    if len(parsed.phrases) + len(parsed.words) + len(parsed.excluded) > MAX_TERMS:
        raise QueryProblem(
            _("Use at most %(max)s words: a few distinctive words work best.")
            % {"max": l10n.number(MAX_TERMS)}
        )
    return parsed


def search(parsed, queryset=None):
    """Published stories matching `parsed`, best first, each with an `excerpt` (safe HTML).

    On PostgreSQL, the best first among the CANDIDATES newest matches: a word in most stories
    costs what a rarer one does, and a reader looking for "council" gets this year's best
    matches rather than the best of twenty years. The search page says when it is so.
    """
    queryset = Article.objects.published().for_listing() if queryset is None else queryset
    queryset = queryset.defer("search_vector")
    if connection.vendor == "postgresql":
        return _search_postgresql(parsed, queryset)
    return _search_fallback(parsed, queryset)


def capped(found):
    """Whether `found` results are the CANDIDATES newest of more (the search page says so)."""
    return connection.vendor == "postgresql" and found >= CANDIDATES


def _search_postgresql(parsed, queryset):
    """The best matches among the CANDIDATES newest: ranking reads every match's vector, and a
    common word matches most of the archive. The newest matches are found walking the
    publication-time index (or, for a rare word, from the GIN index: the planner chooses)."""
    config = search_config(editions.current())  # the edition's stories were read with it
    query = SearchQuery(parsed.tsquery(), search_type="raw", config=config)
    newest = (
        queryset.filter(search_vector=query)
        .order_by("-publish_at", "-id")
        .values("pk")[:CANDIDATES]
    )
    return (
        queryset.filter(pk__in=newest)
        .annotate(
            rank=SearchRank(F("search_vector"), query, normalization=Value(1)),
            excerpt_source=SearchHeadline(
                Concat("standfirst", Value(" "), "body", output_field=TextField()),
                query,
                config=config,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "-publish_at", "-id")
    )


def _search_fallback(parsed, queryset):
    for term in [" ".join(p) for p in parsed.phrases] + parsed.words:
        queryset = queryset.filter(
            Q(headline__icontains=term) | Q(standfirst__icontains=term) | Q(body__icontains=term)
        )
    for term in parsed.excluded:
        queryset = queryset.exclude(
            Q(headline__icontains=term) | Q(standfirst__icontains=term) | Q(body__icontains=term)
        )
    return queryset.order_by("-publish_at", "-id")


def excerpt(article):
    """Highlighted excerpt: <mark> around matches, everything else escaped plain text."""
    source = getattr(article, "excerpt_source", None)
    if source is None:
        return escape(article.standfirst)
    text = " ".join(html.unescape(strip_tags(source)).split())
    out, open_mark = [], False
    for piece in re.split(f"([{_START}{_STOP}])", text):
        if piece == _START and not open_mark:
            out.append("<mark>")
            open_mark = True
        elif piece == _STOP and open_mark:
            out.append("</mark>")
            open_mark = False
        elif piece not in (_START, _STOP):
            out.append(escape(piece))
    if open_mark:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped
