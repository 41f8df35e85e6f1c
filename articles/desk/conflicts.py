"""Edit conflicts: a story form opened on an older version never silently overwrites a newer one.

Every save adds one to `Article.version`. The change form carries the version it was opened on
(`_version`); the admin's story form calls `check()` from its `clean()` in the change view
(`ArticleAdminForm.check_version`), which reads the stored version under a row lock. If the story has moved on (or the form says no
version at all), the form is refused with a `Conflict`: field by field, what changed since it
was opened, who saved and when, rich text as a word diff. The page comes back with everything
the editor typed, and they choose:

- **merge** (the default): a field only one side changed takes that change; a field both
  changed takes the side the editor picks (`_pick_<field>`: "mine" unless told "theirs");
- **overwrite**: their form as it is;
- **keep theirs**: the story stays as stored; the editor's version is kept as a revision
  (History), from which an editor restores it, and as their autosave.

The merge needs what the form was opened on (the base): the revision of that version
(django-simple-history keeps every save), and for tags, which revisions do not keep, the tag
list the form was drawn with (`_opened_tags`). The resolving POST carries the stored version
it was shown (`_version`) and the first one (`_base_version`), so a third save in between
raises the conflict again instead of being overwritten.

Only the story's own fields and tags are compared. Authors, related stories and corrections
are rows of their own: the form saves the rows it shows, leaves rows added meanwhile alone,
and refuses a row deleted meanwhile.
"""

import difflib
import html
import re
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from taggit.utils import edit_string_for_tags

from articles.models import Article
from articles.sanitize import sanitize_html
from newsroom.text import clean_text, normalise_instance, parse_tags

VERSION = "_version"  # the stored version the form was drawn from
BASE_VERSION = "_base_version"  # after a conflict: the version the editor first opened
OPENED_TAGS = "_opened_tags"  # the tags the form was first drawn with
RESOLUTION = "_conflict"  # "merge" (default), "overwrite" or "keep_theirs"
PICK = "_pick_"  # _pick_<field>: "mine" or "theirs", for a field both sides changed
MERGE, OVERWRITE, KEEP_THEIRS = "merge", "overwrite", "keep_theirs"
MINE, THEIRS = "mine", "theirs"

# The change reason of a revision kept from a conflict; stored untranslated, shown translated.
KEPT_REASON = gettext_noop("Kept from an edit conflict, not applied")

# Block ends that become line breaks when rich text is shown as text.
_BLOCK_END = re.compile(
    r"</(?:p|h[1-6]|li|blockquote|figcaption|pre)\s*>|<br\s*/?>|<hr\s*/?>", re.IGNORECASE
)
_TOKENS = re.compile(r"\n|[^\S\n]+|\w+|[^\w\s]")


def parse_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def written_on(data):
    """The version a posted form's content was written against: the one first opened, after
    a conflict; else the one the form was drawn from (None: it does not say)."""
    base = parse_int(data.get(BASE_VERSION))
    return base if base is not None else parse_int(data.get(VERSION))


def readable_text(markup):
    """Rich text as a reader reads it: one line per paragraph, heading or list item."""
    text = html.unescape(strip_tags(_BLOCK_END.sub("\n", markup or "")))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def word_diff(old, new):
    """[(kind, text)] from `old` to `new` word by word; kind is same, removed or added.

    Changes separated only by spaces read as one change ("on Monday morning" replaced, not
    three words interleaved with their replacements).
    """
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    merged = []
    for op, i1, i2, j1, j2 in opcodes:
        gap = op == "equal" and not "".join(a[i1:i2]).strip(" ")
        if merged and merged[-1][0] != "equal" and (op != "equal" or gap):
            # Part of the change before: extend it (a following equal stretch ends it).
            _op, start_a, _end_a, start_b, _end_b = merged[-1]
            merged[-1] = ("change", start_a, i2, start_b, j2)
        else:
            merged.append((op, i1, i2, j1, j2))
    segments = []
    for op, i1, i2, j1, j2 in merged:
        if op == "equal":
            segments.append(("same", "".join(a[i1:i2])))
            continue
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        if removed:
            segments.append(("removed", removed))
        if added:
            segments.append(("added", added))
    return segments


# --- Field values, made comparable ------------------------------------------------------


def _model_field(name):
    try:
        return Article._meta.get_field(name)
    except FieldDoesNotExist:  # a form-only field (none today): not compared
        return None


def _normal(name, value):
    """One spelling for a value from the database, a revision or the form."""
    model_field = _model_field(name)
    if isinstance(model_field, models.CharField | models.TextField):
        value = clean_text(value or "")
        if name == "body":
            value = clean_text(sanitize_html(value))
    elif hasattr(value, "microsecond"):
        value = value.replace(microsecond=0)
    return value


def stored_value(article, name):
    """`name` of an Article or a revision (tags: sorted names; a foreign key: its id)."""
    if name == "tags":
        return sorted(article.tags.names())
    return _normal(name, getattr(article, _model_field(name).attname))


def form_value(form, name):
    value = form.cleaned_data[name]
    if name == "tags":
        return sorted(value or [])
    if isinstance(value, models.Model):
        value = value.pk
    return _normal(name, value)


def comparable_fields(form):
    """The fields this editor's form may change: those the comparison covers."""
    return [
        name
        for name, form_field in form.fields.items()
        if not form_field.disabled and (name == "tags" or _model_field(name) is not None)
    ]


# --- The comparison ------------------------------------------------------------------------


@dataclass
class FieldChange:
    name: str
    label: str
    base: object
    theirs: object
    mine: object
    base_known: bool
    pick: str = MINE
    shown: dict = field(default_factory=dict)  # display text per side
    diffs: dict = field(default_factory=dict)  # word diffs: "theirs" (base → theirs), "mine"
    formatting_only: bool = False

    @property
    def they_changed(self):
        return not self.base_known or self.theirs != self.base

    @property
    def you_changed(self):
        return not self.base_known or self.mine != self.base

    @property
    def both_changed(self):
        """A real choice: both sides changed it, differently."""
        return self.they_changed and self.you_changed and self.mine != self.theirs

    def decision(self):
        if self.mine == self.theirs:
            return MINE
        if self.base_known and self.mine == self.base:
            return THEIRS
        if self.base_known and self.theirs == self.base:
            return MINE
        return self.pick


@dataclass
class Conflict:
    stored: Article
    opened_version: int | None  # what the form says it was opened on (None: it did not say)
    base_version: int | None  # the version the comparison starts from
    saves: list  # revisions saved since, oldest first
    changes: list  # FieldChange, every field either side changed

    @property
    def saved_by(self):
        return [
            {"who": person(r.history_user), "time": when(r.history_date), "version": r.version}
            for r in self.saves
        ]

    @property
    def choices(self):
        """The fields both sides changed, differently: the editor picks a side for each."""
        return [change for change in self.changes if change.both_changed]

    def message(self):
        if self.opened_version is None:
            return _(
                "This form does not say which version of the story it was opened on, so "
                "nothing was saved. Compare it with the stored story below and choose."
            )
        last = self.saves[-1] if self.saves else None
        if last is None:
            return _(
                "The story has changed since you opened it. Nothing was saved yet: "
                "compare and choose below."
            )
        return _(
            "%(who)s saved this story at %(time)s, after you opened it. Nothing of yours "
            "was saved yet and nothing you typed is lost: compare and choose below."
        ) % {"who": person(last.history_user), "time": when(last.history_date)}


def person(user):
    if user is None:
        return _("someone")
    return user.get_full_name() or user.get_username()


def when(moment):
    """10:02 today, 3 Mar 10:02 another day (the site's time zone)."""
    local = timezone.localtime(moment)
    if local.date() == timezone.localdate():
        return date_format(local, "H:i")
    return date_format(local, "j M H:i")


def base_revision(article_pk, version):
    """The revision a form opened on `version` was drawn from (the first with that number:
    a revision kept from a conflict carries the number of the story it was not applied to)."""
    if version is None:
        return None
    revisions = Article.history.filter(id=article_pk, version=version)
    return revisions.order_by("history_date", "history_id").first()


def saves_since(article_pk, version):
    """The revisions saved after `version`, oldest first (the latest only, when unknown)."""
    revisions = Article.history.filter(id=article_pk).exclude(history_change_reason=KEPT_REASON)
    revisions = revisions.select_related("history_user").order_by("-history_date", "-history_id")
    if version is None:
        return list(revisions[:1])
    return list(reversed(revisions.filter(version__gt=version)))


def compare(form, stored, base, opened_tags):
    """[FieldChange] for every field of `form` where the stored story or the form differs
    from the base (every field where they differ, when the base is unknown)."""
    changes = []
    for name in comparable_fields(form):
        if name not in form.cleaned_data:
            continue  # it has an error of its own, shown by the field
        if name == "tags":
            base_value = sorted(parse_tags(opened_tags)) if opened_tags is not None else None
        else:
            base_value = stored_value(base, name) if base is not None else None
        change = FieldChange(
            name=name,
            label=str(capfirst(form.fields[name].label or name)),
            base=base_value,
            theirs=stored_value(stored, name),
            mine=form_value(form, name),
            base_known=base_value is not None,
        )
        if (change.they_changed or change.you_changed) and (
            change.base_known or change.mine != change.theirs
        ):
            changes.append(change)
    return changes


def _display(name, value, related):
    if value is None or value == "" or value == []:
        return "—"
    if name == "tags":
        return ", ".join(value)
    model_field = _model_field(name)
    if model_field.is_relation:
        return str(related.get((model_field.related_model, value), value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if name == "body":
        return readable_text(value)
    if hasattr(value, "tzinfo"):
        return date_format(timezone.localtime(value), "j M Y H:i")
    return str(value)


def describe(changes):
    """Fill in each change's display text and word diffs (a few queries for related names)."""
    wanted = {}
    for change in changes:
        model_field = _model_field(change.name)
        if change.name != "tags" and model_field is not None and model_field.is_relation:
            ids = {change.base, change.theirs, change.mine} - {None}
            wanted.setdefault(model_field.related_model, set()).update(ids)
    related = {
        (model, obj.pk): obj
        for model, ids in wanted.items()
        for obj in model._default_manager.filter(pk__in=ids)
    }
    for change in changes:
        sides = {"base": change.base, "theirs": change.theirs, "mine": change.mine}
        change.shown = {
            side: _display(change.name, value, related) for side, value in sides.items()
        }
        model_field = _model_field(change.name)
        # Long text reads best as a word diff; a headline or a slug as before → after.
        if isinstance(model_field, models.TextField):
            text = {
                side: readable_text(value) if change.name == "body" else (value or "")
                for side, value in sides.items()
            }
            start = text["base"] if change.base_known else text["theirs"]
            change.diffs = {
                "theirs": word_diff(text["base"], text["theirs"]) if change.base_known else [],
                "mine": word_diff(start, text["mine"]),
            }
            change.formatting_only = change.name == "body" and text["theirs"] == text["mine"]
    return changes


def find_conflict(form, opened_version, base_version):
    stored = Article.objects.select_related("section", "lead_image").get(pk=form.instance.pk)
    base = base_revision(stored.pk, base_version)
    opened_tags = form.data.get(OPENED_TAGS) if base_version is not None else None
    conflict = Conflict(
        stored=stored,
        opened_version=opened_version,
        base_version=base_version if base is not None else None,
        saves=saves_since(stored.pk, base_version),
        changes=compare(form, stored, base, opened_tags if base is not None else None),
    )
    for change in conflict.changes:
        change.pick = THEIRS if form.data.get(PICK + change.name) == THEIRS else MINE
    describe(conflict.changes)
    return conflict


# --- The check -----------------------------------------------------------------------------


def stored_version(pk):
    """The stored version, the row locked until the save commits (when in a transaction: the
    admin's change view is one), so two saves of one version cannot both pass."""
    rows = Article.objects.filter(pk=pk).order_by()
    if transaction.get_connection().in_atomic_block:
        rows = rows.select_for_update()
    return rows.values_list("version", flat=True).first()


def check(form):
    """Refuse a save of a form opened on another version than the stored one; merge when the
    form resolves an earlier conflict (see the module docstring)."""
    if form.instance.pk is None or form.instance._state.adding:
        return
    data = form.data
    opened = parse_int(data.get(VERSION))
    base_version = parse_int(data.get(BASE_VERSION))
    resolution = data.get(RESOLUTION) or MERGE
    current = stored_version(form.instance.pk)
    if current is None:
        return  # deleted meanwhile: the admin's own checks answer that
    if opened != current:
        form.conflict = find_conflict(
            form, opened, base_version if base_version is not None else opened
        )
        form.add_error(None, forms.ValidationError(form.conflict.message(), code="edit_conflict"))
        return
    if base_version is not None and base_version != current and resolution == MERGE:
        merge(form, base_version)


def merge(form, base_version):
    """Put their value in every field the merge gives to them (before the form builds the
    instance from cleaned_data, so the save and the tags follow)."""
    stored = form.instance  # fresh: its version is the one the editor was shown, under lock
    base = base_revision(stored.pk, base_version)
    opened_tags = form.data.get(OPENED_TAGS) if base is not None else None
    changes = compare(form, stored, base, opened_tags)
    taken = []
    for change in changes:
        change.pick = THEIRS if form.data.get(PICK + change.name) == THEIRS else MINE
        if change.decision() != THEIRS:
            continue
        if change.name == "tags":
            form.cleaned_data["tags"] = list(change.theirs)
        else:
            form.cleaned_data[change.name] = getattr(stored, change.name)
        taken.append(change.label)
    form.merged = {
        "theirs": taken,
        "mine": [c.label for c in changes if c.decision() == MINE and c.mine != c.theirs],
    }


def form_controls(form, original):
    """The hidden inputs the change form carries: {name: value}."""
    conflict = getattr(form, "conflict", None) if form is not None else None
    bound = form is not None and form.is_bound
    if conflict is not None:
        version = conflict.stored.version
        base = conflict.base_version
    elif bound:
        version = parse_int(form.data.get(VERSION))
        base = parse_int(form.data.get(BASE_VERSION))
    else:
        version, base = original.version, None
    if bound:
        opened_tags = form.data.get(OPENED_TAGS, "")
    else:
        opened_tags = edit_string_for_tags(list(original.tags.all()))
    controls = {VERSION: version if version is not None else "", OPENED_TAGS: opened_tags}
    if base is not None and base != version:
        controls[BASE_VERSION] = base
    return controls


# --- Keep theirs: the editor's version as a revision ---------------------------------------


def keep_as_revision(article, user):
    """Store `article` (the editor's unsaved version) as a revision of the story, without
    touching the story: History lists it, and reverting to it restores it."""
    article.derive_from_text()
    normalise_instance(article)
    History = Article.history.model
    values = {f.attname: getattr(article, f.attname) for f in History.tracked_fields}
    return History.objects.create(
        history_date=timezone.now(),
        history_type="~",
        history_user=user,
        history_change_reason=KEPT_REASON,
        **values,
    )
