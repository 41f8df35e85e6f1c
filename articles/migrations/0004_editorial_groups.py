"""The newsroom's three roles, so every install has them.

The table is frozen here, as migrations are history; `articles/roles.py` holds the current
one (a test checks they agree). Change the roles with a new migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ARTICLE_MODELS = ("article", "articleauthor", "relatedlink", "correction", "articleredirect",
                  "section", "author", "image", "historicalarticle")
ACTIONS = ("add", "change", "delete", "view")

GROUP_PERMISSIONS = {
    "Editors": {
        *(("articles", f"{action}_{model}") for model in ARTICLE_MODELS for action in ACTIONS),
        ("articles", "publish_article"),
        *(("taggit", f"{action}_{model}") for model in ("tag", "taggeditem") for action in ACTIONS),
    },
    "Reporters": {
        ("articles", "add_article"), ("articles", "change_article"), ("articles", "view_article"),
        *(("articles", f"{action}_{model}") for model in ("articleauthor", "relatedlink") for action in ACTIONS),
        ("articles", "add_image"), ("articles", "change_image"), ("articles", "view_image"),
        ("articles", "view_section"), ("articles", "view_author"), ("articles", "view_correction"),
        ("taggit", "view_tag"),
    },
    "Moderators": {
        *(("articles", f"view_{model}") for model in ARTICLE_MODELS),
        ("taggit", "view_tag"),
    },
}


def create_groups(apps, schema_editor):
    using = schema_editor.connection.alias
    # On a fresh database post_migrate has not created any permission yet: do it now.
    for label in ("articles", "taggit"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True  # migration state apps have none; create_permissions needs one
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        permissions = Permission.objects.using(using).filter(
            content_type__app_label__in={"articles", "taggit"}
        ).select_related("content_type")
        found = {(p.content_type.app_label, p.codename): p for p in permissions}
        group.permissions.add(*(found[key] for key in sorted(wanted)))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_article_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
