from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from articles.models import Article
from comments import moderation, ratelimit, remember
from comments.conf import setting
from comments.forms import CommentForm, make_token
from comments.models import Comment, comments_open
from comments.origin import same_origin_post
from comments.policy import Signals, file_comment

REMEMBER_COOKIE = "comment_author"
SESSION_KEY = "comments_posted"


def remembered_author(request):
    """Name, email and website from the sealed 'remember me' cookie, if the reader gave one.

    A cookie we cannot open (tampered, expired, or the clear-text format before it was sealed)
    is ignored: the reader types their name once more and gets a sealed cookie.
    """
    author = remember.unseal(request.COOKIES.get(REMEMBER_COOKIE))
    return author | {"remember": True} if author else {}


def comments_url(article):
    return f"{article.get_absolute_url()}#comments"


@never_cache
@same_origin_post
@require_POST
def post_comment(request, article_id):
    """Take a reader's comment. Every refusal keeps the reader's text and says why."""
    article = get_object_or_404(Article.objects.published(), pk=article_id)
    if not comments_open(article):
        # The reader may have been typing when comments closed: give their words back.
        body = request.POST.get("body", "")[: setting("MAX_LENGTH")]
        return render(
            request, "comments/closed.html", {"article": article, "body": body}, status=403
        )

    if not ratelimit.hit(request, "post"):
        kept = {k: request.POST.get(k, "") for k in ("name", "email", "website", "body", "parent")}
        kept["remember"] = bool(request.POST.get("remember"))
        form = CommentForm(article=article, initial=kept)
        return render(
            request, "comments/rate_limited.html", {"article": article, "form": form}, status=429
        )

    form = CommentForm(request.POST, article=article)
    if not form.is_valid():
        # A fresh stamp so the corrected form can be sent; the reader's text stays.
        data = request.POST.copy()
        data["token"] = make_token(article)
        form.data = data
        return render(
            request, "comments/form_errors.html", {"article": article, "form": form}, status=400
        )

    comment = form.build_comment(
        {
            "ip_address": ratelimit.client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        }
    )
    file_comment(
        comment,
        Signals(honeypot=form.honeypot_filled, user_agent=request.META.get("HTTP_USER_AGENT", "")),
    )

    response = HttpResponseRedirect(comments_url(article))
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, "Thank you: your comment is published.")
        response["Location"] = f"{article.get_absolute_url()}#c{comment.pk}"
    else:
        # Pending and spam get the same answer: the sender alone sees it as awaiting moderation.
        posted = request.session.get(SESSION_KEY, [])
        request.session[SESSION_KEY] = (posted + [comment.pk])[-20:]
        messages.info(request, "Thank you. Your comment is awaiting moderation.")
    if form.cleaned_data.get("remember"):
        response.set_cookie(
            REMEMBER_COOKIE,
            remember.seal(form.cleaned_data),
            max_age=remember.max_age(),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    elif REMEMBER_COOKIE in request.COOKIES:
        response.delete_cookie(REMEMBER_COOKIE, samesite="Lax")
    return response


def reporter_hash(request, comment):
    """A per-comment salted hash of the reader's session: nothing the reader did not give us."""
    if not request.session.session_key:
        request.session["comments_reader"] = True
        request.session.save()
    return salted_hmac(
        "comments.report", f"{comment.pk}:{request.session.session_key}", algorithm="sha256"
    ).hexdigest()


def network_hash(request, comment):
    """A per-comment salted hash of the reader's connection: reports from one count once."""
    return salted_hmac(
        "comments.report.network",
        f"{comment.pk}:{ratelimit.client_ip(request) or 'unknown'}",
        algorithm="sha256",
    ).hexdigest()


@never_cache
@same_origin_post
@require_POST
def report_comment(request, pk):
    comment = get_object_or_404(
        Comment.objects.visible().select_related("article"),
        pk=pk,
        article__in=Article.objects.published(),
    )
    if not ratelimit.hit(request, "report"):
        messages.error(request, "Too many reports from your connection. Please try later.")
    elif moderation.report(
        comment, reporter_hash(request, comment), network_hash(request, comment)
    ):
        messages.success(request, "Thank you. A moderator will look at this comment.")
    else:
        messages.info(request, "You have already reported this comment.")
    return HttpResponseRedirect(f"{comment.article.get_absolute_url()}#c{comment.pk}")
