"""Tags on the desk, as plain functions: suggestions while typing, and merging duplicates.

The tag admin (articles.desk.tag_admin) and the tests call these; the rules live here once.
"""

from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext as _

from articles import cache as page_tags
from articles.desk.revisions import record_revisions
from articles.models import Tag, TaggedStory, TagRedirect

SUGGESTIONS = 10  # names offered at most
LONGEST_PREFIX = Tag._meta.get_field("name").max_length


def suggest(prefix, *, stories, language, limit=SUGGESTIONS):
    """Existing tags of `language` on `stories` whose name starts with `prefix` (in any
    case), the most used first: [{"name", "slug", "uses"}], at most `limit`. One query.

    `stories` is the queryset the names come from (the stories the person may see); only
    the tags of the story's language are offered, as only those can go on it.
    """
    prefix = prefix.strip()[:LONGEST_PREFIX]
    if not prefix:
        return []
    uses = (
        TaggedStory.objects.filter(
            content_object__in=stories.filter(language=language).values("pk"),
            tag__language=language,
            tag__name__istartswith=prefix,
        )
        .values("tag__name", "tag__slug")
        .annotate(uses=Count("pk"))
        .order_by("-uses", "tag__name")[:limit]
    )
    return [
        {"name": row["tag__name"], "slug": row["tag__slug"], "uses": row["uses"]} for row in uses
    ]


class MixedLanguages(ValueError):
    """Tags of different languages cannot become one: each edition's stories carry their
    own language's tags."""


@transaction.atomic
def merge(tags, into, *, by):
    """Make `tags` one tag, `into`: every story that had any of them has `into` once, the
    others are deleted, their addresses answer with a 301 to `into`'s (TagRedirect) and each
    story whose tags changed gets a revision saying so. Returns how many stories changed.

    All the tags must be of `into`'s language (else MixedLanguages, and nothing changes).
    """
    merged = [tag for tag in tags if tag.pk != into.pk]
    ids = [tag.pk for tag in merged]
    if not ids:
        return 0
    # One merge at a time over these tags; their languages as stored, not as passed.
    languages = set(
        Tag.objects.select_for_update()
        .filter(pk__in=[*ids, into.pk])
        .values_list("language", flat=True)
    )
    if len(languages) > 1:
        raise MixedLanguages(_("Tags of different languages cannot be merged."))
    language = into.language
    uses = TaggedStory.objects.filter(tag_id__in=ids)
    stories = set(uses.values_list("content_object_id", flat=True))
    has_into = TaggedStory.objects.filter(tag=into, content_object=OuterRef("content_object"))
    uses.filter(Exists(has_into)).delete()
    kept, duplicates, seen = [], [], set()
    for pk, story in uses.order_by("pk").values_list("pk", "content_object_id"):
        (duplicates if story in seen else kept).append(pk)
        seen.add(story)
    TaggedStory.objects.filter(pk__in=duplicates).delete()
    TaggedStory.objects.filter(pk__in=kept).update(tag=into)
    # Old addresses: those that led to a merged tag now lead to `into`, as do the merged
    # tags' own; none may point `into`'s own address away from it.
    TagRedirect.objects.filter(tag_id__in=ids).update(tag=into)
    TagRedirect.objects.filter(language=language, old_slug=into.slug).delete()
    for tag in merged:
        TagRedirect.objects.update_or_create(
            language=language, old_slug=tag.slug, defaults={"tag": into}
        )
    Tag.objects.filter(pk__in=ids).delete()
    reason = _("Tags merged into %(into)s: %(tags)s") % {
        "tags": ", ".join(tag.name for tag in merged),
        "into": into.name,
    }
    record_revisions(stories, by=by, reason=reason)
    # The moved uses were updated in bulk, without signals: their pages are stale.
    page_tags.tags_merged(into.pk, stories)
    return len(stories)
