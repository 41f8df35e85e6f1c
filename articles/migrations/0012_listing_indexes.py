"""Indexes for reader pages at 100,000 stories (articles/site/paging.py, HomeView, sitemaps).

Besides the story's own: an index on taggit's tagged items by tag and story, on the story
id as a bigint. Django joins the tag table on `object_id::bigint` (taggit stores an integer,
our ids are bigints), which none of taggit's indexes can answer: every "is this story
tagged X?" became a scan of all the tag's stories. PostgreSQL only; SQLite papers are small.
"""

from django.conf import settings
from django.db import migrations, models

TAGGED_INDEX = "article_tagged_story"


def create_tagged_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TAGGED_INDEX} ON taggit_taggeditem "
        "(tag_id, content_type_id, ((object_id)::bigint))"
    )


def drop_tagged_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TAGGED_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0011_story_versions_edit_locks_autosaves'),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['section', '-publish_at', '-id'], name='article_live_section'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['-priority', '-publish_at', '-id'], name='article_live_priority'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('status', 'published'), ('featured', True)), fields=['-publish_at', '-id'], name='article_live_featured'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['-pub_date', '-publish_at', '-id'], name='article_live_day'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['-first_published_at', '-id'], name='article_live_first_published'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(fields=['updated_at'], name='article_updated'),
        ),
        migrations.RunPython(create_tagged_index, drop_tagged_index, elidable=False),
    ]
