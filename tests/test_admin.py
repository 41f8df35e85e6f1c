"""The story desk per role: what each page answers, and that the server enforces the workflow."""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.desk import roles
from articles.models import Article, ArticleAuthor, ArticleRedirect, Author, RelatedLink, Section
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

EDITOR, REPORTER, MODERATOR = "editor", "reporter", "moderator"
GROUP = {EDITOR: roles.EDITORS, REPORTER: roles.REPORTERS, MODERATOR: roles.MODERATORS}


@pytest.fixture
def users():
    return {name: StaffFactory(username=name, role=GROUP[name]) for name in GROUP}


@pytest.fixture
def desk(users):
    """One object of every kind, and a story in each situation a role can meet."""
    section = SectionFactory(name="City", slug="city")
    tag_story = ArticleFactory(section=section, created_by=users[EDITOR], tags=["Housing"])
    return {
        "section": section,
        "author": AuthorFactory(),
        "image": ImageFactory(uploaded_by=users[EDITOR]),
        "published": tag_story,
        "own_draft": ArticleFactory(
            section=section,
            status=Article.Status.DRAFT,
            publish_at=None,
            created_by=users[REPORTER],
        ),
        "others_draft": ArticleFactory(
            section=section, status=Article.Status.DRAFT, publish_at=None, created_by=users[EDITOR]
        ),
        "redirect": ArticleRedirect.objects.create(old_path="/2020/01/01/old/", article=tag_story),
        "tag": tag_story.tags.get(),
    }


def client_for(client, user):
    client.force_login(user)
    return client


def test_groups_exist_with_exact_names_after_migrations():
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Editors",
        "Reporters",
        "Moderators",
    }
    editors = Group.objects.get(name="Editors")
    assert editors.permissions.filter(codename="publish_article").exists()
    assert (
        not Group.objects.get(name="Reporters")
        .permissions.filter(codename="publish_article")
        .exists()
    )
    moderators = Group.objects.get(name="Moderators").permissions
    assert (
        not moderators.filter(content_type__app_label="articles")
        .exclude(codename__startswith="view_")
        .exists()
    )


def test_migrated_groups_match_the_roles_table():
    for name, wanted in roles.GROUP_PERMISSIONS.items():
        granted = Group.objects.get(name=name).permissions.values_list(
            "content_type__app_label", "codename"
        )
        assert set(granted) == wanted, name


def test_sync_groups_is_idempotent():
    before = {g.name: g.permissions.count() for g in Group.objects.all()}
    roles.sync_groups()
    assert {g.name: g.permissions.count() for g in Group.objects.all()} == before


# (url name, args key or None) -> expected status per role. 200 view/edit, 403 refused,
# 302 to the admin index for an object the role's queryset does not contain.
PAGES = [
    ("admin:articles_article_changelist", None, {EDITOR: 200, REPORTER: 200, MODERATOR: 200}),
    ("admin:articles_article_add", None, {EDITOR: 200, REPORTER: 200, MODERATOR: 403}),
    ("admin:articles_article_change", "published", {EDITOR: 200, REPORTER: 200, MODERATOR: 200}),
    ("admin:articles_article_change", "own_draft", {EDITOR: 200, REPORTER: 200, MODERATOR: 200}),
    (
        "admin:articles_article_change",
        "others_draft",
        {EDITOR: 200, REPORTER: 302, MODERATOR: 200},
    ),
    ("admin:articles_article_history", "published", {EDITOR: 200, REPORTER: 403, MODERATOR: 200}),
    ("admin:articles_article_schedule", "own_draft", {EDITOR: 200, REPORTER: 403, MODERATOR: 403}),
    ("admin:articles_article_agenda", None, {EDITOR: 200, REPORTER: 200, MODERATOR: 200}),
    ("admin:articles_article_delete", "published", {EDITOR: 200, REPORTER: 403, MODERATOR: 403}),
    ("admin:articles_section_changelist", None, {EDITOR: 200, REPORTER: 200, MODERATOR: 200}),
    ("admin:articles_section_add", None, {EDITOR: 200, REPORTER: 403, MODERATOR: 403}),
    ("admin:articles_section_change", "section", {EDITOR: 200, REPORTER: 200, MODERATOR: 200}),
    ("admin:articles_author_changelist", None, {EDITOR: 200, REPORTER: 200, MODERATOR: 200}),
    ("admin:articles_author_add", None, {EDITOR: 200, REPORTER: 403, MODERATOR: 403}),
    ("admin:articles_author_change", "author", {EDITOR: 200, REPORTER: 200, MODERATOR: 200}),
    ("admin:articles_image_changelist", None, {EDITOR: 200, REPORTER: 200, MODERATOR: 200}),
    ("admin:articles_image_add", None, {EDITOR: 200, REPORTER: 200, MODERATOR: 403}),
    ("admin:articles_image_change", "image", {EDITOR: 200, REPORTER: 200, MODERATOR: 200}),
    (
        "admin:articles_articleredirect_changelist",
        None,
        {EDITOR: 200, REPORTER: 403, MODERATOR: 200},
    ),
    ("admin:articles_articleredirect_add", None, {EDITOR: 200, REPORTER: 403, MODERATOR: 403}),
    (
        "admin:articles_articleredirect_change",
        "redirect",
        {EDITOR: 200, REPORTER: 403, MODERATOR: 200},
    ),
    ("admin:articles_tag_changelist", None, {EDITOR: 200, REPORTER: 200, MODERATOR: 200}),
    ("admin:articles_tag_add", None, {EDITOR: 200, REPORTER: 403, MODERATOR: 403}),
    ("admin:articles_tag_change", "tag", {EDITOR: 200, REPORTER: 200, MODERATOR: 200}),
]

# Pages a role may open but not save: view-only, so no save button.
VIEW_ONLY = {
    (REPORTER, "admin:articles_article_change", "published"),
    (REPORTER, "admin:articles_section_change", "section"),
    (REPORTER, "admin:articles_author_change", "author"),
    (REPORTER, "admin:articles_image_change", "image"),  # an editor's upload
    (REPORTER, "admin:articles_tag_change", "tag"),
    *((MODERATOR, name, key) for name, key, _ in PAGES if name.endswith("_change")),
}


@pytest.mark.parametrize("role", [EDITOR, REPORTER, MODERATOR])
def test_every_page_answers_each_role_as_expected(client, users, desk, role):
    client = client_for(client, users[role])
    outcomes = {}
    for name, key, _expected in PAGES:
        args = [desk[key].pk] if key else []
        response = client.get(reverse(name, args=args))
        outcomes[(name, key)] = response.status_code
        if response.status_code == 302:  # "doesn't exist" lands on the index, never on login
            assert response["Location"] == reverse("admin:index"), (role, name, key)
        if response.status_code == 200 and name.endswith(("_change", "_add")):
            can_save = 'name="_save"' in response.content.decode()
            assert can_save is ((role, name, key) not in VIEW_ONLY), (role, name, key)
    assert outcomes == {(name, key): expected[role] for name, key, expected in PAGES}


def test_anonymous_and_non_staff_are_sent_to_login(client, desk):
    for name, key, _ in PAGES:
        response = client.get(reverse(name, args=[desk[key].pk] if key else []))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_reporter_changelist_hides_other_peoples_drafts(client, users, desk):
    response = client_for(client, users[REPORTER]).get(
        reverse("admin:articles_article_changelist")
    )
    shown = set(response.context["cl"].result_list)
    assert shown == {desk["published"], desk["own_draft"]}


def test_editor_changelist_lists_every_story_with_its_columns(client, users, desk):
    author = desk["author"]
    ArticleAuthor.objects.create(article=desk["published"], author=author, order=0)
    response = client_for(client, users[EDITOR]).get(reverse("admin:articles_article_changelist"))
    html = response.content.decode()
    assert set(response.context["cl"].result_list) == {
        desk["published"],
        desk["own_draft"],
        desk["others_draft"],
    }
    assert author.name in html
    for action in (
        "publish_selected",
        "unpublish_selected",
        "submit_selected_for_review",
        "trash_selected",
        "restore_selected",
    ):
        assert f'value="{action}"' in html
    assert 'value="delete_selected"' not in html  # deleting is moving to the trash


def test_actions_offered_per_role(client, users, desk):
    url = reverse("admin:articles_article_changelist")
    reporter_html = client_for(client, users[REPORTER]).get(url).content.decode()
    assert 'value="submit_selected_for_review"' in reporter_html
    for refused in ("publish_selected", "unpublish_selected", "trash_selected", "delete_selected"):
        assert f'value="{refused}"' not in reporter_html
    moderator_html = client_for(client, users[MODERATOR]).get(url).content.decode()
    assert 'name="action"' not in moderator_html


# --- Writing through the form -------------------------------------------------------------


def story_data(section, **overrides):
    data = {
        "headline": "Ferry timetable changes for winter",
        "slug": "ferry-timetable-changes-for-winter",
        "standfirst": "Fewer crossings after eight in the evening.",
        "body": '<p>The ferry company said <a href="javascript:alert(1)">so</a>.</p>'
        "<script>alert(1)</script>",
        "story_type": "news",
        "section": section.pk,
        "tags": "Transport, Port",
        "status": "draft",
        "comments_enabled": "on",
        "priority": "0",
        "articleauthor_set-TOTAL_FORMS": "0",
        "articleauthor_set-INITIAL_FORMS": "0",
        "related_links-TOTAL_FORMS": "0",
        "related_links-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_reporter_writes_a_draft_which_is_stamped_and_sanitised(client, users, desk):
    client = client_for(client, users[REPORTER])
    response = client.post(reverse("admin:articles_article_add"), story_data(desk["section"]))
    assert response.status_code == 302, response.context["adminform"].form.errors
    story = Article.objects.get(slug="ferry-timetable-changes-for-winter")
    assert story.created_by == users[REPORTER]
    assert story.status == Article.Status.DRAFT
    assert "<script" not in story.body and "javascript:" not in story.body
    assert set(story.tags.names()) == {"Transport", "Port"}
    assert story.history.get().history_user == users[REPORTER]


@pytest.mark.parametrize("status", ["published", "unpublished"])
def test_reporter_crafted_post_setting_status_is_refused(client, users, desk, status):
    client = client_for(client, users[REPORTER])
    data = story_data(
        desk["section"],
        status=status,
        publish_at_0="2020-01-01",
        publish_at_1="10:00:00",
        featured="on",
        priority="99",
    )
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "status" in errors
    assert not Article.objects.filter(slug=data["slug"]).exists()

    draft = desk["own_draft"]
    data = story_data(desk["section"], slug=draft.slug, status=status, _version=draft.version)
    response = client.post(reverse("admin:articles_article_change", args=[draft.pk]), data)
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_reporter_cannot_set_editor_only_fields(client, users, desk):
    draft = desk["own_draft"]
    data = story_data(
        desk["section"],
        slug=draft.slug,
        _version=draft.version,
        status="review",
        featured="on",
        priority="99",
        publish_at_0="2030-01-01",
        publish_at_1="09:00:00",
    )
    response = client_for(client, users[REPORTER]).post(
        reverse("admin:articles_article_change", args=[draft.pk]), data
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.IN_REVIEW  # submitting for review is allowed
    assert (draft.featured, draft.priority, draft.publish_at) == (False, 0, None)


def test_reporter_cannot_post_to_a_published_or_someone_elses_story(client, users, desk):
    client = client_for(client, users[REPORTER])
    published = desk["published"]
    data = story_data(desk["section"], slug=published.slug, headline="Hijacked", status="draft")
    response = client.post(reverse("admin:articles_article_change", args=[published.pk]), data)
    assert response.status_code == 403
    other = desk["others_draft"]
    data = story_data(desk["section"], slug=other.slug, headline="Hijacked", status="draft")
    response = client.post(reverse("admin:articles_article_change", args=[other.pk]), data)
    assert response.status_code == 302  # not in the reporter's queryset: "doesn't exist"
    assert not Article.objects.filter(headline="Hijacked").exists()


def test_reporter_loses_edit_rights_once_the_story_is_published(client, users, desk):
    draft = desk["own_draft"]
    draft.status = Article.Status.PUBLISHED
    draft.save()
    draft.status = Article.Status.DRAFT  # sent back by an editor after going live
    draft.save()
    url = reverse("admin:articles_article_change", args=[draft.pk])
    html = client_for(client, users[REPORTER]).get(url).content.decode()
    assert 'name="_save"' not in html


def test_reporter_actions_publish_and_delete_are_refused(client, users, desk):
    client = client_for(client, users[REPORTER])
    draft = desk["own_draft"]
    url = reverse("admin:articles_article_changelist")
    for action in ("publish_selected", "trash_selected", "delete_selected"):
        client.post(url, {"action": action, "_selected_action": [draft.pk]})
        draft.refresh_from_db()
        assert draft.status == Article.Status.DRAFT
    client.post(
        url,
        {
            "action": "submit_selected_for_review",
            "_selected_action": [draft.pk, desk["published"].pk],
        },
    )
    draft.refresh_from_db()
    assert draft.status == Article.Status.IN_REVIEW
    desk["published"].refresh_from_db()
    assert desk["published"].status == Article.Status.PUBLISHED


def test_moderator_cannot_change_anything(client, users, desk):
    client = client_for(client, users[MODERATOR])
    story = desk["published"]
    data = story_data(desk["section"], slug=story.slug, headline="Moderated", status="draft")
    assert (
        client.post(reverse("admin:articles_article_change", args=[story.pk]), data).status_code
        == 403
    )
    assert client.post(reverse("admin:articles_article_add"), data).status_code == 403
    url = reverse("admin:articles_article_changelist")
    client.post(url, {"action": "unpublish_selected", "_selected_action": [story.pk]})
    story.refresh_from_db()
    assert story.status == Article.Status.PUBLISHED and story.headline != "Moderated"


@pytest.mark.parametrize("role", [EDITOR, REPORTER, MODERATOR])
def test_names_in_other_editions_are_set_by_who_may_change_the_section_or_author(
    client, users, desk, role
):
    """The "Names in other editions" inline follows its section's or author's rights: an
    editor edits it, the others see it without a field to fill."""
    client = client_for(client, users[role])
    for key in ("section", "author"):
        obj = desk[key]
        obj.labels.create(language="ar", name=f"اسم {key}")
        page = client.get(reverse(f"admin:articles_{key}_change", args=[obj.pk]))
        (inline,) = page.context["inline_admin_formsets"]
        html = page.content.decode()
        assert f"اسم {key}" in html, (role, key)
        editable = role == EDITOR
        assert inline.has_change_permission is editable, (role, key)
        assert inline.has_add_permission is editable, (role, key)
        assert ('name="labels-0-name"' in html) is editable, (role, key)


def test_editor_publishes_schedules_and_unpublishes(client, users, desk):
    client = client_for(client, users[EDITOR])
    url = reverse("admin:articles_article_changelist")
    draft = desk["others_draft"]
    client.post(url, {"action": "publish_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_published and draft.first_published_at is not None

    client.post(url, {"action": "unpublish_selected", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.UNPUBLISHED
    assert not Article.objects.published().filter(pk=draft.pk).exists()

    tomorrow = timezone.localtime() + timedelta(days=1)
    data = story_data(
        desk["section"],
        slug="scheduled-story",
        status="published",
        publish_at_0=tomorrow.strftime("%Y-%m-%d"),
        publish_at_1=tomorrow.strftime("%H:%M:%S"),
    )
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    scheduled = Article.objects.get(slug="scheduled-story")
    assert scheduled.is_scheduled
    assert not Article.objects.published().filter(pk=scheduled.pk).exists()


def test_publish_action_reports_a_slug_clash_instead_of_crashing(client, users, desk):
    clash = ArticleFactory(
        section=desk["section"],
        slug=desk["published"].slug,
        status=Article.Status.DRAFT,
        publish_at=None,
    )
    response = client_for(client, users[EDITOR]).post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [clash.pk]},
        follow=True,
    )
    clash.refresh_from_db()
    assert clash.status == Article.Status.DRAFT
    assert "Another story published that day" in response.content.decode()


def test_form_refuses_a_slug_already_used_that_day(client, users, desk):
    data = story_data(desk["section"], slug=desk["published"].slug, status="published")
    response = client_for(client, users[EDITOR]).post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors


def test_two_way_related_link_in_one_step(client, users, desk):
    other = ArticleFactory(section=desk["section"])
    data = story_data(
        desk["section"],
        **{
            "related_links-TOTAL_FORMS": "2",
            "related_links-0-target": str(desk["published"].pk),
            "related_links-0-order": "1",
            "related_links-0-both_ways": "on",
            "related_links-1-target": str(other.pk),
            "related_links-1-order": "2",
        },
    )
    response = client_for(client, users[EDITOR]).post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    story = Article.objects.get(slug=data["slug"])
    assert list(story.related_links.values_list("target", flat=True)) == [
        desk["published"].pk,
        other.pk,
    ]
    assert RelatedLink.objects.filter(article=desk["published"], target=story).exists()
    assert not RelatedLink.objects.filter(article=other, target=story).exists()


def test_reporter_cannot_make_a_link_two_way_into_a_published_story(client, users, desk):
    data = story_data(
        desk["section"],
        **{
            "related_links-TOTAL_FORMS": "1",
            "related_links-0-target": str(desk["published"].pk),
            "related_links-0-order": "1",
            "related_links-0-both_ways": "on",
        },
    )
    response = client_for(client, users[REPORTER]).post(
        reverse("admin:articles_article_add"), data
    )
    assert response.status_code == 200
    assert "can only go one way" in response.content.decode()
    assert not RelatedLink.objects.filter(article=desk["published"]).exists()


def test_self_relation_is_refused_in_the_form(client, users, desk):
    story = desk["others_draft"]
    data = story_data(
        desk["section"],
        slug=story.slug,
        _version=story.version,
        **{
            "related_links-TOTAL_FORMS": "1",
            "related_links-0-target": str(story.pk),
            "related_links-0-order": "1",
        },
    )
    response = client_for(client, users[EDITOR]).post(
        reverse("admin:articles_article_change", args=[story.pk]), data
    )
    assert response.status_code == 200
    assert "cannot be related to itself" in response.content.decode()


def test_view_on_site_uses_the_preview_for_drafts_and_the_story_url_when_live(client, users, desk):
    client = client_for(client, users[EDITOR])
    draft, live = desk["others_draft"], desk["published"]
    html = client.get(reverse("admin:articles_article_change", args=[draft.pk])).content.decode()
    assert f'href="/preview/{draft.pk}/"' in html
    html = client.get(reverse("admin:articles_article_change", args=[live.pk])).content.decode()
    assert f'href="{live.get_absolute_url()}"' in html
    preview = client.get(f"/preview/{draft.pk}/")
    assert preview.status_code == 200
    assert "no-cache" in preview["Cache-Control"]


def test_body_uses_the_prose_editor_with_its_assets(client, users, desk):
    html = (
        client_for(client, users[EDITOR])
        .get(reverse("admin:articles_article_add"))
        .content.decode()
    )
    assert "data-django-prose-editor-configurable" in html
    assert '<script type="importmap"' in html
    assert "django_prose_editor/configurable.js" in html


def test_image_of_another_uploader_is_read_only_for_a_reporter(client, users, desk):
    own = ImageFactory(uploaded_by=users[REPORTER])
    client = client_for(client, users[REPORTER])
    html = client.get(reverse("admin:articles_image_change", args=[own.pk])).content.decode()
    assert 'name="_save"' in html
    response = client.post(
        reverse("admin:articles_image_change", args=[desk["image"].pk]), {"alt_text": "Changed"}
    )
    assert response.status_code == 403


# --- Query counts ---------------------------------------------------------------------------


def make_stories(count):
    section = Section.objects.create(name="Bulk", slug="bulk")
    authors = Author.objects.bulk_create(
        Author(name=f"Writer {n}", slug=f"writer-{n}") for n in range(5)
    )
    now = timezone.now()
    stories = Article.objects.bulk_create(
        Article(
            headline=f"Story {n}",
            slug=f"story-{n}",
            section=section,
            status=Article.Status.PUBLISHED,
            publish_at=now - timedelta(hours=n),
            first_published_at=now - timedelta(hours=n),
            pub_date=timezone.localdate(now - timedelta(hours=n)),
        )
        for n in range(count)
    )
    ArticleAuthor.objects.bulk_create(
        ArticleAuthor(article=story, author=authors[n % 5], order=0)
        for n, story in enumerate(stories)
    )


def changelist_queries(client, editor, count):
    make_stories(count)
    client.force_login(editor)
    url = reverse("admin:articles_article_changelist")
    client.get(url)  # warm the content-type and permission caches of a long-lived process
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == min(count, 50)
    return len(queries)


@pytest.mark.parametrize("count", [20, 200])
def test_changelist_query_count_does_not_grow_with_stories(
    client, users, count, django_assert_max_num_queries
):
    measured = changelist_queries(client, users[EDITOR], count)
    print(f"article changelist with {count} stories: {measured} queries")
    # 11, one for the author filter's choices (the authors with stories), one for the
    # versions of the page's stories (the "editions" column), and one for two-factor: does
    # this unverified session's user have a device? (A session verified with its device, as
    # publishers' are in production, skips it.)
    with django_assert_max_num_queries(14):
        client.get(reverse("admin:articles_article_changelist"))


def test_editor_assets_survive_collectstatic_with_hashed_names(settings, tmp_path):
    """Production serves fingerprinted files: the editor's import map must point at them."""
    import re

    from django.core.management import call_command

    from articles.desk.forms import ArticleAdminForm

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
        },
    }
    # (Django's setting_changed handler rebuilds the static files storage.)
    call_command("collectstatic", interactive=False, verbosity=0)
    media = str(ArticleAdminForm().media)
    paths = re.findall(r"/static/(django_prose_editor/[^\"']+)", media)
    assert any(re.search(r"configurable\.[0-9a-f]{12}\.js$", p) for p in paths)
    assert any(re.search(r"editor\.[0-9a-f]{12}\.js$", p) for p in paths)
    for path in paths:
        assert (settings.STATIC_ROOT / path).is_file(), path


def test_changelist_puts_the_desks_work_first_and_labels_scheduled_stories(client, users, desk):
    scheduled = ArticleFactory(
        section=desk["section"],
        headline="Tomorrow's story",
        publish_at=timezone.now() + timedelta(days=1),
    )
    response = client_for(client, users[EDITOR]).get(reverse("admin:articles_article_changelist"))
    rows = list(response.context["cl"].result_list)
    assert set(rows[:2]) == {desk["own_draft"], desk["others_draft"]}  # no publication time yet
    assert rows[2] == scheduled
    html = response.content.decode()
    # The status, then (the site has two editions) the story's versions under it.
    assert (
        '<td class="field-status_label"><span class="desk-status scheduled">Scheduled</span>'
        '<span class="story-versions">'
    ) in html


def test_reporter_cannot_relate_to_a_colleagues_draft_by_id(client, users, desk):
    data = story_data(
        desk["section"],
        **{
            "related_links-TOTAL_FORMS": "1",
            "related_links-0-target": str(desk["others_draft"].pk),
            "related_links-0-order": "1",
        },
    )
    response = client_for(client, users[REPORTER]).post(
        reverse("admin:articles_article_add"), data
    )
    assert response.status_code == 200
    assert desk["others_draft"].headline not in response.content.decode()
    assert not RelatedLink.objects.exists()


def test_reporters_preview_their_own_drafts_but_not_a_colleagues(client, users):
    own = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, created_by=users[REPORTER])
    colleague = StaffFactory(username="colleague", role=roles.REPORTERS)
    theirs = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, created_by=colleague)
    client.force_login(users[REPORTER])
    assert client.get(reverse("articles:preview", args=[own.pk])).status_code == 200
    assert client.get(reverse("articles:preview", args=[theirs.pk])).status_code == 404
    client.force_login(users[EDITOR])
    assert client.get(reverse("articles:preview", args=[theirs.pk])).status_code == 200


# --- What each role is shown: no dead ends -------------------------------------------------

LINK = re.compile(r'href="(/[^"#]*)"')


@pytest.mark.parametrize("role", [EDITOR, REPORTER, MODERATOR])
def test_no_page_a_role_opens_links_to_a_page_it_may_not_open(client, users, desk, role):
    """Every admin link on every desk page a role can open answers that role (no 403/404):
    e.g. "created by" is not a link to the user admin, History only for who may read it."""
    client = client_for(client, users[role])
    pages = [reverse("admin:index")]
    for name, key, expected in PAGES:
        if expected[role] == 200:
            pages.append(reverse(name, args=[desk[key].pk] if key else []))
    links = {}
    for page in pages:
        content = client.get(page).content.decode()
        for href in LINK.findall(content):
            href = html.unescape(href)
            if href.startswith("/admin/") and "logout" not in href:
                links.setdefault(href, page)
    assert len(links) > 20
    dead = {}
    for href, page in links.items():
        response = client.get(href)
        if response.status_code == 302:
            # A redirect answers only if it leads to a page this role may open: the login
            # page's 200 is a refusal, not access.
            target = response["Location"]
            if target.startswith(reverse("admin:login")):
                dead[href] = (302, target, page)
                continue
            response = client.get(target)
        if response.status_code != 200:
            dead[href] = (response.status_code, page)
    assert dead == {}


def test_history_button_only_for_who_may_read_the_history(client, users, desk):
    own = reverse("admin:articles_article_change", args=[desk["own_draft"].pk])
    history = reverse("admin:articles_article_history", args=[desk["own_draft"].pk])
    content = client_for(client, users[REPORTER]).get(own).content.decode()
    assert "View on site" in content and history not in content
    for role in (EDITOR, MODERATOR):
        assert history in client_for(client, users[role]).get(own).content.decode()


def test_staff_are_named_in_plain_text(client, users, desk):
    users[EDITOR].first_name, users[EDITOR].last_name = "Daniel", "Achterberg"
    users[EDITOR].save()
    client = client_for(client, users[MODERATOR])
    for url in (
        reverse("admin:articles_article_change", args=[desk["published"].pk]),
        reverse("admin:articles_image_change", args=[desk["image"].pk]),
    ):
        content = client.get(url).content.decode()
        assert "Daniel Achterberg" in content
        assert "/admin/auth/user/" not in content


def test_read_only_story_shows_the_body_as_text_and_no_form_controls(client, users, desk):
    story = desk["published"]
    story.body = '<p>Tram <a href="https://example.com/">plans</a> <em>approved</em>.</p>'
    story.save()
    RelatedLink.objects.create(article=story, target=desk["others_draft"], order=0)
    url = reverse("admin:articles_article_change", args=[story.pk])
    content = client_for(client, users[MODERATOR]).get(url).content.decode()
    assert '<div class="story-body"><p>Tram <a href="https://example.com/"' in content
    assert "&lt;p&gt;Tram" not in content
    assert "Both ways" not in content and "two-way" not in content.lower()
    content = client_for(client, users[EDITOR]).get(url).content.decode()
    assert "story-body" not in content and "prose-editor" in content
    assert "two-way" in content.lower()


def test_saving_without_touching_the_time_keeps_the_publication_time(client, users, desk):
    story = desk["published"]
    exact = timezone.now().replace(microsecond=123456) - timedelta(hours=3)
    story.publish_at = exact
    story.save()
    shown = timezone.localtime(exact)
    client = client_for(client, users[EDITOR])
    response = client.post(
        reverse("admin:articles_article_change", args=[story.pk]),
        story_data(
            desk["section"],
            headline="Tram depot plan approved after all",
            slug=story.slug,
            _version=story.version,
            status="published",
            publish_at_0=shown.strftime("%Y-%m-%d"),
            publish_at_1=shown.strftime("%H:%M:%S"),
        ),
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "Tram depot plan approved after all"
    assert story.publish_at == exact
    latest, previous = story.history.all()[:2]
    changed = [change.field for change in latest.diff_against(previous).changes]
    assert "headline" in changed and "publish_at" not in changed


def test_a_refused_upload_names_its_reason_and_keeps_the_other_fields(client, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(client, users[REPORTER])
    response = client.post(
        reverse("admin:articles_image_add"),
        {
            "file": SimpleUploadedFile("ferry.jpg", b"not a picture", "image/jpeg"),
            "alt_text": "The morning ferry",
            "caption": "Leaving the quay at seven",
            "credit": "Desk photographer",
        },
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "not an image we can read" in content
    assert "<label" in content and ">File:</label>" in content
    for kept in ("The morning ferry", "Leaving the quay at seven", "Desk photographer"):
        assert f'value="{kept}"' in content


def test_admin_index_lists_tags_with_the_stories_not_taggit(client, users):
    content = client_for(client, users[EDITOR]).get(reverse("admin:index")).content.decode()
    assert reverse("admin:articles_tag_changelist") in content
    assert "Taggit" not in content and "taggit" not in content


def test_a_revision_is_read_only_for_a_moderator_and_revertible_for_an_editor(client, users, desk):
    story = desk["published"]
    revision = story.history.earliest()
    url = reverse("admin:articles_article_simple_history", args=[story.pk, revision.pk])
    content = client_for(client, users[MODERATOR]).get(url).content.decode()
    headline = re.search(r'<input[^>]*name="headline"[^>]*>', content).group(0)
    assert "disabled" in headline
    assert 'name="_save"' not in content and "Revert" not in content
    assert "Historical" not in content  # breadcrumbs in the desk's words
    assert client.post(url, {"headline": "Changed by a moderator"}).status_code == 403

    content = client_for(client, users[EDITOR]).get(url).content.decode()
    headline = re.search(r'<input[^>]*name="headline"[^>]*>', content).group(0)
    assert "disabled" not in headline
    assert "Revert" in content
