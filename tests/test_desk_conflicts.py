"""Edit conflicts: a form opened on an older version never overwrites silently."""

import types

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.desk import conflicts, roles, workflow
from articles.desk.models import Autosave
from articles.models import Article
from tests.desk_helpers import change_url, editor, open_story, stored
from tests.factories import ArticleFactory, SectionFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna():
    return editor("anna", "Anna", "Berg")


@pytest.fixture
def ben():
    return editor("ben", "Ben", "Okafor")


@pytest.fixture
def story(anna):
    return ArticleFactory(
        headline="Ferry timetable changes for winter",
        body="<p>The ferry company announced its winter timetable on Monday.</p>"
        "<p>Season tickets stay at the same price.</p>",
        created_by=anna,
        tags=["Ferries"],
    )


def two_editors_open(client, anna, ben, story):
    client.force_login(anna)
    anna_form = open_story(client, story)
    client.force_login(ben)
    ben_form = open_story(client, story)
    return anna_form, ben_form


def save(client, user, story, data):
    client.force_login(user)
    return client.post(change_url(story), data)


def test_every_save_adds_one_to_the_version(story, anna):
    before = story.version
    story.headline = "Ferry timetable changes again"
    story.save()
    assert stored(story).version == before + 1
    workflow.unpublish(stored(story), by=anna)
    assert stored(story).version == before + 2
    assert story.history.first().version == before + 2  # each revision has its number


def test_bulk_actions_add_to_the_version(client, story, anna):
    before = story.version
    client.force_login(anna)
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish_selected", "_selected_action": [story.pk]},
    )
    assert stored(story).status == Article.Status.UNPUBLISHED
    assert stored(story).version == before + 1


def test_the_second_save_is_refused_with_what_changed(client, story, anna, ben):
    anna_form, ben_form = two_editors_open(client, anna, ben, story)
    anna_form["headline"] = "Winter ferry timetable: fewer evening crossings"
    assert save(client, anna, story, anna_form).status_code == 302

    ben_body = ben_form["body"].replace("on Monday", "on Monday morning")
    ben_form["body"] = ben_body
    response = save(client, ben, story, ben_form)
    assert response.status_code == 200
    assert stored(story).headline == "Winter ferry timetable: fewer evening crossings"
    assert "morning" not in stored(story).body  # nothing overwritten, nothing merged yet
    html = response.content.decode()
    conflict = response.context["adminform"].form.conflict
    assert "Anna Berg saved this story at" in html
    assert [save["who"] for save in conflict.saved_by] == ["Anna Berg"]
    headline = next(change for change in conflict.changes if change.name == "headline")
    assert headline.they_changed and not headline.you_changed
    assert headline.decision() == conflicts.THEIRS
    body = next(change for change in conflict.changes if change.name == "body")
    assert body.you_changed and not body.they_changed
    assert ("added", " morning") in body.diffs["mine"]
    # Everything Ben typed is still in the form, and kept on the server too.
    assert "on Monday morning" in response.context["adminform"].form["body"].value()
    kept = Autosave.objects.get(user=ben, article=story)
    assert ["body", ben_body, ""] in kept.fields
    assert kept.version == story.version  # written on what Ben opened, not what is stored
    client.force_login(ben)
    offer = client.get(change_url(story)).context["editing"]["offer"]
    assert offer["older"] and "has been saved since" in offer["note"]
    # The form now carries the stored version and the one Ben opened.
    controls = response.context["editing"]["controls"]
    assert controls["_version"] == stored(story).version
    assert controls["_base_version"] == story.version


def test_merge_keeps_both_editors_changes(client, story, anna, ben):
    anna_form, ben_form = two_editors_open(client, anna, ben, story)
    anna_form["headline"] = "Winter ferry timetable: fewer evening crossings"
    anna_form["tags"] = "Ferries, Transport"
    save(client, anna, story, anna_form)
    ben_form["body"] = ben_form["body"].replace("on Monday", "on Monday morning")
    refused = save(client, ben, story, ben_form)

    resolution = {**ben_form, **refused.context["editing"]["controls"], "_conflict": "merge"}
    response = save(client, ben, story, resolution)
    assert response.status_code == 302
    merged = stored(story)
    assert merged.headline == "Winter ferry timetable: fewer evening crossings"
    assert "on Monday morning" in merged.body
    assert set(merged.tags.names()) == {"Ferries", "Transport"}  # Anna's tag survives
    assert merged.history.first().history_user == ben
    assert not Autosave.objects.filter(user=ben, article=story).exists()  # cleaned on save
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("Merged with the changes saved meanwhile" in m for m in messages)


@pytest.mark.parametrize(("pick", "expected"), [("mine", "Ben's"), ("theirs", "Anna's")])
def test_a_field_both_changed_takes_the_side_picked(client, story, anna, ben, pick, expected):
    anna_form, ben_form = two_editors_open(client, anna, ben, story)
    anna_form["headline"] = "Anna's headline"
    anna_form["standfirst"] = "Anna's standfirst"
    save(client, anna, story, anna_form)
    ben_form["headline"] = "Ben's headline"
    refused = save(client, ben, story, ben_form)
    conflict = refused.context["adminform"].form.conflict
    assert [change.name for change in conflict.choices] == ["headline"]
    assert 'name="_pick_headline"' in refused.content.decode()

    resolution = {**ben_form, **refused.context["editing"]["controls"], "_pick_headline": pick}
    assert save(client, ben, story, resolution).status_code == 302
    assert stored(story).headline == f"{expected} headline"
    assert stored(story).standfirst == "Anna's standfirst"  # Ben left it alone


def test_overwrite_saves_the_form_as_it_is(client, story, anna, ben):
    anna_form, ben_form = two_editors_open(client, anna, ben, story)
    anna_form["standfirst"] = "Anna's standfirst"
    save(client, anna, story, anna_form)
    ben_form["headline"] = "Ben's headline"
    refused = save(client, ben, story, ben_form)
    resolution = {**ben_form, **refused.context["editing"]["controls"], "_conflict": "overwrite"}
    assert save(client, ben, story, resolution).status_code == 302
    assert stored(story).headline == "Ben's headline"
    assert stored(story).standfirst == story.standfirst  # Anna's change is overwritten


def test_keep_theirs_stores_mine_as_a_revision_that_can_be_restored(client, story, anna, ben):
    anna_form, ben_form = two_editors_open(client, anna, ben, story)
    anna_form["headline"] = "Anna's headline"
    save(client, anna, story, anna_form)
    ben_form["headline"] = "Ben's headline"
    refused = save(client, ben, story, ben_form)
    resolution = {**ben_form, **refused.context["editing"]["controls"], "_conflict": "keep_theirs"}
    response = save(client, ben, story, resolution)
    assert response.status_code == 302
    assert stored(story).headline == "Anna's headline"
    kept = story.history.filter(history_change_reason=conflicts.KEPT_REASON).get()
    assert kept.headline == "Ben's headline" and kept.history_user == ben
    kept_form = Autosave.objects.get(user=ben, article=story)  # tags, rows: all kept
    assert kept_form.version == story.version  # restoring it brings the comparison back

    # An editor restores it from History (simple-history's revert).
    client.force_login(anna)
    url = reverse("admin:articles_article_simple_history", args=[story.pk, kept.pk])
    from tests.test_revisions import form_data

    page = client.get(url)
    assert client.post(url, form_data(page.context["adminform"].form)).status_code == 302
    assert stored(story).headline == "Ben's headline"


def test_a_save_between_the_conflict_and_the_choice_raises_it_again(client, story, anna, ben):
    anna_form, ben_form = two_editors_open(client, anna, ben, story)
    anna_form["headline"] = "Anna's headline"
    save(client, anna, story, anna_form)
    ben_form["standfirst"] = "Ben's standfirst"
    refused = save(client, ben, story, ben_form)
    resolution = {**ben_form, **refused.context["editing"]["controls"]}

    client.force_login(anna)
    again = open_story(client, story)
    again["headline"] = "Anna's second headline"
    save(client, anna, story, again)

    response = save(client, ben, story, resolution)
    assert response.status_code == 200
    assert response.context["adminform"].form.conflict is not None
    assert stored(story).standfirst == story.standfirst
    # Resolving now merges against what Ben first opened: both of Anna's saves stay.
    final = {**ben_form, **response.context["editing"]["controls"]}
    assert save(client, ben, story, final).status_code == 302
    assert stored(story).headline == "Anna's second headline"
    assert stored(story).standfirst == "Ben's standfirst"


@pytest.mark.parametrize("version", [None, "", "not a number", "0"])
def test_a_post_without_the_right_version_never_overwrites(client, story, anna, version):
    client.force_login(anna)
    data = open_story(client, story)
    data["headline"] = "Crafted"
    if version is None:
        del data["_version"]
    else:
        data["_version"] = version
    response = client.post(change_url(story), data)
    assert response.status_code == 200
    assert stored(story).headline == story.headline
    assert response.context["adminform"].form.conflict.choices  # shown, Anna chooses


def test_the_same_change_on_both_sides_is_no_choice(client, story, anna, ben):
    anna_form, ben_form = two_editors_open(client, anna, ben, story)
    anna_form["headline"] = ben_form["headline"] = "Same headline"
    save(client, anna, story, anna_form)
    refused = save(client, ben, story, ben_form)
    assert refused.context["adminform"].form.conflict.choices == []


def test_reporter_conflict_respects_the_workflow(client, anna):
    reporter = StaffFactory(username="rita", role=roles.REPORTERS)
    draft = ArticleFactory(
        status=Article.Status.DRAFT, publish_at=None, created_by=reporter, section=SectionFactory()
    )
    client.force_login(reporter)
    rita_form = open_story(client, draft)
    assert "featured" not in rita_form  # editor-only fields are not hers to compare or merge
    client.force_login(anna)
    anna_form = open_story(client, draft)
    anna_form["priority"] = "5"
    save(client, anna, draft, anna_form)
    rita_form["headline"] = "Rita's headline"
    refused = save(client, reporter, draft, rita_form)
    names = [change.name for change in refused.context["adminform"].form.conflict.changes]
    assert "priority" not in names
    resolution = {**rita_form, **refused.context["editing"]["controls"], "status": "published"}
    assert save(client, reporter, draft, resolution).status_code == 200  # still refused
    resolution["status"] = "review"
    assert save(client, reporter, draft, resolution).status_code == 302
    assert (stored(draft).headline, stored(draft).priority) == ("Rita's headline", 5)


@pytest.mark.postgres
def test_the_version_is_read_under_a_row_lock(client, story, anna):
    client.force_login(anna)
    data = open_story(client, story)
    with CaptureQueriesContext(connection) as queries:
        client.post(change_url(story), data)
    locked = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"] and '"version"' in q["sql"]]
    assert locked


def test_rich_text_is_compared_as_text():
    old = conflicts.readable_text("<p>The bridge opens on <strong>Monday</strong>.</p><p>Next</p>")
    new = conflicts.readable_text("<p>The bridge opens on <em>Tuesday</em> &amp; later.</p>")
    assert old == "The bridge opens on Monday.\nNext"
    diff = conflicts.word_diff(old, new)
    assert ("removed", "Monday") in diff
    assert ("added", "Tuesday & later") in diff
    assert not any("<" in text for _kind, text in diff)


def test_the_migration_numbers_existing_revisions(story):
    for headline in ("Second", "Third"):
        story.headline = headline
        story.save()
    Article.objects.filter(pk=story.pk).update(version=0)
    Article.history.filter(id=story.pk).update(version=0)
    module = __import__(
        "articles.migrations.0011_story_versions_edit_locks_autosaves", fromlist=["x"]
    )
    module.number_the_revisions(apps, types.SimpleNamespace(connection=connection))
    versions = list(
        Article.history.filter(id=story.pk)
        .order_by("history_date")
        .values_list("version", flat=True)
    )
    assert versions == [1, 2, 3]
    assert stored(story).version == 3


def test_a_reporters_words_are_kept_when_an_editor_publishes_while_they_write(client):
    from articles.models import EditorialNote

    reporter = StaffFactory(username="rita", role="Reporters")
    story = ArticleFactory(created_by=reporter, status=Article.Status.IN_REVIEW, publish_at=None)
    client.force_login(reporter)
    data = open_story(client, story)
    data["body"] = "<p>Twenty minutes of new reporting.</p>"
    workflow.publish(Article.objects.get(pk=story.pk), by=editor("eddie"))
    response = client.post(change_url(story), data)
    assert response.status_code == 302
    assert response["Location"] == change_url(story)
    assert Autosave.objects.filter(user=reporter, article=story).exists()
    note = EditorialNote.objects.get(article=story)
    assert "Twenty minutes of new reporting." in note.text and note.author == reporter
    shown = client.get(change_url(story))
    assert "your changes were not saved" in shown.content.decode()
