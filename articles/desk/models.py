"""What the desk keeps about stories while they are being edited (articles.models imports them).

- `EditLock`: who has a story open, since when; a soft lock that never blocks anyone
  (articles.desk.presence).
- `Autosave`: the unsaved form content an editor's browser sends every half-minute, one row
  per person and story, neither a published change nor a revision (articles.desk.autosave).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EditLock(models.Model):
    """The person who last opened a story to edit it, kept while their page is open.

    `seen_at` is refreshed by the page's heartbeat; a lock not seen for
    `DESK_LOCK_SECONDS` has expired. Anyone who may edit the story can take it over.
    """

    article = models.OneToOneField(
        "articles.Article",
        verbose_name=_("story"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="edit_lock",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("being edited by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    since = models.DateTimeField(_("since"))
    seen_at = models.DateTimeField(_("last seen"))

    class Meta:
        verbose_name = _("story being edited")
        verbose_name_plural = _("stories being edited")

    def __str__(self):
        return f"{self.article_id}: {self.user_id}"


class Autosave(models.Model):
    """One person's unsaved form content for one story (`article` empty: a new story)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("story"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="autosaves",
    )
    # The story's version the form was opened on (None for a new story).
    version = models.PositiveIntegerField(_("opened on version"), null=True, blank=True)
    # The form as the browser would send it: [[name, value, label], ...]; the label is the
    # text of a chosen option, so a restored autocomplete shows what it holds.
    fields = models.JSONField(_("form content"), default=list)
    saved_at = models.DateTimeField(_("saved at"))

    class Meta:
        verbose_name = _("autosave")
        verbose_name_plural = _("autosaves")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"],
                condition=Q(article__isnull=False),
                name="autosave_one_per_user_and_story",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(article__isnull=True),
                name="autosave_one_new_story_per_user",
            ),
        ]

    def __str__(self):
        return f"{self.user_id}: {self.article_id or 'new'}"


class DeskEditions(models.Model):
    """The editions a group works on: an "Arabic desk" whose people see and change only
    Arabic stories. A group without a row is not limited (articles.desk.editions reads the
    rule; the languages are edition codes of settings.SITE_LANGUAGES)."""

    group = models.OneToOneField(
        "auth.Group",
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="desk_editions",
    )
    # Codes in the order of SITE_LANGUAGES, never empty (no limit is no row).
    languages = models.JSONField(_("editions"), default=list)

    class Meta:
        default_permissions = ()  # chief editors set them (articles.desk.editions)
        verbose_name = _("desk's editions")
        verbose_name_plural = _("desks' editions")

    def __str__(self):
        return f"{self.group}: {', '.join(self.languages)}"
