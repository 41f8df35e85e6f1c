from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, ArticleRedirect, Author, RelatedLink
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("offset", "visible"),
    [
        (timedelta(days=-1), True),  # yesterday
        (timedelta(seconds=-1), True),  # now
        (timedelta(days=1), False),  # tomorrow: scheduled
    ],
    ids=["yesterday", "now", "tomorrow"],
)
def test_published_cut_off(offset, visible):
    article = ArticleFactory(publish_at=timezone.now() + offset)
    assert Article.objects.published().filter(pk=article.pk).exists() is visible
    assert article.is_published is visible
    assert article.is_scheduled is not visible


def test_scheduled_story_appears_by_itself_when_its_time_comes(settings):
    article = ArticleFactory(publish_at=timezone.now() + timedelta(minutes=5))
    assert not Article.objects.published().filter(pk=article.pk).exists()
    later = timezone.now() + timedelta(minutes=6)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later)
        assert Article.objects.published().filter(pk=article.pk).exists()


@pytest.mark.parametrize(
    "status", [Article.Status.DRAFT, Article.Status.IN_REVIEW, Article.Status.UNPUBLISHED]
)
def test_only_published_status_is_visible(status):
    article = ArticleFactory(status=status, publish_at=timezone.now() - timedelta(days=1))
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_first_publication_is_stamped_once_and_drives_the_url():
    article = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    assert article.first_published_at is None
    assert article.get_absolute_url() == f"/preview/{article.pk}/"
    article.status = Article.Status.PUBLISHED
    article.save()
    first = article.first_published_at
    assert first is not None
    day = timezone.localdate(first)
    assert article.get_absolute_url() == f"/{day:%Y/%m/%d}/{article.slug}/"
    article.publish_at = timezone.now() - timedelta(days=3)
    article.save()
    article.refresh_from_db()
    assert article.first_published_at == first


def test_slug_is_unique_per_publication_date():
    when = timezone.now() - timedelta(hours=2)
    ArticleFactory(slug="river-rises", publish_at=when)
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(slug="river-rises", publish_at=when)


def test_same_slug_on_another_date_is_allowed():
    ArticleFactory(slug="river-rises", publish_at=timezone.now() - timedelta(days=2))
    ArticleFactory(slug="river-rises", publish_at=timezone.now() - timedelta(hours=1))
    assert Article.objects.filter(slug="river-rises").count() == 2


def test_slug_clash_is_a_validation_error_for_forms():
    when = timezone.now() - timedelta(hours=2)
    ArticleFactory(slug="river-rises", publish_at=when)
    clash = ArticleFactory.build(slug="river-rises", publish_at=when, section=SectionFactory())
    clash._stamp_publication()
    with pytest.raises(ValidationError, match="Another story published that day"):
        clash.validate_constraints()


def test_changing_a_published_slug_remembers_the_old_address():
    article = ArticleFactory(slug="first-slug")
    old = article.get_absolute_url()
    article.slug = "second-slug"
    article.save()
    redirect = ArticleRedirect.objects.get(old_path=old)
    assert redirect.article == article
    assert article.get_absolute_url().endswith("/second-slug/")


def test_draft_slug_change_leaves_no_redirect():
    article = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, slug="draft-one")
    article.slug = "draft-two"
    article.save()
    assert not ArticleRedirect.objects.exists()


def test_story_cannot_relate_to_itself():
    article = ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RelatedLink.objects.create(article=article, target=article)
    with pytest.raises(ValidationError, match="cannot be related to itself"):
        RelatedLink(article=article, target=article).full_clean()


def test_related_link_once_and_two_way():
    first, second = ArticleFactory(), ArticleFactory()
    first.relate(second, both_ways=True)
    first.relate(second, both_ways=True)  # no duplicates
    assert list(first.related_links.values_list("target", flat=True)) == [second.pk]
    assert list(second.related_links.values_list("target", flat=True)) == [first.pk]


def test_body_is_sanitised_and_counted_on_save():
    article = ArticleFactory(
        body='<p onclick="x()">Four words are here</p><script>alert(1)</script>'
    )
    assert article.body == "<p>Four words are here</p>"
    assert article.word_count == 4
    assert article.reading_time == 1


def test_saves_are_recorded_as_revisions():
    article = ArticleFactory(body="<p>One</p>")
    article.body = "<p>Two</p>"
    article.save()
    assert [h.body for h in article.history.order_by("history_id")] == ["<p>One</p>", "<p>Two</p>"]


def test_readers_dates_come_from_first_publication_and_the_latest_change():
    earlier, later = timezone.now() - timedelta(days=2), timezone.now()
    scheduled = Article(first_published_at=None, publish_at=later, updated_at=earlier)
    assert (scheduled.date_published, scheduled.date_modified) == (later, later)
    republished = Article(first_published_at=earlier, publish_at=earlier, updated_at=later)
    assert (republished.date_published, republished.date_modified) == (earlier, later)
    assert Article(publish_at=None, updated_at=None).date_modified is None


def test_readers_see_the_tags_of_published_stories_only():
    ArticleFactory(status=Article.Status.PUBLISHED, tags=["seen"])
    ArticleFactory(status=Article.Status.DRAFT, tags=["unannounced"])
    assert list(Article.objects.published().tags().values_list("name", flat=True)) == ["seen"]


def test_areas_of_expertise_split_on_a_latin_or_an_arabic_comma():
    author = Author(expertise="Housing, Local government،الإسكان ، الحكم المحلي,")
    assert author.expertise_list == ["Housing", "Local government", "الإسكان", "الحكم المحلي"]
