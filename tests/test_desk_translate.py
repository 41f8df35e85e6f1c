"""Translate: a story's linked draft in another edition, from its page or the plain function."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.desk.translate import free_slug, target_languages, translate
from articles.models import Article, EditorialNote, RelatedLink
from tests.desk_helpers import change_url, editor
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna():
    return editor("anna", "Anna", "Berg")


@pytest.fixture
def story(anna):
    """An English story with a lead image, two authors, tags and three related stories: one
    with an Arabic version, one without, one whose Arabic version is in the trash."""
    section = SectionFactory(name="City", slug="city")
    translated = ArticleFactory(headline="Tram depot plan approved", slug="depot")
    ArticleFactory(
        headline="خطة مستودع الترام",
        slug="depot-ar",
        language="ar",
        translation_key=translated.translation_key,
    )
    untranslated = ArticleFactory(headline="Bridge repairs divert route 14", slug="bridge")
    trashed = ArticleFactory(headline="Harbour wall to be rebuilt", slug="harbour")
    ArticleFactory(
        headline="سور الميناء",
        slug="harbour-ar",
        language="ar",
        status=Article.Status.TRASHED,
        status_before_trash=Article.Status.PUBLISHED,
        trashed_at=timezone.now(),
        translation_key=trashed.translation_key,
    )
    original = ArticleFactory(
        headline="Ferry timetable changes for winter",
        slug="ferry-timetable",
        standfirst="Fewer evening crossings from November.",
        body="<p>The ferry company announced its winter timetable.</p>",
        section=section,
        lead_image=ImageFactory(),
        story_type=Article.StoryType.ANALYSIS,
        source="Harbour Agency",
        dateline="PORTSMOUTH",
        byline="Staff and agencies",
        comments_enabled=False,
        authors=[AuthorFactory(name="Ann Reporter"), AuthorFactory(name="Bo Writer")],
        tags=["Ferries", "Transport"],
        created_by=anna,
    )
    for order, target in enumerate([untranslated, translated, trashed], start=1):
        RelatedLink.objects.create(article=original, target=target, order=order)
    return original


def translate_url(story):
    return reverse("admin:articles_article_translate", args=[story.pk])


def test_the_draft_carries_over_what_does_not_depend_on_the_language(story, anna):
    started = translate(story, "ar", by=anna)
    draft = Article.objects.get(pk=started.article.pk)
    assert draft.language == "ar"
    assert draft.translation_key == story.translation_key
    assert draft.status == Article.Status.DRAFT and draft.publish_at is None
    assert draft.created_by == anna
    for name in ("headline", "standfirst", "body", "section_id", "lead_image_id"):
        assert getattr(draft, name) == getattr(story, name), name
    for name in ("story_type", "source", "dateline", "byline", "comments_enabled"):
        assert getattr(draft, name) == getattr(story, name), name
    assert [author.name for author in draft.authors.order_by("articleauthor__order")] == [
        "Ann Reporter",
        "Bo Writer",
    ]
    # Tags belong to one language: none carried over.
    assert list(draft.tags.names()) == []
    # Related: the Arabic version where one exists (not one in the trash), in order.
    assert [link.target.headline for link in draft.related_links.all()] == ["خطة مستودع الترام"]
    assert [s.headline for s in started.untranslated] == [
        "Bridge repairs divert route 14",
        "Harbour wall to be rebuilt",
    ]
    # The original is untouched.
    assert set(Article.objects.get(pk=story.pk).tags.names()) == {"Ferries", "Transport"}


def test_the_draft_says_where_it_came_from_in_its_note_and_first_revision(story, anna):
    draft = translate(story, "ar", by=anna).article
    note = EditorialNote.objects.get(article=draft)
    assert note.author == anna
    assert "Ferry timetable changes for winter" in note.text
    assert "still the original's" in note.text
    assert "Tags were not carried over" in note.text
    assert "“Bridge repairs divert route 14”" in note.text
    revision = draft.history.get()
    assert revision.history_user == anna
    assert revision.history_change_reason.startswith("Translation of “Ferry timetable")
    # The revision holds what was carried over with the story (articles.desk.revisions).
    assert revision.relations["authors"] == ["Ann Reporter", "Bo Writer"]
    assert [entry["headline"] for entry in revision.relations["related"]] == ["خطة مستودع الترام"]


def test_the_slug_is_free_in_the_target_edition(story, anna):
    ArticleFactory(slug="ferry-timetable", language="ar", headline="Another")
    ArticleFactory(slug="ferry-timetable-2", language="ar", headline="And another")
    draft = translate(story, "ar", by=anna).article
    assert draft.slug == "ferry-timetable-3"
    assert free_slug("ferry-timetable", "en") == "ferry-timetable-2"  # the original's own


def test_refusals_name_their_reason(story, anna, settings):
    translate(story, "ar", by=anna)
    with pytest.raises(ValidationError, match="already has a version in Arabic"):
        translate(story, "ar", by=anna)
    with pytest.raises(ValidationError, match="not an edition"):
        translate(story, "fr", by=anna)
    moderator = StaffFactory(username="mo", role="Moderators")
    other = ArticleFactory(headline="A story to translate", slug="other")
    with pytest.raises(PermissionDenied, match="may not add stories"):
        translate(other, "ar", by=moderator)
    assert Article.objects.filter(translation_key=other.translation_key).count() == 1


def test_a_reporter_translates_what_they_can_see_not_a_colleagues_draft(anna):
    reporter = StaffFactory(username="rita", role="Reporters")
    published = ArticleFactory(headline="Published story", slug="published")
    draft = ArticleFactory(
        headline="Someone's draft", slug="draft", status=Article.Status.DRAFT, created_by=anna
    )
    assert translate(published, "ar", by=reporter).article.created_by == reporter
    with pytest.raises(PermissionDenied):
        translate(draft, "ar", by=reporter)


def test_the_control_offers_only_the_editions_the_group_lacks(client, story, anna, settings):
    settings.SITE_LANGUAGES = ["en", "ar", "fa"]
    client.force_login(anna)
    html = client.get(change_url(story)).content.decode()
    assert f'action="{translate_url(story)}"' in html
    assert '<option value="ar">Arabic</option>' in html
    assert '<option value="fa">Persian</option>' in html
    assert '<option value="en">' not in html.split('class="desk-translate"')[1].split("</form>")[0]
    translate(story, "ar", by=anna)
    assert target_languages(story, anna) == ["fa"]
    translate(story, "fa", by=anna)
    assert target_languages(story, anna) == []
    assert 'class="desk-translate"' not in client.get(change_url(story)).content.decode()


def test_translate_opens_the_new_draft_and_audits_it(client, story, anna):
    client.force_login(anna)
    response = client.post(translate_url(story), {"language": "ar"}, follow=True)
    draft = Article.objects.get(translation_key=story.translation_key, language="ar")
    assert response.redirect_chain[-1][0] == change_url(draft)
    html = response.content.decode()
    assert "The Arabic version of “Ferry timetable changes for winter”" in html
    assert "Bridge repairs divert route 14" in html  # left out, and said so
    # The Edition box of each lists the other.
    assert f'href="{change_url(story)}" lang="en"' in html
    assert (
        f'href="{change_url(draft)}" lang="ar"' in client.get(change_url(story)).content.decode()
    )
    # Audited on both, by the translator.
    entries = LogEntry.objects.filter(user=anna).order_by("pk")
    assert {(entry.object_id, entry.action_flag) for entry in entries} == {
        (str(draft.pk), 1),
        (str(story.pk), 2),
    }


def test_translate_is_post_only_and_csrf_checked(story, anna):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(anna)
    assert strict.get(translate_url(story)).status_code == 405
    assert strict.post(translate_url(story), {"language": "ar"}).status_code == 403
    assert not Article.objects.filter(language="ar", translation_key=story.translation_key)


def test_refused_on_the_page_with_a_message(client, story, anna):
    client.force_login(anna)
    client.post(translate_url(story), {"language": "ar"})
    response = client.post(translate_url(story), {"language": "ar"}, follow=True)
    assert response.redirect_chain[-1][0] == change_url(story)
    assert "already has a version in Arabic" in response.content.decode()
    response = client.post(translate_url(story), {"language": "xx"}, follow=True)
    assert "is not an edition of this site" in response.content.decode()
    assert Article.objects.filter(translation_key=story.translation_key).count() == 2


def test_a_reporter_cannot_open_a_colleagues_draft_to_translate_it(client, anna):
    reporter = StaffFactory(username="rita", role="Reporters")
    draft = ArticleFactory(
        headline="Someone's draft", slug="draft", status=Article.Status.DRAFT, created_by=anna
    )
    client.force_login(reporter)
    client.post(translate_url(draft), {"language": "ar"})
    assert Article.objects.filter(translation_key=draft.translation_key).count() == 1
