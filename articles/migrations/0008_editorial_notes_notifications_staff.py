"""The desk's people: editorial notes, notification preferences, staff managed by chief editors.

Creates the models, then grants the notes to the three roles and creates the Chief editors
group (who may manage staff). The grants are frozen here, as migrations are history;
`articles/desk/roles.py` holds the current table (a test checks they agree).
"""

import django.contrib.auth.models
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

GRANTS = {
    "Editors": {"add_editorialnote", "view_editorialnote"},
    "Reporters": {"add_editorialnote", "view_editorialnote"},
    "Moderators": {"view_editorialnote"},
    "Chief editors": {"manage_staff"},
}


def grant(apps, schema_editor):
    using = schema_editor.connection.alias
    # On a fresh database post_migrate has not created the new permissions yet: do it now.
    app_config = apps.get_app_config("articles")
    app_config.models_module = True  # migration state apps have none; create_permissions needs one
    create_permissions(app_config, apps=apps, verbosity=0, using=using)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        permissions = Permission.objects.using(using).filter(
            content_type__app_label="articles", codename__in=codenames
        )
        if permissions.count() != len(codenames):
            raise LookupError(f"Permissions not found for {name}: {sorted(codenames)}")
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    using = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group = Group.objects.using(using).filter(name=name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.using(using).filter(
                    content_type__app_label="articles", codename__in=codenames
                )
            )
    Group.objects.using(using).filter(name="Chief editors", permissions=None).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0007_unicode_slugs'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='NotificationPreference',
            fields=[
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='desk_notifications', serialize=False, to=settings.AUTH_USER_MODEL)),
                ('on_submitted', models.BooleanField(default=True, help_text='Sent to everyone who can publish.', verbose_name='a story is submitted for review')),
                ('on_published', models.BooleanField(default=True, help_text='For the stories you created.', verbose_name='my story is published or scheduled')),
                ('on_sent_back', models.BooleanField(default=True, help_text='For the stories you created.', verbose_name='my story is sent back to me with a note')),
            ],
            options={
                'verbose_name': 'notification preference',
                'verbose_name_plural': 'notification preferences',
                'default_permissions': (),
            },
        ),
        migrations.CreateModel(
            name='StaffMember',
            fields=[
            ],
            options={
                'verbose_name': 'staff member',
                'verbose_name_plural': 'staff',
                'permissions': [('manage_staff', 'Can invite staff, put them in a newsroom group and deactivate them')],
                'proxy': True,
                'default_permissions': (),
                'indexes': [],
                'constraints': [],
            },
            bases=('auth.user',),
            managers=[
                ('objects', django.contrib.auth.models.UserManager()),
            ],
        ),
        migrations.CreateModel(
            name='EditorialNote',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='written at')),
                ('kind', models.CharField(choices=[('note', 'Note'), ('sent_back', 'Sent back to draft')], default='note', editable=False, max_length=20, verbose_name='kind')),
                ('text', models.TextField(help_text='For the desk only: readers never see it. Plain text.', max_length=4000, verbose_name='note')),
                ('article', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='editorial_notes', to='articles.article', verbose_name='story')),
                ('author', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='written by')),
            ],
            options={
                'verbose_name': 'editorial note',
                'verbose_name_plural': 'editorial notes',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
