from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from comments.conf import setting


class CommentQuerySet(models.QuerySet):
    def visible(self):
        """What readers may see: approved comments. The one rule, used everywhere."""
        return self.filter(status=Comment.Status.APPROVED)

    def waiting(self):
        """The moderation queue: pending comments, oldest first."""
        return self.filter(status=Comment.Status.PENDING).order_by("created", "pk")

    def with_report_count(self):
        reports = (
            CommentReport.objects.filter(comment=OuterRef("pk"), resolved=False)
            .order_by()
            .values("comment")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            report_count=Coalesce(Subquery(reports, output_field=models.IntegerField()), Value(0))
        )

    def with_history(self):
        """Annotate how many approved / rejected / spam comments the commenter's email has."""
        annotations = {}
        for status in (Comment.Status.APPROVED, Comment.Status.REJECTED, Comment.Status.SPAM):
            counts = (
                Comment.objects.filter(email=OuterRef("email"), status=status)
                .order_by()
                .values("email")
                # COUNT(*), not COUNT(id): counted from the (email, status) index alone.
                .annotate(n=Count("*"))
                .values("n")
            )
            annotations[f"history_{status}"] = Coalesce(
                Subquery(counts, output_field=models.IntegerField()), Value(0)
            )
        return self.annotate(**annotations)


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SPAM = "spam", _("Spam")

    # PROTECT: readers' words never vanish with a plain story delete. The desk moves a story
    # to the trash; only a superuser's explicit permanent deletion removes its comments
    # (articles.desk.workflow.delete_permanently), and says how many first.
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("story"),
        on_delete=models.PROTECT,
        related_name="comments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    depth = models.PositiveSmallIntegerField(
        _("depth"), default=1, editable=False, help_text=_("1 for a comment, 2 for a reply...")
    )
    name = models.CharField(_("name"), max_length=80)
    email = models.EmailField(
        _("email"), db_index=True, help_text=_("Never published. Stored in lower case.")
    )
    website = models.URLField(
        _("website"),
        max_length=200,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Shown as a link on the commenter's name: http or https only."),
    )
    body = models.TextField(_("comment"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING, db_index=True
    )
    reported = models.BooleanField(
        _("reported"),
        default=False,
        help_text=_(
            "Sent back to the queue by reader reports; cleared by a moderator's decision."
        ),
    )
    created = models.DateTimeField(_("posted"), default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    remember = models.BooleanField(_("consented to be remembered"), default=False)
    moderators_notified_at = models.DateTimeField(
        _("moderators notified"), null=True, blank=True, editable=False
    )
    # One form sent twice stores one comment: see CommentForm.submission_key().
    submission_key = models.CharField(
        _("submission"), max_length=64, null=True, blank=True, editable=False
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        permissions = [("moderate_comment", _("Can approve, reject and mark comments as spam"))]
        indexes = [
            models.Index(fields=["article", "status", "created"], name="comment_story_status"),
            # The moderation queues read the oldest first, and count, from these small sets:
            # a few entries of an index each, however many comments are decided.
            models.Index(
                fields=["created", "id"],
                condition=models.Q(status="pending"),
                name="comment_pending_queue",
            ),
            models.Index(
                fields=["created", "id"],
                condition=models.Q(reported=True),
                name="comment_reported_queue",
            ),
            # A commenter's history (with_history): counted from the index alone.
            models.Index(fields=["email", "status"], name="comment_email_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["submission_key"], name="one_comment_a_submission")
        ]

    def __str__(self):
        return f"{self.name}: {self.excerpt}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#c{self.pk}"

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        self.depth = self.parent.depth + 1 if self.parent_id else 1
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.parent_id:
            if self.parent.article_id != self.article_id:
                raise ValidationError(
                    {"parent": pgettext_lazy("comment form", "A reply must be on the same story.")}
                )
            if self.parent.depth >= setting("MAX_DEPTH"):
                raise ValidationError(
                    {
                        "parent": pgettext_lazy(
                            "comment form", "This conversation cannot go any deeper."
                        )
                    }
                )

    @property
    def excerpt(self):
        text = " ".join(self.body.split())
        return text if len(text) <= 80 else f"{text[:79]}…"

    @property
    def can_be_replied_to(self):
        return self.depth < setting("MAX_DEPTH")

    def report_url(self):
        return reverse("comments:report", kwargs={"pk": self.pk})


class CommentReport(models.Model):
    """A reader's report on an approved comment: one per reader and comment.

    The reader is known only by a salted hash of their session, and their connection by a
    salted hash of its address, both different for every comment: nothing the reader did not
    give us is stored and reports cannot be linked together. The threshold counts distinct
    connections, so one person dropping cookies cannot pull a comment off the page alone.
    """

    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.CharField(_("reader (salted hash)"), max_length=64, editable=False)
    network = models.CharField(
        _("connection (salted hash)"), max_length=64, blank=True, editable=False
    )
    created = models.DateTimeField(_("reported"), default=timezone.now)
    resolved = models.BooleanField(
        _("resolved"), default=False, help_text=_("Set when a moderator decides on the comment.")
    )

    class Meta:
        ordering = ["created"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(fields=["comment", "reporter"], name="one_report_per_reader")
        ]

    def __str__(self):
        return f"Report on {self.comment_id} at {self.created:%Y-%m-%d %H:%M}"


class ModerationEvent(models.Model):
    """One change of a comment's status: who (a person, or the policy when empty), when, why."""

    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the moderation policy decided."),
    )
    from_status = models.CharField(
        _("from"), max_length=10, choices=Comment.Status, blank=True, help_text=_("Empty: new.")
    )
    to_status = models.CharField(_("to"), max_length=10, choices=Comment.Status)
    created = models.DateTimeField(_("time"), default=timezone.now)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation events")

    def __str__(self):
        return f"{self.comment_id}: {self.from_status or 'new'} → {self.to_status} by {self.by}"

    @property
    def by(self):
        return str(self.actor) if self.actor_id else "policy"


class RateLimitCounter(models.Model):
    """The comment rate limit's counter while the cache is unavailable (comments.ratelimit)."""

    key = models.CharField(max_length=100)
    window_start = models.BigIntegerField(help_text="Start of the window, in Unix seconds.")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="one_counter_a_window")
        ]
        indexes = [models.Index(fields=["window_start"], name="ratelimit_window")]

    def __str__(self):
        return f"{self.key} @ {self.window_start}: {self.count}"


def approved_count():
    """`comment_count` of a story card: its approved comments (comments.attach)."""
    counts = (
        Comment.objects.visible()
        .filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(n=Count("*"))  # from the comment_story_status index alone
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=models.IntegerField()), Value(0))


# When a story's comment block last changed, for its page's Last-Modified (comments.attach): a
# comment approved, or taken down, after a story page was cached must move it.
def newest_approved_at():
    """The story's newest approved comment."""
    newest = (
        Comment.objects.visible()
        .filter(article=OuterRef("pk"))
        .order_by("-created")
        .values("created")[:1]
    )
    return Subquery(newest)


def approved_set_changed_at():
    """The latest status change into or out of "approved": every one is a ModerationEvent
    (see comments.moderation.set_status)."""
    approved = Comment.Status.APPROVED
    moderated = (
        ModerationEvent.objects.filter(comment__article=OuterRef("pk"))
        .filter(models.Q(to_status=approved) | models.Q(from_status=approved))
        .order_by()
        .values("comment__article")
        .annotate(latest=models.Max("created"))
        .values("latest")
    )
    return Subquery(moderated)
