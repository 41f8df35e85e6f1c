"""Revision history: every save is kept; editors compare and revert, others cannot revert."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.desk import roles
from articles.models import Article
from tests.factories import ArticleFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return StaffFactory(username="editor", role=roles.EDITORS)


@pytest.fixture
def story(editor):
    article = ArticleFactory(body="<p>The bridge opens on Monday.</p>", created_by=editor)
    for body in ("<p>The bridge opens on Tuesday.</p>", "<p>The bridge opening is delayed.</p>"):
        article.body = body
        article._history_user = editor
        article.save()
    return article


def form_data(form):
    """What a browser would send back for an unbound admin form."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, datetime.datetime):
            local = timezone.localtime(value)
            data[f"{name}_0"] = local.strftime("%Y-%m-%d")
            data[f"{name}_1"] = local.strftime("%H:%M:%S")
        elif isinstance(value, list):
            data[name] = ", ".join(getattr(item, "name", str(item)) for item in value)
        elif value is not None:
            data[name] = str(value)
    return data


def test_every_revision_is_listed_for_editors(client, editor, story):
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_history", args=[story.pk]))
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == 3
    assert "3 revisions" in response.content.decode()


def test_compare_shows_what_changed_between_two_revisions(client, editor, story):
    first, *_, last = story.history.order_by("history_date")
    client.force_login(editor)
    response = client.get(
        reverse("admin:articles_article_compare", args=[story.pk]),
        {"old": first.pk, "new": last.pk},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "- &lt;p&gt;The bridge opens on Monday.&lt;/p&gt;" in html
    assert "+ &lt;p&gt;The bridge opening is delayed.&lt;/p&gt;" in html
    assert "body" in [row["label"] for row in response.context["rows"]]


def test_revert_restores_the_old_body(client, editor, story):
    first = story.history.order_by("history_date").first()
    url = reverse("admin:articles_article_simple_history", args=[story.pk, first.pk])
    client.force_login(editor)
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="Revert"' in page.content.decode()
    response = client.post(url, form_data(page.context["adminform"].form))
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.body == "<p>The bridge opens on Monday.</p>"
    latest = story.history.first()
    assert latest.body == story.body and latest.history_user == editor
    assert story.history.count() == 4


@pytest.mark.parametrize("role", [roles.MODERATORS, roles.REPORTERS])
def test_only_editors_revert(client, story, role):
    user = StaffFactory(role=role)
    first = story.history.order_by("history_date").first()
    url = reverse("admin:articles_article_simple_history", args=[story.pk, first.pk])
    client.force_login(user)
    page = client.get(url)
    if role == roles.MODERATORS:  # may read revisions, not revert them
        assert page.status_code == 200
        assert 'value="Revert"' not in page.content.decode()
    else:
        assert page.status_code == 403
    response = client.post(url, {"headline": "x", "body": "<p>Changed</p>", "status": "draft"})
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.body == "<p>The bridge opening is delayed.</p>"
    assert story.status == Article.Status.PUBLISHED


def test_compare_needs_two_revisions_of_this_story(client, editor, story):
    other = ArticleFactory()
    client.force_login(editor)
    url = reverse("admin:articles_article_compare", args=[story.pk])
    assert client.get(url).status_code == 404
    assert client.get(url, {"old": "x"}).status_code == 404
    assert client.get(url, {"old": other.history.get().pk}).status_code == 404
    newest_first = client.get(url, {"old": story.history.first().pk})  # "new" defaults to latest
    assert newest_first.status_code == 200
    assert newest_first.context["rows"] == []
