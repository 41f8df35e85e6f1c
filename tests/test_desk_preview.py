"""Live preview of the unsaved form, and what the editor's page costs."""

import pytest
from django.urls import reverse

from articles.desk import roles
from articles.models import Article
from tests.desk_helpers import change_url, editor, open_story, stored
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna():
    return editor("anna", "Anna", "Berg")


@pytest.fixture
def story(anna):
    return ArticleFactory(
        headline="Ferry timetable changes for winter",
        body="<p>The ferry company announced its winter timetable.</p>",
        created_by=anna,
        tags=["Ferries"],
    )


def preview_url(story=None):
    if story is None:
        return reverse("admin:articles_article_preview_new")
    return reverse("admin:articles_article_preview", args=[story.pk])


def test_preview_shows_the_unsaved_form_as_readers_would_see_it(client, story, anna):
    client.force_login(anna)
    data = open_story(client, story)
    data["headline"] = "Winter ferry timetable: fewer evening crossings"
    data["body"] = (
        '<p>Unsaved <a href="javascript:alert(1)">text</a>.</p><script>alert(2)</script>'
    )
    data["tags"] = "Ferries, Harbour"
    response = client.post(preview_url(story), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "Winter ferry timetable: fewer evening crossings</h1>" in html
    assert "Unsaved" in html and "alert(" not in html and "javascript:" not in html
    assert 'rel="tag"><bdi>Harbour</bdi>' in html
    assert "Unsaved changes from the editor" in html
    assert '<meta name="robots" content="noindex">' in html
    cache_control = response["Cache-Control"]
    assert "no-cache" in cache_control and "private" in cache_control
    assert "no-store" in cache_control
    # Nothing was saved: not the story, not a revision, not a tag.
    assert stored(story).headline == "Ferry timetable changes for winter"
    assert story.history.count() == 1
    assert set(stored(story).tags.names()) == {"Ferries"}


def test_preview_of_a_new_story_with_authors_and_related_links(client, anna):
    section = SectionFactory(name="City", slug="city")
    author = AuthorFactory(name="Jo Reporter")
    related = ArticleFactory(section=section, headline="Quayside tram depot plan approved")
    draft = ArticleFactory(
        section=section, headline="A colleague's draft", status=Article.Status.DRAFT
    )
    client.force_login(anna)
    data = {
        "headline": "New ferry route to the islands",
        "slug": "new-ferry-route",
        "body": "<p>A new route opens in May.</p>",
        "story_type": "analysis",
        "section": section.pk,
        "tags": "Ferries",
        "status": "draft",
        "priority": "0",
        "articleauthor_set-TOTAL_FORMS": "1",
        "articleauthor_set-INITIAL_FORMS": "0",
        "articleauthor_set-0-author": author.pk,
        "articleauthor_set-0-order": "1",
        "related_links-TOTAL_FORMS": "2",
        "related_links-INITIAL_FORMS": "0",
        "related_links-0-target": draft.pk,
        "related_links-0-order": "1",
        "related_links-1-target": related.pk,
        "related_links-1-order": "2",
        "corrections-TOTAL_FORMS": "1",
        "corrections-INITIAL_FORMS": "0",
        "corrections-0-date_0": "2025-01-02",
        "corrections-0-date_1": "10:00:00",
        "corrections-0-text": "An earlier version gave the wrong month.",
    }
    response = client.post(preview_url(), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "New ferry route to the islands" in html
    assert "Jo Reporter" in html and "Analysis" in html
    assert "Quayside tram depot plan approved" in html  # published: listed
    assert "A colleague&#x27;s draft" not in html  # readers never see a draft linked
    assert "An earlier version gave the wrong month." in html
    assert not Article.objects.filter(slug="new-ferry-route").exists()


def test_preview_says_what_to_fix_when_the_form_cannot_make_a_story(client, story, anna):
    client.force_login(anna)
    data = open_story(client, story)
    data["headline"] = ""
    response = client.post(preview_url(story), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved" in html and "This field is required." in html
    assert "no-store" in response["Cache-Control"]


def test_who_may_preview(client, story, anna):
    reporter = StaffFactory(username="rita", role=roles.REPORTERS)
    own = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, created_by=reporter)
    colleague = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, created_by=anna)
    client.force_login(reporter)
    data = open_story(client, own)
    assert client.post(preview_url(own), data).status_code == 200
    assert client.post(preview_url(story), data).status_code == 403  # published: not hers
    assert client.post(preview_url(colleague), data).status_code == 404
    client.force_login(StaffFactory(username="mo", role=roles.MODERATORS))
    assert client.post(preview_url(story), data).status_code == 403
    assert client.post(preview_url(), data).status_code == 403
    client.force_login(anna)
    assert client.get(preview_url(story)).status_code == 405
    client.logout()
    response = client.post(preview_url(story), data)
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_a_reporter_cannot_preview_a_status_she_may_not_set(client):
    reporter = StaffFactory(username="rita", role=roles.REPORTERS)
    own = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, created_by=reporter)
    client.force_login(reporter)
    data = open_story(client, own)
    data["status"] = "published"
    assert client.post(preview_url(own), data).status_code == 400


def test_the_editor_offers_preview_only_to_who_may_change(client, story, anna):
    client.force_login(anna)
    assert 'id="desk-preview"' in client.get(change_url(story)).content.decode()
    client.force_login(StaffFactory(username="mo", role=roles.MODERATORS))
    html = client.get(change_url(story)).content.decode()
    assert 'id="desk-preview"' not in html and "desk-editing.js" not in html


def test_preview_query_budget(client, story, anna, django_assert_max_num_queries):
    client.force_login(anna)
    data = open_story(client, story)
    with django_assert_max_num_queries(15):
        assert client.post(preview_url(story), data).status_code == 200


# The story editor's page: Django's change view (14 queries), the editorial notes panel and
# the sent-back notice (2), the story's other languages (1), plus the edit lock's UPDATE and
# the autosave lookup for who may edit; a reader of the desk only asks who holds the lock.
CHANGE_VIEW_BUDGET = {roles.EDITORS: 19, roles.REPORTERS: 19, roles.MODERATORS: 17}


@pytest.mark.parametrize("role", list(CHANGE_VIEW_BUDGET))
def test_change_view_query_budget(client, role, django_assert_max_num_queries):
    user = StaffFactory(username="person", role=role)
    story = ArticleFactory(
        status=Article.Status.DRAFT, publish_at=None, created_by=user, tags=["Ferries"]
    )
    client.force_login(user)
    client.get(change_url(story))  # the first visit creates the lock
    with django_assert_max_num_queries(CHANGE_VIEW_BUDGET[role]):
        assert client.get(change_url(story)).status_code == 200


def test_conflict_page_query_budget(client, django_assert_max_num_queries):
    user = StaffFactory(username="person", role=roles.EDITORS)
    story = ArticleFactory(tags=["Ferries"])
    client.force_login(user)
    data = open_story(client, story)
    story.headline = "Saved meanwhile"
    story.save()
    with django_assert_max_num_queries(33):  # the change view's budget, and the conflict
        response = client.post(change_url(story), data)
    assert response.context["adminform"].form.conflict is not None


@pytest.mark.parametrize("desk_language, story_language", [("ar", "en"), ("en", "ar")])
def test_preview_speaks_the_storys_edition_not_the_desks_language(
    client, anna, desk_language, story_language
):
    """An editor whose desk speaks Arabic previews an English story in English, left to
    right, and an Arabic story in Arabic, right to left, whatever the desk speaks."""
    story = ArticleFactory(headline="Harbour works", created_by=anna, language=story_language)
    client.force_login(anna)
    data = open_story(client, story)
    response = client.post(preview_url(story), data, HTTP_ACCEPT_LANGUAGE=desk_language)
    assert response.status_code == 200
    direction = "rtl" if story_language == "ar" else "ltr"
    assert f'<html lang="{story_language}" dir="{direction}">' in response.content.decode()
