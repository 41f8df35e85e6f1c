"""Desks limited to some editions (articles.desk.editions): a group's editions, one row a group."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0015_edition_indexes'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='DeskEditions',
            fields=[
                ('group', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='desk_editions', serialize=False, to='auth.group', verbose_name='group')),
                ('languages', models.JSONField(default=list, verbose_name='editions')),
            ],
            options={
                'verbose_name': "desk's editions",
                'verbose_name_plural': "desks' editions",
                'default_permissions': (),
            },
        ),
    ]
