"""Copy every taggit tag and tagging of a story into articles.Tag and articles.TaggedStory,
losing nothing, then empty taggit's tables of what moved.

- A tag gets one copy per language of the stories carrying it, each with the tag's name and
  slug (they are unique per language now, so the copies never clash); a tag no story carries
  goes to the default edition's language.
- Each tagging becomes a TaggedStory of the story's own-language copy. (A tagging whose story
  no longer exists, which taggit's generic relation can leave behind, tags nothing and is
  not copied.)
- An old tag address (TagRedirect) takes the language of the tag it leads to: a tag copied
  into several languages gives it one address per language, each leading to that language's
  copy, so `/tag/<old>/` and `/ar/tag/<old>/` both keep working.

Backwards, the tags go back to taggit's tables: tags of the same name in several languages
become one again, and an old address kept in several languages is kept once.
"""

from django.db import migrations

from newsroom import editions

BATCH = 2000


def _story_type(apps, using, create=False):
    ContentType = apps.get_model("contenttypes", "ContentType")
    lookup = {"app_label": "articles", "model": "article"}
    if create:
        return ContentType.objects.using(using).get_or_create(**lookup)[0]
    return ContentType.objects.using(using).filter(**lookup).first()


def _batches(queryset, fields):
    """Rows of `queryset` (ordered by pk, `fields` starting with "pk"), BATCH at a time."""
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        rows = list(page.values_list(*fields)[:BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def copy_tags(apps, schema_editor):
    using = schema_editor.connection.alias
    OldTag = apps.get_model("taggit", "Tag")
    OldTagged = apps.get_model("taggit", "TaggedItem")
    Article = apps.get_model("articles", "Article")
    Tag = apps.get_model("articles", "Tag")
    TaggedStory = apps.get_model("articles", "TaggedStory")
    TagRedirect = apps.get_model("articles", "TagRedirect")
    story_type = _story_type(apps, using)
    old_tagged = (
        OldTagged.objects.using(using).filter(content_type=story_type)
        if story_type is not None
        else OldTagged.objects.using(using).none()
    )

    # Which languages each old tag is used in.
    languages = {}  # old tag id -> {language}
    for rows in _batches(old_tagged, ("pk", "tag_id", "object_id")):
        stories = dict(
            Article.objects.using(using)
            .filter(pk__in={story for _, _, story in rows})
            .values_list("pk", "language")
        )
        for _, tag, story in rows:
            if story in stories:
                languages.setdefault(tag, set()).add(stories[story])

    # One new tag per old tag and language; unused tags in the default edition's language.
    old_tags = {pk: (name, slug) for pk, name, slug in OldTag.objects.using(using).values_list("pk", "name", "slug")}
    default = editions.default()
    wanted = [
        Tag(name=name, slug=slug, language=language)
        for pk, (name, slug) in sorted(old_tags.items())
        for language in sorted(languages.get(pk) or {default})
    ]
    Tag.objects.using(using).bulk_create(wanted, batch_size=BATCH)
    by_slug = {
        (language, slug): pk
        for pk, language, slug in Tag.objects.using(using).values_list("pk", "language", "slug")
    }
    new_tag = {  # (old tag id, language) -> new tag id
        (pk, language): by_slug[(language, old_tags[pk][1])]
        for pk in old_tags
        for language in languages.get(pk) or {default}
    }

    # The taggings, batch by batch.
    for rows in _batches(old_tagged, ("pk", "tag_id", "object_id")):
        stories = dict(
            Article.objects.using(using)
            .filter(pk__in={story for _, _, story in rows})
            .values_list("pk", "language")
        )
        TaggedStory.objects.using(using).bulk_create(
            [
                TaggedStory(content_object_id=story, tag_id=new_tag[(tag, stories[story])])
                for _, tag, story in rows
                if story in stories
            ]
        )

    # Old addresses: one per language of the tag they lead to.
    redirects = TagRedirect.objects.using(using)
    for redirect in list(redirects.exclude(tag=None).order_by("pk")):
        first, *others = sorted(languages.get(redirect.tag_id) or {default})
        redirects.bulk_create(
            TagRedirect(
                language=language,
                old_slug=redirect.old_slug,
                tag_in_language_id=new_tag[(redirect.tag_id, language)],
            )
            for language in others
        )
        # When the tag was merged, not now (auto_now_add stamps the new rows).
        redirects.filter(old_slug=redirect.old_slug, language__in=others).update(
            created_at=redirect.created_at
        )
        redirect.language = first
        redirect.tag_in_language_id = new_tag[(redirect.tag_id, first)]
        redirect.tag = None
        redirect.save(update_fields=["language", "tag_in_language", "tag"])

    # What moved leaves taggit's tables.
    old_tagged.delete()
    OldTag.objects.using(using).filter(pk__in=old_tags).exclude(
        pk__in=OldTagged.objects.using(using).values("tag_id")
    ).delete()


def copy_tags_back(apps, schema_editor):
    using = schema_editor.connection.alias
    OldTag = apps.get_model("taggit", "Tag")
    OldTagged = apps.get_model("taggit", "TaggedItem")
    Tag = apps.get_model("articles", "Tag")
    TaggedStory = apps.get_model("articles", "TaggedStory")
    TagRedirect = apps.get_model("articles", "TagRedirect")
    old_tags = OldTag.objects.using(using)
    by_name = dict(old_tags.values_list("name", "pk"))
    slugs = set(old_tags.values_list("slug", flat=True))
    old_tag = {}  # new tag id -> old tag id
    for pk, name, slug, language in Tag.objects.using(using).order_by("pk").values_list(
        "pk", "name", "slug", "language"
    ):
        if name not in by_name:
            if slug in slugs:  # another name's slug in another language
                slug = f"{slug}-{language}-{pk}"
            by_name[name] = old_tags.create(name=name, slug=slug).pk
            slugs.add(slug)
        old_tag[pk] = by_name[name]
    story_type = _story_type(apps, using, create=True)
    for rows in _batches(TaggedStory.objects.using(using), ("pk", "tag_id", "content_object_id")):
        OldTagged.objects.using(using).bulk_create(
            [
                OldTagged(content_type=story_type, object_id=story, tag_id=old_tag[tag])
                for _, tag, story in rows
            ],
            ignore_conflicts=True,
        )
    seen = set()
    for redirect in list(TagRedirect.objects.using(using).order_by("pk")):
        if redirect.old_slug in seen:  # the address in another language: one is kept
            redirect.delete()
            continue
        seen.add(redirect.old_slug)
        redirect.tag_id = old_tag[redirect.tag_in_language_id]
        redirect.save(update_fields=["tag"])


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0018_tags_per_language"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(copy_tags, copy_tags_back)]
