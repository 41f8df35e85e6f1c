"""A story's comment block as the story view hands it to its template (comments.attach
registers `story_context` with the reader site)."""

import re

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q

from comments.attach import comments_open
from comments.conf import setting
from comments.forms import CommentForm
from comments.models import Comment
from comments.views import SESSION_KEY, remembered_author
from newsroom.http import mark_personal, mark_volatile

PAGE_PARAM = "comments_page"


def _replies_query(root_ids):
    """Replies at any depth under `root_ids`: parent__in | parent__parent__in | ..."""
    query = Q()
    path = "parent"
    for _level in range(1, setting("MAX_DEPTH")):
        query |= Q(**{f"{path}__in": root_ids})
        path = f"{path}__parent"
    return query


def story_context(request, article):
    return {"comment_thread": comment_thread(request, article)}


def comment_thread(request, article):
    """Everything the story's comments block draws, in at most three queries.

    Approved comments only (oldest first, threaded, COMMENTS_PER_PAGE top-level a page),
    plus the reader's own comments that wait for moderation (known from their session).
    """
    count = getattr(article, "comment_count", None)
    if count is None:
        count = Comment.objects.visible().filter(article=article).count()

    roots = (
        Comment.objects.visible().filter(article=article, parent=None).order_by("created", "pk")
    )
    page, nodes = None, []
    if count:
        number = request.GET.get(PAGE_PARAM, 1)
        page = Paginator(roots, setting("PER_PAGE")).get_page(number)
        nodes = list(page.object_list)
    by_id = {}
    for node in nodes:
        node.children = []
        by_id[node.pk] = node
    if nodes and count > len(nodes):
        replies = (
            Comment.objects.visible()
            .filter(article=article, depth__gt=1)
            .filter(_replies_query(list(by_id)))
            .order_by("created", "pk")
        )
        for reply in replies:
            reply.children = []
            by_id[reply.pk] = reply
        for reply in sorted(by_id.values(), key=lambda c: (c.created, c.pk)):
            if reply.parent_id in by_id:
                by_id[reply.parent_id].children.append(reply)

    has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
    own_ids = request.session.get(SESSION_KEY) if has_session else None
    if own_ids:
        own = list(
            Comment.objects.filter(
                pk__in=own_ids,
                article=article,
                status__in=[Comment.Status.PENDING, Comment.Status.SPAM],
            ).order_by("created", "pk")
        )
        if own:
            # This reader's own comments awaiting moderation: nobody else may see this page.
            mark_personal(request)
        for comment in own:
            comment.children = []
            parent = by_id.get(comment.parent_id)
            if parent is not None:
                parent.children.append(comment)
            elif comment.parent_id is None and not (page and page.has_next()):
                nodes.append(comment)

    is_open = article.is_published and comments_open(article)
    form = reply_to = None
    if is_open:
        initial = remembered_author(request)
        if initial:
            mark_personal(request)  # the form is filled with this reader's name and email
        reply_pk = request.GET.get("replyto", "")
        if re.fullmatch(r"[0-9]{1,18}", reply_pk):  # str.isdigit() also takes "²"
            reply_to = by_id.get(int(reply_pk)) or (
                Comment.objects.visible().filter(pk=reply_pk, article=article).first()
            )
            if reply_to is not None and reply_to.can_be_replied_to:
                initial["parent"] = reply_to.pk
            else:
                reply_to = None
        form = CommentForm(article=article, initial=initial)
        # The stamp is left out of the ETag, but the page's validators still turn over
        # within half its lifetime, so no cache keeps handing out a form about to expire.
        period = max(60, setting("MAX_AGE_SECONDS") // 2)
        # The page cache makes both afresh for every reader it serves the page to.
        refresh_token = ("comments.forms.make_token_for", article.pk)
        mark_volatile(request, form.initial["token"], period=period, refresh=refresh_token)
        refresh_id = ("comments.forms.new_submission_id",)
        mark_volatile(request, form.initial["submission"], period=period, refresh=refresh_id)

    return {
        "count": count,
        "roots": nodes,
        "page": page,
        "page_param": PAGE_PARAM,
        "open": is_open,
        "form": form,
        "reply_to": reply_to,
    }
