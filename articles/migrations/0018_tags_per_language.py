"""Tags of one language each (issue 11): articles.Tag and articles.TaggedStory, taggit's
documented way to a custom tag model, replace taggit's Tag and TaggedItem for stories.

This one makes the new tables and gives each old tag address (TagRedirect) a language and a
second, temporary link to the new tag; the next copies the tags over, the one after retires
the old link (tags_per_language_switch).
"""

import django.db.models.deletion
from django.db import migrations, models

import newsroom.editions


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0017_edition_labels'),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
    ]

    operations = [
        migrations.CreateModel(
            name='Tag',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('slug', models.SlugField(allow_unicode=True, max_length=100, verbose_name='slug')),
                ('language', models.CharField(choices=newsroom.editions.choices, default=newsroom.editions.default, help_text='The edition whose stories carry this tag.', max_length=10, verbose_name='language')),
            ],
            options={
                'verbose_name': 'tag',
                'verbose_name_plural': 'tags',
                'ordering': ['language', 'name'],
                'constraints': [models.UniqueConstraint(fields=('language', 'slug'), name='tag_slug_per_language'), models.UniqueConstraint(fields=('language', 'name'), name='tag_name_per_language')],
            },
        ),
        migrations.CreateModel(
            name='TaggedStory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('content_object', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, to='articles.article', verbose_name='story')),
                ('tag', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='tagged_stories', to='articles.tag', verbose_name='tag')),
            ],
            options={
                'verbose_name': 'tagged story',
                'verbose_name_plural': 'tagged stories',
                'indexes': [models.Index(fields=['tag', 'content_object'], name='tagged_story_by_tag')],
                'constraints': [models.UniqueConstraint(fields=('content_object', 'tag'), name='tagged_story_once')],
            },
        ),
        migrations.AddField(
            model_name='tagredirect',
            name='language',
            field=models.CharField(choices=newsroom.editions.choices, default=newsroom.editions.default, max_length=10, verbose_name='language'),
        ),
        migrations.AlterField(
            model_name='tagredirect',
            name='old_slug',
            field=models.CharField(max_length=100, verbose_name='old slug'),
        ),
        # The link to taggit's tag may be empty from now on: the copy empties it before it
        # deletes taggit's rows, and the switch removes it.
        migrations.AlterField(
            model_name='tagredirect',
            name='tag',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='redirects', to='taggit.tag', verbose_name='tag'),
        ),
        migrations.AddField(
            model_name='tagredirect',
            name='tag_in_language',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='articles.tag', verbose_name='tag'),
        ),
    ]
