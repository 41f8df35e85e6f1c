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
