"""Fill the benchmark database with a small paper; print the story's URL and id as JSON.

Run by scripts/bench.py in a subprocess with DATABASE_URL pointing at the throwaway database
(scripts/bench_probe.py then counts the story page's queries).
"""

import io
import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")
django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from PIL import Image as PILImage  # noqa: E402

from articles.models import (  # noqa: E402
    Article,
    ArticleAuthor,
    Author,
    Correction,
    Image,
    RelatedLink,
    Section,
)
from comments.models import Comment  # noqa: E402

PARAGRAPH = (
    "<p>The council met on Tuesday evening to debate the plan, which would bring hundreds of "
    "new homes to the riverside. Residents filled the public gallery; several spoke for and "
    "against, and the vote went late into the night.</p>"
)


def picture():
    out = io.BytesIO()
    PILImage.new("RGB", (1600, 1000), (30, 80, 130)).save(out, "JPEG", quality=85)
    image = Image(alt_text="Councillors vote in the chamber", caption="The vote.", credit="Staff")
    image.file.save("bench.jpg", ContentFile(out.getvalue()), save=False)
    image.save()
    return image


def seed(stories=300):
    sections = [
        Section.objects.create(name=name, slug=name.lower(), order=i)
        for i, name in enumerate(["News", "Politics", "Business", "Sport", "Culture"])
    ]
    authors = [
        Author.objects.create(name=f"Reporter {i}", slug=f"reporter-{i}", bio="Covers the city.")
        for i in range(12)
    ]
    image = picture()
    now = timezone.now()
    made = []
    for i in range(stories):
        article = Article.objects.create(
            headline=f"Council approves riverside housing plan, part {i}",
            slug=f"council-approves-plan-{i}",
            standfirst="Hundreds of new homes after a late-night vote.",
            body=PARAGRAPH * 12,
            section=sections[i % len(sections)],
            source="AFP" if i % 3 == 0 else "",
            dateline="LONDON",
            status=Article.Status.PUBLISHED,
            publish_at=now - timezone.timedelta(minutes=30 * i + 1),
            featured=i == 0,
            priority=i % 4,
            lead_image=image if i % 2 == 0 else None,
        )
        for order, author in enumerate((authors[i % 12], authors[(i + 5) % 12])):
            ArticleAuthor.objects.create(article=article, author=author, order=order)
        article.tags.add(f"topic-{i % 15}", f"topic-{i % 7}", "housing")
        made.append(article)
    story = made[0]
    for target in made[1:4]:
        RelatedLink.objects.create(article=story, target=target, order=target.pk)
    Correction.objects.create(article=story, text="An earlier version misstated the date.")
    add_comments(story)
    return story


def add_comments(story, threads=20):
    """Approved comments with the comments block open: a thread is a comment and a reply."""
    common = {"article": story, "status": Comment.Status.APPROVED, "email": "r@example.org"}
    text = (
        "I was at the meeting. The riverside needs homes, but the plan says little about schools."
    )
    roots = Comment.objects.bulk_create(
        Comment(name=f"Reader {i}", body=f"{text} ({i})", depth=1, **common)
        for i in range(threads)
    )
    Comment.objects.bulk_create(
        Comment(name=f"Replier {i}", body=f"Agreed ({i}).", parent=root, depth=2, **common)
        for i, root in enumerate(roots)
    )


def main():
    story = seed()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what autovacuum would do to a live database
    print(
        json.dumps(
            {
                "story_url": story.get_absolute_url(),
                "story_pk": story.pk,
                "story_comments": Comment.objects.visible().filter(article=story).count(),
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
