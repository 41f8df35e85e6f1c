"""The desk in the staff member's language (newsroom.editions.staff_language): their choice on
the Language page, else their browser's; right to left for Arabic, Persian and Urdu (Django's
own admin catalogues and rtl.css); the bundled Arabic-script fonts; text written by staff and
readers in its own direction (dir="auto"), whatever the desk's. Readers never see any of it."""

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from newsroom import editions
from newsroom.models import StaffSettings
from tests import newsroom_day
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

RTL = ["ar", "fa", "ur"]
LOGIN = reverse("admin:login")
INDEX = reverse("admin:index")
LANGUAGE = reverse("desk:language")
CHANGELIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def all_editions(settings):
    settings.SITE_LANGUAGES = ["en", "ar", "fa", "ur"]


@pytest.fixture
def people():
    return newsroom_day.people()


def html_tag(page):
    return re.search(r"<html[^>]*>", page).group(0)


def django_says(language, message):
    """`message` from Django's own catalogue in `language` (the admin's words)."""
    with translation.override(language):
        translated = translation.gettext(message)
    assert translated != message or language.startswith("en")
    return translated


def assert_speaks(page, language, message="Log out"):
    assert f'lang="{language}"' in html_tag(page)
    if language in RTL:
        assert 'dir="rtl"' in html_tag(page)
        assert "admin/css/rtl.css" in page
        assert re.search(r"[\u0600-\u06ff]", django_says(language, message))
    else:
        assert 'dir="ltr"' in html_tag(page)
        assert "admin/css/rtl.css" not in page
    assert django_says(language, message) in page


# --- The languages ------------------------------------------------------------------------------


def test_the_desk_speaks_the_editions_languages_and_language_code(settings):
    settings.SITE_LANGUAGES = ["en", "ar", "fa", "ur"]
    assert editions.staff_languages() == ["en-gb", "ar", "fa", "ur"]
    assert dict(editions.staff_language_choices())["fa"] == "فارسی"
    settings.SITE_LANGUAGES = ["ar", "ur"]  # no English edition: the staff's language still
    assert editions.staff_languages() == ["en-gb", "ar", "ur"]


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("ar-EG,ar;q=0.9,en;q=0.5", "ar"),
        ("en-US,en;q=0.9,ar;q=0.8", "en-gb"),
        ("de-DE,fa;q=0.7", "fa"),
        ("de-DE,de", "en-gb"),
        ("ur;q=0.2,ar;q=0.9", "ar"),
        ("", "en-gb"),
        ("x" * 600, "en-gb"),
    ],
)
def test_the_browsers_language_among_the_desks(rf, all_editions, header, language):
    request = rf.get("/admin/", HTTP_ACCEPT_LANGUAGE=header)
    assert editions.accepted_staff_language(request) == language


# --- The login page -------------------------------------------------------------------------


@pytest.mark.parametrize("language", RTL)
def test_the_login_page_follows_accept_language(client, all_editions, settings, language):
    response = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE=f"{language},en;q=0.5")
    page = response.content.decode()
    assert_speaks(page, language, "Log in")
    with translation.override(language):
        assert translation.gettext("%(site)s desk") % {"site": settings.SITE_NAME} in page
    assert "Accept-Language" in response["Vary"]
    assert "no-cache" in response["Cache-Control"]  # never kept by a cache, shared or not
    assert "css/fonts.css" in page and "articles/desk-type.css" in page


def test_the_login_page_in_english_for_other_languages(client):
    # The test settings publish English and Arabic: Persian is no language of this desk.
    page = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="fa,de;q=0.8").content.decode()
    assert_speaks(page, "en-gb", "Log in")


# --- A staff member's choice --------------------------------------------------------------------


def choose(client, language):
    response = client.post(LANGUAGE, {"language": language})
    assert response.status_code == 302
    assert response["Location"] == LANGUAGE
    return response


@pytest.mark.parametrize("language", RTL)
def test_the_chosen_language_is_the_admins(client, people, all_editions, language):
    editor = people["editor"]
    client.force_login(editor)
    # The browser asks for English; the staff member chose otherwise.
    choose(client, language)
    assert StaffSettings.objects.get(user=editor).language == language
    page = client.get(LANGUAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert_speaks(page, language)
    assert f'value="{django_says(language, "Save")}"' in page  # Django's own "Save"
    name = dict(editions.staff_language_choices())[language]
    assert f'<option value="{language}" selected>{name}</option>' in page
    for url in (INDEX, CHANGELIST, reverse("twofactor:index")):
        assert_speaks(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode(), language)


def test_english_chosen_is_left_to_right_whatever_the_browser_asks(client, people):
    client.force_login(people["editor"])
    choose(client, "en-gb")
    response = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="ar")
    assert_speaks(response.content.decode(), "en-gb")
    assert "Accept-Language" not in response.get("Vary", "")  # the choice decided, not the header


def test_without_a_choice_the_browser_decides(client, people):
    client.force_login(people["editor"])
    choose(client, "")
    assert_speaks(client.get(INDEX, HTTP_ACCEPT_LANGUAGE="ar").content.decode(), "ar")
    response = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="en")
    assert_speaks(response.content.decode(), "en-gb")
    assert "Accept-Language" in response["Vary"]


def test_the_choice_is_read_at_login_not_on_every_page(client, people):
    editor = people["editor"]
    StaffSettings.objects.create(user=editor, language="ar")
    client.force_login(editor)  # another device, another session: the choice is there
    with CaptureQueriesContext(connection) as queries:
        page = client.get(INDEX).content.decode()
    assert_speaks(page, "ar")
    assert not [q for q in queries.captured_queries if "newsroom_staffsettings" in q["sql"]]


def test_a_choice_no_longer_offered_falls_back_to_the_browser(client, people):
    # Persian was chosen while the site had a Persian edition; the test settings have none.
    StaffSettings.objects.create(user=people["editor"], language="fa")
    client.force_login(people["editor"])
    assert_speaks(client.get(INDEX, HTTP_ACCEPT_LANGUAGE="ar").content.decode(), "ar")


def test_the_language_page_refuses_a_language_the_desk_does_not_speak(client, people):
    client.force_login(people["editor"])
    response = client.post(LANGUAGE, {"language": "de"})
    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    assert not StaffSettings.objects.filter(user=people["editor"]).exists()


def test_the_language_page_is_every_staff_members_and_no_one_elses(client, people):
    for user in people.values():
        client.force_login(user)
        assert LANGUAGE in client.get(INDEX).content.decode()  # in the user links
        assert client.get(LANGUAGE).status_code == 200
    client.logout()
    assert client.get(LANGUAGE)["Location"].startswith(LOGIN)
    client.force_login(UserFactory(username="reader"))
    assert client.get(LANGUAGE)["Location"].startswith(LOGIN)
    assert client.post(LANGUAGE, {"language": "ar"})["Location"].startswith(LOGIN)
    assert not StaffSettings.objects.exists()


def test_the_language_page_offers_each_language_in_itself(client, people, all_editions):
    client.force_login(people["reporter"])
    page = client.get(LANGUAGE, HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    for name in ("British English", "العربيّة", "فارسی", "اردو"):
        assert f">{name}</option>" in page
    assert 'aria-describedby="id_language_helptext"' in page


def test_the_language_page_query_count(client, people, django_assert_max_num_queries):
    client.force_login(people["editor"])
    client.get(LANGUAGE)
    with django_assert_max_num_queries(6):
        assert client.get(LANGUAGE).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.post(LANGUAGE, {"language": "ar"}).status_code == 302


def test_the_saved_message_speaks_the_new_language(client, people):
    client.force_login(people["editor"])
    page = client.post(LANGUAGE, {"language": "ar"}, follow=True).content.decode()
    with translation.override("ar"):
        assert translation.gettext("Your language is saved.") in page


# --- Readers ------------------------------------------------------------------------------------


def test_a_staff_members_language_changes_nothing_readers_get(client, people):
    story = ArticleFactory(headline="Council approves the plan")
    client.force_login(people["editor"])
    choose(client, "ar")
    for url in ("/", story.get_absolute_url(), "/search/?q=plan"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="ar")
        assert '<html lang="en" dir="ltr">' in response.content.decode(), url
        assert "Accept-Language" not in response.get("Vary", ""), url
    # And the Arabic edition speaks Arabic to a staff member who chose English.
    choose(client, "en-gb")
    assert '<html lang="ar" dir="rtl">' in client.get("/ar/").content.decode()


def test_readers_pages_never_vary_on_accept_language(client):
    for header in ("ar", "en", "fa"):
        response = client.get("/", HTTP_ACCEPT_LANGUAGE=header)
        assert '<html lang="en" dir="ltr">' in response.content.decode()
        assert "Accept-Language" not in response.get("Vary", "")
    assert (
        '<html lang="ar" dir="rtl">'
        in client.get("/ar/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_the_staff_area_is_never_kept_by_the_page_cache(settings):
    assert "/admin/".startswith(settings.PAGE_CACHE_NEVER_PREFIXES)
    for url in (LOGIN, INDEX, LANGUAGE, CHANGELIST, reverse("twofactor:index")):
        assert url.startswith(settings.PAGE_CACHE_NEVER_PREFIXES), url


# --- Text in its own direction --------------------------------------------------------------------

ARABIC = "المجلس يقر خطة الإسكان"
ENGLISH = "Council approves the plan"


@pytest.fixture
def stories(people):
    from articles.models import Article

    arabic = newsroom_day.story(ARABIC, people["editor"], Article.Status.DRAFT)
    Article.objects.filter(pk=arabic.pk).update(language="ar")
    english = newsroom_day.story(ENGLISH, people["editor"], Article.Status.DRAFT)
    return Article.objects.get(pk=arabic.pk), english


@pytest.mark.parametrize("desk", ["en-gb", "ar"])
def test_story_list_headlines_in_their_own_direction(client, people, stories, desk):
    client.force_login(people["editor"])
    choose(client, desk)
    page = client.get(CHANGELIST).content.decode()
    assert f'<span class="story-headline" lang="ar" dir="auto">{ARABIC}</span>' in page
    assert f'<span class="story-headline" lang="en" dir="auto">{ENGLISH}</span>' in page
    assert '<span class="story-details" dir="auto">' in page


@pytest.mark.parametrize("desk", ["en-gb", "ar"])
def test_dashboard_headlines_in_their_own_direction(client, people, stories, desk):
    client.force_login(people["editor"])
    choose(client, desk)
    page = client.get(INDEX).content.decode()
    for headline, language in ((ARABIC, "ar"), (ENGLISH, "en")):
        (link,) = re.findall(rf'<a class="desk-entry-title"[^>]*>{headline}</a>', page)
        assert 'dir="auto"' in link and f'lang="{language}"' in link


def test_the_story_form_writes_in_the_storys_direction(client, people, stories):
    client.force_login(people["editor"])
    page = client.get(reverse("admin:articles_article_change", args=[stories[0].pk])).content
    page = page.decode()
    for name in ("headline", "slug", "standfirst", "byline"):
        (field,) = re.findall(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', page)
        assert 'dir="auto"' in field, name
    assert f'<h2 dir="auto">{ARABIC}</h2>' in page  # the form's title: the story's headline


def test_comments_in_their_own_direction_in_the_queue_and_the_list(client, people, stories):
    CommentFactory(article=stories[0], status="pending", name="سامي", body="تعليق ينتظر.")
    client.force_login(people["moderator"])
    queue = client.get(reverse("admin:comments_comment_queue")).content.decode()
    assert '<div class="queue-body" dir="auto">' in queue
    assert re.search(rf'<a href="[^"]*"\s+lang="ar"\s+dir="auto">{ARABIC}</a>', queue)
    listing = client.get(reverse("admin:comments_comment_changelist")).content.decode()
    assert f'lang="ar" dir="auto">{ARABIC}</a>' in listing


# --- Fonts ----------------------------------------------------------------------------------------


def test_every_admin_page_loads_the_bundled_fonts(client, people):
    client.force_login(people["editor"])
    for url in (INDEX, CHANGELIST, LANGUAGE, reverse("twofactor:index")):
        page = client.get(url).content.decode()
        assert "/static/css/fonts.css" in page, url
        assert "/static/articles/desk-type.css" in page, url


def test_the_admins_type_names_each_editions_face():
    from django.contrib.staticfiles import finders

    css = Path(finders.find("articles/desk-type.css")).read_text(encoding="utf-8")
    assert "--font-family-primary" in css  # Django's admin sets its text in this
    for face in ('"Noto Naskh Arabic"', "Vazirmatn", '"Noto Nastaliq Urdu"'):
        assert face in css
    faces = Path(finders.find("css/fonts.css")).read_text(encoding="utf-8")
    assert faces.count("@font-face") == 6
