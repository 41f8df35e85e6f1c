"""Sections and authors get a name per edition: a row per object and language (SectionLabel,
AuthorName), read by each edition's pages; nothing existing changes."""

import django.db.models.deletion
import newsroom.editions
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0016_desk_editions'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuthorName',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(choices=newsroom.editions.other_choices, help_text='The edition whose readers see this name.', max_length=10, verbose_name='edition')),
                ('name', models.CharField(help_text="The author's name as readers of this edition write it, in its script: in bylines and on the author's page.", max_length=120, verbose_name='name')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='labels', to='articles.author', verbose_name='author')),
            ],
            options={
                'verbose_name': "author's name in an edition",
                'verbose_name_plural': "author's names in other editions",
                'ordering': ['language'],
                'constraints': [models.UniqueConstraint(fields=('author', 'language'), name='author_name_once_per_edition')],
            },
        ),
        migrations.CreateModel(
            name='SectionLabel',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('language', models.CharField(choices=newsroom.editions.other_choices, help_text='The edition whose readers see this name.', max_length=10, verbose_name='edition')),
                ('name', models.CharField(help_text="The section's name in this edition: its menu link, its page's heading and the label on its stories.", max_length=80, verbose_name='name')),
                ('description', models.TextField(blank=True, help_text="Leave empty to show the section's own description.", verbose_name='description')),
                ('section', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='labels', to='articles.section', verbose_name='section')),
            ],
            options={
                'verbose_name': 'section name in an edition',
                'verbose_name_plural': 'section names in other editions',
                'ordering': ['language'],
                'constraints': [models.UniqueConstraint(fields=('section', 'language'), name='section_label_once_per_edition'), models.UniqueConstraint(fields=('language', 'name'), name='section_label_name_unique_in_edition')],
            },
        ),
    ]
