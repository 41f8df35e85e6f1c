"""The desk's change lists on big tables (newsroom/changelists.py): no count of the whole
table, estimates for big queues, exact numbers for small ones, years from the ends."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments import admin as comment_admin
from newsroom import changelists
from tests.comment_helpers import _fresh_cache  # noqa: F401
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

COMMENTS = reverse("admin:comments_comment_changelist")
STORIES = reverse("admin:articles_article_changelist")


@pytest.fixture
def superuser(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def whole_table_counts(queries, table):
    """COUNT queries without a WHERE: the whole table counted."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT COUNT(*) AS "__count"') and q["sql"].endswith(f'"{table}"')
    ]


@pytest.mark.parametrize(
    ("url", "table"), [(COMMENTS, "comments_comment"), (STORIES, "articles_article")]
)
def test_no_change_list_counts_its_whole_table(client, superuser, url, table):
    story = ArticleFactory()
    CommentFactory(article=story, status="pending")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert whole_table_counts(queries, table) == []


def test_big_queues_show_the_estimate_small_ones_their_count(client, superuser, monkeypatch):
    story = ArticleFactory()
    CommentFactory.create_batch(2, article=story, status="pending")
    CommentFactory(article=story, status="spam")
    statistics = {"status": {"approved": 2_400_000, "spam": 3}, "reported": {}}
    monkeypatch.setattr(
        comment_admin,
        "column_estimates",
        lambda model, field: statistics[field],
    )
    page = client.get(COMMENTS).content.decode()
    assert "Approved: <strong>about 2,400,000</strong>" in page
    assert "Pending: <strong>2</strong>" in page
    assert "Spam: <strong>1</strong>" in page  # small: counted, whatever the statistics say
    assert "Rejected: <strong>0</strong>" in page and "Reported: <strong>0</strong>" in page


@pytest.mark.postgres
def test_a_queue_past_the_threshold_is_paginated_by_its_estimate(client, superuser, monkeypatch):
    monkeypatch.setattr(changelists, "ESTIMATE_ABOVE", 0)
    story = ArticleFactory()
    CommentFactory.create_batch(3, article=story)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE comments_comment")
    response = client.get(COMMENTS + "?queue=approved")
    assert response.status_code == 200
    count = response.context["cl"].result_count
    assert isinstance(count, changelists.Estimate) and not count.exact
    assert "about " in response.content.decode()
    assert len(response.context["cl"].result_list) == 3


def test_estimated_count_is_exact_below_the_threshold(monkeypatch):
    from comments.models import Comment

    CommentFactory.create_batch(2, status="pending")
    monkeypatch.setattr(changelists, "ESTIMATE_ABOVE", 10_000)
    count = changelists.estimated_count(Comment.objects.filter(status="pending"))
    assert count == 2 and not isinstance(count, changelists.Estimate)


@pytest.mark.postgres
def test_column_estimates_read_the_statistics(monkeypatch):
    from comments.models import Comment

    CommentFactory.create_batch(4, status="spam")
    CommentFactory.create_batch(2, status="approved")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE comments_comment")
    assert changelists.column_estimates(Comment, "status") == {"spam": 4, "approved": 2}


@pytest.mark.postgres
def test_date_hierarchy_years_come_from_the_first_and_last_dates(client, superuser):
    for year in (2021, 2024):
        ArticleFactory(publish_at=timezone.make_aware(timezone.datetime(year, 6, 1, 12)))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(STORIES).content.decode()
    years = re.findall(r"\?publish_at__year=(\d{4})", page)
    assert years == ["2021", "2022", "2023", "2024"]
    assert not [q for q in queries if "DATE_TRUNC('year'" in q["sql"]]
    drill = client.get(STORIES + "?publish_at__year=2024").content.decode()
    assert "publish_at__month=6" in drill  # months still come from the stories of that year
