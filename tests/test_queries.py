"""Query budgets: the story page and every listing cost the same whatever their size."""

import pytest
from django.utils import timezone

from articles.models import Correction, RelatedLink
from comments.models import Comment
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory
from tests.reader_data import add_comments, ago, full_story

pytestmark = pytest.mark.django_db

NOON = timezone.make_aware(timezone.datetime(2024, 5, 1, 12))
# A story page drawn with nothing kept (newsroom.fragments): the story; its authors, tags and
# corrections; two for its related stories; when its comments changed; its comments; the menu;
# its published versions (the site has two editions in the tests).
STORY_BUDGET = 10
# A page-cache miss once its fragments are kept, the story's row among them: nothing.
STORY_MISS_BUDGET = 0
# A miss after any one change a reader can see: the story and what that change made stale (an
# edit of the story: its extras, five queries).
STORY_CHANGED_BUDGET = 6
LISTING_BUDGET = 8


def story_with(n, threads):
    story = full_story(n=n)
    # Tag-related stories too, so the fill query returns rows.
    for i in range(n):
        ArticleFactory(section=story.section, tags=[f"tag-{i}"], publish_at=ago(days=1))
    add_comments(story, threads=threads, replies=2, words=8)
    return story


@pytest.mark.parametrize("n", [1, 50])
def test_story_page_query_budget(client, django_assert_max_num_queries, n):
    """n authors, tags, corrections, related links and comment threads (with replies)."""
    story = story_with(n, threads=n)
    with django_assert_max_num_queries(STORY_BUDGET):
        response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert story.authors.count() == n and story.tags.count() == n
    assert Correction.objects.filter(article=story).count() == n
    assert RelatedLink.objects.filter(article=story).count() == n
    assert len(response.context["related"]) == min(5, 2 * n)
    page = response.content.decode()
    assert page.count('class="comment ') == 4 * n and 'id="comment-form"' in page


def test_story_page_with_500_comments_query_budget(client, django_assert_max_num_queries):
    """The comments block costs one query, whatever the number of comments."""
    story = story_with(50, threads=125)
    assert Comment.objects.visible().filter(article=story).count() == 500
    with django_assert_max_num_queries(STORY_BUDGET):
        response = client.get(story.get_absolute_url())
    page = response.content.decode()
    assert "500 comments" in page and page.count('class="comment ') == 200
    with django_assert_max_num_queries(STORY_BUDGET):
        later = client.get(story.get_absolute_url() + "?comments_page=3")
    assert later.content.decode().count('class="comment ') == 100  # the last 25 threads


@pytest.mark.parametrize("n", [1, 50])
def test_story_page_miss_query_budget(
    client, django_assert_num_queries, settings, shared_cache, n
):
    """With the page cache off (every request drawn), once the page's fragments are kept."""
    settings.PAGE_CACHE = False
    story = story_with(n, threads=n)
    url = story.get_absolute_url()
    client.get(url)
    client.get(url + "?comments_page=2")
    for address in (url, url + "?comments_page=2"):
        with django_assert_num_queries(STORY_MISS_BUDGET):
            assert client.get(address).status_code == 200


def _edit_story(story):
    story.standfirst = "Edited."
    story.save()


def _approve_comment(story):
    from comments import moderation

    moderation.approve(Comment.objects.filter(article=story).first())


def _rename_section(story):
    story.section.name = "Renamed"
    story.section.save()


def _rename_author(story):
    author = story.authors.first()
    author.name = "Renamed"
    author.save()


def _add_correction(story):
    Correction.objects.create(article=story, text="Another.")


@pytest.mark.parametrize(
    "change", [_edit_story, _approve_comment, _rename_section, _rename_author, _add_correction]
)
def test_story_page_miss_after_a_change_query_budget(
    client, django_assert_max_num_queries, settings, shared_cache, change
):
    settings.PAGE_CACHE = False
    story = story_with(5, threads=5)
    Comment.objects.filter(article=story).update(status=Comment.Status.PENDING)
    client.get(story.get_absolute_url())
    change(story)
    with django_assert_max_num_queries(STORY_CHANGED_BUDGET):
        assert client.get(story.get_absolute_url()).status_code == 200


def test_conditional_get_of_a_kept_story_costs_no_query(
    client, django_assert_num_queries, shared_cache
):
    story = story_with(5, threads=5)
    client.get(story.get_absolute_url())
    etag = client.get(story.get_absolute_url())["ETag"]
    with django_assert_num_queries(0):
        response = client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304


def _listing_data(n):
    section = SectionFactory(slug="s")
    author = AuthorFactory(slug="a")
    for i in range(n):
        ArticleFactory(
            section=section,
            authors=[author, AuthorFactory()],
            tags=["t", f"x{i}"],
            lead_image=ImageFactory() if i < 3 else None,
            featured=i == 0,
            priority=i % 3,
            publish_at=NOON - timezone.timedelta(minutes=i),
        )
    return ArticleFactory(section=section, publish_at=NOON).pub_date


@pytest.mark.parametrize("n", [1, 50])
def test_listing_query_budgets(client, django_assert_max_num_queries, n):
    day = _listing_data(n)
    urls = [
        "/",
        "/section/s/",
        "/tag/t/",
        "/author/a/",
        f"/{day:%Y}/",
        f"/{day:%Y/%m}/",
        f"/{day:%Y/%m/%d}/",
        "/search/?q=council",
        "/feed/",
        "/feed/atom/",
        "/section/s/feed/",
        "/tag/t/feed/",
        "/author/a/feed/",
    ]
    for url in urls:
        with django_assert_max_num_queries(LISTING_BUDGET):
            response = client.get(url)
        assert response.status_code == 200, url
        if "feed" not in url and url != "/":
            assert response.context is not None, url
            assert len(response.context["articles"]) >= min(n, 20), url
