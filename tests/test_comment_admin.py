"""The moderation desk, as each role sees it. Permissions are checked on the server."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from tests.comment_helpers import _fresh_cache  # noqa: F401
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")
QUEUE = reverse("admin:comments_comment_queue")


def login(client, group=None, **kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    if group:
        user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return user


@pytest.fixture
def queue():
    article = ArticleFactory(headline="Bridge reopens")
    now = timezone.now()
    older = CommentFactory(
        article=article,
        status="pending",
        body="Older pending",
        email="old@example.org",
        created=now - timezone.timedelta(hours=2),
    )
    newer = CommentFactory(
        article=article,
        status="pending",
        body="Newer pending",
        email="new@example.org",
        created=now - timezone.timedelta(hours=1),
    )
    approved = CommentFactory(article=article, body="Approved one", email="old@example.org")
    CommentFactory(article=article, status="spam", body="Spam one", email="old@example.org")
    return older, newer, approved


@pytest.mark.parametrize("group", ["Moderators", "Editors"])
def test_changelist_opens_on_pending_queue_oldest_first(client, queue, group):
    login(client, group)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Older pending" in html and "Newer pending" in html
    assert "Approved one" not in html and "Spam one" not in html
    assert html.index("Older pending") < html.index("Newer pending")
    # Counts of each queue, the email, IP, linked story and history.
    assert "Pending: <strong>2</strong>" in html
    assert "Approved: <strong>1</strong>" in html
    assert "Spam: <strong>1</strong>" in html
    assert "Reported: <strong>0</strong>" in html
    assert "old@example.org" in html
    assert "203.0.113.7" in html
    story_link = f'<a href="{queue[0].article.get_absolute_url()}" lang="en" dir="auto">'
    assert f"{story_link}Bridge reopens</a>" in html
    assert "1 ✓ · 0 ✗ · 1 spam" in html
    assert (
        'formaction="' + reverse("admin:comments_comment_moderate", args=[queue[0].pk, "approve"])
        in html
    )
    assert "Keyboard queue" in html


def test_other_queues_by_filter(client, queue):
    login(client, "Moderators")
    html = client.get(CHANGELIST, {"queue": "approved"}).content.decode()
    assert "Approved one" in html and "Older pending" not in html
    html = client.get(CHANGELIST, {"queue": "all"}).content.decode()
    assert all(text in html for text in ("Approved one", "Spam one", "Older pending"))


def test_reported_queue(client, queue):
    comment = queue[2]
    Comment.objects.filter(pk=comment.pk).update(status="pending", reported=True)
    login(client, "Moderators")
    html = client.get(CHANGELIST, {"queue": "reported"}).content.decode()
    assert "Approved one" in html and "Older pending" not in html
    assert "(reported)" in html


def test_one_click_row_action(client, queue):
    user = login(client, "Moderators")
    url = reverse("admin:comments_comment_moderate", args=[queue[0].pk, "approve"])
    assert client.get(url).status_code == 405
    response = client.post(url, HTTP_REFERER=f"http://testserver{CHANGELIST}?queue=pending")
    assert response.status_code == 302
    assert response["Location"] == f"http://testserver{CHANGELIST}?queue=pending"
    queue[0].refresh_from_db()
    assert queue[0].status == "approved"
    assert queue[0].events.get().actor == user


def test_row_action_ignores_foreign_referer(client, queue):
    login(client, "Moderators")
    url = reverse("admin:comments_comment_moderate", args=[queue[0].pk, "spam"])
    response = client.post(url, HTTP_REFERER="https://evil.example/")
    assert response["Location"] == CHANGELIST


@pytest.mark.parametrize(
    ("action", "status"),
    [("approve_selected", "approved"), ("reject_selected", "rejected"), ("spam_selected", "spam")],
)
def test_bulk_actions(client, queue, action, status):
    user = login(client, "Editors")
    pks = [queue[0].pk, queue[1].pk]
    response = client.post(
        CHANGELIST, {"action": action, "_selected_action": pks, "index": 0}, follow=True
    )
    assert response.status_code == 200
    assert "2 comments marked" in response.content.decode()
    for comment in Comment.objects.filter(pk__in=pks):
        assert comment.status == status
        assert comment.events.get().actor == user


def test_reporters_cannot_see_or_moderate(client, queue):
    login(client, "Reporters")
    assert client.get(CHANGELIST).status_code == 403
    assert client.get(QUEUE).status_code == 403
    url = reverse("admin:comments_comment_moderate", args=[queue[0].pk, "approve"])
    assert client.post(url).status_code == 403
    assert client.post(QUEUE, {"comment": queue[0].pk, "action": "approve"}).status_code == 403
    assert (
        client.post(
            CHANGELIST, {"action": "approve_selected", "_selected_action": [queue[0].pk]}
        ).status_code
        == 403
    )
    queue[0].refresh_from_db()
    assert queue[0].status == "pending"
    index = client.get(reverse("admin:index")).content.decode()
    assert "comments waiting" not in index


def test_moderators_cannot_edit_text_add_or_delete(client, queue):
    login(client, "Moderators")
    comment = queue[0]
    change = reverse("admin:comments_comment_change", args=[comment.pk])
    response = client.get(change)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<textarea" not in html  # read only
    assert "Older pending" in html
    response = client.post(change, {"name": "Changed", "body": "Rewritten", "email": "x@y.z"})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Older pending"
    delete = reverse("admin:comments_comment_delete", args=[comment.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:comments_comment_add")).status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()
    changelist = client.get(CHANGELIST).content.decode()
    assert "delete_selected" not in changelist


def test_superuser_may_edit_text_but_not_status_by_form(client, queue):
    login(client, is_superuser=True)
    comment = queue[0]
    change = reverse("admin:comments_comment_change", args=[comment.pk])
    html = client.get(change).content.decode()
    assert 'name="body"' in html
    assert 'name="status"' not in html
    data = {
        "name": "Fixed name",
        "email": comment.email,
        "website": "",
        "body": "Typo fixed",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "0",
    }
    response = client.post(change, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    comment.refresh_from_db()
    assert (comment.body, comment.status) == ("Typo fixed", "pending")
    assert (
        client.get(reverse("admin:comments_comment_delete", args=[comment.pk])).status_code == 200
    )


def test_change_page_shows_event_history_and_buttons(client, queue):
    user = login(client, "Moderators", username="maria")
    comment = queue[0]
    client.post(reverse("admin:comments_comment_moderate", args=[comment.pk, "approve"]))
    html = client.get(reverse("admin:comments_comment_change", args=[comment.pk])).content.decode()
    # The moderation history inline, with the event by this moderator (the page's own "History"
    # button and the user tools' "maria" are on every change page: not evidence).
    html = " ".join(html.split())
    assert '<h2 id="events-heading" class="inline-heading"> History </h2>' in html
    assert f"pending → approved by {user}" in html
    assert '<td class="field-by"> <p>maria</p> </td>' in html
    assert reverse("admin:comments_comment_moderate", args=[comment.pk, "reject"]) in html


def test_keyboard_queue_page(client, queue):
    login(client, "Moderators")
    response = client.get(QUEUE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "j</kbd> next" in html and "a</kbd> approve" in html
    assert html.index("Older pending") < html.index("Newer pending")
    assert "Approved one" not in html
    assert 'name="action" value="approve"' in html
    assert "comments/queue.js" in html


def test_queue_post_without_javascript(client, queue):
    login(client, "Moderators")
    response = client.post(QUEUE, {"comment": queue[0].pk, "action": "reject"})
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    queue[0].refresh_from_db()
    assert queue[0].status == "rejected"


def test_queue_post_with_javascript_answers_json(client, queue):
    login(client, "Moderators")
    response = client.post(
        QUEUE,
        {"comment": queue[0].pk, "action": "spam"},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.json() == {"id": queue[0].pk, "status": "spam", "remaining": 1}


def test_queue_refuses_unknown_action_or_comment(client, queue):
    login(client, "Moderators")
    assert client.post(QUEUE, {"comment": queue[0].pk, "action": "delete"}).status_code == 403
    assert client.post(QUEUE, {"comment": "nope", "action": "approve"}).status_code == 404


@pytest.mark.parametrize(("group", "shown"), [("Moderators", True), ("Editors", True)])
def test_admin_index_shows_comments_waiting(client, queue, group, shown):
    login(client, group)
    html = client.get(reverse("admin:index")).content.decode()
    assert "<strong>2</strong> comments waiting" in html


def test_changelist_has_no_n_plus_one(client):
    login(client, "Moderators")
    article = ArticleFactory()
    CommentFactory.create_batch(3, article=article, status="pending")
    with CaptureQueriesContext(connection) as few:
        assert client.get(CHANGELIST).status_code == 200
    CommentFactory.create_batch(30, status="pending")
    with CaptureQueriesContext(connection) as many:
        assert client.get(CHANGELIST).status_code == 200
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as few_queue:
        client.get(QUEUE)
    CommentFactory.create_batch(10, status="pending")
    with CaptureQueriesContext(connection) as many_queue:
        client.get(QUEUE)
    assert len(many_queue) == len(few_queue)


def test_row_buttons_post_with_the_changelists_csrf_token(queue):
    browser = Client(enforce_csrf_checks=True)
    login(browser, "Moderators")
    html = browser.get(CHANGELIST).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    url = reverse("admin:comments_comment_moderate", args=[queue[1].pk, "reject"])
    assert browser.post(url, {"moderate": "reject"}).status_code == 403
    response = browser.post(url, {"csrfmiddlewaretoken": token, "moderate": "reject"})
    assert response.status_code == 302
    queue[1].refresh_from_db()
    assert queue[1].status == "rejected"


def test_one_click_buttons_sit_next_to_the_comment_text(client, queue):
    """On a laptop screen the buttons are visible without scrolling the table sideways."""
    login(client, "Moderators")
    html = client.get(CHANGELIST).content.decode()
    headers = re.findall(r'<th scope="col" class="column-(\w+)', html)
    assert headers[:2] == ["excerpt", "moderate"]
