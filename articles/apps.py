from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def give_tag_a_slug(sender, instance, raw=False, **kwargs):
    """taggit slugifies a name with no letters or digits (an emoji) to "": spell it instead."""
    from newsroom.slugs import unicode_slug

    if not raw and not instance.slug:
        instance.slug = unicode_slug(instance.name, sender._meta.get_field("slug").max_length)


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Stories")

    def ready(self):
        from django.db.models.signals import pre_save

        from newsroom.text import normalise_on_save

        normalise_on_save(
            self.get_model("Section"),
            self.get_model("Author"),
            self.get_model("Image"),
            self.get_model("Article"),
            self.get_model("Correction"),
            self.get_model("EditorialNote"),
            self.get_model("Tag"),
        )
        pre_save.connect(
            give_tag_a_slug, sender=self.get_model("Tag"), dispatch_uid="articles.give_tag_a_slug"
        )
        # Every change readers could see makes the pages showing it stale (newsroom.pagecache).
        from articles import cache

        cache.connect()
        # The desk's admin lives in its room, where autodiscovery (articles.admin) does not look.
        from articles.desk import admin, notifications, people_admin  # noqa: F401
        from articles.desk.revisions import connect as keep_relations_in_revisions

        notifications.connect()
        keep_relations_in_revisions()  # tags, authors, related stories, corrections
