"""Desk mail: editors hear of a story submitted for review; a reporter hears that their story
was published (or scheduled) or sent back to them with a note.

What triggers it is a story's status moving, however it moved (the form, an action, a
workflow function, another helper's view): `connect()` hooks the story's save, from
ArticlesConfig.ready. A change with no person behind it (a script, `seed_demo`) sends
nothing, and nobody is told what they did themselves.

Nothing is sent in the editor's request: the save enqueues a job in its own transaction
(newsroom.tasks.enqueue_with_transaction) and the worker sends one mail per person
(articles.desk.tasks), so a mail server that is down never breaks a save, a failed mail is
retried on its own, and nobody sees another person's address. Each person's preferences
(NotificationPreference, "My notifications") are read when the mail is sent.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMessage
from django.db.models import Q
from django.db.models.signals import post_save, pre_save
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from articles.desk import editions
from articles.desk.workflow import PUBLISH_PERMISSION, can_publish
from articles.models import Article, EditorialNote, NotificationPreference
from newsroom.site_url import absolute
from newsroom.tasks import enqueue_with_transaction

SUBMITTED, PUBLISHED, SENT_BACK = "submitted", "published", "sent_back"
EVENTS = (SUBMITTED, PUBLISHED, SENT_BACK)

_BEFORE = "_desk_status_before"


def acting_user(article):
    """Who is saving `article`: the workflow's user, else the signed-in user of the request
    (the same answer the story's revision records), else None."""
    user = getattr(article, "_history_user", None)
    if user is None:
        request = getattr(HistoricalRecords.context, "request", None)
        user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return user


def person(user):
    """A colleague by name, never by address."""
    if user is None:
        return _("Someone")
    return user.get_full_name() or user.get_username()


# The story's save: what the status was, then what it became.
def remember_status(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or acting_user(instance) is None:
        return
    if update_fields is not None and "status" not in update_fields:
        before = instance.status
    elif instance._state.adding:
        before = None
    else:
        before = Article.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
    setattr(instance, _BEFORE, before)


def announce_status(sender, instance, raw=False, **kwargs):
    if raw or not hasattr(instance, _BEFORE):
        return
    before = instance.__dict__.pop(_BEFORE)
    actor = acting_user(instance)
    if actor is None or before == instance.status:
        return
    from articles.desk import tasks

    if instance.status == Article.Status.IN_REVIEW:
        enqueue_with_transaction(tasks.announce_submitted, instance.pk, actor.pk)
    elif (
        instance.status == Article.Status.PUBLISHED
        and before != Article.Status.TRASHED  # a restore is not a publication
        and instance.created_by_id not in (None, actor.pk)
    ):
        enqueue_with_transaction(
            tasks.send_story_mail,
            PUBLISHED,
            instance.pk,
            instance.created_by_id,
            actor_id=actor.pk,
        )


def announce_sent_back(sender, instance, created, raw=False, **kwargs):
    if raw or not created or instance.kind != EditorialNote.Kind.SENT_BACK:
        return
    reporter_id = Article.objects.filter(pk=instance.article_id).values_list(
        "created_by_id", flat=True
    )[0]
    if reporter_id in (None, instance.author_id):
        return
    from articles.desk import tasks

    enqueue_with_transaction(
        tasks.send_story_mail,
        SENT_BACK,
        instance.article_id,
        reporter_id,
        actor_id=instance.author_id,
        note_id=instance.pk,
    )


def connect():
    pre_save.connect(remember_status, sender=Article, dispatch_uid="desk.remember_status")
    post_save.connect(announce_status, sender=Article, dispatch_uid="desk.announce_status")
    post_save.connect(
        announce_sent_back, sender=EditorialNote, dispatch_uid="desk.announce_sent_back"
    )


# Who is told, and what they read.
def review_recipients(exclude=None):
    """The ids of everyone who may publish, is active, has an address and wants review mail."""
    app_label, codename = PUBLISH_PERMISSION.split(".")
    perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    query = Q(is_superuser=True)
    if perm is not None:
        query |= Q(groups__permissions=perm) | Q(user_permissions=perm)
    users = (
        get_user_model()
        .objects.filter(query, is_active=True)
        .exclude(email="")
        .exclude(desk_notifications__on_submitted=False)
    )
    if exclude is not None:
        users = users.exclude(pk=exclude)
    return sorted(set(users.values_list("pk", flat=True)))


def _still_true(event, article, user):
    """A mail sent late (a retry) about what is no longer so is not sent at all."""
    if event == SUBMITTED:
        # An editor of a desk limited to other editions is not told (articles.desk.editions).
        return (
            article.status == Article.Status.IN_REVIEW
            and can_publish(user)
            and editions.allows(user, article.language)
        )
    if event == PUBLISHED:
        return article.status == Article.Status.PUBLISHED
    return True


def _one_line(text):
    return " ".join(str(text).split())


def message(event, article, user, *, actor=None, note=None):
    """The mail for one person: an EmailMessage addressed to them alone."""
    site = settings.SITE_NAME
    headline = _one_line(article.headline)
    if event == SUBMITTED:
        subject = _("[%(site)s] For review: %(headline)s")
    elif event == PUBLISHED and article.is_scheduled:
        subject = _("[%(site)s] Scheduled: %(headline)s")
    elif event == PUBLISHED:
        subject = _("[%(site)s] Published: %(headline)s")
    else:
        subject = _("[%(site)s] Sent back to you: %(headline)s")
    context = {
        "site_name": site,
        "article": article,
        "headline": headline,
        "recipient": person(user),
        "actor": person(actor),
        "note": note,
        "scheduled": article.is_scheduled,
        "publish_at": date_format(localtime(article.publish_at), "DATETIME_FORMAT")
        if article.publish_at
        else "",
        "desk_url": absolute(reverse("admin:articles_article_change", args=[article.pk])),
        "public_url": absolute(article.get_absolute_url()) if article.is_published else "",
        "preferences_url": absolute(reverse("desk:notifications")),
    }
    body = render_to_string(f"articles/desk/email/{event}.txt", context)
    return EmailMessage(
        subject % {"site": site, "headline": headline},
        body,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )


def send(event, article_id, user_id, *, actor_id=None, note_id=None):
    """Send one desk mail to one person, if they still want it and it is still true.

    Returns True when a mail went. The mail server's failures propagate (the task retries).
    """
    users = get_user_model().objects
    user = users.filter(pk=user_id, is_active=True).exclude(email="").first()
    article = Article.objects.filter(pk=article_id).first()
    if user is None or article is None or not NotificationPreference.of(user).wants(event):
        return False
    if not _still_true(event, article, user):
        return False
    actor = users.filter(pk=actor_id).first() if actor_id else None
    note = EditorialNote.objects.filter(pk=note_id).first() if note_id else None
    with translation.override(settings.LANGUAGE_CODE):
        message(event, article, user, actor=actor, note=note).send()
    return True
