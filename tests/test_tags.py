"""Tags on the desk: suggestions from existing tags while typing, and merging duplicates."""

import pytest
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.urls import reverse

from articles.desk import roles, tags
from articles.models import Article, Tag, TaggedStory, TagRedirect
from tests.factories import ArticleFactory, StaffFactory

pytestmark = pytest.mark.django_db

SUGGESTIONS = reverse("admin:articles_tag_suggestions")
CHANGELIST = reverse("admin:articles_tag_changelist")


@pytest.fixture
def editor():
    return StaffFactory(username="editor", role=roles.EDITORS)


@pytest.fixture
def used_tags():
    """Housing on three stories, Hospitals on two, Homes on one, Transport on one."""
    for names in (
        ["Housing", "Hospitals"],
        ["Housing", "Hospitals", "Transport"],
        ["Housing", "Homes"],
    ):
        ArticleFactory(tags=names)


def names(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [tag["name"] for tag in response.json()["results"]]


# --- Suggestions ----------------------------------------------------------------------------


def test_suggestions_start_with_the_prefix_most_used_first(client, editor, used_tags):
    client.force_login(editor)
    assert names(client.get(SUGGESTIONS, {"q": "ho"})) == ["Housing", "Hospitals", "Homes"]
    assert names(client.get(SUGGESTIONS, {"q": "HOS"})) == ["Hospitals"]
    assert names(client.get(SUGGESTIONS, {"q": "ousing"})) == []  # a prefix, not a substring
    assert names(client.get(SUGGESTIONS, {"q": "  "})) == []
    assert names(client.get(SUGGESTIONS)) == []
    first = client.get(SUGGESTIONS, {"q": "hou"}).json()["results"][0]
    assert first == {"name": "Housing", "slug": "housing", "uses": 3}
    assert "no-cache" in client.get(SUGGESTIONS, {"q": "ho"})["Cache-Control"]


def test_suggestions_are_bounded(client, editor):
    ArticleFactory(tags=[f"Election {n:02d}" for n in range(tags.SUGGESTIONS + 5)])
    client.force_login(editor)
    found = names(client.get(SUGGESTIONS, {"q": "elec"}))
    assert len(found) == tags.SUGGESTIONS == 10
    assert found == [f"Election {n:02d}" for n in range(10)]  # equal use: by name
    assert names(client.get(SUGGESTIONS, {"q": "e" * 5000})) == []


def test_suggestions_take_one_query_whatever_the_number_of_tags(
    client, editor, django_assert_max_num_queries
):
    for n in range(30):
        ArticleFactory(tags=[f"Budget {n}", "Budget"])
    client.force_login(editor)
    client.get(SUGGESTIONS, {"q": "bud"})  # warm the content-type and permission caches
    # Session, user, two-factor device, the user's and groups' permissions (5, as on every
    # admin page), then one query for the tags and their use counts.
    with django_assert_max_num_queries(6):
        response = client.get(SUGGESTIONS, {"q": "bud"})
    assert names(response)[0] == "Budget"


def test_suggestions_are_for_who_writes_stories(client, used_tags):
    assert client.get(SUGGESTIONS, {"q": "ho"}).status_code == 302  # to the admin's login
    client.force_login(StaffFactory(role=roles.MODERATORS))
    assert client.get(SUGGESTIONS, {"q": "ho"}).status_code == 403
    client.force_login(StaffFactory(role=roles.REPORTERS))
    assert names(client.get(SUGGESTIONS, {"q": "ho"})) == ["Housing", "Hospitals", "Homes"]


def test_a_reporter_is_not_offered_the_tags_of_a_colleagues_draft(client, used_tags):
    colleague = StaffFactory(role=roles.REPORTERS)
    reporter = StaffFactory(role=roles.REPORTERS)
    ArticleFactory(
        status=Article.Status.DRAFT, publish_at=None, created_by=colleague, tags=["Holyrood leak"]
    )
    ArticleFactory(
        status=Article.Status.DRAFT, publish_at=None, created_by=reporter, tags=["Holiday lets"]
    )
    client.force_login(reporter)
    assert names(client.get(SUGGESTIONS, {"q": "hol"})) == ["Holiday lets"]
    client.force_login(StaffFactory(role=roles.EDITORS))
    assert names(client.get(SUGGESTIONS, {"q": "hol"})) == ["Holiday lets", "Holyrood leak"]


def test_the_story_form_offers_suggestions(client, editor):
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_add")).content.decode()
    assert f'data-tag-suggestions="{SUGGESTIONS}"' in html
    assert "articles/tag-suggestions.js" in html


# --- Merging --------------------------------------------------------------------------------


@pytest.fixture
def duplicates():
    """Three spellings of one tag, some stories carrying two of them."""
    return {
        "both": ArticleFactory(tags=["Housing", "housing"]),
        "misspelt": ArticleFactory(tags=["Housign"]),
        "two_wrong": ArticleFactory(tags=["housing", "Housign", "Transport"]),
        "right": ArticleFactory(tags=["Housing"]),
    }


def merge_post(client, tags_to_merge, into=None):
    data = {"action": "merge_selected", "_selected_action": [tag.pk for tag in tags_to_merge]}
    if into is not None:
        data.update(merge="Merge tags", into=into.pk)
    return client.post(CHANGELIST, data)


def test_merge_asks_which_tag_stays(client, editor, duplicates):
    client.force_login(editor)
    selected = Tag.objects.filter(name__in=["Housing", "housing", "Housign"])
    response = merge_post(client, selected)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Housing (2 stories)" in html and "Housign (2 stories)" in html
    for tag in selected:
        assert f'name="into" value="{tag.pk}"' in html
    assert Tag.objects.count() == 4  # nothing merged yet


def test_editor_merges_tags_into_the_chosen_one(client, editor, duplicates):
    client.force_login(editor)
    kept = Tag.objects.get(name="Housing")
    merged = list(Tag.objects.filter(name__in=["housing", "Housign"]))
    response = merge_post(client, [kept, *merged], into=kept)
    assert response.status_code == 302

    for story in duplicates.values():
        assert "Housing" in story.tags.names()
    assert sorted(duplicates["two_wrong"].tags.names()) == ["Housing", "Transport"]
    # Every story has the tag once: four stories, four uses, no duplicate row.
    assert TaggedStory.objects.filter(tag=kept).count() == 4
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Housing", "Transport"]
    assert set(TagRedirect.objects.values_list("old_slug", "tag")) == {
        (tag.slug, kept.pk) for tag in merged
    }
    changelist = client.get(CHANGELIST).content.decode()
    assert "merged into “Housing”: 3 stories changed." in changelist
    # The admin's log: a change of the kept tag, a deletion of each merged one.
    assert LogEntry.objects.filter(
        action_flag=CHANGE, object_id=str(kept.pk), change_message__contains="3 stories"
    ).exists()
    deleted = LogEntry.objects.filter(action_flag=DELETION).values_list("object_repr", flat=True)
    assert sorted(deleted) == sorted(tag.name for tag in merged)
    # Each changed story has a revision saying so, with its tags after the merge.
    revision = duplicates["two_wrong"].history.first()
    assert revision.history_user == editor
    assert revision.history_change_reason.startswith("Tags merged into Housing")
    assert revision.relations["tags"] == ["Housing", "Transport"]
    assert duplicates["right"].history.count() == 1  # untouched


def test_merged_tags_old_address_answers_301_to_the_kept_tag(client, editor, duplicates):
    misspelt = Tag.objects.get(name="Housign")
    kept = Tag.objects.get(name="Housing")
    tags.merge([misspelt, kept], kept, by=editor)
    response = client.get(f"/tag/{misspelt.slug}/")
    assert response.status_code == 301
    assert response["Location"] == "/tag/housing/"
    assert client.get(f"/tag/{misspelt.slug}/?page=2")["Location"] == "/tag/housing/?page=2"
    feed = client.get(f"/tag/{misspelt.slug}/feed/")
    assert feed.status_code == 301 and feed["Location"] == "/tag/housing/feed/"
    assert client.get("/tag/housing/").status_code == 200
    assert client.get("/tag/never-was/").status_code == 404


def test_merging_again_keeps_every_old_address_working_without_loops(editor, client):
    flats = ArticleFactory(tags=["Flats"]).tags.get()
    apartments = ArticleFactory(tags=["Apartments"]).tags.get()
    tags.merge([flats], apartments, by=editor)
    assert client.get("/tag/flats/")["Location"] == "/tag/apartments/"
    homes = ArticleFactory(tags=["Homes"]).tags.get()
    tags.merge([apartments], homes, by=editor)
    assert client.get("/tag/flats/")["Location"] == "/tag/homes/"  # one hop, not two
    assert client.get("/tag/apartments/")["Location"] == "/tag/homes/"
    # A new "Flats" takes its address back; merging into it leaves no redirect away from it.
    flats_again = ArticleFactory(tags=["Flats"]).tags.get()
    assert flats_again.slug == "flats"
    tags.merge([homes], flats_again, by=editor)
    assert client.get("/tag/flats/").status_code == 200
    assert client.get("/tag/homes/")["Location"] == "/tag/flats/"
    assert client.get("/tag/apartments/")["Location"] == "/tag/flats/"


def test_an_old_address_leads_nowhere_readers_may_not_go(client, editor):
    drafts = [ArticleFactory(status=Article.Status.DRAFT, publish_at=None) for _ in range(2)]
    drafts[0].tags.add("Embargo")
    drafts[1].tags.add("Embargoed")
    tags.merge([Tag.objects.get(name="Embargoed")], Tag.objects.get(name="Embargo"), by=editor)
    # Only drafts carry the tag: readers are not told it exists, even by a 301.
    assert client.get("/tag/embargoed/").status_code == 404
    ArticleFactory(tags=["Embargo"])
    assert client.get("/tag/embargoed/")["Location"] == "/tag/embargo/"


@pytest.mark.parametrize("role", [roles.REPORTERS, roles.MODERATORS])
def test_only_editors_merge_tags(client, duplicates, role):
    client.force_login(StaffFactory(role=role))
    html = client.get(CHANGELIST).content.decode()
    assert 'value="merge_selected"' not in html
    kept = Tag.objects.get(name="Housing")
    response = merge_post(client, Tag.objects.filter(name__in=["Housing", "Housign"]), into=kept)
    assert 'name="into"' not in response.content.decode()
    assert Tag.objects.count() == 4
    assert not TagRedirect.objects.exists()
    assert not LogEntry.objects.exists()


def test_merge_needs_two_tags(client, editor, duplicates):
    client.force_login(editor)
    kept = Tag.objects.get(name="Housing")
    response = merge_post(client, [kept], into=kept)
    assert response.status_code == 302
    assert "Choose at least two tags to merge." in client.get(CHANGELIST).content.decode()
    assert Tag.objects.count() == 4


def test_taggits_own_merge_view_is_not_routed(client, editor):
    client.force_login(editor)
    response = client.get(CHANGELIST + "merge-tags/")
    assert response.status_code in (302, 404)  # the admin's "no such object", not a form
    assert b"new_tag_name" not in response.content


def test_the_tag_page_shows_its_old_addresses(client, editor, duplicates):
    kept = Tag.objects.get(name="Housing")
    tags.merge([Tag.objects.get(name="Housign")], kept, by=editor)
    client.force_login(StaffFactory(role=roles.REPORTERS))
    html = client.get(reverse("admin:articles_tag_change", args=[kept.pk])).content.decode()
    assert "/tag/housign/" in html
