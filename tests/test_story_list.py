"""The story list: filters by author, "mine", status and section; search that reads the body."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from tests import newsroom_day
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from tests.newsroom_day import story

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def people():
    return newsroom_day.people()


def listed(client, **params):
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return {article.headline for article in response.context["cl"].result_list}


def test_mine_is_what_i_created_or_carry_my_byline(client, people):
    reporter = people["reporter"]
    me = AuthorFactory(name="Rita Reporter", user=reporter)
    story("Written by me", reporter, Article.Status.DRAFT)
    story("Bylined to me", people["editor"], Article.Status.PUBLISHED, authors=[me])
    story("Someone else's", people["colleague"], Article.Status.PUBLISHED)
    client.force_login(reporter)
    assert listed(client, mine=1) == {"Written by me", "Bylined to me"}
    client.force_login(people["editor"])
    assert listed(client, mine=1) == {"Bylined to me"}


def test_filter_by_author_and_section(client, people):
    ann, bob = AuthorFactory(name="Ann"), AuthorFactory(name="Bob")
    city = SectionFactory(name="City", slug="city")
    ArticleFactory(headline="Ann in the city", section=city, authors=[ann])
    ArticleFactory(headline="Ann and Bob", authors=[ann, bob])
    ArticleFactory(headline="Nobody's")
    client.force_login(people["editor"])
    assert listed(client, author=ann.pk) == {"Ann in the city", "Ann and Bob"}
    assert listed(client, author=bob.pk) == {"Ann and Bob"}
    assert listed(client, author=ann.pk, section__id__exact=city.pk) == {"Ann in the city"}
    assert listed(client, author="²") == set()  # not a number: nothing, not a 500
    html = client.get(CHANGELIST).content.decode().split('id="changelist-filter"')[1]
    assert ">Ann</a>" in html and ">Bob</a>" in html


def test_search_reads_the_body_as_well_as_headline_and_standfirst(client, people):
    ArticleFactory(headline="Council meets", body="<p>The trams return in spring.</p>")
    ArticleFactory(headline="Trams are back", body="<p>Nothing else.</p>")
    ArticleFactory(headline="Weather", standfirst="Rain and trams.", body="<p>Wet.</p>")
    ArticleFactory(headline="Unrelated", body="<p>Buses only.</p>")
    client.force_login(people["editor"])
    assert listed(client, q="trams") == {"Council meets", "Trams are back", "Weather"}
    assert listed(client, q="spring") == {"Council meets"}
    assert listed(client, q="trams -spring") == {"Trams are back", "Weather"}
    assert listed(client, q='"trams return"') == {"Council meets"}
    assert listed(client, q="!!!") == set()
    assert listed(client, q="x" * 500) == set()  # too long for the body: only the headline


def test_search_keeps_to_what_a_role_may_see(client, people):
    story("A colleague's draft on trams", people["colleague"], Article.Status.DRAFT)
    story("My draft on trams", people["reporter"], Article.Status.DRAFT)
    client.force_login(people["reporter"])
    assert listed(client, q="trams") == {"My draft on trams"}


@pytest.mark.postgres
def test_on_postgresql_body_search_uses_the_full_text_vector(client, people):
    ArticleFactory(
        headline="Transport", slug="transport", body="<p>The councils voted on new routes.</p>"
    )
    ArticleFactory(headline="Other", slug="other", body="<p>Nothing to see.</p>")
    client.force_login(people["editor"])
    # Stemmed ("council" finds "councils") and prefixed ("rout" finds "routes").
    assert listed(client, q="council") == {"Transport"}
    assert listed(client, q="rout") == {"Transport"}
    with CaptureQueriesContext(connection) as queries:
        client.get(CHANGELIST, {"q": "council"})
    assert any("search_vector" in q["sql"] and "@@" in q["sql"] for q in queries)


@pytest.mark.postgres
def test_the_desk_search_reads_each_story_in_its_own_language(client, people):
    ArticleFactory(headline="Transport", slug="transport", body="<p>The councils voted.</p>")
    ArticleFactory(
        language="ar", headline="النقل", slug="al-naql", body="<p>المعلمون يطالبون.</p>"
    )
    client.force_login(people["editor"])
    assert listed(client, q="council") == {"Transport"}  # English stemming
    assert listed(client, q="المعلمين") == {"النقل"}  # Arabic stemming
    assert listed(client, q="المعلمين -council") == {"النقل"}
    assert listed(client, q="council -المعلمين") == {"Transport"}


def test_the_list_shows_a_story_in_three_columns(client, people):
    author = AuthorFactory(name="Ann Author")
    ArticleFactory(headline="A headline", section=SectionFactory(name="City"), authors=[author])
    client.force_login(people["editor"])
    html = client.get(CHANGELIST).content.decode()
    headers = html.split("<thead>")[1].split("</thead>")[0]
    for column in ("column-headline_and_byline", "column-status_label", "column-when"):
        assert column in headers
    assert "column-section" not in headers and "column-updated_at" not in headers
    assert '<span class="story-details" dir="auto">City · Ann Author</span>' in html
    assert "updated <time" in html


def test_searching_the_list_costs_the_same_whatever_the_size(
    client, people, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            ArticleFactory(
                headline=f"Story {Article.objects.count()}",
                body="<p>The trams return.</p>",
                authors=[AuthorFactory()],
            )

    add(3)
    client.force_login(people["editor"])
    client.get(CHANGELIST, {"q": "trams"})
    with CaptureQueriesContext(connection) as few:
        client.get(CHANGELIST, {"q": "trams"})
    add(20)
    with CaptureQueriesContext(connection) as many:
        client.get(CHANGELIST, {"q": "trams"})
    assert len(many) == len(few)
    # The list's 13 (test_admin) and the count of every story, which a search shows beside
    # the count of what it found.
    with django_assert_max_num_queries(14):
        client.get(CHANGELIST, {"q": "trams"})


def versions_cell(html, article):
    """The versions under the status, in the story list's row of `article`."""
    row = html.split(
        f'<th class="field-headline_and_byline"><a href="/admin/articles/article/{article.pk}/'
    )[1]
    cell = row.split('class="field-status_label"')[1].split("</td>")[0]
    return cell.split('class="story-versions"')[1] if "story-versions" in cell else ""


def test_the_list_shows_each_storys_versions(client, people, settings):
    settings.SITE_LANGUAGES = ["en", "ar", "fa"]
    english = ArticleFactory(headline="Tram depot approved")
    arabic = ArticleFactory(
        headline="الموافقة على مستودع الترام",
        language="ar",
        translation_key=english.translation_key,
        status=Article.Status.DRAFT,
    )
    alone = ArticleFactory(headline="A story in one language")
    client.force_login(people["editor"])
    html = client.get(CHANGELIST).content.decode()
    cell = versions_cell(html, english)
    assert '<span class="visually-hidden">Editions: </span>' in cell
    # Its own version marked, the other one a link to it, named with its status.
    assert (
        '<strong class="story-version" title="English: Published" aria-current="true">EN' in cell
    )
    change_arabic = reverse("admin:articles_article_change", args=[arabic.pk])
    assert f'href="{change_arabic}" title="العربيّة: Draft" hreflang="ar">AR</a>' in cell
    assert "FA" not in cell
    assert f'href="{reverse("admin:articles_article_change", args=[english.pk])}"' in (
        versions_cell(html, arabic)
    )
    assert "<a " not in versions_cell(html, alone)


def test_the_versions_cost_one_query_whatever_the_number_of_stories(
    client, people, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            story = ArticleFactory()
            ArticleFactory(language="ar", translation_key=story.translation_key)

    add(2)
    client.force_login(people["editor"])
    client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as few:
        client.get(CHANGELIST)
    add(10)
    with CaptureQueriesContext(connection) as many:
        client.get(CHANGELIST)
    assert len(many) == len(few)


def test_a_reporter_sees_only_the_versions_they_may_open(client, people):
    mine = ArticleFactory(created_by=people["reporter"], status=Article.Status.DRAFT)
    theirs = ArticleFactory(
        language="ar",
        translation_key=mine.translation_key,
        created_by=people["colleague"],
        status=Article.Status.DRAFT,
    )
    client.force_login(people["reporter"])
    html = client.get(CHANGELIST).content.decode()
    cell = versions_cell(html, mine)
    assert "EN" in cell and "AR" not in cell
    assert f"/admin/articles/article/{theirs.pk}/" not in html
