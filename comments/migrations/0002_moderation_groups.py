"""Groups named Editors, Reporters and Moderators, and who may moderate comments.

The story desk's own migration creates the same groups; get_or_create lets either run first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = ["Editors", "Reporters", "Moderators"]
MODERATING_GROUPS = ["Editors", "Moderators"]
PERMISSIONS = [
    "moderate_comment",
    "view_comment",
    "view_commentreport",
    "view_moderationevent",
]


def grant(apps, schema_editor):
    # On a fresh database permissions are created only after all migrations (post_migrate).
    app_config = apps.get_app_config("comments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = list(
        Permission.objects.filter(content_type__app_label="comments", codename__in=PERMISSIONS)
    )
    for name in GROUPS:
        group, _created = Group.objects.get_or_create(name=name)
        if name in MODERATING_GROUPS:
            group.permissions.add(*perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(
        content_type__app_label="comments", codename__in=PERMISSIONS
    )
    for group in Group.objects.filter(name__in=MODERATING_GROUPS):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("comments", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
