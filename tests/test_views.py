import gzip
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.views.defaults import server_error

from articles.models import Article, RelatedLink
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory
from tests.reader_data import HOUR, add_comments, ago, full_story, staff_user

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def html(response):
    return response.content.decode()


# --- Story page ------------------------------------------------------------------------------


def test_story_page_shows_every_part(client):
    story = full_story(n=2, show_updated=True, byline="Staff and agencies")
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    page = html(response)
    assert page.count("<h1") == 1
    assert ">Council approves the housing plan</h1>" in page
    assert 'class="story-section" href="/section/politics/"><bdi>Politics</bdi></a>' in page
    assert "Analysis</span>" in page  # the story-type label
    assert "Councillors backed the plan after a long debate." in page
    for author in story.authors.all():
        assert (
            f'<a href="{author.get_absolute_url()}" rel="author"><bdi>{author.name}</bdi></a>'
            in page
        )
    assert "Staff and agencies" in page
    assert '<span class="story-dateline" dir="auto">LONDON</span>' in page
    # The agency opens the lead paragraph.
    assert '<p><span class="story-source">(AFP) - </span>The council voted on Tuesday.</p>' in page
    # For machines: ISO 8601 in the site's time zone, to the second (HTML allows no more).
    published = timezone.localtime(story.first_published_at).isoformat(timespec="seconds")
    updated = timezone.localtime(story.updated_at).isoformat(timespec="seconds")
    assert f'<time datetime="{published}">' in page
    assert f'Updated <time datetime="{updated}">' in page
    # Lead image: <picture> with WebP and JPEG srcsets, sizes, alt, caption and credit.
    assert '<source type="image/webp" srcset="' in page and " 640w" in page
    assert 'sizes="(min-width: 1200px)' in page
    assert 'alt="Councillors voting in the chamber"' in page
    assert (
        "The vote in the council chamber." in page
        and "Photo: <bdi>Jane Photographer</bdi>" in page
    )
    assert "More homes will be built." in page
    assert "Correction number 0." in page and "Correction number 1." in page
    assert 'href="/tag/tag-0/" rel="tag"><bdi>tag-0</bdi></a>' in page
    assert "Related Articles" in page
    assert "mailto:?subject=" in page and "https://x.com/intent/post?url=" in page
    assert "<script src" not in page  # share links are plain links, no third-party script
    templates = [t.name for t in response.templates]
    assert "comments/story_comments.html" in templates
    assert page.index("Related Articles") < page.index("</main>")


def test_story_without_update_flag_shows_no_updated_time(client):
    story = full_story(show_updated=False)
    assert "Updated <time" not in html(client.get(story.get_absolute_url()))


def test_news_story_has_no_type_label(client):
    story = ArticleFactory(story_type=Article.StoryType.NEWS)
    assert 'class="story-type' not in html(client.get(story.get_absolute_url()))


def test_body_is_not_reescaped_but_source_is_escaped(client):
    story = ArticleFactory(source="<b>Agency</b>", body="<p>Hello <strong>world</strong></p>")
    page = html(client.get(story.get_absolute_url()))
    assert "(&lt;b&gt;Agency&lt;/b&gt;) - " in page
    assert "<strong>world</strong>" in page


def test_related_articles_curated_first_then_most_shared_tags_newest_first(client):
    section = SectionFactory()
    story = ArticleFactory(section=section, tags=["a", "b", "c"])
    curated_2 = ArticleFactory(section=section, publish_at=ago(days=9))
    curated_1 = ArticleFactory(section=section, publish_at=ago(days=8))
    RelatedLink.objects.create(article=story, target=curated_1, order=1)
    RelatedLink.objects.create(article=story, target=curated_2, order=2)
    draft = ArticleFactory(section=section, status=Article.Status.DRAFT, tags=["a", "b", "c"])
    RelatedLink.objects.create(article=story, target=draft, order=0)
    two_tags_old = ArticleFactory(section=section, tags=["a", "b"], publish_at=ago(days=5))
    two_tags_new = ArticleFactory(section=section, tags=["b", "c"], publish_at=ago(days=1))
    three_tags = ArticleFactory(section=section, tags=["a", "b", "c"], publish_at=ago(days=20))
    ArticleFactory(section=section, tags=["a"], publish_at=ago(hours=2))  # sixth: left out
    ArticleFactory(
        section=section, tags=["a", "b", "c"], publish_at=timezone.now() + HOUR
    )  # scheduled
    ArticleFactory(section=section, tags=["zzz"])  # shares nothing

    response = client.get(story.get_absolute_url())
    related = response.context["related"]
    assert related == [curated_1, curated_2, three_tags, two_tags_new, two_tags_old]
    assert story not in related and draft not in related
    page = html(response)
    assert page.index(curated_1.headline) < page.index(three_tags.headline)


def test_related_stories_come_from_each_tags_newest(client, monkeypatch):
    """A popular tag's archive is not counted through: each tag offers its RELATED_POOL newest,
    so a rarer tag's older match still comes, and the popular tag's old ones do not."""
    from articles.site import views

    monkeypatch.setattr(views, "RELATED_POOL", 3)
    story = ArticleFactory(tags=["popular", "rare"], publish_at=ago(hours=1))
    newer = [ArticleFactory(tags=["popular"], publish_at=ago(hours=h)) for h in (2, 3)]
    both_old = ArticleFactory(tags=["popular", "rare"], publish_at=ago(days=400))
    too_old = ArticleFactory(tags=["popular"], publish_at=ago(days=30))
    related = client.get(story.get_absolute_url()).context["related"]
    assert related == [both_old, *newer]
    assert too_old not in related


def test_related_fills_from_tags_when_nothing_is_curated(client):
    story = ArticleFactory(tags=["x"])
    other = ArticleFactory(tags=["x"])
    assert client.get(story.get_absolute_url()).context["related"] == [other]


def test_changed_slug_answers_301_to_the_new_address(client):
    story = ArticleFactory(slug="old-slug")
    old_url = story.get_absolute_url()
    story.slug = "new-slug"
    story.save()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()
    assert client.get(story.get_absolute_url()).status_code == 200


def test_old_address_of_an_unpublished_story_is_404(client):
    story = ArticleFactory(slug="old-slug")
    old_url = story.get_absolute_url()
    story.slug = "new-slug"
    story.save()
    Article.objects.filter(pk=story.pk).update(status=Article.Status.UNPUBLISHED)
    assert client.get(old_url).status_code == 404


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.UNPUBLISHED])
def test_unpublished_story_is_404_to_readers_and_visible_to_staff(client, status):
    story = ArticleFactory(status=Article.Status.PUBLISHED, slug="to-pull")
    url = story.get_absolute_url()
    Article.objects.filter(pk=story.pk).update(status=status)
    assert client.get(url).status_code == 404

    client.force_login(staff_user("view_article"))
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "only staff can see it" in html(response)
    assert '<meta name="robots" content="noindex">' in html(response)


def test_staff_without_permission_get_404_for_unpublished(client):
    story = ArticleFactory()
    url = story.get_absolute_url()
    Article.objects.filter(pk=story.pk).update(status=Article.Status.UNPUBLISHED)
    client.force_login(staff_user())
    assert client.get(url).status_code == 404


def test_scheduled_story_appears_when_its_time_comes(client, monkeypatch):
    story = ArticleFactory(publish_at=timezone.now() + timezone.timedelta(hours=1))
    url = story.get_absolute_url()
    assert client.get(url).status_code == 404
    assert story.headline not in html(client.get("/"))

    later = timezone.now() + timezone.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get(url).status_code == 200
    assert story.headline in html(client.get("/"))


def test_story_at_yesterday_now_tomorrow(client):
    yesterday = ArticleFactory(publish_at=ago(days=1))
    now = ArticleFactory(publish_at=timezone.now())
    tomorrow = ArticleFactory(publish_at=timezone.now() + timezone.timedelta(days=1))
    assert client.get(yesterday.get_absolute_url()).status_code == 200
    assert client.get(now.get_absolute_url()).status_code == 200
    assert client.get(tomorrow.get_absolute_url()).status_code == 404


def test_impossible_dates_are_404(client):
    assert client.get("/2024/02/30/anything/").status_code == 404
    assert client.get("/2024/13/").status_code == 404
    assert client.get("/2024/02/30/").status_code == 404


def test_preview_is_for_staff_and_never_cached(client):
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    url = reverse("articles:preview", kwargs={"pk": draft.pk})
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(staff_user("view_article"))
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Preview: this story is" in html(response)


# --- SEO -------------------------------------------------------------------------------------


def test_story_meta_tags(client):
    story = full_story(
        seo_title="SEO headline", seo_description="SEO description & more", noindex=True
    )
    page = html(client.get(story.get_absolute_url()))
    absolute = settings.SITE_URL + story.get_absolute_url()
    assert "<title>SEO headline | The Newsroom</title>" in page
    assert '<meta name="description" content="SEO description &amp; more">' in page
    assert f'<link rel="canonical" href="{absolute}">' in page
    assert '<meta property="og:type" content="article">' in page
    assert '<meta property="og:title" content="SEO headline">' in page
    assert f'<meta property="og:url" content="{absolute}">' in page
    assert re.search(r'<meta property="og:image" content="http://[^"]+\.jpg">', page)
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    assert '<meta name="robots" content="noindex">' in page


def test_canonical_override_is_honoured(client):
    story = ArticleFactory(canonical_url="https://wire.example/original-story")
    page = html(client.get(story.get_absolute_url()))
    assert '<link rel="canonical" href="https://wire.example/original-story">' in page
    assert '<meta name="robots"' not in page


def test_listing_pages_have_meta_tags(client):
    section = SectionFactory(name="Sport", slug="sport", description="Games and results.")
    ArticleFactory(section=section)
    page = html(client.get("/section/sport/?page=1"))
    assert "<title>Sport | The Newsroom</title>" in page
    assert '<meta name="description" content="Games and results. | The Newsroom">' in page
    assert f'<link rel="canonical" href="{settings.SITE_URL}/section/sport/">' in page
    assert '<meta property="og:type" content="website">' in page
    assert '<meta name="twitter:card" content="summary">' in page
    assert 'type="application/rss+xml" title="Sport" href="/section/sport/feed/"' in page


# --- Home and listings -----------------------------------------------------------------------


def test_home_lead_top_stories_and_latest_per_section(client):
    news = SectionFactory(name="News", slug="news", order=1)
    sport = SectionFactory(name="Sport", slug="sport", order=2)
    lead = ArticleFactory(section=news, featured=True, publish_at=ago(hours=5))
    ArticleFactory(section=news, featured=True, publish_at=ago(days=3))  # older featured
    top = ArticleFactory(section=sport, priority=10, publish_at=ago(days=2))
    sport_stories = [ArticleFactory(section=sport, publish_at=ago(minutes=m)) for m in range(10)]
    ArticleFactory(section=news, status=Article.Status.DRAFT, featured=True, publish_at=None)

    response = client.get("/")
    assert response.context["lead"] == lead
    assert response.context["top_stories"][0] == top
    sections = dict(response.context["sections"])
    shown = {lead.pk} | {a.pk for a in response.context["top_stories"]}
    for stories in sections.values():
        assert len(stories) <= 4
        assert not shown & {a.pk for a in stories}
    assert set(response.context["top_stories"]) | set(sections.get(sport, [])) >= set(
        sport_stories[:4]
    )
    page = html(response)
    assert page.count("<h1") == 1
    assert "Top stories" in page and ">Sport</a>" in page


def test_home_latest_per_section_are_each_sections_newest_not_shown_above(client):
    sections = [SectionFactory(slug=slug, order=i) for i, slug in enumerate(["a", "b", "c"])]
    stories = {
        section: [
            ArticleFactory(section=section, publish_at=ago(minutes=10 * i + n)) for i in range(8)
        ]
        for n, section in enumerate(sections)
    }
    ArticleFactory(section=sections[2], status=Article.Status.DRAFT, publish_at=None)
    response = client.get("/")
    shown = {response.context["lead"], *response.context["top_stories"]}
    latest = dict(response.context["sections"])
    for section, made in stories.items():
        assert latest[section] == [story for story in made if story not in shown][:4]
    assert list(latest) == sections


def test_home_without_featured_story_leads_with_the_top_story(client):
    first = ArticleFactory(priority=5)
    ArticleFactory()
    assert client.get("/").context["lead"] == first


def test_section_tag_author_and_date_listings_show_only_their_published_stories(client):
    section = SectionFactory(slug="politics")
    author = AuthorFactory(slug="ann", bio="Ann covers housing.", expertise="Housing, Planning")
    mine = ArticleFactory(section=section, authors=[author], tags=["housing"])
    other = ArticleFactory(tags=["roads"])
    hidden = ArticleFactory(
        section=section, authors=[author], tags=["housing"], status=Article.Status.DRAFT
    )
    for url in ("/section/politics/", "/tag/housing/", "/author/ann/"):
        page = html(client.get(url))
        assert mine.headline in page
        assert other.headline not in page and hidden.headline not in page
    author_page = html(client.get("/author/ann/"))
    assert "Ann covers housing." in author_page and "Housing, Planning" in author_page

    day = mine.pub_date
    for url in (f"/{day:%Y}/", f"/{day:%Y/%m}/", f"/{day:%Y/%m/%d}/"):
        response = client.get(url)
        assert response.status_code == 200
        assert mine.headline in html(response) and hidden.headline not in html(response)
    assert mine.headline not in html(client.get(f"/{day.year - 1}/"))


def test_month_and_year_archives_run_from_their_first_day_to_their_last(client):
    def on(year, month, day):
        return ArticleFactory(
            publish_at=timezone.make_aware(timezone.datetime(year, month, day, 23, 30))
        )

    november, new_year_eve, new_year = on(2023, 11, 30), on(2023, 12, 31), on(2024, 1, 1)
    expected = {
        "/2023/12/": [new_year_eve],
        "/2024/01/": [new_year],
        "/2023/11/": [november],
        "/2023/": [new_year_eve, november],
        "/2024/": [new_year],
    }
    for url, stories in expected.items():
        assert list(client.get(url).context["articles"]) == stories, url
    for url in ("/9999/", "/9999/12/", "/9999/12/31/"):  # the last year there is
        assert client.get(url).status_code == 200, url


def test_author_photo_is_shown_with_alt(client):
    author = AuthorFactory(slug="pic", photo=ImageFactory().file.name)
    page = html(client.get("/author/pic/"))
    assert 'alt="Photo of ' in page and author.photo.url in page


@pytest.mark.parametrize("url", ["/section/s/", "/tag/t/", "/author/a/", "/2020/"])
def test_listings_paginate_and_out_of_range_is_404(client, url):
    section = SectionFactory(slug="s")
    author = AuthorFactory(slug="a")
    for i in range(21):
        ArticleFactory(
            section=section,
            authors=[author],
            tags=["t"],
            publish_at=timezone.make_aware(timezone.datetime(2020, 5, 1, 12)) - HOUR * i,
        )
    first = client.get(url)
    assert len(first.context["articles"]) == 20
    assert 'href="?page=2" rel="next"' in html(first)
    second = client.get(url + "?page=2")
    assert second.status_code == 200 and len(second.context["articles"]) == 1
    assert client.get(url + "?page=3").status_code == 404
    assert client.get(url + "?page=abc").status_code == 404


def test_unknown_listing_is_404(client):
    for url in ("/section/nope/", "/tag/nope/", "/author/nope/", "/section/nope/feed/"):
        assert client.get(url).status_code == 404


def test_card_shows_comment_count_only_when_there_are_comments(rf):
    story = ArticleFactory()
    request = rf.get("/")
    story.comment_count = 0
    assert "comment" not in render_to_string(
        "includes/article_card.html", {"article": story}, request
    )
    story.comment_count = 3
    card = render_to_string("includes/article_card.html", {"article": story}, request)
    assert "3 comments" in card


def test_one_card_partial_and_one_pagination_include_everywhere(client):
    section = SectionFactory(slug="s")
    ArticleFactory(section=section, tags=["t"])
    for url in ("/", "/section/s/", "/tag/t/", "/search/?q=council"):
        names = [t.name for t in client.get(url).templates]
        assert "includes/article_card.html" in names
        if url != "/":
            assert "includes/pagination.html" in names


# --- Errors, robots, budget ------------------------------------------------------------------


def test_404_page_in_site_style(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    page = html(response)
    assert "Page not found" in page and 'role="search"' in page and "<header" in page


def test_500_page_renders_without_a_database(django_db_blocker):
    with django_db_blocker.block():  # any query would raise
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page and '<html lang="en" dir="ltr">' in page


def test_robots_txt_names_the_sitemaps(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in body
    assert f"Sitemap: {settings.SITE_URL}/news-sitemap.xml" in body
    assert "Disallow: /admin/" in body


def transferred(client, url):
    """Bytes a browser downloads for `url`, images excluded: the HTML as GZipMiddleware sends
    it, plus each stylesheet and script it links as WhiteNoise serves it (the .gz file
    collectstatic writes with whitenoise's own compressor; brotli is smaller still)."""
    from django.contrib.staticfiles import finders
    from whitenoise.compress import Compressor

    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    page = gzip.decompress(response.content)
    assets = re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', page)
    assert assets, "the page links its stylesheets"
    static = sum(
        len(Compressor.compress_gzip(Path(finders.find(path.decode())).read_bytes()))
        for path in assets
    )
    return len(response.content), static, page


def test_story_page_weighs_under_60_kb_transferred(client, capsys):
    """The issue's budget, on a story with everything and 500 comments (a full first page:
    50 threads of a comment, two replies and a reply to a reply, 45 words each)."""
    story = full_story(n=5)
    add_comments(story, threads=125, replies=2)
    html_bytes, static_bytes, page = transferred(client, story.get_absolute_url())
    assert page.count(b'class="comment ') == 4 * settings.COMMENTS_PER_PAGE
    assert b"Post your comments" in page
    assert html_bytes + static_bytes < 60 * 1024, (html_bytes, static_bytes)
    with capsys.disabled():
        print(
            f"\nstory page, 500 comments (200 shown): HTML {html_bytes} B gzip + CSS/JS {static_bytes} B"
            f" = {(html_bytes + static_bytes) / 1024:.1f} KB transferred"
        )


def test_html_is_compressed_only_for_clients_that_ask(client):
    story = full_story(n=1)
    plain = client.get(story.get_absolute_url())
    assert not plain.has_header("Content-Encoding")
    packed = client.get(story.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")
    assert packed["Content-Encoding"] == "gzip"
    assert len(packed.content) < len(plain.content) / 3
    # The same page (less the comment form's per-render stamp and one-time id) either way.
    stamp = re.compile(rb'name="(?:token|submission)" value="[^"]+"')
    assert stamp.sub(b"", gzip.decompress(packed.content)) == stamp.sub(b"", plain.content)
    for response in (plain, packed):
        assert "Accept-Encoding" in response["Vary"] and "Cookie" in response["Vary"]


def test_a_tag_used_only_on_unpublished_stories_is_not_announced(client):
    ArticleFactory(status=Article.Status.DRAFT, publish_at=None, tags=["embargoed-merger"])
    assert client.get("/tag/embargoed-merger/").status_code == 404
    assert client.get("/tag/embargoed-merger/feed/").status_code == 404
    ArticleFactory(tags=["embargoed-merger"])
    assert client.get("/tag/embargoed-merger/").status_code == 200
    assert client.get("/tag/embargoed-merger/feed/").status_code == 200
