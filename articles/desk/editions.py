"""Desks limited to some editions: an "Arabic desk" whose people see and change only Arabic
stories. The rule, in one place:

- superusers work on every edition, and so does anyone in at least one group without a limit
  (a group without a `DeskEditions` row) that lets them write, change or publish stories, or
  in no limited group at all (their permissions were given to them one by one, by a
  superuser); being also a moderator or a chief editor (groups that work on comments or on
  staff) opens no edition;
- anyone else works on the editions of their limited groups together.

`articles.desk.workflow` applies it wherever a story is reached (the stories a user may open,
change, publish, preview, relate to, translate into), so the admin, its endpoints, the
dashboard and the agenda follow. Chief editors set a group's editions (`set_editions`) on the
desk's "Desks' editions" page (articles.desk.people_admin).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils.translation import gettext as _

from articles.desk.models import DeskEditions
from newsroom import editions

# A group without a limit lifts its members' desk limits only if it lets them work on stories:
# being a moderator (who may view stories) or a chief editor (who manages staff) too does not
# open every edition to an Arabic desk's editor.
STORY_WORK_CODENAMES = ["add_article", "change_article", "publish_article"]
STORY_WORK = Q(
    permissions__content_type__app_label="articles",
    permissions__codename__in=STORY_WORK_CODENAMES,
)

# Kept on the user object for the request, as Django keeps its permission cache there.
CACHE_ATTRIBUTE = "_desk_editions_cache"


def limit_of(user):
    """The edition codes `user` is limited to (in the order of the editions), or None when
    they work on every edition."""
    cached = getattr(user, CACHE_ATTRIBUTE, False)
    if cached is not False:
        return cached
    limit = None
    # Loaded by EditionsBackend, the user says whether they are limited at all: nobody
    # pays a query for a rule that does not concern them.
    if user.is_authenticated and not user.is_superuser and getattr(user, "desk_limited", True):
        work = Group.permissions.through.objects.filter(
            group=OuterRef("pk"),
            permission__content_type__app_label="articles",
            permission__codename__in=STORY_WORK_CODENAMES,
        )
        rows = list(
            user.groups.annotate(work=Exists(work)).values_list("desk_editions__languages", "work")
        )
        limits = [languages for languages, _work in rows if languages is not None]
        if limits and not any(work for languages, work in rows if languages is None):
            allowed = {code for languages in limits for code in languages}
            limit = [code for code in editions.codes() if code in allowed]
    setattr(user, CACHE_ATTRIBUTE, limit)
    return limit


def with_limited_flag(users):
    """Users annotated with `desk_limited`: in a limited group, and in no group without a
    limit that lets them work on stories."""
    groups = Group.objects.filter(user=OuterRef("pk"))
    unlimited_work = groups.filter(desk_editions__isnull=True).filter(STORY_WORK)
    limited = Q(Exists(groups.filter(desk_editions__isnull=False))) & ~Q(Exists(unlimited_work))
    return users.annotate(desk_limited=ExpressionWrapper(limited, output_field=BooleanField()))


class EditionsBackend(ModelBackend):
    """Django's ModelBackend, whose signed-in user says whether their desk is limited to
    some editions (`desk_limited`), in the query that loads them (settings'
    AUTHENTICATION_BACKENDS)."""

    def get_user(self, user_id):
        users = with_limited_flag(get_user_model()._default_manager.all())
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


def editions_for(user):
    """The edition codes `user` works on, in the order of the editions (the first is the one
    a new story of theirs starts in)."""
    limit = limit_of(user)
    return editions.codes() if limit is None else limit


class DeskEditionsAdmin:
    """A ModelAdmin or inline mixin for rows that belong to one edition (a `language` field):
    a desk limited to some editions sees and sets its own editions' rows only."""

    def get_queryset(self, request):
        return super().get_queryset(request).filter(language__in=editions_for(request.user))

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "language":
            allowed = editions_for(request.user)
            blank = db_field.blank or not (db_field.has_default() or "initial" in kwargs)
            kwargs["choices"] = [
                (code, name)
                for code, name in db_field.get_choices(include_blank=blank)
                if code in allowed or code == ""
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


def allows(user, language):
    """May `user` work on stories in `language`?"""
    return language in editions_for(user)


def restrict(user, queryset):
    """The stories of `queryset` in the editions `user` works on."""
    limit = limit_of(user)
    return queryset if limit is None else queryset.filter(language__in=limit)


def check(user, article):
    """Refuse unless `article` is in an edition `user` works on."""
    if not allows(user, article.language):
        raise PermissionDenied(
            _("This story is in an edition your desk does not work on (%(language)s).")
            % {"language": article.get_language_display()}
        )


def forget(user):
    """Drop what `limit_of` kept on the user object (after their groups changed)."""
    if hasattr(user, CACHE_ATTRIBUTE):
        delattr(user, CACHE_ATTRIBUTE)


# Who sets a group's editions (the desk's "Desks' editions" page).
def can_set_editions(user, group=None):
    """Superusers, and chief editors (who manage staff) for a group whose every permission
    they hold themselves: lifting a limit gives a group's powers over more stories, so a
    chief editor never does that for powers beyond their own."""
    from articles.desk import people

    if not people.can_manage_staff(user):
        return False
    if group is None or user.is_superuser:
        return True
    granted = {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }
    return granted <= user.get_all_permissions()


def clean_languages(languages):
    """The chosen codes in the order of the editions; unknown codes are refused."""
    chosen = list(dict.fromkeys(languages))
    unknown = [code for code in chosen if code not in editions.codes()]
    if unknown:
        raise ValidationError(
            _("Not an edition of this site: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    return [code for code in editions.codes() if code in chosen]


def set_editions(group, languages, *, by):
    """Limit `group` to `languages` (edition codes); none lifts its limit. Returns the row,
    or None when the group is no longer limited."""
    if not can_set_editions(by, group):
        raise PermissionDenied(_("You may not set the editions of this group."))
    languages = clean_languages(languages)
    with transaction.atomic():
        if not languages:
            DeskEditions.objects.filter(group=group).delete()
            return None
        row, _created = DeskEditions.objects.update_or_create(
            group=group, defaults={"languages": languages}
        )
    return row
