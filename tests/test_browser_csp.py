"""Content-Security-Policy in Chromium: the pages readers and the desk use break no rule.

Each page collects the `securitypolicyviolation` events the browser fires (an init script
runs before any of the page's own) and the console's "Refused to ..." messages.
"""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from comments.models import Comment
from tests.comment_helpers import _fresh_cache  # noqa: F401
from tests.factories import ArticleFactory, CommentFactory, ImageFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(`${event.effectiveDirective} blocked ${event.blockedURI} ${event.sample}`);
});
"""


@pytest.fixture
def csp_page(page):
    page.add_init_script(COLLECT_VIOLATIONS)
    yield page


def violations(page):
    seen = page.evaluate("window.__csp")
    refused = [text for text in page.console_errors if "Content Security Policy" in text]
    return seen + refused


@pytest.fixture
def story(settings):
    settings.COMMENTS_MIN_SECONDS = 0  # Playwright types faster than any person
    return ArticleFactory(
        headline="Bridge reopens after repairs",
        body="<p>The bridge <strong>reopened</strong> on Monday.</p><ul><li>Lanes: two</li></ul>",
        lead_image=ImageFactory(),
    )


def log_in(page, user, next_url):
    page.goto(f"/admin/login/?next={next_url}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"**{next_url}")


def test_story_page_and_comment_form_with_errors(csp_page, story):
    page = csp_page
    response = page.goto(story.get_absolute_url())
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert page.locator('script[type="application/ld+json"]').count() == 1
    expect(page.get_by_role("heading", name="Post your comments")).to_be_visible()
    assert violations(page) == [], violations(page)

    page.fill("#id_name", "Grace Reader")
    page.fill("#id_email", "grace@intranet")  # the browser accepts it; the form does not
    page.fill("#id_body", "The new bridge saves me twenty minutes a day.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    assert page.input_value("#id_body") == "The new bridge saves me twenty minutes a day."
    assert violations(page) == [], violations(page)


def test_story_editor_add_and_change(csp_page, story):
    page = csp_page
    editor = StaffFactory(username="editor", role="Editors")
    log_in(page, editor, "/admin/articles/article/add/")
    prose = page.locator(".prose-editor [contenteditable=true].ProseMirror")
    expect(prose).to_be_visible()
    prose.click()
    page.keyboard.type("Typed in the editor.")
    page.keyboard.press("Control+b")
    page.keyboard.type(" Bold words.")
    expect(prose.locator("strong")).to_have_text("Bold words.")
    assert violations(page) == [], violations(page)

    page.goto(f"/admin/articles/article/{story.pk}/change/")
    expect(prose.locator("strong")).to_have_text("reopened")
    prose.click()
    page.keyboard.press("End")
    page.keyboard.type(" More.")
    assert violations(page) == [], violations(page)


def test_moderation_queue_by_keyboard(csp_page, story):
    page = csp_page
    CommentFactory(article=story, status=Comment.Status.PENDING, body="First in the queue")
    CommentFactory(article=story, status=Comment.Status.PENDING, body="Second in the queue")
    moderator = StaffFactory(username="moderator", role="Moderators")
    log_in(page, moderator, "/admin/comments/comment/queue/")
    expect(page.locator(".queue-item.is-current")).to_contain_text("First in the queue")
    page.keyboard.press("j")
    expect(page.locator(".queue-item.is-current")).to_contain_text("Second in the queue")
    page.keyboard.press("a")
    expect(page.locator("#queue-waiting")).to_have_text("1")
    assert violations(page) == [], violations(page)

    page.goto("/admin/")
    expect(page.locator("#comments-waiting")).to_contain_text("1 comment waiting")
    assert violations(page) == [], violations(page)


def test_two_factor_enrolment_in_the_browser(csp_page, settings):
    settings.STAFF_2FA_REQUIRED = True
    page = csp_page
    moderator = StaffFactory(username="moderator", role="Moderators")
    page.goto("/admin/login/?next=/admin/comments/comment/queue/")
    page.fill("#id_username", "moderator")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/two-factor/setup/**")
    expect(page.locator(".twofactor-qr svg")).to_be_visible()
    assert violations(page) == [], violations(page)

    device = TOTPDevice.objects.get(user=moderator)
    page.fill("#id_token", f"{totp(device.bin_key):06d}")
    page.click("#twofactor-form input[type=submit]")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert violations(page) == [], violations(page)
    page.get_by_role("link", name="I have kept them: continue").click()
    page.wait_for_url("**/admin/comments/comment/queue/")
    expect(page.locator("#user-tools")).to_contain_text("Two-factor login")
