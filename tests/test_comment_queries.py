"""Query budget: 500 approved comments cost the story page at most 3 more queries than none."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.models import Comment
from tests.comment_helpers import _fresh_cache  # noqa: F401
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def story_queries(client, article):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return len(queries), response.content.decode()


def add_500_approved(article):
    """125 threads of four: a comment, two replies, and a reply to the first reply."""
    start = timezone.now() - timezone.timedelta(hours=1)
    common = {"article": article, "status": Comment.Status.APPROVED, "email": "x@example.org"}
    roots = Comment.objects.bulk_create(
        Comment(name=f"R{n}", body=f"Root {n:03d}", created=start, depth=1, **common)
        for n in range(125)
    )
    seconds = Comment.objects.bulk_create(
        Comment(name=f"S{n}", body=f"Reply {n:03d}.{k}", parent=root, depth=2, **common)
        for n, root in enumerate(roots)
        for k in range(2)
    )
    Comment.objects.bulk_create(
        Comment(name=f"T{n}", body=f"Deep {n:03d}", parent=second, depth=3, **common)
        for n, second in enumerate(seconds[::2])
    )
    assert Comment.objects.visible().filter(article=article).count() == 500


def test_story_page_with_500_comments_stays_within_budget(
    client, django_assert_max_num_queries, capsys
):
    empty = ArticleFactory()
    baseline, _html = story_queries(client, empty)

    busy = ArticleFactory()
    add_500_approved(busy)
    with django_assert_max_num_queries(baseline + 3):
        response = client.get(busy.get_absolute_url())
    html = response.content.decode()
    assert "500 comments" in html
    assert "Root 049" in html and "Deep 049" in html and "Root 050" not in html
    with capsys.disabled():
        loaded, _html = story_queries(client, busy)
        print(f"\nstory page queries: 0 comments = {baseline}, 500 comments = {loaded}")


def test_second_comment_page_same_budget(client, django_assert_max_num_queries):
    empty = ArticleFactory()
    baseline, _html = story_queries(client, empty)
    busy = ArticleFactory()
    add_500_approved(busy)
    with django_assert_max_num_queries(baseline + 3):
        response = client.get(busy.get_absolute_url() + "?comments_page=3")
    assert "Root 100" in response.content.decode()


def test_listing_comment_count_costs_no_extra_query(client, django_assert_num_queries):
    from articles.models import Article

    article = ArticleFactory()
    CommentFactory.create_batch(3, article=article)
    with django_assert_num_queries(2):  # the stories, and the authors' prefetch
        counts = [a.comment_count for a in Article.objects.published().for_listing()]
    assert counts == [3]
