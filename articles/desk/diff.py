"""Readable differences between two versions of a story's text, for people, not for patch.

A body is compared as the reader reads it: `html_to_text` turns the sanitised HTML into
blocks of plain text (one per paragraph, heading or list item; a link keeps its address, an
image its alt text), then `word_diff` marks the words removed and added. `list_diff` does the
same for ordered lists of names (tags, authors, related stories).
"""

import difflib
import re
from html.parser import HTMLParser

# Elements that start a block of their own (articles.sanitize.ALLOWED_TAGS).
BLOCKS = {"p", "h2", "h3", "h4", "li", "blockquote", "figure", "figcaption", "pre", "ul", "ol"}
HEADINGS = {"h2", "h3", "h4"}
BLOCK_BREAK = "\n\n"


class _TextBlocks(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []
        self.current = []
        self.links = []  # the href of each open <a>
        self.link_text_start = 0

    def flush(self):
        text = re.sub(r"[^\S\n]+", " ", "".join(self.current))
        text = re.sub(r" *\n *", "\n", text).strip()
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in BLOCKS:
            self.flush()
        if tag in HEADINGS:
            self.current.append("#" * (int(tag[1]) - 1) + " ")  # "# " for h2, "## " for h3
        elif tag == "li":
            self.current.append("• ")
        elif tag == "br":
            self.current.append("\n")
        elif tag == "hr":
            self.flush()
            self.blocks.append("———")
        elif tag == "img":
            self.current.append(f"[{attrs.get('alt') or 'image'}]")
        elif tag == "a":
            self.links.append(attrs.get("href"))
            self.link_text_start = len("".join(self.current))

    def handle_endtag(self, tag):
        if tag == "a" and self.links:
            href = self.links.pop()
            text = "".join(self.current)[self.link_text_start :].strip()
            if href and href != text:
                self.current.append(f" [{href}]")
        elif tag in BLOCKS:
            self.flush()

    def handle_data(self, data):
        self.current.append(re.sub(r"\s", " ", data))  # only <br> breaks a line


def html_to_text(html):
    """Sanitised story HTML as readable plain text: blocks separated by a blank line."""
    parser = _TextBlocks()
    parser.feed(html or "")
    parser.close()
    parser.flush()
    return BLOCK_BREAK.join(parser.blocks)


_TOKENS = re.compile(r"\s+|[^\s]+")


def word_diff(old, new):
    """[(kind, text)] with kind "same", "del" or "ins": `old` turned into `new`, word by word.

    A change of one word is one "del" and one "ins". The single spaces between changed words
    are folded into the change, so "quick brown" → "slow red" reads as one replacement, not
    two with a space between them; paragraph breaks stay unchanged text.
    """
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    chunks = []  # ["same", text] or ["change", old text, new text]
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            chunks.append(["same", "".join(a[i1:i2])])
        else:
            chunks.append(["change", "".join(a[i1:i2]), "".join(b[j1:j2])])
    merged = []
    for index, chunk in enumerate(chunks):
        previous = merged[-1] if merged else None
        following = chunks[index + 1] if index + 1 < len(chunks) else None
        gap = chunk[0] == "same" and chunk[1].isspace() and "\n" not in chunk[1]
        if gap and previous and previous[0] == "change" and following and following[0] == "change":
            previous[1] += chunk[1]
            previous[2] += chunk[1]
        elif chunk[0] == "change" and previous and previous[0] == "change":
            previous[1] += chunk[1]
            previous[2] += chunk[2]
        else:
            merged.append(chunk)
    segments = []
    for chunk in merged:
        if chunk[0] == "same":
            segments.append(("same", chunk[1]))
            continue
        old_text, new_text = chunk[1], chunk[2]
        # Whitespace on both ends of a change is shared, not changed.
        lead = _common_prefix_space(old_text, new_text)
        trail = _common_suffix_space(old_text[len(lead) :], new_text[len(lead) :])
        core_old = old_text[len(lead) : len(old_text) - len(trail)]
        core_new = new_text[len(lead) : len(new_text) - len(trail)]
        if lead:
            segments.append(("same", lead))
        if core_old:
            segments.append(("del", core_old))
        if core_new:
            segments.append(("ins", core_new))
        if trail:
            segments.append(("same", trail))
    return _joined(_spaces_outside(_joined(segments)))


def _spaces_outside(segments):
    """A word added or removed between kept ones is marked without the space beside it:
    "bridge <ins>new</ins> opening", not "bridge<ins> new</ins> opening"."""
    out = []
    for index, (kind, text) in enumerate(segments):
        before = out[-1] if out else None
        after = segments[index + 1] if index + 1 < len(segments) else None
        lone = kind != "same" and (before is None or before[0] == "same")
        lone = lone and (after is None or after[0] == "same")
        if lone and text[:1] == " " and (after is None or after[1].startswith(" ")):
            out.append(("same", " "))
            text = text[1:]
        elif lone and text[-1:] == " " and (before is None or before[1].endswith(" ")):
            out.append((kind, text[:-1]))
            segments[index + 1 : index + 2] = [("same", " " + (after[1] if after else ""))]
            continue
        out.append((kind, text))
    return [(kind, text) for kind, text in out if text]


def _common_prefix_space(a, b):
    size = 0
    while size < min(len(a), len(b)) and a[size] == b[size] and a[size].isspace():
        size += 1
    return a[:size]


def _common_suffix_space(a, b):
    size = 0
    while size < min(len(a), len(b)) and a[-1 - size] == b[-1 - size] and a[-1 - size].isspace():
        size += 1
    return a[len(a) - size :]


def _joined(segments):
    """Adjacent segments of one kind as one."""
    out = []
    for kind, text in segments:
        if out and out[-1][0] == kind:
            out[-1] = (kind, out[-1][1] + text)
        else:
            out.append((kind, text))
    return out


def list_diff(old, new):
    """[(kind, item)] for two ordered lists: kept items "same", others "del" or "ins"."""
    segments = []
    matcher = difflib.SequenceMatcher(None, list(old), list(new), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.extend(("same", item) for item in old[i1:i2])
            continue
        segments.extend(("del", item) for item in old[i1:i2])
        segments.extend(("ins", item) for item in new[j1:j2])
    return segments


def changed(segments):
    return any(kind != "same" for kind, _ in segments)
