"""The admin home as the newsroom's dashboard: what each role sees, and what it costs."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.desk.dashboard import FEW, with_submission
from articles.models import Article
from tests import newsroom_day
from tests.factories import AuthorFactory, CommentFactory, SectionFactory
from tests.newsroom_day import story, submit

pytestmark = pytest.mark.django_db

HOME = reverse("admin:index")


@pytest.fixture
def people():
    return newsroom_day.people()


@pytest.fixture
def newsroom(people):
    return newsroom_day.a_day(people)


def page(client, user):
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def panel_ids(html):
    return re.findall(r'<section class="module desk-panel[^"]*"\s+id="([^"]+)"', html)


def panel(html, key):
    match = re.search(rf'id="{key}".*?</section>', html, re.S)
    assert match, f"no panel {key}"
    return match.group(0)


def test_an_editor_sees_the_whole_desk_then_the_comment_queues(client, people, newsroom):
    html = page(client, people["editor"])
    assert panel_ids(html) == [
        "desk-drafts",
        "desk-review",
        "desk-scheduled",
        "desk-published",
        "comments-waiting",
        "comments-reported",
    ]
    drafts = panel(html, "desk-drafts")
    assert "Edna&#x27;s draft" in drafts and "Rita&#x27;s draft" not in drafts  # my drafts

    review = panel(html, "desk-review")
    # Oldest submission first, with who submitted it; the overdue one is flagged.
    assert review.index("Colin&#x27;s school story") < review.index("Rita&#x27;s harbour story")
    assert "submitted by Colin Colleague, 5" in review
    assert "submitted by Rita Reporter, 3" in review
    assert "still in review" in review
    assert "1 past its planned time" in review

    scheduled = panel(html, "desk-scheduled")
    assert "<strong>2</strong> stories go live by themselves" in scheduled
    assert (
        "Rita&#x27;s evening bulletin" in scheduled and "Colin&#x27;s morning column" in scheduled
    )
    assert "Rita Reporter" in scheduled  # the byline
    assert scheduled.count('class="agenda-hour"') == 2  # grouped by hour
    assert "Next week" not in scheduled  # beyond 48 hours: in the agenda
    assert reverse("admin:articles_article_agenda") in scheduled

    published = panel(html, "desk-published")
    assert "Rita&#x27;s ferry story" in published and "Colin&#x27;s council story" in published
    assert "Yesterday" not in published
    assert newsroom["colleague_today"].get_absolute_url() in published  # "on the site"

    waiting = panel(html, "comments-waiting")
    # Two new ones, and the one readers' reports sent back to the queue.
    assert "<strong>3</strong> comments waiting" in waiting
    assert "A question about the vote" in waiting
    assert f"{reverse('admin:comments_comment_changelist')}?queue=pending" in waiting
    reported = panel(html, "comments-reported")
    assert "<strong>1</strong> comment reported by readers" in reported
    assert "Rude remark" in reported and "?queue=reported" in reported

    # Each entry links to its work.
    change = reverse("admin:articles_article_change", args=[newsroom["colleague_review"].pk])
    assert f'href="{change}"' in review
    # Django's list of apps stays below.
    assert 'id="desk-apps"' in html and 'title="Models in the Stories application"' in html
    assert "Write a story" in html


def test_a_reporter_sees_what_is_theirs(client, people, newsroom):
    html = page(client, people["reporter"])
    assert panel_ids(html) == ["desk-drafts", "desk-review", "desk-scheduled", "desk-published"]
    assert "Rita&#x27;s draft on the tram" in panel(html, "desk-drafts")
    assert "Rita&#x27;s harbour story" in panel(html, "desk-review")
    assert "My stories in review" in html
    assert "Rita&#x27;s evening bulletin" in panel(html, "desk-scheduled")
    assert "Rita&#x27;s ferry story" in panel(html, "desk-published")
    for theirs in ("Colin", "Edna", "Next week", "comments waiting", "Rude remark"):
        assert theirs not in html, theirs


def test_a_moderator_sees_the_comment_queues_first_and_no_story_editing(client, people, newsroom):
    html = page(client, people["moderator"])
    assert panel_ids(html) == ["comments-waiting", "comments-reported", "desk-published"]
    published = panel(html, "desk-published")
    # Today's stories as readers see them: no links into the story editor.
    assert newsroom["colleague_today"].get_absolute_url() in published
    assert "/admin/articles/article/" not in html.split('id="desk-apps"')[0]
    assert "Write a story" not in html and "Agenda" not in html
    assert reverse("admin:comments_comment_queue") in panel(html, "comments-waiting")


def test_a_full_panel_links_to_the_whole_list(client, people):
    now = timezone.now()
    for n in range(FEW + 2):
        story(
            f"Live story {n}",
            people["editor"],
            Article.Status.PUBLISHED,
            publish_at=newsroom_day.today_at_least(now, timedelta(seconds=n + 1)),
        )
    html = page(client, people["editor"])
    published = panel(html, "desk-published")
    assert published.count('class="desk-entry"') == FEW
    link = re.search(r'href="([^"]+)">All published today', published).group(1)
    response = client.get(link.replace("&amp;", "&"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == FEW + 2


def test_empty_panels_say_so(client, people):
    html = page(client, people["editor"])
    assert "No drafts." in html
    assert "Nothing waiting for review." in html
    assert "Nothing scheduled in the next 48 hours." in html
    assert "No comment is waiting." in html


def test_a_story_sent_back_and_resubmitted_counts_from_its_last_submission(people):
    now = timezone.now()
    reporter, editor = people["reporter"], people["editor"]
    article = submit(
        story("Resubmitted", reporter, Article.Status.DRAFT), reporter, now - timedelta(days=2)
    )
    article.status = Article.Status.DRAFT  # sent back by an editor
    article._history_user, article._history_date = editor, now - timedelta(days=1)
    article.save()
    article = Article.objects.get(pk=article.pk)
    submit(article, reporter, now - timedelta(hours=2))
    article._history_date = now - timedelta(hours=1)  # an edit while in review
    article.save()
    found = with_submission(Article.objects.filter(pk=article.pk)).get()
    assert found.submitted_at == now - timedelta(hours=2)
    assert found.submitted_by_id == reporter.pk


def test_a_story_created_in_review_was_submitted_when_created(people):
    reporter = people["reporter"]
    article = story("Straight to review", reporter, Article.Status.IN_REVIEW)
    found = with_submission(Article.objects.filter(pk=article.pk)).get()
    assert found.submitted_at == article.history.earliest().history_date


def grow(people, n):
    """n more stories of every kind, and n more comments waiting and reported."""
    now = timezone.now()
    reporter, editor = people["reporter"], people["editor"]
    section = SectionFactory(name="Sport", slug="sport")
    authors = [AuthorFactory(), AuthorFactory()]
    for i in range(n):
        for who in (reporter, editor):
            tag = f"{who.username} {i} {Article.objects.count()}"
            story(f"Draft {tag}", who, Article.Status.DRAFT, section=section, authors=authors)
            submit(
                story(f"Review {tag}", who, Article.Status.DRAFT, section=section),
                who,
                now - timedelta(minutes=i),
            )
            story(
                f"Scheduled {tag}",
                who,
                Article.Status.PUBLISHED,
                publish_at=now + timedelta(hours=1 + i),
                section=section,
                authors=authors,
            )
            story(
                f"Live {tag}",
                who,
                Article.Status.PUBLISHED,
                publish_at=now - timedelta(minutes=1),
                section=section,
            )
        CommentFactory(status="pending")
        CommentFactory(status="pending", reported=True)


@pytest.mark.parametrize(
    ("role", "budget"),
    # Session, user, two-factor device, the user's and their groups' permissions, the admin
    # log, then the panels: editors 7 (one aggregate, four lists, the bylines, the
    # submitters) and 3 for the comments (one aggregate, two lists); reporters the same 7;
    # moderators 2 for stories (the aggregate, today's list) and the 3 for comments.
    [("editor", 16), ("reporter", 13), ("moderator", 11)],
)
def test_the_dashboard_costs_the_same_whatever_the_size(
    client, people, role, budget, django_assert_max_num_queries
):
    grow(people, 2)
    client.force_login(people[role])
    client.get(HOME)  # warm the content-type and permission caches of a long-lived process
    with CaptureQueriesContext(connection) as few:
        assert client.get(HOME).status_code == 200
    grow(people, 10)
    with CaptureQueriesContext(connection) as many:
        assert client.get(HOME).status_code == 200
    assert len(many) == len(few)
    print(f"admin home as {role}: {len(many)} queries")
    with django_assert_max_num_queries(budget):
        client.get(HOME)
