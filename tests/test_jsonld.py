import json
import re

import pytest
from django.conf import settings

from articles.site import jsonld
from tests.factories import ArticleFactory
from tests.reader_data import full_story

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def structured_data(client, story):
    page = client.get(story.get_absolute_url()).content.decode()
    (payload,) = SCRIPT.findall(page)
    return page, json.loads(payload)


def test_news_article_has_required_fields(client):
    story = full_story(n=2)
    _page, (article, breadcrumbs) = structured_data(client, story)
    assert article["@context"] == "https://schema.org"
    assert article["@type"] == "NewsArticle"
    assert article["headline"] == story.headline
    assert article["description"] == story.standfirst
    assert article["datePublished"].startswith(story.first_published_at.strftime("%Y-%m-%dT"))
    assert article["dateModified"]
    assert [a["name"] for a in article["author"]] == [a.name for a in story.authors.all()]
    assert all(a["@type"] == "Person" and a["url"].startswith("http") for a in article["author"])
    publisher = article["publisher"]
    assert publisher["name"] == settings.SITE_NAME
    assert publisher["logo"]["url"].startswith(settings.SITE_URL)
    assert article["articleSection"] == "Politics"
    assert article["keywords"] == ["tag-0", "tag-1"]
    assert article["dateline"] == "LONDON"
    assert len(article["image"]) >= 2 and all(u.startswith("http") for u in article["image"])
    assert article["mainEntityOfPage"]["@id"] == settings.SITE_URL + story.get_absolute_url()

    assert breadcrumbs["@type"] == "BreadcrumbList"
    names = [item["name"] for item in breadcrumbs["itemListElement"]]
    assert names == [settings.SITE_NAME, "Politics", story.headline]
    assert [item["position"] for item in breadcrumbs["itemListElement"]] == [1, 2, 3]


def test_headline_cannot_break_out_of_the_script(client):
    nasty = '</script><script>alert("x")</script><!-- & \u2028'
    story = ArticleFactory(headline=nasty, standfirst="</SCRIPT>")
    page, (article, _crumbs) = structured_data(client, story)
    assert article["headline"] == nasty
    assert article["description"] == "</SCRIPT>"
    assert '<script>alert("x")' not in page
    assert page.count("</script>") == 1 + page.count("<script src")


def test_canonical_override_is_the_main_entity():
    story = ArticleFactory.build(canonical_url="https://wire.example/a")
    assert jsonld.canonical_url(story) == "https://wire.example/a"


def test_script_tag_escapes_markup_characters():
    tag = str(jsonld.script_tag({"a": "<b>&</b>"}))
    assert (
        tag
        == '<script type="application/ld+json">{"a": "\\u003Cb\\u003E\\u0026\\u003C/b\\u003E"}</script>'
    )
