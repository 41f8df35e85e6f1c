"""The move of the stories' tags from taggit's tables to articles.Tag (one language each)
loses nothing: run on a database migrated to just before it, with taggit rows in it."""

import datetime
import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import F
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("articles", "0017_edition_labels")]
AFTER = [("articles", "0020_tags_per_language_switch")]


def migrate(targets):
    """Migrate to `targets`; the apps as they are there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.fixture
def at_the_migration():
    """The database just before the move; migrated back to the latest state afterwards."""
    apps = migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def story(apps, language, headline, section):
    Article = apps.get_model("articles", "Article")
    now = timezone.now()
    return Article.objects.create(
        language=language,
        headline=headline,
        slug=headline.lower().replace(" ", "-"),
        section=section,
        status="published",
        publish_at=now,
        first_published_at=now,
        pub_date=now.date(),
        translation_key=uuid.uuid4(),
    )


def test_every_tag_and_tagging_moves_one_tag_per_language(at_the_migration):
    apps = at_the_migration
    OldTag = apps.get_model("taggit", "Tag")
    OldTagged = apps.get_model("taggit", "TaggedItem")
    ContentType = apps.get_model("contenttypes", "ContentType")
    TagRedirect = apps.get_model("articles", "TagRedirect")
    section = apps.get_model("articles", "Section").objects.create(name="City", slug="city")
    english = story(apps, "en", "Ferry fares rise", section)
    arabic = story(apps, "ar", "Arabic ferry story", section)
    shared = OldTag.objects.create(name="Ferries", slug="ferries")
    only_english = OldTag.objects.create(name="Fares", slug="fares")
    OldTag.objects.create(name="Trams", slug="trams")
    story_type, _ = ContentType.objects.get_or_create(app_label="articles", model="article")
    for article, tag in ((english, shared), (arabic, shared), (english, only_english)):
        OldTagged.objects.create(content_type=story_type, object_id=article.pk, tag=tag)
    merged_at = timezone.now() - datetime.timedelta(days=3)
    redirect = TagRedirect.objects.create(old_slug="ferry", tag=shared)
    TagRedirect.objects.filter(pk=redirect.pk).update(created_at=merged_at)
    TagRedirect.objects.create(old_slug="fare", tag=only_english)

    apps = migrate(AFTER)
    Tag = apps.get_model("articles", "Tag")
    TaggedStory = apps.get_model("articles", "TaggedStory")
    TagRedirect = apps.get_model("articles", "TagRedirect")
    assert set(Tag.objects.values_list("language", "name", "slug")) == {
        ("en", "Ferries", "ferries"),
        ("ar", "Ferries", "ferries"),  # the shared tag: one per language, same name and slug
        ("en", "Fares", "fares"),
        ("en", "Trams", "trams"),  # unused: the default edition's
    }
    assert set(
        TaggedStory.objects.values_list("content_object_id", "tag__language", "tag__name")
    ) == {(english.pk, "en", "Ferries"), (arabic.pk, "ar", "Ferries"), (english.pk, "en", "Fares")}
    # Each story's tags are its own language's.
    assert not TaggedStory.objects.exclude(tag__language=F("content_object__language"))
    # Old addresses: per language of the tag they lead to, when it was merged kept.
    assert set(TagRedirect.objects.values_list("language", "old_slug", "tag__language")) == {
        ("en", "ferry", "en"),
        ("ar", "ferry", "ar"),
        ("en", "fare", "en"),
    }
    assert {r.created_at for r in TagRedirect.objects.filter(old_slug="ferry")} == {merged_at}
    # What moved left taggit's tables.
    assert not OldTagged.objects.exists()
    assert not apps.get_model("taggit", "Tag").objects.exists()
    # The desk's roles hold the new tags' permissions, taggit's no longer.
    Group = apps.get_model("auth", "Group")
    editors = set(
        Group.objects.get(name="Editors").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert ("articles", "change_tag") in editors and ("taggit", "change_tag") not in editors


def test_backwards_the_tags_go_back_to_taggit(at_the_migration):
    apps = migrate(AFTER)
    section = apps.get_model("articles", "Section").objects.create(name="City", slug="city")
    english = story(apps, "en", "Ferry fares rise", section)
    arabic = story(apps, "ar", "Arabic ferry story", section)
    Tag = apps.get_model("articles", "Tag")
    TaggedStory = apps.get_model("articles", "TaggedStory")
    for article, language in ((english, "en"), (arabic, "ar")):
        tag = Tag.objects.create(name="Ferries", slug="ferries", language=language)
        TaggedStory.objects.create(content_object=article, tag=tag)
    apps.get_model("articles", "TagRedirect").objects.create(
        language="ar", old_slug="ferry", tag=Tag.objects.get(language="ar")
    )

    apps = migrate(BEFORE)
    OldTag = apps.get_model("taggit", "Tag")
    OldTagged = apps.get_model("taggit", "TaggedItem")
    assert list(OldTag.objects.values_list("name", "slug")) == [("Ferries", "ferries")]
    assert set(OldTagged.objects.values_list("object_id", "tag__name")) == {
        (english.pk, "Ferries"),
        (arabic.pk, "Ferries"),
    }
    redirect = apps.get_model("articles", "TagRedirect").objects.get()
    assert (redirect.old_slug, redirect.tag.name) == ("ferry", "Ferries")
