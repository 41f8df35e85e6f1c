"""The reader pages' partial indexes lead with the language: an edition's page reads its own
stories in order, not every edition's filtered (articles.models.LIVE)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0014_search_in_each_language'),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='article',
            name='article_live_section',
        ),
        migrations.RemoveIndex(
            model_name='article',
            name='article_live_priority',
        ),
        migrations.RemoveIndex(
            model_name='article',
            name='article_live_featured',
        ),
        migrations.RemoveIndex(
            model_name='article',
            name='article_live_day',
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['language', '-publish_at', '-id'], name='article_live_edition'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['language', 'section', '-publish_at', '-id'], name='article_live_section'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['language', '-priority', '-publish_at', '-id'], name='article_live_priority'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('status', 'published'), ('featured', True)), fields=['language', '-publish_at', '-id'], name='article_live_featured'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('status', 'published')), fields=['language', '-pub_date', '-publish_at', '-id'], name='article_live_day'),
        ),
    ]
