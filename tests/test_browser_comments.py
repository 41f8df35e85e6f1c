"""The whole loop in Chromium: a reader comments, a moderator approves, readers report."""

import time

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment
from tests.comment_helpers import _fresh_cache  # noqa: F401
from tests.conftest import BROWSER_TIMEOUT_MS
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
BODY = "The new bridge saves me twenty minutes a day."


@pytest.fixture
def story(settings):
    # Playwright types faster than any person; the form must pass however long the browser
    # takes, so only the two-hour expiry is left, far beyond any test's deadline.
    settings.COMMENTS_MIN_SECONDS = 0
    return ArticleFactory(headline="Bridge reopens after repairs")


@pytest.fixture
def new_context(browser, live_server):
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(BROWSER_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def log_in_moderator(page):
    # Transactional tests flush the tables, data migrations included: the group is rebuilt.
    group, _created = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments", codename__in=["moderate_comment", "view_comment"]
        )
    )
    user = UserFactory(username="moderator", is_staff=True)
    user.groups.add(group)
    page.goto("/admin/login/?next=/admin/comments/comment/queue/")
    page.fill("#id_username", "moderator")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/comments/comment/queue/")
    return user


def test_reader_moderator_reader_loop(page, story, new_context, settings):
    # A reader posts; only they see it, marked as waiting.
    page.goto(story.get_absolute_url())
    assert page.get_by_role("heading", name="Post your comments").is_visible()
    page.fill("#id_name", "Grace Reader")
    page.fill("#id_email", "grace@example.org")
    page.fill("#id_body", BODY)
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_url("**#comments")
    assert page.locator(".comment-awaiting").inner_text().count(BODY) == 1
    assert "Your comment is awaiting moderation" in page.locator("#comments").inner_text()

    stranger = new_context()
    stranger.goto(story.get_absolute_url())
    assert BODY not in stranger.content()
    assert "awaiting moderation" not in stranger.content()

    # A moderator approves it with the keyboard.
    desk = new_context()
    log_in_moderator(desk)
    item = desk.locator(".queue-item.is-current")
    assert BODY in item.inner_text()
    assert "grace@example.org" in item.inner_text()
    desk.keyboard.press("a")
    expect(desk.locator("#queue-waiting")).to_have_text("0")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.APPROVED
    assert comment.events.last().actor.username == "moderator"

    # The reader reloads: published, no longer marked.
    page.reload()
    assert BODY in page.locator("#comments").inner_text()
    assert "awaiting moderation" not in page.locator("#comments").inner_text()
    stranger.reload()
    assert BODY in stranger.locator("#comments").inner_text()
    assert "grace@example.org" not in stranger.content()

    # Three readers report it: it goes back to the queue, marked reported. Reports count once
    # per connection, so each reader comes from their own address (as a proxy would say).
    settings.COMMENTS_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    for n in range(3):
        reader = new_context(extra_http_headers={"X-Forwarded-For": f"198.51.100.{n}"})
        reader.goto(story.get_absolute_url())
        reader.locator(f"#c{comment.pk} button.comment-report").click()
        expect(reader.get_by_text("A moderator will look at this comment.")).to_be_visible()
    comment.refresh_from_db()
    assert (comment.status, comment.reported) == (Comment.Status.PENDING, True)
    desk.goto("/admin/comments/comment/queue/")
    expect(desk.locator(".queue-item.is-current")).to_contain_text("reported (3)")
    stranger.reload()
    assert BODY not in stranger.locator("#comments").inner_text()


def test_keyboard_queue_throughput(new_context, story, capsys):
    start = timezone.now() - timezone.timedelta(hours=1)
    comments = [
        CommentFactory(
            article=story,
            status=Comment.Status.PENDING,
            body=f"Queue comment {n:02d}",
            created=start + timezone.timedelta(seconds=n),
        )
        for n in range(20)
    ]
    desk = new_context()
    errors = []
    desk.on("pageerror", lambda error: errors.append(str(error)))
    log_in_moderator(desk)
    assert "Queue comment 00" in desk.locator(".queue-item.is-current").inner_text()

    # j/k move the selection without acting.
    current = desk.locator(".queue-item.is-current")
    desk.keyboard.press("j")
    expect(current).to_contain_text("Queue comment 01")
    desk.keyboard.press("k")
    expect(current).to_contain_text("Queue comment 00")

    began = time.perf_counter()
    for n in range(20):
        expect(current).to_contain_text(f"Queue comment {n:02d}")
        desk.keyboard.press("a")
    expect(desk.locator("#queue-waiting")).to_have_text("0")
    elapsed = time.perf_counter() - began
    assert errors == []
    assert set(
        Comment.objects.filter(pk__in=[c.pk for c in comments]).values_list("status", flat=True)
    ) == {"approved"}
    with capsys.disabled():
        print(
            f"\nkeyboard queue: 20 comments approved in {elapsed:.2f}s = {20 / elapsed * 60:.0f}/min"
        )


def test_queue_works_without_javascript(browser, live_server, story):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    try:
        desk = context.new_page()
        CommentFactory(article=story, status=Comment.Status.PENDING, body="No-JS comment")
        log_in_moderator(desk)
        desk.get_by_role("button", name="Spam").first.click()
        desk.wait_for_url("**/admin/comments/comment/queue/")
        assert "No comments are waiting" in desk.content()
        assert Comment.objects.get().status == Comment.Status.SPAM
    finally:
        context.close()


def test_comment_form_works_without_javascript(browser, live_server, story):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(story.get_absolute_url())
        page.fill("#id_name", "No Script")
        page.fill("#id_email", "grace@intranet")  # the browser accepts it; we do not
        page.fill("#id_body", BODY)
        page.get_by_role("button", name="Post comment").click()
        expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
        expect(page.locator("#id_body")).to_have_value(BODY)
        page.fill("#id_email", "noscript@example.org")
        page.get_by_role("button", name="Post comment").click()
        page.wait_for_url("**#comments")
        expect(page.locator(".alert-info")).to_have_text(
            "Thank you. Your comment is awaiting moderation."
        )
    finally:
        context.close()
