from django.db import migrations, models
from django.db.models import F


def existing_reports_count_per_reader(apps, schema_editor):
    """Reports made before connections were recorded keep counting once per reader."""
    CommentReport = apps.get_model("comments", "CommentReport")
    CommentReport.objects.filter(network="").update(network=F("reporter"))


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0002_moderation_groups"),
    ]

    operations = [
        migrations.AddField(
            model_name="commentreport",
            name="network",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=64,
                verbose_name="connection (salted hash)",
            ),
        ),
        migrations.RunPython(existing_reports_count_per_reader, migrations.RunPython.noop),
    ]
