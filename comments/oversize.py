"""A comment post too large for Django to read: an answer that says so and keeps the text.

Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB by default) or with more than
DATA_UPLOAD_MAX_NUMBER_FIELDS fields before any form sees it, and would answer a bare "Bad
Request (400)". No comment can be that long (COMMENTS_MAX_LENGTH characters), but a reader who
pasted a whole document should keep what a comment can hold: we read only the first part of
the body (enough for the form's fields and a comment of the longest allowed length), give the
fields back in the form, and cut the comment to that length.
"""

from urllib.parse import parse_qsl

from django.core.exceptions import RequestDataTooBig
from django.shortcuts import render

from comments.conf import setting
from comments.forms import KEPT_FIELDS, CommentForm

# Percent-encoded UTF-8 takes at most 12 bytes a character; the other fields fit in 8 KB.
BYTES_PER_CHARACTER = 12
OTHER_FIELDS_BYTES = 8192


def salvage(request):
    """The comment form's fields from the start of an unreadable urlencoded body.

    Empty for other encodings (a browser sends this form urlencoded) or an unreadable stream.
    """
    if request.content_type != "application/x-www-form-urlencoded":
        return {}
    limit = setting("MAX_LENGTH") * BYTES_PER_CHARACTER + OTHER_FIELDS_BYTES
    try:
        raw = request.body[:limit]  # read already when there were too many fields
    except RequestDataTooBig:
        try:
            raw = request.read(limit)
        except OSError:
            return {}
    kept = {}
    for name, value in parse_qsl(
        raw.decode("ascii", "replace"), keep_blank_values=True, errors="replace"
    ):
        if name in KEPT_FIELDS or name == "remember":
            kept.setdefault(name, value)
    if "body" in kept:
        kept["body"] = kept["body"][: setting("MAX_LENGTH")]
    kept["remember"] = bool(kept.get("remember"))
    return kept


def too_large(request, article, problem):
    """413 (too big) or 400 (too many fields), with the form holding what could be kept."""
    kept = salvage(request)
    form = CommentForm(article=article, initial=kept)
    context = {
        "article": article,
        "form": form,
        "too_big": isinstance(problem, RequestDataTooBig),
        "kept_text": bool(kept.get("body")),
        "max_length": setting("MAX_LENGTH"),
    }
    status = 413 if context["too_big"] else 400
    return render(request, "comments/too_large.html", context, status=status)
