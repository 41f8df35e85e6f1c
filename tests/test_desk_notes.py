"""Editorial notes on a story and sending a story back: who may, what is kept, what is shown,
and that no note ever reaches anything a reader gets."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from articles.desk import roles, workflow
from articles.models import Article, EditorialNote
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, StaffFactory

pytestmark = pytest.mark.django_db

SECRET = "Zebrafinch7 lawyers say the second source is shaky"


@pytest.fixture
def editor():
    return StaffFactory(
        username="editor", first_name="Edna", last_name="Ryder", role=roles.EDITORS
    )


@pytest.fixture
def reporter():
    return StaffFactory(
        username="reporter", first_name="Rui", last_name="Pereira", role=roles.REPORTERS
    )


@pytest.fixture
def moderator():
    return StaffFactory(username="moderator", role=roles.MODERATORS)


@pytest.fixture
def in_review(reporter):
    return ArticleFactory(
        headline="Harbour dredging to start in spring",
        slug="harbour-dredging",
        status=Article.Status.IN_REVIEW,
        publish_at=None,
        created_by=reporter,
    )


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def send_back_url(article):
    return reverse("admin:articles_article_send_back", args=[article.pk])


def story_post(article, note="", **overrides):
    """What the story editor posts for `article`, with `note` in the new-note box."""
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body,
        "story_type": article.story_type,
        "section": article.section_id,
        "tags": "",
        "status": article.status,
        "comments_enabled": "on",
        "priority": "0",
        "articleauthor_set-TOTAL_FORMS": "0",
        "articleauthor_set-INITIAL_FORMS": "0",
        "related_links-TOTAL_FORMS": "0",
        "related_links-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "editorial_notes-TOTAL_FORMS": "1",
        "editorial_notes-INITIAL_FORMS": "0",
        "editorial_notes-0-text": note,
        # The version the form was opened on (articles.desk.conflicts): the one stored.
        "_version": stored_version(article),
    }
    data.update(overrides)
    return data


# The model


def test_notes_are_listed_newest_first_and_name_their_story():
    story = ArticleFactory(headline="Bridge closes")
    old = EditorialNote.objects.create(
        article=story, text="first", created_at=timezone.now() - timezone.timedelta(hours=1)
    )
    new = EditorialNote.objects.create(article=story, text="second")
    assert list(story.editorial_notes.all()) == [new, old]
    assert str(new).startswith("Bridge closes: Note (")


def test_a_note_goes_with_its_story_when_the_story_is_destroyed(editor):
    story = ArticleFactory()
    EditorialNote.objects.create(article=story, author=editor, text="x")
    workflow.trash(story, by=StaffFactory(is_superuser=True, username="root"))
    summary = dict(workflow.permanent_deletion_summary(story))
    assert summary["editorial notes"] == 1


# Writing notes in the story editor


def test_reporter_adds_a_note_with_the_story_signed_and_dated(client, reporter, in_review):
    client.force_login(reporter)
    response = client.post(change_url(in_review), story_post(in_review, note="Photos to follow."))
    assert response.status_code == 302
    note = EditorialNote.objects.get()
    assert (note.article, note.author, note.text, note.kind) == (
        in_review,
        reporter,
        "Photos to follow.",
        EditorialNote.Kind.NOTE,
    )
    assert timezone.now() - note.created_at < timezone.timedelta(minutes=1)


def test_saving_the_story_with_an_empty_note_box_writes_no_note(client, reporter, in_review):
    client.force_login(reporter)
    assert client.post(change_url(in_review), story_post(in_review)).status_code == 302
    assert not EditorialNote.objects.exists()


def test_a_story_form_without_the_notes_box_still_saves(client, reporter, in_review):
    data = story_post(in_review, headline="Harbour dredging delayed")
    for key in [k for k in data if k.startswith("editorial_notes-")]:
        del data[key]
    client.force_login(reporter)
    assert client.post(change_url(in_review), data).status_code == 302
    in_review.refresh_from_db()
    assert in_review.headline == "Harbour dredging delayed"


def test_a_refused_story_form_keeps_the_note_typed(client, reporter, in_review):
    client.force_login(reporter)
    response = client.post(
        change_url(in_review), story_post(in_review, note="Keep me, please.", headline="")
    )
    assert response.status_code == 200
    assert "Keep me, please." in response.content.decode()
    assert not EditorialNote.objects.exists()


def test_the_editor_shows_notes_newest_first_with_who_and_when_escaped(client, editor, in_review):
    EditorialNote.objects.create(
        article=in_review,
        author=editor,
        text="Older <script>alert(1)</script>\nsecond line",
        created_at=timezone.now() - timezone.timedelta(hours=2),
    )
    EditorialNote.objects.create(article=in_review, author=editor, text="Newer note")
    client.force_login(editor)
    page = client.get(change_url(in_review)).content.decode()
    notes = page[page.index('class="editorial-note-list"') :]
    assert notes.index("Newer note") < notes.index("Older")
    assert "<script>alert(1)</script>" not in page
    assert "Older &lt;script&gt;alert(1)&lt;/script&gt;<br>second line" in notes
    assert "Edna Ryder" in notes


def test_a_moderator_reads_the_notes_but_cannot_add_one(client, moderator, editor, in_review):
    EditorialNote.objects.create(article=in_review, author=editor, text="Check the quote")
    client.force_login(moderator)
    page = client.get(change_url(in_review)).content.decode()
    assert "Check the quote" in page
    assert 'name="editorial_notes-0-text"' not in page
    # A hand-made post changes nothing (the story is read-only for a moderator).
    response = client.post(change_url(in_review), story_post(in_review, note="sneaky"))
    assert response.status_code == 403
    assert EditorialNote.objects.count() == 1


def test_a_reporter_cannot_add_notes_to_a_story_that_is_no_longer_theirs(client, reporter):
    published = ArticleFactory(created_by=reporter)
    client.force_login(reporter)
    page = client.get(change_url(published)).content.decode()
    assert 'name="editorial_notes-0-text"' not in page
    client.post(change_url(published), story_post(published, note="sneaky"))
    assert not EditorialNote.objects.exists()


def test_notes_cannot_be_forged_in_anyone_elses_name(client, reporter, editor, in_review):
    client.force_login(reporter)
    data = story_post(
        in_review,
        note="mine",
        **{"editorial_notes-0-author": editor.pk, "editorial_notes-0-kind": "sent_back"},
    )
    assert client.post(change_url(in_review), data).status_code == 302
    note = EditorialNote.objects.get()
    assert (note.author, note.kind) == (reporter, EditorialNote.Kind.NOTE)


def test_existing_notes_cannot_be_edited_or_deleted_through_the_form(client, editor, in_review):
    note = EditorialNote.objects.create(article=in_review, author=editor, text="as written")
    client.force_login(editor)
    data = story_post(
        in_review,
        **{
            "editorial_notes-TOTAL_FORMS": "1",
            "editorial_notes-INITIAL_FORMS": "1",
            "editorial_notes-0-id": note.pk,
            "editorial_notes-0-text": "rewritten",
            "editorial_notes-0-DELETE": "on",
        },
    )
    client.post(change_url(in_review), data)
    note.refresh_from_db()
    assert note.text == "as written"


def test_story_editor_query_count_does_not_grow_with_notes(
    client, editor, in_review, django_assert_max_num_queries
):
    def queries_with(count):
        EditorialNote.objects.bulk_create(
            EditorialNote(article=in_review, author=editor, text=f"note {i}") for i in range(count)
        )
        client.force_login(editor)
        client.get(change_url(in_review))  # warm the permission caches
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(change_url(in_review)).status_code == 200
        return len(queries)

    few = queries_with(2)
    many = queries_with(40)
    print(f"story editor: {few} queries with 2 notes, {many} with 42")
    assert many == few
    with django_assert_max_num_queries(few):
        client.get(change_url(in_review))


# Sending a story back


def test_editor_sends_a_story_back_with_a_note(client, editor, reporter, in_review):
    client.force_login(editor)
    page = client.get(change_url(in_review)).content.decode()
    assert send_back_url(in_review) in page
    response = client.post(send_back_url(in_review), {"note": "Needs a second source."})
    assert response.status_code == 302
    assert response["Location"] == change_url(in_review)
    in_review.refresh_from_db()
    assert in_review.status == Article.Status.DRAFT
    note = EditorialNote.objects.get()
    assert (note.kind, note.author, note.text) == (
        EditorialNote.Kind.SENT_BACK,
        editor,
        "Needs a second source.",
    )
    # The revision records who sent it back.
    assert in_review.history.first().history_user == editor


def test_the_reporter_sees_why_the_story_came_back(client, editor, reporter, in_review):
    workflow.send_back(in_review, by=editor, note="Needs a second source.")
    client.force_login(reporter)
    page = client.get(change_url(in_review)).content.decode()
    assert "Sent back to draft by Edna Ryder" in page  # the message at the top
    assert "“Needs a second source.”" in page
    assert 'class="editorial-note editorial-note-sent_back"' in page
    # Once the reporter writes a note after it, the banner has said its piece.
    EditorialNote.objects.create(article=in_review, author=reporter, text="Done")
    assert "Sent back to draft by" not in client.get(change_url(in_review)).content.decode()


def test_send_back_needs_a_note_and_keeps_what_was_typed(client, editor, in_review):
    client.force_login(editor)
    response = client.post(send_back_url(in_review), {"note": "   "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == Article.Status.IN_REVIEW
    with pytest.raises(ValidationError):
        workflow.send_back(in_review, by=editor, note="")


def test_only_a_story_in_review_is_sent_back(client, editor):
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    published = ArticleFactory()
    client.force_login(editor)
    for story in (draft, published):
        assert send_back_url(story) not in client.get(change_url(story)).content.decode()
        response = client.post(send_back_url(story), {"note": "why"})
        assert response.status_code == 302
        story.refresh_from_db()
    assert (draft.status, published.status) == (Article.Status.DRAFT, Article.Status.PUBLISHED)
    assert not EditorialNote.objects.exists()
    with pytest.raises(ValidationError):
        workflow.send_back(published, by=editor, note="why")


@pytest.mark.parametrize("role", ["reporter", "moderator"])
def test_only_an_editor_sends_a_story_back(client, role, reporter, moderator, in_review):
    user = {"reporter": reporter, "moderator": moderator}[role]
    client.force_login(user)
    assert send_back_url(in_review) not in client.get(change_url(in_review)).content.decode()
    assert client.get(send_back_url(in_review)).status_code == 403
    assert client.post(send_back_url(in_review), {"note": "self-serve"}).status_code == 403
    in_review.refresh_from_db()
    assert in_review.status == Article.Status.IN_REVIEW
    with pytest.raises(PermissionDenied):
        workflow.send_back(in_review, by=user, note="self-serve")
    assert not EditorialNote.objects.exists()


def test_send_back_page_query_count(client, editor, in_review, django_assert_max_num_queries):
    for i in range(10):
        EditorialNote.objects.create(article=in_review, author=editor, text=f"note {i}")
    client.force_login(editor)
    client.get(send_back_url(in_review))
    with django_assert_max_num_queries(9):
        response = client.get(send_back_url(in_review))
    assert response.status_code == 200
    assert response.content.decode().count('class="editorial-note ') == 10


# Never in public output


def test_no_note_reaches_anything_a_reader_gets(client, editor, reporter):
    section = SectionFactory(name="Harbour", slug="harbour")
    author = AuthorFactory(name="Rui Pereira", slug="rui-pereira")
    story = ArticleFactory(
        headline="Harbour dredging starts",
        slug="harbour-dredging-starts",
        section=section,
        authors=[author],
        tags=["Dredging"],
        created_by=reporter,
    )
    draft = ArticleFactory(
        headline="Harbour draft", status=Article.Status.DRAFT, publish_at=None, section=section
    )
    for article in (story, draft):
        EditorialNote.objects.create(article=article, author=editor, text=SECRET)
        EditorialNote.objects.create(
            article=article, author=editor, text=SECRET, kind=EditorialNote.Kind.SENT_BACK
        )
    pages = [
        reverse("articles:home"),
        story.get_absolute_url(),
        reverse("articles:section", args=[section.slug]),
        reverse("articles:section_feed", args=[section.slug]),
        reverse("articles:tag", args=["dredging"]),
        reverse("articles:tag_feed", args=["dredging"]),
        reverse("articles:author", args=[author.slug]),
        reverse("articles:author_feed", args=[author.slug]),
        reverse("articles:feed"),
        reverse("articles:feed_atom"),
        reverse("articles:search") + "?q=lawyers+shaky",  # words of the note
        reverse("articles:search") + "?q=Harbour",
        reverse("news_sitemap"),
        reverse("sitemap"),
        *(
            reverse("sitemap_section", args=[name])
            for name in ("stories", "sections", "tags", "authors")
        ),
        reverse("articles:archive_year", args=[story.pub_date.year]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "Zebrafinch7" not in body, url
        assert "editorial-note" not in body, url
    client.cookies["sessionid"] = "anonymous"  # drawn afresh: a kept page has no context
    search = client.get(reverse("articles:search") + "?q=lawyers+shaky")
    assert list(search.context["object_list"]) == []
    # The JSON-LD of the story page says nothing of the notes either.
    page = client.get(story.get_absolute_url()).content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert blocks and all("Zebrafinch7" not in block for block in blocks)
    # Staff previews show the story as readers will see it: no notes.
    client.force_login(editor)
    for article in (story, draft):
        preview = client.get(reverse("articles:preview", args=[article.pk]))
        assert preview.status_code == 200
        assert "Zebrafinch7" not in preview.content.decode()


def stored_version(article):
    from articles.models import Article

    found = Article.objects.filter(pk=article.pk).values_list("version", flat=True).first()
    return found or 0
