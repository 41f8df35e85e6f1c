"""The reader site right to left in Chromium: Bootstrap's RTL build, our Arabic-script fonts
served from our own static files under the CSP, and axe's WCAG checks."""

import pytest

from tests.reader_data import arabic_story, assert_accessible

pytestmark = pytest.mark.browser

# The face each edition's story text is set in (static/css/site.css, static/vendor/fonts).
FACES = {"ar": "Noto Naskh Arabic", "fa": "Vazirmatn", "ur": "Noto Nastaliq Urdu"}


@pytest.fixture
def story(transactional_db, settings, language):
    """The story in the `language` edition, which is open (with English, the default)."""
    settings.SITE_LANGUAGES = ["en", "ar", "fa", "ur"]
    settings.SITE_NAME = "غرفة الأخبار"
    return arabic_story(language)


@pytest.mark.parametrize("language", ["ar", "fa", "ur"])
def test_story_page_in_arabic_script_with_our_fonts(page, story, language):
    fonts = []
    page.on("response", lambda r: r.url.endswith(".woff2") and fonts.append((r.url, r.status)))

    assert story.get_absolute_url().startswith(f"/{language}/")  # read in its edition
    page.goto(story.get_absolute_url())
    assert page.evaluate("[document.documentElement.lang, document.dir]") == [language, "rtl"]
    page.evaluate("document.fonts.ready")

    sheets = page.evaluate("Array.from(document.styleSheets, s => s.href || '')")
    assert any(sheet.endswith("/bootstrap.rtl.min.css") for sheet in sheets)
    body_face = page.evaluate("getComputedStyle(document.querySelector('.story-body')).fontFamily")
    assert body_face.startswith(f'"{FACES[language]}"') or body_face.startswith(FACES[language])
    loaded = page.evaluate(
        "Array.from(document.fonts).filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert FACES[language] in {family.strip('"') for family in loaded}
    assert fonts and all("/static/vendor/fonts/" in url and status == 200 for url, status in fonts)
    assert page.console_errors == []  # a font the CSP refused would be logged here
    assert_accessible(page)


@pytest.mark.parametrize("language", ["ar"])
def test_an_arabic_readers_pages_and_comment_error_page_pass_axe(page, story, settings, clock):
    """The right-to-left edition's home, section, search and story pages, and the comment
    error page the story's form leads to (in the story's language, the comment kept)."""
    from django.core.cache import cache
    from django.utils import translation
    from playwright.sync_api import expect

    for url in ["/ar/", "/ar/section/politics/", "/ar/search/?q=المجلس"]:
        assert page.goto(url).status == 200, url
        assert page.evaluate("document.dir") == "rtl", url
        assert_accessible(page)

    settings.COMMENTS_MIN_SECONDS = 3  # the clock stands still: the post is "too fast"
    cache.clear()
    page.goto(story.get_absolute_url())
    page.locator("#id_name").fill("سامي")
    page.locator("#id_email").fill("sami@example.org")
    page.locator("#id_body").fill("تعليق أرسل بسرعة.")
    with translation.override("ar"):
        post_label = translation.gettext("Post comment")
        heading = translation.gettext("Please check your comment")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name=post_label).click()
    assert posted.value.status == 400
    assert page.evaluate("[document.documentElement.lang, document.dir]") == ["ar", "rtl"]
    expect(page.locator("h1")).to_have_text(heading)
    expect(page.locator("#id_body")).to_have_value("تعليق أرسل بسرعة.")
    assert_accessible(page)
    cache.clear()
