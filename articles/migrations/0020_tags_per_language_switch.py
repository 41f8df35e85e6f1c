"""Stories carry articles.Tag through articles.TaggedStory; an old tag address leads to an
articles.Tag and is unique per language; the desk's roles get the new models' permissions in
place of taggit's (articles/desk/roles.py holds the current table; a test checks they agree).
"""

import django.db.models.deletion
import taggit.managers
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

ACTIONS = ("add", "change", "delete", "view")
# {group: (the articles permissions granted, taggit's taken back)}
GRANTS = {
    "Editors": (
        {f"{action}_{model}" for model in ("tag", "taggedstory") for action in ACTIONS},
        {f"{action}_{model}" for model in ("tag", "taggeditem") for action in ACTIONS},
    ),
    "Reporters": ({"view_tag"}, {"view_tag"}),
    "Moderators": ({"view_tag"}, {"view_tag"}),
}


def _permissions(apps, using, app_label, codenames):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.using(using).filter(
        content_type__app_label=app_label, codename__in=codenames
    )


def _create_permissions(apps, using):
    # On a fresh database post_migrate has not created the new permissions yet: do it now.
    for label in ("articles", "taggit"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True  # migration state apps have none; create_permissions needs one
        create_permissions(app_config, apps=apps, verbosity=0, using=using)
        app_config.models_module = None


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    _create_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    for name, (granted, revoked) in GRANTS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        permissions = _permissions(apps, using, "articles", granted)
        if permissions.count() != len(granted):
            raise LookupError(f"Permissions not found for {name}: {sorted(granted)}")
        group.permissions.add(*permissions)
        group.permissions.remove(*_permissions(apps, using, "taggit", revoked))


def revoke(apps, schema_editor):
    using = schema_editor.connection.alias
    _create_permissions(apps, using)
    Group = apps.get_model("auth", "Group")
    for name, (granted, revoked) in GRANTS.items():
        group = Group.objects.using(using).filter(name=name).first()
        if group is not None:
            group.permissions.remove(*_permissions(apps, using, "articles", granted))
            group.permissions.add(*_permissions(apps, using, "taggit", revoked))


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0019_tags_per_language_copy'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='tagredirect',
            name='tag',
        ),
        migrations.RenameField(
            model_name='tagredirect',
            old_name='tag_in_language',
            new_name='tag',
        ),
        migrations.AlterField(
            model_name='tagredirect',
            name='tag',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='redirects', to='articles.tag', verbose_name='tag'),
        ),
        migrations.AddConstraint(
            model_name='tagredirect',
            constraint=models.UniqueConstraint(fields=('language', 'old_slug'), name='tag_redirect_once_per_language'),
        ),
        migrations.AlterField(
            model_name='article',
            name='tags',
            field=taggit.managers.TaggableManager(blank=True, help_text='A comma-separated list of tags.', through='articles.TaggedStory', to='articles.Tag', verbose_name='tags'),
        ),
        migrations.RunPython(grant, revoke),
    ]
