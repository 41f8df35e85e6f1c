from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import IntegrityError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from articles.models import Article
from comments import forms as comment_forms
from comments import moderation, oversize, ratelimit, remember
from comments.attach import comments_open
from comments.conf import setting
from comments.forms import KEPT_FIELDS, CommentForm, make_token
from comments.models import Comment
from comments.origin import same_origin_post
from comments.policy import Signals, file_comment
from newsroom import editions

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


def kept_fields(request):
    """What the reader wrote, to fill a new form with when a post cannot be taken now."""
    kept = {name: request.POST.get(name, "") for name in KEPT_FIELDS}
    kept["remember"] = bool(request.POST.get("remember"))
    return kept


def file_once(comment, signals):
    """File `comment`, or return the comment its form already filed.

    The unique submission key decides in the database, not a check before the insert: of a
    double click, a retry or two servers taking the same post, one insert wins and the other
    waits for it, fails and answers with the winner (no second event, no second mail).
    """
    try:
        file_comment(comment, signals)
    except IntegrityError:
        first = comment.submission_key and (
            Comment.objects.filter(submission_key=comment.submission_key).first()
        )
        if not first:
            raise
        return first
    return comment


def referer_language(request):
    """The edition of the page the reader came from (the story), for the answers that cannot
    look the story up; the default edition when the browser did not say."""
    back = story_referer(request)
    return editions.from_path(urlsplit(back).path) if back else editions.default()


@never_cache
@same_origin_post
@require_POST
def post_comment(request, article_id):
    """Take a reader's comment. Every refusal keeps the reader's text and says why.

    The comment addresses have no edition prefix (EditionMiddleware leaves the default
    edition's language active): every answer, and the notice the story page shows after a
    post, speaks the language of the story commented on."""
    article = Article.objects.published().filter(pk=article_id).first()
    language = article.language if article else referer_language(request)
    request.LANGUAGE_CODE = language
    with translation.override(language):
        return take_comment(request, article)


def take_comment(request, article):
    try:
        request.POST  # noqa: B018 - Django reads the body here, and may refuse it
    except (RequestDataTooBig, TooManyFieldsSent) as problem:
        if article is None:
            raise Http404 from problem
        return oversize.too_large(request, article, problem)
    if article is None or not comments_open(article):
        # The reader may have been typing when comments closed, or the story was pulled:
        # give their words back.
        body = request.POST.get("body", "")[: setting("MAX_LENGTH")]
        return render(
            request,
            "comments/closed.html",
            {"article": article, "body": body},
            status=403 if article else 404,
        )

    allowance = ratelimit.hit(request, "post")
    if not allowance:
        form = CommentForm(article=article, initial=kept_fields(request))
        context = {"article": article, "form": form, "retry_after": allowance.retry_after}
        response = render(request, "comments/rate_limited.html", context, status=429)
        response["Retry-After"] = str(allowance.retry_after)
        return response

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
    comment = file_once(
        comment,
        Signals(honeypot=form.honeypot_filled, user_agent=request.META.get("HTTP_USER_AGENT", "")),
    )

    response = HttpResponseRedirect(comments_url(article))
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, _("Thank you: your comment is published."))
        response["Location"] = f"{article.get_absolute_url()}#c{comment.pk}"
    else:
        # Pending and spam get the same answer: the sender alone sees it as awaiting moderation.
        posted = request.session.get(SESSION_KEY, [])
        request.session[SESSION_KEY] = (posted + [comment.pk])[-20:]
        messages.info(request, _("Thank you. Your comment is awaiting moderation."))
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


def story_referer(request):
    """The page the reader came from, when it is ours: the story, which we cannot look up."""
    referer = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return ""


def post_unavailable(request, article_id):
    """The database is down: the reader's comment back, in a form that sends it again as is.

    Called by newsroom.middleware.DatabaseUnavailableMiddleware, so it must not query: the
    story stands in by its id alone. The form keeps the one-time id it came with, so if the
    first post was stored after all, sending it again stores nothing twice. Its stamp is as
    old as the quickest human, since the reader has typed the comment already.
    """
    story = Article(pk=article_id, language=referer_language(request))
    form = CommentForm(article=story, initial=kept_fields(request))  # keeps the one-time id
    form.initial["token"] = make_token(story, now=comment_forms.clock() - setting("MIN_SECONDS"))
    context = {"form": form, "back": story_referer(request), "SITE_NAME": settings.SITE_NAME}
    with translation.override(story.language):
        page = render_to_string("comments/unavailable.html", context)
    return HttpResponse(page, status=503)


def post_language(request, article_id):
    """The language of the story a post is for, for an answer given before the view runs."""
    language = Article.objects.filter(pk=article_id).values_list("language", flat=True).first()
    return language or referer_language(request)


post_comment.database_unavailable = post_unavailable
post_comment.story_language = post_language


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
    with translation.override(comment.article.language):  # the notice on the story's page
        return take_report(request, comment)


def take_report(request, comment):
    if not ratelimit.hit(request, "report"):
        messages.error(request, _("Too many reports from your connection. Please try later."))
    elif moderation.report(
        comment, reporter_hash(request, comment), network_hash(request, comment)
    ):
        messages.success(request, _("Thank you. A moderator will look at this comment."))
    else:
        messages.info(request, _("You have already reported this comment."))
    return HttpResponseRedirect(f"{comment.article.get_absolute_url()}#c{comment.pk}")


def report_unavailable(request, pk):
    """The database is down: a button that sends the same report again (no query here)."""
    context = {
        "action": request.path,
        "back": story_referer(request),
        "SITE_NAME": settings.SITE_NAME,
    }
    with translation.override(referer_language(request)):
        page = render_to_string("comments/report_unavailable.html", context)
    return HttpResponse(page, status=503)


def report_language(request, pk):
    """The language of the story a reported comment is on (for the refusal page)."""
    language = Comment.objects.filter(pk=pk).values_list("article__language", flat=True).first()
    return language or referer_language(request)


report_comment.database_unavailable = report_unavailable
report_comment.story_language = report_language
