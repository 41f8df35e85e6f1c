"""A story's revisions keep its tags, authors, related stories and corrections too.

simple-history keeps the story's own fields; each revision also stores, in `relations`, the
state of what hangs off the story, as the desk saw it after that save:

    {"tags": ["Housing", ...],                      # by name
     "authors": ["Ann Reporter", ...],              # in byline order
     "related": [{"id": 7, "headline": "..."}, ...],  # in the editor's order
     "corrections": [{"id": 3, "date": "2025-03-01T10:00:00+00:00", "text": "..."}, ...]}

A save records the state of the moment (`connect()`); the admin saves its inlines and the
tags after the story itself, so it records again once they are saved (`record_after_save`),
and a save on the desk stays one revision. A change made without saving the story (a tag
merge, the reverse half of a two-way related link) records a revision of its own
(`record_revisions`). Revisions made before this existed have no state (None); the compare
page says so instead of guessing.

`compare()` builds the readable rows of the compare page (articles.desk.diff).
"""

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.signals import post_create_historical_record, pre_create_historical_record
from simple_history.template_utils import HistoricalRecordContextHelper

from articles.desk.diff import BLOCK_BREAK, changed, html_to_text, list_diff, word_diff
from articles.models import Article, ArticleAuthor, Correction, RelatedLink, TaggedStory

EMPTY = {"tags": [], "authors": [], "related": [], "corrections": []}

# The parts of `relations`, in the order the compare page shows them.
PARTS = (
    ("tags", gettext_lazy("tags")),
    ("authors", gettext_lazy("authors")),
    ("related", gettext_lazy("related stories")),
    ("corrections", gettext_lazy("corrections")),
)


def relation_states(article_ids):
    """{story id: state} for these stories, as stored now: four queries for any number."""
    ids = list(article_ids)
    states = {pk: {part: [] for part in EMPTY} for pk in ids}
    if not ids:
        return states
    tagged = TaggedStory.objects.filter(content_object_id__in=ids)
    for pk, name in tagged.order_by("tag__name").values_list("content_object_id", "tag__name"):
        states[pk]["tags"].append(name)
    bylines = ArticleAuthor.objects.filter(article_id__in=ids).order_by("order", "pk")
    for pk, name in bylines.values_list("article_id", "author__name"):
        states[pk]["authors"].append(name)
    links = RelatedLink.objects.filter(article_id__in=ids).order_by("order", "pk")
    for pk, target, headline in links.values_list("article_id", "target_id", "target__headline"):
        states[pk]["related"].append({"id": target, "headline": headline})
    corrections = Correction.objects.filter(article_id__in=ids).order_by("date", "pk")
    for pk, correction, date, text in corrections.values_list("article_id", "pk", "date", "text"):
        states[pk]["corrections"].append(
            {"id": correction, "date": date.isoformat(), "text": text}
        )
    return states


def _record_state(sender, instance, history_instance, **kwargs):
    if history_instance.history_type == "+":
        history_instance.relations = EMPTY  # nothing can hang off a story not yet saved
    else:
        history_instance.relations = relation_states([instance.pk])[instance.pk]


def _remember_revision(sender, instance, history_instance, **kwargs):
    instance._desk_revision = history_instance


def connect():
    """Called from ArticlesConfig.ready: every revision of a story records its relations."""
    history = Article.history.model
    pre_create_historical_record.connect(
        _record_state, sender=history, dispatch_uid="articles.revision_relations"
    )
    post_create_historical_record.connect(
        _remember_revision, sender=history, dispatch_uid="articles.revision_remember"
    )


def record_after_save(article):
    """The revision this save made now holds the tags and inlines saved after the story."""
    revision = getattr(article, "_desk_revision", None)
    if revision is None:
        return
    state = relation_states([article.pk])[article.pk]
    if state != revision.relations:
        type(revision).objects.filter(pk=revision.pk).update(relations=state)
        revision.relations = state


def record_revisions(article_ids, *, by, reason):
    """A revision of each story, for a change made without saving it (its own fields as
    stored, its relations as they are now). Six queries for any number of stories."""
    history = Article.history.model
    states = relation_states(article_ids)
    now = timezone.now()
    tracked = history.tracked_fields
    revisions = [
        history(
            history_date=now,
            history_type="~",
            history_user=by,
            history_change_reason=reason[:100],
            relations=states[article.pk],
            **{field.attname: getattr(article, field.attname) for field in tracked},
        )
        for article in Article.objects.filter(pk__in=states).defer("search_vector")
    ]
    history.objects.bulk_create(revisions)
    return len(revisions)


# Reading two revisions side by side


def _display(field, value):
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(field, models.DateTimeField):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return str(value)


def _is_text(field):
    return isinstance(field, models.CharField | models.TextField) and not field.choices


def _corrections_text(corrections):
    return BLOCK_BREAK.join(
        "{date}: {text}".format(
            date=date_format(timezone.localtime(parse_datetime(item["date"])), "DATE_FORMAT"),
            text=item["text"],
        )
        for item in corrections
    )


def relation_rows(old, new):
    """Rows for the parts of `relations` that differ between two states."""
    rows = []
    for part, label in PARTS:
        before, after = old.get(part, []), new.get(part, [])
        if part == "corrections":
            segments = word_diff(_corrections_text(before), _corrections_text(after))
            kind = "words"
        else:
            if part == "related":
                before = [item["headline"] for item in before]
                after = [item["headline"] for item in after]
            segments = list_diff(before, after)
            kind = "items"
        if changed(segments):
            rows.append({"label": label, "kind": kind, "segments": segments})
    return rows


def compare(old, new):
    """The compare page's rows, from revision `old` to revision `new` (HistoricalArticle):
    a word diff of each text field (the body read as text, not markup), the other fields as
    before → after, then tags, authors, related stories and corrections when both revisions
    recorded them. Returns (rows, relations_recorded)."""
    rows = []
    # The revisions' own dates say when; "last updated" would only repeat them.
    delta = new.diff_against(old, excluded_fields=["updated_at"], foreign_keys_are_objs=True)
    for change in delta.changes:
        field = Article._meta.get_field(change.field)
        row = {"label": field.verbose_name}
        if field.name == "body":
            row["kind"] = "words"
            row["segments"] = word_diff(html_to_text(change.old), html_to_text(change.new))
        elif _is_text(field):
            row["kind"] = "words"
            row["segments"] = word_diff(change.old, change.new)
        else:
            row["kind"] = "value"
            row["old"], row["new"] = _display(field, change.old), _display(field, change.new)
        rows.append(row)
    recorded = old.relations is not None and new.relations is not None
    if recorded:
        rows.extend(relation_rows(old.relations, new.relations))
    return rows, recorded


class RevisionContext(HistoricalRecordContextHelper):
    """The history list's changes, with the body read as text rather than markup."""

    def prepare_delta_change_value(self, change, value):
        if change.field == "body":
            return html_to_text(value)
        return super().prepare_delta_change_value(change, value)


def relation_changes(old, new):
    """The history list's short form: [{"field", "old", "new"}] for the parts that changed."""
    if old.relations is None or new.relations is None:
        return []
    changes = []
    for row in relation_rows(old.relations, new.relations):
        if row["kind"] == "items":
            before = ", ".join(item for kind, item in row["segments"] if kind != "ins")
            after = ", ".join(item for kind, item in row["segments"] if kind != "del")
        else:
            counts = len(old.relations["corrections"]), len(new.relations["corrections"])
            before, after = (
                ngettext("%d correction", "%d corrections", count) % count for count in counts
            )
            if counts[0] == counts[1]:
                after = _("%(corrections)s, edited") % {"corrections": after}
        changes.append(
            {"field": capfirst(row["label"]), "old": before or "—", "new": after or "—"}
        )
    return changes
