"""Deleting a story moves it to the trash: gone for readers, kept whole, restorable.

Only a superuser deletes a story for good, from the trash, after a page that says what goes.
"""

import pytest
from django.contrib.admin.models import DELETION, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ProtectedError
from django.urls import reverse

from articles.desk import roles, workflow
from articles.models import Article, ArticleRedirect, Image
from comments.models import Comment, ModerationEvent
from comments.moderation import approve, reject
from tests.comment_helpers import post_comment
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    CorrectionFactory,
    ImageFactory,
    SectionFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return {
        "editor": StaffFactory(username="editor", role=roles.EDITORS),
        "reporter": StaffFactory(username="reporter", role=roles.REPORTERS),
        "moderator": StaffFactory(username="moderator", role=roles.MODERATORS),
        "root": UserFactory(username="root", is_staff=True, is_superuser=True),
    }


@pytest.fixture
def story(staff):
    """A live story with a picture, tags, an author, comments and their moderation record."""
    section = SectionFactory(name="City", slug="city")
    article = ArticleFactory(
        headline="Harbour wall gives way in the storm",
        slug="harbour-wall",
        section=section,
        tags=["Harbour"],
        authors=[AuthorFactory(slug="jane-reporter")],
        lead_image=ImageFactory(),
        created_by=staff["editor"],
    )
    ArticleRedirect.objects.create(old_path="/2020/01/01/old-harbour/", article=article)
    CorrectionFactory(article=article)
    kept = CommentFactory.build(article=article, status=Comment.Status.PENDING)
    approve(kept)  # filed by the policy: one event
    CommentFactory(article=article, parent=kept, body="A reply that stays too.")
    rejected = CommentFactory(article=article, status=Comment.Status.PENDING)
    reject(rejected, by=staff["moderator"], note="off topic")
    return article


def reader_pages(article):
    """Every reader address that lists or shows `article` while it is live."""
    return [
        "/",
        "/feed/",
        "/feed/atom/",
        "/section/city/",
        "/section/city/feed/",
        "/author/jane-reporter/",
        "/author/jane-reporter/feed/",
        f"/{article.pub_date:%Y/%m/%d}/",
        "/sitemap-stories.xml",
        "/news-sitemap.xml",
        "/search/?q=harbour",
    ]


def shows(client, url, article):
    response = client.get(url)
    assert response.status_code == 200, url
    return (
        article.headline in response.content.decode() or article.slug in response.content.decode()
    )


def login(client, user):
    client.force_login(user)
    return client


def test_editor_deletes_a_story_and_readers_lose_every_trace_of_it(client, staff, story):
    address = story.get_absolute_url()
    for url in reader_pages(story):
        assert shows(client, url, story), url  # the list is right: it is there while live
    comments = set(story.comments.values_list("pk", flat=True))
    events = ModerationEvent.objects.filter(comment__article=story).count()

    editor = login(client, staff["editor"])
    delete_url = reverse("admin:articles_article_delete", args=[story.pk])
    confirm = editor.get(delete_url)
    assert "goes to the trash" in confirm.content.decode()
    assert "Its 3 comments, its revisions and its moderation record are kept" in (
        confirm.content.decode()
    )
    response = editor.post(delete_url)
    assert response.status_code == 302
    client.logout()

    story.refresh_from_db()
    assert story.status == Article.Status.TRASHED
    assert story.status_before_trash == Article.Status.PUBLISHED
    assert story.trashed_by == staff["editor"]
    assert story.trashed_at is not None
    assert client.get(address).status_code == 404
    assert client.get("/2020/01/01/old-harbour/").status_code == 404
    assert client.get("/tag/harbour/").status_code == 404  # its only story is gone
    assert client.get("/tag/harbour/feed/").status_code == 404
    assert post_comment(client, story).status_code == 404
    for url in reader_pages(story):
        assert not shows(client, url, story), url
    # Nothing of what readers wrote, nor the audit trail, went with it.
    assert set(story.comments.values_list("pk", flat=True)) == comments
    assert ModerationEvent.objects.filter(comment__article=story).count() == events
    assert story.history.first().status == Article.Status.TRASHED
    assert story.history.first().history_user == staff["editor"]


def test_editor_restores_it_as_it_was_at_the_same_address(client, staff, story):
    address = story.get_absolute_url()
    workflow.trash(story, by=staff["editor"])
    editor = login(client, staff["editor"])
    page = editor.get(reverse("admin:articles_article_change", args=[story.pk])).content.decode()
    assert "This story is in the trash" in page
    assert "Restore from the trash" in page
    assert "Delete permanently" not in page  # not an editor's button
    assert 'name="_save"' not in page  # read-only while in the trash

    response = editor.post(reverse("admin:articles_article_restore", args=[story.pk]))
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.status == Article.Status.PUBLISHED
    assert (story.trashed_at, story.trashed_by, story.status_before_trash) == (None, None, "")
    assert story.get_absolute_url() == address
    client.logout()
    assert client.get(address).status_code == 200
    assert shows(client, "/", story)


def test_a_restored_draft_is_a_draft_again(staff):
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    workflow.trash(draft, by=staff["editor"])
    workflow.restore(draft, by=staff["editor"])
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert draft.pub_date is None


def test_changelist_hides_the_trash_until_asked_and_bulk_actions_move_both_ways(
    client, staff, story
):
    other = ArticleFactory()
    editor = login(client, staff["editor"])
    url = reverse("admin:articles_article_changelist")
    editor.post(url, {"action": "trash_selected", "_selected_action": [story.pk, other.pk]})
    assert set(Article.objects.values_list("status", flat=True)) == {"trashed"}

    assert list(editor.get(url).context["cl"].result_list) == []
    trash = editor.get(url, {"status": "trashed"})
    assert set(trash.context["cl"].result_list) == {story, other}
    assert "All but the trash" in trash.content.decode()

    editor.post(
        f"{url}?status=trashed", {"action": "restore_selected", "_selected_action": [story.pk]}
    )
    story.refresh_from_db()
    other.refresh_from_db()
    assert (story.status, other.status) == ("published", "trashed")


@pytest.mark.parametrize("who", ["reporter", "moderator"])
def test_below_editor_nobody_can_trash_a_published_story(client, staff, story, who):
    user = staff[who]
    desk = login(client, user)
    assert desk.get(reverse("admin:articles_article_delete", args=[story.pk])).status_code == 403
    assert desk.post(reverse("admin:articles_article_delete", args=[story.pk])).status_code == 403
    desk.post(
        reverse("admin:articles_article_changelist"),
        {"action": "trash_selected", "_selected_action": [story.pk]},
    )
    with pytest.raises(PermissionDenied):
        workflow.trash(story, by=user)
    story.refresh_from_db()
    assert story.status == Article.Status.PUBLISHED


def test_reporter_cannot_restore_either(client, staff, story):
    workflow.trash(story, by=staff["editor"])
    reporter = login(client, staff["reporter"])
    response = reporter.post(reverse("admin:articles_article_restore", args=[story.pk]))
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        workflow.restore(story, by=staff["reporter"])
    story.refresh_from_db()
    assert story.in_trash


def test_a_story_in_the_trash_is_neither_edited_nor_published(client, staff, story):
    workflow.trash(story, by=staff["editor"])
    with pytest.raises(ValidationError):
        workflow.publish(story, by=staff["editor"])
    with pytest.raises(PermissionDenied):
        workflow.check_save(staff["editor"], story)
    story.refresh_from_db()
    assert story.in_trash


def test_the_trash_is_not_a_status_the_form_offers(staff):
    assert Article.Status.TRASHED not in workflow.allowed_statuses(staff["editor"])
    assert Article.Status.TRASHED not in workflow.allowed_statuses(staff["root"])


def test_a_plain_delete_cannot_take_readers_comments_with_it(story):
    with pytest.raises(ProtectedError):
        story.delete()
    assert Article.objects.filter(pk=story.pk).exists()
    assert story.comments.count() == 3


def test_only_a_superuser_deletes_permanently(client, staff, story):
    workflow.trash(story, by=staff["editor"])
    url = reverse("admin:articles_article_delete_permanently", args=[story.pk])
    for who in ("editor", "reporter", "moderator"):
        desk = login(client, staff[who])
        assert desk.get(url).status_code == 403, who
        assert desk.post(url).status_code == 403, who
        with pytest.raises(PermissionDenied):
            workflow.delete_permanently(story, by=staff[who])
    assert Article.objects.filter(pk=story.pk).exists()
    assert story.comments.count() == 3


def test_permanent_deletion_needs_the_trash_first(client, staff, story):
    root = login(client, staff["root"])
    url = reverse("admin:articles_article_delete_permanently", args=[story.pk])
    assert root.post(url).status_code == 302
    with pytest.raises(ValidationError):
        workflow.delete_permanently(story, by=staff["root"])
    assert Article.objects.filter(pk=story.pk).exists()


def test_superuser_sees_what_goes_then_deletes_it_for_good(client, staff, story):
    image = story.lead_image
    stored = image.file.storage
    picture = stored.open(image.file.name).read()
    workflow.trash(story, by=staff["editor"])
    revisions = story.history.count()
    assert revisions >= 2  # created, trashed
    comment_ids = list(story.comments.values_list("pk", flat=True))
    root = login(client, staff["root"])
    change = root.get(reverse("admin:articles_article_change", args=[story.pk])).content.decode()
    assert "Delete permanently" in change

    url = reverse("admin:articles_article_delete_permanently", args=[story.pk])
    page = root.get(url).content.decode()
    for line in (
        "Comments: 3",
        "Moderation events: 2",
        f"Revisions: {revisions}",
        "Corrections: 1",
        "Old addresses: 1",
        "Images stay in the image library",
    ):
        assert line in page, line
    assert Article.objects.filter(pk=story.pk).exists()  # showing changed nothing

    assert root.post(url).status_code == 302
    assert not Article.objects.filter(pk=story.pk).exists()
    assert not Comment.objects.filter(pk__in=comment_ids).exists()
    assert not ModerationEvent.objects.filter(comment_id__in=comment_ids).exists()
    assert not Article.history.filter(id=story.pk).exists()
    assert LogEntry.objects.filter(
        action_flag=DELETION, object_id=str(story.pk), user=staff["root"]
    ).exists()
    # Shared pictures stay, file and all.
    assert Image.objects.filter(pk=image.pk, file=image.file.name).exists()
    assert stored.open(image.file.name).read() == picture
