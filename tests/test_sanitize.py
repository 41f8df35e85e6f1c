"""The body allow-list: nothing a writer pastes can run script in a reader's browser."""

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from articles.sanitize import ALLOWED_TAGS, reading_minutes, sanitize_html, word_count

BLNS = json.loads((Path(__file__).parent / "data" / "blns.json").read_text(encoding="utf-8"))

XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="/media/a.jpg" onload="alert(1)">',
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="http://example.org" onmouseover="alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<style>body{display:none}</style>",
    '<form action="javascript:alert(1)"><input type=submit></form>',
    "<body onload=alert(1)>",
    '<div onpointerenter="alert(1)">x</div>',
    "<details open ontoggle=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src="https://tracker.example/pixel.gif">',
    '<img src="//tracker.example/pixel.gif">',
    "<!--<script>alert(1)//--><p>x</p>",
    "<base href='javascript:alert(1)//'>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<a href="#" formaction="javascript:alert(1)">x</a>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
]

DANGEROUS_TAGS = {"script", "style", "iframe", "object", "embed", "svg", "math", "form", "base",
                  "meta", "link", "input", "body", "noscript", "details"}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}


class Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS or tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"handler {name}")
            if name == "style":
                self.problems.append("style attribute")
            if name in URL_ATTRIBUTES:
                # Browsers ignore control characters and whitespace inside the scheme.
                squeezed = re.sub(r"[\x00-\x20]", "", html.unescape(value)).lower()
                if squeezed.startswith(("javascript:", "vbscript:", "data:")):
                    self.problems.append(f"{name}={value!r}")
            if tag == "img" and name == "src" and not value.startswith("/media/"):
                self.problems.append(f"foreign image {value!r}")
            if tag == "img" and name == "src" and value.replace("\\", "/").startswith("//"):
                self.problems.append(f"protocol-relative image {value!r}")

    handle_startendtag = handle_starttag


def problems(markup):
    inspector = Inspector()
    inspector.feed(markup)
    inspector.close()
    return inspector.problems


def contexts(payload):
    """Each payload as text, inside a link, an image and an attribute."""
    quoted = payload.replace('"', "&quot;")
    return [
        payload,
        f"<p>{payload}</p>",
        f'<a href="{quoted}">link</a>',
        f'<img src="{quoted}" alt="x">',
        f'<p title="{quoted}">x</p>',
    ]


@pytest.mark.parametrize("payload", XSS)
def test_xss_corpus_leaves_nothing_executable(payload):
    for markup in contexts(payload):
        cleaned = sanitize_html(markup)
        assert problems(cleaned) == [], (markup, cleaned)
        assert "<script" not in cleaned.lower()


def test_big_list_of_naughty_strings_leaves_nothing_executable():
    assert len(BLNS) > 400
    failures = []
    for payload in BLNS:
        for markup in contexts(payload):
            cleaned = sanitize_html(markup)
            found = problems(cleaned)
            if found or "<script" in cleaned.lower():
                failures.append((markup, cleaned, found))
    assert failures == []


def test_sanitising_is_stable():
    for payload in XSS + BLNS[::5]:
        once = sanitize_html(payload)
        assert sanitize_html(once) == once


def test_allowed_markup_survives():
    markup = (
        "<h2>Heading</h2><h3>Sub</h3><h4>Subsub</h4>"
        '<p><strong>bold</strong> <em>it</em> <a href="https://example.org/">link</a> '
        '<a href="mailto:desk@example.org">mail</a></p>'
        "<ul><li>one</li></ul><ol><li>two</li></ol><blockquote><p>quote</p></blockquote>"
        '<figure><img src="/media/images/a.jpg" alt="A"><figcaption>Cap</figcaption></figure>'
    )
    cleaned = sanitize_html(markup)
    for fragment in ("<h2>", "<h3>", "<h4>", "<strong>", "<em>", "<ul>", "<ol>", "<blockquote>",
                     "<figure>", "<figcaption>", 'src="/media/images/a.jpg"'):  # fmt: skip
        assert fragment in cleaned
    assert 'href="https://example.org/" rel="noopener noreferrer"' in cleaned
    assert 'href="mailto:desk@example.org"' in cleaned


def test_disallowed_but_harmless_markup_keeps_its_text():
    cleaned = sanitize_html(
        "<h1>Big</h1><div><span>inside</span></div><table><tr><td>c</td></tr></table>"
    )
    assert "<h1>" not in cleaned and "<div" not in cleaned and "<table" not in cleaned
    assert "Big" in cleaned and "inside" in cleaned and "c" in cleaned


def test_word_count_and_reading_time():
    assert word_count("<p>It's a well-known fact.</p><p>Two more</p>") == 6
    assert word_count("") == 0
    assert reading_minutes(0) == 0
    assert reading_minutes(10) == 1
    assert reading_minutes(230 * 4) == 4
