"""The reader site in Arabic, Persian and Urdu: complete catalogues, the committed .mo files
matching them, pages that speak the language (no English left over), the edition's dates and
digits, right-to-left styling. No gettext tools needed: the catalogues are read here."""

import ast
import datetime
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from newsroom import l10n
from tests.comment_helpers import post_comment
from tests.reader_data import arabic_story

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["ar", "fa", "ur"]
PLURAL_FORMS = {
    "ar": (
        "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
        "n%100>=11 && n%100<=99 ? 4 : 5;"
    ),
    "fa": "nplurals=2; plural=(n > 1);",
    "ur": "nplurals=2; plural=(n != 1);",
}
# Where the messages readers see come from: the reader templates (not the desk's or the
# admin's), the reader site's and the comments' Python, and the model labels readers see,
# which carry a context of their own.
READER_SOURCES = re.compile(
    r"^(templates/(?!admin/|articles/desk/)|articles/site/|comments/(forms|views|notifications)\.py"
    r"|newsroom/l10n\.py)"
)
READER_CONTEXTS = {"story type", "comment form"}


# --- A small .po reader ------------------------------------------------------------------------


def read_po(path):
    """The entries of a .po file: dicts with msgctxt, msgid, msgid_plural, msgstr (a list: one
    per plural form), references and flags. Obsolete (#~) entries are left out."""
    entries, entry, field = [], None, None

    def close():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for line in Path(path).read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            close()
            entry, field = None, None
            continue
        if entry is None:
            entry = {"references": [], "flags": set(), "msgctxt": None, "msgid_plural": None}
            entry["msgstr"] = {}
        if line.startswith("#~"):
            continue
        if line.startswith("#:"):
            entry["references"] += [ref.rsplit(":", 1)[0] for ref in line[2:].split()]
        elif line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(field, tuple):
                entry["msgstr"][field[1]] += value
            else:
                entry[field] += value
        else:
            keyword, value = line.split(" ", 1)
            value = ast.literal_eval(value)
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if match:
                field = ("msgstr", int(match.group(1)))
                entry["msgstr"][field[1]] = value
            elif keyword == "msgstr":
                field = ("msgstr", 0)
                entry["msgstr"][0] = value
            else:
                field = keyword
                entry[keyword] = value
    for entry in entries:
        entry["msgstr"] = [entry["msgstr"][i] for i in sorted(entry["msgstr"])]
    return entries


def catalogue(language):
    return ROOT / "locale" / language / "LC_MESSAGES" / "django.po"


def header(entries):
    (head,) = [entry for entry in entries if entry["msgid"] == ""]
    fields = dict(line.split(": ", 1) for line in head["msgstr"][0].splitlines() if line)
    return head, fields


def reader_facing(entry):
    return entry["msgid"] and (
        any(READER_SOURCES.match(ref) for ref in entry["references"])
        or entry["msgctxt"] in READER_CONTEXTS
    )


def test_the_po_reader_reads_contexts_plurals_flags_and_continued_lines(tmp_path):
    path = tmp_path / "django.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        '#: templates/base.html:3 comments/forms.py:9\n#, fuzzy, python-format\nmsgctxt "c"\n'
        'msgid "a %(n)s"\nmsgid_plural "b"\nmsgstr[0] "x \\"y\\""\nmsgstr[1] ""\n"z"\n\n'
        '#~ msgid "gone"\n#~ msgstr "old"\n',
        encoding="utf-8",
    )
    head, entry = read_po(path)
    assert header([head, entry])[1]["Plural-Forms"] == "nplurals=2; plural=(n != 1);\\n"[:-2]
    assert entry["msgctxt"] == "c" and entry["msgid"] == "a %(n)s" and entry["msgid_plural"] == "b"
    assert entry["msgstr"] == ['x "y"', "z"]
    assert entry["flags"] == {"fuzzy", "python-format"}
    assert entry["references"] == ["templates/base.html", "comments/forms.py"]


# --- Catalogues --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_header_names_the_language_and_its_plural_rule(language):
    head, fields = header(read_po(catalogue(language)))
    assert "fuzzy" not in head["flags"]  # msgfmt would skip a fuzzy header, charset and all
    assert fields["Language"] == language
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"] == PLURAL_FORMS[language]
    # The rule the catalogue gives is the one Django reads from the compiled file.
    compiled = gettext.GNUTranslations(catalogue(language).with_suffix(".mo").open("rb"))
    if language == "ar":
        assert [compiled.plural(n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 102)] == [
            0,
            1,
            2,
            3,
            3,
            4,
            4,
            5,
            5,
        ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    """The reader site's and the desk's: a staff member may choose any edition's language."""
    entries = [entry for entry in read_po(catalogue(language)) if entry["msgid"]]
    nplurals = int(re.match(r"nplurals=(\d+)", PLURAL_FORMS[language]).group(1))
    # The catalogue has the reader site's messages and the desk's at all.
    assert len([entry for entry in entries if reader_facing(entry)]) > 140
    assert len(entries) > 700
    problems = []
    for entry in entries:
        expected = nplurals if entry["msgid_plural"] else 1
        if "fuzzy" in entry["flags"]:
            problems.append(("fuzzy", entry["msgid"]))
        elif len(entry["msgstr"]) != expected or not all(s.strip() for s in entry["msgstr"]):
            problems.append(("untranslated", entry["msgid"]))
    assert problems == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_use_only_the_placeholders_and_markup_of_their_message(language):
    problems = []
    for entry in read_po(catalogue(language)):
        if not entry["msgid"]:
            continue
        source = entry["msgid"] + (entry["msgid_plural"] or "")
        names = set(re.findall(r"%\((\w+)\)s", source))
        tags = sorted(re.findall(r"</?\w+", entry["msgid"]))
        for text in entry["msgstr"]:
            if not set(re.findall(r"%\((\w+)\)s", text)) <= names:
                problems.append(("placeholder", entry["msgid"], text))
            if sorted(re.findall(r"</?\w+", text)) != tags:
                problems.append(("markup", entry["msgid"], text))
        if not entry["msgid_plural"] and names - set(
            re.findall(r"%\((\w+)\)s", entry["msgstr"][0])
        ):
            problems.append(("dropped", entry["msgid"], entry["msgstr"][0]))
    assert problems == []


def po_messages(entries):
    """What a compiled catalogue holds for `entries`: translated, not fuzzy, keyed the way
    GNUTranslations keys them (context\\x04msgid; (msgid, n) for plural forms)."""
    messages = {}
    for entry in entries:
        if not entry["msgid"] or "fuzzy" in entry["flags"]:
            continue
        if not all(entry["msgstr"]):
            continue
        key = entry["msgid"]
        if entry["msgctxt"] is not None:
            key = f"{entry['msgctxt']}\x04{key}"
        if entry["msgid_plural"]:
            for n, text in enumerate(entry["msgstr"]):
                messages[(key, n)] = text
        else:
            messages[key] = entry["msgstr"][0]
    return messages


@pytest.mark.parametrize("language", LANGUAGES)
def test_committed_mo_file_matches_its_po(language):
    with catalogue(language).with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    held = {key: value for key, value in compiled._catalog.items() if key != ""}
    assert held == po_messages(read_po(catalogue(language)))


def test_mo_comparison_notices_a_stale_translation():
    entries = read_po(catalogue("ar"))
    with catalogue("ar").with_suffix(".mo").open("rb") as mo:
        held = {k: v for k, v in gettext.GNUTranslations(mo)._catalog.items() if k != ""}
    (post,) = [entry for entry in entries if entry["msgid"] == "Post your comments"]
    post["msgstr"] = ["شيء آخر"]
    assert held != po_messages(entries)


# --- Pages in each language --------------------------------------------------------------------

POST_YOUR_COMMENTS = {
    "ar": "أضف تعليقك",
    "fa": "دیدگاه خود را بنویسید",
    "ur": "اپنی رائے دیں",
}
NOT_PUBLISHED = {
    "ar": "لن يُنشر عنوان بريدك الإلكتروني. الحقول المطلوبة مشار إليها بـ *",
    "fa": "نشانی ایمیل شما منتشر نخواهد شد. بخش\u200cهای ضروری با * مشخص شده\u200cاند",
    "ur": "آپ کا ای میل ایڈریس شائع نہیں کیا جائے گا۔ ضروری خانوں پر * کا نشان ہے",
}
# Latin words a page in Arabic script may still show: brands, feed formats, the time zone.
ALLOWED_LATIN = {"Bluesky", "Facebook", "LinkedIn", "WhatsApp", "RSS", "Atom", "GMT", "BST", "UTC"}


class VisibleText(HTMLParser):
    """The words a reader sees or hears in the page's language: text outside
    <script>/<style>, and the attributes a browser shows or reads out (alt, title,
    placeholder, aria-label, a button's value). Text an element marks as another language
    (`lang`, as the language switcher names each edition in its own) is not the page's."""

    SHOWN = {"alt", "title", "placeholder", "aria-label"}

    def __init__(self):
        super().__init__()
        self.parts, self.hidden, self.page_language, self.foreign = [], 0, None, []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        attrs = dict(attrs)
        if tag == "html":
            self.page_language = attrs.get("lang")
        elif attrs.get("lang") and attrs["lang"] != self.page_language:
            self.foreign.append(tag)
            return
        if self.foreign:
            return
        self.parts += [value for name, value in attrs.items() if name in self.SHOWN and value]
        if tag == "input" and attrs.get("type") == "submit":
            self.parts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1
        if self.foreign and tag == self.foreign[-1]:
            self.foreign.pop()

    def handle_data(self, data):
        if not self.hidden and not self.foreign:
            self.parts.append(data)


def english_words(page):
    parser = VisibleText()
    parser.feed(page)
    words = re.findall(r"[A-Za-z]{2,}", " ".join(parser.parts))
    return sorted(set(words) - ALLOWED_LATIN)


EDITIONS = ["en", *LANGUAGES]


@pytest.fixture
def editions(settings):
    """Every shipped edition open (the test settings have English and Arabic only)."""
    settings.SITE_LANGUAGES = EDITIONS
    settings.SITE_NAME = "غرفة الأخبار"


@pytest.fixture
def paper(editions, language):
    """The Arabic-text paper in the `language` edition (the test's parameter)."""
    return arabic_story(language)


def edition_url(language, path):
    """`path` as a reader of the `language` edition asks for it: under its prefix."""
    return path if language == EDITIONS[0] else f"/{language}{path}"


def read_in(client, language, path):
    """The page a reader of the `language` edition gets at `path` (a path of the default
    edition, or an address that names its edition already, like a story's)."""
    if not path.startswith(f"/{language}/"):
        path = edition_url(language, path)
    return client.get(path)


def pages(story):
    return [
        "/",
        story.get_absolute_url(),
        "/section/politics/",
        "/section/politics/?page=2",
        "/author/layla/",
        f"/{story.pub_date:%Y/%m/%d}/",
        "/search/?q=المجلس",
        "/search/?q=غائب",
        "/search/?q=",
        "/no-such-page/",
    ]


def html_tag(page):
    return re.search(r"<html[^>]*>", page).group(0)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_reader_pages_leave_no_english_behind(client, paper, language):
    assert paper.get_absolute_url().startswith(f"/{language}/")
    for url in pages(paper):
        response = read_in(client, language, url)
        assert response.status_code in (200, 404), url
        page = response.content.decode()
        assert f'lang="{language}" dir="rtl"' in html_tag(page), url
        assert english_words(page) == [], url
    # The edition's own stories are what its pages list (not an empty page with no English).
    assert paper.headline in read_in(client, language, "/").content.decode()
    assert "خبر رقم 20" in read_in(client, language, "/section/politics/?page=2").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en"])
def test_the_english_check_finds_english(client, paper, language):
    page = client.get(paper.get_absolute_url()).content.decode()
    assert {"Post", "comments", "Corrections", "Published"} <= set(english_words(page))


def test_the_english_check_skips_only_what_is_marked_as_another_language():
    page = (
        '<html lang="ar"><body><nav aria-label="Editions"><a lang="en">English</a>'
        '<a lang="ar">العربية</a></nav><p>Left over</p></body></html>'
    )
    assert english_words(page) == ["Editions", "Left", "over"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_comment_form_speaks_the_language(client, paper, language):
    page = read_in(client, language, paper.get_absolute_url()).content.decode()
    assert POST_YOUR_COMMENTS[language] in page
    assert NOT_PUBLISHED[language] in page
    assert "Post your comments" not in page
    assert "Required fields are marked" not in page
    # An email address and a web address read left to right on a right-to-left page too.
    for name in ("email", "website"):
        (field,) = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
        assert 'dir="ltr"' in field


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_rejected_comment_page_speaks_the_storys_language(client, paper, language):
    # The comment endpoints have no edition prefix: the story commented on names the language.
    response = post_comment(
        client, paper, name=" ", email="not-an-email", body="تعليقي على الخبر."
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f'<html lang="{language}" dir="rtl">' in page
    assert english_words(page) == []
    assert POST_YOUR_COMMENTS[language] in page
    assert "تعليقي على الخبر." in page  # the reader's text is kept
    with translation.override(language):
        assert translation.gettext("Enter a valid email address.") in page
        assert translation.gettext("This field is required.") in page  # Django's own catalogue


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ar"])
def test_comment_notice_after_posting_speaks_the_storys_language(client, paper, language):
    response = post_comment(client, paper, body="تعليق جديد على الخبر.")
    assert response.status_code == 302
    # Back on the story, in its edition.
    assert response["Location"] == f"{paper.get_absolute_url()}#comments"
    assert response["Location"].startswith("/ar/")
    page = client.get(response["Location"]).content.decode()
    assert "شكرًا لك. تعليقك بانتظار المراجعة." in page
    assert '<html lang="ar" dir="rtl">' in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_error_pages_speak_the_language(language, settings):
    settings.SITE_NAME = "غرفة الأخبار"
    request = RequestFactory().get("/")
    with translation.override(language):
        page = server_error(request).content.decode()
        unavailable = render_to_string("503.html", {"SITE_NAME": settings.SITE_NAME})
        bad = render_to_string("400.html", {"SITE_NAME": settings.SITE_NAME})
    for html in (page, unavailable, bad):
        assert english_words(html) == []
    assert "Something went wrong" not in page


# --- Dates, times and digits -------------------------------------------------------------------

MOMENT = datetime.datetime(2026, 12, 3, 14, 5, tzinfo=datetime.UTC)


def test_english_dates_and_numbers_are_unchanged():
    with translation.override("en-gb"):
        assert l10n.date(MOMENT) == "3 December 2026, 14:05"
        assert l10n.date(MOMENT, "datetime_zone") == "3 December 2026, 14:05 GMT"
        assert l10n.date(MOMENT.date(), "date") == "3 December 2026"
        assert l10n.number(12345) == "12,345"


def test_arabic_dates_have_arabic_months_and_arabic_indic_digits():
    with translation.override("ar"):
        assert l10n.date(MOMENT) == "٣ ديسمبر ٢٠٢٦، ١٤:٠٥"
        assert l10n.date(MOMENT.date(), "month") == "ديسمبر ٢٠٢٦"
        assert l10n.number(12345) == "١٢٬٣٤٥"


def test_persian_dates_are_solar_hijri_in_persian_digits():
    with translation.override("fa"):
        assert l10n.date(MOMENT) == "۱۲ آذر ۱۴۰۵، ۱۴:۰۵"
        assert l10n.date(MOMENT.date(), "date") == "۱۲ آذر ۱۴۰۵"
        assert l10n.number(12345) == "۱۲٬۳۴۵"
        # A month archive's heading names the Gregorian month its address names.
        assert l10n.date(MOMENT.date(), "month") == "دسامبر ۲۰۲۶"


def test_persian_dates_can_be_gregorian(settings):
    settings.SOLAR_HIJRI_DATES = []
    with translation.override("fa"):
        assert l10n.date(MOMENT) == "۳ دسامبر ۲۰۲۶، ۱۴:۰۵"


@pytest.mark.parametrize(
    "day, expected",
    [
        # Nowruz falls on 20 or 21 March; leap years of both calendars around it.
        (datetime.date(2024, 3, 19), (1402, 12, 29)),
        (datetime.date(2024, 3, 20), (1403, 1, 1)),
        (datetime.date(2025, 3, 20), (1403, 12, 30)),  # 1403 is a leap year
        (datetime.date(2025, 3, 21), (1404, 1, 1)),
        (datetime.date(2026, 3, 21), (1405, 1, 1)),
        (datetime.date(2026, 9, 22), (1405, 6, 31)),  # the first six months have 31 days
        (datetime.date(2026, 9, 23), (1405, 7, 1)),
        (datetime.date(2026, 12, 3), (1405, 9, 12)),
        (datetime.date(2000, 1, 1), (1378, 10, 11)),
        (datetime.date(2028, 2, 29), (1406, 12, 10)),
    ],
)
def test_solar_hijri_dates(day, expected):
    assert l10n.solar_hijri(day) == expected


def test_solar_hijri_layout_keeps_escapes_and_times():
    day = datetime.datetime(2026, 12, 3, 9, 7)
    assert l10n.solar_hijri_layout(day, r"\j j/n/Y H:i") == r"\j \1\2/\9/\1\4\0\5 H:i"


def test_urdu_keeps_western_digits():
    with translation.override("ur"):
        assert l10n.date(MOMENT) == "3 دسمبر 2026، 14:05"
        assert l10n.number(12345) == "12,345"


def test_which_editions_write_their_own_digits_is_a_setting(settings):
    settings.NATIVE_DIGITS = ["fa"]  # a Maghreb Arabic edition writes 0-9
    with translation.override("ar"):
        assert l10n.date(MOMENT) == "3 ديسمبر 2026، 14:05"
    with translation.override("fa"):
        assert l10n.digits(2026) == "۲۰۲۶"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fa"])
def test_story_page_dates_and_counts_in_persian_digits(client, paper, language):
    page = read_in(client, "fa", paper.get_absolute_url()).content.decode()
    with translation.override("fa"):
        expected = l10n.date(paper.date_published, "datetime_zone")
    assert re.search(r"[۰-۹]", expected)
    assert f">{expected}</time>" in page
    assert "۲ دیدگاه" in page  # the comments heading
    assert not re.search(r">[^<]*\b20\d\d\b[^<]*</time>", page)  # no Western year in a date


# --- Right to left ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_right_to_left_pages_load_bootstraps_rtl_build(client, editions, language):
    page = read_in(client, language, "/").content.decode()
    assert "vendor/bootstrap/bootstrap.rtl.min.css" in page
    assert "vendor/bootstrap/bootstrap.min.css" not in page


@pytest.mark.django_db
def test_left_to_right_pages_load_the_ltr_build(client):
    page = client.get("/").content.decode()
    assert "vendor/bootstrap/bootstrap.min.css" in page
    assert "bootstrap.rtl" not in page


def test_error_pages_load_the_build_of_their_direction():
    request = RequestFactory().get("/")
    with translation.override("ar"):
        assert "bootstrap.rtl.min.css" in server_error(request).content.decode()
    with translation.override("en-gb"):
        assert "bootstrap.rtl.min.css" not in server_error(request).content.decode()


def test_vendored_rtl_build_is_the_same_bootstrap_as_the_ltr_one():
    vendor = ROOT / "static" / "vendor" / "bootstrap"

    def version(name):
        return re.search(r"Bootstrap\s+v(\d+\.\d+\.\d+)", (vendor / name).read_text()[:300])[1]

    assert version("bootstrap.rtl.min.css") == version("bootstrap.min.css")
    rtl = (vendor / "bootstrap.rtl.min.css").read_text()
    assert "sourceMappingURL" not in rtl  # no map is shipped: the manifest storage would fail
    assert ".ms-auto{margin-right:auto!important}" in rtl  # the flipped build, not a copy


PHYSICAL = re.compile(
    r"(?<![\w-])(left|right)\s*:"  # left: 0
    r"|-(left|right)\b[\w-]*\s*:"  # margin-left:, border-top-right-radius:
    r"|\b(float|clear|text-align)\s*:\s*(left|right)\b"
)
# A four-value shorthand whose last value (the left side) differs from its second (the
# right side): `margin: 0 0 0 1rem` is a margin-left in disguise. Likewise a border-radius
# whose left corners differ from its right ones.
SIDES = re.compile(
    r"(?<![\w-])(margin|padding|inset|border-width|border-color|border-style)"
    r"\s*:\s*([^;{}!]+)"
)
CORNERS = re.compile(r"(?<![\w-])border-radius\s*:\s*([^;{}!/]+)")


def physical_properties(css):
    """What in `css` (comments removed) sets a left or a right side."""
    found = [match.group(0) for match in PHYSICAL.finditer(css)]
    for match in SIDES.finditer(css):
        values = match.group(2).split()
        if len(values) == 4 and values[1] != values[3]:
            found.append(match.group(0).strip())
    for match in CORNERS.finditer(css):
        values = match.group(1).split()
        # top-left and top-right; bottom-right and bottom-left when four are given
        top = len(values) > 1 and values[0] != values[1]
        if top or (len(values) == 4 and values[2] != values[3]):
            found.append(match.group(0).strip())
    return found


def own_stylesheets():
    """The reader site's and the desk's stylesheets (static/css, static/articles,
    static/twofactor, comments/static...): everything but vendored code."""
    found = [
        path
        for folder in [ROOT / "static", *ROOT.glob("*/static")]
        for path in folder.rglob("*.css")
        if "vendor" not in path.relative_to(ROOT).parts
    ]
    for expected in (
        "static/css/site.css",
        "static/css/fonts.css",
        "static/articles/desk.css",
        "static/articles/desk-editing.css",
        "static/articles/desk-type.css",
        "static/articles/planning.css",
        "static/twofactor/twofactor.css",
        "comments/static/comments/admin.css",
    ):
        assert ROOT / expected in found, expected
    return found


def inline_styles():
    """The CSS our templates carry themselves (<style> elements, style attributes)."""
    found = []
    for path in (ROOT / "templates").rglob("*.html"):
        html = path.read_text()
        found += re.findall(r"<style[^>]*>(.*?)</style>", html, flags=re.S)
        found += re.findall(r"""\bstyle=["']([^"']*)["']""", html)
    return found


@pytest.mark.parametrize("path", own_stylesheets(), ids=lambda path: str(path.relative_to(ROOT)))
def test_our_css_uses_logical_properties(path):
    """One stylesheet serves both directions, the desk's as the reader site's: Django's
    admin turns itself around in an Arabic, Persian or Urdu desk (its rtl.css), and what we
    add to it must turn with it."""
    css = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    assert physical_properties(css) == []


def test_our_templates_style_nothing_by_side():
    assert [css for css in inline_styles() if physical_properties(css)] == []


def test_the_physical_property_check_finds_them():
    css = ".a{margin-left:1px} .b { left: 0 } .c{text-align:right} .d{border-top-right-radius:2px}"
    assert len(physical_properties(css)) == 4
    assert physical_properties(".e { margin: 0 0 0 1rem; } .f{padding:1px 2px 3px 4px}") == [
        "margin: 0 0 0 1rem",
        "padding:1px 2px 3px 4px",
    ]
    assert physical_properties(".g { border-radius: 4px 0 0 4px }") == [
        "border-radius: 4px 0 0 4px"
    ]
    assert not physical_properties(
        ".a{margin-inline-start:1px;inset-inline-start:0;text-align:start}"
        ".b{margin: 0 0 .75em; padding: 6px 10px; margin: 1px 2px 3px 2px; border-radius: 4px}"
        ".c{padding-inline: 1rem 0; margin-block: .5rem}"
    )


def test_arabic_script_editions_get_their_own_type():
    css = (ROOT / "static" / "css" / "site.css").read_text()
    for language in LANGUAGES:
        assert f":lang({language})" in css
    assert '"Noto Nastaliq Urdu"' in css  # Urdu reads in Nastaliq
    assert "letter-spacing: normal" in css  # tracking breaks the joins of Arabic script


def test_bundled_fonts_are_woff2_subsets_with_their_licence_and_swap():
    css = (ROOT / "static" / "css" / "fonts.css").read_text()
    faces = re.findall(r"@font-face\s*{(.*?)}", css, flags=re.S)
    assert len(faces) == 6
    for face in faces:
        assert "font-display: swap" in face
        assert "unicode-range: U+0600-06FF" in face  # fetched only for Arabic-script text
        (url,) = re.findall(r'url\("([^"]+)"\)', face)
        font = (ROOT / "static" / "css" / url).resolve()
        assert font.suffix == ".woff2" and font.read_bytes()[:4] == b"wOF2"
        assert font.stat().st_size < 200_000
        assert "SIL Open Font License" in (font.parent / "OFL.txt").read_text()


@pytest.mark.django_db
def test_moderators_mail_about_arabic_stories_speaks_arabic(moderators_mailbox):
    from comments.notifications import send_waiting
    from tests.factories import ArticleFactory, CommentFactory

    story = ArticleFactory(language="ar", headline="المجلس يقر خطة الإسكان")
    CommentFactory(article=story, status="pending", name="سامي", body="تعليق ينتظر.")
    CommentFactory(article=story, status="pending", name="منى", body="تعليق آخر.")
    assert translation.get_language() == "en-gb"  # what a worker speaks
    assert send_waiting() == 2
    (message,) = moderators_mailbox
    assert "تعليقان بانتظار المراجعة" in message.subject  # Arabic's dual
    assert "تعليقان بانتظار المراجعة على" in message.body
    assert "سامي على «المجلس يقر خطة الإسكان»" in message.body
    assert "افتح قائمة المراجعة:" in message.body
    words = re.sub(r"https?://\S+", "", message.subject + message.body)
    assert not re.search(r"\b(comments?|waiting|on|Open the queue)\b", words)


@pytest.mark.django_db
def test_moderators_mail_about_several_editions_quotes_each_in_its_language(
    moderators_mailbox,
):
    from comments.notifications import send_waiting
    from tests.factories import ArticleFactory, CommentFactory

    arabic = ArticleFactory(language="ar", headline="المجلس يقر خطة الإسكان")
    english = ArticleFactory(language="en", headline="Council approves the plan")
    CommentFactory(article=arabic, status="pending", name="سامي", body="تعليق ينتظر.")
    CommentFactory(article=english, status="pending", name="Ann", body="A comment.")
    with translation.override("ar"):  # a request's language does not choose the mail's
        assert send_waiting() == 2
    (message,) = moderators_mailbox
    assert "2 comments waiting for moderation" in message.subject  # the staff's language
    assert "Open the queue:" in message.body
    assert "سامي على «المجلس يقر خطة الإسكان»" in message.body
    assert 'Ann on "Council approves the plan"' in message.body


@pytest.fixture
def moderators_mailbox():
    from django.contrib.auth.models import Group
    from django.core import mail

    from articles.desk.roles import sync_groups
    from tests.factories import UserFactory

    sync_groups()
    user = UserFactory(is_staff=True, email="desk@newsroom.test")
    user.groups.add(Group.objects.get(name="Moderators"))
    mail.outbox = []
    return mail.outbox
