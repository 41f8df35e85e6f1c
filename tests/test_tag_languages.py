"""Tags belong to one language: a reader of the Arabic edition sees Arabic tags, never a mix,
and the desk makes, suggests and merges tags within a story's language."""

import json
import re
from urllib.parse import unquote

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import translation

import tests.test_revisions as revision_helpers
from articles.desk import roles, tags
from articles.models import Tag, TaggedStory, TagRedirect
from tests.factories import ArticleFactory, StaffFactory

pytestmark = pytest.mark.django_db

SUGGESTIONS = reverse("admin:articles_tag_suggestions")
CHANGELIST = reverse("admin:articles_tag_changelist")
ARABIC_HOUSING = "الإسكان"


@pytest.fixture
def editor():
    return StaffFactory(username="editor", role=roles.EDITORS)


@pytest.fixture
def two_editions():
    """An English and an Arabic story sharing the name "Housing", each with one of its own."""
    english = ArticleFactory(headline="Rents rise again", tags=["Housing", "Rents"])
    arabic = ArticleFactory(
        language="ar",
        headline="الإيجارات ترتفع مجددا",
        slug="al-ijarat",
        tags=["Housing", ARABIC_HOUSING],
    )
    return english, arabic


# --- The model --------------------------------------------------------------------------------


def test_the_same_name_is_a_tag_of_each_language(two_editions):
    english, arabic = two_editions
    assert set(Tag.objects.filter(name="Housing").values_list("language", "slug")) == {
        ("en", "housing"),
        ("ar", "housing"),
    }
    assert {tag.language for tag in english.tags.all()} == {"en"}
    assert {tag.language for tag in arabic.tags.all()} == {"ar"}
    # Every story carries tags of its own language only.
    assert not TaggedStory.objects.exclude(tag__language=F("content_object__language")).exists()


def test_an_arabic_story_given_an_english_tags_name_gets_an_arabic_tag(two_editions):
    english, arabic = two_editions
    arabic.tags.add("Rents")  # the English story's tag name
    rents = Tag.objects.filter(name="Rents")
    assert set(rents.values_list("language", flat=True)) == {"en", "ar"}
    assert arabic.tags.get(name="Rents").language == "ar"
    assert list(
        english.tags.get(name="Rents").tagged_stories.values_list("content_object", flat=True)
    ) == [english.pk]


def test_a_tag_of_another_language_is_refused(two_editions):
    english, arabic = two_editions
    with pytest.raises(ValueError, match="edition"):
        arabic.tags.add(Tag.objects.get(language="en", name="Rents"))
    assert not arabic.tags.filter(name="Rents").exists()


def test_a_story_moved_to_another_edition_takes_that_editions_tags(two_editions):
    english, _arabic = two_editions
    english.language = "ar"
    english.slug = "moved"
    english.save()
    assert {(tag.language, tag.name) for tag in english.tags.all()} == {
        ("ar", "Housing"),
        ("ar", "Rents"),
    }
    # The English tags stay, for the English stories that may carry them.
    assert Tag.objects.filter(language="en", name="Rents").exists()


# --- The reader site --------------------------------------------------------------------------


def links_to_tags(html):
    return {unquote(href) for href in re.findall(r'href="(/(?:ar/)?tag/[^"]+)"', html)}


def test_an_arabic_reader_never_sees_an_english_tag(client, two_editions):
    english, arabic = two_editions
    page = client.get(arabic.get_absolute_url()).content.decode()
    assert links_to_tags(page) == {"/ar/tag/housing/", f"/ar/tag/{ARABIC_HOUSING}/"}
    assert "Rents" not in page
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    )
    keywords = next(item for item in _graph(data) if "keywords" in item)["keywords"]
    assert sorted(keywords) == sorted(["Housing", ARABIC_HOUSING])
    english_page = client.get(english.get_absolute_url()).content.decode()
    assert links_to_tags(english_page) == {"/tag/housing/", "/tag/rents/"}


def _graph(data):
    if isinstance(data, list):
        return data
    return data.get("@graph", [data])


def test_each_edition_has_its_own_tag_page_and_feed(client, two_editions):
    english, arabic = two_editions
    english_page = client.get("/tag/housing/").content.decode()
    arabic_page = client.get("/ar/tag/housing/").content.decode()
    assert english.headline in english_page and arabic.headline not in english_page
    assert arabic.headline in arabic_page and english.headline not in arabic_page
    assert client.get("/ar/tag/rents/").status_code == 404  # English only
    assert client.get(f"/tag/{ARABIC_HOUSING}/").status_code == 404  # Arabic only
    feed = client.get("/ar/tag/housing/feed/").content.decode()
    assert arabic.headline in feed and english.headline not in feed
    assert client.get("/ar/tag/rents/feed/").status_code == 404


def test_old_tag_addresses_answer_in_their_own_edition(client, editor, two_editions):
    _english, arabic = two_editions
    ArticleFactory(language="ar", slug="other", tags=["Housnig"])
    housing = Tag.objects.get(language="ar", name="Housing")
    tags.merge([Tag.objects.get(language="ar", name="Housnig")], housing, by=editor)
    assert TagRedirect.objects.get().language == "ar"
    response = client.get("/ar/tag/housnig/")
    assert response.status_code == 301 and response["Location"] == "/ar/tag/housing/"
    assert client.get("/tag/housnig/").status_code == 404  # not an English address
    assert client.get("/ar/tag/housnig/feed/")["Location"] == "/ar/tag/housing/feed/"


def test_the_sitemap_lists_each_tag_at_its_editions_address(client, two_editions):
    index = client.get("/sitemap.xml").content.decode()
    tag_files = re.findall(r"<loc>[^<]*(/sitemap-tags\.xml[^<]*)</loc>", index)
    assert tag_files
    locations = set()
    for path in tag_files:
        body = client.get(path.replace("&amp;", "&")).content.decode()
        for loc in re.findall(r"<loc>([^<]+)</loc>", body):
            locations.add(unquote(re.sub(r"^https?://[^/]+", "", loc)))
    assert locations == {
        "/tag/housing/",
        "/tag/rents/",
        "/ar/tag/housing/",
        f"/ar/tag/{ARABIC_HOUSING}/",
    }


def test_the_arabic_tag_page_keeps_the_listing_budget(
    client, two_editions, django_assert_max_num_queries
):
    from tests.test_editions import LISTING_BUDGET

    for n in range(10):
        ArticleFactory(language="ar", slug=f"more-{n}", tags=["Housing"])
    client.get("/ar/tag/housing/")
    with django_assert_max_num_queries(LISTING_BUDGET):
        assert client.get("/ar/tag/housing/").status_code == 200


# --- The desk ---------------------------------------------------------------------------------


def suggested(client, q, **params):
    response = client.get(SUGGESTIONS, {"q": q, **params})
    assert response.status_code == 200
    return [(tag["name"], tag["uses"]) for tag in response.json()["results"]]


def test_suggestions_are_the_storys_language(client, editor, two_editions):
    ArticleFactory(tags=["Housing"])
    client.force_login(editor)
    assert suggested(client, "hou", language="en") == [("Housing", 2)]
    assert suggested(client, "hou", language="ar") == [("Housing", 1)]
    assert suggested(client, "ren", language="ar") == []
    assert suggested(client, "الإ", language="ar") == [(ARABIC_HOUSING, 1)]
    assert suggested(client, "الإ", language="en") == []
    assert suggested(client, "ren") == [("Rents", 1)]  # no language: the default edition's
    assert suggested(client, "ren", language="xx") == [("Rents", 1)]


def test_the_tag_field_names_the_storys_language(client, editor, two_editions):
    _english, arabic = two_editions
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_change", args=[arabic.pk])).content.decode()
    field = re.search(r"<input[^>]*data-tag-suggestions[^>]*>", html).group(0)
    assert 'data-tag-language="ar"' in field
    assert 'data-tag-language-field="id_language"' in field


def test_tags_typed_on_an_arabic_story_are_arabic(client, editor, two_editions):
    _english, arabic = two_editions
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[arabic.pk])
    data = revision_helpers.change_form_data(client.get(url))
    data["tags"] = f"Rents, {ARABIC_HOUSING}, مدارس"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert {(tag.language, tag.name) for tag in arabic.tags.all()} == {
        ("ar", "Rents"),
        ("ar", ARABIC_HOUSING),
        ("ar", "مدارس"),
    }
    english_rents = Tag.objects.get(language="en", name="Rents")
    assert not english_rents.tagged_stories.filter(content_object=arabic).exists()


def test_the_tag_admin_shows_and_filters_by_language(client, editor, two_editions):
    client.force_login(editor)
    html = client.get(CHANGELIST, {"language__exact": "ar"}).content.decode()
    assert ARABIC_HOUSING in html and "Rents" not in html
    assert "Arabic" in html  # the language column


def test_tags_of_two_languages_are_not_merged(client, editor, two_editions):
    client.force_login(editor)
    both = Tag.objects.filter(name__in=["Rents", ARABIC_HOUSING])
    data = {"action": "merge_selected", "_selected_action": [tag.pk for tag in both]}
    response = client.post(CHANGELIST, {**data, "merge": "Merge tags", "into": both[0].pk})
    assert response.status_code == 302
    assert (
        "Tags of different languages cannot be merged" in client.get(CHANGELIST).content.decode()
    )
    assert Tag.objects.filter(name__in=["Rents", ARABIC_HOUSING]).count() == 2
    assert not TagRedirect.objects.exists()
    with pytest.raises(tags.MixedLanguages):
        tags.merge(list(both), both[0], by=editor)
    assert Tag.objects.filter(name__in=["Rents", ARABIC_HOUSING]).count() == 2


def test_the_old_address_of_a_merged_arabic_tag_is_shown_under_its_edition(
    client, editor, two_editions
):
    ArticleFactory(language="ar", slug="other", tags=["Housnig"])
    housing = Tag.objects.get(language="ar", name="Housing")
    tags.merge([Tag.objects.get(language="ar", name="Housnig")], housing, by=editor)
    client.force_login(editor)
    html = client.get(reverse("admin:articles_tag_change", args=[housing.pk])).content.decode()
    assert "/ar/tag/housnig/" in html
    with translation.override("ar"):
        assert housing.get_absolute_url() == "/ar/tag/housing/"


def test_a_used_tag_keeps_its_language_on_the_desk(client, editor, two_editions):
    client.force_login(editor)
    used = Tag.objects.get(language="ar", name=ARABIC_HOUSING)
    html = client.get(reverse("admin:articles_tag_change", args=[used.pk])).content.decode()
    assert 'name="language"' not in html  # shown, not editable: its stories are Arabic
    unused = Tag.objects.create(name="Trams", slug="trams", language="ar")
    html = client.get(reverse("admin:articles_tag_change", args=[unused.pk])).content.decode()
    assert 'name="language"' in html
