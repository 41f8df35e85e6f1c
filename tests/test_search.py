import pytest

from articles.models import Article, search_config
from articles.site import search
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def results(client, q, **extra):
    response = client.get("/search/", {"q": q, **extra})
    assert response.status_code == 200
    return response, [a.headline for a in response.context["articles"]]


# --- Query parsing (no database) -------------------------------------------------------------


def test_parse_phrases_prefixes_and_exclusions():
    parsed = search.parse('"housing plan" council -roads')
    assert parsed.phrases == [["housing", "plan"]]
    assert parsed.words == ["council"]
    assert parsed.excluded == ["roads"]
    assert parsed.tsquery() == "('housing' <-> 'plan') & ('council':*) & (!'roads')"


def test_parse_strips_tsquery_syntax():
    parsed = search.parse("a:* & b | !c ' <-> (d) \"e")
    assert parsed.tsquery() == "('a') & ('b') & ('c') & ('d') & ('e')"
    assert not search.parse("&&& ||| ::: '''")


def test_short_words_are_not_prefixes():
    assert search.parse("uk").tsquery() == "('uk')"


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "Type a word or two"),
        ("   ", "Type a word or two"),
        ("x" * 500, "too long"),
        ("!!! ???", "at least one word"),
        (" ".join(["word"] * 20), "at most"),
    ],
)
def test_empty_or_absurd_queries_get_a_helpful_page(client, q, message):
    response, found = results(client, q)
    assert found == []
    assert message in response.content.decode()
    assert 'name="q"' in response.content.decode()


# --- Behaviour on any database ---------------------------------------------------------------


def test_finds_published_stories_only(client):
    ArticleFactory(headline="Council approves budget")
    ArticleFactory(headline="Council draft", status=Article.Status.DRAFT)
    ArticleFactory(headline="Roads reopen", body="<p>Traffic flows.</p>")
    _r, found = results(client, "budget")
    assert found == ["Council approves budget"]


def test_exclusion_and_no_match(client):
    ArticleFactory(headline="Council budget for roads")
    ArticleFactory(headline="Council budget for schools")
    _r, found = results(client, "budget -roads")
    assert found == ["Council budget for schools"]
    response, found = results(client, "zebra")
    assert found == [] and "Nothing matched" in response.content.decode()


def test_reader_query_is_escaped_in_the_page(client):
    response, _found = results(client, "<script>alert(1)</script>")
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_search_results_are_paginated_keeping_the_query(client):
    for i in range(21):
        ArticleFactory(headline=f"Budget story {i}")
    response, found = results(client, "budget")
    assert len(found) == 20
    assert 'href="?q=budget&amp;page=2"' in response.content.decode()
    _r, found = results(client, "budget", page=2)
    assert len(found) == 1
    assert client.get("/search/", {"q": "budget", "page": 9}).status_code == 404


# --- PostgreSQL full-text search -------------------------------------------------------------


@pytest.mark.postgres
def test_headline_match_outranks_body_match(client):
    ArticleFactory(
        headline="Roads reopen", standfirst="", body="<p>The mayor spoke about the budget.</p>"
    )
    ArticleFactory(headline="Budget approved", standfirst="", body="<p>Money for roads.</p>")
    ArticleFactory(headline="Schools", standfirst="A budget for schools", body="<p>Pupils.</p>")
    _r, found = results(client, "budget")
    assert found == ["Budget approved", "Schools", "Roads reopen"]


@pytest.mark.postgres
def test_a_common_word_ranks_the_newest_matches_only_and_says_so(client, monkeypatch):
    """Ranking reads every match: a word in most stories is ranked among the newest few."""
    from tests.reader_data import ago

    monkeypatch.setattr(search, "CANDIDATES", 3)
    old_headline = ArticleFactory(headline="Budget budget budget", publish_at=ago(days=9))
    newest = [
        ArticleFactory(headline=headline, standfirst="", body=body, publish_at=ago(hours=hours))
        for headline, body, hours in [
            ("Roads reopen", "<p>The budget for roads.</p>", 1),
            ("Budget approved", "<p>Money.</p>", 2),
            ("Schools", "<p>A budget for schools.</p>", 3),
        ]
    ]
    response, found = results(client, "budget")
    assert found[0] == "Budget approved"  # ranked: the headline match first
    assert sorted(found) == sorted(story.headline for story in newest)  # the newest three
    assert old_headline.headline not in found  # the best match of all, but older
    summary = " ".join(response.content.decode().split())
    assert "At least 3 stories found for “budget”: the best matches among the newest 3." in summary
    _r, found = results(client, "budget approved")
    assert found == [newest[1].headline]  # a narrower search still finds its stories


@pytest.mark.postgres
def test_a_rarer_word_says_how_many_it_found(client, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 3)
    ArticleFactory(headline="Budget approved")
    response, _found = results(client, "budget")
    summary = " ".join(response.content.decode().split())
    assert "1 story found for “budget”." in summary and "At least" not in summary


@pytest.mark.postgres
def test_prefix_stemming_and_phrases(client):
    ArticleFactory(headline="Councillors meet", body="<p>A housing plan was agreed.</p>")
    ArticleFactory(headline="Plan for housing", body="<p>Plan first, housing later.</p>")
    _r, found = results(client, "counc")
    assert found == ["Councillors meet"]
    _r, found = results(client, '"housing plan"')
    assert found == ["Councillors meet"]
    _r, found = results(client, "housing plan")
    assert set(found) == {"Councillors meet", "Plan for housing"}


@pytest.mark.postgres
def test_search_vector_is_kept_current_on_save(client):
    story = ArticleFactory(headline="Before", body="<p>Nothing here.</p>")
    assert results(client, "zeppelin")[1] == []
    story.body = "<p>A zeppelin flew over.</p>"
    story.save()
    assert results(client, "zeppelin")[1] == ["Before"]


@pytest.mark.postgres
def test_excerpt_highlights_and_escapes(client):
    ArticleFactory(
        headline="Budget",
        standfirst="",
        body="<p>The budget &lt;b&gt; &amp; the <em>plan</em> were agreed.</p>",
    )
    response, _found = results(client, "budget")
    excerpt = str(response.context["articles"][0].excerpt)
    assert "<mark>budget</mark>" in excerpt
    assert "&lt;b&gt; &amp; the plan were agreed" in excerpt and "<em>" not in excerpt
    assert "<mark>budget</mark>" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.parametrize("q", ["a:* & | !", "it's", "'; DROP TABLE x; --", "(((", "\\"])
def test_hostile_queries_never_error(client, q):
    ArticleFactory(headline="Anything")
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200


# --- Each edition in its own language ---------------------------------------------------------


@pytest.mark.postgres
def test_an_arabic_search_finds_inflected_forms_in_the_arabic_edition_only(client):
    """PostgreSQL's Arabic stemmer reads the story and the query: "المعلمين" (teachers, in
    the accusative) finds "المعلمون" (the nominative), which the English reading never does."""
    arabic = ArticleFactory(
        language="ar",
        headline="إضراب في المدارس",
        slug="idrab",
        standfirst="",
        body="<p>المعلمون يطالبون بزيادة الأجور.</p>",
    )
    ArticleFactory(headline="Teachers strike", body="<p>المعلمون</p>")  # English edition
    response = client.get("/ar/search/", {"q": "المعلمين"})
    assert [story.pk for story in response.context["articles"]] == [arabic.pk]
    assert "<mark>المعلمون</mark>" in response.content.decode()  # highlighted as Arabic too
    assert not client.get("/search/", {"q": "المعلمين"}).context["articles"]
    # The school (المدرسة) is found by "مدرسة" (a school): the article is a stemmed prefix.
    arabic.headline = "إضراب في المدرسة"
    arabic.save()
    found = client.get("/ar/search/", {"q": "مدرسة"}).context["articles"]
    assert [story.pk for story in found] == [arabic.pk]


@pytest.mark.postgres
def test_each_story_is_read_in_its_own_language(settings):
    from django.db import connection

    settings.SITE_LANGUAGES = ["en", "ar", "fa"]
    english = ArticleFactory(headline="Councils vote", standfirst="", body="")
    persian = ArticleFactory(
        language="fa", headline="شوراها رأی دادند", slug="shora", standfirst="", body=""
    )

    def lexemes(story):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tsvector_to_array(search_vector) FROM articles_article WHERE id = %s",
                [story.pk],
            )
            return set(cursor.fetchone()[0])

    assert lexemes(english) == {"council", "vote"}  # stemmed: english
    assert {"شوراها", "رأی", "دادند"} == lexemes(persian)  # "simple": no stemmer for Persian
    assert search_config("fa") == "simple" and search_config("pt-br") == "portuguese"
