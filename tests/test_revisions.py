"""Revision history: every save is kept, with the story's tags, authors, related stories and
corrections; editors compare (word by word) and revert, others cannot revert."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.desk import revisions, roles, workflow
from articles.desk.diff import html_to_text, word_diff
from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, CorrectionFactory, StaffFactory

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
    # The body as readers read it, word by word: no markup, no whole-line replacement.
    assert "The bridge <del>opens on Monday.</del><ins>opening is delayed.</ins>" in html
    assert "&lt;p&gt;" not in html
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


# --- Reading a change: the word diff ---------------------------------------------------------


def test_a_one_word_change_is_one_deletion_and_one_insertion():
    segments = word_diff("The bridge opens on Monday.", "The bridge opens on Tuesday.")
    assert segments == [
        ("same", "The bridge opens on "),
        ("del", "Monday."),
        ("ins", "Tuesday."),
    ]
    inside = word_diff("Councillors voted on Monday night.", "Councillors voted on Tuesday night.")
    assert [kind for kind, _ in inside] == ["same", "del", "ins", "same"]
    assert inside[1:3] == [("del", "Monday"), ("ins", "Tuesday")]


def test_neighbouring_changed_words_read_as_one_replacement():
    assert word_diff("a quick brown fox", "a slow red fox") == [
        ("same", "a "),
        ("del", "quick brown"),
        ("ins", "slow red"),
        ("same", " fox"),
    ]
    assert word_diff("same", "same") == [("same", "same")]
    assert word_diff("", "New text") == [("ins", "New text")]


def test_the_body_is_compared_as_text_blocks_not_markup():
    html = (
        "<h2>Closures</h2><p>Route <strong>14</strong> is <a href='https://bus.example/14'>"
        "diverted</a>.<br>Until May.</p><ul><li>Ferry</li><li>Tram</li></ul>"
        "<figure><img src='/media/a.jpg' alt='The bridge'><figcaption>Work starts</figcaption>"
        "</figure><p>Tom &amp; Jerry</p>"
    )
    assert html_to_text(html) == (
        "# Closures\n\nRoute 14 is diverted [https://bus.example/14].\nUntil May.\n\n"
        "• Ferry\n\n• Tram\n\n[The bridge]\n\nWork starts\n\nTom & Jerry"
    )
    segments = word_diff(html_to_text("<p>One.</p><p>Two.</p>"), html_to_text("<p>One.</p>"))
    assert segments == [("same", "One."), ("del", "\n\nTwo.")]


def test_compare_page_escapes_what_it_shows(client, editor, story):
    story.body = "<p>The bridge &lt;script&gt;alert(1)&lt;/script&gt; opening is delayed.</p>"
    story.save()
    client.force_login(editor)
    html = client.get(
        reverse("admin:articles_article_compare", args=[story.pk]),
        {"old": story.history.all()[1].pk},
    ).content.decode()
    assert "The bridge <ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins> opening" in html


# --- Tags, authors, related stories and corrections are part of the history ----------------


def change_form_data(response):
    """What a browser sends back from a story's change page, inlines included."""
    data = form_data(response.context["adminform"].form)
    # The version the page was drawn from (articles.desk.conflicts), as its hidden input says.
    data["_version"] = response.context["original"].version
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = formset.management_form[name].value()
        for form in formset.forms:
            for name, value in form_data(form).items():
                data[form.add_prefix(name)] = value
    return data


def test_history_records_tags_authors_related_stories_and_corrections(client, editor):
    ann, bob = AuthorFactory(name="Ann Reporter"), AuthorFactory(name="Bob Writer")
    other = ArticleFactory(headline="Ferry timetable changes")
    story = ArticleFactory(headline="Bridge closes", tags=["Bridges", "Roads"], authors=[ann])
    story.relate(other)
    url = reverse("admin:articles_article_change", args=[story.pk])
    client.force_login(editor)

    data = change_form_data(client.get(url))
    data["headline"] = "Bridge closes for a month"
    assert client.post(url, data).status_code == 302
    before = story.history.first()
    assert before.relations == {
        "tags": ["Bridges", "Roads"],
        "authors": ["Ann Reporter"],
        "related": [{"id": other.pk, "headline": "Ferry timetable changes"}],
        "corrections": [],
    }

    data = change_form_data(client.get(url))
    data["tags"] = "Roads, Transport"
    data["articleauthor_set-1-author"] = str(bob.pk)
    data["articleauthor_set-1-order"] = "1"
    data["related_links-0-DELETE"] = "on"
    data["corrections-TOTAL_FORMS"] = "1"
    data["corrections-0-date_0"] = "2025-03-01"
    data["corrections-0-date_1"] = "10:00:00"
    data["corrections-0-text"] = "An earlier version named the wrong bridge."
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert story.history.count() == 3  # one revision per save, inlines and tags included
    after = story.history.first()
    assert after.relations["tags"] == ["Roads", "Transport"]
    assert after.relations["authors"] == ["Ann Reporter", "Bob Writer"]
    assert after.relations["related"] == []
    assert [c["text"] for c in after.relations["corrections"]] == [
        "An earlier version named the wrong bridge."
    ]

    compare = client.get(
        reverse("admin:articles_article_compare", args=[story.pk]),
        {"old": before.pk, "new": after.pk},
    )
    rows = {str(row["label"]): row for row in compare.context["rows"]}
    assert rows["tags"]["segments"] == [
        ("del", "Bridges"),
        ("same", "Roads"),
        ("ins", "Transport"),
    ]
    assert rows["authors"]["segments"] == [("same", "Ann Reporter"), ("ins", "Bob Writer")]
    assert rows["related stories"]["segments"] == [("del", "Ferry timetable changes")]
    assert rows["corrections"]["segments"] == [
        ("ins", "1 Mar 2025: An earlier version named the wrong bridge.")
    ]
    html = compare.content.decode()
    assert "<del>Bridges</del>" in html and "<ins>Transport</ins>" in html
    assert "<ins>Bob Writer</ins>" in html

    history = client.get(reverse("admin:articles_article_history", args=[story.pk]))
    changes = history.context["page_obj"].object_list[0].history_delta_changes
    assert {"field": "Tags", "old": "Bridges, Roads", "new": "Roads, Transport"} in changes
    assert {"field": "Corrections", "old": "0 corrections", "new": "1 correction"} in changes


def test_a_story_linked_back_gets_a_revision_of_its_own(client, editor):
    other = ArticleFactory(headline="Ferry timetable changes")
    story = ArticleFactory(headline="Bridge closes")
    url = reverse("admin:articles_article_change", args=[story.pk])
    client.force_login(editor)
    data = change_form_data(client.get(url))
    data["related_links-0-target"] = str(other.pk)
    data["related_links-0-order"] = "1"
    data["related_links-0-both_ways"] = "on"
    assert client.post(url, data).status_code == 302
    revision = other.history.first()
    assert revision.relations["related"] == [{"id": story.pk, "headline": "Bridge closes"}]
    assert revision.history_user == editor
    assert revision.history_change_reason == "Related story added from “Bridge closes”"
    assert other.history.count() == 2


def test_a_save_outside_the_form_records_the_relations_of_the_moment(editor):
    story = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, tags=["Budget"])
    CorrectionFactory(article=story, text="The figure was £2m, not £2bn.")
    workflow.publish(story, by=editor)
    relations = story.history.first().relations
    assert relations["tags"] == ["Budget"]
    assert relations["corrections"][0]["text"] == "The figure was £2m, not £2bn."
    assert story.history.last().relations == revisions.EMPTY  # created before its tags


def test_revisions_from_before_keep_their_place_and_the_latest_gets_the_state(client, editor):
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection
    from taggit.models import Tag as TaggitTag
    from taggit.models import TaggedItem

    story = ArticleFactory(authors=[AuthorFactory(name="Ann Reporter")])
    # Where tags were when 0009 ran: taggit's tables (articles.Tag came with 0016).
    TaggedItem.objects.create(
        content_object=story, tag=TaggitTag.objects.create(name="Budget", slug="budget")
    )
    story.headline = "Budget passes"
    story.save()
    story.history.update(relations=None)  # as migrated: revisions knew nothing of these
    migration = import_module("articles.migrations.0009_tag_history_relations_and_redirects")
    migration.record_latest_revisions(apps, SimpleNamespace(connection=connection))
    latest, first = story.history.all()
    assert first.relations is None
    assert latest.relations == {
        "tags": ["Budget"],
        "authors": ["Ann Reporter"],
        "related": [],
        "corrections": [],
    }
    client.force_login(editor)
    response = client.get(
        reverse("admin:articles_article_compare", args=[story.pk]), {"old": first.pk}
    )
    assert response.context["relations_recorded"] is False
    assert [str(row["label"]) for row in response.context["rows"]] == ["headline"]
    assert "were recorded with each revision" in response.content.decode()
