"""The blank comment form, drawn by crispy-forms once and filled in for each page
(comments.blank_form), is byte for byte what crispy-forms draws for that page."""

import pytest
from crispy_forms.utils import render_crispy_form

from comments.blank_form import BlankCommentForm, is_blank, render_blank_form
from comments.forms import CommentForm
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("initial", [{}, {"parent": 42}, {"parent": None}, {"parent": ""}])
def test_the_blank_form_is_what_crispy_forms_draws(initial):
    for story in (ArticleFactory(), ArticleFactory()):
        form = CommentForm(article=story, initial=dict(initial))
        assert is_blank(form)
        assert render_blank_form(form) == render_crispy_form(form)


def test_a_setting_that_changes_the_form_is_followed(settings):
    story = ArticleFactory()
    render_blank_form(CommentForm(article=story, initial={}))
    settings.COMMENTS_MAX_LENGTH = 500
    form = CommentForm(article=story, initial={})
    assert 'maxlength="500"' in render_blank_form(form)
    assert render_blank_form(form) == render_crispy_form(form)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"initial": {"name": "Ada", "email": "ada@example.org", "remember": True}},
        {"data": {"name": "Ada", "body": "Some words."}},
    ],
)
def test_a_form_that_carries_a_readers_words_is_not_blank(kwargs):
    assert not is_blank(CommentForm(article=ArticleFactory(), **kwargs))


@pytest.mark.parametrize("parent", [None, 42])
def test_a_story_pages_form_is_the_comment_form_drawn_by_crispy_forms(parent):
    story = ArticleFactory()
    page_form = BlankCommentForm(story, parent=parent)
    form = CommentForm(article=story, initial=dict(page_form.initial))
    assert is_blank(page_form) and page_form.hidden_field_errors() == []
    assert render_blank_form(page_form) == render_crispy_form(form)
