"""Listing pages at any depth (articles/site/paging.py): the same stories as counting through
the listing would give, the same query count at page 1 and at the last page, 404 out of range,
and "Page N" without a total once a listing is too long to count."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.site import paging
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

NOON = timezone.make_aware(timezone.datetime(2024, 5, 1, 12))
LISTINGS = ["/section/s/", "/tag/t/", "/author/a/", "/2024/"]


@pytest.fixture
def stories():
    """47 stories in one section, tag and author, newest first; two share a publication time."""
    section = SectionFactory(slug="s")
    author = AuthorFactory(slug="a")
    made = [
        ArticleFactory(
            section=section,
            authors=[author],
            tags=["t"],
            publish_at=NOON - timezone.timedelta(minutes=i if i != 7 else 6),
        )
        for i in range(47)
    ]
    ArticleFactory(section=section, tags=["t"], status=Article.Status.DRAFT, publish_at=None)
    # The listing order: newest first, the id breaking a tie.
    return sorted(made, key=lambda story: (story.publish_at, story.pk), reverse=True)


def headlines(response):
    return [story.headline for story in response.context["articles"]]


def pages_of(stories, size=20):
    return [[s.headline for s in stories[i : i + size]] for i in range(0, len(stories), size)]


@pytest.mark.parametrize("url", LISTINGS)
@pytest.mark.parametrize("count_limit", [1000, 10])
def test_every_page_holds_what_counting_through_the_listing_gives(
    client, monkeypatch, stories, url, count_limit
):
    """Known totals (pages in the back half read from the other end) and unknown ones alike."""
    monkeypatch.setattr(paging.ListingPaginator, "count_limit", count_limit)
    expected = pages_of(stories)
    for number, page in enumerate(expected, 1):
        response = client.get(f"{url}?page={number}")
        assert response.status_code == 200, (url, number)
        assert headlines(response) == page, (url, number)
        has_next = number < len(expected)
        assert ('rel="next"' in response.content.decode()) is has_next
        assert ('rel="prev"' in response.content.decode()) is (number > 1)
    assert client.get(f"{url}?page={len(expected) + 1}").status_code == 404
    assert client.get(f"{url}?page=0").status_code == 404
    assert client.get(f"{url}?page=two").status_code == 404
    assert headlines(client.get(f"{url}?page=last")) == expected[-1]


@pytest.mark.parametrize("url", LISTINGS)
def test_a_listing_too_long_to_count_says_page_n_without_a_total(
    client, monkeypatch, stories, url
):
    page = client.get(url).content.decode()
    assert re.search(r">\s*Page 1 of 3\s*<", page)
    monkeypatch.setattr(paging.ListingPaginator, "count_limit", 30)
    page = client.get(url + "?page=2").content.decode()
    assert re.search(r">\s*Page 2\s*<", page) and " of 3" not in page


def test_an_empty_listing_has_one_empty_page(client):
    SectionFactory(slug="quiet")
    response = client.get("/section/quiet/")
    assert response.status_code == 200 and headlines(response) == []
    assert client.get("/section/quiet/?page=2").status_code == 404


@pytest.mark.parametrize("url", LISTINGS)
def test_the_last_page_costs_the_queries_of_the_first(client, stories, url):
    """And no page counts the whole listing, nor reaches its stories with an OFFSET of cards."""

    def queries(page):
        client.get(f"{url}?page={page}")  # warm the per-process caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{url}?page={page}").status_code == 200
        return [query["sql"] for query in captured]

    first, last = queries(1), queries(3)
    assert len(last) == len(first)
    for sql in last:
        assert not re.match(r'SELECT COUNT\(\*\) AS "__count" FROM "articles_article"', sql)
        if "OFFSET" in sql:  # only ever inside the narrow id subquery
            assert re.search(r'IN \(SELECT (U0|V0)\."id" AS "pk" FROM', sql), sql


def test_count_is_bounded(monkeypatch, stories):
    monkeypatch.setattr(paging.ListingPaginator, "count_limit", 10)
    paginator = paging.ListingPaginator(Article.objects.published(), 20)
    with CaptureQueriesContext(connection) as captured:
        assert paginator.count == 11 and not paginator.total_known
    assert "LIMIT 11" in captured[0]["sql"]
