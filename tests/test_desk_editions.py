"""Desks limited to some editions: an "Arabic desk" sees, changes and publishes only Arabic
stories, wherever a story is reached (articles.desk.editions, through articles.desk.workflow)."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.desk import editions, workflow
from articles.desk.editions import EditionsBackend, editions_for, limit_of, set_editions
from articles.desk.translate import target_languages, translate
from articles.models import Article, DeskEditions, RelatedLink
from tests.desk_helpers import change_url, open_story, stored
from tests.factories import ArticleFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

HOUR = timezone.timedelta(hours=1)


def desk(name, role, languages):
    """A group with a newsroom role's permissions, limited to `languages`."""
    group = Group.objects.create(name=name)
    group.permissions.set(Group.objects.get(name=role).permissions.all())
    DeskEditions.objects.create(group=group, languages=languages)
    return group


def member(username, group):
    user = StaffFactory(username=username)
    user.groups.add(group)
    return user


@pytest.fixture
def layla():
    """An editor of the Arabic desk."""
    return member("layla", desk("Arabic editors", "Editors", ["ar"]))


@pytest.fixture
def samir():
    """A reporter of the Arabic desk."""
    return member("samir", desk("Arabic reporters", "Reporters", ["ar"]))


@pytest.fixture
def stories(samir):
    return {
        "en": ArticleFactory(headline="Ferry timetable changes", slug="ferry"),
        "en_review": ArticleFactory(
            headline="Harbour wall report", slug="harbour", status=Article.Status.IN_REVIEW
        ),
        "en_planned": ArticleFactory(
            headline="Budget day", slug="budget", publish_at=timezone.now() + 2 * HOUR
        ),
        "ar": ArticleFactory(headline="جدول العبارات", slug="ferry-ar", language="ar"),
        "ar_review": ArticleFactory(
            headline="تقرير سور الميناء",
            slug="harbour-ar",
            language="ar",
            status=Article.Status.IN_REVIEW,
            created_by=samir,
        ),
        "ar_planned": ArticleFactory(
            headline="يوم الميزانية",
            slug="budget-ar",
            language="ar",
            publish_at=timezone.now() + 2 * HOUR,
        ),
    }


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


# The rule


def test_who_works_on_which_editions(layla):
    assert editions_for(layla) == ["ar"]
    assert editions_for(UserFactory(username="root", is_superuser=True)) == ["en", "ar"]
    assert editions_for(StaffFactory(username="ed", role="Editors")) == ["en", "ar"]
    assert editions_for(StaffFactory(username="solo")) == ["en", "ar"]  # in no group
    both = member("both", Group.objects.get(name="Editors"))
    both.groups.add(Group.objects.get(name="Arabic editors"))
    assert editions_for(both) == ["en", "ar"]  # one of their groups has no limit
    two = member("two", desk("English desk", "Reporters", ["en"]))
    two.groups.add(Group.objects.get(name="Arabic editors"))
    assert editions_for(two) == ["en", "ar"]  # the union, in the editions' order


@pytest.mark.parametrize("other", ["Moderators", "Chief editors"])
def test_a_group_that_works_on_no_story_opens_no_edition(layla, other):
    """Moderating comments or managing staff too does not lift an Arabic desk's limit."""
    layla.groups.add(Group.objects.get(name=other))
    assert editions_for(User.objects.get(pk=layla.pk)) == ["ar"]
    loaded = EditionsBackend().get_user(layla.pk)
    assert loaded.desk_limited is True and limit_of(loaded) == ["ar"]


def test_the_signed_in_user_says_whether_they_are_limited_in_the_query_that_loads_them(
    layla, django_assert_num_queries
):
    everyone = StaffFactory(username="ed", role="Editors")
    backend = EditionsBackend()
    loaded = backend.get_user(everyone.pk)
    with django_assert_num_queries(0):
        assert limit_of(loaded) is None
    loaded = backend.get_user(layla.pk)
    assert loaded.desk_limited is True
    with django_assert_num_queries(1):
        assert limit_of(loaded) == ["ar"]
        assert limit_of(loaded) == ["ar"]  # kept for the request


# Every entry point: the change list, the change view, the add form, the save


def test_the_story_list_shows_only_the_desks_editions(layla, stories):
    response = logged_in(layla).get(reverse("admin:articles_article_changelist"))
    shown = {story.headline for story in response.context["cl"].result_list}
    assert shown == {"جدول العبارات", "تقرير سور الميناء", "يوم الميزانية"}
    response = logged_in(layla).get(reverse("admin:articles_article_changelist") + "?language=en")
    assert list(response.context["cl"].result_list) == []


def test_another_editions_story_is_not_found_and_its_own_opens(layla, stories):
    client = logged_in(layla)
    response = client.get(change_url(stories["en"]))
    assert response.status_code == 302  # the admin's "does not exist" answer
    assert response["Location"] == reverse("admin:index")
    assert client.get(change_url(stories["ar"])).status_code == 200


def test_a_post_to_another_editions_story_changes_nothing(layla, stories):
    editor_client = logged_in(StaffFactory(username="ed", role="Editors"))
    data = open_story(editor_client, stories["en"])
    data["headline"] = "Changed by the Arabic desk"
    logged_in(layla).post(change_url(stories["en"]), data)
    assert stored(stories["en"]).headline == "Ferry timetable changes"


def test_the_add_form_offers_the_desks_editions_and_starts_in_the_first(layla):
    response = logged_in(layla).get(reverse("admin:articles_article_add"))
    language = response.context["adminform"].form.fields["language"]
    assert [value for value, _label in language.choices] == ["ar"]
    assert response.context["adminform"].form["language"].value() == "ar"


def test_a_new_story_in_another_edition_is_refused_even_when_posted(layla, stories):
    client = logged_in(layla)
    data = {
        "language": "en",
        "headline": "Posted in English",
        "slug": "posted",
        "section": stories["en"].section_id,
        "story_type": "news",
        "status": "draft",
        "priority": "0",
        "comments_enabled": "on",
        "_save": "Save",
    }
    for prefix in ("articleauthor_set", "related_links", "corrections", "editorial_notes"):
        data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"] = "0"
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "language" in response.context["adminform"].form.errors
    assert not Article.objects.filter(slug="posted").exists()
    # The save refuses it too, whatever the form did.
    with pytest.raises(PermissionDenied):
        workflow.check_save(layla, Article(language="en", headline="x", slug="x"))
    workflow.check_save(layla, Article(language="ar", headline="x", slug="x"))


def test_a_story_cannot_be_moved_to_another_edition(layla, stories):
    client = logged_in(layla)
    data = open_story(client, stories["ar"])
    data["language"] = "en"
    client.post(change_url(stories["ar"]), data)
    assert stored(stories["ar"]).language == "ar"


# Workflow moves, through the plain functions and through the admin


@pytest.mark.parametrize(
    "move",
    [
        lambda story, by: workflow.publish(story, by=by),
        lambda story, by: workflow.unpublish(story, by=by),
        lambda story, by: workflow.schedule(story, timezone.now() + 3 * HOUR, by=by),
        lambda story, by: workflow.submit_for_review(story, by=by),
        lambda story, by: workflow.send_back(story, by=by, note="Shorter, please."),
        lambda story, by: workflow.trash(story, by=by),
    ],
    ids=["publish", "unpublish", "schedule", "submit", "send_back", "trash"],
)
def test_no_workflow_move_on_another_editions_story(layla, stories, move):
    story = ArticleFactory(
        headline="An English draft", slug="draft", status=Article.Status.DRAFT, publish_at=None
    )
    for candidate in (story, stories["en_review"]):
        before = stored(candidate).status
        with pytest.raises(PermissionDenied):
            move(candidate, layla)
        assert stored(candidate).status == before


def test_workflow_moves_on_the_desks_own_stories(layla, samir, stories):
    draft = ArticleFactory(
        headline="مسودة",
        slug="draft-ar",
        language="ar",
        status=Article.Status.DRAFT,
        publish_at=None,
        created_by=samir,
    )
    workflow.submit_for_review(draft, by=samir)
    workflow.send_back(draft, by=layla, note="أقصر من فضلك")
    workflow.publish(stored(draft), by=layla)
    assert stored(draft).is_published
    workflow.unpublish(stored(draft), by=layla)
    assert stored(draft).status == Article.Status.UNPUBLISHED


def test_the_bulk_publish_action_skips_another_editions_story(layla, stories):
    draft = ArticleFactory(
        headline="An English draft", slug="draft", status=Article.Status.DRAFT, publish_at=None
    )
    logged_in(layla).post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    assert stored(draft).status == Article.Status.DRAFT


@pytest.mark.parametrize(
    "name, method",
    [
        ("schedule", "get"),
        ("send_back", "get"),
        ("history", "get"),
        ("compare", "get"),
        ("autosave", "get"),
        ("autosave", "post"),
        ("autosave_discard", "post"),
        ("preview", "post"),
        ("presence", "post"),
        ("take_over", "post"),
        ("release", "post"),
        ("restore", "post"),
        ("translate", "post"),
    ],
)
def test_the_story_pages_endpoints_do_not_answer_for_another_editions_story(
    layla, stories, name, method
):
    def ask(story):
        url = reverse(f"admin:articles_article_{name}", args=[story.pk])
        data = {"language": "ar"} if name == "translate" else {}
        if name == "compare":
            data = {"old": story.history.first().history_id}
        return getattr(logged_in(layla), method)(url, data)

    assert ask(stories["en_review"]).status_code == 404
    # Its own story answers (nothing autosaved for it: the autosave's own 404).
    assert ask(stories["ar_review"]).status_code != 404 or name == "autosave"


def test_a_revision_of_another_editions_story_is_not_shown(layla, stories):
    revision = stories["en"].history.first()
    url = reverse(
        "admin:articles_article_simple_history",
        args=[stories["en"].pk, revision.history_id],
    )
    assert logged_in(layla).get(url).status_code == 404


def test_keep_theirs_on_another_editions_story_keeps_nothing(layla, stories):
    editor_client = logged_in(StaffFactory(username="ed", role="Editors"))
    data = open_story(editor_client, stories["en"])
    data["_conflict"] = "keep_theirs"
    revisions = stories["en"].history.count()
    logged_in(layla).post(change_url(stories["en"]), data)
    assert stories["en"].history.count() == revisions


def test_the_reader_sites_preview_of_another_editions_draft_is_not_found(layla, stories):
    draft = ArticleFactory(headline="Draft", slug="d", status=Article.Status.DRAFT)
    client = logged_in(layla)
    assert client.get(reverse("articles:preview", kwargs={"pk": draft.pk})).status_code == 404
    own = ArticleFactory(headline="مسودة", slug="d-ar", language="ar", status="draft")
    assert client.get(reverse("articles:preview", kwargs={"pk": own.pk})).status_code == 200


# The dashboard, the agenda, related stories, translations


def test_the_dashboard_counts_and_lists_only_the_desks_editions(layla, stories):
    html = logged_in(layla).get(reverse("admin:index")).content.decode()
    assert "تقرير سور الميناء" in html and "يوم الميزانية" in html
    assert "Harbour wall report" not in html and "Budget day" not in html


def test_the_agenda_lists_only_the_desks_editions(layla, stories):
    html = logged_in(layla).get(reverse("admin:articles_article_agenda")).content.decode()
    assert "يوم الميزانية" in html
    assert "Budget day" not in html


def test_related_story_search_and_links_keep_to_the_desks_editions(layla, stories):
    client = logged_in(layla)
    found = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "relatedlink", "field_name": "target", "term": ""},
    ).json()["results"]
    assert {result["text"] for result in found} == {
        "جدول العبارات",
        "تقرير سور الميناء",
        "يوم الميزانية",
    }
    # A hand-made POST relating an English story is refused.
    data = open_story(client, stories["ar"])
    data.update(
        {
            "related_links-TOTAL_FORMS": "1",
            "related_links-0-target": str(stories["en"].pk),
            "related_links-0-order": "1",
        }
    )
    response = client.post(change_url(stories["ar"]), data)
    assert response.status_code == 200  # the form again, with the error
    assert not RelatedLink.objects.filter(article=stories["ar"]).exists()


def test_translate_offers_and_allows_only_the_desks_editions(layla, settings):
    settings.SITE_LANGUAGES = ["en", "ar", "fa"]
    story = ArticleFactory(headline="جدول العبارات", slug="ferry-ar", language="ar")
    assert target_languages(story, layla) == []
    everyone = StaffFactory(username="ed", role="Editors")
    assert target_languages(story, everyone) == ["en", "fa"]
    with pytest.raises(PermissionDenied, match="does not work on the English edition"):
        translate(story, "en", by=layla)


def test_the_edition_box_names_another_desks_version_without_showing_it(layla, stories):
    english = stories["en"]
    arabic = stories["ar"]
    arabic.translation_key = english.translation_key
    arabic.save()
    html = logged_in(layla).get(change_url(arabic)).content.decode()
    assert "English (another desk&#x27;s)" in html or "English (another desk's)" in html
    assert "Ferry timetable changes" not in html
    assert change_url(english) not in html


def test_the_story_list_query_count_for_a_limited_desk(
    layla, stories, django_assert_max_num_queries
):
    client = logged_in(layla)
    client.get(reverse("admin:articles_article_changelist"))
    with django_assert_max_num_queries(15):  # the admin's 14, and the desk's editions
        client.get(reverse("admin:articles_article_changelist"))


# Who sets a group's editions


@pytest.fixture
def chief():
    user = StaffFactory(username="chief", role="Editors")
    user.groups.add(Group.objects.get(name="Chief editors"))
    return user


def test_a_chief_editor_limits_a_group_on_the_desks_editions_page(chief):
    group = Group.objects.create(name="Persian reporters")
    group.permissions.set(Group.objects.get(name="Reporters").permissions.all())
    client = logged_in(chief)
    response = client.post(
        reverse("admin:articles_deskeditions_add"), {"group": group.pk, "languages": ["ar"]}
    )
    assert response.status_code == 302
    assert DeskEditions.objects.get(group=group).languages == ["ar"]
    row = DeskEditions.objects.get(group=group)
    client.post(
        reverse("admin:articles_deskeditions_change", args=[row.pk]), {"languages": ["ar", "en"]}
    )
    assert DeskEditions.objects.get(group=group).languages == ["en", "ar"]  # editions' order
    client.post(reverse("admin:articles_deskeditions_delete", args=[row.pk]), {"post": "yes"})
    assert not DeskEditions.objects.filter(group=group).exists()


def test_a_chief_editor_cannot_lift_the_limit_of_powers_beyond_theirs(chief):
    powerful = Group.objects.create(name="Account admins")
    powerful.permissions.set(Group.objects.get(name="Editors").permissions.all())
    from django.contrib.auth.models import Permission

    powerful.permissions.add(Permission.objects.get(codename="change_user"))
    with pytest.raises(PermissionDenied):
        set_editions(powerful, ["ar"], by=chief)
    response = logged_in(chief).post(
        reverse("admin:articles_deskeditions_add"), {"group": powerful.pk, "languages": ["ar"]}
    )
    assert response.status_code == 200
    assert not DeskEditions.objects.filter(group=powerful).exists()


def test_only_chief_editors_and_superusers_set_editions(layla):
    reporter = StaffFactory(username="rita", role="Reporters")
    response = logged_in(reporter).get(reverse("admin:articles_deskeditions_changelist"))
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        set_editions(Group.objects.get(name="Reporters"), ["ar"], by=reporter)
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert set_editions(Group.objects.get(name="Reporters"), ["en"], by=root).languages == ["en"]
    assert set_editions(Group.objects.get(name="Reporters"), [], by=root) is None


def test_unknown_editions_are_refused():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        editions.clean_languages(["ar", "xx"])


def test_review_mail_goes_to_the_editors_of_the_storys_edition(
    layla, samir, django_capture_on_commit_callbacks
):
    from django.core import mail

    everyone = StaffFactory(username="ed", role="Editors")
    english = ArticleFactory(headline="English", slug="en-d", status="draft", created_by=everyone)
    arabic = ArticleFactory(
        headline="مسودة", slug="ar-d", language="ar", status="draft", created_by=samir
    )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit_for_review(english, by=everyone)
    assert [message.to[0] for message in mail.outbox] == []  # its submitter aside: nobody
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit_for_review(arabic, by=samir)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [everyone.email, layla.email]
    )


# Tags and names in other editions: a desk's own editions only


def test_an_arabic_desk_sees_and_changes_only_arabic_tags(client, layla):
    from articles.models import Tag

    english = Tag.objects.create(name="Housing", slug="housing", language="en")
    arabic = Tag.objects.create(name="الإسكان", slug="الإسكان", language="ar")
    client.force_login(layla)
    listed = client.get(reverse("admin:articles_tag_changelist")).context["cl"].result_list
    assert list(listed) == [arabic]
    # Another edition's tag is not there to change, rename or delete.
    response = client.get(reverse("admin:articles_tag_change", args=[english.pk]))
    assert response.status_code == 302
    response = client.post(
        reverse("admin:articles_tag_delete", args=[english.pk]), {"post": "yes"}
    )
    assert Tag.objects.filter(pk=english.pk).exists()
    form = client.get(reverse("admin:articles_tag_add")).context["adminform"].form
    assert [code for code, _name in form.fields["language"].choices] == ["ar"]


def test_an_arabic_desk_sets_only_the_arabic_names_of_a_section(client, settings):
    from articles.models import SectionLabel
    from tests.factories import SectionFactory

    settings.SITE_LANGUAGES = ["en", "ar", "fa"]
    editor = member("nadia", desk("Arabic section editors", "Editors", ["ar"]))
    section = SectionFactory(name="Politics", slug="politics")
    SectionLabel.objects.create(section=section, language="fa", name="سیاست")
    client.force_login(editor)
    response = client.get(reverse("admin:articles_section_change", args=[section.pk]))
    formset = response.context["inline_admin_formsets"][0].formset
    assert list(formset.queryset) == []  # the Persian name is not the Arabic desk's
    assert [code for code, _name in formset.empty_form.fields["language"].choices] == ["", "ar"]
