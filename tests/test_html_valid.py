"""The Nu Html Checker (vnu.jar, the W3C validator's engine) over reader pages of a left-to-right
and a right-to-left edition: no errors, and nothing to say about `lang` or `dir` (it warns when
a page's text looks like another language than its `lang`, or right-to-left text sits in a
left-to-right page).

The checker comes from the npm registry, pinned in tests/validator/package-lock.json
(`npm ci --ignore-scripts --prefix tests/validator`, which `.ci/run` and `make test` run), and
runs on the machine's Java. Without either, the tests skip; with CI=true they fail."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.comment_helpers import post_comment
from tests.conftest import IN_CI
from tests.reader_data import arabic_story, reader_paper

pytestmark = [pytest.mark.validator, pytest.mark.django_db]

VNU = (
    Path(__file__).parent / "validator" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)


def checker():
    """The command that runs the checker, or a skip (a failure under CI) saying what is missing."""
    missing = [
        what for what, ok in (("java", shutil.which("java")), (str(VNU), VNU.exists())) if not ok
    ]
    if missing:
        reason = f"The HTML checker needs {' and '.join(missing)} (see tests/validator/)."
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    return ["java", "-Xss1024k", "-jar", str(VNU), "--format", "json", "--exit-zero-always"]


def check(tmp_path, pages):
    """{name: [messages]} of what the checker says about each page ({name: html})."""
    files = {}
    for i, (name, html) in enumerate(pages.items()):
        path = tmp_path / f"page-{i}.html"
        path.write_bytes(html)
        files[str(path)] = name
    done = subprocess.run(
        [*checker(), *files], capture_output=True, text=True, timeout=300, check=True
    )
    said = {name: [] for name in pages}
    for message in json.loads(done.stderr or done.stdout)["messages"]:
        url = message.get("url", "").removeprefix("file:")
        said[files.get(url, url)].append(message)
    return said


def complaints(said):
    """What matters of the checker's messages: every error, and any warning about the page's
    language or direction (its other warnings are advice, such as on redundant roles)."""
    found = {}
    for name, messages in said.items():
        bad = [
            f"{m['type']}: {m['message']} (line {m.get('lastLine')}: {m.get('extract', '')!r})"
            for m in messages
            if m["type"] == "error"
            or any(word in m["message"] for word in ("lang", "dir=", "direction", "written in"))
        ]
        if bad:
            found[name] = bad
    return found


def reader_pages(client, prefix, story, *others):
    """The pages a reader of one edition reads: home, story, section, search, a comment sent
    back with errors (400), a page that is not there (404), and any of `others`."""
    pages = {}
    for url in [f"{prefix}/", story.get_absolute_url(), f"{prefix}/section/politics/", *others]:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content
    refused = post_comment(client, story, name=" ", email="not-an-email")
    assert refused.status_code == 400
    pages[f"{story.get_absolute_url()} (comment refused)"] = refused.content
    missing = client.get(f"{prefix}/no/such/page/")
    assert missing.status_code == 404
    pages[f"{prefix}/no/such/page/"] = missing.content
    return pages


def test_the_checker_finds_a_wrong_language_and_direction(tmp_path):
    """The check can fail: Arabic text in a page that says it is English and left to right."""
    text = (
        "أقر المجلس البلدي خطة الإسكان بعد نقاش طويل استمر حتى ساعة متأخرة من الليل، وقال رئيس "
        "المجلس إن الخطة ستوفر آلاف المساكن للأسر ذات الدخل المحدود خلال السنوات الخمس المقبلة. "
    ) * 12  # the checker guesses a language from a page's text only when there is enough
    page = (
        '<!doctype html><html lang="en" dir="ltr"><head><meta charset="utf-8"><title>خبر</title>'
        f"</head><body><h1>خبر</h1><p>{text}</p><img src=x.png></body></html>"
    )
    found = complaints(check(tmp_path, {"wrong": page.encode()}))
    assert any('lang="ar"' in line for line in found["wrong"]), found
    assert any('dir="rtl"' in line for line in found["wrong"]), found
    assert any(line.startswith("error:") for line in found["wrong"]), found  # the img's alt


def test_english_pages_are_valid(client, tmp_path):
    story, _related = reader_paper()
    pages = reader_pages(
        client, "", story, "/tag/housing/", "/author/ann-writer/", "/search/?q=housing"
    )
    assert complaints(check(tmp_path, pages)) == {}


@pytest.mark.parametrize("language", ["ar", "fa", "ur"])
def test_right_to_left_pages_are_valid(client, tmp_path, settings, language):
    settings.SITE_LANGUAGES = ["en", "ar", "fa", "ur"]
    story = arabic_story(language)
    pages = reader_pages(client, f"/{language}", story, f"/{language}/search/?q=المجلس")
    assert all(b'dir="rtl"' in html[:300] for html in pages.values())
    assert complaints(check(tmp_path, pages)) == {}
