"""Stored search vectors read in each story's language (articles.models.search_vector).

Every vector so far was read as English. Stories in another language (after 0013, those of a
default edition that is not English) are read again in theirs; on SQLite there are none.
"""

from django.db import migrations


def read_in_own_language(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from articles.models import search_config, search_vector

    Article = apps.get_model("articles", "Article")
    stories = Article.objects.using(schema_editor.connection.alias)
    for language in stories.values_list("language", flat=True).distinct().order_by():
        if search_config(language) != "english":
            stories.filter(language=language).update(search_vector=search_vector(language))


class Migration(migrations.Migration):
    dependencies = [("articles", "0013_editions")]

    operations = [migrations.RunPython(read_in_own_language, migrations.RunPython.noop)]
