"""One bad story never breaks the site (issue 8, part 5): each failure that was reported."""

import unicodedata
from urllib.parse import quote, urlencode
from xml.etree import ElementTree

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from articles.models import Article, Section, Tag
from comments.models import Comment
from newsroom.site_url import absolute
from newsroom.text import clean_text, contain_bidi, xml_text
from tests.comment_helpers import BROWSER_UA, SAME_ORIGIN, _fresh_cache, form_data  # noqa: F401
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    ImageFactory,
    SectionFactory,
)

RLO, PDF, LRM, RLM, RLE, LRI, PDI = (
    "\u202e",
    "\u202c",
    "\u200e",
    "\u200f",
    "\u202b",
    "\u2066",
    "\u2069",
)
ARABIC = "القاهرة"  # Cairo
ATOM = "{http://www.w3.org/2005/Atom}"


def xml_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    # Strict (expat): refuses what XML forbids. Our own responses, so no defusedxml needed.
    return ElementTree.fromstring(response.content)  # noqa: S314


# The normalisation itself


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("Budget\x08 vote\x0b", "Budget vote"),
        ("tab\tline\ncarriage\r", "tab\tline\ncarriage\r"),
        ("lone \ud800 surrogate \ufffe\uffff", "lone  surrogate "),
        ("Cafe\u0301", "Café"),  # decomposed é, composed
        (f"{ARABIC}{RLM} 2024", f"{ARABIC}{RLM} 2024"),  # marks are kept
        (f"{LRM}x", f"{LRM}x"),
        (f"Ann {RLO}txt.exe{PDF} after", "Ann txt.exe after"),  # the override goes, with its PDF
        (f"unclosed {RLE}{ARABIC}", f"unclosed {RLE}{ARABIC}{PDF}"),  # closed at the end
        (f"{LRI}a{PDI}{PDI}", f"{LRI}a{PDI}"),  # a closer with nothing to close goes
        (f"{RLE}one\ntwo", f"{RLE}one{PDF}\ntwo"),  # a paragraph ends every embedding
        ("", ""),
    ],
)
def test_clean_text(written, stored):
    assert clean_text(written) == stored


def test_xml_text_passes_what_is_not_text():
    assert xml_text(None) is None
    assert xml_text(3) == 3
    assert contain_bidi("plain") == "plain"


@pytest.mark.django_db
def test_every_written_text_is_normalised_on_save():
    section = SectionFactory(name="News\x08", description="Desc\x01ription")
    author = AuthorFactory(name=f"Ann{RLO}nnA", bio="Bio\x0c")
    image = ImageFactory(alt_text="Alt\x08", caption="Cap\x08tion", credit="Cre\x08dit")
    story = ArticleFactory(
        section=section,
        authors=[author],
        headline=f"Budget\x08 vote {RLO}spoof",
        standfirst="Cafe\u0301\x0b",
        byline="Staff\x07",
        lead_image=image,
        tags=["tag\x08name"],
    )
    comment = CommentFactory(article=story, name=f"Eve {RLO}nimda", body="Hi\x08 there")
    story.refresh_from_db()
    assert (story.headline, story.standfirst, story.byline) == (
        "Budget vote spoof",
        "Café",
        "Staff",
    )
    assert [tag.name for tag in story.tags.all()] == ["tagname"]
    section.refresh_from_db()
    author.refresh_from_db()
    image.refresh_from_db()
    assert (section.name, section.description) == ("News", "Description")
    assert (author.name, author.bio) == ("AnnnnA", "Bio")
    assert (image.alt_text, image.caption, image.credit) == ("Alt", "Caption", "Credit")
    comment.refresh_from_db()
    assert (comment.name, comment.body) == ("Eve nimda", "Hi there")
    assert story.history.latest().headline == "Budget vote spoof"


# Control characters in a headline: feeds and the news sitemap


@pytest.fixture
def stored_with_controls(db):
    """A story saved before the normalisation existed (or by QuerySet.update())."""
    section = SectionFactory(name="Politics", slug="politics", description="Plain & <simple>")
    story = ArticleFactory(section=section, tags=["housing"], authors=[AuthorFactory(slug="ann")])
    Article.objects.filter(pk=story.pk).update(
        headline="Budget\x08 vote\x0b", standfirst="Pasted\x01 from <Word> & co"
    )
    Section.objects.filter(pk=section.pk).update(description="Plain\x08 & <simple>")
    return story


@pytest.mark.parametrize(
    "url",
    [
        "/feed/",
        "/feed/atom/",
        "/section/politics/feed/",
        "/tag/housing/feed/",
        "/author/ann/feed/",
    ],
)
def test_feeds_survive_control_characters_already_stored(client, stored_with_controls, url):
    tree = xml_of(client, url)
    titles = [node.text for node in tree.iter() if node.tag in ("title", f"{ATOM}title")]
    assert "Budget vote" in titles


def test_news_sitemap_stays_well_formed(client, stored_with_controls):
    tree = xml_of(client, "/news-sitemap.xml")
    titles = [
        node.text for node in tree.iter("{http://www.google.com/schemas/sitemap-news/0.9}title")
    ]
    assert titles == ["Budget vote"]


# Plain text is escaped where feeds read HTML


def test_rss_descriptions_are_escaped_html(client, stored_with_controls):
    channel = xml_of(client, "/section/politics/feed/").find("channel")
    assert channel.find("description").text == "Plain &amp; &lt;simple&gt;"
    assert channel.find("item/description").text == "Pasted from &lt;Word&gt; &amp; co"


def test_atom_summary_is_escaped_html_and_subtitle_plain_text(client, stored_with_controls):
    feed = xml_of(client, "/feed/atom/")
    summary = feed.find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == "Pasted from &lt;Word&gt; &amp; co"
    assert "&amp;" not in feed.find(f"{ATOM}subtitle").text


# Tags, sections, authors and stories in any script


@pytest.mark.parametrize("name", ["😀", "日本", ARABIC, "!!!", "  ?  "])
def test_tag_without_ascii_letters_has_an_address(client, db, name):
    story = ArticleFactory(tags=[name])
    tag = Tag.objects.get()
    assert tag.slug
    page = client.get(story.get_absolute_url())
    assert page.status_code == 200
    tag_url = reverse("articles:tag", kwargs={"slug": tag.slug})
    assert f'href="{tag_url}"' in page.content.decode()
    assert client.get(tag_url).status_code == 200
    assert client.get(reverse("articles:tag_feed", kwargs={"slug": tag.slug})).status_code == 200
    locations = [node.text for node in xml_of(client, "/sitemap-tags.xml").iter() if node.text]
    assert absolute(tag_url) in [loc.strip() for loc in locations]


def test_unicode_tag_slug_is_kept_in_its_script(db):
    ArticleFactory(tags=["日本", ARABIC, "😀"])
    assert set(Tag.objects.values_list("slug", flat=True)) == {"日本", ARABIC, "u-1f600"}


def test_sections_authors_and_stories_take_arabic_slugs(client, db):
    section = SectionFactory(name="سياسة", slug="سياسة")
    author = AuthorFactory(name="مريم", slug="مريم")
    story = ArticleFactory(section=section, authors=[author], slug=ARABIC, headline=ARABIC)
    for url in (
        story.get_absolute_url(),
        section.get_absolute_url(),
        author.get_absolute_url(),
        reverse("articles:section_feed", kwargs={"slug": section.slug}),
        reverse("articles:author_feed", kwargs={"slug": author.slug}),
    ):
        assert quote(ARABIC) in url or quote("سياسة") in url or quote("مريم") in url
        assert client.get(url).status_code == 200, url


def test_admin_prepopulates_unicode_slugs(admin_client, db):
    page = admin_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "&quot;allowUnicode&quot;: true" in page


def test_changed_unicode_slug_redirects(client, db):
    story = ArticleFactory(slug="日本")
    old = story.get_absolute_url()
    story.slug = ARABIC
    story.save()
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


def test_tags_taggit_left_without_a_slug_get_one_from_the_migration(db):
    from importlib import import_module

    from django.apps import apps
    from taggit.models import Tag as TaggitTag  # the tags 0007 saw: taggit's own

    TaggitTag.objects.bulk_create(
        [TaggitTag(name="😀", slug=""), TaggitTag(name="🎉", slug="u-1f389")]
    )
    migration = import_module("articles.migrations.0007_unicode_slugs")
    migration.give_tags_without_slug_one(apps, None)
    assert set(TaggitTag.objects.values_list("slug", flat=True)) == {"u-1f600", "u-1f389"}


# Right-to-left overrides


def test_commenter_name_and_headline_are_isolated(client, db):
    story = ArticleFactory(headline=f"{ARABIC} {RLE}2024", tags=[ARABIC])
    CommentFactory(article=story, name=f"{ARABIC}{RLO}nimda", body=f"{ARABIC} is lovely")
    page = client.get(story.get_absolute_url()).content.decode()
    assert f"<bdi>{ARABIC}nimda</bdi>" in page  # the override is gone, the name isolated
    assert RLO not in page
    assert f'dir="auto">{ARABIC} {RLE}2024{PDF}</h1>' in page
    assert '<div class="comment-body" dir="auto">' in page
    assert f'rel="tag"><bdi>{ARABIC}</bdi></a>' in page


def test_arabic_text_with_marks_is_stored_as_written(db):
    text = unicodedata.normalize("NFC", f"مرحبا{RLM} بالعالم {LRM}(2024)")
    comment = CommentFactory(name="سارة", body=text)
    comment.refresh_from_db()
    assert comment.body == text


# Requests too large to read


def test_400_page_renders_without_the_database():
    # No `db` fixture: any query would fail this test.
    page = render_to_string("400.html")
    assert "Your request could not be read" in page
    assert "css/site.css" in page


def test_too_many_fields_gets_the_styled_400(client, db):
    query = urlencode([(f"f{i}", "x") for i in range(5000)])
    response = client.get(f"/search/?{query}")
    assert response.status_code == 400
    assert "Your request could not be read" in response.content.decode()


@pytest.fixture
def article(db):
    return ArticleFactory(comments_enabled=True)


def post_raw(client, article, data):
    return client.post(
        reverse("comments:post", kwargs={"article_id": article.pk}),
        urlencode(data),
        content_type="application/x-www-form-urlencoded",
        HTTP_USER_AGENT=BROWSER_UA,
        HTTP_ORIGIN=SAME_ORIGIN,
    )


def test_a_20_mb_comment_is_refused_clearly_and_its_start_kept(client, article, settings):
    body = "Pasted minutes of the council meeting. " * (20 * 1024 * 1024 // 39)
    data = form_data(article, name="Ada Reader", email="ada@example.org", body=body)
    response = post_raw(client, article, data)
    assert response.status_code == 413
    page = response.content.decode()
    assert "Your comment is too long" in page
    assert "We kept the first 3,000 characters" in page
    form = response.context["form"]
    assert form.initial["name"] == "Ada Reader"
    assert form.initial["email"] == "ada@example.org"
    assert form.initial["body"] == body[:3000]
    assert form.initial["token"] != data["token"]  # a fresh stamp to send it again
    assert Comment.objects.count() == 0


def test_a_comment_with_5000_fields_is_refused_clearly_and_kept(client, article):
    data = list(form_data(article, body="My whole comment.").items())
    data += [(f"junk{i}", "x") for i in range(5000)]
    response = post_raw(client, article, data)
    assert response.status_code == 400
    assert "too many fields" in response.content.decode()
    assert response.context["form"].initial["body"] == "My whole comment."
    assert Comment.objects.count() == 0


def test_the_kept_comment_can_be_sent_again(client, article, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    body = "é" * 3000 + "x" * (3 * 1024 * 1024)
    first = post_raw(client, article, form_data(article, body=body))
    form = first.context["form"]
    resend = {name: form.initial.get(name, "") for name in ("name", "email", "body", "token")}
    second = post_raw(client, article, form_data(article, **resend))
    assert second.status_code == 302
    assert Comment.objects.get().body == "é" * 3000


def test_tags_typed_on_the_desk_are_normalised_before_lookup(db):
    from taggit.utils import parse_tags

    assert parse_tags("Budget\x08, Cafe\u0301, \x07") == ["Budget", "Café"]
    story = ArticleFactory(tags=["Budget"])
    story.tags.set(parse_tags("Budget\x08"))
    assert list(Tag.objects.values_list("name", flat=True)) == ["Budget"]
