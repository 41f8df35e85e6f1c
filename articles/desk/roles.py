"""The newsroom's roles as permission sets: who may do what with stories.

The data migrations `0004_editorial_groups` and `0008_editorial_notes_notifications_staff` (editorial
notes, the Chief editors group) and `tags_per_language_grants` (the tags moved from taggit's
models to articles.Tag and articles.TaggedStory) created the groups from frozen copies of this table, so every
install has them (the comments app adds its moderation grants, comments.roles); change a role here *and* in a new migration (a test checks that the migrated groups match this
table). `sync_groups()` is idempotent: it only adds what is missing (seed_demo and tests use
it after a flush). Object-level rules (a reporter's *own*
drafts) live in `articles.desk.workflow`; these are the model-level grants the admin checks first.
"""

EDITORS = "Editors"
REPORTERS = "Reporters"
MODERATORS = "Moderators"
# Editors who also manage staff (articles.desk.people): a chief editor is in both groups.
CHIEF_EDITORS = "Chief editors"
# The groups a chief editor may put staff in; never Chief editors, never anything else.
NEWSROOM_GROUPS = (REPORTERS, EDITORS, MODERATORS)

ARTICLE_MODELS = (
    "article",
    "articleauthor",
    "relatedlink",
    "correction",
    "articleredirect",
    "section",
    "author",
    "image",
    "historicalarticle",
)
ALL_ACTIONS = ("add", "change", "delete", "view")

# {group: {(app_label, codename), ...}}
GROUP_PERMISSIONS = {
    EDITORS: {
        *(("articles", f"{action}_{model}") for model in ARTICLE_MODELS for action in ALL_ACTIONS),
        ("articles", "publish_article"),
        *(("articles", f"{action}_{model}") for model in ("tag", "taggedstory") for action in ALL_ACTIONS),
        ("articles", "add_editorialnote"),
        ("articles", "view_editorialnote"),
    },
    REPORTERS: {
        ("articles", "add_article"),
        ("articles", "change_article"),
        ("articles", "view_article"),
        *(("articles", f"{action}_{model}") for model in ("articleauthor", "relatedlink") for action in ALL_ACTIONS),
        ("articles", "add_image"),
        ("articles", "change_image"),
        ("articles", "view_image"),
        ("articles", "view_section"),
        ("articles", "view_author"),
        ("articles", "view_correction"),
        ("articles", "view_tag"),
        ("articles", "add_editorialnote"),
        ("articles", "view_editorialnote"),
    },
    MODERATORS: {
        *(("articles", f"view_{model}") for model in ARTICLE_MODELS),
        ("articles", "view_tag"),
        ("articles", "view_editorialnote"),
    },
    CHIEF_EDITORS: {
        ("articles", "manage_staff"),
    },
}  # fmt: skip


def grant(group, permissions):
    """Add another app's permissions to a desk role, from its AppConfig.ready: the comments
    app grants comment moderation to Editors and Moderators (comments.roles)."""
    GROUP_PERMISSIONS[group] |= set(permissions)


def sync_groups(using="default"):
    """Create the groups and grant their permissions (missing ones only)."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    labels = {label for wanted in GROUP_PERMISSIONS.values() for label, _ in wanted}
    for label in sorted(labels):  # after a flush, permissions are gone too
        create_permissions(apps.get_app_config(label), verbosity=0, using=using)
    for name, wanted in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        labels = {app_label for app_label, _ in wanted}
        found = {
            (perm.content_type.app_label, perm.codename): perm
            for perm in Permission.objects.using(using)
            .filter(content_type__app_label__in=labels)
            .select_related("content_type")
        }
        missing = sorted(wanted - found.keys())
        if missing:
            raise LookupError(f"Permissions not found for {name}: {missing}")
        group.permissions.add(*(found[key] for key in wanted))
