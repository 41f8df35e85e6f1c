"""The image library in the desk: the focal point, duplicates, usage, several uploads at once,
alt text before use, and the lead-image picker."""

import html
import importlib
import json
import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.desk import roles
from articles.models import Article, Image
from tests.factories import (
    ArticleFactory,
    ImageFactory,
    SectionFactory,
    StaffFactory,
    image_bytes,
    picture_file,
)
from tests.test_images import png_header_only

pytestmark = pytest.mark.django_db

ADD = "admin:articles_image_add"


@pytest.fixture
def editor():
    return StaffFactory(username="editor", role=roles.EDITORS)


@pytest.fixture
def reporter():
    return StaffFactory(username="reporter", role=roles.REPORTERS)


@pytest.fixture
def moderator():
    return StaffFactory(username="moderator", role=roles.MODERATORS)


def logged_in(client, user):
    client.force_login(user)
    return client


def upload(data, name="upload.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def errors_of(response):
    return html.unescape(response.content.decode())


# --- The focal point on the image's page ------------------------------------------------------


def test_the_image_page_offers_the_picture_to_click_and_the_two_fields(client, editor):
    image = ImageFactory(uploaded_by=editor)
    page = logged_in(client, editor).get(reverse("admin:articles_image_change", args=[image.pk]))
    content = page.content.decode()
    assert 'class="focal-picker"' in content and "articles/focal-point.js" in content
    assert 'name="focal_x"' in content and 'name="focal_y"' in content  # works without JS
    for ratio in ("16:9", "4:3", "1:1"):
        assert f"<figcaption>{ratio}</figcaption>" in content
    # A new upload has no point to click yet.
    add = client.get(reverse(ADD)).content.decode()
    assert 'name="focal_x"' not in add and "focal-picker" not in add


def test_setting_the_focal_point_without_javascript_recuts_the_crops(
    client, editor, django_capture_on_commit_callbacks
):
    image = ImageFactory(file=picture_file(size=(1200, 800)), uploaded_by=editor)
    url = reverse("admin:articles_image_change", args=[image.pk])
    data = {
        "alt_text": image.alt_text,
        "caption": "",
        "credit": "",
        "focal_x": "0.1",
        "focal_y": "0.9",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(client, editor).post(url, data)
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.focal_point == (0.1, 0.9) and image.crops_current
    assert image.crops["1:1"]["box"] == [0, 0, 800, 800]
    assert image.crops["16:9"]["box"] == [0, 125, 1200, 800]


@pytest.mark.parametrize("value", ["1.5", "-0.1", "left"])
def test_a_focal_point_off_the_picture_is_refused(client, editor, value):
    image = ImageFactory(uploaded_by=editor)
    url = reverse("admin:articles_image_change", args=[image.pk])
    data = {"alt_text": image.alt_text, "focal_x": value, "focal_y": "0.5"}
    response = logged_in(client, editor).post(url, data)
    assert response.status_code == 200 and response.context["errors"]
    image.refresh_from_db()
    assert image.focal_point == (0.5, 0.5)


# --- Duplicates -------------------------------------------------------------------------------


def test_an_upload_byte_for_byte_an_existing_image_is_refused_with_a_link_to_it(client, editor):
    data = image_bytes(size=(300, 200), color=(1, 2, 3))
    client = logged_in(client, editor)
    first = client.post(reverse(ADD), {"file": upload(data, "first.jpg"), "alt_text": "Quay"})
    assert first.status_code == 302
    existing = Image.objects.get()
    assert len(existing.sha256) == 64

    again = client.post(
        reverse(ADD),
        {"file": upload(data, "again.jpg"), "alt_text": "The quay again", "credit": "Desk"},
    )
    assert again.status_code == 200
    page = errors_of(again)
    assert "This picture is already in the library as “Quay”." in page
    assert f'href="{reverse("admin:articles_image_change", args=[existing.pk])}"' in page
    assert 'value="The quay again"' in page and 'value="Desk"' in page  # nothing typed is lost
    assert Image.objects.count() == 1


def test_the_stored_file_uploaded_again_is_a_duplicate_too(client, editor):
    existing = ImageFactory(file=picture_file(size=(300, 200)))
    with default_storage.open(existing.file.name) as stored:
        data = stored.read()
    response = logged_in(client, editor).post(
        reverse(ADD), {"file": upload(data, "downloaded.jpg"), "alt_text": "Quay"}
    )
    assert "already in the library" in errors_of(response)
    assert Image.objects.count() == 1


def test_a_different_picture_is_not_a_duplicate(client, editor):
    ImageFactory(file=picture_file(size=(300, 200), color=(1, 2, 3)))
    response = logged_in(client, editor).post(
        reverse(ADD),
        {"file": picture_file(size=(300, 200), color=(9, 9, 9)), "alt_text": "Another"},
    )
    assert response.status_code == 302 and Image.objects.count() == 2


def test_in_the_story_forms_popup_a_duplicate_offers_to_use_the_existing_image(client, editor):
    existing = ImageFactory(file=picture_file(size=(300, 200), color=(5, 5, 5)))
    client = logged_in(client, editor)
    response = client.post(
        reverse(ADD) + "?_to_field=id&_popup=1",
        {
            "file": picture_file(size=(300, 200), color=(5, 5, 5)),
            "alt_text": "x",
            "_popup": "1",
            "_to_field": "id",
        },
    )
    use = reverse("admin:articles_image_use", args=[existing.pk]) + "?_popup=1&amp;_to_field=id"
    assert f'href="{use}"' in response.content.decode() and "Use that one" in errors_of(response)

    chosen = client.get(html.unescape(use))
    assert chosen.status_code == 200
    data = json.loads(
        html.unescape(re.search(r'data-popup-response="([^"]+)"', chosen.content.decode())[1])
    )
    assert data == {"value": str(existing.pk), "obj": str(existing)}


def test_use_outside_a_popup_or_without_alt_text_goes_to_the_images_page(client, editor):
    image = ImageFactory(alt_text="")
    client = logged_in(client, editor)
    change = reverse("admin:articles_image_change", args=[image.pk])
    use = reverse("admin:articles_image_use", args=[image.pk])
    assert client.get(use + "?_popup=1")["Location"] == change
    image.alt_text = "Described"
    image.save()
    assert client.get(use)["Location"] == change


def test_the_backfill_hashes_the_images_already_stored():
    migration = importlib.import_module("articles.migrations.0010_image_focal_point_crops_sha256")
    image = ImageFactory()
    expected = image.sha256
    Image.objects.filter(pk=image.pk).update(sha256="")
    missing = ImageFactory(file=picture_file(size=(50, 50), color=(7, 7, 7)))
    Image.objects.filter(pk=missing.pk).update(sha256="")
    default_storage.delete(missing.file.name)  # a file lost from the storage: skipped

    from django.apps import apps

    migration.hash_stored_files(apps, None)
    assert Image.objects.get(pk=image.pk).sha256 == expected
    assert Image.objects.get(pk=missing.pk).sha256 == ""


# --- Where an image is used -------------------------------------------------------------------


def use_in_stories(image, count, **extra):
    section = SectionFactory(slug="city")
    return [
        ArticleFactory(section=section, lead_image=image, headline=f"Ferry story {n}", **extra)
        for n in range(count)
    ]


def test_an_images_page_lists_the_stories_using_it_with_links(client, editor, reporter):
    image = ImageFactory(uploaded_by=editor)
    published = use_in_stories(image, 2, created_by=editor)
    draft = ArticleFactory(
        lead_image=image,
        headline="Colleague's draft",
        status=Article.Status.DRAFT,
        publish_at=None,
        created_by=editor,
        section=published[0].section,
    )
    ArticleFactory(lead_image=None, section=published[0].section)  # not using it
    url = reverse("admin:articles_image_change", args=[image.pk])

    content = logged_in(client, editor).get(url).content.decode()
    for story in (*published, draft):
        assert f'href="{reverse("admin:articles_article_change", args=[story.pk])}"' in content
    assert "(Draft)" in content and "(Published)" in content

    # A reporter is not shown a colleague's draft, only that one more story uses the picture.
    content = logged_in(client, reporter).get(url).content.decode()
    assert "Colleague&#x27;s draft" not in content and "Ferry story 0" in content
    assert "And 1 more story not listed here." in content


def test_an_unused_image_says_so(client, editor):
    image = ImageFactory()
    content = logged_in(client, editor).get(
        reverse("admin:articles_image_change", args=[image.pk])
    )
    assert "No story uses this picture yet." in content.content.decode()


@pytest.mark.parametrize("count", [1, 40])
def test_the_usage_list_costs_the_same_whatever_the_number_of_stories(
    client, editor, count, django_assert_max_num_queries
):
    image = ImageFactory(uploaded_by=editor)
    use_in_stories(image, count)
    client = logged_in(client, editor)
    url = reverse("admin:articles_image_change", args=[image.pk])
    client.get(url)  # warm the content-type and permission caches
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert len(response.context["usage"]["stories"]) == min(count, 20)
    assert response.context["usage"]["total"] == count


@pytest.mark.parametrize("extra", [0, 60])
def test_the_image_list_counts_uses_and_flags_missing_alt_text(
    client, editor, extra, django_assert_max_num_queries
):
    used = ImageFactory(caption="Used twice")
    use_in_stories(used, 2)
    ImageFactory(alt_text="", caption="Waiting")
    Image.objects.bulk_create(
        Image(file=f"images/old/{n}.jpg", alt_text=f"Old picture {n}", width=8, height=6)
        for n in range(extra)
    )
    client = logged_in(client, editor)
    url = reverse("admin:articles_image_changelist")
    client.get(url)
    # Session, user, two-factor device, permissions (2), "missing alt text", the two counts,
    # the page of images (uses counted in it) and the date hierarchy (2): 3 images or 63.
    with django_assert_max_num_queries(11):
        content = client.get(url).content.decode()
    assert "2 stories" in content and "Needs alt text" in content
    assert reverse("admin:articles_image_upload") in content
    assert "Add alt text (1 picture)" in content
    missing = client.get(url + "?alt_text=missing").content.decode()
    assert "Waiting" in missing and "Used twice" not in missing


# --- Several at once --------------------------------------------------------------------------


def batch(*files, **extra):
    return {"files": list(files), **extra}


def test_several_pictures_at_once_a_bad_one_refused_with_its_reason_the_good_ones_kept(
    client, reporter, django_capture_on_commit_callbacks
):
    client = logged_in(client, reporter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:articles_image_upload"),
            batch(
                picture_file("harbour.jpg", size=(640, 480), color=(10, 20, 30)),
                upload(b"%PDF-1.4 not a picture", "notes.pdf", "application/pdf"),
                upload(png_header_only(50_000, 50_000), "bomb.png", "image/png"),
                picture_file("market.jpg", size=(480, 640), color=(30, 20, 10)),
                credit="Desk photographer",
            ),
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:articles_image_describe")
    uploaded = Image.objects.order_by("pk")
    assert [(i.width, i.height) for i in uploaded] == [(640, 480), (480, 640)]
    assert all(i.alt_text == "" and i.credit == "Desk photographer" for i in uploaded)
    assert all(i.uploaded_by == reporter and i.crops_current for i in uploaded)
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said[0].startswith("2 pictures uploaded: give each its alt text")
    assert any(m.startswith("notes.pdf: This file is not an image we can read") for m in said)
    assert any(m.startswith("bomb.png:") and "megapixels" in m for m in said)


def test_a_batch_with_only_bad_files_is_shown_again_with_each_reason(client, editor):
    existing = ImageFactory(file=picture_file(size=(100, 100), color=(4, 4, 4)))
    response = logged_in(client, editor).post(
        reverse("admin:articles_image_upload"),
        batch(
            upload(b"GIF89a but not really", "fake.gif", "image/gif"),
            picture_file("same.jpg", size=(100, 100), color=(4, 4, 4)),
            credit="Kept credit",
        ),
    )
    assert response.status_code == 200
    page = errors_of(response)
    assert "None of the pictures was uploaded." in page
    assert "fake.gif: This file is not an image we can read" in page
    assert "same.jpg: This picture is already in the library" in page
    assert reverse("admin:articles_image_change", args=[existing.pk]) in page
    assert 'value="Kept credit"' in page
    assert Image.objects.count() == 1


def test_the_pages_script_sends_one_file_a_request_and_reads_json(client, editor):
    client = logged_in(client, editor)
    url = reverse("admin:articles_image_upload")
    good = client.post(
        url, batch(picture_file("a.jpg", size=(64, 64))), HTTP_ACCEPT="application/json"
    )
    assert good.json()["uploaded"][0]["url"].startswith("/admin/articles/image/")
    assert good.json()["next"] == reverse("admin:articles_image_describe")
    bad = client.post(url, batch(upload(b"nope", "b.jpg")), HTTP_ACCEPT="application/json")
    assert bad.json()["uploaded"] == []
    assert bad.json()["refused"][0]["name"] == "b.jpg"
    assert "not an image we can read" in bad.json()["refused"][0]["reason"]
    nothing = client.post(url, {}, HTTP_ACCEPT="application/json")
    assert nothing.status_code == 400 and "files" in nothing.json()["errors"]


def test_only_who_may_add_images_may_upload_several(client, moderator):
    client = logged_in(client, moderator)
    assert client.get(reverse("admin:articles_image_upload")).status_code == 403
    response = client.post(reverse("admin:articles_image_upload"), batch(picture_file()))
    assert response.status_code == 403 and not Image.objects.exists()


def test_the_upload_page_has_a_multiple_file_input_and_its_script(client, editor):
    content = logged_in(client, editor).get(reverse("admin:articles_image_upload"))
    content = content.content.decode()
    assert re.search(r'<input type="file" name="files"[^>]* multiple', content)
    assert "articles/image-upload.js" in content


# --- Alt text before use ----------------------------------------------------------------------


def test_a_story_cannot_be_saved_with_a_picture_lacking_alt_text(client, editor):
    section = SectionFactory(slug="city")
    waiting = ImageFactory(alt_text="", caption="Harbour at dawn")
    data = {
        "headline": "Harbour reopens",
        "slug": "harbour-reopens",
        "section": section.pk,
        "status": "draft",
        "story_type": "news",
        "lead_image": waiting.pk,
        "priority": 0,
        "comments_enabled": "on",
        "articleauthor_set-TOTAL_FORMS": 0,
        "articleauthor_set-INITIAL_FORMS": 0,
        "related_links-TOTAL_FORMS": 0,
        "related_links-INITIAL_FORMS": 0,
        "corrections-TOTAL_FORMS": 0,
        "corrections-INITIAL_FORMS": 0,
    }
    client = logged_in(client, editor)
    refused = client.post(reverse("admin:articles_article_add"), data)
    assert refused.status_code == 200
    page = errors_of(refused)
    assert "“Harbour at dawn” has no alt text yet, so it cannot be used in a story." in page
    assert reverse("admin:articles_image_change", args=[waiting.pk]) in page
    assert 'value="Harbour reopens"' in refused.content.decode()
    assert not Article.objects.exists()

    waiting.alt_text = "Fishing boats in the harbour at dawn"
    waiting.save()
    assert client.post(reverse("admin:articles_article_add"), data).status_code == 302
    assert Article.objects.get().lead_image == waiting


def test_the_alt_text_page_lists_what_is_missing_and_saves_what_is_typed(client, reporter, editor):
    mine = [ImageFactory(alt_text="", uploaded_by=reporter, caption=f"Mine {n}") for n in range(2)]
    theirs = ImageFactory(alt_text="", uploaded_by=editor, caption="Theirs")
    ImageFactory(uploaded_by=reporter, caption="Described already")
    client = logged_in(client, reporter)
    url = reverse("admin:articles_image_describe")
    content = client.get(url).content.decode()
    assert "Mine 0" in content and "Mine 1" in content
    assert "Theirs" not in content and "Described already" not in content

    data = {
        "image": [mine[0].pk, mine[1].pk, theirs.pk],
        f"image-{mine[0].pk}-alt_text": "A crane over the quay",
        f"image-{mine[0].pk}-caption": "Mine 0",
        f"image-{mine[1].pk}-alt_text": "",  # later
        f"image-{mine[1].pk}-caption": "Mine 1, renamed",
        f"image-{theirs.pk}-alt_text": "Not yours to describe",
        f"image-{theirs.pk}-caption": "Theirs",
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url  # one still to do
    mine[0].refresh_from_db(), mine[1].refresh_from_db(), theirs.refresh_from_db()
    assert mine[0].alt_text == "A crane over the quay"
    assert mine[1].alt_text == "" and mine[1].caption == "Mine 1, renamed"
    assert theirs.alt_text == ""  # a reporter changes only their own uploads


def test_the_alt_text_page_is_for_who_may_change_images(client, moderator):
    assert (
        logged_in(client, moderator).get(reverse("admin:articles_image_describe")).status_code
        == 403
    )


@pytest.mark.parametrize("count", [3, 45])
def test_the_alt_text_page_costs_the_same_whatever_the_number_waiting(
    client, editor, count, django_assert_max_num_queries
):
    for n in range(count):
        ImageFactory(alt_text="", file=picture_file(size=(40, 30), color=(n, 0, 0)))
    client = logged_in(client, editor)
    url = reverse("admin:articles_image_describe")
    client.get(url)
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert len(response.context["rows"]) == count


# --- The lead-image picker --------------------------------------------------------------------


def picker(client, term):
    return client.get(
        reverse("admin:articles_image_picker"),
        {
            "term": term,
            "app_label": "articles",
            "model_name": "article",
            "field_name": "lead_image",
        },
    )


def test_the_picker_searches_caption_alt_text_and_credit_and_sends_thumbnails(client, editor):
    by_caption = ImageFactory(caption="Tram depot opening", alt_text="Crowd", credit="A. Lens")
    by_alt = ImageFactory(caption="", alt_text="Tram in the snow", credit="B. Shutter")
    by_credit = ImageFactory(caption="Bridge", alt_text="Bridge at night", credit="Tram Photos")
    waiting = ImageFactory(caption="Tram without words", alt_text="")
    ImageFactory(caption="Harbour", alt_text="Boats", credit="C. Frame")
    client = logged_in(client, editor)
    results = picker(client, "tram").json()["results"]
    assert {r["id"] for r in results} == {
        str(i.pk) for i in (by_caption, by_alt, by_credit, waiting)
    }
    found = {r["id"]: r for r in results}
    assert found[str(by_credit.pk)]["thumb"] == by_credit.rendition_url(320)
    assert found[str(by_credit.pk)]["credit"] == "Tram Photos"
    assert "disabled" not in found[str(by_alt.pk)]
    assert found[str(waiting.pk)]["disabled"] is True
    assert "Needs alt text" in found[str(waiting.pk)]["note"]


def test_the_picker_keeps_the_admins_checks(client, editor):
    ImageFactory()
    assert picker(client, "").status_code == 302  # not signed in
    client = logged_in(client, editor)
    bad = client.get(
        reverse("admin:articles_image_picker"),
        {"app_label": "articles", "model_name": "article", "field_name": "headline"},
    )
    assert bad.status_code == 403


def test_the_story_form_draws_the_lead_image_as_the_picker(client, editor):
    content = logged_in(client, editor).get(reverse("admin:articles_article_add"))
    content = content.content.decode()
    select = re.search(r'<select name="lead_image"[^>]*>', content)[0]
    assert 'class="image-picker"' in select  # not Django's "admin-autocomplete" class
    assert f'data-ajax--url="{reverse("admin:articles_image_picker")}"' in select
    assert "articles/image-picker.js" in content


# --- No dead ends -----------------------------------------------------------------------------

LINK = re.compile(r'href="(/admin/[^"#]*)"')


@pytest.mark.parametrize("role", [roles.EDITORS, roles.REPORTERS, roles.MODERATORS])
def test_every_library_page_a_role_opens_links_only_to_pages_it_may_open(client, role):
    user = StaffFactory(username="someone", role=role)
    editor = StaffFactory(username="editor", role=roles.EDITORS)
    image = ImageFactory(uploaded_by=editor)
    use_in_stories(image, 2, created_by=editor)
    ArticleFactory(
        lead_image=image,
        status=Article.Status.DRAFT,
        publish_at=None,
        created_by=editor,
        section=SectionFactory(slug="city"),
    )
    ImageFactory(alt_text="", uploaded_by=user)
    client = logged_in(client, user)
    pages = [
        reverse("admin:articles_image_changelist"),
        reverse("admin:articles_image_change", args=[image.pk]),
        reverse("admin:articles_image_upload"),
        reverse("admin:articles_image_describe"),
    ]
    dead = {}
    for page in pages:
        response = client.get(page)
        if response.status_code != 200:
            continue
        for href in set(LINK.findall(response.content.decode())):
            href = html.unescape(href)
            if "logout" in href:
                continue
            answer = client.get(href)
            if answer.status_code == 302:
                assert not answer["Location"].startswith(reverse("admin:login")), href
                answer = client.get(answer["Location"])
            if answer.status_code != 200:
                dead[href] = (answer.status_code, page)
    assert dead == {}


def test_the_alt_text_page_never_clears_a_text_given_meanwhile(client, editor):
    image = ImageFactory(alt_text="", uploaded_by=editor, caption="Crane")
    client = logged_in(client, editor)
    url = reverse("admin:articles_image_describe")
    assert "Crane" in client.get(url).content.decode()
    Image.objects.filter(pk=image.pk).update(alt_text="Described by a colleague")
    response = client.post(
        url,
        {
            "image": [image.pk],
            f"image-{image.pk}-alt_text": "",
            f"image-{image.pk}-caption": "Crane",
        },
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.alt_text == "Described by a colleague"
