"""Sections and authors under their names in each edition (SectionLabel, AuthorName).

The test settings run English (the default edition) and Arabic (SITE_LANGUAGES=en,ar). A
section or an author is one row shared by the editions; an Arabic reader sees its Arabic
label where it has one, else its own name, and an English reader never sees a label.
"""

import html
import json
import re
import xml.etree.ElementTree as ET  # noqa: S405 - only our own server's output is parsed

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from articles.desk import roles
from articles.models import Author, AuthorName, Section, SectionLabel
from newsroom import pagecache
from tests.desk_helpers import form_values
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, StaffFactory

pytestmark = pytest.mark.django_db

NOON = timezone.make_aware(timezone.datetime(2024, 5, 1, 12))
ATOM = "{http://www.w3.org/2005/Atom}"
DC_CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
SIYASA, SIYASA_ABOUT = "سياسة", "التصويت والميزانيات ومن يصنعون القرار."
ANN_AR = "آن رايتر"


def text(response):
    assert response.status_code == 200, response
    return html.unescape(response.content.decode())


@pytest.fixture
def paper():
    """Politics has an Arabic label, City none; Ann has an Arabic name, Bob none. The same
    stories in each edition, so the editions' pages are alike but for the names."""
    politics = SectionFactory(
        name="Politics", slug="politics", description="Votes, budgets and who decides."
    )
    city = SectionFactory(name="City", slug="city", description="Streets and councils.")
    SectionLabel.objects.create(
        section=politics, language="ar", name=SIYASA, description=SIYASA_ABOUT
    )
    ann = AuthorFactory(name="Ann Writer", slug="ann")
    bob = AuthorFactory(name="Bob Reporter", slug="bob")
    AuthorName.objects.create(author=ann, language="ar", name=ANN_AR)
    english = ArticleFactory(
        section=politics,
        authors=[ann, bob],
        headline="Council backs housing plan",
        slug="council-backs-plan",
        publish_at=NOON,
    )
    arabic = ArticleFactory(
        section=politics,
        authors=[ann, bob],
        language="ar",
        translation_key=english.translation_key,
        headline="المجلس يدعم خطة الإسكان",
        slug="المجلس-يدعم-الخطة",
        publish_at=NOON,
    )
    ArticleFactory(section=city, authors=[bob], headline="Tenants react", publish_at=NOON)
    ArticleFactory(
        section=city,
        authors=[bob],
        language="ar",
        headline="المستأجرون يردون",
        slug="المستأجرون-يردون",
        publish_at=NOON,
    )
    return {"english": english, "arabic": arabic, "politics": politics, "ann": ann}


def nav_links(page):
    nav = re.search(r'<nav class="container site-nav".*?</nav>', page, re.S).group(0)
    return re.findall(r'<a class="nav-link[^>]*>([^<]*)</a>', nav)


def structured_data(page):
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return [json.loads(script) for script in scripts]


def feed(response):
    assert response.status_code == 200
    return ET.fromstring(response.content)  # noqa: S314 - our own feed


# What readers see ------------------------------------------------------------------------


def test_the_arabic_menu_names_sections_in_arabic_or_by_their_own_name(client, paper):
    assert nav_links(text(client.get("/ar/"))) == ["City", SIYASA]
    assert nav_links(text(client.get("/"))) == ["City", "Politics"]


def test_the_arabic_section_page_is_headed_titled_and_described_in_arabic(client, paper):
    page = text(client.get("/ar/section/politics/"))
    assert f'<h1 dir="auto">{SIYASA}</h1>' in page
    assert f'<p class="lead" dir="auto">{SIYASA_ABOUT}</p>' in page
    assert re.search(rf"<title>{SIYASA}\b[^<]*</title>", page)
    assert f'<meta name="description" content="{SIYASA_ABOUT}' in page
    assert f'title="{SIYASA}"' in page  # the feed's <link rel="alternate">
    assert "Politics" not in page and "Votes, budgets" not in page


def test_a_section_without_a_label_keeps_its_own_name_and_description(client, paper):
    page = text(client.get("/ar/section/city/"))
    assert '<h1 dir="auto">City</h1>' in page and "Streets and councils." in page


def test_a_label_without_a_description_shows_the_sections_own(client, paper):
    SectionLabel.objects.filter(language="ar").update(description="")
    page = text(client.get("/ar/section/politics/"))
    assert f'<h1 dir="auto">{SIYASA}</h1>' in page and "Votes, budgets and who decides." in page


def test_arabic_cards_carry_the_arabic_section_and_author_names(client, paper):
    for n in range(8):  # past the lead and top stories, into the home's sections
        ArticleFactory(
            section=paper["politics"], language="ar", headline=f"خبر {n}", slug=f"khabar-{n}"
        )
    for url in ("/ar/", "/ar/section/politics/", "/ar/author/bob/", "/ar/search/?q=المجلس"):
        page = text(client.get(url))
        assert f"<bdi>{SIYASA}</bdi>" in page, url
        assert f"<bdi>{ANN_AR}</bdi>، <bdi>Bob Reporter</bdi>" in page, url  # Arabic's comma
        assert "Ann Writer" not in page, url
    home = text(client.get("/ar/"))
    assert re.search(rf'<h2 id="section-politics"[^>]*>\s*<a [^>]*>{SIYASA}</a>', home)


def test_the_arabic_story_page_names_its_section_and_authors_in_arabic(client, paper):
    page = text(client.get(paper["arabic"].get_absolute_url()))
    assert f'<meta property="article:section" content="{SIYASA}">' in page
    assert f'class="story-section" href="/ar/section/politics/"><bdi>{SIYASA}</bdi>' in page
    assert f'rel="author"><bdi>{ANN_AR}</bdi>' in page
    assert 'rel="author"><bdi>Bob Reporter</bdi>' in page
    ((story, trail),) = structured_data(page)
    assert story["articleSection"] == SIYASA
    assert [author["name"] for author in story["author"]] == [ANN_AR, "Bob Reporter"]
    assert trail["itemListElement"][1]["name"] == SIYASA
    assert "Ann Writer" not in page and "Politics" not in page


def test_the_arabic_author_page_gives_the_arabic_name(client, paper):
    page = text(client.get("/ar/author/ann/"))
    assert f'<h1 dir="auto">{ANN_AR}</h1>' in page
    assert re.search(rf"<title>{ANN_AR}\b", page)
    assert "Ann Writer" not in page
    assert '<h1 dir="auto">Bob Reporter</h1>' in text(client.get("/ar/author/bob/"))


def test_arabic_feeds_use_the_arabic_names(client, paper):
    rss = feed(client.get("/ar/section/politics/feed/"))
    channel = rss.find("channel")
    assert channel.findtext("title").startswith(f"{SIYASA} | ")
    assert channel.findtext("description") == SIYASA_ABOUT
    item = channel.find("item")
    assert item.findtext("category") == SIYASA
    assert item.findtext(DC_CREATOR) == f"{ANN_AR}, Bob Reporter"
    author_feed = feed(client.get("/ar/author/ann/feed/")).find("channel")
    assert author_feed.findtext("title").startswith(f"{ANN_AR} | ")
    assert ANN_AR in author_feed.findtext("description")
    atom = feed(client.get("/ar/feed/atom/"))
    entry = next(
        entry
        for entry in atom.iter(f"{ATOM}entry")
        if entry.findtext(f"{ATOM}title") == paper["arabic"].headline
    )
    assert entry.find(f"{ATOM}category").get("term") == SIYASA
    assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name") == f"{ANN_AR}, Bob Reporter"


def test_the_english_edition_never_shows_a_label(client, paper):
    urls = [
        "/",
        "/section/politics/",
        "/author/ann/",
        paper["english"].get_absolute_url(),
        "/feed/",
        "/section/politics/feed/",
        "/author/ann/feed/",
    ]
    for url in urls:
        page = text(client.get(url))
        assert SIYASA not in page and ANN_AR not in page, url
        assert "Politics" in page and "Ann Writer" in page, url


def test_a_label_is_one_per_section_and_edition_and_unique_in_its_edition(paper):
    with pytest.raises(IntegrityError), transaction.atomic():
        SectionLabel.objects.create(section=paper["politics"], language="ar", name="أخرى")
    with pytest.raises(IntegrityError), transaction.atomic():
        SectionLabel.objects.create(
            section=Section.objects.get(slug="city"), language="ar", name=SIYASA
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        AuthorName.objects.create(author=paper["ann"], language="ar", name="آن")


def test_the_rule_reads_a_label_in_any_edition_and_once_with_its_object(
    paper, django_assert_num_queries
):
    politics = paper["politics"]
    assert politics.label("en") is None
    assert politics.in_edition("name", "ar") == SIYASA
    assert Section.objects.get(slug="city").in_edition("name", "ar") == "City"
    with django_assert_num_queries(1):  # no edition active: the default one's names
        sections = list(Section.objects.labelled("ar"))
        assert [section.edition_name for section in sections] == ["City", "Politics"]
        assert [section.in_edition("name", "ar") for section in sections] == ["City", SIYASA]
    with django_assert_num_queries(1), translation.override("ar"):
        authors = list(Author.objects.labelled())
        assert [author.edition_name for author in authors] == [ANN_AR, "Bob Reporter"]


# Query counts ------------------------------------------------------------------------------


def query_counts(client, prefix, urls):
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(prefix + url).status_code == 200, prefix + url
        counts[url] = len(queries)
    return counts


def edition_urls(paper):
    story = paper["english"].get_absolute_url()
    return [
        "/",
        "/section/politics/",
        "/author/ann/",
        "/search/?q=",
        "/feed/",
        "/feed/atom/",
        "/section/politics/feed/",
        "/author/ann/feed/",
        story,
    ]


def both_editions(client, paper):
    """{url: (English count, Arabic count)}: each edition's version of the same pages, the
    search for each edition's own word for the council."""
    english_urls = edition_urls(paper)
    arabic_urls = [
        paper["arabic"].get_absolute_url().removeprefix("/ar") if url == english_urls[-1] else url
        for url in english_urls
    ]
    english = query_counts(client, "", [u.replace("?q=", "?q=council") for u in english_urls])
    arabic = query_counts(client, "/ar", [u.replace("?q=", "?q=المجلس") for u in arabic_urls])
    return dict(
        zip(english_urls, zip(english.values(), arabic.values(), strict=True), strict=True)
    )


def test_the_labels_cost_no_query_drawn_afresh(client, paper, settings, monkeypatch):
    """Every page drawn with nothing kept: the Arabic pages make the English pages' queries."""
    settings.PAGE_CACHE = False
    monkeypatch.setattr(pagecache, "shared", lambda: False)
    counts = both_editions(client, paper)
    assert all(en == ar for en, ar in counts.values()), counts


def test_the_labels_cost_no_query_once_fragments_are_kept(client, paper, settings, shared_cache):
    """The story's extras and the menu kept (newsroom.fragments) keep the authors' names in
    the edition: an Arabic miss reads what an English one does."""
    settings.PAGE_CACHE = False
    both_editions(client, paper)  # draws and keeps each edition's fragments
    counts = both_editions(client, paper)
    assert all(en == ar for en, ar in counts.values()), counts
    story = paper["arabic"].get_absolute_url()
    page = text(client.get(story))
    assert f'rel="author"><bdi>{ANN_AR}</bdi>' in page and nav_links(page) == ["City", SIYASA]


# The page cache ----------------------------------------------------------------------------


def cached(client, url):
    assert client.get(url).status_code == 200, url
    again = client.get(url)
    assert again["X-Page-Cache"] == "hit", url
    return again


def arabic_pages(paper):
    return [
        "/ar/",
        "/ar/section/politics/",
        "/ar/author/ann/",
        paper["arabic"].get_absolute_url(),
        "/ar/feed/",
        "/ar/section/politics/feed/",
        "/ar/author/ann/feed/",
    ]


def test_a_section_label_edited_refreshes_every_page_showing_it(client, paper, shared_cache):
    for url in arabic_pages(paper):
        assert SIYASA in text(cached(client, url)), url
    label = SectionLabel.objects.get(language="ar")
    label.name = "الشؤون السياسية"
    label.save()
    for url in arabic_pages(paper):
        page = text(client.get(url))
        assert "الشؤون السياسية" in page and f">{SIYASA}<" not in page, url


def test_an_author_name_added_or_removed_refreshes_every_page_showing_it(
    client, paper, shared_cache
):
    bob = Author.objects.get(slug="bob")
    urls = ["/ar/", "/ar/author/bob/", paper["arabic"].get_absolute_url(), "/ar/feed/"]
    for url in urls:
        assert "Bob Reporter" in text(cached(client, url)), url
    name = AuthorName.objects.create(author=bob, language="ar", name="بوب ريبورتر")
    for url in urls:
        page = text(client.get(url))
        assert "بوب ريبورتر" in page and "Bob Reporter" not in page, url
    name.delete()
    for url in urls:
        assert "Bob Reporter" in text(client.get(url)), url


def test_the_menu_is_kept_per_edition(client, paper, settings, shared_cache):
    settings.PAGE_CACHE = False  # the menu fragment, not the page, is what is kept
    for _n in range(2):
        assert nav_links(text(client.get("/"))) == ["City", "Politics"]
        assert nav_links(text(client.get("/ar/"))) == ["City", SIYASA]
    SectionLabel.objects.create(
        section=Section.objects.get(slug="city"), language="ar", name="محليات"
    )
    assert nav_links(text(client.get("/ar/"))) == ["محليات", SIYASA]
    assert nav_links(text(client.get("/"))) == ["City", "Politics"]


# The desk ----------------------------------------------------------------------------------

EDITOR, REPORTER, MODERATOR = "editor", "reporter", "moderator"
GROUP = {EDITOR: roles.EDITORS, REPORTER: roles.REPORTERS, MODERATOR: roles.MODERATORS}


@pytest.fixture
def users():
    return {name: StaffFactory(username=name, role=GROUP[name]) for name in GROUP}


def change_page(client, user, obj):
    client.force_login(user)
    url = reverse(f"admin:articles_{obj._meta.model_name}_change", args=[obj.pk])
    return url, client.get(url)


def inline_of(response):
    (inline,) = response.context["inline_admin_formsets"]
    return inline


def post_data(response, rows):
    """The change form as drawn, with the names inline holding `rows` (new rows after the
    existing ones)."""
    data = form_values(response.context["adminform"].form)
    formset = inline_of(response).formset
    prefix = formset.prefix
    data[f"{prefix}-TOTAL_FORMS"] = str(len(formset.initial_forms) + len(rows))
    data[f"{prefix}-INITIAL_FORMS"] = str(len(formset.initial_forms))
    for i, form in enumerate(formset.initial_forms):
        data.update({f"{prefix}-{i}-{k}": v for k, v in form_values(form).items()})
        data[f"{prefix}-{i}-id"] = str(form.instance.pk)
    for i, row in enumerate(rows, start=len(formset.initial_forms)):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    data["_save"] = "Save"
    return data


@pytest.mark.parametrize("model", ["section", "author"])
def test_an_editor_names_a_section_or_an_author_in_the_other_editions(
    client, paper, users, settings, model
):
    settings.SITE_LANGUAGES = ["en", "ar", "fa"]
    obj = paper["politics"] if model == "section" else paper["ann"]
    obj.labels.all().delete()
    url, response = change_page(client, users[EDITOR], obj)
    inline = inline_of(response)
    assert inline.formset.prefix == "labels"
    assert "Names in other editions" in response.content.decode()
    # Only the editions beyond the default one are offered.
    offered = [value for value, _label in inline.formset.empty_form.fields["language"].choices]
    assert offered == ["", "ar", "fa"]
    row = {"language": "ar", "name": "اسم"}
    if model == "section":
        row["description"] = "وصف"
    response = client.post(url, post_data(response, [row]))
    assert response.status_code == 302, response.context and inline_of(response).formset.errors
    assert obj.labels.get().name == "اسم"
    # The default edition is refused: it reads the object's own name.
    url, response = change_page(client, users[EDITOR], obj)
    refused = client.post(url, post_data(response, [{"language": "en", "name": "Other"}]))
    assert refused.status_code == 200
    assert "language" in inline_of(refused).formset.errors[1]
    assert list(obj.labels.values_list("language", flat=True)) == ["ar"]


@pytest.mark.parametrize("role", [REPORTER, MODERATOR])
@pytest.mark.parametrize("model", ["section", "author"])
def test_reporters_and_moderators_see_the_names_but_cannot_set_them(
    client, paper, users, role, model
):
    obj = paper["politics"] if model == "section" else paper["ann"]
    url, response = change_page(client, users[role], obj)
    assert response.status_code == 200
    inline = inline_of(response)
    assert not inline.has_add_permission and not inline.has_change_permission
    page = response.content.decode()
    assert obj.labels.get().name in page and 'name="labels-0-name"' not in page
    # Posting the names anyway changes nothing: the server refuses the whole form.
    data = {
        "labels-TOTAL_FORMS": "1",
        "labels-INITIAL_FORMS": "0",
        "labels-0-language": "ar",
        "labels-0-name": "مزور",
        "_save": "Save",
    }
    assert client.post(url, data).status_code == 403
    assert not obj.labels.filter(name="مزور").exists()


def test_with_one_edition_there_is_no_names_inline(client, paper, users, settings):
    settings.SITE_LANGUAGES = ["en"]
    _url, response = change_page(client, users[EDITOR], paper["politics"])
    assert response.context["inline_admin_formsets"] == []
