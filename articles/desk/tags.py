"""Tags on the desk, as plain functions: suggestions while typing, and merging duplicates.

The tag admin (articles.desk.tag_admin) and the tests call these; the rules live here once.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext as _
from taggit.models import Tag, TaggedItem

from articles import cache as page_tags
from articles.desk.revisions import record_revisions
from articles.models import Article, TagRedirect

SUGGESTIONS = 10  # names offered at most
LONGEST_PREFIX = Tag._meta.get_field("name").max_length


def suggest(prefix, *, stories, limit=SUGGESTIONS):
    """Existing tags of `stories` whose name starts with `prefix` (in any case), the most used
    first: [{"name", "slug", "uses"}], at most `limit`. One query.

    `stories` is the queryset the names come from (the stories the person may see), so a
    narrower scope, such as one language's stories, is a filter on it.
    """
    prefix = prefix.strip()[:LONGEST_PREFIX]
    if not prefix:
        return []
    uses = (
        TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(Article),
            object_id__in=stories.values("pk"),
            tag__name__istartswith=prefix,
        )
        .values("tag__name", "tag__slug")
        .annotate(uses=Count("pk"))
        .order_by("-uses", "tag__name")[:limit]
    )
    return [
        {"name": row["tag__name"], "slug": row["tag__slug"], "uses": row["uses"]} for row in uses
    ]


@transaction.atomic
def merge(tags, into, *, by):
    """Make `tags` one tag, `into`: every story that had any of them has `into` once, the
    others are deleted, their addresses answer with a 301 to `into`'s (TagRedirect) and each
    story whose tags changed gets a revision saying so. Returns how many stories changed.
    """
    merged = [tag for tag in tags if tag.pk != into.pk]
    ids = [tag.pk for tag in merged]
    if not ids:
        return 0
    # One merge at a time over these tags.
    list(Tag.objects.select_for_update().filter(pk__in=[*ids, into.pk]).values_list("pk"))
    uses = TaggedItem.objects.filter(tag_id__in=ids)
    story_type = ContentType.objects.get_for_model(Article)
    stories = set(uses.filter(content_type=story_type).values_list("object_id", flat=True))
    has_into = TaggedItem.objects.filter(
        tag=into, content_type=OuterRef("content_type"), object_id=OuterRef("object_id")
    )
    uses.filter(Exists(has_into)).delete()
    kept, duplicates, seen = [], [], set()
    for pk, *tagged in uses.order_by("pk").values_list("pk", "content_type_id", "object_id"):
        (duplicates if tuple(tagged) in seen else kept).append(pk)
        seen.add(tuple(tagged))
    TaggedItem.objects.filter(pk__in=duplicates).delete()
    TaggedItem.objects.filter(pk__in=kept).update(tag=into)
    # Old addresses: those that led to a merged tag now lead to `into`, as do the merged
    # tags' own; none may point `into`'s own address away from it.
    TagRedirect.objects.filter(tag_id__in=ids).update(tag=into)
    TagRedirect.objects.filter(old_slug=into.slug).delete()
    for tag in merged:
        TagRedirect.objects.update_or_create(old_slug=tag.slug, defaults={"tag": into})
    Tag.objects.filter(pk__in=ids).delete()
    reason = _("Tags merged into %(into)s: %(tags)s") % {
        "tags": ", ".join(tag.name for tag in merged),
        "into": into.name,
    }
    record_revisions(stories, by=by, reason=reason)
    # The moved uses were updated in bulk, without signals: their pages are stale.
    page_tags.tags_merged(into.pk, stories)
    return len(stories)
