"""Fragments (newsroom.fragments): the parts of reader pages kept between renders are never
staler than the page, never carry one reader's own content to another, and make a page-cache
miss cheap. The page cache is off here (PAGE_CACHE=False), so every request draws its page and
only the fragments can serve anything old."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from articles.models import Article, Correction, RelatedLink
from articles.site import kept
from comments import moderation, remember
from comments.models import Comment
from comments.views import REMEMBER_COOKIE
from newsroom import fragments, pagecache
from tests.comment_helpers import _fresh_cache, post_comment  # noqa: F401
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    ImageFactory,
    SectionFactory,
)
from tests.reader_data import ago, full_story

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _drawn_every_time(shared_cache, settings):
    settings.PAGE_CACHE = False


def read(client, story, query=""):
    response = client.get(story.get_absolute_url() + query)
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    return response.content.decode()


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def related_list(page):
    return page[
        page.index('class="related-list"') : page.index("</ul>", page.index("related-list"))
    ]


@pytest.fixture
def story():
    story = full_story(n=2)
    CommentFactory.create_batch(3, article=story)
    return story


def test_a_miss_reads_nothing_once_its_fragments_are_kept(client, story):
    read(client, story)  # draws and keeps them, the story's row among them
    assert queries_of(client, story.get_absolute_url()) == 0
    assert queries_of(client, story.get_absolute_url()) == 0


def test_another_process_reads_the_kept_row_once_it_knows_where_the_address_leads(client, story):
    read(client, story)
    kept.ADDRESSES.clear()  # a process that never served this address
    assert queries_of(client, story.get_absolute_url()) == 1  # the row, to learn its ids
    assert queries_of(client, story.get_absolute_url()) == 0


# The story's row is kept too (articles.site.kept.story_row): whatever changes what the row
# holds reads it afresh.


def test_an_edited_story_is_read_afresh(client, story):
    read(client, story)
    story.headline = "Council approves the plan, amended"
    story.save()
    with CaptureQueriesContext(connection) as queries:
        page = read(client, story)
    assert "Council approves the plan, amended" in page
    assert any('FROM "articles_article"' in q["sql"] for q in queries.captured_queries)
    assert queries_of(client, story.get_absolute_url()) == 0


@pytest.mark.parametrize("status", [Article.Status.UNPUBLISHED, Article.Status.DRAFT])
def test_a_story_taken_down_is_gone_at_once(client, story, status):
    read(client, story)
    story.status = status
    story.save()
    assert client.get(story.get_absolute_url()).status_code == 404


def test_a_story_moved_back_to_the_schedule_is_gone_at_once(client, story):
    read(client, story)
    story.publish_at = timezone.now() + timezone.timedelta(hours=1)
    story.save()
    assert client.get(story.get_absolute_url()).status_code == 404


def test_a_kept_row_is_not_served_before_its_publication_time(client, story, rf):
    """A publication time passes without a stamp: the row says when, and it is checked."""
    read(client, story)
    where = {"pub_date": story.pub_date, "slug": story.slug}
    with translation.override(story.language):  # the page's language is in the keys
        made = kept.make_fragments(rf.get("/"), story, where)
    assert kept.kept_story(made) == story
    names = kept.row_names()["story"]
    row = made["row"].value["story"]
    later = timezone.now() + timezone.timedelta(minutes=5)
    made["row"].value["story"] = tuple(
        later if name == "publish_at" else value for name, value in zip(names, row, strict=True)
    )
    assert kept.kept_story(made) is None


def test_a_new_story_at_an_old_address_is_the_one_served(client, story):
    address, old_slug = story.get_absolute_url(), story.slug
    read(client, story)
    story.slug = "council-plan-renamed"
    story.save()
    newcomer = ArticleFactory(
        headline="A different story", slug=old_slug, publish_at=story.publish_at
    )
    assert newcomer.get_absolute_url() == address
    page = client.get(address).content.decode()
    assert "A different story" in page and story.headline not in page


def test_a_renamed_section_or_recaptioned_image_reads_the_row_afresh(client, story):
    read(client, story)
    story.section.name = "City hall"
    story.section.save()
    assert "City hall" in read(client, story)
    story.lead_image.caption = "The council chamber, new caption"
    story.lead_image.save()
    assert "The council chamber, new caption" in read(client, story)


def test_an_emptied_cache_reads_the_row_again(client, story):
    read(client, story)
    pagecache.page_cache().clear()
    assert queries_of(client, story.get_absolute_url()) >= 1


def test_an_approved_comment_shows_at_once(client, story):
    before = read(client, story)
    assert "3 comments" in before
    waiting = CommentFactory(article=story, status=Comment.Status.PENDING, body="Fresh words.")
    assert "Fresh words." not in read(client, story)
    moderation.approve(waiting)
    with CaptureQueriesContext(connection) as queries:
        after = read(client, story)
    assert "Fresh words." in after
    assert "4 comments" in after  # the heading, and the link beside the byline
    assert after.count(">4 comments<") == 1 and "3 comments" not in after
    assert len(queries) <= 3  # the story, when its comments changed, the thread


def test_a_comment_taken_down_goes_at_once(client, story):
    comment = story.comments.first()
    assert comment.body in read(client, story)
    moderation.reject(comment)
    page = read(client, story)
    assert comment.body not in page and "2 comments" in page


def test_a_renamed_section_shows_at_once_in_the_menu_and_on_the_story(client, story):
    other = SectionFactory(name="Sport", slug="sport")
    assert ">Sport<" in read(client, story)
    assert ">Sport<" in client.get("/").content.decode()
    other.name = "Sports desk"
    other.save()
    assert ">Sports desk<" in client.get("/").content.decode()
    page = read(client, story)
    assert ">Sports desk<" in page and ">Sport<" not in page
    story.section.name = "Politics and power"
    story.section.save()
    assert "<bdi>Politics and power</bdi></a>" in read(client, story)


def test_a_related_storys_new_headline_shows_at_once(client):
    story = ArticleFactory(tags=["housing"])
    curated = ArticleFactory(tags=["elsewhere"], publish_at=ago(hours=5))
    RelatedLink.objects.create(article=story, target=curated, order=0)
    by_tag = ArticleFactory(tags=["housing"], publish_at=ago(hours=6))
    related = related_list(read(client, story))
    assert curated.headline in related and by_tag.headline in related
    curated.headline = "Curated link, renamed"
    curated.save()
    assert "Curated link, renamed" in related_list(read(client, story))
    by_tag.headline = "Tag neighbour, renamed"
    by_tag.save()
    assert "Tag neighbour, renamed" in related_list(read(client, story))
    by_tag.status = Article.Status.UNPUBLISHED
    by_tag.save()
    assert "Tag neighbour, renamed" not in read(client, story)


def test_a_story_published_with_a_shared_tag_joins_the_related_list(client):
    story = ArticleFactory(tags=["housing"])
    read(client, story)
    newcomer = ArticleFactory(tags=["housing"], headline="Newly published neighbour")
    assert newcomer.headline in related_list(read(client, story))


def test_a_scheduled_story_joins_the_related_list_on_time(client, monkeypatch):
    story = ArticleFactory(tags=["housing"], publish_at=ago(hours=2))
    ArticleFactory(tags=["housing"], publish_at=ago(hours=3))
    scheduled = ArticleFactory(
        tags=["housing"],
        headline="Scheduled neighbour",
        publish_at=timezone.now() + timezone.timedelta(hours=1),
    )
    assert scheduled.headline not in read(client, story)
    assert scheduled.headline not in read(client, story)  # kept, until its time
    later = timezone.now() + timezone.timedelta(hours=2)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    assert scheduled.headline in related_list(read(client, story))


def change_author(story):
    author = story.authors.first()
    author.name = "Renamed Reporter"
    author.save()
    return "Renamed Reporter"


def add_author(story):
    from articles.models import ArticleAuthor

    ArticleAuthor.objects.create(article=story, author=AuthorFactory(name="Third Hand"), order=9)
    return "Third Hand"


def rename_tag(story):
    tag = story.tags.first()
    tag.name = "renamed-topic"
    tag.save()
    return "renamed-topic"


def add_tag(story):
    story.tags.add("brand-new-topic")
    return "brand-new-topic"


def add_correction(story):
    Correction.objects.create(article=story, text="A later correction.")
    return "A later correction."


def edit_headline(story):
    story.headline = "Council rejects the housing plan"
    story.save()
    return "Council rejects the housing plan"


def edit_caption(story):
    image = story.lead_image
    image.caption = "The chamber, after the vote."
    image.save()
    return "The chamber, after the vote."


def new_lead_image(story):
    story.lead_image = ImageFactory(caption="A new lead picture.")
    story.save()
    return "A new lead picture."


def link_story(story):
    target = ArticleFactory(headline="A freshly linked story", publish_at=ago(hours=9))
    RelatedLink.objects.create(article=story, target=target, order=0)
    return "A freshly linked story"


@pytest.mark.parametrize(
    "change",
    [
        change_author,
        add_author,
        rename_tag,
        add_tag,
        add_correction,
        edit_headline,
        edit_caption,
        new_lead_image,
        link_story,
    ],
)
def test_every_change_to_the_story_shows_at_once(client, story, change):
    read(client, story)
    read(client, story)  # from its fragments
    shown = change(story)
    assert shown in read(client, story)


def test_a_readers_waiting_comment_is_theirs_alone(client, story):
    response = post_comment(client, story, body="My own words, waiting.")
    assert response.status_code == 302
    own = read(client, story)
    assert "My own words, waiting." in own and "awaiting moderation" in own
    stranger = Client()
    assert "My own words, waiting." not in read(stranger, story)
    assert "My own words, waiting." in read(client, story)
    assert "My own words, waiting." not in read(stranger, story)


def test_a_remembered_name_fills_only_that_readers_form(client, story):
    client.cookies[REMEMBER_COOKIE] = remember.seal({"name": "Ada Reader", "email": "ada@x.org"})
    assert 'value="Ada Reader"' in read(client, story)
    stranger = Client()
    page = read(stranger, story)
    assert "Ada Reader" not in page and "ada@x.org" not in page
    assert 'value="Ada Reader"' in read(client, story)


def test_the_form_on_a_page_carries_its_own_stamp_id_story_and_parent(client, story):
    comment = story.comments.first()
    page = read(client, story, f"?replyto={comment.pk}")
    assert f'action="/comments/post/{story.pk}/"' in page
    assert f'name="parent" value="{comment.pk}"' in page
    ids = {re.search(r'name="submission" value="([0-9a-f]{32})"', read(client, story)).group(1)}
    ids.add(re.search(r'name="submission" value="([0-9a-f]{32})"', read(client, story)).group(1))
    assert len(ids) == 2  # a new one-time id for each page drawn
    assert 'name="parent" id="id_parent"' in read(client, story)


def test_comment_pages_keep_their_own_fragments(client, settings):
    settings.COMMENTS_PER_PAGE = 2
    story = ArticleFactory()
    comments = [CommentFactory(article=story, body=f"Comment number {i}.") for i in range(5)]
    first, second = read(client, story), read(client, story, "?comments_page=2")
    assert comments[0].body in first and comments[2].body not in first
    assert comments[2].body in second and comments[0].body not in second
    assert "Page 2 of 3" in read(client, story, "?comments_page=2")
    assert "Page 3 of 3" in read(client, story, "?comments_page=9")  # past the end: the last


def test_a_fragment_drawn_while_what_it_shows_changed_is_not_kept(rf):
    pagecache.versions("story:1", "author:5")  # the clock and both tags have stamps
    request = rf.get("/")
    fragments.begin(request)
    kept = fragments.Fragment("test", ["story:1"], request=request)
    assert kept.get() is None
    pagecache.invalidate("author:5")  # while it was drawn
    kept.set("drawn", shows=["author:5"])
    assert fragments.Fragment("test", ["story:1"]).get() is None
    again = rf.get("/")
    fragments.begin(again)
    fresh = fragments.Fragment("test", ["story:1"], request=again)
    assert fresh.get() is None
    fresh.set("drawn", shows=["author:5"])
    assert fragments.Fragment("test", ["story:1"]).get() == "drawn"
    pagecache.invalidate("author:5")
    assert fragments.Fragment("test", ["story:1"]).get() is None
    pagecache.invalidate("story:1")
    assert fragments.Fragment("test", ["story:1"]).key != fresh.key


def test_without_a_shared_cache_every_render_draws_everything(client, story, monkeypatch):
    kept = queries_of(client, story.get_absolute_url())
    monkeypatch.setattr(pagecache, "shared", lambda: False)
    first = queries_of(client, story.get_absolute_url())
    assert queries_of(client, story.get_absolute_url()) == first >= kept
    assert "3 comments" in read(client, story)


def test_a_cache_that_fails_leaves_the_page_whole(client, story, monkeypatch):
    read(client, story)

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    cache = pagecache.page_cache()
    monkeypatch.setattr(cache, "get_many", down)
    monkeypatch.setattr(cache, "get", down)
    page = read(client, story)
    assert story.headline in page and "3 comments" in page and 'id="comment-form"' in page
