"""Staff, as a chief editor manages them from the desk: invite, put in a group, deactivate.

Plain functions, called by the people admin (articles.desk.people_admin), its actions and the
tests alike; each checks who is asking, so no path around them exists. The rules:

- Who manages: whoever has ``articles.manage_staff`` (the Chief editors group; superusers).
- Whom: staff whose every power comes from the newsroom groups (roles.NEWSROOM_GROUPS:
  Reporters, Editors, Moderators). Superusers, anyone in another group (Chief editors among
  them, so the manager's own account too) and anyone with permissions of their own are a
  superuser's, in the user admin: a chief editor cannot change, deactivate or take over (by
  changing the address and sending an invitation) an account with powers they may not give.
- What: only the newsroom groups are given or taken away. No permission, and no staff or
  superuser flag, is ever set here, but ``is_staff`` on an invited account (the desk is the
  admin).
- Never deleted: a deactivated account cannot sign in (its open sessions end at its next
  request) and everything it wrote stays, signed. It can be activated again.
- An invited account has no usable password: the mail (sent by the worker) carries a link
  made with Django's password-reset tokens, good once and for PASSWORD_RESET_TIMEOUT.
"""

import re

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from articles.desk import roles
from articles.models import StaffMember
from newsroom.site_url import absolute
from newsroom.tasks import enqueue_with_transaction

MANAGE_STAFF_PERMISSION = "articles.manage_staff"


def can_manage_staff(user):
    return user.is_active and user.has_perm(MANAGE_STAFF_PERMISSION)


def managed_staff(queryset=None):
    """The accounts a chief editor may manage: staff with newsroom groups' powers only."""
    queryset = StaffMember.objects.all() if queryset is None else queryset
    other_groups = Group.objects.exclude(name__in=roles.NEWSROOM_GROUPS)
    return (
        queryset.filter(is_staff=True, is_superuser=False)
        .exclude(groups__in=other_groups)
        .exclude(user_permissions__isnull=False)
    )


def newsroom_groups():
    return Group.objects.filter(name__in=roles.NEWSROOM_GROUPS).order_by("name")


def check_manage(by, member=None):
    """Refuse unless `by` may manage staff, and `member` (a stored account) in particular."""
    if not can_manage_staff(by):
        raise PermissionDenied(_("Only a chief editor can manage staff."))
    if member is None:
        return
    if member.pk == by.pk:
        raise PermissionDenied(_("You cannot change your own account here."))
    if not managed_staff().filter(pk=member.pk).exists():
        raise PermissionDenied(_("This account is managed by a superuser."))


def _newsroom_only(groups):
    groups = list(groups)
    allowed = set(newsroom_groups().values_list("pk", flat=True))
    if any(group.pk not in allowed for group in groups):
        raise PermissionDenied(
            _("Staff can only be put in these groups: %(groups)s.")
            % {"groups": ", ".join(roles.NEWSROOM_GROUPS)}
        )
    return groups


def email_taken(email, exclude=None):
    others = StaffMember.objects.filter(email__iexact=email.strip())
    if exclude is not None:
        others = others.exclude(pk=exclude)
    return others.exists()


def username_for(email):
    """A username from the address's local part (never the whole address: usernames are
    shown to colleagues), made unique with a number."""
    base = re.sub(r"[^\w.+-]", "", email.split("@", 1)[0])[:140] or "staff"
    taken = {
        name.lower()
        for name in StaffMember.objects.filter(username__istartswith=base).values_list(
            "username", flat=True
        )
    }
    candidate, number = base, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{base}{number}"
    return candidate


def invite(member, *, groups, by):
    """Create `member` (an unsaved StaffMember with an email and names) as staff in `groups`,
    with no usable password, and have the worker mail them the link that sets one."""
    check_manage(by)
    groups = _newsroom_only(groups)
    if not member.email or email_taken(member.email):
        raise ValidationError(_("Someone on the staff already has this email address."))
    with transaction.atomic():
        member.username = username_for(member.email)
        member.is_staff, member.is_active, member.is_superuser = True, True, False
        member.set_unusable_password()
        member.save()
        member.groups.set(groups)
        from articles.desk import tasks

        enqueue_with_transaction(tasks.send_invitation, member.pk, by.pk)
    return member


def update(member, *, groups, by):
    """Save a managed account's names, address, active flag and newsroom groups."""
    check_manage(by, member)
    if email_taken(member.email, exclude=member.pk):
        raise ValidationError(_("Someone on the staff already has this email address."))
    groups = _newsroom_only(groups)
    with transaction.atomic():
        member.save(update_fields=["first_name", "last_name", "email", "is_active"])
        set_groups(member, groups, by=by)
    return member


def set_groups(member, groups, *, by):
    """Make `groups` (newsroom groups only) the member's groups."""
    check_manage(by, member)
    member.groups.set(_newsroom_only(groups))


def deactivate(member, *, by):
    check_manage(by, member)
    member.is_active = False
    member.save(update_fields=["is_active"])


def reactivate(member, *, by):
    check_manage(by, member)
    member.is_active = True
    member.save(update_fields=["is_active"])


def invitation_pending(member):
    """Invited and not signed in yet: no password chosen, never logged in, still active."""
    return member.is_active and member.last_login is None and not member.has_usable_password()


def resend_invitation(member, *, by):
    check_manage(by, member)
    if not invitation_pending(member):
        raise ValidationError(_("%(name)s has already chosen a password.") % {"name": member})
    from articles.desk import tasks

    enqueue_with_transaction(tasks.send_invitation, member.pk, by.pk)


# The invitation mail (sent by articles.desk.tasks.send_invitation).
def invitation_link(member):
    uidb64 = urlsafe_base64_encode(force_bytes(member.pk))
    token = default_token_generator.make_token(member)
    return absolute(reverse("desk:welcome", kwargs={"uidb64": uidb64, "token": token}))


def send_invitation(member_id, invited_by_id):
    """Mail the invited person their link, unless they have chosen a password meanwhile or
    were deactivated. Returns True when a mail went; the mail server's failures propagate."""
    member = StaffMember.objects.filter(pk=member_id).exclude(email="").first()
    if member is None or not invitation_pending(member):
        return False
    inviter = StaffMember.objects.filter(pk=invited_by_id).first()
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "site_name": settings.SITE_NAME,
            "name": member.get_full_name() or member.get_username(),
            "inviter": (inviter.get_full_name() or inviter.get_username())
            if inviter
            else _("The desk"),
            "username": member.get_username(),
            "groups": ", ".join(member.groups.order_by("name").values_list("name", flat=True)),
            "link": invitation_link(member),
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            "login_url": absolute(reverse("admin:login")),
        }
        subject = _("[%(site)s] You are invited to the desk") % {"site": settings.SITE_NAME}
        body = render_to_string("articles/desk/email/invitation.txt", context)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [member.email]).send()
    return True
