from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicRun(models.Model):
    """One row per periodic job and period: whoever inserts it enqueues that period's job."""

    job = models.CharField(_("job"), max_length=80)
    period_start = models.DateTimeField(_("period start"))
    enqueued_at = models.DateTimeField(_("enqueued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")
        constraints = [
            models.UniqueConstraint(fields=["job", "period_start"], name="one_run_per_period")
        ]

    def __str__(self):
        return f"{self.job} @ {self.period_start:%Y-%m-%d %H:%M}"


class StaffSettings(models.Model):
    """A staff member's own settings for the staff area. Without a row, the defaults.

    `language` is the language the admin speaks to them (newsroom.editions.staff_language):
    one of the editions' languages or LANGUAGE_CODE's; empty follows their browser's
    Accept-Language. The choices come from settings when the form is drawn, so a new edition
    needs no migration."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="staff_settings",
    )
    language = models.CharField(
        _("language of the desk"),
        max_length=15,
        blank=True,
        help_text=_("The language the desk speaks to you. Empty: the one your browser asks for."),
    )

    class Meta:
        default_permissions = ()  # each person sets their own, on their Language page
        verbose_name = _("staff settings")
        verbose_name_plural = _("staff settings")

    def __str__(self):
        return str(self.user)

    @classmethod
    def language_of(cls, user):
        """The language `user` chose ("" for their browser's), in one query."""
        return cls.objects.filter(user=user).values_list("language", flat=True).first() or ""
