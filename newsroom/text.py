"""The one normalisation of text that editors and readers write, and the XML guard for output.

Every CharField and TextField of the models an app hands to `normalise_on_save()` (from its
AppConfig.ready) is passed through `clean_text()` before it is saved. A `pre_save` hook rather
than a mixin, so that models built on other apps' bases (articles.Tag on taggit's TagBase)
are covered alike:

- characters XML 1.0 forbids are removed (C0 controls other than tab, line feed and carriage
  return; lone surrogates; U+FFFE and U+FFFF), so no stored value can make a feed or sitemap
  ill-formed. Office documents paste U+0008 and friends into headlines;
- the text is normalised to Unicode NFC, so one word is stored (and searched) one way;
- the bidi *override* controls (U+202D LRO, U+202E RLO), which make text display in an order
  other than the one it was written in, are removed with the PDF that closed them. They are
  the tool of name spoofing ("moc.elgoog" shown as "google.com") and have no use in prose
  that the isolates cannot serve. Ordinary marks (LRM, RLM, ALM), embeddings and isolates
  stay: Arabic, Persian and Urdu text needs them. Embeddings and isolates left open at the
  end are closed there, so they cannot spill into the text around the value.

Templates isolate reader- and editor-written text as well (`<bdi>`, `dir="auto"`): that is
what keeps legitimate right-to-left text from reordering the words around it.

`xml_text()` is the output-side guard: feeds and sitemaps pass every string through it, so
rows written before this rule existed, or by `QuerySet.update()`, cannot break them either.
"""

import re
import unicodedata

from django.db import models
from django.db.models.signals import pre_save

# XML 1.0 section 2.2: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

LRE, RLE, PDF, LRO, RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Paragraph separators end every embedding and isolate (Unicode bidi algorithm, rule P1).
_PARAGRAPH_BREAKS = "\n\r\x1c\x1d\x1e\x85\u2029"


def xml_text(value):
    """`value` without the characters XML 1.0 cannot carry (None and non-strings pass)."""
    if not isinstance(value, str):
        return value
    return _XML_FORBIDDEN.sub("", value)


def contain_bidi(text):
    """Drop the bidi overrides (and the PDF closing each); close what is left open.

    Embeddings and isolates are kept: a PDF or PDI with nothing to close is dropped, and
    whatever is still open at a paragraph break or the end is closed there.
    """
    if not _BIDI_CONTROLS.search(text):
        return text
    out, stack = [], []  # stack: the closer each open control needs, or None if dropped

    def close_all():
        while stack:
            closer = stack.pop()
            if closer:
                out.append(closer)

    for char in text:
        if char in (LRO, RLO):
            stack.append(None)
        elif char in (LRE, RLE):
            stack.append(PDF)
            out.append(char)
        elif char in (LRI, RLI, FSI):
            stack.append(PDI)
            out.append(char)
        elif char == PDF:
            # Closes the innermost embedding or override, never across an isolate.
            if stack and stack[-1] != PDI:
                closer = stack.pop()
                if closer:  # None: it closed an override, which went too
                    out.append(char)
        elif char == PDI:
            if PDI in stack:
                while stack:
                    closer = stack.pop()
                    if closer == PDI:
                        break
                    if closer:
                        out.append(closer)
                out.append(char)
        elif char in _PARAGRAPH_BREAKS:
            close_all()
            out.append(char)
        else:
            out.append(char)
    close_all()
    return "".join(out)


def clean_text(value):
    """The normalisation every written text gets on save (see the module docstring)."""
    if not isinstance(value, str) or not value:
        return value
    return contain_bidi(unicodedata.normalize("NFC", xml_text(value)))


def parse_tags(tagstring):
    """taggit's parser (TAGGIT_TAGS_FROM_STRING), each name normalised before it is looked up,
    so "Budget\\x08" typed on the desk finds the tag "Budget" instead of clashing with it."""
    from taggit.utils import _parse_tags

    return sorted(
        {name for name in (clean_text(n).strip() for n in _parse_tags(tagstring)) if name}
    )


def normalise_instance(instance):
    """Clean every CharField and TextField of `instance` in place."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            cleaned = clean_text(value)
            if cleaned is not value:
                setattr(instance, field.attname, cleaned)


def _normalise_on_save(sender, instance, raw=False, **kwargs):
    if not raw:  # fixtures and restores load data as it was
        normalise_instance(instance)


def normalise_on_save(*model_classes):
    """Clean the text fields of each model on every save (call from an AppConfig.ready)."""
    for model in model_classes:
        pre_save.connect(
            _normalise_on_save,
            sender=model,
            dispatch_uid=f"newsroom.text:{model._meta.label}",
        )
