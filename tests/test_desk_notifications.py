"""Desk mail through the worker: who is told what, in what words, with what links; opting
out; a mail server that fails is retried and never breaks the editor's save."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.desk import notifications, roles, tasks, workflow
from articles.models import Article, NotificationPreference
from newsroom.tasks import RETRY_ATTEMPTS
from tests.factories import ArticleFactory, StaffFactory, UserFactory
from tests.test_desk_notes import story_post
from tests.test_moderation import run_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "editor": StaffFactory(
            username="edna", first_name="Edna", last_name="Ryder", role=roles.EDITORS
        ),
        "night_editor": StaffFactory(username="nils", role=roles.EDITORS),
        "reporter": StaffFactory(
            username="rui", first_name="Rui", last_name="Pereira", role=roles.REPORTERS
        ),
        "moderator": StaffFactory(username="mo", role=roles.MODERATORS),
    }


@pytest.fixture
def draft(people):
    return ArticleFactory(
        headline="Harbour dredging to start in spring",
        slug="harbour-dredging",
        status=Article.Status.DRAFT,
        publish_at=None,
        created_by=people["reporter"],
    )


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def opt_out(user, **choices):
    NotificationPreference.objects.update_or_create(user=user, defaults=choices)


def submit_in_the_desk(client, reporter, article, django_capture_on_commit_callbacks):
    client.force_login(reporter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(article), story_post(article, status="review"))
    assert response.status_code == 302
    return response


# Submitted for review: every editor, one mail each


def test_editors_are_told_when_a_story_is_submitted(
    client, settings, people, draft, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://news.example.org"
    submit_in_the_desk(client, people["reporter"], draft, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == ["edna@newsroom.test", "nils@newsroom.test"]
    for message in mail.outbox:
        assert len(message.to) == 1 and not message.cc and not message.bcc
        assert message.subject == "[The Newsroom] For review: Harbour dredging to start in spring"
        assert "Rui Pereira submitted a story for review" in message.body
        assert (
            f"https://news.example.org/admin/articles/article/{draft.pk}/change/" in message.body
        )
        assert "https://news.example.org/admin/desk/notifications/" in message.body
        # Nobody's address but the recipient's, not even the reporter's.
        assert "rui@newsroom.test" not in message.body
        other = {"edna@newsroom.test", "nils@newsroom.test"} - {message.to[0]}
        assert not any(address in message.body for address in other)


def test_a_story_created_in_review_is_announced_too(
    client, people, django_capture_on_commit_callbacks
):
    draft = ArticleFactory.build(headline="New pier", slug="new-pier", status="review")
    draft.section.save()
    draft.section_id = draft.section.pk
    client.force_login(people["reporter"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:articles_article_add"), story_post(draft))
    assert response.status_code == 302
    assert len(mail.outbox) == 2


def test_the_workflow_action_announces_too_and_nobody_is_told_what_they_did(
    people, draft, django_capture_on_commit_callbacks
):
    editor = people["editor"]
    draft.created_by = editor
    draft.save()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit_for_review(draft, by=editor)
    assert [m.to for m in mail.outbox] == [["nils@newsroom.test"]]


def test_editors_who_opted_out_or_cannot_be_reached_are_skipped(
    client, people, draft, django_capture_on_commit_callbacks
):
    opt_out(people["night_editor"], on_submitted=False)
    UserFactory(username="gone", is_staff=True, is_active=False).groups.add(
        people["editor"].groups.get()
    )
    nameless = StaffFactory(username="noaddress", role=roles.EDITORS)
    nameless.email = ""
    nameless.save()
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    submit_in_the_desk(client, people["reporter"], draft, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == ["edna@newsroom.test", "root@newsroom.test"]
    assert superuser.pk in notifications.review_recipients()


def test_moderators_and_reporters_are_not_asked_to_review(people):
    recipients = notifications.review_recipients()
    assert people["moderator"].pk not in recipients
    assert people["reporter"].pk not in recipients
    assert people["editor"].pk in recipients


def test_saves_without_a_person_behind_them_send_nothing(
    people, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        draft.status = Article.Status.IN_REVIEW
        draft.save()  # a script, seed_demo, a factory
        ArticleFactory(created_by=people["reporter"])
    assert mail.outbox == []


def test_a_mail_sent_late_about_what_is_no_longer_so_is_not_sent(people, draft):
    """A retry after the story was published meanwhile says nothing about reviewing it."""
    workflow.publish(draft, by=people["editor"])
    sent = notifications.send(
        notifications.SUBMITTED, draft.pk, people["editor"].pk, actor_id=people["reporter"].pk
    )
    assert sent is False
    assert mail.outbox == []


# The reporter: published, scheduled, sent back


def test_the_reporter_is_told_when_their_story_is_published(
    settings, people, draft, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://news.example.org"
    draft.status = Article.Status.IN_REVIEW
    draft.save()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(draft, by=people["editor"])
    (message,) = mail.outbox
    assert message.to == ["rui@newsroom.test"]
    assert message.subject == "[The Newsroom] Published: Harbour dredging to start in spring"
    assert "Edna Ryder published your story" in message.body
    assert f"https://news.example.org{draft.get_absolute_url()}" in message.body
    assert "edna@newsroom.test" not in message.body


def test_a_scheduled_story_says_when(settings, people, draft, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://news.example.org"
    draft.publish_at = timezone.now() + timezone.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(draft, by=people["editor"])
    (message,) = mail.outbox
    assert message.subject == "[The Newsroom] Scheduled: Harbour dredging to start in spring"
    assert "scheduled your story to go live on" in message.body
    assert draft.get_absolute_url() not in message.body  # not live yet: the desk link only
    assert f"/admin/articles/article/{draft.pk}/change/" in message.body


def test_an_editor_publishing_their_own_story_gets_no_mail(
    people, django_capture_on_commit_callbacks
):
    own = ArticleFactory(status="draft", publish_at=None, created_by=people["editor"])
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(own, by=people["editor"])
    assert mail.outbox == []


def test_restoring_from_the_trash_is_not_a_publication(people, django_capture_on_commit_callbacks):
    story = ArticleFactory(created_by=people["reporter"])
    editor = people["editor"]
    editor.user_permissions.add(*editor.groups.get().permissions.all())
    with django_capture_on_commit_callbacks(execute=True):
        workflow.trash(story, by=editor)
        workflow.restore(story, by=editor)
    assert mail.outbox == []


def test_the_reporter_gets_the_note_when_the_story_is_sent_back(
    client, settings, people, draft, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://news.example.org"
    draft.status = Article.Status.IN_REVIEW
    draft.save()
    client.force_login(people["editor"])
    url = reverse("admin:articles_article_send_back", args=[draft.pk])
    note = "Needs a second source.\nAnd check the <date>."
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"note": note}).status_code == 302
    (message,) = mail.outbox
    assert message.to == ["rui@newsroom.test"]
    assert (
        message.subject == "[The Newsroom] Sent back to you: Harbour dredging to start in spring"
    )
    assert "Edna Ryder sent your story back to you as a draft" in message.body
    assert note in message.body  # plain text mail: as written, not HTML-escaped
    assert f"https://news.example.org/admin/articles/article/{draft.pk}/change/" in message.body


@pytest.mark.parametrize(
    ("choice", "event"),
    [("on_published", "publish"), ("on_sent_back", "send_back")],
)
def test_a_reporter_who_opted_out_gets_no_mail(
    people, draft, choice, event, django_capture_on_commit_callbacks
):
    opt_out(people["reporter"], **{choice: False})
    draft.status = Article.Status.IN_REVIEW
    draft.save()
    with django_capture_on_commit_callbacks(execute=True):
        if event == "publish":
            workflow.publish(draft, by=people["editor"])
        else:
            workflow.send_back(draft, by=people["editor"], note="Why")
    assert mail.outbox == []


def test_a_headline_with_line_breaks_makes_a_one_line_subject(people):
    story = ArticleFactory(headline="Two\nlines", created_by=people["reporter"])
    message = notifications.message(
        notifications.PUBLISHED, story, people["reporter"], actor=people["editor"]
    )
    assert message.subject == "[The Newsroom] Published: Two lines"


# The mail server fails


def test_a_failing_mail_server_never_breaks_the_save(
    client, settings, caplog, people, draft, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.comment_helpers.BrokenEmailBackend"
    submit_in_the_desk(client, people["reporter"], draft, django_capture_on_commit_callbacks)
    draft.refresh_from_db()
    assert draft.status == Article.Status.IN_REVIEW
    # Each editor's mail was tried, retried and given up on its own (immediate backend).
    failures = [r for r in caplog.records if r.name == "articles.desk.tasks"]
    assert len(failures) == 2 * RETRY_ATTEMPTS
    assert caplog.text.count("failed 5 times; giving up") == 2


@pytest.mark.django_db(transaction=True)
def test_a_failed_mail_is_retried_after_the_back_off_for_that_person_only(settings, people):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = "tests.test_desk_notifications.FlakyEmailBackend"
    FlakyEmailBackend.fail_for = {"nils@newsroom.test"}
    draft = ArticleFactory(status="draft", publish_at=None, created_by=people["reporter"])
    workflow.submit_for_review(draft, by=people["reporter"])
    run_worker()  # the fan-out, then one job per editor
    assert [m.to for m in mail.outbox] == [["edna@newsroom.test"]]
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.task_path == "articles.desk.tasks.send_story_mail"
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after - timezone.now() > timezone.timedelta(seconds=50)
    # The server is back and the back-off has passed: only the one who missed it is mailed.
    FlakyEmailBackend.fail_for = set()
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_worker()
    assert [m.to for m in mail.outbox] == [["edna@newsroom.test"], ["nils@newsroom.test"]]
    assert not DBTaskResult.objects.filter(status="READY").exists()


class FlakyEmailBackend:
    """A mail server that refuses the addresses in `fail_for`, and delivers the rest."""

    fail_for = set()

    def __init__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        self.delivered = EmailBackend()

    def send_messages(self, messages):
        import smtplib

        for message in messages:
            if set(message.to) & self.fail_for:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (451, b"try later")})
        return self.delivered.send_messages(messages)


def test_tasks_are_importable_by_path_for_the_worker():
    for name in ("announce_submitted", "send_story_mail", "send_invitation"):
        assert getattr(tasks, name).module_path == f"articles.desk.tasks.{name}"


# My notifications


def test_an_editor_turns_review_mail_off_on_my_notifications(client, people):
    editor = people["editor"]
    client.force_login(editor)
    url = reverse("desk:notifications")
    page = client.get(url).content.decode()
    assert "edna@newsroom.test" in page
    assert 'name="on_submitted"' in page and "checked" in page
    response = client.post(url, {"on_published": "on", "on_sent_back": "on"})
    assert response.status_code == 302
    assert response["Location"] == url
    preference = NotificationPreference.objects.get(user=editor)
    assert (preference.on_submitted, preference.on_published, preference.on_sent_back) == (
        False,
        True,
        True,
    )
    assert editor.pk not in notifications.review_recipients()


def test_a_reporter_is_not_offered_review_mail(client, people):
    client.force_login(people["reporter"])
    url = reverse("desk:notifications")
    assert 'name="on_submitted"' not in client.get(url).content.decode()
    client.post(url, {"on_published": "on", "on_submitted": "on"})
    preference = NotificationPreference.objects.get(user=people["reporter"])
    assert (preference.on_published, preference.on_sent_back) == (True, False)


def test_my_notifications_is_in_the_user_menu_for_every_role(client, people):
    for user in people.values():
        client.force_login(user)
        assert reverse("desk:notifications") in client.get(reverse("admin:index")).content.decode()
        assert client.get(reverse("desk:notifications")).status_code == 200


def test_my_notifications_is_for_staff_only(client):
    url = reverse("desk:notifications")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    client.force_login(UserFactory(username="reader"))
    assert client.get(url)["Location"].startswith(reverse("admin:login"))


def test_my_notifications_page_query_count(client, people, django_assert_max_num_queries):
    client.force_login(people["editor"])
    url = reverse("desk:notifications")
    client.get(url)
    with django_assert_max_num_queries(7):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.post(url, {"on_published": "on"}).status_code == 302
