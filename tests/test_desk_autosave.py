"""Autosave: unsaved form content kept per person and story, offered back, cleaned on save."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from articles.desk import roles
from articles.desk.models import Autosave
from articles.models import Article
from tests.desk_helpers import change_url, editor, open_story, stored
from tests.factories import ArticleFactory, SectionFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna():
    return editor("anna", "Anna", "Berg")


@pytest.fixture
def story(anna):
    return ArticleFactory(headline="Ferry timetable changes for winter", created_by=anna)


def autosave_url(story=None):
    if story is None:
        return reverse("admin:articles_article_autosave_new")
    return reverse("admin:articles_article_autosave", args=[story.pk])


def send(client, url, fields, version=None):
    body = json.dumps({"fields": fields, "version": version})
    return client.post(url, body, content_type="application/json")


FIELDS = [
    ["headline", "Winter ferry timetable", ""],
    ["body", "<p>Typed but never saved.</p>", ""],
    ["section", "7", "City"],
    ["csrfmiddlewaretoken", "secret", ""],
    ["_version", "3", ""],
]


def test_autosave_keeps_one_row_per_person_and_story(client, story, anna):
    client.force_login(anna)
    response = send(client, autosave_url(story), FIELDS, story.version)
    assert response.status_code == 200 and response.json()["saved_at"]
    send(client, autosave_url(story), [["headline", "Second try", ""]], story.version)
    autosave = Autosave.objects.get()
    assert (autosave.user, autosave.article, autosave.version) == (anna, story, story.version)
    assert autosave.fields == [["headline", "Second try", ""]]
    # Not a change of the story, not a revision.
    assert stored(story).headline == "Ferry timetable changes for winter"
    assert story.history.count() == 1


def test_autosave_stores_form_content_only(client, story, anna):
    client.force_login(anna)
    send(client, autosave_url(story), FIELDS, story.version)
    names = [name for name, _value, _label in Autosave.objects.get().fields]
    assert names == ["headline", "body", "section"]


def test_the_restore_fetch_returns_the_fields(client, story, anna):
    client.force_login(anna)
    assert client.get(autosave_url(story)).status_code == 404
    send(client, autosave_url(story), FIELDS, story.version)
    answer = client.get(autosave_url(story)).json()
    assert answer["fields"][0] == ["headline", "Winter ferry timetable", ""]
    assert answer["version"] == story.version


def test_the_page_beacon_sends_a_form_field(client, story, anna):
    client.force_login(anna)
    payload = json.dumps({"fields": [["headline", "Left the page", ""]], "version": None})
    assert client.post(autosave_url(story), {"payload": payload}).status_code == 200
    assert Autosave.objects.get().fields == [["headline", "Left the page", ""]]


@pytest.mark.parametrize(
    "body", ["not json", '{"fields": "x"}', '{"fields": [["a", "b"]]}', "[]", '{"version": 1}']
)
def test_a_malformed_autosave_is_refused(client, story, anna, body):
    client.force_login(anna)
    response = client.post(autosave_url(story), body, content_type="application/json")
    assert response.status_code == 400
    assert not Autosave.objects.exists()


def test_an_oversize_autosave_is_refused_clearly(client, story, anna, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(anna)
    response = send(client, autosave_url(story), [["body", "x" * 2000, ""]], story.version)
    assert response.status_code == 413
    assert "too large" in response.json()["error"]


def test_autosave_needs_the_csrf_token(story, anna):
    client = Client(enforce_csrf_checks=True)
    client.force_login(anna)
    assert send(client, autosave_url(story), FIELDS).status_code == 403
    assert not Autosave.objects.exists()


def test_who_may_autosave(client, story, anna):
    client.logout()
    response = send(client, autosave_url(story), FIELDS)
    assert response.status_code == 302 and "/admin/login/" in response.url
    client.force_login(StaffFactory(username="mo", role=roles.MODERATORS))
    assert send(client, autosave_url(story), FIELDS).status_code == 403
    assert send(client, autosave_url(), FIELDS).status_code == 403
    reporter = StaffFactory(username="rita", role=roles.REPORTERS)
    client.force_login(reporter)
    assert send(client, autosave_url(story), FIELDS).status_code == 403  # published: editors'
    colleague = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, created_by=anna)
    assert send(client, autosave_url(colleague), FIELDS).status_code == 404
    assert client.get(autosave_url(colleague)).status_code == 404
    own = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, created_by=reporter)
    assert send(client, autosave_url(own), FIELDS).status_code == 200
    assert send(client, autosave_url(), FIELDS).status_code == 200  # a new story
    assert Autosave.objects.filter(user=reporter).count() == 2


def test_reopening_offers_the_autosave(client, story, anna):
    client.force_login(anna)
    send(client, autosave_url(story), FIELDS, story.version)
    response = client.get(change_url(story))
    html = response.content.decode()
    assert 'id="desk-autosave-offer"' in html
    assert "were autosaved but never saved to the story" in html
    assert response.context["editing"]["offer"]["older"] is False
    assert "has been saved since" not in html


def test_an_autosave_older_than_the_stored_version_says_so(client, story, anna):
    client.force_login(anna)
    send(client, autosave_url(story), FIELDS, story.version)
    story.headline = "Saved by someone else"
    story.save()
    html = client.get(change_url(story)).content.decode()
    assert "The story has been saved since (it is now at version 2" in html
    assert "your changes were made on version 1" in html


def test_the_add_form_offers_the_new_story_autosave(client, anna):
    client.force_login(anna)
    send(client, autosave_url(), FIELDS)
    response = client.get(reverse("admin:articles_article_add"))
    assert response.context["editing"]["offer"] is not None
    assert Autosave.objects.get().article is None


def test_saving_cleans_the_savers_autosave_only(client, story, anna):
    ben = editor("ben", "Ben", "Okafor")
    client.force_login(ben)
    send(client, autosave_url(story), FIELDS, story.version)
    client.force_login(anna)
    send(client, autosave_url(story), FIELDS, story.version)
    data = open_story(client, story)
    data["headline"] = "Saved"
    assert client.post(change_url(story), data).status_code == 302
    assert list(Autosave.objects.values_list("user__username", flat=True)) == ["ben"]


def test_adding_a_story_cleans_the_new_story_autosave(client, anna):
    client.force_login(anna)
    send(client, autosave_url(), FIELDS)
    section = SectionFactory()
    data = {
        "headline": "A new story",
        "slug": "a-new-story",
        "story_type": "news",
        "section": section.pk,
        "status": "draft",
        "priority": "0",
        **{
            f"{prefix}-{count}_FORMS": "0"
            for prefix in ("articleauthor_set", "related_links", "corrections")
            for count in ("TOTAL", "INITIAL")
        },
    }
    assert client.post(reverse("admin:articles_article_add"), data).status_code == 302
    assert not Autosave.objects.exists()


def test_discard_deletes_it(client, story, anna):
    client.force_login(anna)
    send(client, autosave_url(story), FIELDS, story.version)
    discard = reverse("admin:articles_article_autosave_discard", args=[story.pk])
    assert client.get(discard).status_code == 405
    response = client.post(discard)
    assert response.status_code == 302 and response.url == change_url(story)
    assert not Autosave.objects.exists()
    send(client, autosave_url(story), FIELDS, story.version)
    assert client.post(discard, HTTP_ACCEPT="application/json").status_code == 204
    assert not Autosave.objects.exists()


def test_the_page_works_without_the_script(client, story, anna):
    """The script is progressive: the form and its plain POST are Django's."""
    client.force_login(anna)
    html = client.get(change_url(story)).content.decode()
    assert 'src="/static/articles/desk-editing.js"' in html
    data = open_story(client, story)
    data["headline"] = "Saved without the script"
    assert client.post(change_url(story), data).status_code == 302
    assert stored(story).headline == "Saved without the script"
