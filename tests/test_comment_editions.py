"""Comments speak the edition of the story commented on.

The comment addresses (`/comments/post/<id>/`, `/comments/report/<id>/`) have no edition
prefix, so the request starts in the default edition's language: every answer (the form's
errors, the notice after posting, the too-many, closed, refused, too-large and outage pages)
is drawn in the story's language, and the reader lands back on the story in its edition.
"""

import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from comments.models import Comment
from tests.comment_helpers import BROWSER_UA, SAME_ORIGIN, _fresh_cache, form_data  # noqa: F401
from tests.factories import ArticleFactory, CommentFactory
from tests.test_faults import database_down

pytestmark = pytest.mark.django_db

ARABIC_PAGE = '<html lang="ar" dir="rtl">'
TEXT = "تعليقي على خبر المجلس."


@pytest.fixture
def story():
    return ArticleFactory(language="ar", headline="المجلس يقر خطة الإسكان")


def arabic(message):
    with translation.override("ar"):
        translated = translation.gettext(message)
    assert translated != message  # the catalogue has it: the check below can fail
    return translated


def post(client, story, data=None, origin=SAME_ORIGIN, **headers):
    return client.post(
        reverse("comments:post", kwargs={"article_id": story.pk}),
        form_data(story, body=TEXT) if data is None else data,
        HTTP_USER_AGENT=BROWSER_UA,
        HTTP_ORIGIN=origin,
        **headers,
    )


def test_a_rejected_comment_answers_in_the_storys_language_with_the_text_kept(client, story):
    response = post(client, story, form_data(story, email="", body=TEXT))
    assert response.status_code == 400
    page = response.content.decode()
    assert ARABIC_PAGE in page
    assert TEXT in page
    assert arabic("This field is required.") in page
    assert "This field is required." not in page


def test_the_same_rejection_on_an_english_story_is_english(client):
    story = ArticleFactory(language="en")
    response = post(client, story, form_data(story, email="", body="My comment."))
    page = response.content.decode()
    assert '<html lang="en" dir="ltr">' in page
    assert "This field is required." in page


def test_after_posting_the_reader_lands_on_the_story_in_its_edition_and_reads_arabic(
    client, story
):
    response = post(client, story)
    assert response.status_code == 302
    assert response["Location"] == f"/ar{story.get_absolute_url()[3:]}#comments"
    page = client.get(response["Location"]).content.decode()
    assert ARABIC_PAGE in page
    assert arabic("Thank you. Your comment is awaiting moderation.") in page
    assert Comment.objects.get().article == story


def test_too_many_comments_answers_in_arabic(client, story, settings):
    settings.COMMENTS_RATE_LIMIT = 1
    post(client, story, form_data(story, body="الأول"))
    response = post(client, story)
    assert response.status_code == 429
    page = response.content.decode()
    assert ARABIC_PAGE in page and TEXT in page
    assert arabic("Too many comments") in page


def test_closed_comments_answer_in_arabic(client, story):
    story.comments_enabled = False
    story.save()
    response = post(client, story)
    assert response.status_code == 403
    page = response.content.decode()
    assert ARABIC_PAGE in page and TEXT in page
    assert arabic("Comments are closed") in page


def test_a_post_from_another_site_is_refused_in_arabic(client, story):
    response = post(client, story, origin="https://elsewhere.example")
    assert response.status_code == 403
    page = response.content.decode()
    assert ARABIC_PAGE in page
    assert arabic("Comment not accepted") in page
    assert Comment.objects.count() == 0


def test_a_comment_too_large_to_read_answers_in_arabic(client, story, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    data = form_data(story, body=TEXT + " نص طويل" * 5_000)
    response = client.post(
        reverse("comments:post", kwargs={"article_id": story.pk}),
        urlencode(data),
        content_type="application/x-www-form-urlencoded",
        HTTP_USER_AGENT=BROWSER_UA,
        HTTP_ORIGIN=SAME_ORIGIN,
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert ARABIC_PAGE in page and TEXT in page
    assert arabic("Your comment is too long") in page


def test_during_an_outage_the_comment_comes_back_in_the_language_of_the_page_it_came_from(
    client, story
):
    # No query may run: the story's edition is read from the page the reader posted from.
    back = f"{SAME_ORIGIN}{story.get_absolute_url()}"
    with connection.execute_wrapper(database_down):
        response = post(client, story, HTTP_REFERER=back)
    assert response.status_code == 503
    page = response.content.decode()
    assert ARABIC_PAGE in page and TEXT in page
    assert arabic("Your comment is not sent yet") in page
    assert f'href="{back}"' in page
    assert 'href="/ar/"' in page  # the front page of the reader's edition
    assert 'href="/"' not in page


def test_during_an_outage_with_no_referer_the_default_edition_answers(client, story):
    with connection.execute_wrapper(database_down):
        response = post(client, story)
    page = response.content.decode()
    assert response.status_code == 503
    assert '<html lang="en" dir="ltr">' in page and TEXT in page


def test_a_report_notice_speaks_the_storys_language(client, story):
    comment = CommentFactory(article=story)
    response = client.post(
        reverse("comments:report", kwargs={"pk": comment.pk}), HTTP_ORIGIN=SAME_ORIGIN
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/ar/")
    page = client.get(response["Location"]).content.decode()
    assert arabic("Thank you. A moderator will look at this comment.") in page


def test_a_report_during_an_outage_answers_in_the_language_of_the_page(client, story):
    comment = CommentFactory(article=story)
    with connection.execute_wrapper(database_down):
        response = client.post(
            reverse("comments:report", kwargs={"pk": comment.pk}),
            HTTP_ORIGIN=SAME_ORIGIN,
            HTTP_REFERER=f"{SAME_ORIGIN}{story.get_absolute_url()}",
        )
    assert response.status_code == 503
    assert re.search(r'<html lang="ar" dir="rtl">', response.content.decode())
