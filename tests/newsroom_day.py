"""A newsroom's day for the dashboard and scheduling tests: people in each role, and stories
in every situation the dashboard shows (drafts, in review, overdue, scheduled, live today)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.text import slugify

from articles.desk import roles, workflow
from articles.models import Article
from comments import moderation
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    SectionFactory,
    StaffFactory,
)


def people():
    return {
        "editor": StaffFactory(
            username="editor", first_name="Edna", last_name="Editor", role=roles.EDITORS
        ),
        "reporter": StaffFactory(
            username="reporter", first_name="Rita", last_name="Reporter", role=roles.REPORTERS
        ),
        "colleague": StaffFactory(
            username="colleague", first_name="Colin", last_name="Colleague", role=roles.REPORTERS
        ),
        "moderator": StaffFactory(
            username="moderator", first_name="Mo", last_name="Moderator", role=roles.MODERATORS
        ),
    }


def story(headline, by, status, publish_at=None, **kwargs):
    return ArticleFactory(
        headline=headline,
        slug=slugify(headline),
        status=status,
        publish_at=publish_at,
        created_by=by,
        **kwargs,
    )


def submit(article, by, at):
    """Submit for review through the workflow, at a given time (the revision's date)."""
    article._history_date = at
    workflow.submit_for_review(article, by=by)
    del article._history_date
    return article


def today_at_least(now, ago):
    """`ago` before `now`, but not before midnight: still today in the site's time zone."""
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(now - ago, midnight)


def a_day(staff, now=None):
    now = now or timezone.now()
    city = SectionFactory(name="City", slug="city")
    politics = SectionFactory(name="Politics", slug="politics")
    reporter, colleague, editor = staff["reporter"], staff["colleague"], staff["editor"]
    rita = AuthorFactory(name="Rita Reporter", user=reporter)
    colin = AuthorFactory(name="Colin Colleague", user=colleague)
    draft, published = Article.Status.DRAFT, Article.Status.PUBLISHED
    stories = {
        "my_draft": story("Rita's draft on the tram", reporter, draft, section=city),
        "colleague_draft": story("Colin's draft on parking", colleague, draft, section=city),
        "editor_draft": story("Edna's draft on the budget", editor, draft, section=politics),
        "reporter_review": submit(
            story(
                "Rita's harbour story",
                reporter,
                draft,
                publish_at=now - timedelta(hours=1),  # planned an hour ago: overdue
                section=city,
                authors=[rita],
            ),
            reporter,
            now - timedelta(hours=3),
        ),
        "colleague_review": submit(
            story("Colin's school story", colleague, draft, section=city, authors=[colin]),
            colleague,
            now - timedelta(hours=5),
        ),
        "reporter_scheduled": story(
            "Rita's evening bulletin",
            reporter,
            published,
            publish_at=now + timedelta(hours=3),
            section=city,
            authors=[rita],
        ),
        "colleague_scheduled": story(
            "Colin's morning column",
            colleague,
            published,
            publish_at=now + timedelta(hours=20),
            section=politics,
            authors=[colin],
        ),
        "later": story(
            "Next week's long read",
            editor,
            published,
            publish_at=now + timedelta(days=4),
            section=politics,
        ),
        "reporter_today": story(
            "Rita's ferry story",
            reporter,
            published,
            publish_at=today_at_least(now, timedelta(minutes=30)),
            section=city,
            authors=[rita],
        ),
        "colleague_today": story(
            "Colin's council story",
            colleague,
            published,
            publish_at=today_at_least(now, timedelta(minutes=20)),
            section=politics,
            authors=[colin],
        ),
        "yesterday": story(
            "Yesterday's news",
            editor,
            published,
            publish_at=today_at_least(now, timedelta(days=2)) - timedelta(hours=2),
            section=city,
        ),
    }
    on = stories["colleague_today"]
    CommentFactory(article=on, status="pending", body="A question about the vote")
    CommentFactory(article=on, status="pending", body="Another question")
    reported = CommentFactory(article=on, body="Rude remark about the mayor")
    for reader in ("a", "b", "c"):
        moderation.report(reported, reporter=reader)
    return stories
