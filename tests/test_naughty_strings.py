"""Every string of the naughty-strings corpus, stored everywhere, breaks no public output.

Stories, tags, sections, authors, image alt text, captions and credits and comments are made
from every string of tests/data/blns.json (plus the office-paste and spoofing strings it
lacks), batched into a few dozen objects. Then every public output is fetched: no 5xx, every
feed and sitemap well-formed for a strict XML parser, every JSON-LD block valid JSON.
"""

import json
import re
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author, Image, Section, Tag
from comments.models import Comment
from newsroom.slugs import unicode_slug
from newsroom.text import clean_text
from tests.comment_helpers import BROWSER_UA, SAME_ORIGIN, _fresh_cache, form_data  # noqa: F401
from tests.factories import ArticleFactory, ImageFactory

CORPUS = json.loads((Path(__file__).parent / "data" / "blns.json").read_text())
# What the corpus lacks: office paste, NUL, lone surrogates, spoofing, tags with no letters.
EXTRA = [
    "Budget\x00 vote",
    "Page\x0cbreak\x0b and \x1f",
    "lone \ud800 surrogate \udfff and \ufffe\uffff",
    "Ann \u202etxt.exe\u202c Smith",
    "\u202bمرحبا",
    "😀",
    "🇺🇦🇵🇸",
    "日本語",
    "القاهرة",
    "Cafe\u0301",
    "</script><script>alert(1)</script>",
    "]]><!--",
]
STRINGS = CORPUS + EXTRA
SECTIONS = 5
AUTHORS = 8
XML_CONTENT = re.compile(r"(xml|rss|atom)")
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def chunks(strings, size):
    """Consecutive groups whose joined length (one space apart) stays within `size`."""
    group, length = [], 0
    for text in strings:
        text = text[:size]
        if group and length + 1 + len(text) > size:
            yield group
            group, length = [], 0
        group.append(text)
        length += len(text) + 1
    if group:
        yield group


def named(text, n, max_length):
    """A non-empty unique name made from `text` (the desk refuses an empty one)."""
    suffix = f" {n}"
    return (text[: max_length - len(suffix)] or "x") + suffix


def build_site():
    """Store the corpus everywhere editors and readers write; return the published stories."""
    sections = [
        Section.objects.create(
            name=named(group[0], n, 80),
            slug=unicode_slug(f"{group[0]} {n}", 80) or f"s{n}",
            description="\n".join(group),
        )
        for n, group in enumerate(chunks(STRINGS, len("".join(STRINGS)) // SECTIONS + 1))
    ]
    authors = [
        Author.objects.create(
            name=named(group[0], n, 120),
            slug=unicode_slug(f"{group[0]} {n}", 120),
            bio="\n".join(group),
            expertise=", ".join(group)[:255],
        )
        for n, group in enumerate(chunks(STRINGS, len("".join(STRINGS)) // AUTHORS + 1))
    ]
    picture = ImageFactory()
    images = [picture] + [
        Image.objects.create(
            file=picture.file.name,
            renditions=picture.renditions,
            alt_text=" ".join(group)[:255],
            caption=" ".join(group),
            credit=" ".join(group)[:255],
        )
        for group in chunks(STRINGS, 255)
    ]
    stories = []
    for n, group in enumerate(chunks(STRINGS, 255)):
        headline = " ".join(group)
        story = ArticleFactory(
            headline=headline,
            slug=unicode_slug(f"{headline} {n}", 255),
            standfirst="\n".join(group),
            body="".join(f"<p>{text}</p>" for text in group),
            byline=group[0][:255],
            source=group[-1][:120],
            dateline=group[len(group) // 2][:120],
            seo_title=headline,
            seo_description=" ".join(group)[:300],
            section=sections[n % len(sections)],
            authors=[authors[n % len(authors)]],
            lead_image=images[n % len(images)],
            publish_at=timezone.now() - timezone.timedelta(minutes=n + 1),
        )
        story.corrections.create(text="\n".join(group))
        # A few strings to a tag (up to its 100 characters), and the first on its own, as
        # typed on the desk: names that normalise alike are one tag (newsroom.text.parse_tags
        # does this for the admin's tag field).
        names = [group[0], *(" ".join(part) for part in chunks(group, 100))]
        story.tags.add(*{clean_text(name).strip()[:100] for name in names} - {""})
        stories.append(story)
    for n, text in enumerate(STRINGS):
        Comment.objects.create(
            article=stories[n % len(stories)],
            name=text[:80] or "x",
            email=f"reader{n}@example.org",
            body=text or "x",
            website="https://example.org/",
            status=Comment.Status.APPROVED,
        )
    return stories


def check_xml(response, url):
    try:
        ElementTree.fromstring(response.content)  # noqa: S314 - our own output, parsed strictly
    except ElementTree.ParseError as error:
        pytest.fail(f"{url}: not well-formed XML: {error}")


def fetch(client, url, problems):
    response = client.get(url)
    if response.status_code not in (200, 301, 302, 404):
        problems.append(f"{url}: {response.status_code}")
        return None
    if XML_CONTENT.search(response.get("Content-Type", "")):
        check_xml(response, url)
    return response


def story_json_ld(response, url):
    blocks = JSON_LD.findall(response.content.decode())
    assert blocks, f"{url}: no JSON-LD"
    for block in blocks:
        try:
            json.loads(block)
        except ValueError as error:
            pytest.fail(f"{url}: JSON-LD is not JSON: {error}")


def public_urls(stories):
    """Every public page and document of the stored site."""
    urls = ["/", "/feed/", "/feed/atom/", "/robots.txt", "/sitemap.xml", "/news-sitemap.xml"]
    urls += [f"/sitemap-{name}.xml" for name in ("stories", "sections", "tags", "authors")]
    day = stories[0].pub_date
    urls += [f"/{day:%Y}/", f"/{day:%Y/%m}/", f"/{day:%Y/%m/%d}/"]
    for section in Section.objects.all():
        urls += [section.get_absolute_url(), reverse("articles:section_feed", args=[section.slug])]
    for author in Author.objects.all():
        urls += [author.get_absolute_url(), reverse("articles:author_feed", args=[author.slug])]
    for tag in Tag.objects.all():
        urls += [
            reverse("articles:tag", args=[tag.slug]),
            reverse("articles:tag_feed", args=[tag.slug]),
        ]
    return urls


def run_corpus(client):
    stories = build_site()
    problems = []
    for story in stories:
        url = story.get_absolute_url()
        response = fetch(client, url, problems)
        assert response is not None and response.status_code == 200, (url, problems)
        story_json_ld(response, url)
    for url in public_urls(stories):
        response = fetch(client, url, problems)
        assert response is None or response.status_code == 200, url
    # Every sitemap the index lists parses too (pages included).
    index = ElementTree.fromstring(client.get("/sitemap.xml").content)  # noqa: S314
    for loc in index.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
        parts = urlsplit(loc.text.strip())
        fetch(client, parts.path + (f"?{parts.query}" if parts.query else ""), problems)
    # Queries as a browser sends them: percent-encoded UTF-8, a lone surrogate as invalid bytes.
    for group in chunks(STRINGS, 200):
        query = quote(" ".join(group).encode("utf-8", "surrogatepass"))
        fetch(client, f"/search/?q={query}", problems)
    assert problems == []
    return stories


@pytest.fixture
def comment_settings(settings):
    settings.COMMENTS_RATE_LIMIT = 10_000
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_DUPLICATE_CHECK = False


def post_every_string_as_a_comment(client, stories):
    """Readers send the corpus through the real form: every post is taken or answered."""
    answers = []
    for n, group in enumerate(chunks(STRINGS, 2000)):
        story = stories[n % len(stories)]
        data = form_data(story, name=group[0][:80] or "x", body="\n".join(group))
        response = client.post(
            reverse("comments:post", args=[story.pk]),
            # As a browser sends it; a lone surrogate arrives as invalid UTF-8.
            urlencode(data, encoding="utf-8", errors="surrogatepass"),
            content_type="application/x-www-form-urlencoded",
            HTTP_USER_AGENT=BROWSER_UA,
            HTTP_ORIGIN=SAME_ORIGIN,
        )
        answers.append(response.status_code)
    assert set(answers) <= {302, 400}, answers
    return answers


@pytest.mark.django_db
def test_the_naughty_strings_break_no_public_output(client, comment_settings):
    stories = run_corpus(client)
    answers = post_every_string_as_a_comment(client, stories)
    assert answers.count(302) >= len(answers) - 1  # the blank first chunk alone may be refused
    stored = "".join(Comment.objects.values_list("body", flat=True))
    assert "\x08" not in stored and "\u202e" not in stored
    assert Article.objects.count() == len(stories)
