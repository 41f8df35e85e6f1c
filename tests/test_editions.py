"""Editions (newsroom.editions): one newsroom in several languages.

The test settings run two editions, English (the default, at today's addresses) and Arabic
(under /ar/): SITE_LANGUAGES=en,ar in newsroom/test_settings.py. The editions are read from
settings on every request, so a test may change them with `settings.SITE_LANGUAGES`.
"""

import json
import re
import uuid
import xml.etree.ElementTree as ET  # noqa: S405 - only our own server's output is parsed

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone, translation

from articles.desk import roles
from articles.models import Article
from newsroom import editions
from tests.desk_helpers import form_values
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, StaffFactory
from tests.test_queries import LISTING_BUDGET, STORY_BUDGET

pytestmark = pytest.mark.django_db

NOON = timezone.make_aware(timezone.datetime(2024, 5, 1, 12))
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def text(response):
    return response.content.decode()


@pytest.fixture
def paper():
    """One story in both editions (a translation group), and one in each edition alone."""
    section = SectionFactory(name="Politics", slug="politics")
    author = AuthorFactory(name="Ann Writer", slug="ann")
    english = ArticleFactory(
        section=section,
        authors=[author],
        tags=["housing"],
        headline="Council backs housing plan",
        slug="council-backs-plan",
        publish_at=NOON,
    )
    arabic = ArticleFactory(
        section=section,
        authors=[author],
        tags=["housing"],
        language="ar",
        translation_key=english.translation_key,
        headline="المجلس يدعم خطة الإسكان",
        slug="المجلس-يدعم-الخطة",
        publish_at=NOON,
    )
    english_only = ArticleFactory(
        section=section,
        authors=[author],
        tags=["housing"],
        headline="Tenants react",
        publish_at=NOON,
    )
    arabic_only = ArticleFactory(
        section=section,
        authors=[author],
        tags=["housing"],
        language="ar",
        headline="المستأجرون يردون",
        slug="المستأجرون-يردون",
        publish_at=NOON,
    )
    return english, arabic, english_only, arabic_only


def alternates_of(html):
    """{hreflang: href} of a page's alternates."""
    found = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)
    return dict(found)


def switcher_of(html):
    """{edition code: href} of the language switcher."""
    nav = re.search(r'<nav class="container site-editions".*?</nav>', html, re.S)
    assert nav is not None, "no language switcher"
    links = re.findall(r'<a class="nav-link px-2"\s+href="([^"]+)"\s+hreflang="([^"]+)"', nav[0])
    return {code: href for href, code in links}


# Settings and routing ----------------------------------------------------------------------


def test_the_first_language_is_the_default_edition_and_django_knows_every_edition(settings):
    assert settings.SITE_LANGUAGES == ["en", "ar"]
    assert settings.SITE_LANGUAGE == "en"  # the older setting names the default edition
    assert {"en", "ar"} <= {code for code, _name in settings.LANGUAGES}
    assert editions.default() == "en" and editions.choices() == [
        ("en", "English"),
        ("ar", "Arabic"),
    ]


def test_the_default_edition_keeps_its_addresses_and_others_get_their_prefix(paper):
    english, arabic, *_ = paper
    assert english.get_absolute_url() == "/2024/05/01/council-backs-plan/"
    assert arabic.get_absolute_url().startswith("/ar/2024/05/01/%D8%A7")
    assert reverse("articles:home") == "/"
    with translation.override("ar"):
        assert reverse("articles:home") == "/ar/"
        assert reverse("articles:feed") == "/ar/feed/"
        # The story's address is its edition's, whatever language is active.
        assert english.get_absolute_url() == "/2024/05/01/council-backs-plan/"
        # Staff, feeds of the whole site and the machines' addresses have no prefix.
        assert reverse("admin:index") == "/admin/"
        assert reverse("sitemap") == "/sitemap.xml"
        assert reverse("healthz") == "/healthz"


@pytest.mark.parametrize(
    "url",
    [
        "/ar/",
        "/ar/section/politics/",
        "/ar/tag/housing/",
        "/ar/author/ann/",
        "/ar/2024/",
        "/ar/2024/05/",
        "/ar/2024/05/01/",
        "/ar/search/?q=المجلس",
        "/ar/feed/",
        "/ar/feed/atom/",
        "/ar/section/politics/feed/",
        "/ar/tag/housing/feed/",
        "/ar/author/ann/feed/",
    ],
)
def test_every_reader_address_answers_under_the_edition_prefix(client, paper, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url", ["/en/", "/fr/", "/ar/admin/", "/ar/sitemap.xml", "/ar/healthz", "/ar/robots.txt"]
)
def test_unknown_prefixes_and_unprefixed_services_under_a_prefix_are_404(client, paper, url):
    assert client.get(url).status_code == 404


def test_robots_keeps_crawlers_out_of_every_editions_search_and_previews(client):
    body = text(client.get("/robots.txt"))
    for path in ("/search/", "/preview/", "/ar/search/", "/ar/preview/"):
        assert f"Disallow: {path}\n" in body


def test_an_edition_taken_off_the_list_has_no_addresses(client, paper, settings):
    settings.SITE_LANGUAGES = ["en"]
    assert client.get("/ar/").status_code == 404
    assert client.get("/").status_code == 200


def test_readers_are_never_sent_elsewhere_by_their_browser_language(client, paper):
    english, *_ = paper
    for url in ("/", english.get_absolute_url()):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="ar")
        assert response.status_code == 200
        assert '<html lang="en" dir="ltr">' in text(response)
        assert "Accept-Language" not in response.get("Vary", "")


def test_html_lang_and_dir_follow_the_edition(client, paper):
    english, arabic, *_ = paper
    for url in ("/ar/", arabic.get_absolute_url(), "/ar/search/?q=x", "/ar/no-such-page/"):
        assert '<html lang="ar" dir="rtl">' in text(client.get(url)), url
    for url in ("/", english.get_absolute_url(), "/no-such-page/"):
        assert '<html lang="en" dir="ltr">' in text(client.get(url)), url
    assert '<meta property="og:locale" content="ar">' in text(client.get("/ar/"))


def test_the_staff_area_keeps_its_own_language(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert '<html lang="en-gb"' in text(response)
    assert translation.get_language() == "en-gb"  # nothing left active after the request


# Model --------------------------------------------------------------------------------------


def test_a_new_story_is_in_the_default_edition_in_a_group_of_its_own():
    one, two = ArticleFactory(), ArticleFactory()
    assert one.language == two.language == "en"
    assert one.translation_key != two.translation_key


def test_a_group_holds_one_story_per_language(paper):
    english, *_ = paper
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(language="ar", translation_key=english.translation_key)


def test_a_slug_is_unique_per_edition_and_day_not_across_editions():
    ArticleFactory(slug="same", publish_at=NOON)
    arabic = ArticleFactory(slug="same", language="ar", publish_at=NOON)
    assert arabic.get_absolute_url() == "/ar/2024/05/01/same/"
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(slug="same", language="ar", publish_at=NOON)


@pytest.mark.django_db(transaction=True)
def test_the_migration_puts_every_story_in_the_default_edition_each_in_its_own_group():
    executor = MigrationExecutor(connection)
    before, after = [("articles", "0012_listing_indexes")], [("articles", "0013_editions")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    section = old.get_model("articles", "Section").objects.create(name="News", slug="news")
    Story = old.get_model("articles", "Article")
    for n in range(3):
        Story.objects.create(headline=f"Story {n}", slug=f"story-{n}", section=section)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    rows = list(new.get_model("articles", "Article").objects.values("language", "translation_key"))
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # the schema the other tests use
    assert len(rows) == 3
    assert {row["language"] for row in rows} == {"en"}
    assert len({row["translation_key"] for row in rows}) == 3
    assert all(isinstance(row["translation_key"], uuid.UUID) for row in rows)


# What each edition shows ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "",
        "section/politics/",
        "tag/housing/",
        "author/ann/",
        "2024/",
        "2024/05/",
        "2024/05/01/",
        "feed/",
        "feed/atom/",
        "section/politics/feed/",
        "tag/housing/feed/",
        "author/ann/feed/",
    ],
)
def test_home_listings_and_feeds_show_their_edition_only(client, paper, path):
    english, arabic, english_only, arabic_only = paper
    in_english, in_arabic = text(client.get(f"/{path}")), text(client.get(f"/ar/{path}"))
    for story in (english, english_only):
        assert story.headline in in_english and story.headline not in in_arabic
    for story in (arabic, arabic_only):
        assert story.headline in in_arabic and story.headline not in in_english


def test_search_finds_the_editions_stories_only(client, paper):
    english, arabic, *_ = paper
    arabic.standfirst = english.standfirst = "Council housing ميزانية"
    arabic.save()
    english.save()
    in_arabic = text(client.get("/ar/search/", {"q": "ميزانية"}))
    in_english = text(client.get("/search/", {"q": "ميزانية"}))
    assert arabic.headline in in_arabic and english.headline not in in_arabic
    assert english.headline in in_english and arabic.headline not in in_english


def test_a_story_resolves_only_in_its_edition(client, paper):
    english, arabic, *_ = paper
    assert client.get(english.get_absolute_url()).status_code == 200
    assert client.get("/ar" + english.get_absolute_url()).status_code == 404
    assert client.get(arabic.get_absolute_url()).status_code == 200
    assert client.get(arabic.get_absolute_url().removeprefix("/ar")).status_code == 404


def test_related_stories_stay_in_the_edition(client, paper):
    english, arabic, english_only, arabic_only = paper
    english.relate(arabic_only)  # a curated link across editions is not shown
    related = client.get(arabic.get_absolute_url()).context["related"]
    assert [story.pk for story in related] == [arabic_only.pk]
    related = client.get(english.get_absolute_url()).context["related"]
    assert [story.pk for story in related] == [english_only.pk]


def test_an_old_slug_answers_301_in_its_own_edition(client, paper):
    _english, arabic, *_ = paper
    old = arabic.get_absolute_url()
    arabic.slug = "خطة-جديدة"
    arabic.save()
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == arabic.get_absolute_url()
    assert response["Location"].startswith("/ar/2024/05/01/")
    assert client.get(old.removeprefix("/ar")).status_code == 404


def xml_of(response):
    return ET.fromstring(response.content)  # noqa: S314 - our own server's output


def test_feeds_say_their_language(client, paper):
    rss = xml_of(client.get("/ar/feed/"))
    assert rss.find("channel/language").text == "ar"
    links = [link.text for link in rss.findall("channel/item/link")]
    assert len(links) == 2 and all(link.startswith("http://127.0.0.1:8000/ar/") for link in links)
    assert xml_of(client.get("/feed/")).find("channel/language").text == "en"
    assert xml_of(client.get("/ar/feed/atom/")).get(XML_LANG) == "ar"
    assert xml_of(client.get("/feed/atom/")).get(XML_LANG) == "en"


def test_structured_data_gives_the_storys_language(client, paper):
    english, arabic, *_ = paper
    for story, language in ((english, "en"), (arabic, "ar")):
        html = text(client.get(story.get_absolute_url()))
        article, _breadcrumbs = json.loads(
            re.search(r'type="application/ld\+json">(.*?)</script>', html, re.S)[1]
        )
        assert article["inLanguage"] == language


def test_the_news_sitemap_lists_every_editions_stories_with_their_language(client, settings):
    english = ArticleFactory(headline="Council backs plan")
    arabic = ArticleFactory(language="ar", headline="المجلس يدعم الخطة", slug="al-majlis")
    xml = text(client.get("/news-sitemap.xml"))
    for story, language in ((english, "en"), (arabic, "ar")):
        entry = re.search(
            rf"<loc>[^<]*{re.escape(story.get_absolute_url())}</loc>.*?</url>", xml, re.S
        )
        assert entry is not None, story
        assert f"<news:language>{language}</news:language>" in entry[0]


def test_the_story_sitemap_lists_each_versions_alternates(client, paper):
    english, arabic, english_only, _ = paper
    xml = text(client.get("/sitemap-stories.xml"))
    root = ET.fromstring(xml)  # noqa: S314 - our own server's output
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    entries = {
        url.find("s:loc", ns).text: {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)
        }
        for url in root.findall("s:url", ns)
    }
    en_url = "http://127.0.0.1:8000" + english.get_absolute_url()
    ar_url = "http://127.0.0.1:8000" + arabic.get_absolute_url()
    expected = {"en": en_url, "ar": ar_url, "x-default": en_url}
    assert entries[en_url] == expected and entries[ar_url] == expected
    assert entries["http://127.0.0.1:8000" + english_only.get_absolute_url()] == {}


# Translations find each other --------------------------------------------------------------


def test_each_version_lists_every_published_version_and_x_default(client, paper):
    english, arabic, *_ = paper
    en_url = "http://127.0.0.1:8000" + english.get_absolute_url()
    ar_url = "http://127.0.0.1:8000" + arabic.get_absolute_url()
    expected = {"en": en_url, "ar": ar_url, "x-default": en_url}
    assert alternates_of(text(client.get(english.get_absolute_url()))) == expected
    assert alternates_of(text(client.get(arabic.get_absolute_url()))) == expected


def test_an_unpublished_version_is_not_listed_and_x_default_falls_back_to_the_story(client, paper):
    english, arabic, *_ = paper
    english.status = Article.Status.UNPUBLISHED
    english.save()
    ar_url = "http://127.0.0.1:8000" + arabic.get_absolute_url()
    assert alternates_of(text(client.get(arabic.get_absolute_url()))) == {
        "ar": ar_url,
        "x-default": ar_url,
    }


def test_the_switcher_leads_to_the_other_version_or_the_editions_home(client, paper):
    english, arabic, english_only, arabic_only = paper
    assert switcher_of(text(client.get(english.get_absolute_url()))) == {
        "en": english.get_absolute_url(),
        "ar": arabic.get_absolute_url(),
    }
    assert switcher_of(text(client.get(arabic.get_absolute_url()))) == {
        "en": english.get_absolute_url(),
        "ar": arabic.get_absolute_url(),
    }
    assert switcher_of(text(client.get(english_only.get_absolute_url()))) == {
        "en": english_only.get_absolute_url(),
        "ar": "/ar/",
    }
    assert switcher_of(text(client.get(arabic_only.get_absolute_url())))["en"] == "/"
    for url in ("/", "/ar/section/politics/", "/ar/search/?q=x"):
        assert switcher_of(text(client.get(url))) == {"en": "/", "ar": "/ar/"}, url


def test_the_switcher_names_each_edition_in_its_own_language(client, paper):
    html = text(client.get("/"))
    assert re.search(r'lang="ar"\s+dir="rtl"\s*>العربيّة</a>', html)
    assert re.search(r'lang="en"\s+dir="ltr"\s+aria-current="true">English</a>', html)


def test_one_edition_has_no_switcher_and_no_alternates(client, paper, settings):
    settings.SITE_LANGUAGES = ["en"]
    english, *_ = paper
    html = text(client.get(english.get_absolute_url()))
    assert "site-editions" not in html and "hreflang" not in html


# Query budgets, per edition -----------------------------------------------------------------


@pytest.mark.parametrize("edition", ["en", "ar"])
def test_story_page_query_budget_per_edition(
    client, paper, django_assert_max_num_queries, edition
):
    story = paper[0] if edition == "en" else paper[1]
    for _n in range(5):  # more stories in the group's editions do not add queries
        ArticleFactory(language=edition, tags=["housing"], section=story.section)
    with django_assert_max_num_queries(STORY_BUDGET):
        assert client.get(story.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_listing_query_budgets_per_edition(client, paper, django_assert_max_num_queries, prefix):
    for n in range(20):
        ArticleFactory(language="ar" if prefix else "en", tags=["housing"], slug=f"more-{n}")
    for path in ("/", "/section/politics/", "/tag/housing/", "/author/ann/", "/2024/05/01/"):
        with django_assert_max_num_queries(LISTING_BUDGET):
            assert client.get(prefix + path).status_code == 200, path
    for path in ("/search/?q=council", "/feed/", "/feed/atom/"):
        with django_assert_max_num_queries(LISTING_BUDGET):
            assert client.get(prefix + path).status_code == 200, path


# The page cache ----------------------------------------------------------------------------


@pytest.fixture
def page_cache(shared_cache):
    """The shared cache the page cache needs (conftest: fails under CI=true without one)."""


def cached(client, url):
    assert client.get(url).status_code == 200, url
    again = client.get(url)
    assert again["X-Page-Cache"] == "hit", url
    return again


def test_each_edition_is_kept_apart(client, paper, page_cache):
    english, arabic, *_ = paper
    assert arabic.headline not in text(cached(client, "/"))
    assert arabic.headline in text(cached(client, "/ar/"))


def test_an_arabic_story_published_refreshes_the_arabic_home_and_listings(
    client, paper, page_cache
):
    english, *_ = paper
    for url in ("/ar/", "/ar/section/politics/", "/ar/feed/"):
        cached(client, url)
    ArticleFactory(section=english.section, language="ar", headline="خبر عاجل", slug="khabar")
    for url in ("/ar/", "/ar/section/politics/", "/ar/feed/"):
        assert "خبر عاجل" in text(client.get(url)), url


def test_a_translation_published_shows_in_the_other_versions_links_at_once(client, page_cache):
    english = ArticleFactory(headline="Council backs plan")
    url = english.get_absolute_url()
    assert switcher_of(text(cached(client, url)))["ar"] == "/ar/"
    arabic = ArticleFactory(
        language="ar", translation_key=english.translation_key, slug="al-majlis"
    )
    html = text(client.get(url))
    assert switcher_of(html)["ar"] == arabic.get_absolute_url()
    assert alternates_of(html)["ar"].endswith(arabic.get_absolute_url())


def test_a_story_moved_to_another_group_leaves_its_old_groups_pages_at_once(
    client, paper, page_cache
):
    english, arabic, *_ = paper
    url = english.get_absolute_url()
    assert switcher_of(text(cached(client, url)))["ar"] == arabic.get_absolute_url()
    arabic.translation_key = uuid.uuid4()
    arabic.save()
    html = text(client.get(url))
    assert switcher_of(html)["ar"] == "/ar/" and "ar" not in alternates_of(html)


# The desk ----------------------------------------------------------------------------------


def test_an_editor_makes_an_arabic_version_of_a_story_by_hand(client, paper):
    english_only = paper[2]
    client.force_login(StaffFactory(username="ed", role=roles.EDITORS))
    add_url = reverse("admin:articles_article_add")
    form = client.get(add_url)
    page = text(form)
    assert 'name="language"' in page and 'name="translation_of"' in page
    data = form_values(form.context["adminform"].form)
    for inline in form.context["inline_admin_formsets"]:
        data[f"{inline.formset.prefix}-TOTAL_FORMS"] = "0"
        data[f"{inline.formset.prefix}-INITIAL_FORMS"] = "0"
    data.update(form.context["editing"]["controls"])
    data.update(
        language="ar",
        translation_of=english_only.pk,
        headline="المستأجرون يتفاعلون",
        slug="al-mustajirun",
        section=english_only.section_id,
        status="draft",
        _save="Save",
    )
    response = client.post(add_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    made = Article.objects.get(slug="al-mustajirun")
    assert made.language == "ar" and made.translation_key == english_only.translation_key
    # A second Arabic version of the same story is refused, in words.
    response = client.post(add_url, {**data, "slug": "another", "headline": "آخر"})
    assert response.status_code == 200
    assert "already this story" in str(response.context["adminform"].form.errors)
    change = text(client.get(reverse("admin:articles_article_change", args=[made.pk])))
    assert english_only.headline in change  # its other languages, linked
    listing = client.get(reverse("admin:articles_article_changelist"), {"language": "ar"})
    assert made.headline in text(listing) and english_only.headline not in text(listing)
