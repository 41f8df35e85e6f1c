"""The comment form under every story, drawn by crispy-forms once per process and language,
then filled in for each page with the parts that differ: the address it posts to, the signed
stamp, the one-time id and the comment it replies to.

crispy-forms takes milliseconds to build the form (its fields, helper and layout) and draw it
through its templates; the filled-in copy costs a few string joins, and a story page does not
build the form at all (BlankCommentForm). Only a blank form is drawn this way: one that carries
what a reader typed, a remembered name or errors goes through crispy-forms as before. A test
checks that both ways give the same bytes.
"""

import re

from crispy_forms.utils import render_crispy_form
from django.core.signals import setting_changed
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe

from comments.forms import CommentForm, make_token, new_submission_id

# What a blank form may carry: the parts made for each page.
FILLED_IN = frozenset({"token", "submission", "parent"})
_SLOT = "c0mmentf0rmsl0t{}x"
_SLOT_PATTERN = re.compile(r"c0mmentf0rmsl0t([a-z]+)x")
_drawn = {}


class BlankCommentForm:
    """What a story page shows of a blank CommentForm, without building one (its fields,
    crispy helper and layout): the story, the per-page parts, no errors."""

    is_bound = False

    def __init__(self, article, parent=None):
        self.article = article
        self.initial = {"token": make_token(article), "submission": new_submission_id()}
        if parent is not None:
            self.initial["parent"] = parent

    def hidden_field_errors(self):
        return []


def is_blank(form):
    """Whether `form` shows nothing but what every reader gets (and the per-page parts)."""
    return not form.is_bound and set(form.initial) <= FILLED_IN


def _draw():
    """The form drawn once through crispy-forms with a marker in each per-page part: the
    text between the parts, and the names of the parts, in order."""
    from articles.models import Article

    form = CommentForm(article=Article(pk=0))
    form.initial.update({name: _SLOT.format(name) for name in FILLED_IN})
    form.helper.form_action = _SLOT.format("action")
    html = render_crispy_form(form)
    # A form without a parent draws the input without its value attribute.
    parent = _SLOT.format("parent")
    html = html.replace(f' value="{parent}"', parent)
    pieces = _SLOT_PATTERN.split(html)
    texts, names = pieces[::2], pieces[1::2]
    if sorted(names) != ["action", "parent", "submission", "token"]:
        raise RuntimeError(f"The comment form's per-page parts were not all found: {names}")
    return texts, names


def render_blank_form(form):
    """`form` (is_blank: a CommentForm or a BlankCommentForm) as crispy-forms draws it, from
    the copy drawn once."""
    key = translation.get_language()
    drawn = _drawn.get(key)
    if drawn is None:
        drawn = _drawn[key] = _draw()
    texts, names = drawn
    parent = form.initial.get("parent")
    values = {
        "action": escape(reverse("comments:post", kwargs={"article_id": form.article.pk})),
        "token": escape(form.initial["token"]),
        "submission": escape(form.initial["submission"]),
        "parent": "" if parent in (None, "") else f' value="{escape(parent)}"',
    }
    out = [texts[0]]
    for name, text in zip(names, texts[1:], strict=True):
        out += [values[name], text]
    return mark_safe("".join(out))  # noqa: S308 - crispy-forms' output, and escaped values


def forget(**kwargs):
    """Settings changed (tests): the form may draw differently (a length limit)."""
    _drawn.clear()


setting_changed.connect(forget, dispatch_uid="comments.blank_form.forget")
