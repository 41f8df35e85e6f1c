"""The newsroom's roles as permission sets: who may do what with stories.

The data migration `0004_editorial_groups` creates the groups from this table, so every
install has them; `sync_groups()` is idempotent (it only adds what is missing), so it can run
again after new models appear. Object-level rules (a reporter's *own* drafts) live in
`articles.workflow`; these are the model-level grants the admin checks first.
"""

EDITORS = "Editors"
REPORTERS = "Reporters"
MODERATORS = "Moderators"

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
        *(("taggit", f"{action}_{model}") for model in ("tag", "taggeditem") for action in ALL_ACTIONS),
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
        ("taggit", "view_tag"),
    },
    MODERATORS: {
        *(("articles", f"view_{model}") for model in ARTICLE_MODELS),
        ("taggit", "view_tag"),
    },
}  # fmt: skip


def sync_groups(apps=None, using="default"):
    """Create the groups and grant their permissions; works in migrations and at runtime."""
    if apps is None:
        from django.apps import apps
    from django.contrib.auth.management import create_permissions

    # On a fresh database post_migrate has not created any permission yet: do it now.
    for app_config in apps.get_app_configs():
        if app_config.label in {"articles", "taggit"}:
            # Migration state apps have no models module, and create_permissions skips those.
            models_module = getattr(app_config, "models_module", None)
            app_config.models_module = models_module or True
            create_permissions(app_config, apps=apps, verbosity=0, using=using)
            app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
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
