"""The shared page cache (newsroom.pagecache, articles.cache): what is kept, what is served,
and that every change a reader could see makes the pages showing it fresh at once."""

import gzip
import re
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import OperationalError
from django.test import override_settings
from django.utils import timezone

from articles.models import Article, Correction
from comments.models import Comment
from comments.moderation import approve, reject
from comments.views import REMEMBER_COOKIE
from newsroom import pagecache
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    ImageFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shared_cache(shared_cache):
    """These tests need the shared cache production runs (Redis: REDIS_URL, as in CI): the
    conftest fixture skips without one, and fails under CI=true."""


def cached(client, url, **headers):
    """GET `url` until it comes from the cache; the response served from it."""
    first = client.get(url, **headers)
    assert first.status_code == 200, url
    again = client.get(url, **headers)
    assert again["X-Page-Cache"] == "hit", url
    return again


def text(response):
    return response.content.decode()


@pytest.fixture
def paper():
    section = SectionFactory(name="Politics", slug="politics")
    author = AuthorFactory(name="Ann Writer", slug="ann")
    story = ArticleFactory(
        section=section, authors=[author], tags=["housing"], headline="Council backs plan"
    )
    other = ArticleFactory(section=section, tags=["housing"], headline="Tenants react")
    return story, other


def test_a_story_page_is_served_from_the_cache_without_the_database(
    client, paper, django_assert_num_queries
):
    story, _ = paper
    url = story.get_absolute_url()
    drawn = client.get(url)
    assert drawn["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        hit = client.get(url)
    assert hit["X-Page-Cache"] == "hit"
    assert hit.status_code == 200
    assert "Council backs plan" in text(hit)
    assert hit["ETag"] == drawn["ETag"]
    assert hit["Cache-Control"] == drawn["Cache-Control"]


def test_a_conditional_get_on_a_kept_page_is_a_304_without_a_query(
    client, paper, django_assert_num_queries
):
    url = paper[0].get_absolute_url()
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(0):
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag


def test_head_is_answered_from_the_kept_page(client, paper):
    url = paper[0].get_absolute_url()
    body = client.get(url).content
    head = client.head(url)
    assert head["X-Page-Cache"] == "hit"
    assert head.content == b""
    assert int(head["Content-Length"]) == len(body)


def test_tracking_parameters_share_the_page_but_reader_parameters_do_not(client, paper):
    url = paper[0].get_absolute_url()
    client.get(url)
    assert client.get(url + "?utm_source=newsletter&fbclid=x")["X-Page-Cache"] == "hit"
    assert client.get(url + "?comments_page=2")["X-Page-Cache"] != "hit"


@pytest.mark.parametrize(
    "cookie",
    [
        "sessionid",
        REMEMBER_COOKIE,
        CookieStorage.cookie_name,
    ],
)
def test_a_reader_with_a_personal_cookie_is_never_served_a_kept_page(client, paper, cookie):
    url = paper[0].get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    client.cookies[cookie] = "x"
    response = client.get(url)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response


def test_staff_pages_and_previews_are_never_kept(client, paper, admin_user):
    story, _ = paper
    story.status = Article.Status.DRAFT
    story.save()
    client.force_login(admin_user)
    url = f"/preview/{story.pk}/"
    assert client.get(url).status_code == 200
    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert "X-Page-Cache" not in response


def test_a_kept_page_gives_each_reader_a_fresh_comment_form(client, paper, clock):
    story, _ = paper
    url = story.get_absolute_url()
    client.get(url)
    clock.advance(600)
    first = text(client.get(url))
    clock.advance(1)
    second = text(client.get(url))
    token = re.compile(r'name="token" value="([^"]+)"')
    submission = re.compile(r'name="submission" value="([0-9a-f]{32})"')
    assert token.search(first).group(1) != token.search(second).group(1)
    assert submission.search(first).group(1) != submission.search(second).group(1)
    # The stamp is the moment the reader got the form, not when the page was drawn.
    assert token.search(second).group(1).startswith(f"{story.pk}:{int(clock.now)}:")


def test_a_form_from_a_kept_page_is_checked_like_a_drawn_one(client, paper, clock, settings):
    """The "too fast" check holds for a kept page: its stamp is the reader's own moment."""
    from tests.comment_helpers import BROWSER_UA, SAME_ORIGIN

    settings.COMMENTS_MIN_SECONDS = 5
    story, _ = paper
    url = story.get_absolute_url()
    client.get(url)
    clock.advance(3600)
    page = text(client.get(url))
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    data = {
        "name": "Ada",
        "email": "ada@example.org",
        "body": "Straight from a kept page.",
        "token": token,
    }
    post = {"HTTP_USER_AGENT": BROWSER_UA, "HTTP_ORIGIN": SAME_ORIGIN}
    too_fast = client.post(f"/comments/post/{story.pk}/", data, **post)
    assert "faster than anyone can type" in text(too_fast)
    client.cookies.clear()
    clock.advance(10)
    sent = client.post(f"/comments/post/{story.pk}/", data, **post)
    assert sent.status_code == 302
    assert Comment.objects.filter(body="Straight from a kept page.").exists()


def test_gzip_is_served_from_the_kept_page(client, paper):
    url = paper[0].get_absolute_url()
    client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response["X-Page-Cache"] == "hit"
    assert response["Content-Encoding"] == "gzip"
    page = gzip.decompress(response.content).decode()
    assert "Council backs plan" in page
    assert page.rstrip().endswith("</html>")
    assert int(response["Content-Length"]) == len(response.content)
    plain = client.get(url)
    assert "Content-Encoding" not in plain
    same_shape = re.compile(r'value="[^"]*"')
    assert same_shape.sub("", page) == same_shape.sub("", text(plain))


def test_assembled_gzip_is_one_valid_stream_around_fresh_fragments():
    content = b"<p>" + b"a" * 5000 + b"TOKEN" + b"b" * 3000 + b"ID" + b"</p>"
    parts, fills = pagecache.split_volatile(
        content,
        [("TOKEN", ("comments.forms.new_submission_id",)), ("ID", ("uuid.uuid4",))],
    )
    entry = {
        "parts": parts,
        "fills": fills,
        "gzip": [pagecache._deflate_segment(part) for part in parts],
    }
    body, gzipped = pagecache.assemble(entry)
    assert gzip.decompress(gzipped) == body
    assert body.startswith(b"<p>" + b"a" * 5000) and b"TOKEN" not in body


@pytest.mark.parametrize("fill", ["", "x", "é" * 70_000])
def test_fresh_fragments_of_any_length_stay_a_valid_gzip_stream(fill, monkeypatch):
    """Fills go out as stored deflate blocks (at most 65,535 bytes each), empty ones as none."""
    monkeypatch.setattr(pagecache, "_function", lambda path: lambda: fill)
    parts = [b"<p>before ", b" between ", b" after</p>"]
    entry = {
        "parts": parts,
        "fills": [("any",), ("any",)],
        "gzip": [pagecache._deflate_segment(part) for part in parts],
    }
    body, gzipped = pagecache.assemble(entry)
    assert body == fill.encode().join(parts)
    assert gzip.decompress(gzipped) == body


# Invalidation: every change a reader could see -------------------------------------------


def still_cached(client, url):
    return client.get(url)["X-Page-Cache"] == "hit"


def test_editing_a_story_refreshes_its_page_and_every_listing(client, paper):
    story, other = paper
    urls = [story.get_absolute_url(), "/", "/section/politics/", "/tag/housing/", "/feed/"]
    for url in urls:
        cached(client, url)
    story.headline = "Council rejects plan"
    story.save()
    for url in urls:
        response = client.get(url)
        assert response["X-Page-Cache"] != "hit", url
        assert "Council rejects plan" in text(response), url


def test_a_draft_edit_leaves_the_listings_kept(client, paper):
    story, _ = paper
    cached(client, "/")
    draft = ArticleFactory(section=story.section, status=Article.Status.DRAFT, publish_at=None)
    draft.headline = "Still a draft"
    draft.save()
    assert still_cached(client, "/")


def test_unpublishing_takes_the_story_off_its_page_and_listings(client, paper):
    story, other = paper
    url = story.get_absolute_url()
    for page in (url, "/", "/feed/", other.get_absolute_url()):
        cached(client, page)
    story.status = Article.Status.UNPUBLISHED
    story.save()
    assert client.get(url).status_code == 404
    assert "Council backs plan" not in text(client.get("/"))
    assert "Council backs plan" not in text(client.get("/feed/"))
    # It was the other story's related link (they share a tag).
    assert "Council backs plan" not in text(client.get(other.get_absolute_url()))


def test_publishing_a_story_puts_it_in_listings_and_related_lists(client, paper):
    story, other = paper
    for page in ("/", "/section/politics/", story.get_absolute_url()):
        cached(client, page)
    ArticleFactory(section=story.section, tags=["housing"], headline="Rents rise again")
    for page in ("/", "/section/politics/", story.get_absolute_url()):
        assert "Rents rise again" in text(client.get(page)), page


def test_a_correction_shows_on_the_story_page(client, paper):
    url = paper[0].get_absolute_url()
    cached(client, url)
    Correction.objects.create(article=paper[0], text="The vote was on Wednesday.")
    assert "The vote was on Wednesday." in text(client.get(url))


def test_a_curated_related_link_shows_at_once(client, paper):
    story, _ = paper
    elsewhere = ArticleFactory(headline="Budget passes")
    url = story.get_absolute_url()
    cached(client, url)
    story.relate(elsewhere)
    assert "Budget passes" in text(client.get(url))


def test_a_related_story_renamed_is_renamed_where_it_is_linked(client, paper):
    story, other = paper
    url = story.get_absolute_url()
    cached(client, url)
    other.headline = "Tenants celebrate"
    other.save()
    assert "Tenants celebrate" in text(client.get(url))


def test_a_section_renamed_is_renamed_on_every_page(client, paper):
    story, _ = paper
    urls = [story.get_absolute_url(), "/", "/section/politics/", "/search/?q=council"]
    for url in urls:
        cached(client, url)
    story.section.name = "Government"
    story.section.save()
    for url in urls:
        assert "Government" in text(client.get(url)), url


def test_an_author_renamed_is_renamed_on_the_story_and_cards(client, paper):
    story, _ = paper
    for url in (story.get_absolute_url(), "/"):
        cached(client, url)
    author = story.authors.get()
    author.name = "Ann Reporter"
    author.save()
    for url in (story.get_absolute_url(), "/"):
        assert "Ann Reporter" in text(client.get(url)), url


def test_a_tag_renamed_is_renamed_on_the_story(client, paper):
    story, _ = paper
    url = story.get_absolute_url()
    cached(client, url)
    tag = story.tags.get()
    tag.name = "Homes"
    tag.save()
    assert "Homes" in text(client.get(url))


def test_an_image_caption_changed_shows_at_once(client, paper):
    story, _ = paper
    story.lead_image = ImageFactory(caption="The chamber.")
    story.save()
    url = story.get_absolute_url()
    cached(client, url)
    story.lead_image.caption = "The chamber at night."
    story.lead_image.save()
    assert "The chamber at night." in text(client.get(url))


def test_a_comment_approved_or_taken_down_shows_at_once(client, paper):
    story, _ = paper
    waiting = CommentFactory(article=story, status=Comment.Status.PENDING, body="Worth reading.")
    url = story.get_absolute_url()
    for page in (url, "/"):
        cached(client, page)
    approve(waiting)
    assert "Worth reading." in text(client.get(url))
    assert "1 comment" in text(client.get("/"))
    cached(client, url)
    reject(waiting)
    assert "Worth reading." not in text(client.get(url))


def test_a_scheduled_story_appears_on_time_without_any_save(client, paper, monkeypatch):
    story, _ = paper
    due = timezone.now() + timezone.timedelta(hours=1)
    ArticleFactory(section=story.section, headline="Embargoed report", publish_at=due)
    for page in ("/", "/feed/", "/section/politics/"):
        cached(client, page)
        assert "Embargoed report" not in text(client.get(page))
    later = due + timezone.timedelta(seconds=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    for page in ("/", "/feed/", "/section/politics/"):
        assert "Embargoed report" in text(client.get(page)), page


def test_other_pages_stay_kept_when_one_story_changes(client, paper):
    story, other = paper
    unrelated = ArticleFactory(headline="Storm warning", tags=["weather"])
    url = unrelated.get_absolute_url()
    cached(client, url)
    Correction.objects.create(article=story, text="A fix.")
    assert still_cached(client, url)


def test_a_page_drawn_while_a_change_commits_is_not_kept_as_fresh(client, paper):
    """A render that read the database before a change committed is stale once it commits."""
    story, _ = paper
    url = story.get_absolute_url()
    cache = pagecache.page_cache()
    started = cache.get(pagecache.CLOCK_KEY) or 0
    client.get(url)  # drawn and kept
    # The change commits later than that render began: its stamp is later than the copy's.
    pagecache.stamp_tags([f"story:{story.pk}"])
    assert cache.get(pagecache.tag_key(f"story:{story.pk}"))[0] > started
    assert client.get(url)["X-Page-Cache"] != "hit"


# Failures ----------------------------------------------------------------------------------


def test_with_the_cache_down_readers_get_the_page_and_editors_their_save(
    client, paper, settings, caplog
):
    story, _ = paper
    settings.CACHES = {
        **settings.CACHES,
        "dead": {
            "BACKEND": "newsroom.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    settings.PAGE_CACHE_ALIAS = "dead"
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert "Council backs plan" in text(response)
    story.headline = "Saved while the cache is down"
    story.save()
    assert Article.objects.get(pk=story.pk).headline == "Saved while the cache is down"
    assert "left to the worker" in caplog.text


def database_down(monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr("articles.site.views.ArticleDetailView.get_object", down)


def test_with_the_database_down_a_kept_page_is_served_stale(client, paper, monkeypatch, settings):
    story, _ = paper
    url = story.get_absolute_url()
    cached(client, url)
    # Its time is up; nothing it shows has changed.
    later = timezone.now() + timezone.timedelta(seconds=settings.PAGE_CACHE_TIMEOUT + 1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    database_down(monkeypatch)
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "stale"
    assert "Council backs plan" in text(response)
    assert "no-cache" in response["Cache-Control"]
    # A page never kept gets the clear 503.
    assert client.get(paper[1].get_absolute_url()).status_code == 503


def test_a_story_taken_down_never_comes_back_through_an_outage(client, paper, monkeypatch):
    story, other = paper
    for page in (story.get_absolute_url(), other.get_absolute_url()):
        cached(client, page)
    story.status = Article.Status.UNPUBLISHED
    story.save()
    database_down(monkeypatch)
    assert client.get(story.get_absolute_url()).status_code == 503
    # The other story linked to it (shared tag): its kept copy is not current either.
    assert client.get(other.get_absolute_url()).status_code == 503


def test_a_comment_taken_down_never_comes_back_through_an_outage(client, paper, monkeypatch):
    story, _ = paper
    comment = CommentFactory(article=story, body="Something defamatory.")
    url = story.get_absolute_url()
    assert "Something defamatory." in text(cached(client, url))
    reject(comment)
    database_down(monkeypatch)
    response = client.get(url)
    assert response.status_code == 503
    assert "Something defamatory." not in text(response)


@override_settings(PAGE_CACHE=False)
def test_switched_off_nothing_is_kept_but_validators_still_come_from_versions(client, paper):
    url = paper[0].get_absolute_url()
    first = client.get(url)
    second = client.get(url)
    assert "X-Page-Cache" not in second
    assert first["ETag"] == second["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


# Single flight ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_many_readers_at_a_just_invalidated_page_cause_one_render(live_server, settings):
    story = ArticleFactory(headline="Breaking: the river rises")
    url = live_server.url + story.get_absolute_url()
    urllib.request.urlopen(url).read()
    pagecache.invalidate(f"story:{story.pk}")
    readers = 40
    start = threading.Barrier(readers)

    def read(_):
        start.wait()
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.headers["X-Page-Cache"]

    with ThreadPoolExecutor(readers) as pool:
        answers = list(pool.map(read, range(readers)))
    assert {status for status, _ in answers} == {200}
    how = [source for _, source in answers]
    assert how.count("miss") == 1, how
    assert set(how) <= {"miss", "wait", "hit"}


def test_a_tag_merge_shows_on_the_pages_of_the_stories_it_moved(client, paper, admin_user):
    from articles.desk.tags import merge
    from articles.models import Tag

    story, _ = paper
    story.tags.add("homes")
    url = story.get_absolute_url()
    cached(client, url)
    tagged_only_old = ArticleFactory(tags=["housing"], headline="Old tag only")
    cached(client, tagged_only_old.get_absolute_url())
    merge(
        list(Tag.objects.filter(name__in=["housing", "homes"])),
        Tag.objects.get(name="homes"),
        by=admin_user,
    )
    page = text(client.get(tagged_only_old.get_absolute_url()))
    assert "/tag/homes/" in page and "/tag/housing/" not in page


def test_what_is_drawn_is_what_is_keyed(client, paper):
    """A tracking parameter neither makes an entry of its own nor ends up in the links of
    the page everyone gets."""
    for n in range(25):
        ArticleFactory(section=paper[0].section, headline=f"Story {n}")
    first = client.get("/section/politics/?utm_source=attacker&next=//evil.example")
    assert "utm_source" not in text(first) and "evil.example" not in text(first)
    assert client.get("/section/politics/")["X-Page-Cache"] == "hit"
    assert client.get("/section/politics/?page=abc").status_code == 404


def test_a_byline_added_through_the_manager_shows_at_once(client, paper):
    story, _ = paper
    url = story.get_absolute_url()
    cached(client, url)
    story.authors.add(AuthorFactory(name="Zelda Newname"))
    assert "Zelda Newname" in text(client.get(url))


def test_stamping_the_site_makes_every_page_stale(client, paper):
    urls = [paper[0].get_absolute_url(), "/", "/feed/"]
    for url in urls:
        cached(client, url)
    pagecache.invalidate(pagecache.SITE)
    for url in urls:
        assert client.get(url)["X-Page-Cache"] != "hit", url


@pytest.mark.django_db(transaction=True)
def test_readers_of_an_answer_never_kept_are_not_queued_one_at_a_time(live_server, monkeypatch):
    """A 404 (or a redirect) is never kept: once one reader has drawn it, the lock is left
    open and the next readers draw it side by side instead of each waiting for the one before."""
    from articles.site import views

    drawn = views.ArticleDetailView.get_object
    # Two renders must be under way at once to pass this point; queued, the second never
    # starts while the first waits here, and the barrier breaks.
    side_by_side = threading.Barrier(2, timeout=20)
    calls, met = [], []

    def meeting_miss(self, queryset=None):
        calls.append(True)
        if len(calls) > 1:  # the two readers after the first
            side_by_side.wait()
            met.append(True)
        return drawn(self, queryset)

    monkeypatch.setattr(views.ArticleDetailView, "get_object", meeting_miss)
    # Open long enough that the readers below arrive within it however slow the machine.
    monkeypatch.setattr(pagecache, "OPEN_SECONDS", 120)
    url = live_server.url + "/2020/01/01/no-such-story/"

    def read(query):
        try:
            urllib.request.urlopen(url + query, timeout=30)
        except urllib.error.HTTPError as error:
            return error.code
        return 200

    assert read("") == 404  # drawn once: the lock is left open
    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(read, ["", ""])) == [404, 404]
    assert met == [True, True]


# This process's own copies ------------------------------------------------------------------


def kept_keys(url):
    """The shared cache's key for `url`'s page (as the middleware names it)."""
    from django.test import RequestFactory

    return pagecache.entry_key(RequestFactory().get(url))


def test_a_hit_is_served_from_this_process_copy_after_one_small_read(client, paper):
    url = paper[0].get_absolute_url()
    cached(client, url)
    key = kept_keys(url)
    assert pagecache.local_copies.get(key) is not None
    # The whole page gone from the shared cache (evicted), its id and stamps still there: the
    # process's copy is still the entry that was kept, and nothing it shows has changed.
    pagecache.page_cache().delete(key)
    hit = client.get(url)
    assert hit["X-Page-Cache"] == "hit"
    assert "Council backs plan" in text(hit)


def test_a_copy_kept_since_by_another_server_replaces_this_process_copy(client, paper):
    url = paper[0].get_absolute_url()
    cached(client, url)
    key = kept_keys(url)
    store = pagecache.page_cache()
    newer = dict(store.get(key), id="kept-by-another-server")
    newer["parts"] = [
        part.replace(b"Council backs plan", b"Kept elsewhere") for part in newer["parts"]
    ]
    newer["gzip"] = None
    store.set_many({key: newer, pagecache.id_key(key): newer["id"]})
    hit = client.get(url)
    assert hit["X-Page-Cache"] == "hit"
    assert "Kept elsewhere" in text(hit)
    assert pagecache.local_copies.get(key)["id"] == "kept-by-another-server"


def test_a_copy_is_never_served_once_the_shared_cache_has_lost_it(client, paper):
    """An emptied (or restarted) shared cache: stamps and ids are gone, so are the copies."""
    url = paper[0].get_absolute_url()
    cached(client, url)
    pagecache.page_cache().clear()
    assert client.get(url)["X-Page-Cache"] == "miss"


def test_a_change_makes_this_process_copy_stale_at_once(client, paper):
    story, _ = paper
    url = story.get_absolute_url()
    cached(client, url)
    Article.objects.filter(pk=story.pk).update(headline="Council drops plan")
    pagecache.invalidate(f"story:{story.pk}")
    again = client.get(url)
    assert again["X-Page-Cache"] == "miss"
    assert "Council drops plan" in text(again)


def test_copies_are_bounded(client, paper, settings):
    settings.PAGE_CACHE_LOCAL_PAGES = 2
    for url in (paper[0].get_absolute_url(), paper[1].get_absolute_url(), "/", "/feed/"):
        cached(client, url)
    assert len(pagecache.local_copies) == 2
    assert pagecache.local_copies.get(kept_keys("/feed/")) is not None
    settings.PAGE_CACHE_LOCAL_PAGES = 0
    pagecache.local_copies.clear()
    cached(client, "/")
    assert len(pagecache.local_copies) == 0


def test_a_kept_page_carries_the_browser_policies_it_was_drawn_with(client, paper):
    url = paper[0].get_absolute_url()
    drawn = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    hit = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert hit["X-Page-Cache"] == "hit"
    for header in ("Content-Security-Policy", "Permissions-Policy", "Vary", "X-Frame-Options"):
        assert hit[header] == drawn[header], header
    assert "script-src 'self'" in hit["Content-Security-Policy"]
    assert "nonce-" not in hit["Content-Security-Policy"]


def test_a_page_whose_policy_names_a_nonce_is_never_kept(client, paper, monkeypatch):
    """A CSP nonce is one response's secret: a page drawn with one is not handed to others."""
    from articles.site import views

    drawn = views.ArticleDetailView.get_context_data

    def with_nonce(self, **kwargs):
        str(self.request.csp_nonce)
        return drawn(self, **kwargs)

    monkeypatch.setattr(views.ArticleDetailView, "get_context_data", with_nonce)
    url = paper[0].get_absolute_url()
    first = client.get(url)
    assert "nonce-" in first["Content-Security-Policy"]
    assert "X-Page-Cache" not in first
    assert client.get(url).get("X-Page-Cache") != "hit"


@pytest.fixture
def database_cache(settings):
    """The page cache on the database cache: production with DEBUG off and no REDIS_URL."""
    from django.core.management import call_command

    settings.CACHES = {
        **settings.CACHES,
        "database": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "newsroom_page_cache_test",
        },
    }
    call_command("createcachetable", "newsroom_page_cache_test", verbosity=0)
    settings.PAGE_CACHE_ALIAS = "database"
    pagecache.local_copies.clear()


def test_on_the_database_cache_copies_are_served_and_made_stale_exactly(
    client, paper, database_cache
):
    story, _ = paper
    url = story.get_absolute_url()
    cached(client, url)
    key = kept_keys(url)
    assert pagecache.local_copies.get(key) is not None
    pagecache.page_cache().delete(key)  # the whole page gone, its id and stamps kept
    assert client.get(url)["X-Page-Cache"] == "hit"
    Article.objects.filter(pk=story.pk).update(headline="Council drops plan")
    pagecache.invalidate(f"story:{story.pk}")
    again = client.get(url)
    assert again["X-Page-Cache"] == "miss"
    assert "Council drops plan" in text(again)
