import pytest
from django.urls import reverse

from comments.models import Comment, ModerationEvent
from tests.comment_helpers import (  # noqa: F401
    BROWSER_UA,
    SAME_ORIGIN,
    _fresh_cache,
    post_comment,
)
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory()


def test_story_page_shows_form_heading_notice_and_fields(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Post your comments" in html
    assert "Your email address will not be published. Required fields are marked *" in html
    for field in ("name", "email", "website", "body", "remember", "token", "phone_number"):
        assert f'name="{field}"' in html
    assert "Save my name and email in this browser for the next time I comment" in html
    assert "csrfmiddlewaretoken" not in html  # the view checks the Origin header instead


def test_post_redirects_to_comments_anchor_and_author_alone_sees_it_pending(client, article):
    response = post_comment(client, article)
    assert response.status_code == 302
    assert response["Location"] == f"{article.get_absolute_url()}#comments"
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.ip_address == "127.0.0.1"
    assert comment.user_agent == BROWSER_UA
    event = ModerationEvent.objects.get()
    assert (event.from_status, event.to_status, event.actor, event.note) == (
        "",
        "pending",
        None,
        "pre-moderation",
    )

    own = client.get(article.get_absolute_url()).content.decode()
    assert "I was at the meeting" in own
    assert "Your comment is awaiting moderation" in own

    from django.test import Client

    other = Client().get(article.get_absolute_url()).content.decode()
    assert "I was at the meeting" not in other
    assert "awaiting moderation" not in other


def test_get_on_post_url_is_refused(client, article):
    response = client.get(reverse("comments:post", kwargs={"article_id": article.pk}))
    assert response.status_code == 405


def test_approved_comments_are_threaded_oldest_first_and_escaped(client, article):
    first = CommentFactory(article=article, body="First <b>bold</b>\nsecond line")
    reply = CommentFactory(article=article, parent=first, body="A reply")
    deeper = CommentFactory(article=article, parent=reply, body="Deeper reply")
    CommentFactory(article=article, body="Rejected one", status=Comment.Status.REJECTED)
    CommentFactory(article=article, body="Second top-level")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "3 comments" not in html  # 4 approved
    assert "4 comments" in html
    assert "First &lt;b&gt;bold&lt;/b&gt;<br>second line" in html
    assert "Rejected one" not in html
    assert html.index("First &lt;b&gt;") < html.index("A reply") < html.index("Deeper reply")
    assert html.index("Deeper reply") < html.index("Second top-level")
    assert deeper.depth == 3
    # Replies stop at the maximum depth: no reply link on the third level.
    assert f"?replyto={reply.pk}#respond" in html
    assert f"?replyto={deeper.pk}#respond" not in html


def test_website_links_are_nofollow_ugc_noopener(client, article):
    CommentFactory(article=article, name="Site owner", website="https://example.org/me")
    html = client.get(article.get_absolute_url()).content.decode()
    assert (
        '<a href="https://example.org/me" rel="nofollow ugc noopener"><bdi>Site owner</bdi></a>'
        in html
    )


def test_fifty_top_level_comments_a_page(client, article):
    for n in range(51):
        CommentFactory(article=article, body=f"Numbered comment {n:03d}.")
    first = client.get(article.get_absolute_url()).content.decode()
    assert "Numbered comment 049." in first
    assert "Numbered comment 050." not in first
    assert "?comments_page=2#comments" in first
    second = client.get(article.get_absolute_url() + "?comments_page=2").content.decode()
    assert "Numbered comment 050." in second
    assert "Numbered comment 000." not in second


def test_reply_posts_under_its_parent(client, article):
    parent = CommentFactory(article=article, body="Parent comment")
    page = client.get(article.get_absolute_url() + f"?replyto={parent.pk}").content.decode()
    assert f'name="parent" value="{parent.pk}"' in page
    assert "Replying to" in page
    post_comment(client, article, parent=str(parent.pk))
    assert Comment.objects.get(body__startswith="I was").parent == parent


def test_reports_past_threshold_send_comment_back_to_queue(client, article, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 3
    comment = CommentFactory(article=article)
    url = reverse("comments:report", kwargs={"pk": comment.pk})
    from django.test import Client

    readers = [
        Client(headers={"Origin": SAME_ORIGIN}, REMOTE_ADDR=f"198.51.100.{n}") for n in range(3)
    ]
    for n, reader in enumerate(readers[:2]):
        response = reader.post(url)
        assert response.status_code == 302
        assert response["Location"].endswith(f"#c{comment.pk}")
        comment.refresh_from_db()
        assert comment.status == Comment.Status.APPROVED, n
    # The same reader twice counts once.
    readers[0].post(url)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    readers[2].post(url)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert comment.reported
    event = comment.events.last()
    assert (event.actor, event.to_status, event.note) == (None, "pending", "3 reader reports")
    assert comment.reports.count() == 3
    assert all(len(r.reporter) == 64 for r in comment.reports.all())


def test_report_only_for_approved_comments_and_post_only(client, article):
    pending = CommentFactory(article=article, status=Comment.Status.PENDING)
    report_pending = reverse("comments:report", kwargs={"pk": pending.pk})
    assert client.post(report_pending, HTTP_ORIGIN=SAME_ORIGIN).status_code == 404
    approved = CommentFactory(article=article)
    assert client.get(reverse("comments:report", kwargs={"pk": approved.pk})).status_code == 405


def test_comment_count_annotation_counts_approved_only(article):
    from articles.models import Article

    CommentFactory.create_batch(2, article=article)
    CommentFactory(article=article, status=Comment.Status.PENDING)
    CommentFactory(article=article, status=Comment.Status.SPAM)
    other = ArticleFactory()
    listed = {a.pk: a.comment_count for a in Article.objects.published().for_listing()}
    assert listed == {article.pk: 2, other.pk: 0}


def test_one_connection_without_cookies_cannot_pull_a_comment_alone(article, settings):
    """A script that drops its session gets a new one each time: its reports count once."""
    from django.test import Client

    settings.COMMENTS_REPORT_THRESHOLD = 3
    comment = CommentFactory(article=article)
    url = reverse("comments:report", kwargs={"pk": comment.pk})
    for _ in range(5):
        assert Client(headers={"Origin": SAME_ORIGIN}).post(url).status_code == 302
    comment.refresh_from_db()
    assert comment.reports.count() == 5
    assert (comment.status, comment.reported) == (Comment.Status.APPROVED, False)
    assert comment.reports.values("network").distinct().count() == 1
    assert all(len(r.network) == 64 for r in comment.reports.all())


@pytest.mark.parametrize("value", ["²", "١٢", "12abc", "9" * 40, "-1"])
def test_odd_reply_to_values_are_ignored_not_500(client, article, value):
    CommentFactory(article=article)
    response = client.get(article.get_absolute_url(), {"replyto": value})
    assert response.status_code == 200
    assert "Replying to" not in response.content.decode()
