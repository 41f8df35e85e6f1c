"""The other editions' demo content (demo.content_editions): shape, coverage, script and
punctuation. Data only: no database."""

import re
import string

import pytest

from demo import content
from demo import content_editions as editions

LANGS = editions.LANGUAGES
PLACEHOLDER_VALUES = {"place": "X", "n": 12, "m": 3, "p": 18, "rival": "Y"}
ARABIC_BLOCK = range(0x0600, 0x0700)
ZWNJ = "\u200c"
# Letters that belong to another language written in the same script.
PERSIAN_ONLY = set("پچژگیک")
URDU_ONLY = set("ٹڈڑںہھے")
ARABIC_ONLY = {"\u064a", "\u0643", "\u0649"}  # ي ك ى
FORBIDDEN = {
    "ar": PERSIAN_ONLY | URDU_ONLY,
    "fa": ARABIC_ONLY | URDU_ONLY,
    "ur": ARABIC_ONLY | {"\u0647"},  # Urdu writes ہ and ھ, never Arabic ه
}
QUOTES = {"ar": ("«", "»"), "fa": ("«", "»"), "ur": ("\u2019", "\u2018")}
# Punctuation that Arabic-script editions write with their own signs: , ; ? and straight or
# English curly quotation marks.
LATIN_PUNCTUATION = set(',;?"“”')
SENTENCE_END = {"ar": ".", "fa": ".", "ur": "۔"}


def placeholders(*texts):
    return {field for text in texts for _, field, _, _ in string.Formatter().parse(text) if field}


def english(story):
    return content.STORIES[story["section"]][story["template"]]


def story_texts(story):
    return [story["headline"], story["standfirst"], *story["body"]]


def texts(lang):
    """Every text an edition shows, with where it comes from."""
    yield from (
        (f"edition {key}", value) for key, value in editions.EDITION[lang].items() if key != "dir"
    )
    for slug, (name, _, description) in editions.SECTIONS[lang].items():
        yield f"section {slug}", name
        yield f"section {slug} description", description
    for mapping in ("DISTRICTS", "TAGS", "AUTHORS", "RIVALS"):
        for key, value in getattr(editions, mapping)[lang].items():
            yield f"{mapping} {key}", value
    for story in editions.STORIES[lang]:
        where = f"story {story['section']}/{story['template']}"
        for text in story_texts(story):
            yield where, text
    for name in editions.COMMENTERS[lang]:
        yield "commenter", name
    for thread in editions.COMMENTS[lang]:
        for _, body, _, _ in thread:
            yield "comment", body
    for text in editions.CORRECTIONS[lang]:
        yield "correction", text


def script_problems(lang, text):
    """What is wrong with the script of one text; an empty list when nothing is."""
    problems = []
    bare = re.sub(r"\{\w+\}", "", text)  # the placeholders are filled in later
    letters = [c for c in bare if c.isalpha()]
    foreign = [c for c in letters if ord(c) not in ARABIC_BLOCK]
    if not letters or len(foreign) > len(letters) * 0.02:
        problems.append(f"not written in Arabic script: {foreign[:10]}")
    if wrong := sorted(set(bare) & FORBIDDEN[lang]):
        problems.append(f"letters of another language: {wrong}")
    if wrong := sorted(set(bare) & LATIN_PUNCTUATION):
        problems.append(f"Latin punctuation: {wrong}")
    if wrong := sorted({c for c in bare if c.isdigit()} - set(editions.DIGITS[lang])):
        problems.append(f"digits of another convention: {wrong}")
    if lang == "ur" and "." in bare:
        problems.append("Urdu ends sentences with ۔ not .")
    if text != text.strip() or "  " in text:
        problems.append("stray spaces")
    if re.search(r"\s[،؛؟.۔:!]", text):
        problems.append("space before punctuation")
    opening, closing = QUOTES[lang]
    if text.count(opening) != text.count(closing):
        problems.append("unbalanced quotation marks")
    if lang == "fa":
        if re.search(r"(?:^|\s)ن?می\s", text):
            problems.append("می must join its verb with a ZWNJ (می‌شود)")
        if re.search(r"(?:^|\s)های?(?:\s|$|[،.؟])", text):
            problems.append("the plural ها must join its noun with a ZWNJ (خانه‌ها)")
    if ZWNJ in text and re.search(rf"\s{ZWNJ}|{ZWNJ}\s|{ZWNJ}{ZWNJ}|^{ZWNJ}|{ZWNJ}$", text):
        problems.append("misplaced ZWNJ")
    return problems


def test_the_editions():
    assert {"ar", "fa"} <= set(LANGS)
    for mapping in (
        "EDITION",
        "SECTIONS",
        "DISTRICTS",
        "TAGS",
        "AUTHORS",
        "RIVALS",
        "STORIES",
        "COMMENTERS",
        "COMMENTS",
        "CORRECTIONS",
        "COMMENT_THREADS",
        "DIGITS",
    ):
        assert set(getattr(editions, mapping)) >= set(LANGS), mapping
        assert all(lang in LANGS for lang in getattr(editions, mapping)), mapping
    for lang in LANGS:
        assert editions.EDITION[lang]["dir"] == "rtl"
        assert len(editions.DIGITS[lang]) == 10


@pytest.mark.parametrize("lang", LANGS)
def test_mappings_cover_every_english_name(lang):
    english_sections = [slug for _, slug, _ in content.SECTIONS]
    assert list(editions.SECTIONS[lang]) == english_sections
    for slug, (name, own_slug, description) in editions.SECTIONS[lang].items():
        assert name and description
        # Slugs are shared by every edition: ASCII and the English one.
        assert own_slug == slug and own_slug.isascii()
    assert set(editions.DISTRICTS[lang]) == set(content.DISTRICTS)
    assert set(editions.TAGS[lang]) == set(content.TAGS)
    assert set(editions.AUTHORS[lang]) == {name for name, _, _ in content.AUTHORS}
    assert set(editions.RIVALS[lang]) == set(content.RIVALS)
    for mapping in ("DISTRICTS", "TAGS", "AUTHORS", "RIVALS"):
        values = list(getattr(editions, mapping)[lang].values())
        assert all(values), mapping
        assert len(set(values)) == len(values), f"{mapping}: two names translated alike"
    assert len(editions.CORRECTIONS[lang]) == len(content.CORRECTIONS)


@pytest.mark.parametrize("lang", LANGS)
def test_stories_translate_english_templates(lang):
    stories = editions.STORIES[lang]
    assert len(stories) >= 10
    assert {story["section"] for story in stories} == set(content.STORIES)
    originals = [(story["section"], story["template"]) for story in stories]
    assert len(set(originals)) == len(originals), "one English story translated twice"
    assert len({story["headline"] for story in stories}) == len(stories)
    for story in stories:
        where = f"{lang} {story['section']}/{story['template']}"
        assert set(story) == {"section", "template", "headline", "standfirst", "body", "tags"}
        assert story["section"] in content.STORIES, where
        assert 0 <= story["template"] < len(content.STORIES[story["section"]]), where
        headline, standfirst, body, tags, _ = english(story)
        assert placeholders(*story_texts(story)) == placeholders(headline, standfirst, *body), (
            where
        )
        for text in story_texts(story):
            assert text.strip(), where
            text.format(**PLACEHOLDER_VALUES)  # no stray braces

        def kinds(paragraphs):
            return [
                "sub" if p.startswith("## ") else "quote" if p.startswith("> ") else "text"
                for p in paragraphs
            ]

        assert kinds(story["body"]) == kinds(body), where
        assert story["tags"] == tags, where
        assert set(story["tags"]) <= set(editions.TAGS[lang]), where


@pytest.mark.parametrize("lang", LANGS)
def test_every_text_is_in_the_editions_script(lang):
    problems = [
        f"{where}: {problem}: {text[:60]}"
        for where, text in texts(lang)
        for problem in script_problems(lang, text)
    ]
    assert problems == []


@pytest.mark.parametrize("lang", LANGS)
def test_texts_end_like_sentences(lang):
    for story in editions.STORIES[lang]:
        for paragraph in story["body"]:
            if paragraph.startswith(("## ", "> ")):
                continue
            assert paragraph.endswith((SENTENCE_END[lang], "؟", "!")), paragraph[-40:]
        assert story["standfirst"].endswith((SENTENCE_END[lang], "؟")), story["standfirst"]
    for thread in editions.COMMENTS[lang]:
        for _, body, _, _ in thread:
            assert body.endswith((SENTENCE_END[lang], "؟", "!")), body[-40:]


@pytest.mark.parametrize("lang", LANGS)
def test_comments(lang):
    threads = editions.COMMENTS[lang]
    comments = [comment for thread in threads for comment in thread]
    assert len(comments) >= 12
    assert sum(reply is not None for *_, reply in comments) >= 2
    assert {status for _, _, status, _ in comments} == {"approved", "pending"}
    for thread in threads:
        for index, (name, body, _, reply_to) in enumerate(thread):
            assert name in editions.COMMENTERS[lang]
            assert body
            assert reply_to is None or 0 <= reply_to < index
    locals_ = list(editions.COMMENTERS[lang].values())
    assert all(re.fullmatch(r"[a-z]+(\.[a-z]+)*", local) for local in locals_)
    assert len(set(locals_)) == len(locals_)
    english_emails = {c[1] for thread in content.COMMENT_THREADS for c in thread}
    shaped = editions.COMMENT_THREADS[lang]
    assert [len(thread) for thread in shaped] == [len(thread) for thread in threads]
    for thread in shaped:
        for name, email, body, status, reply_to in thread:
            assert email.isascii() and email not in english_emails
            assert status in {"approved", "pending"}
            assert name and body and (reply_to is None or isinstance(reply_to, int))


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fa", "\u0627\u064a\u0646 خبر مهم است."),  # Arabic ي in a Persian text
        ("fa", "مردم می شود"),  # می without its ZWNJ
        ("fa", "خانه ها"),  # a detached plural
        ("fa", "سال 1998 بود."),  # ASCII digits in the Persian edition
        ("ar", "هذا خبر مهم\u06cc."),  # Persian ی in Arabic
        ("ar", "Portmere council"),  # Latin script
        ("ar", "هل هذا صحيح?"),  # a Latin question mark
        ("ar", "قال «نعم."),  # an unclosed quotation
        ("ur", "یہ خبر ہے."),  # a Latin full stop in Urdu
        ("ur", "\u06cc\u0647 خبر ہے۔"),  # Arabic ه in Urdu
    ],
)
def test_the_script_check_finds_mistakes(lang, text):
    assert script_problems(lang, text)
