"""Stored full-text search vector for stories, GIN-indexed on PostgreSQL.

The index and the back-fill are PostgreSQL-only SQL, so they run only there; on SQLite the
column is a plain (unused) column and search falls back to LIKE. The weights must match
articles.models.SEARCH_VECTOR.
"""

import django.contrib.postgres.search
from django.db import migrations

INDEX = "article_search_vector_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON articles_article USING gin (search_vector)"
    )
    schema_editor.execute(
        "UPDATE articles_article SET search_vector = "
        "setweight(to_tsvector('english', coalesce(headline, '')), 'A') || "
        "setweight(to_tsvector('english', coalesce(standfirst, '')), 'B') || "
        "setweight(to_tsvector('english', coalesce(body, '')), 'C')"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0004_editorial_groups'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='search_vector',
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True, verbose_name='search vector'),
        ),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
