"""Revisions keep a story's tags, authors, related stories and corrections
(articles.desk.revisions), and merged tags keep their addresses (TagRedirect).

Revisions made before this have no such record (None), except each story's latest one, which
is given the story's current state: the next change on the desk then compares against it.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

BATCH = 500


def record_latest_revisions(apps, schema_editor):
    using = schema_editor.connection.alias
    Article = apps.get_model("articles", "Article")
    History = apps.get_model("articles", "HistoricalArticle")
    ArticleAuthor = apps.get_model("articles", "ArticleAuthor")
    RelatedLink = apps.get_model("articles", "RelatedLink")
    Correction = apps.get_model("articles", "Correction")
    ContentType = apps.get_model("contenttypes", "ContentType")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    story_type = ContentType.objects.using(using).filter(app_label="articles", model="article").first()
    latest = History.objects.using(using).filter(id=OuterRef("pk")).order_by("-history_date", "-history_id")
    pairs = list(
        Article.objects.using(using)
        .annotate(revision=Subquery(latest.values("history_id")[:1]))
        .exclude(revision=None)
        .order_by("pk")
        .values_list("pk", "revision")
    )
    for start in range(0, len(pairs), BATCH):
        batch = dict(pairs[start : start + BATCH])
        states = {pk: {"tags": [], "authors": [], "related": [], "corrections": []} for pk in batch}
        if story_type is not None:
            tagged = TaggedItem.objects.using(using).filter(content_type=story_type, object_id__in=batch)
            for pk, name in tagged.order_by("tag__name").values_list("object_id", "tag__name"):
                states[pk]["tags"].append(name)
        bylines = ArticleAuthor.objects.using(using).filter(article_id__in=batch).order_by("order", "pk")
        for pk, name in bylines.values_list("article_id", "author__name"):
            states[pk]["authors"].append(name)
        links = RelatedLink.objects.using(using).filter(article_id__in=batch).order_by("order", "pk")
        for pk, target, headline in links.values_list("article_id", "target_id", "target__headline"):
            states[pk]["related"].append({"id": target, "headline": headline})
        corrections = Correction.objects.using(using).filter(article_id__in=batch).order_by("date", "pk")
        for pk, correction, date, text in corrections.values_list("article_id", "pk", "date", "text"):
            states[pk]["corrections"].append({"id": correction, "date": date.isoformat(), "text": text})
        revisions = list(History.objects.using(using).filter(history_id__in=batch.values()))
        for revision in revisions:
            revision.relations = states[revision.id]
        History.objects.using(using).bulk_update(revisions, ["relations"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_editorial_notes_notifications_staff"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalarticle",
            name="relations",
            field=models.JSONField(
                editable=False, null=True, verbose_name="tags, authors, related stories and corrections"
            ),
        ),
        migrations.RunPython(record_latest_revisions, migrations.RunPython.noop),
        migrations.CreateModel(
            name="TagRedirect",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("old_slug", models.CharField(max_length=100, unique=True, verbose_name="old slug")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "tag",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="redirects",
                        to="taggit.tag",
                        verbose_name="tag",
                    ),
                ),
            ],
            options={"verbose_name": "old tag address", "verbose_name_plural": "old tag addresses"},
        ),
    ]
