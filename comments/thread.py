"""A story's comment block as the story view hands it to its template (comments.attach
registers `story_context` with the reader site).

The list of approved comments (heading, threads, pagination) is drawn once and kept as a
fragment (newsroom.fragments) keyed by the story's `comments:<pk>` stamp, which every change
of an approved comment moves (comments.attach, comments.moderation), and by what else it
reads: the page's address and parameters, whether comments are open, the settings that shape
it. A reader with comments of their own waiting for moderation sees them in the list: that
list is theirs alone, drawn afresh and never kept. The form below the list is never part of
the fragment (comments.forms.render_blank_form fills in its per-render parts).
"""

import re

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q, Subquery
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from articles import cache as page_tags
from comments.attach import comments_open
from comments.blank_form import BlankCommentForm
from comments.conf import setting
from comments.forms import CommentForm
from comments.models import Comment
from comments.views import SESSION_KEY, remembered_author
from newsroom.fragments import Fragment
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


def own_waiting(request, article):
    """This reader's own comments on `article` that wait for moderation (from their session):
    one query, and only for a reader with a session."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return []
    own_ids = request.session.get(SESSION_KEY)
    if not own_ids:
        return []
    return list(
        Comment.objects.filter(
            pk__in=own_ids,
            article=article,
            status__in=[Comment.Status.PENDING, Comment.Status.SPAM],
        ).order_by("created", "pk")
    )


def page_of_threads(article, number):
    """The page of top-level approved comments with their approved replies, and the number
    of top-level comments, in one query: (page, comments in order of posting). A page number
    past the end gives the last page, in three queries (Paginator's count, the page, the
    replies), as does one that is not a number (the first page)."""
    roots = (
        Comment.objects.visible().filter(article=article, parent=None).order_by("created", "pk")
    )
    paginator = Paginator(roots, setting("PER_PAGE"))
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        wanted = 0
    rows = []
    if wanted >= 1:
        bottom = (wanted - 1) * paginator.per_page
        on_page = roots.values("pk")[bottom : bottom + paginator.per_page]
        all_roots = roots.order_by().values("article").annotate(n=Count("pk")).values("n")
        rows = list(
            Comment.objects.visible()
            .filter(article=article)
            .filter(Q(pk__in=on_page) | _replies_query(on_page))
            .annotate(all_roots=Subquery(all_roots))
            .order_by("created", "pk")
        )
    if not rows:  # past the end, or not a page number: Paginator.get_page decides
        page = paginator.get_page(number)
        top = list(page.object_list)
        replies = Comment.objects.visible().filter(article=article, depth__gt=1)
        replies = replies.filter(_replies_query([c.pk for c in top])) if top else []
        return page, sorted([*top, *replies], key=lambda c: (c.created, c.pk))
    paginator.count = rows[0].all_roots
    page = paginator.page(wanted)
    page.object_list = [comment for comment in rows if comment.parent_id is None]
    return page, rows


def draw_list(request, article, count, is_open, own):
    """The heading, the threads of this page and the pagination, as HTML; the comments by id."""
    page, nodes, by_id = None, [], {}
    if count:
        page, comments = page_of_threads(article, request.GET.get(PAGE_PARAM, 1))
        nodes = list(page.object_list)
        for comment in comments:
            comment.children = []
            by_id[comment.pk] = comment
        for comment in comments:  # in order of posting: replies too
            if comment.parent_id in by_id:
                by_id[comment.parent_id].children.append(comment)
    for comment in own:
        comment.children = []
        parent = by_id.get(comment.parent_id)
        if parent is not None:
            parent.children.append(comment)
        elif comment.parent_id is None and not (page and page.has_next()):
            nodes.append(comment)
    thread = {
        "count": count,
        "roots": nodes,
        "page": page,
        "page_param": PAGE_PARAM,
        "open": is_open,
    }
    html = render_to_string("comments/thread.html", {"thread": thread}, request)
    return html, by_id


def comment_thread(request, article):
    """Everything the story's comments block draws: the list from its fragment, or drawn in
    at most two queries (three with a page number past the end); the form.

    Approved comments only (oldest first, threaded, COMMENTS_PER_PAGE top-level a page),
    plus the reader's own comments that wait for moderation (known from their session).
    """
    count = getattr(article, "comment_count", None)
    if count is None:
        count = Comment.objects.visible().filter(article=article).count()
    is_open = article.is_published and comments_open(article)

    own = own_waiting(request, article)
    if own:
        # This reader's own comments awaiting moderation: nobody else may see this page.
        mark_personal(request)
        listing, by_id = draw_list(request, article, count, is_open, own)
    else:
        fragment = Fragment(
            "comment-thread",
            [page_tags.discussion(article.pk)],
            article.pk,
            request.path,
            sorted(request.GET.lists()),
            is_open,
            count,
            setting("PER_PAGE"),
            setting("MAX_DEPTH"),
            request=request,
        )
        listing, by_id = fragment.get(), {}
        if listing is None:
            listing, by_id = draw_list(request, article, count, is_open, own)
            fragment.set(listing)

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
        if set(initial) <= {"parent"}:  # nothing of this reader's: the form drawn once
            form = BlankCommentForm(article, parent=initial.get("parent"))
        else:
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
        "listing": mark_safe(listing),  # noqa: S308 - drawn from an autoescaping template
        "open": is_open,
        "form": form,
        "reply_to": reply_to,
    }
